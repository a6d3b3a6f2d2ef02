"""Post pages, listings and feeds a preview build takes from the last good build, unrendered.

``chorus serve`` answers most saves without a build (``chorus/incremental.py``); what it
cannot bound (a title, topics, a date, a new, renamed or deleted post) it answers with a
full build. Most of a warm build is rendering Pelican's post pages and listings and
writing feeds (docs/performance.md), and after a change of a few posts nearly all of them
come out byte for byte as the last build wrote them. So a preview build whose changes
since the last good build are all posts (``chorus serve`` knows which files changed; the
model, :func:`edited_posts`, which posts) renders only what those posts reach and
hard-links everything else of these kinds from the output it replaces.

What an output shows is known from the build itself, not from a list kept by hand:

- **A post's page** shows the post and every post its attributes hold, at any plugin's
  name (related posts, backlinks, previous and next, the series box, translations: one
  level into the objects they sit in, :func:`shown_posts`), and the posts its links point
  at (a short link shows its target's title). It is taken from the last build when the
  post is not edited, shows the same posts in the same places, links the same posts, and
  none of them is edited. A taken post is not announced (``article_generator_write_article``),
  so its body and structured data are not made for nothing.
- **A topic's or department's page, a period's archive, a feed** shows its posts, in order
  (pagination included), each with its summary or text, which shows the titles of the
  posts it links. It is taken when the posts are the same, link the same posts, and none
  of them or of the posts they link is edited.
- **Everything else** (the home page, archives, the directories, authors' pages, which show
  colleagues' posts that link theirs, and every page a plugin writes) is rendered as always.

"Edited" is every post whose :class:`~plugins.network.model.Post` differs from the kept
build's (its body, header, status as of the build's moment), added or removed. Anything
beyond posts that differs (the registry, pages, other files, redirects, the day) takes
nothing; the languages posts are written in, which every post page's search filters
show, take no post page. ``tests/test_reuse.py`` holds a preview build's output to a
clean build's, byte for byte, after random changes of posts.

A taken file is a hard link to the kept output's file: nothing writes into an output file
in place (the preview replaces files, ``os.replace``), and a render that would write over a
link unlinks it first. A file gone from the kept output is rendered.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Article
from pelican.utils import sanitised_join

from .model import MARKDOWN_EXTENSIONS, Site
from .similarity import TermMemo

# Listings whose page shows its posts and nothing another post decides.
REUSED_LISTINGS = frozenset({"tag", "category", "period_archives"})


@dataclass(frozen=True)
class Written:
    """What one call of Pelican's writer, or one feed scope, wrote in a preview build."""

    files: tuple[str, ...]  # relative to the output folder, in the order written
    source: str | None = None  # a post's page: the post, relative to content/
    members: tuple[str, ...] | None = None  # a reused listing or a feed: its posts, in order
    # Each file's inode as the build wrote it: a file the preview replaced since (a fast
    # page, the body path) is another file, whose bytes that build did not decide.
    inodes: tuple[int, ...] = ()

    def written_in(self, output: str) -> Written:
        """This record with the inodes of its files in ``output``, as just written (none,
        so never taken, if one is missing: a write Pelican skipped)."""
        try:
            return replace(
                self, inodes=tuple(os.stat(sanitised_join(output, name)).st_ino for name in self.files)
            )
        except OSError:
            return self


@dataclass(frozen=True)
class PreviousPages:
    """The last good preview build, as ``chorus serve`` keeps it for the next one."""

    output: Path  # where its files are now (the files a page is linked from)
    site: Site  # its model, with what the preview applied since (chorus/incremental.py)
    articles: Mapping[str, Any]  # its written posts by source, their attributes as kept
    written: Mapping[str, Written]  # by the first file name of each writer call
    feeds: Mapping[str, Written]  # by feed scope
    links: Mapping[str, tuple[str, ...]]  # the posts each written post links, by source
    related_terms: TermMemo  # the term frequencies of its related-posts documents
    shared: tuple  # what every post page shows of the whole network (:func:`shared_view`)


def shared_view(context: Mapping[str, Any]) -> tuple:
    """What every post page reads of the network beside its own posts: the languages posts
    are written in (a search filter on each post page when there are several)."""
    return (tuple(context.get("post_languages") or ()),)


# Values that hold no post: not looked into.
_PLAIN = (str, bytes, int, float, bool, type(None), dict, set, frozenset, type)


