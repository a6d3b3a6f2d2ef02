"""Cross-links: every link between posts checked at build time, and the pages around a post.

- ``initialized``: CROSSLINKS_* settings; short links off means the Markdown extension goes.
- ``article_generator_finalized`` (every post read, drafts in ``generator.drafts``): every
  link of every post and every ``Related:`` pick is resolved; all problems fail the build
  at once, as ``path:line: error: …`` with the closest match. Then backlinks, profile
  backlinks, previous/next, series and related posts are attached to the posts.
- ``page_generator_finalized``: the links of pages are checked the same way.

Template attributes (published and hidden posts): ``article.backlinks``, ``article.related``,
``article.prev_by_author``/``next_by_author``, ``article.prev_in_department``/
``next_in_department``, ``article.series_box``; on every Pelican Author wrapper seen,
``author.backlinks``; in the context, ``crosslinks_profile_backlinks`` (author id -> list).
"""

from __future__ import annotations

import os
from pathlib import Path

from pelican import signals

from plugins.network import ProblemList, get_state
from plugins.network.links import DRAFT, FUTURE, PUBLISHED, WRITTEN, LinkIndex, PostRef, check_related
from plugins.network.rendering import (
    DEFAULT_MARKDOWN,
    SHORT_LINK_EXTENSION,
    SHORT_LINK_PLACEHOLDER,
    MarkdownRenderer,
)
from plugins.network.similarity import Document, html_to_text, related_posts

from .navigation import neighbours, post_backlinks, profile_backlinks, series_boxes, series_key
from .resolve import check_links, forget_rendered, locate, point_links
from .settings import SETTINGS, related_settings

RULE = "links"
PROFILE_BACKLINKS = "crosslinks_profile_backlinks"


def apply_settings(pelican) -> None:
    settings = pelican.settings
    SETTINGS.apply(settings)
    if not settings["CROSSLINKS_SHORT_LINKS"]:
        config = dict(settings.get("MARKDOWN") or DEFAULT_MARKDOWN)
        config["extensions"] = [e for e in config.get("extensions", []) if e != SHORT_LINK_EXTENSION]
        settings["MARKDOWN"] = config
        get_state(settings).renderer = MarkdownRenderer(config)


def _status(content) -> str:
    """PUBLISHED, HIDDEN, DRAFT or FUTURE (a post dated after the build's 'now')."""
    if content.status in WRITTEN:
        return content.status
    return DRAFT if content.metadata.get("status") == DRAFT else FUTURE


def _post_ref(article) -> PostRef:
    return PostRef(
        source=article.relative_source_path,
        owner=article.owner_id,
        slug=article.slug,
        stem=Path(article.source_path).stem,
        status=_status(article),
        url=article.url,
        title=article.title,
        date=article.date.date().isoformat(),
    )


