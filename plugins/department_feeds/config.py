"""The feed settings: declared once, validated before any content is read, read as one frozen object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from plugins.network import ConfigError, Problem
from plugins.network.settings import SETTINGS_FILE, Setting, SettingsSpec, path_template

NETWORK, DEPARTMENTS, AUTHORS, TOPICS = "network", "departments", "authors", "topics"
SCOPES = (NETWORK, DEPARTMENTS, AUTHORS, TOPICS)
ATOM, RSS, JSON = "atom", "rss", "json"
FORMATS = (ATOM, RSS, JSON)

DEFAULT_MAX_ITEMS = {NETWORK: 20, DEPARTMENTS: 20, AUTHORS: 50, TOPICS: 20}
DEFAULT_FILE_NAMES = {ATOM: "atom.xml", RSS: "rss.xml", JSON: "feed.json"}

# The folder setting of each scope; every scope but the network has one folder per slug.
FOLDER_SETTINGS = {
    NETWORK: "DEPARTMENT_FEEDS_NETWORK_PATH",
    DEPARTMENTS: "DEPARTMENT_FEEDS_DEPARTMENT_PATH",
    AUTHORS: "DEPARTMENT_FEEDS_AUTHOR_PATH",
    TOPICS: "DEPARTMENT_FEEDS_TOPIC_PATH",
}

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})*$")
_ABSOLUTE_URL = re.compile(r"^https?://[^\s/?#<>\"'\\]+(/[^\s?#<>\"'\\]*)?$", re.IGNORECASE)


def _subset_of(choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> str | None:
        if (
            not isinstance(value, (list, tuple))
            or not value
            or not all(v in choices for v in value)
            or len(set(value)) != len(value)
        ):
            return "expected a non-empty list of " + ", ".join(repr(c) for c in choices)
        return None

    return check


def _max_items(value: Any) -> str | None:
    if (
        not isinstance(value, dict)
        or not set(value) <= set(SCOPES)
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value.values())
    ):
        return "expected a dict of scope (" + ", ".join(SCOPES) + ") to a whole number of 1 or more"
    return None


def _file_names(value: Any) -> str | None:
    if (
        not isinstance(value, dict)
        or not set(value) <= set(FORMATS)
        or not all(isinstance(n, str) and _FILE_NAME.match(n) for n in value.values())
    ):
        return "expected a dict of format (" + ", ".join(FORMATS) + ") to a file name like 'atom.xml'"
    merged = {**DEFAULT_FILE_NAMES, **value}
    if len(set(merged.values())) != len(merged):
        return f"every format needs its own file name (with the defaults: {merged!r})"
    return None


def _id_domain(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and _DOMAIN.match(value)):
        return None
    return "expected None or a lower-case domain name like 'voices.example.com' (no scheme, no path)"


def _absolute_url(value: Any) -> str | None:
    if isinstance(value, str) and _ABSOLUTE_URL.match(value):
        return None
    return "expected an absolute http(s) URL like 'http://localhost:8000'"


def _template(*placeholders: str) -> Any:
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


def _subscribe_url(value: Any) -> str | None:
    if isinstance(value, str) and value and not value.startswith("/") and ".." not in value:
        return None
    return "expected a relative URL like 'subscribe/'"


SETTINGS = SettingsSpec(
    "DEPARTMENT_FEEDS_",
    Setting("DEPARTMENT_FEEDS_SCOPES", list(SCOPES), "Which feeds to write: the whole network, each department, each author, each topic.", _subset_of(SCOPES)),
    Setting("DEPARTMENT_FEEDS_FORMATS", list(FORMATS), "Formats written for every scope; the first is the one OPML files list.", _subset_of(FORMATS)),
    Setting("DEPARTMENT_FEEDS_MAX_ITEMS", dict(DEFAULT_MAX_ITEMS), "Newest N posts per feed, by scope (scopes left out keep their default).", _max_items),
    Setting("DEPARTMENT_FEEDS_ID_DOMAIN", None, "Domain in entry ids (tag:<domain>,<date>:<id>). Set it once and keep it: None takes the host of SITEURL, so moving the site would change every id.", _id_domain),
    Setting("DEPARTMENT_FEEDS_FALLBACK_SITEURL", "http://localhost:8000", "Absolute URL used in feeds when SITEURL is '' (local builds), so local feeds stay valid.", _absolute_url),
    Setting("DEPARTMENT_FEEDS_NETWORK_PATH", "feeds/network/", "Folder of the network's feeds.", _template()),
    Setting("DEPARTMENT_FEEDS_DEPARTMENT_PATH", "feeds/departments/{slug}/", "Folder of each department's feeds ({slug} = department id).", _template("slug")),
    Setting("DEPARTMENT_FEEDS_AUTHOR_PATH", "feeds/authors/{slug}/", "Folder of each author's feeds ({slug} = author id).", _template("slug")),
    Setting("DEPARTMENT_FEEDS_TOPIC_PATH", "feeds/topics/{slug}/", "Folder of each topic's feeds ({slug} = topic slug).", _template("slug")),
    Setting("DEPARTMENT_FEEDS_FILE_NAMES", dict(DEFAULT_FILE_NAMES), "File name of each format inside a scope's folder (formats left out keep their default).", _file_names),
    Setting("DEPARTMENT_FEEDS_OPML_SAVE_AS", "feeds/network.opml", "OPML file listing every department and author feed.", _template()),
    Setting("DEPARTMENT_FEEDS_DEPARTMENT_OPML_SAVE_AS", "feeds/departments/{slug}.opml", "OPML file of one department: its feed and its people's feeds.", _template("slug")),
    Setting("DEPARTMENT_FEEDS_SUBSCRIBE_URL", "subscribe/", "URL of the Subscribe page.", _subscribe_url),
    Setting("DEPARTMENT_FEEDS_SUBSCRIBE_SAVE_AS", "subscribe/index.html", "Where the Subscribe page is written.", _template()),
)  # fmt: skip


def apply_settings(settings: dict) -> None:
    """Fill in defaults and validate; raise one ConfigError listing every problem."""
    problems: list[Problem] = []
    try:
        SETTINGS.apply(settings)
    except ConfigError as exc:
        problems.extend(exc.problems)
    siteurl = settings.get("SITEURL") or ""
    if siteurl and not _ABSOLUTE_URL.match(siteurl):
        problems.append(
            Problem(
                SETTINGS_FILE,
                None,
                f"SITEURL: feeds need an absolute http(s) URL, or '' for local builds (got {siteurl!r})",
            )
        )
    if problems:
        raise ConfigError(problems)


@dataclass(frozen=True)
class FeedConfig:
    """The validated settings, read once per use (cheap: a few dictionary look-ups)."""

    scopes: tuple[str, ...]
    formats: tuple[str, ...]
    max_items: Mapping[str, int]
    file_names: Mapping[str, str]
    folders: Mapping[str, str]
    base_url: str
    id_domain: str
    opml_save_as: str
    department_opml_save_as: str
    subscribe_url: str
    subscribe_save_as: str

    @classmethod
    def from_settings(cls, settings: dict) -> FeedConfig:
        base_url = (settings.get("SITEURL") or settings["DEPARTMENT_FEEDS_FALLBACK_SITEURL"]).rstrip("/")
        return cls(
            scopes=tuple(s for s in SCOPES if s in settings["DEPARTMENT_FEEDS_SCOPES"]),
            formats=tuple(settings["DEPARTMENT_FEEDS_FORMATS"]),
            max_items=MappingProxyType({**DEFAULT_MAX_ITEMS, **settings["DEPARTMENT_FEEDS_MAX_ITEMS"]}),
            file_names=MappingProxyType({**DEFAULT_FILE_NAMES, **settings["DEPARTMENT_FEEDS_FILE_NAMES"]}),
            folders=MappingProxyType({scope: settings[name] for scope, name in FOLDER_SETTINGS.items()}),
            base_url=base_url,
            id_domain=settings["DEPARTMENT_FEEDS_ID_DOMAIN"] or (urlsplit(base_url).hostname or "localhost"),
            opml_save_as=settings["DEPARTMENT_FEEDS_OPML_SAVE_AS"],
            department_opml_save_as=settings["DEPARTMENT_FEEDS_DEPARTMENT_OPML_SAVE_AS"],
            subscribe_url=settings["DEPARTMENT_FEEDS_SUBSCRIBE_URL"],
            subscribe_save_as=settings["DEPARTMENT_FEEDS_SUBSCRIBE_SAVE_AS"],
        )

    def absolute(self, path: str) -> str:
        """The absolute URL of a site-relative path (feeds are read far away from the site)."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def feed_path(self, scope: str, slug: str, fmt: str) -> str:
        folder = self.folders[scope].format(slug=slug).strip("/")
        return f"{folder}/{self.file_names[fmt]}"