def _sources(value: Any, depth: int) -> list[str]:
    """The posts ``value`` holds: a post, a list of posts, or (``depth`` levels down) an
    object or list of objects whose attributes hold them (a series box, a backlink)."""
    if isinstance(value, Article):
        return [value.relative_source_path]
    if isinstance(value, (list, tuple)):
        found = []
        for item in value:
            if isinstance(item, Article):
                found.append(item.relative_source_path)
            elif depth > 0 and not isinstance(item, _PLAIN):
                found += _attribute_sources(item, depth - 1)
        return found
    if depth > 0 and not isinstance(value, _PLAIN):
        return _attribute_sources(value, depth - 1)
    return []


def _attribute_sources(value: Any, depth: int) -> list[str]:
    try:
        attributes = vars(value)
    except TypeError:  # no __dict__: a slotted or built-in value holds no post
        return []
    found = []
    for name, item in attributes.items():
        if not name.startswith("_") and not isinstance(item, _PLAIN):
            found += _sources(item, depth)
    return found


def shown_posts(article: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every post ``article``'s attributes hold, by attribute, in order."""
    found = []
    for name, value in vars(article).items():
        if not name.startswith("_") and not isinstance(value, _PLAIN) and (sources := _sources(value, 1)):
            found.append((name, tuple(sources)))
    return tuple(found)


def edited_posts(old: Site, new: Site) -> set[str] | None:
    """The sources of the posts that differ between the two models, added and removed
    included; None when anything else differs, so that no page may be taken."""
    if beyond_posts(old) != beyond_posts(new) or old.now.date() != new.now.date():
        return None
    before, after = old.posts_by_source, new.posts_by_source
    return {source for source in before.keys() | after.keys() if before.get(source) != after.get(source)}


def beyond_posts(site: Site) -> tuple:
    """Everything the model holds besides its posts and its moment: what a change of posts
    alone leaves as it was (the registry, the pages, the other files, the redirects)."""
    files = tuple(f for f in site.files if not (f.in_content and f.extension in MARKDOWN_EXTENSIONS))
    return (site.network, site.pages, files, site.public_files, site.redirects, site.published_before)


class Unchanged:
    """What a build may take from the previous one: the posts edited since (``edited``),
    and whether an output that shows posts shows the same as it did."""

    def __init__(
        self, previous: PreviousPages, edited: set[str], links: Mapping[str, tuple[str, ...]], shared: tuple
    ):
        self.previous = previous
        self.edited = edited
        self.links = links  # this build's: the posts each written post links
        self.post_pages = shared == previous.shared  # else every post page shows something new

    def post_page(self, source: str, article: Any, record: Written) -> bool:
        """Whether the post's page shows what it did: see the module's docstring."""
        if not self.post_pages or record.source != source or not self._unedited(source):
            return False
        old = self.previous.articles.get(source)
        if old is None:
            return False
        shown = shown_posts(article)
        return shown == shown_posts(old) and not any(
            s in self.edited for _, sources in shown for s in sources
        )

    def posts(self, members: tuple[str, ...], record: Written) -> bool:
        """Whether a list of posts (a listing, a feed) shows what it did: the same posts in
        the same order, each of them unedited as :meth:`_unedited` says."""
        return record.members == members and all(self._unedited(member) for member in members)

    def _unedited(self, source: str) -> bool:
        """The post is not edited and links the same posts as before, none of them edited
        (its summary, its text and its short links show their titles)."""
        links = self.links.get(source)
        return (
            source not in self.edited
            and links == self.previous.links.get(source)
            and not any(target in self.edited for target in links or ())
        )

    def link(self, record: Written, output: str) -> list[str] | None:
        """Hard-link the record's files from the previous output into ``output``; their new
        paths, or None (nothing linked) when one of them is gone or is no longer the file
        that build wrote (the preview replaced it since)."""
        made: list[str] = []
        try:
            if len(record.inodes) != len(record.files):
                raise FileNotFoundError("not recorded")
            for relative, inode in zip(record.files, record.inodes, strict=True):
                target = sanitised_join(output, relative)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(os.path.join(self.previous.output, relative), target)
                made.append(target)
                if os.stat(target).st_ino != inode:
                    raise FileNotFoundError(relative)
        except OSError:
            for target in made:
                os.unlink(target)
            return None
        return made


class PageWriter:
    """Wraps Pelican's writer for one ``generate_pages``: records what each call writes
    (``written``, for the next build) and, given what may be taken (``unchanged``), links
    the pages nothing edited reaches instead of rendering them."""

    def __init__(self, writer: Any, unchanged: Unchanged | None):
        self.writer = writer
        self.unchanged = unchanged
        self.written: dict[str, Written] = {}
        self.linked_files = 0
        self._linked: set[str] = set()  # the paths of this build that are links
        self._declined: Any = None  # the post whose page take_post_page just found changed
        self._current: list[str] | None = None
        self._write_file = writer.write_file
        self._open_w = writer._open_w

    def __enter__(self) -> PageWriter:
        self.writer.write_file = self.write_file
        self.writer._open_w = self.open_w
        return self

    def __exit__(self, *exc: object) -> None:
        self.writer.write_file = self._write_file
        self.writer._open_w = self._open_w

    def take_post_page(self, article: Any) -> bool:
        """Link the post's page from the last build if it shows what it did; True if so."""
        if self._take(article.save_as, article.relative_source_path, None, article):
            return True
        self._declined = article  # its write follows: not judged twice
        return False

    def write_file(self, name: Any, template: Any, context: Any, *args: Any, **kwargs: Any) -> None:
        if not name:
            self._write_file(name, template, context, *args, **kwargs)
            return
        article = kwargs.get("article")
        source = article.relative_source_path if isinstance(article, Article) else None
        members = None
        if source is None and kwargs.get("template_name") in REUSED_LISTINGS and "articles" in kwargs:
            members = tuple(a.relative_source_path for a in kwargs["articles"])
        judged, self._declined = article is not None and article is self._declined, None
        if (
            not judged
            and (source is not None or members is not None)
            and self._take(name, source, members, article)
        ):
            return
        self._current = []
        try:
            self._write_file(name, template, context, *args, **kwargs)
        finally:
            files, self._current = self._current, None
        self.written[name] = Written(tuple(files), source, members).written_in(self.writer.output_path)

    def open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if filename in self._linked:  # never write through a link into the kept output
            os.unlink(filename)
            self._linked.discard(filename)
        if self._current is not None:
            self._current.append(os.path.relpath(filename, self.writer.output_path).replace(os.sep, "/"))
        return self._open_w(filename, encoding, override)

    def _take(self, name: str, source: str | None, members: tuple[str, ...] | None, article: Any) -> bool:
        unchanged = self.unchanged
        if unchanged is None:
            return False
        record = unchanged.previous.written.get(name)
        if record is None or not record.files:
            return False
        if source is not None:
            same = unchanged.post_page(source, article, record)
        else:
            same = members is not None and unchanged.posts(members, record)
        if not same or (made := unchanged.link(record, self.writer.output_path)) is None:
            return False
        for target in made:  # as Pelican's writer notes what it wrote: a second write fails
            self.writer._written_files.add(target)
            self._linked.add(target)
        self.written[name] = record
        self.linked_files += len(made)
        return True


def _generate_articles(generator: Any, pages: PageWriter, write: Any) -> None:
    """``ArticlesGenerator.generate_articles`` (Pelican 4.12), except that a post page the
    last build wrote the same is linked before the post is announced: what
    ``article_generator_write_article`` makes for a page (its body, its structured data)
    is then not made for nothing."""
    for article in chain(
        generator.translations, generator.articles, generator.hidden_translations, generator.hidden_articles
    ):
        if pages.take_post_page(article):
            continue
        signals.article_generator_write_article.send(generator, content=article)
        write(
            article.save_as,
            generator.get_template(article.template),
            generator.context,
            article=article,
            category=getattr(article, "category", None),
            override_output=hasattr(article, "override_save_as"),
            url=article.url,
            blog=True,
        )


def reuse_pages(generator: Any, state: Any) -> None:
    """From now on, ``generator.generate_pages`` records its writes for the next preview
    build and takes what it can from the previous one (``state.reuse``)."""
    generate_pages = generator.generate_pages

    def generate(writer: Any) -> None:
        state.unchanged = unchanged_since(state, generator)
        with PageWriter(writer, state.unchanged) as pages:
            if state.unchanged is not None:
                generator.generate_articles = partial(_generate_articles, generator, pages)
            try:
                generate_pages(writer)
            finally:
                generator.__dict__.pop("generate_articles", None)
        state.written_pages = pages.written
        state.reused_files += pages.linked_files

    generator.generate_pages = generate


def unchanged_since(state: Any, generator: Any) -> Unchanged | None:
    """What this build may take from ``state.reuse``, or None when it may take nothing."""
    previous = state.reuse
    if previous is None or not reusable(generator.settings):
        return None
    edited = edited_posts(previous.site, state.site)
    if edited is None:
        return None
    return Unchanged(previous, edited, state.post_links, shared_view(generator.context))


def reusable(settings: Mapping[str, Any]) -> bool:
    """Whether a build with these settings may take pages from the last one: not with
    relative URLs (a page's links depend on where it is written from, and the writer
    carries them from one write to the next), nor when something listens to every write."""
    return not settings.get("RELATIVE_URLS") and not signals.content_written.receivers


__all__ = [
    "PageWriter",
    "PreviousPages",
    "Unchanged",
    "Written",
    "edited_posts",
    "beyond_posts",
    "reuse_pages",
    "shared_view",
    "shown_posts",
]