def _content_files(state, posts: set[str]) -> list[str]:
    """Every other file under content/ (pages, images): ``{filename}`` may name them too."""
    files = []
    for folder, dirs, names in os.walk(state.content_path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            relative = (Path(folder) / name).relative_to(state.content_path).as_posix()
            if not name.startswith(".") and relative not in posts:
                files.append(relative)
    return files


def _check(contents: list, index: LinkIndex, state, problems: ProblemList) -> dict[str, list]:
    """Resolve the links of posts or pages; point the short ones at their targets.
    Returns content-relative source -> resolved links."""
    resolved, rewritten = {}, []
    for content in contents:
        source = content.relative_source_path
        checked = check_links(content, source, _status(content), index)
        if checked.failures:
            shown = state.shown(content.source_path)
            body_line = content.metadata.get("body_line", 1)
            lines = locate(
                checked.failures,
                Path(content.source_path),
                shown,
                body_line,
                state.settings["CHORUS_MAX_POST_BYTES"],
            )
            for failure, line in zip(checked.failures, lines, strict=False):
                problems.add(shown, line, failure.message)
        elif point_links(content, source, index):
            rewritten.append(content)
        resolved[source] = checked.resolved
    forget_rendered(rewritten)
    return resolved


def _related_picks(article, index: LinkIndex, settings: dict, state, problems: ProblemList) -> list[PostRef]:
    """The posts named in ``Related:``, checked like links (rules in plugins.network.links)."""
    written = getattr(article, "related_ids", ())
    if not written:
        return []
    picks, messages = check_related(
        written, article.relative_source_path, _status(article), index, settings["CROSSLINKS_RELATED_COUNT"]
    )
    line = article.metadata.get("meta_lines", {}).get("related")
    for message in messages:
        problems.add(state.shown(article.source_path), line, message)
    return picks


def _bio_problems(state) -> ProblemList:
    """Bios are rendered before any post is read, so a short link there could never resolve."""
    problems = ProblemList(rule=RULE)
    for author in state.network.authors.values():
        if SHORT_LINK_PLACEHOLDER in author.bio_html:
            path = state.root / author.source
            lines = path.read_text(encoding="utf-8").split("\n") if path.is_file() else []
            line = next((n for n, text in enumerate(lines, start=1) if "[[" in text), None)
            problems.add(
                author.source,
                line,
                "short links ([[…]]) work in posts and pages, not in bios: write a Markdown link, or \\[[ for brackets",
            )
    return problems


def link_posts(generator) -> None:
    """Check every link of every post; then attach backlinks, navigation and related posts."""
    settings = generator.settings
    state = get_state(settings)
    published = list(generator.articles)  # newest first
    written = published + list(generator.hidden_articles)
    everything = written + list(generator.drafts)
    refs = [_post_ref(article) for article in everything]
    authors = {author.id: author.name for author in state.network.authors.values()}
    sources = {ref.source for ref in refs}
    index = LinkIndex(refs, authors, _content_files(state, sources))
    state.link_index = index  # pages are checked against the same index

    problems = ProblemList(rule=RULE)
    links_of = _check(everything, index, state, problems)
    picks = {a.relative_source_path: _related_picks(a, index, settings, state, problems) for a in everything}
    problems.extend(_bio_problems(state).items)
    problems.raise_if_errors()

    _attach_backlinks(generator, published, written, links_of)
    _attach_navigation(published, written)
    _attach_related(written, picks, settings)


def _attach_backlinks(generator, published: list, written: list, links_of: dict) -> None:
    backlinks = post_backlinks(published, links_of, written)
    for article in written:
        article.backlinks = backlinks[article.relative_source_path]
    by_author = profile_backlinks(published, links_of)
    generator.context[PROFILE_BACKLINKS] = by_author
    wrappers = [w for a in written for w in a.authors]
    wrappers += [entry[0] if isinstance(entry, tuple) else entry for entry in generator.authors]
    for wrapper in wrappers:
        wrapper.backlinks = by_author.get(wrapper.slug, [])


def _attach_navigation(published: list, written: list) -> None:
    by_author = neighbours(published, lambda a: a.owner_id)
    by_department = neighbours(published, lambda a: a.department.id)
    boxes = series_boxes(published)
    for article in written:
        source = article.relative_source_path
        article.prev_by_author, article.next_by_author = by_author.get(source, (None, None))
        article.prev_in_department, article.next_in_department = by_department.get(source, (None, None))
        article.series_box = boxes.get(source)


def _attach_related(written: list, picks: dict[str, list[PostRef]], settings: dict) -> None:
    options = related_settings(settings)
    if options.count == 0:
        for article in written:
            article.related = []
        return
    documents = [
        Document(
            key=article.url,
            title=article.title,
            summary=html_to_text(article.metadata.get("summary") or ""),
            body=html_to_text(article._content or ""),
            tags=tuple(tag.name for tag in getattr(article, "tags", [])),
            authors=tuple(author.slug for author in article.authors),
            department=article.department.id,
            series=series_key(getattr(article, "series", None) or ""),
            listed=article.status == PUBLISHED,
            pinned=tuple(ref.url for ref in picks[article.relative_source_path]),
        )
        for article in written
    ]
    by_url = {article.url: article for article in written}
    for key, matches in related_posts(documents, options).items():
        by_url[key].related = [by_url[match.key] for match in matches]


def link_pages(generator) -> None:
    """Pages may link posts and profiles too; their links are checked the same way."""
    state = get_state(generator.settings)
    problems = ProblemList(rule=RULE)
    pages = list(generator.pages) + list(generator.hidden_pages) + list(generator.draft_pages)
    _check(pages, state.link_index, state, problems)
    problems.raise_if_errors()


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(link_posts)
    signals.page_generator_finalized.connect(link_pages)
