"""Cross-links: the links between posts pointed at their targets, and the pages around a post.

Every reference was judged before Pelican read a post (``plugins.network.rules.links``,
the rule ``chorus check`` runs too), so this plugin only derives:

- ``initialized``: CROSSLINKS_* settings; short links off means the Markdown extension goes.
- ``article_generator_finalized`` (every post read, drafts in ``generator.drafts``): short
  links in the rendered HTML pointed at their targets; then backlinks, profile backlinks,
  previous/next, series and related posts attached to the posts.
- ``page_generator_finalized``: the short links of pages pointed the same way.

Template attributes (published and hidden posts): ``article.backlinks``, ``article.related``,
``article.prev_by_author``/``next_by_author``, ``article.prev_in_department``/
``next_in_department``, ``article.series_box``; in the context,
``crosslinks_profile_backlinks`` (author id -> list).
"""

from __future__ import annotations

from pelican import signals

from plugins.network import get_state
from plugins.network.i18n import language
from plugins.network.links import LinkIndex, Resolved, check_related, site_index
from plugins.network.model import Page, RefForm
from plugins.network.rendering import (
    DEFAULT_MARKDOWN,
    SHORT_LINK_EXTENSION,
    MarkdownRenderer,
)
from plugins.network.similarity import Document, TermMemo, html_to_text, related_posts

from .navigation import neighbours, post_backlinks, profile_backlinks, series_boxes, series_key
from .resolve import forget_rendered, point_links
from .settings import SETTINGS, related_settings

PROFILE_BACKLINKS = "crosslinks_profile_backlinks"


def apply_settings(pelican) -> None:
    settings = pelican.settings
    SETTINGS.apply(settings)
    if not settings["CROSSLINKS_SHORT_LINKS"]:
        config = dict(settings.get("MARKDOWN") or DEFAULT_MARKDOWN)
        config["extensions"] = [e for e in config.get("extensions", []) if e != SHORT_LINK_EXTENSION]
        settings["MARKDOWN"] = config
        get_state(settings).renderer = MarkdownRenderer(config)


def _resolved(source: Page, index: LinkIndex) -> list[Resolved]:
    """Where the source's references go (every one resolves: the rules ran before reading)."""
    found = []
    for ref in source.references:
        if ref.form is not RefForm.EXTERNAL:
            resolved, _ = index.check(ref, source.source, source.status)
            if resolved is not None:
                found.append(resolved)
    return found


def _point(contents: list, index: LinkIndex, state) -> None:
    rewritten = [
        c for c in contents if point_links(c, c.relative_source_path, index, state.shown(c.source_path))
    ]
    forget_rendered(rewritten)


def link_posts(generator) -> None:
    """Point short links at their targets; then attach backlinks, navigation and related posts."""
    settings = generator.settings
    state = get_state(settings)
    site = state.site
    index = site_index(site)
    published = list(generator.articles)  # newest first
    written = published + list(generator.hidden_articles)
    _point(written + list(generator.drafts), index, state)
    links_of = {a.relative_source_path: _resolved(a.post, index) for a in written}
    if state.preview:  # a page shows the titles of the posts it links (plugins.network.reuse)
        state.post_links = {
            source: tuple(found.post.source for found in resolved if found.post is not None)
            for source, resolved in links_of.items()
        }
    _attach_backlinks(generator, published, written, links_of)
    _attach_navigation(published, written, language(settings).tag)
    documents = related_documents(written, index, settings) if related_settings(settings).count > 0 else []
    if state.preview:  # chorus serve computes them again after a body edit
        state.related_documents = documents
        if state.reuse is not None:  # only posts changed since the last build: count only theirs
            kept = state.reuse.related_terms
            state.related_terms = {document: kept[document] for document in documents if document in kept}
    attach_related(written, documents, settings, state.related_terms if state.preview else None)


def _attach_backlinks(generator, published: list, written: list, links_of: dict) -> None:
    backlinks = post_backlinks(published, links_of, written)
    for article in written:
        article.backlinks = backlinks[article.relative_source_path]
    by_author = profile_backlinks(published, links_of)
    generator.context[PROFILE_BACKLINKS] = by_author


def _attach_navigation(published: list, written: list, default_lang: str) -> None:
    # Among posts of one language: a translation is reached by its page's language switch,
    # not as the "previous post" of its own original (they share a date).
    by_author = neighbours(published, lambda a: (a.post.owner, a.post.language(default_lang)))
    by_department = neighbours(published, lambda a: (a.department.id, a.post.language(default_lang)))
    boxes = series_boxes(published, lambda a: a.post.language(default_lang))
    for article in written:
        source = article.relative_source_path
        article.prev_by_author, article.next_by_author = by_author.get(source, (None, None))
        article.prev_in_department, article.next_in_department = by_department.get(source, (None, None))
        article.series_box = boxes.get(source)


def related_documents(written: list, index: LinkIndex, settings: dict) -> list[Document]:
    """What related posts are computed from, one document per written post (in ``written``'s
    order), from each post's final HTML."""
    url_of = {article.relative_source_path: article.url for article in written}
    documents = []
    for article in written:
        picks = check_related(
            article.post.related,
            article.post.source,
            article.post.status,
            index,
            settings["CROSSLINKS_RELATED_COUNT"],
        )[0]
        documents.append(
            Document(
                key=article.url,
                title=article.title,
                summary=html_to_text(article.metadata.get("summary") or ""),
                body=html_to_text(article._content or ""),
                tags=tuple(tag.name for tag in getattr(article, "tags", [])),
                authors=tuple(author.slug for author in article.authors),
                department=article.department.id,
                series=series_key(getattr(article, "series", None) or ""),
                listed=article.post.status.listed,
                pinned=tuple(url_of[pick.source] for pick in picks if pick.source in url_of),
            )
        )
    return documents


def attach_related(
    written: list, documents: list[Document], settings: dict, memo: TermMemo | None = None
) -> list:
    """``article.related`` of every written post; returns the posts whose list changed (all
    of them the first time). ``memo``: see ``similarity.TermMemo`` (``chorus serve``)."""
    options = related_settings(settings)
    urls = [article.url for article in written]  # Pelican formats a URL on every access
    found: dict[str, list] = dict.fromkeys(urls, [])
    if options.count > 0:
        by_url = dict(zip(urls, written, strict=True))
        for key, matches in related_posts(documents, options, memo).items():
            found[key] = [by_url[match.key] for match in matches]
    changed = []
    for article, url in zip(written, urls, strict=True):
        related = found[url]
        before = getattr(article, "related", None)
        if before is None or [id(a) for a in before] != [id(a) for a in related]:
            changed.append(article)
        article.related = list(related)
    return changed


def link_pages(generator) -> None:
    """Pages may link posts and profiles too: their short links are pointed the same way."""
    state = get_state(generator.settings)
    pages = list(generator.pages) + list(generator.hidden_pages) + list(generator.draft_pages)
    _point(pages, site_index(state.site), state)


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(link_posts)
    signals.page_generator_finalized.connect(link_pages)
