"""Where things are written, computed from the URL settings (shared by build and check)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import AUTHOR_KINDS, Page, Post, Site


def reserved_top_level(settings: dict) -> set[str]:
    """First path segments the site itself writes (authors/, topics/, feeds/, …): no page may take them."""
    names = set()
    for key, value in settings.items():
        if key.endswith("_SAVE_AS") and isinstance(value, str) and value and not key.startswith("PAGE"):
            first = value.split("/")[0]
            if "{" not in first:
                names.add(first.split(".")[0])
    names.update(settings.get("DIRECT_TEMPLATES", []))
    names.add(settings.get("THEME_STATIC_DIR", "theme"))
    return names


def post_save_as(settings: dict, owner: str, slug: str) -> str:
    return settings["ARTICLE_SAVE_AS"].format(author_id=owner, slug=slug, author=owner)


def page_save_as(settings: dict, slug: str) -> str:
    return settings["PAGE_SAVE_AS"].format(slug=slug)


def slug_of(text: str, settings: Mapping[str, Any], kind: str = "SLUG") -> str:
    """The slug Pelican gives ``text`` (kind: SLUG, TAG, CATEGORY or AUTHOR substitutions)."""
    from pelican.utils import slugify

    substitutions = settings.get(f"{kind}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    return slugify(text, regex_subs=substitutions, preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False))


def reserved_slug_message(slug: str, reserved: set[str]) -> str | None:
    """Why a page may not take ``slug`` (a folder the site writes itself), or None."""
    if slug in reserved:
        return f"page slug '{slug}' is used by the site itself (reserved: {', '.join(sorted(reserved))})"
    return None


class TagSpellings:
    """Tags that slugify alike must be one tag; otherwise one topic page would swallow the other.

    Feed it tags in a stable order (by source path); it answers with the problem message
    for a spelling that clashes with the first one seen, or None.
    """

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, str]] = {}

    def clash(self, name: str, slug: str, source: str) -> str | None:
        first_name, first_source = self._first.setdefault(slug, (name, source))
        if first_name.casefold() == name.casefold():
            return None
        return f"tag '{name}' and tag '{first_name}' ({first_source}) would share the page topics/{slug}/; use one spelling"


def source_url(settings: Mapping[str, Any], source: Page) -> str:
    """The URL of a post's or page's own page, relative to the site root."""
    if isinstance(source, Post):
        return str(settings["ARTICLE_URL"]).format(
            author_id=source.owner, slug=source.slug, author=source.owner
        )
    return str(settings["PAGE_URL"]).format(slug=source.slug)


def written_urls(site: Site) -> set[str]:
    """Every page and media URL the build writes for ``site`` (relative to the site root),
    which is what a root-relative or relative link in a post may point at."""
    settings = site.settings
    get = settings.get
    urls = {"", *(str(get(key) or "") for key in _LISTING_URLS)}
    urls |= {source_url(settings, s) for s in (*site.posts, *site.pages) if s.status.written}
    urls |= {str(settings["AUTHOR_URL"]).format(slug=a) for a in site.network.authors}
    urls |= {str(get("AUTHOR_PROFILES_KIND_URL", "")).format(kind=k) for k in AUTHOR_KINDS}
    urls |= {str(settings["CATEGORY_URL"]).format(slug=d) for d in site.network.departments}
    published = [p for p in site.posts if p.status.listed]
    urls |= {
        str(settings["TAG_URL"]).format(slug=slug_of(t, dict(settings), "TAG"))
        for p in published
        for t in p.tags
    }
    if get("YEAR_ARCHIVE_URL"):
        urls |= {str(settings["YEAR_ARCHIVE_URL"]).format(date=p.date) for p in published if p.date}
    urls |= {str(settings["STATIC_URL"]).format(path=f.relative) for f in site.static_files}
    return urls


_LISTING_URLS = (
    "AUTHORS_URL",
    "CATEGORIES_URL",
    "TAGS_URL",
    "ARCHIVES_URL",
    "SEARCH_URL",
    "AUTHOR_PROFILES_EXPERTISE_URL",
    "DEPARTMENT_FEEDS_SUBSCRIBE_URL",
)
