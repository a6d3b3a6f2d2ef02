"""Search engines and link previews: Article JSON-LD, sitemap.xml and robots.txt.

The tags in ``<head>`` (canonical URL, Open Graph, Twitter card) are written by
``theme/templates/partials/head_seo.html`` from what this plugin and ``social_cards``
attach. The sitemap lists only published pages: its candidates come from the published
posts and the registries, and a candidate is listed only if the build wrote its file, so
drafts, future and hidden posts can never appear, and neither can a page nobody wrote.

- ``all_generators_finalized``: robots.txt and the sitemap claim their paths before
  anything is written.
- ``article_generator_write_article``: a post's JSON-LD, once its card URL is known.
- ``page_writer_finalized``: every page is written (posts, listings, profiles, pages), so the
  sitemap and robots.txt are written from the candidates whose files exist.

Every URL and path comes from the site's URL scheme (``get_state(settings).urls``). A local
build (SITEURL '') writes no sitemap: search engines never see it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import ArticlesGenerator

from plugins.network import get_state
from plugins.network.settings import SettingsSpec
from plugins.network.urls import output_settings

from .jsonld import article_json_ld
from .sitemap import Entry, robots_txt, sitemap_files

SETTINGS = SettingsSpec("SEO_", *output_settings("SEO_"))


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def _changed(content):
    return getattr(content, "modified", None) or getattr(content, "date", None)


def _newest(contents):
    stamps = [s for s in (_changed(c) for c in contents) if s is not None]
    return max(stamps) if stamps else None


def _newest_by(published, keys_of) -> dict:
    """Key -> newest change among the published posts that ``keys_of(post)`` assigns to it."""
    newest: dict = {}
    for article in published:
        stamp = _changed(article)
        for key in keys_of(article):
            if key not in newest or stamp > newest[key]:
                newest[key] = stamp
    return newest


def _is_own(canonical: str | None, own: str) -> bool:
    """Whether a post's Canonical: is its own address, written any way (http or https,
    with or without the slash, the host in any case): only another page takes it out."""
    if canonical is None:
        return True
    written, mine = urlsplit(canonical), urlsplit(own)
    return (written.hostname, written.path.rstrip("/")) == (mine.hostname, mine.path.rstrip("/"))


def sitemap_candidates(context: dict, state) -> list[Entry]:
    """Every page a search engine should know, from published content only, newest change as lastmod.

    ``context`` is Pelican's shared context once posts and pages are read (its ``pages`` and ``tags``).
    """
    urls = state.urls
    published = list(state.published)
    newest = _newest(published)
    listings = [
        urls.home(),
        urls.author_directory(),
        urls.department_index(),
        urls.topic_index(),
        urls.archives(),
    ]
    entries = [Entry.of(listing, newest) for listing in listings]
    # A republished post names its original as canonical: the sitemap lists canonical URLs only.
    entries += [
        Entry(a.url, a.save_as, _changed(a))
        for a in published
        if _is_own(a.post.canonical, urls.absolute(a.url))
    ]
    entries += [Entry(p.url, p.save_as, _changed(p)) for p in context.get("pages", [])]
    by_author = _newest_by(published, lambda a: [w.slug for w in a.authors])
    entries += [Entry.of(urls.author(i), by_author.get(i)) for i in state.network.authors]
    by_department = _newest_by(published, lambda a: [a.category.slug])
    entries += [Entry.of(urls.department(i), by_department.get(i)) for i in state.network.departments]
    for tag, tagged in sorted(context.get("tags", []), key=lambda item: item[0].slug):
        entries.append(Entry(tag.url, tag.save_as, _newest(tagged)))
    return entries


def claim_outputs(generators) -> None:
    """Before anything is written: robots.txt and the sitemap claim their files."""
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    state = get_state(articles.settings)
    state.outputs.claim_or_raise(state.urls.robots().save_as, "SEO_ROBOTS_SAVE_AS")
    # The "not found" page is served at any missing URL: head_seo.html gives it no canonical.
    articles.context["SEO_NOT_FOUND_SAVE_AS"] = state.urls.not_found().save_as
    if not state.urls.is_local:
        state.outputs.claim_or_raise(state.urls.sitemap().save_as, "SEO_SITEMAP_SAVE_AS")


def attach_json_ld(generator, content) -> None:
    """Just before a post is written, when its card URL is known."""
    content.json_ld = article_json_ld(content, generator.settings, get_state(generator.settings).urls)


def _written(candidates: list[Entry], output: Path) -> list[Entry]:
    """The candidates whose page the build wrote, each URL once."""
    seen, written = set(), []
    for entry in candidates:
        if entry.save_as and entry.url not in seen and (output / entry.save_as).is_file():
            seen.add(entry.url)
            written.append(entry)
    return written


def write_sitemap_and_robots(generator, writer) -> None:
    """After the pages are written (the last HTML Pelican writes), so the sitemap lists only files that exist."""
    state = get_state(generator.settings)
    urls = state.urls
    output = Path(generator.output_path)
    sitemap_url = None
    if not urls.is_local:
        candidates = sitemap_candidates(generator.context, state)
        main = urls.sitemap().save_as
        for name, data in sitemap_files(_written(candidates, output), urls).items():
            if name != main:  # numbered parts of a large sitemap
                state.outputs.claim_or_raise(name, "SEO_SITEMAP_SAVE_AS")
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        sitemap_url = urls.absolute(urls.sitemap().url)
    robots = output / urls.robots().save_as
    robots.parent.mkdir(parents=True, exist_ok=True)
    robots.write_text(robots_txt(sitemap_url), encoding="utf-8")


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.all_generators_finalized.connect(claim_outputs)
    signals.article_generator_write_article.connect(attach_json_ld)
    signals.page_writer_finalized.connect(write_sitemap_and_robots)
