"""Where every file of the site is written and which URL it has: one scheme, shared by build and check.

Pelican's contract stays: the values come from UPPER_SNAKE settings in ``pelicanconf.py`` —
Pelican's own ``*_URL`` / ``*_SAVE_AS`` pairs, and the path settings of Chorus's features,
declared once below (``OUTPUT_SETTINGS``) and included in each feature's ``SettingsSpec``,
which validates them and lists them in docs/settings.md. ``UrlScheme`` reads them all once
and answers, for every kind of output, an ``Output(url, save_as)``.

SITEURL is checked once, when the scheme is built (at Pelican's ``initialized``, before any
content is read): ``''`` (a local build) or an absolute http(s) URL, maybe with a sub-path.
Two ways to turn a site-relative URL into one a reader can follow, one rule each:

- ``absolute(url)`` is always absolute, for files read away from the site (feeds, OPML, the
  sitemap): ``SITEURL/url``, and on a local build ``DEPARTMENT_FEEDS_FALLBACK_SITEURL/url``
  (``http://localhost:8000``, where ``chorus serve`` serves the build).
- ``link(url)`` is how the site's own pages and ``network.json`` refer to a page, the same as
  the theme's ``{{ SITEURL }}/{{ url }}``: absolute on a published site, root-relative
  (``/url``) on a local build, so a local build never claims to live on localhost.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

from pelican.settings import DEFAULT_CONFIG

from .errors import ConfigError, Problem
from .model import AUTHOR_KINDS, Page, Post, Site
from .settings import SETTINGS_FILE, Setting, path_template

# --- feed scopes and formats (the values of DEPARTMENT_FEEDS_SCOPES and _FORMATS) -------------

NETWORK, DEPARTMENTS, AUTHORS, TOPICS = "network", "departments", "authors", "topics"
LANGUAGES = "languages"  # one feed per language, when posts are written in more than one
FEED_SCOPES = (NETWORK, DEPARTMENTS, AUTHORS, TOPICS, LANGUAGES)
ATOM, RSS, JSON = "atom", "rss", "json"
FEED_FORMATS = (ATOM, RSS, JSON)
DEFAULT_FEED_FILE_NAMES = {ATOM: "atom.xml", RSS: "rss.xml", JSON: "feed.json"}

# The folder setting of each feed scope; every scope but the network has one folder per slug.
FEED_FOLDER_SETTINGS = {
    NETWORK: "DEPARTMENT_FEEDS_NETWORK_PATH",
    DEPARTMENTS: "DEPARTMENT_FEEDS_DEPARTMENT_PATH",
    AUTHORS: "DEPARTMENT_FEEDS_AUTHOR_PATH",
    TOPICS: "DEPARTMENT_FEEDS_TOPIC_PATH",
    LANGUAGES: "DEPARTMENT_FEEDS_LANGUAGE_PATH",
}

LOCAL_SITEURL = "http://localhost:8000"
FALLBACK_SITEURL = "DEPARTMENT_FEEDS_FALLBACK_SITEURL"

# --- checks of the output settings -----------------------------------------------------------

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_PCHAR = r"[A-Za-z0-9._~!$&'()*+,;=:@%-]"  # RFC 3986 path characters
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
_ABSOLUTE_URL = re.compile(rf"https?://{_HOST}(?::[0-9]{{1,5}})?(?:/{_PCHAR}*)*", re.IGNORECASE)
# Characters a URL may carry as they are; anything else (spaces, non-ASCII, quotes) is percent-encoded.
_URL_SAFE = "/:@!$&'()*+,;=?#%~"


def siteurl_problem(value: Any) -> str | None:
    """What is wrong with a SITEURL value, or None: '' or an absolute http(s) URL, maybe with a path."""
    if value == "" or (isinstance(value, str) and _ABSOLUTE_URL.fullmatch(value)):
        return None
    return (
        f"SITEURL: expected '' or an absolute http(s) URL like 'https://voices.example.com', found {value!r}"
    )


def _absolute_url(value: Any) -> str | None:
    if isinstance(value, str) and _ABSOLUTE_URL.fullmatch(value):
        return None
    return "expected an absolute http(s) URL like 'http://localhost:8000'"


def _path_using_only(*placeholders: str) -> Any:
    """An output path template using exactly these placeholders."""
    base = path_template(*placeholders)

    def check(value: Any) -> str | None:
        if message := base(value):
            return message
        try:
            value.format(**{p: "x" for p in placeholders})
        except (KeyError, IndexError, ValueError):
            allowed = ", ".join("{" + p + "}" for p in placeholders) or "no placeholders"
            return f"expected a relative output path using only {allowed}"
        return None

    return check


def _folder_url(*required: str) -> Any:
    """A relative URL ending in '/' (a folder with index.html) containing the placeholders."""
    check_path = path_template(*required)

    def check(value: Any) -> str | None:
        message = check_path(value)
        if message:
            return message.replace("output path", "URL")
        if not value.endswith("/"):
            return "expected a folder URL ending in '/', like 'authors/expertise/'"
        return None

    return check


def _relative_url(value: Any) -> str | None:
    if isinstance(value, str) and value and not value.startswith("/") and ".." not in value:
        return None
    return "expected a relative URL like 'subscribe/'"


def _feed_file_names(value: Any) -> str | None:
    if (
        not isinstance(value, dict)
        or not set(value) <= set(FEED_FORMATS)
        or not all(isinstance(n, str) and _FILE_NAME.match(n) for n in value.values())
    ):
        return "expected a dict of format (" + ", ".join(FEED_FORMATS) + ") to a file name like 'atom.xml'"
    merged = {**DEFAULT_FEED_FILE_NAMES, **value}
    if len(set(merged.values())) != len(merged):
        return f"every format needs its own file name (with the defaults: {merged!r})"
    return None


# Every Chorus setting that places an output. Each feature's SettingsSpec includes the ones
# carrying its prefix (``output_settings(prefix)``): one declaration, validated by the feature.
OUTPUT_SETTINGS = (
    Setting(FALLBACK_SITEURL, LOCAL_SITEURL, "Absolute URL used in feeds when SITEURL is '' (local builds), so local feeds stay valid.", _absolute_url),
    Setting("DEPARTMENT_FEEDS_NETWORK_PATH", "feeds/network/", "Folder of the network's feeds.", _path_using_only()),
    Setting("DEPARTMENT_FEEDS_DEPARTMENT_PATH", "feeds/departments/{slug}/", "Folder of each department's feeds ({slug} = department id).", _path_using_only("slug")),
    Setting("DEPARTMENT_FEEDS_AUTHOR_PATH", "feeds/authors/{slug}/", "Folder of each author's feeds ({slug} = author id).", _path_using_only("slug")),
    Setting("DEPARTMENT_FEEDS_TOPIC_PATH", "feeds/topics/{slug}/", "Folder of each topic's feeds ({slug} = topic slug).", _path_using_only("slug")),
    Setting("DEPARTMENT_FEEDS_LANGUAGE_PATH", "feeds/languages/{slug}/", "Folder of each language's feeds, written when posts are in more than one language ({slug} = language code, like 'de').", _path_using_only("slug")),
    Setting("DEPARTMENT_FEEDS_FILE_NAMES", dict(DEFAULT_FEED_FILE_NAMES), "File name of each format inside a scope's folder (formats left out keep their default).", _feed_file_names),
    Setting("DEPARTMENT_FEEDS_OPML_SAVE_AS", "feeds/network.opml", "OPML file listing every feed: the network's, each department's, author's and topic's.", _path_using_only()),
    Setting("DEPARTMENT_FEEDS_SCOPE_OPML_SAVE_AS", "feeds/{scope}.opml", "OPML file of every feed of one scope ({scope} = departments, authors or topics).", _path_using_only("scope")),
    Setting("DEPARTMENT_FEEDS_DEPARTMENT_OPML_SAVE_AS", "feeds/departments/{slug}.opml", "OPML file of one department: its feed and its people's feeds.", _path_using_only("slug")),
    Setting("DEPARTMENT_FEEDS_SUBSCRIBE_URL", "subscribe/", "URL of the Subscribe page.", _relative_url),
    Setting("DEPARTMENT_FEEDS_SUBSCRIBE_SAVE_AS", "subscribe/index.html", "Where the Subscribe page is written.", _path_using_only()),
    Setting("AUTHOR_PROFILES_AVATAR_PATH", "avatars", "Output folder of the avatars.", path_template()),
    Setting("AUTHOR_PROFILES_EXPERTISE_URL", "authors/expertise/", "URL of the expertise index.", _folder_url()),
    Setting("AUTHOR_PROFILES_EXPERTISE_SAVE_AS", "authors/expertise/index.html", "File of the expertise index.", path_template()),
    Setting("AUTHOR_PROFILES_KIND_URL", "authors/kind/{kind}/", "URL of the directory of one kind (expert, guest).", _folder_url("kind")),
    Setting("AUTHOR_PROFILES_KIND_SAVE_AS", "authors/kind/{kind}/index.html", "File of the directory of one kind (expert, guest).", path_template("kind")),
    Setting("CLEAN_IMAGES_WIDTHS_PATH", "media-widths", "Output folder of the smaller widths made of post images: content/alice/pump.png at 480 px is <path>/alice/pump-480w.png.", path_template()),
    Setting("SOCIAL_CARDS_PATH", "cards", "Output folder of the cards; a page at <url>/ gets <path>/<url>.png.", path_template()),
    Setting("SEO_SITEMAP_SAVE_AS", "sitemap.xml", "Where the sitemap is written (needs an absolute SITEURL).", path_template()),
    Setting("SEO_ROBOTS_SAVE_AS", "robots.txt", "Where robots.txt is written; crawlers only look at the site root.", path_template()),
    Setting("NETWORK_INDEX_SAVE_AS", "network.json", "Where the machine-readable index is written.", path_template()),
    Setting("SITE_SEARCH_BUNDLE_DIR", "pagefind", "Folder of the search index in the output.", path_template()),
    Setting("NETWORK_HEALTH_URL", "health/", "URL of the network health page.", _folder_url()),
    Setting("NETWORK_HEALTH_SAVE_AS", "health/index.html", "File of the network health page.", path_template()),
    Setting("NETWORK_HEALTH_STATS_SAVE_AS", "network-stats.json", "Where the health page's figures are written as JSON, for dashboards.", path_template()),
    Setting("REDIRECTS_FILE_SAVE_AS", "_redirects", "The list of redirects for hosts that read one (Netlify, Cloudflare Pages).", path_template()),
)  # fmt: skip


def output_settings(prefix: str) -> tuple[Setting, ...]:
    """The output settings one feature declares in its SettingsSpec (those carrying its prefix)."""
    return tuple(s for s in OUTPUT_SETTINGS if s.name.startswith(prefix))


# Pelican's pairs the scheme reads, as (URL setting, save-as setting).
_PELICAN_PAIRS = (
    ("ARTICLE_URL", "ARTICLE_SAVE_AS"),
    ("PAGE_URL", "PAGE_SAVE_AS"),
    ("AUTHOR_URL", "AUTHOR_SAVE_AS"),
    ("AUTHORS_URL", "AUTHORS_SAVE_AS"),
    ("CATEGORY_URL", "CATEGORY_SAVE_AS"),
    ("CATEGORIES_URL", "CATEGORIES_SAVE_AS"),
    ("TAG_URL", "TAG_SAVE_AS"),
    ("TAGS_URL", "TAGS_SAVE_AS"),
    ("ARCHIVES_URL", "ARCHIVES_SAVE_AS"),
    ("YEAR_ARCHIVE_URL", "YEAR_ARCHIVE_SAVE_AS"),
    ("SEARCH_URL", "SEARCH_SAVE_AS"),
    ("404_URL", "404_SAVE_AS"),
    ("STATIC_URL", "STATIC_SAVE_AS"),
)


# What the scheme fills in each pair's placeholders with (a stand-in value for each, to try
# the settings once), and what each pair's pages are, for the messages.
_PAIR_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "ARTICLE": ({"author_id": "a", "author": "a", "slug": "s"}, "every post"),
    "PAGE": ({"slug": "s"}, "every page"),
    "AUTHOR": ({"slug": "s"}, "every author's profile"),
    "AUTHORS": ({}, "the expert directory"),
    "CATEGORY": ({"slug": "s"}, "every department's page"),
    "CATEGORIES": ({}, "the list of departments"),
    "TAG": ({"slug": "s"}, "every topic's page"),
    "TAGS": ({}, "the list of topics"),
    "ARCHIVES": ({}, "the archive"),
    "YEAR_ARCHIVE": ({"date": dt.date(2026, 1, 1)}, "each year's archive"),
    "SEARCH": ({}, "the search page"),
    "404": ({}, "the page for missing addresses"),
}
_MAY_BE_UNWRITTEN = {"404"}  # the only one the site's own pages never link to


def _pair_problem(name: str, url: Any, save_as: Any) -> str | None:
    """What is wrong with one of Pelican's ``*_URL``/``*_SAVE_AS`` pairs as the scheme uses
    it, or None: only the placeholders the scheme fills, a file for every page the site
    links to, and the URL the pages link to naming the file that is written."""
    fields, what = _PAIR_FIELDS[name]
    allowed = ", ".join("{" + f + "}" for f in fields) or "no placeholders"
    formatted = []
    for setting, value in ((f"{name}_URL", url), (f"{name}_SAVE_AS", save_as)):
        if not isinstance(value, str):
            return f"{setting}: expected a text like {_pelican_value({}, setting)!r}, found {value!r}"
        try:
            formatted.append(value.format(**fields))
        except (KeyError, IndexError, ValueError, AttributeError):
            return f"{setting}: {value!r} uses a placeholder Chorus does not fill here; use only {allowed}"
    link, written = formatted
    if not written:
        if name in _MAY_BE_UNWRITTEN:
            return None
        return (
            f"{name}_SAVE_AS: '' would leave {what} unwritten, but the network's pages link to it;"
            " remove the setting (Chorus writes every page of the hub)"
        )
    if written not in (link, link + "index.html") or link.startswith("/"):
        return (
            f"{name}_URL {url!r} and {name}_SAVE_AS {save_as!r} disagree: pages would link to"
            f" '{link}' while the file is '{written}'; set both, like"
            f" {name}_URL = '{{…}}/' with {name}_SAVE_AS = '{{…}}/index.html'"
        )
    return None


def _pelican_value(settings: Mapping[str, Any], name: str) -> Any:
    """A Pelican setting; a direct template without one (SEARCH) is written to <name>.html, as Pelican does."""
    if name in settings:
        return settings[name]
    if name in DEFAULT_CONFIG:
        return DEFAULT_CONFIG[name]
    return name.rsplit("_", 2 if name.endswith("_SAVE_AS") else 1)[0].lower() + ".html"


@dataclass(frozen=True)
class Output:
    """One file of the site: its URL relative to SITEURL (like Pelican's ``article.url``; '' is
    the home page) and its path in the output folder ('' when the site does not write it)."""

    url: str
    save_as: str


class UrlScheme:
    """The site's URL scheme, read once from the Pelican settings; immutable.

    Every method answers where one kind of output goes, as an ``Output``; files that are
    not pages (feeds, cards, images) have the same ``url`` and ``save_as``.
    """

    __slots__ = ("siteurl", "_base", "_values")

    siteurl: str
    _base: str
    _values: Mapping[str, Any]

    def __init__(self, settings: Mapping[str, Any]):
        siteurl = settings.get("SITEURL") or ""
        if problem := siteurl_problem(siteurl):
            raise ConfigError(Problem(SETTINGS_FILE, None, problem))
        values: dict[str, Any] = {}
        for pair in _PELICAN_PAIRS:
            for name in pair:
                values[name] = _pelican_value(settings, name)
        for name in _PAIR_FIELDS:
            if problem := _pair_problem(name, values[f"{name}_URL"], values[f"{name}_SAVE_AS"]):
                raise ConfigError(Problem(SETTINGS_FILE, None, problem))
        values["INDEX_SAVE_AS"] = _pelican_value(settings, "INDEX_SAVE_AS")
        if values["INDEX_SAVE_AS"] != "index.html":
            # The home page's URL is the site's own address: every page links it as '/'.
            message = (
                f"INDEX_SAVE_AS: the home page is written as 'index.html', found {values['INDEX_SAVE_AS']!r}"
            )
            raise ConfigError(Problem(SETTINGS_FILE, None, message + "; remove the setting"))
        values["THEME_STATIC_DIR"] = _pelican_value(settings, "THEME_STATIC_DIR")
        for setting in OUTPUT_SETTINGS:
            value = settings.get(setting.name, setting.default)
            values[setting.name] = MappingProxyType(dict(value)) if isinstance(value, dict) else value
        # A bad fallback is reported by the feeds' settings check, which runs at initialized too.
        fallback = values[FALLBACK_SITEURL]
        base = siteurl or (fallback if isinstance(fallback, str) else LOCAL_SITEURL)
        object.__setattr__(self, "siteurl", siteurl.rstrip("/"))
        object.__setattr__(self, "_base", base.rstrip("/"))
        object.__setattr__(self, "_values", MappingProxyType(values))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"UrlScheme is immutable (tried to set {name!r})")

    def __repr__(self) -> str:
        return f"UrlScheme(siteurl={self.siteurl!r})"

    # --- absolute URLs -------------------------------------------------------------------------

    @property
    def is_local(self) -> bool:
        """SITEURL is '': a local build, served from the root of localhost."""
        return not self.siteurl

    @property
    def base_path(self) -> str:
        """Where the site lives on its host, '/' or '/voices/' (search links results from there)."""
        return urlsplit(self.siteurl).path.rstrip("/") + "/"

    def with_base_path(self, url: str) -> str:
        """A root-relative URL written in a post or bio (``/topics/x/``: the site's root) as
        the site links it: under SITEURL's path when the site lives in one (``/voices/topics/x/``)."""
        return self.base_path.rstrip("/") + url

    def without_base_path(self, url: str) -> str:
        """The root-relative URL as written of one :meth:`with_base_path` made; others as they are."""
        prefix = self.base_path.rstrip("/")
        return url[len(prefix) :] if prefix and url.startswith(prefix + "/") else url

    @property
    def host(self) -> str:
        """The host name of the absolute URLs (SITEURL's, or the local fallback's)."""
        return urlsplit(self._base).hostname or "localhost"

    def absolute(self, url: str) -> str:
        """The absolute URL of a site-relative URL; on a local build, under the local fallback."""
        return f"{self._base}/{_encoded(url)}"

    def link(self, url: str) -> str:
        """A site-relative URL as the site's pages link it: ``SITEURL/url`` (root-relative locally)."""
        return f"{self.siteurl}/{_encoded(url)}"

    # --- pages ---------------------------------------------------------------------------------

    def _pair(self, name: str, **fields: Any) -> Output:
        url, save_as = self._values[f"{name}_URL"], self._values[f"{name}_SAVE_AS"]
        return Output(url.format(**fields), save_as.format(**fields) if save_as else "")

    def home(self) -> Output:
        return Output("", self._values["INDEX_SAVE_AS"])

    def post(self, owner: str, slug: str) -> Output:
        """A post of author ``owner`` (its folder under content/)."""
        return self._pair("ARTICLE", author_id=owner, author=owner, slug=slug)

    def page(self, slug: str) -> Output:
        return self._pair("PAGE", slug=slug)

    def author(self, author_id: str) -> Output:
        """An author's profile."""
        return self._pair("AUTHOR", slug=author_id)

    def author_directory(self, kind: str = "") -> Output:
        """The expert directory: everyone (kind ''), or only one kind of author ('expert', 'guest')."""
        if not kind:
            return self._pair("AUTHORS")
        return self._file(
            self._values["AUTHOR_PROFILES_KIND_URL"].format(kind=kind),
            self._values["AUTHOR_PROFILES_KIND_SAVE_AS"].format(kind=kind),
        )

    def expertise_index(self) -> Output:
        return Output(
            self._values["AUTHOR_PROFILES_EXPERTISE_URL"], self._values["AUTHOR_PROFILES_EXPERTISE_SAVE_AS"]
        )

    def department(self, department_id: str) -> Output:
        return self._pair("CATEGORY", slug=department_id)

    def department_index(self) -> Output:
        return self._pair("CATEGORIES")

    def topic(self, slug: str) -> Output:
        return self._pair("TAG", slug=slug)

    def topic_index(self) -> Output:
        return self._pair("TAGS")

    def archives(self) -> Output:
        return self._pair("ARCHIVES")

    def year_archive(self, year: int) -> Output:
        return self._pair("YEAR_ARCHIVE", date=dt.date(year, 1, 1))

    def search(self) -> Output:
        return self._pair("SEARCH")

    def not_found(self) -> Output:
        """The "not found" page a web server shows at any missing URL."""
        return self._pair("404")

    def subscribe(self) -> Output:
        """The Subscribe page (every feed and OPML list)."""
        return self._file(
            self._values["DEPARTMENT_FEEDS_SUBSCRIBE_URL"], self._values["DEPARTMENT_FEEDS_SUBSCRIBE_SAVE_AS"]
        )

    # --- files ---------------------------------------------------------------------------------

    @staticmethod
    def _file(url: str, save_as: str | None = None) -> Output:
        return Output(url, url if save_as is None else save_as)

    def feed(self, scope: str, fmt: str, slug: str | None = None) -> Output:
        """The feed of one scope (network, departments, authors, topics) in one format (atom, rss, json);
        every scope but the network names its department, author or topic by ``slug``."""
        if (scope == NETWORK) != (slug is None):
            raise ValueError(f"the {scope} feed needs {'no' if scope == NETWORK else 'a'} slug")
        folder = self._values[FEED_FOLDER_SETTINGS[scope]].format(slug=slug).strip("/")
        file_names = {**DEFAULT_FEED_FILE_NAMES, **self._values["DEPARTMENT_FEEDS_FILE_NAMES"]}
        return self._file(f"{folder}/{file_names[fmt]}")

    def opml(self, department: str | None = None) -> Output:
        """The OPML list of the whole network, or of one department and its people."""
        if department is None:
            return self._file(self._values["DEPARTMENT_FEEDS_OPML_SAVE_AS"])
        return self._file(self._values["DEPARTMENT_FEEDS_DEPARTMENT_OPML_SAVE_AS"].format(slug=department))

    def scope_opml(self, scope: str) -> Output:
        """The OPML list of every feed of one scope (departments, authors, topics)."""
        if scope == NETWORK or scope not in FEED_SCOPES:
            raise ValueError(f"no OPML list per scope for {scope!r}")
        return self._file(self._values["DEPARTMENT_FEEDS_SCOPE_OPML_SAVE_AS"].format(scope=scope))

    def social_card(self, page_url: str) -> Output:
        """The card of the page at ``page_url``: ``posts/alice/hello/`` -> ``cards/posts/alice/hello.png``."""
        name = page_url.strip("/") or "index"
        return self._file(f"{self._values['SOCIAL_CARDS_PATH'].strip('/')}/{name}.png")

    def avatar(self, author_id: str, file_name: str) -> Output:
        """One avatar image of an author (``alice-128.webp``)."""
        return self._file(f"{self._values['AUTHOR_PROFILES_AVATAR_PATH'].strip('/')}/{author_id}/{file_name}")

    def media(self, path: str) -> Output:
        """A static file from content/, by its path there."""
        return self._pair("STATIC", path=path)

    def media_width(self, path: str, width: int) -> Output:
        """A smaller width of an image from content/, by its path there and the width:
        ``alice/pump.png`` at 480 -> ``media-widths/alice/pump-480w.png`` (in a folder of
        its own, so no file of content/ can take its name)."""
        stem, extension = posixpath.splitext(path)
        folder = self._values["CLEAN_IMAGES_WIDTHS_PATH"].strip("/")
        return self._file(f"{folder}/{stem}-{width}w{extension}")

    def public_file(self, path: str) -> Output:
        """A file of the network's static/ folder, by its path there: published at the same
        path from the site root (``css/brand.css``)."""
        return self._file(path)

    def brand_file(self, file_name: str) -> Output:
        """A file made from the brand settings (``logo.svg``, ``icon-192.png``, ``brand.css``,
        ``fonts/…``): inside the theme's folder, which no source may enter."""
        return self._file(f"{self._values['THEME_STATIC_DIR'].strip('/')}/brand/{file_name}")

    def search_bundle(self, file_name: str) -> Output:
        """A file of the search index (``pagefind.js``); ``''`` for the folder that holds them."""
        return self._file(f"{self._values['SITE_SEARCH_BUNDLE_DIR'].strip('/')}/{file_name}")

    def network_index(self) -> Output:
        """``network.json``: departments, authors and published posts."""
        return self._file(self._values["NETWORK_INDEX_SAVE_AS"])

    def sitemap(self, part: int | None = None) -> Output:
        """The sitemap, or numbered part ``part`` of a sitemap too big for one file."""
        save_as = self._values["SEO_SITEMAP_SAVE_AS"]
        if part is None:
            return self._file(save_as)
        stem, extension = posixpath.splitext(save_as)
        return self._file(f"{stem}-{part}{extension}")

    def robots(self) -> Output:
        return self._file(self._values["SEO_ROBOTS_SAVE_AS"])

    def network_health(self) -> Output:
        """The network health page (published posts only)."""
        return Output(self._values["NETWORK_HEALTH_URL"], self._values["NETWORK_HEALTH_SAVE_AS"])

    def network_stats(self) -> Output:
        """``network-stats.json``: the health page's figures, for intranet dashboards."""
        return self._file(self._values["NETWORK_HEALTH_STATS_SAVE_AS"])

    def redirect(self, old_url: str) -> Output:
        """The redirect page at an old URL of the site (a folder gets its ``index.html``)."""
        return Output(old_url, old_url + "index.html" if not old_url or old_url.endswith("/") else old_url)

    def redirects_file(self) -> Output:
        """``_redirects``: every old URL and where it goes, for hosts that redirect with a 301."""
        return self._file(self._values["REDIRECTS_FILE_SAVE_AS"])

    # --- the model's sources -----------------------------------------------------------------

    def source(self, source: Page) -> Output:
        """Where a post or page of the site model is written."""
        if isinstance(source, Post):
            return self.post(source.owner, source.slug)
        return self.page(source.slug)

    def pages_written(self, site: Site) -> set[str]:
        """The URL of every page and media file the build writes for ``site``: what a
        root-relative or relative link in a post may point at."""
        published = [p for p in site.posts if p.status.listed]
        outputs = [self.home(), self.author_directory(), self.expertise_index(), self.department_index()]
        outputs += [
            self.topic_index(),
            self.archives(),
            self.search(),
            self.subscribe(),
            self.network_health(),
        ]
        outputs += [self.author_directory(kind) for kind in AUTHOR_KINDS]
        outputs += [self.source(s) for s in (*site.posts, *site.pages) if s.status.written]
        outputs += [self.author(a) for a in site.network.authors]
        outputs += [self.department(d) for d in site.network.departments]
        tags = {t for p in published for t in p.tags}  # each tag once: 10,000 posts have 35,000
        outputs += [self.topic(slug_of(t, site.settings, "TAG")) for t in tags]
        outputs += [self.year_archive(year) for year in {p.date.year for p in published if p.date}]
        outputs += [self.media(f.relative) for f in site.static_files]
        outputs += [self.public_file(f.relative) for f in site.public_files if f.regular]
        return {output.url for output in outputs if output.save_as}

    def pages_lasting(self, site: Site) -> dict[str, dt.datetime]:
        """The listing pages that only posts with an 'Expires:' make (a topic's, a year's):
        URL -> the moment the last of them expires, when the page is no longer written."""
        listed = [p for p in site.posts if p.status.listed]
        expiring = [p for p in listed if p.expires is not None]
        if not expiring:
            return {}  # most networks: nothing to look at twice
        tags: dict[str, dt.datetime] = {}  # by slug: spellings that share a page share its life
        years: dict[int, dt.datetime] = {}
        for post in expiring:
            assert post.expires is not None
            for slug in {slug_of(tag, site.settings, "TAG") for tag in post.tags}:
                tags[slug] = max(tags.get(slug, post.expires), post.expires)
            if post.date is not None:
                years[post.date.year] = max(years.get(post.date.year, post.expires), post.expires)
        for post in listed:  # a post that does not expire keeps its topics' and year's pages
            if post.expires is None:
                for tag in post.tags:
                    tags.pop(slug_of(tag, site.settings, "TAG"), None)
                if post.date is not None:
                    years.pop(post.date.year, None)
        outputs = [(self.topic(slug), until) for slug, until in tags.items()]
        outputs += [(self.year_archive(year), until) for year, until in years.items()]
        return {output.url: until for output, until in outputs if output.save_as}


def _encoded(url: str) -> str:
    return quote(url.lstrip("/"), safe=_URL_SAFE)


# --- helpers shared with chorus check --------------------------------------------------------


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


def public_file_problem(path: str, settings: Mapping[str, Any]) -> str | None:
    """Why a file of the network's static/ folder (``path`` relative to it) may not be
    published where it would go, or None: it would replace a file the site writes itself
    (``robots.txt``), or land in one of the site's own folders (``authors/``)."""
    first, _, rest = path.partition("/")
    outputs = [(k, v) for k, v in settings.items() if k.endswith("_SAVE_AS")]
    # Folders of the features' files (cards/, avatars/, pagefind/, feeds/network/).
    outputs += [
        (s.name, str(settings.get(s.name, s.default)).strip("/") + "/")
        for s in OUTPUT_SETTINGS
        if s.name.endswith(("_PATH", "_DIR"))
    ]
    for key, value in sorted(outputs):
        if not isinstance(value, str) or not value:
            continue
        if not rest and value == path:
            return f"would replace '{path}', which the site writes itself ({key}); remove one"
        folder = value.split("/")[0]
        if rest and "/" in value and "{" not in folder and folder == first:
            return f"would be written into '{first}/', a folder the site writes itself ({key}); move it"
    if rest and first == settings.get("THEME_STATIC_DIR", "theme"):
        return f"would be written into '{first}/', the theme's own files (THEME_STATIC_DIR); move it"
    return None


def slug_of(text: str, settings: Mapping[str, Any], kind: str = "SLUG") -> str:
    """The slug Pelican gives ``text`` (kind: SLUG, TAG, CATEGORY or AUTHOR substitutions)."""
    substitutions = settings.get(f"{kind}_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    frozen = tuple(tuple(pair) for pair in substitutions)
    return _slugify(
        text,
        frozen,
        bool(settings.get("SLUGIFY_PRESERVE_CASE", False)),
        bool(settings.get("SLUGIFY_USE_UNICODE", False)),
    )


def file_stem_of(text: str, settings: Mapping[str, Any]) -> str:
    """A new source's file stem made from ``text`` (a title), as ``chorus new`` and the
    importers name files: the slug, in ASCII whatever SLUGIFY_USE_UNICODE says, since a
    name under content/ may hold ASCII letters, digits, '-', '_' and '.' only (the tree
    rule). The post's URL is made from the file's name."""
    # A name may not start or end with '-' (the tree rule): '- Notes' is notes.md.
    return slug_of(text, {**settings, "SLUGIFY_USE_UNICODE": False}).strip("-")


@functools.lru_cache(maxsize=65536)
def _slugify(
    text: str, substitutions: tuple[tuple[str, str], ...], preserve_case: bool, use_unicode: bool
) -> str:
    """Pelican's slugify with the arguments its URL wrappers give it (``URLWrapper.slug``),
    remembered: a network has thousands of posts but hundreds of tags."""
    from pelican.utils import slugify

    return str(
        slugify(text, regex_subs=list(substitutions), preserve_case=preserve_case, use_unicode=use_unicode)
    )


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
        self._first: dict[str, tuple[str, str, str]] = {}  # by slug, case folded: (name, slug, source)

    def first_source(self, slug: str) -> str:
        """The source of the first spelling seen of the topic ``slug`` (after ``clash``)."""
        return self._first[slug.casefold()][2]

    def clash(self, name: str, slug: str, source: str) -> str | None:
        # Slugs are compared case-folded: with SLUGIFY_PRESERVE_CASE, 'Tenders' and 'tenders'
        # are two pages Pelican would write to paths that a case-insensitive file system (and
        # the feeds' outputs) take for one.
        first_name, first_slug, first_source = self._first.setdefault(slug.casefold(), (name, slug, source))
        if first_slug == slug and first_name.casefold() == name.casefold():
            return None
        return f"tag '{name}' and tag '{first_name}' ({first_source}) would share the page topics/{first_slug}/; use one spelling (for two topics, names that differ in their letters or digits: only those name the page)"
