"""The preview's three paths that answer an edit without a full build.

``chorus serve`` keeps the last good build's Pelican generators (their context, templates
and articles, with everything the plugins attached).

**The body path** (:func:`body_edits`). When every change is an edit of the text of posts
that build wrote, and nothing the rest of the site shows of them changes with it (their
header, the targets of their links and images in order, their reading time, the summary
listings show, which for a post without one is made from the body's first words), the edit is applied to the kept build: the posts are read again into the
model, rendered through the render cache, and every output the text reaches is rendered
again with the kept context — the posts' pages, the pages whose related posts change (the
related lists are computed again over the whole network), the feeds that carry the posts'
text, and the search bundles of the pages that changed. Nothing else of the site can
depend on a post's text. The rewritten files pass the output gate before they are moved
into the output; the result equals a clean build's, byte for byte
(``tests/test_incremental.py`` holds it to that on random edits). No build runs.

**The fast path** (:func:`fast_page`), for any other edit of one post: its own page is
rewritten from the kept context in well under a second, whatever the size of the network,
and the full build then runs as before and replaces the whole output, so what the preview
finally serves is a clean build's output; the fast page is a preview of it, not a
substitute. What the fast page takes from the edit: the body, the title, the summary and
the topics (when every topic already has its page). What it keeps from the last build
until the full build lands: everything the rest of the network says about the post —
related posts, backlinks, previous/next, series, listings, feeds, search. Anything else
(a new, renamed or deleted file, a changed date, status, author, series, ``Related:``, a
page, a registry, settings, templates, static files) has no fast page: the full build
alone answers it.

**The unwritten path** (:func:`unwritten_edits`), when every change is of a draft or a
scheduled post that stays one (edited, added, renamed or deleted): no output shows such a
post, so the sources are read again, compared with the kept model (every written post and
page the same), checked by every rule and rendered as the build would, and the new model
is kept. Nothing is written.

Nothing the full build would refuse for this post gets any path: the header must read
without problems, every link must resolve, the Markdown must render. Rules that look at
the whole network (the policy, for one) run in the full build, whose failure shows over
the page as any failed build does; the body path runs the output gate on what it writes.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.urlwrappers import Tag

from chorus.build import output_gate
from plugins.crosslinks.plugin import attach_related
from plugins.crosslinks.resolve import forget_rendered, point_links, unresolved_short_link
from plugins.crosslinks.settings import related_settings
from plugins.department_feeds.config import FeedConfig
from plugins.department_feeds.plugin import CONTEXT_KEY as FEEDS_KEY
from plugins.department_feeds.plugin import feed_files
from plugins.markdown_posts.prerender import BODY, SUMMARY, RenderCache, render_site
from plugins.markdown_posts.reader import reading_figures
from plugins.network.errors import ERROR
from plugins.network.links import URL_ATTRIBUTE, LinkIndex, site_index
from plugins.network.model import MARKDOWN_EXTENSIONS, Post, RefForm, Site
from plugins.network.parallel import worker_count
from plugins.network.posts import is_page_source
from plugins.network.reuse import PreviousPages, beyond_posts, shared_view
from plugins.network.rules import run_rules
from plugins.network.similarity import Document, html_to_text
from plugins.network.sources import load_site, read_source
from plugins.network.state import STATE_KEY, BuildState
from plugins.site_search.plugin import BundleCache, search_batches, write_bundle

# The fields of a post an edit may change and still get a fast page; any other difference
# (date, status, authors, department, series, related, canonical…) waits for the full build.
FAST_FIELDS = frozenset({"body", "body_line", "references", "header", "title", "summary", "tags"})


@dataclass(frozen=True)
class LastBuild:
    """What the last good build leaves for the fast path, all computed when it is kept (in
    the thread that builds): the fast path only reads it, while the next build runs."""

    output: Path  # where the build was swapped in (the generators wrote to a staging folder)
    generator: ArticlesGenerator
    articles: dict[str, Any]  # every post the build wrote, by source relative to content/
    index: LinkIndex  # where links go
    tags: dict[str, Tag]  # the build's topics by slug: a fast page only links topics that have a page

    @classmethod
    def of(cls, generators: Iterable[object], output: Path) -> LastBuild | None:
        found = [g for g in generators if isinstance(g, ArticlesGenerator)]
        if not found or STATE_KEY not in found[0].settings:
            return None
        generator = found[0]
        written = [*generator.articles, *generator.hidden_articles]
        return cls(
            output,
            generator,
            {a.relative_source_path: a for a in written},
            site_index(generator.settings[STATE_KEY].site),
            {tag.slug: tag for tag in generator.tags},
        )

    @property
    def state(self) -> BuildState:
        return self.generator.settings[STATE_KEY]

    @property
    def written(self) -> list:
        """Every post the build wrote, in the order crosslinks computed their related posts."""
        return [*self.generator.articles, *self.generator.hidden_articles]

    def previous_pages(self) -> PreviousPages:
        """What the next build may take from this one, as the preview keeps it now (the body
        and unwritten paths change the model and the posts in place)."""
        state = self.state
        return PreviousPages(
            self.output,
            state.site,
            self.articles,
            state.written_pages,
            state.written_feeds,
            state.post_links,
            state.related_terms,
            shared_view(self.generator.context),
        )


def changed_fields(old: Post, new: Post) -> set[str]:
    return {f.name for f in fields(Post) if getattr(old, f.name) != getattr(new, f.name)}


def _reread(last: LastBuild, path: Path, allowed: frozenset[str]) -> tuple[Any, Post] | None:
    """(the build's article, the post read again) for a post the last build wrote whose
    edit changed only ``allowed`` fields; None for anything else."""
    state = last.state
    try:
        relative = path.resolve().relative_to(state.content_path).as_posix()
    except ValueError:
        return None
    article = last.articles.get(relative)
    if article is None or not path.is_file():
        return None
    new = read_source(state, state.site.network, path, state.shown(path))
    if not isinstance(new, Post) or changed_fields(article.post, new) - allowed:
        return None
    return article, new


def fast_page(last: LastBuild, path: Path) -> tuple[str, bytes] | None:
    """The page of the post at ``path`` after its edit, as (save_as, bytes), or None when
    the edit needs the full build (see the module's docstring)."""
    state = last.state
    reread = _reread(last, path, FAST_FIELDS)
    if reread is None:
        return None
    old_article, new = reread
    old: Post = old_article.post
    relative = old_article.relative_source_path
    for ref in new.references:
        if ref.form is not RefForm.EXTERNAL and last.index.check(ref, new.source, new.status)[1]:
            return None
    tags = _tags(last, new)
    if tags is None:
        return None
    if (old.summary is None) != (new.summary is None):
        return None  # Pelican derives a missing summary from the body: the full build does
    settings = state.settings
    rendered = _rendered(state, [new])
    if rendered is None:
        return None

    article = copy.copy(old_article)
    article.metadata = dict(old_article.metadata)
    article._content = rendered[(relative, BODY)]
    article.title = article.metadata["title"] = new.title
    if new.summary is not None:
        article._summary = article.metadata["summary"] = rendered[(relative, SUMMARY)]
    article.tags = article.metadata["tags"] = tags
    words, minutes = reading_figures(new.body, settings["CHORUS_WORDS_PER_MINUTE"])
    article.word_count = article.metadata["word_count"] = words
    article.reading_time = article.metadata["reading_time"] = minutes
    article.post = new
    try:
        point_links(article, relative, last.index, new.path)
        article.refresh_metadata_intersite_links()
        # What Pelican does for every post it writes: the page's body (anchors, contents,
        # responsive images; plugins.post_page) and its structured data (plugins.seo).
        signals.article_generator_write_article.send(last.generator, content=article)
        html = _render(last.generator, article)
    finally:
        forget_rendered([article])
    return article.save_as, html.encode("utf-8")


def _tags(last: LastBuild, new: Post) -> list[Tag] | None:
    """The post's topics as the reader makes them, taken from the build; None if one is new."""
    found: dict[str, Tag] = {}
    for name in new.tags:
        slug = Tag(name, last.state.settings).slug
        if slug not in last.tags:
            return None
        found.setdefault(slug, last.tags[slug])
    return list(found.values())


def _render(generator: ArticlesGenerator, article: Any) -> str:
    """The post's page as ``ArticlesGenerator.generate_articles`` and Pelican's writer render it."""
    context = generator.context.copy()
    if (once := context.get("once")) is not None:
        once.forget()  # cards and avatars the build rendered may show what the edit changed
    context["localsiteurl"] = context.get("localsiteurl", None)
    context["output_file"] = article.save_as
    context.update(article=article, category=getattr(article, "category", None), blog=True)
    return generator.get_template(article.template).render(context)


def write_if_changed(output: Path, save_as: str, data: bytes) -> bool:
    """Write ``data`` to ``output/save_as`` atomically, only if the bytes differ; True if written."""
    target = output / save_as
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, target)
    return True


# -- body edits: every output an edit of a post's text reaches, rewritten without a build ------

# What a body edit may change in a post. Anything else (a header field, a summary made from
# the body, the reading time, where links and images go and in what order) reaches listings, cards, feed
# headers or other posts' pages: the full build answers it.
BODY_FIELDS = frozenset({"body", "body_line", "references"})


@dataclass(frozen=True)
class _Edit:
    article: Any  # the build's article, updated in place once every edit is known to qualify
    post: Post
    html: str  # the new body's HTML, short links pointed
    words: int


def _targets(post: Post) -> list[tuple[RefForm, str, bool]]:
    """Where a post's links and images go, in the order they are written (an author's
    profile lists the posts linking to theirs, and what each links, in that order)."""
    return [(ref.form, ref.target, ref.image) for ref in post.references]


def _rendered(
    state: BuildState, sources: list[Post], site: Site | None = None
) -> dict[tuple[str, str], str] | None:
    """(source, part) -> the HTML of each source's body and summary as the build renders
    them (through the render cache), in ``site`` (the run's by default); None if one fails
    to render."""
    settings = state.settings
    rendered = render_site(
        site or state.site,
        state.renderer,
        settings.get("MARKDOWN"),
        RenderCache(state.cache_dir("markdown")),
        settings["CHORUS_MAX_RENDER_SECONDS"],
        1,
        sources=sources,
    )
    if any(r.error is not None for r in rendered.values()):
        return None
    return {key: r.html for key, r in rendered.items()}


def _bodies(state: BuildState, sources: list[Post]) -> dict[str, str] | None:
    """Each source's body HTML as the build renders it; None if one fails to render."""
    rendered = _rendered(state, sources)
    return (
        None
        if rendered is None
        else {source: html for (source, part), html in rendered.items() if part == BODY}
    )


def _pointed(last: LastBuild, article: Any, html: str) -> str:
    """``html`` with its short links pointed, as crosslinks points a post's body in the build."""
    scratch = copy.copy(article)
    scratch.metadata = dict(article.metadata)
    scratch._content = html
    try:
        point_links(scratch, article.relative_source_path, last.index, last.state.shown(article.source_path))
        return scratch._content
    finally:
        forget_rendered([scratch])


def _restore(last: LastBuild, articles: Iterable[Any]) -> list:
    """Give posts back the body HTML the build dropped once their pages were written (the
    search plugin does, to bound memory). Returns the posts given it, to drop it again."""
    missing = list({id(a): a for a in articles if a._content is None}.values())
    if not missing:
        return []
    bodies = _bodies(last.state, [a.post for a in missing])
    if bodies is None:  # it rendered in the build: only a changed renderer gets here
        raise RuntimeError("a post the last build rendered no longer renders")
    for article in missing:
        article._content = _pointed(last, article, bodies[article.relative_source_path])
    return missing


def _made_summary(last: LastBuild, article: Any, html: str | None) -> str:
    """The summary Pelican makes from a post's body when it has none of its own (its first
    words, SUMMARY_MAX_LENGTH), from ``html``, or from the body the build rendered (None)."""
    scratch = copy.copy(article)
    scratch.metadata = dict(article.metadata)
    if html is not None:
        scratch._content = html
    elif scratch._content is None:  # dropped once the page was written
        _restore(last, [scratch])
    try:
        return scratch.summary
    finally:
        forget_rendered([scratch])


def _urls(html: str) -> list[str]:
    """Every link and image URL of a rendered body, in order."""
    return URL_ATTRIBUTE.findall(html)


def _drop(articles: list) -> None:
    for article in articles:
        article._content = None
    forget_rendered(articles)


def body_edits(last: LastBuild, paths: Iterable[Path]) -> list[str] | None:
    """Apply edits that change only the text of posts the last build wrote, and rewrite every
    output they reach: each post's page, the pages whose related posts change, the feeds
    that carry the post's text, and the search bundles of those pages. Returns the output
    paths whose bytes changed, or None when an edit is anything else (or its new pages fail
    the output gate): nothing is written then, and the full build answers it.

    The outputs equal a clean build's, byte for byte (tests/test_incremental.py): they are
    rendered by the same code from the same model, with the edited posts replaced."""
    state = last.state
    settings = state.settings
    found: dict[str, tuple[Any, Post]] = {}
    for path in paths:
        reread = _reread(last, path, BODY_FIELDS)
        if reread is None:
            return None
        article, new = reread
        if _targets(article.post) != _targets(new):
            return None
        found[article.relative_source_path] = (article, new)
    if not found:
        return None
    bodies = _bodies(state, [new for _, new in found.values()])
    before = _bodies(state, [article.post for article, _ in found.values()])
    if bodies is None or before is None:
        return None
    # The rules the build runs before reading a post, on the model after the edit: an
    # error the build would stop at leaves the answer to the full build, which reports it.
    site = state.site_with(new for _, new in found.values())
    if not state.statuses_hold(site) or any(problem.level == ERROR for problem in run_rules(site)):
        return None
    edits = []
    for relative, (article, new) in found.items():
        words, minutes = reading_figures(new.body, settings["CHORUS_WORDS_PER_MINUTE"])
        if minutes != article.reading_time:
            return None  # listings and cards show it
        html = _pointed(last, article, bodies[relative])
        if _urls(html) != _urls(_pointed(last, article, before[relative])):
            return None  # links the scan of the source did not see (raw HTML): the files published may change
        if article.post.summary is None and _made_summary(last, article, html) != _made_summary(
            last, article, None
        ):
            return None  # listings and feeds show the summary Pelican makes from the body's start
        edits.append(_Edit(article, new, html, words))

    written = last.written
    related = related_settings(settings).count > 0
    documents = state.related_documents  # the build kept them for the preview (BuildState.preview)
    if related and len(documents) != len(written):
        return None
    undo = _Undo.of(state, written, [edit.article for edit in edits])
    position = {id(article): number for number, article in enumerate(written)}
    for edit in edits:
        article = edit.article
        if related:
            number = position[id(article)]
            state.related_terms.pop(documents[number], None)  # never asked for again
            documents[number] = replace(documents[number], body=html_to_text(edit.html))
        article.post = edit.post
        article._content = edit.html
        article.word_count = article.metadata["word_count"] = edit.words
        forget_rendered([article])
        article.refresh_metadata_intersite_links()
    state.replace_site(site)
    pages = {id(edit.article): edit.article for edit in edits}
    if related:
        changed = attach_related(written, documents, settings, state.related_terms)
        pages.update((id(article), article) for article in changed)

    pending = Path(tempfile.mkdtemp(prefix=f".{last.output.name}-edit-", dir=last.output.parent))
    restored = []
    try:
        restored += _restore(last, pages.values())
        for article in pages.values():
            signals.article_generator_write_article.send(last.generator, content=article)
            _stage(pending, article.save_as, _render(last.generator, article).encode("utf-8"))
        restored += _write_feeds(last, pending, {id(edit.article) for edit in edits})
        if settings["CHORUS_OUTPUT_GATE"] and output_gate(pending, last.output, state):
            undo.restore()  # the kept build stays the last good one: fast pages render from it
            return None  # the full build reports the problems, as it would without this path
        bundles = _search_bundles(last, pending)
        if bundles is None:
            undo.restore()
            return None
        return _publish(last, pending, bundles)
    finally:
        _drop(restored + [edit.article for edit in edits if edit.article.status == "published"])
        shutil.rmtree(pending, ignore_errors=True)


@dataclass(frozen=True)
class _Undo:
    """What the body path changes in the kept build, as it was: put back when the output
    gate refuses the edit, so the kept build stays the last good one."""

    state: BuildState
    site: Site
    documents: list[Document]
    related: list[tuple[Any, Any]]  # (article, its related posts)
    edited: list[tuple[Any, Post, Any, Any]]  # (article, post, word count, its HTML)

    @classmethod
    def of(cls, state: BuildState, written: list, edited: list) -> _Undo:
        return cls(
            state,
            state.site,
            list(state.related_documents),
            [(article, getattr(article, "related", None)) for article in written],
            [(article, article.post, article.word_count, article._content) for article in edited],
        )

    def restore(self) -> None:
        self.state.replace_site(self.site)
        self.state.related_documents[:] = self.documents
        for article, related in self.related:
            article.related = related
        for article, post, words, html in self.edited:
            article.post, article._content = post, html
            article.word_count = article.metadata["word_count"] = words
        forget_rendered([article for article, *_ in self.edited])


def _stage(pending: Path, save_as: str, data: bytes) -> None:
    target = pending / save_as
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _write_feeds(last: LastBuild, pending: Path, edited: set[int]) -> list:
    """Stage every feed carrying an edited post's text; returns the posts whose HTML it restored."""
    catalog = last.generator.context.get(FEEDS_KEY)
    if catalog is None:
        return []
    config = FeedConfig.from_settings(last.state.settings, last.state.urls)
    scopes = [
        scope
        for scope in catalog.scopes
        if scope.kind in config.full_content and any(id(article) in edited for article in scope.articles)
    ]
    restored = _restore(last, [article for scope in scopes for article in scope.articles])
    for path, data, _ in feed_files(last.state.settings, catalog, scopes):
        _stage(pending, path, data)
    return restored


def _staged(pending: Path) -> list[str]:
    return sorted(path.relative_to(pending).as_posix() for path in pending.rglob("*") if path.is_file())


def _search_bundles(last: LastBuild, pending: Path) -> list[tuple[str, list[str], list[str]]] | None:
    """(folder, pages, the files of the bundle there now) of every search batch holding a
    staged page; None when one of those bundles is not in the cache (deleted or pruned
    meanwhile), so its files are unknown and only the full build can replace it."""
    state = last.state
    if not state.settings["SITE_SEARCH_ENABLED"]:
        return []
    cache = BundleCache(state.cache_dir("search"))
    staged = set(_staged(pending))
    found = []
    for place, batch in search_batches(state):
        if staged.intersection(batch):
            before = state.search_bundles.get(place)
            files = cache.files(before) if before else None
            if files is None:
                return None
            found.append((place, batch, files))
    return found


def _publish(last: LastBuild, pending: Path, bundles: list[tuple[str, list[str], list[str]]]) -> list[str]:
    """Move the staged files whose bytes changed into the output, then replace each of
    ``bundles`` whose pages are no longer those it indexed (Pagefind reads them from the
    output; the fast page may have written one already). Returns what changed."""
    output, state = last.output, last.state
    changed = [name for name in _staged(pending) if not _same(pending / name, output / name)]
    for name in changed:
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(pending / name, target)
    cache = BundleCache(state.cache_dir("search"))
    touched = []
    for place, batch, old in bundles:
        if state.search_bundles.get(place) == cache.key(output, batch, place):
            continue
        for name in old:
            (output / place / name).unlink(missing_ok=True)
        touched.append((place, batch))
    # One Pagefind per batch, as many at once as the build runs workers.
    with ThreadPoolExecutor(worker_count(state.settings["CHORUS_WORKERS"])) as pool:
        keys = list(pool.map(lambda job: write_bundle(cache, output, *job), touched))
    for (place, _), key in zip(touched, keys, strict=True):
        state.search_bundles[place] = key
        changed.append(place + "/")
    return changed


def _same(one: Path, other: Path) -> bool:
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False


# -- unwritten posts: drafts and scheduled posts edited, added, renamed or deleted ----------


def unwritten_edits(last: LastBuild, paths: Iterable[Path]) -> tuple[LastBuild, list[str]] | None:
    """Apply changes that touch only posts the last build did not write and that stay
    unwritten (a draft or a scheduled post edited, added, renamed or deleted) to the kept
    build, and write nothing: such a post reaches no output (Status: it is written nowhere,
    and every page, listing, feed, count and index is made from written posts; a written
    post that links to it is an error). The sources are read again into the model, every
    rule runs on it and the changed posts render, as the full build would judge them.

    Returns the kept build with the new model and the sources changed (as shown), or None
    when the full build must answer: another change, a post that is or becomes written, or
    an error the build would stop at."""
    state = last.state
    changed: set[str] = set()
    for path in paths:
        try:
            relative = path.resolve().relative_to(state.content_path).as_posix()
        except ValueError:
            return None
        if (
            path.suffix.lower().lstrip(".") not in MARKDOWN_EXTENSIONS
            or is_page_source(relative, state.settings["PAGE_PATHS"])
            or relative in last.articles
        ):
            return None
        changed.add(relative)
    if not changed:
        return None
    old, new = state.site, load_site(state)
    if (
        not state.statuses_hold(new)  # a post due or gone since the kept build: it must be built
        or _written_sources(old) != _written_sources(new)
        or beyond_posts(old) != beyond_posts(new)
    ):
        return None  # a post is or becomes written, or the change was not only these posts
    if any(problem.level == ERROR for problem in run_rules(new)):
        return None
    edited = [post for post in new.posts if post.source in changed]
    rendered = _rendered(state, edited, new) if edited else {}
    if rendered is None:
        return None  # the build renders every post it reads, drafts too, and stops at this
    index = site_index(new)
    if any(unresolved_short_link(markup, index) for markup in rendered.values()):
        return None  # and points their short links, which the scan of the source may have missed
    state.replace_site(new)
    return replace(last, index=index), sorted(new.shown(new.content / source) for source in changed)


def _written_sources(site: Site) -> dict[str, Any]:
    """Every post some output shows, by source."""
    return {p.source: p for p in site.posts if p.status.written}
