"""The preview's fast path: an edited post's own page, rewritten before the full rebuild.

``chorus serve`` keeps the last good build's Pelican generators (their context, templates
and articles, with everything the plugins attached). When the only change is the text of
a post that build wrote, :func:`fast_page` re-reads that one file into the model
(``plugins.network.sources.read_source``), renders it through the render cache, and
renders its page with the kept context: the page a browser shows is rewritten in well under a
second, whatever the size of the network. The full build then runs as before and replaces
the whole output, so what the preview finally serves is a clean build's output, byte for
byte; the fast page is a preview of it, not a substitute.

What the fast page takes from the edit: the body, the title, the summary and the topics
(when every topic already has its page). What it keeps from the last build until the full
build lands: everything the rest of the network says about the post — related posts,
backlinks, previous/next, series, listings, feeds, search. Anything else (a new, renamed
or deleted file, a changed date, status, author, series, ``Related:``, a page, a registry,
settings, templates, static files) has no fast page: the full build alone answers it.

Nothing the full build would refuse for this post gets a fast page: the header must read
without problems, every link must resolve, the Markdown must render. Rules that look at
the whole network (the policy, for one) run in the full build, whose failure shows over
the page as any failed build does.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.urlwrappers import Tag

from plugins.crosslinks.resolve import forget_rendered, point_links
from plugins.markdown_posts.prerender import BODY, SUMMARY, RenderCache, render_site
from plugins.markdown_posts.reader import reading_figures
from plugins.network.links import LinkIndex, site_index
from plugins.network.model import Post, RefForm
from plugins.network.sources import read_source
from plugins.network.state import STATE_KEY, BuildState

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


def changed_fields(old: Post, new: Post) -> set[str]:
    return {f.name for f in fields(Post) if getattr(old, f.name) != getattr(new, f.name)}


def fast_page(last: LastBuild, path: Path) -> tuple[str, bytes] | None:
    """The page of the post at ``path`` after its edit, as (save_as, bytes), or None when
    the edit needs the full build (see the module's docstring)."""
    state = last.state
    try:
        relative = path.resolve().relative_to(state.content_path).as_posix()
    except ValueError:
        return None
    old_article = last.articles.get(relative)
    if old_article is None or not path.is_file():
        return None
    old: Post = old_article.post
    new = read_source(state, state.site.network, path, state.shown(path))
    if not isinstance(new, Post) or changed_fields(old, new) - FAST_FIELDS:
        return None
    for ref in new.references:
        if ref.form is not RefForm.EXTERNAL and last.index.check(ref, new.source, new.status)[1]:
            return None
    tags = _tags(last, new)
    if tags is None:
        return None
    if (old.summary is None) != (new.summary is None):
        return None  # Pelican derives a missing summary from the body: the full build does
    settings = state.settings
    rendered = render_site(
        state.site,
        state.renderer,
        settings.get("MARKDOWN"),
        RenderCache(state.cache_dir("markdown")),
        settings["CHORUS_MAX_RENDER_SECONDS"],
        1,
        sources=[new],
    )
    if any(r.error is not None for r in rendered.values()):
        return None

    article = copy.copy(old_article)
    article.metadata = dict(old_article.metadata)
    article._content = rendered[(relative, BODY)].html
    article.title = article.metadata["title"] = new.title
    if new.summary is not None:
        article._summary = article.metadata["summary"] = rendered[(relative, SUMMARY)].html
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
