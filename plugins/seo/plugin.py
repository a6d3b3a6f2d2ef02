"""Search engines and link previews: Article JSON-LD, sitemap.xml and robots.txt.

The tags in ``<head>`` (canonical URL, Open Graph, Twitter card) are written by
``theme/templates/partials/head_seo.html`` from what this plugin and ``social_cards``
attach. The sitemap lists only published pages: its candidates come from the published
posts and the registries, and a candidate is listed only if the build wrote its file, so
drafts, future and hidden posts can never appear, and neither can a page nobody wrote.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from plugins.network import get_state
from plugins.network.settings import SettingsSpec
from plugins.network.urls import output_settings

from .jsonld import article_json_ld
from .links import join, site_base
from .sitemap import Entry, robots_txt, sitemap_files

SETTINGS = SettingsSpec("SEO_", *output_settings("SEO_"))

# Listings of published content that have a page of their own (besides the home page).
DIRECTORY_PAGES = ("AUTHORS", "CATEGORIES", "TAGS", "ARCHIVES")


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


def sitemap_candidates(articles: ArticlesGenerator, pages: PagesGenerator | None, state) -> list[Entry]:
    """Every page a search engine should know, from published content only, newest change as lastmod."""
    settings = articles.settings
    published = list(state.published)
    newest = _newest(published)
    entries = [Entry("", settings["INDEX_SAVE_AS"], newest)]
    entries += [Entry(settings[f"{n}_URL"], settings[f"{n}_SAVE_AS"], newest) for n in DIRECTORY_PAGES]
    entries += [Entry(a.url, a.save_as, _changed(a)) for a in published]
    if pages is not None:
        entries += [Entry(p.url, p.save_as, _changed(p)) for p in pages.pages]
    by_author = _newest_by(published, lambda a: [w.slug for w in a.authors])
    by_department = _newest_by(published, lambda a: [a.category.slug])
    for kind, ids, by_id in (
        ("AUTHOR", state.network.authors, by_author),
        ("CATEGORY", state.network.departments, by_department),
    ):
        for slug in ids:
            url, save_as = (
                settings[f"{kind}_URL"].format(slug=slug),
                settings[f"{kind}_SAVE_AS"].format(slug=slug),
            )
            entries.append(Entry(url, save_as, by_id.get(slug)))
    for tag, tagged in sorted(articles.tags.items(), key=lambda item: item[0].slug):
        entries.append(Entry(tag.url, tag.save_as, _newest(tagged)))
    return entries


def collect_sitemap(generators) -> None:
    """Before anything is written: claim the files and remember the candidates."""
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    pages = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    settings = articles.settings
    state = get_state(settings)
    state.outputs.claim_or_raise(settings["SEO_ROBOTS_SAVE_AS"], "SEO_ROBOTS_SAVE_AS")
    state.sitemap_candidates = sitemap_candidates(articles, pages, state)
    # The "not found" page is served at any missing URL: head_seo.html gives it no canonical.
    articles.context["SEO_NOT_FOUND_SAVE_AS"] = settings.get("404_SAVE_AS", "404.html")
    if site_base(settings):
        state.outputs.claim_or_raise(settings["SEO_SITEMAP_SAVE_AS"], "SEO_SITEMAP_SAVE_AS")


def attach_json_ld(generator, content) -> None:
    """Just before a post is written, when its card URL is known."""
    content.json_ld = article_json_ld(content, generator.settings)


def _written(candidates: list[Entry], output: Path) -> list[Entry]:
    """The candidates whose page the build wrote, each URL once."""
    seen, written = set(), []
    for entry in candidates:
        if entry.save_as and entry.url not in seen and (output / entry.save_as).is_file():
            seen.add(entry.url)
            written.append(entry)
    return written


def write_sitemap_and_robots(pelican) -> None:
    """After every page is written, so the sitemap lists only files that exist."""
    settings = pelican.settings
    state = get_state(settings)
    output = Path(pelican.output_path)
    base = site_base(settings)
    sitemap_url = None
    if base:
        save_as = settings["SEO_SITEMAP_SAVE_AS"]
        for name, data in sitemap_files(_written(state.sitemap_candidates, output), base, save_as).items():
            if name != save_as:  # numbered parts of a large sitemap
                state.outputs.claim_or_raise(name, "SEO_SITEMAP_SAVE_AS")
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        sitemap_url = join(base, save_as)
    robots = output / settings["SEO_ROBOTS_SAVE_AS"]
    robots.parent.mkdir(parents=True, exist_ok=True)
    robots.write_text(robots_txt(sitemap_url), encoding="utf-8")


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.all_generators_finalized.connect(collect_sitemap)
    signals.article_generator_write_article.connect(attach_json_ld)
    signals.finalized.connect(write_sitemap_and_robots)
