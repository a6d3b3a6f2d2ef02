"""The feed settings: declared once, validated before any content is read, read as one frozen object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from plugins.network.postid import id_domain
from plugins.network.settings import Setting, SettingsSpec
from plugins.network.urls import (
    AUTHORS,
    DEPARTMENTS,
    FEED_FORMATS,
    FEED_SCOPES,
    LANGUAGES,
    NETWORK,
    TOPICS,
    UrlScheme,
    output_settings,
)

SCOPES = FEED_SCOPES
FORMATS = FEED_FORMATS
DEFAULT_MAX_ITEMS = {NETWORK: 20, DEPARTMENTS: 20, AUTHORS: 20, TOPICS: 20, LANGUAGES: 20}
# Every feed carries its posts in full (a reader reads them in the feed reader). A network
# that must write fewer bytes can leave topics out: a post sits in two to five topic feeds,
# whose entries then carry its summary, its notices and its link.
DEFAULT_FULL_CONTENT = list(SCOPES)

_DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})*$")


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


def _scopes(value: Any) -> str | None:
    if (
        not isinstance(value, (list, tuple))
        or not all(v in SCOPES for v in value)
        or len(set(value)) != len(value)
    ):
        return "expected a list of " + ", ".join(repr(c) for c in SCOPES) + " (maybe empty)"
    return None


def _max_items(value: Any) -> str | None:
    if (
        not isinstance(value, dict)
        or not set(value) <= set(SCOPES)
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value.values())
    ):
        return "expected a dict of scope (" + ", ".join(SCOPES) + ") to a whole number of 1 or more"
    return None


def _id_domain(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and _DOMAIN.match(value)):
        return None
    return "expected None or a lower-case domain name like 'voices.example.com' (no scheme, no path)"


SETTINGS = SettingsSpec(
    "DEPARTMENT_FEEDS_",
    Setting("DEPARTMENT_FEEDS_SCOPES", list(SCOPES), "Which feeds to write: the whole network, each department, each author, each topic, each language (when posts are in several).", _subset_of(SCOPES)),
    Setting("DEPARTMENT_FEEDS_FORMATS", list(FORMATS), "Formats written for every scope; the first is the one OPML files list.", _subset_of(FORMATS)),
    Setting("DEPARTMENT_FEEDS_MAX_ITEMS", dict(DEFAULT_MAX_ITEMS), "Newest N posts per feed, by scope (scopes left out keep their default).", _max_items),
    Setting("DEPARTMENT_FEEDS_FULL_CONTENT", list(DEFAULT_FULL_CONTENT), "Scopes whose entries carry the whole post; the others carry its summary (with the guest and republication notices) and its link.", _scopes),
    Setting("DEPARTMENT_FEEDS_ID_DOMAIN", None, "Domain in entry ids (tag:<domain>,<date>:<id>). Set it once and keep it: None takes the host of SITEURL, so moving the site would change every id.", _id_domain),
    *output_settings("DEPARTMENT_FEEDS_"),
)  # fmt: skip


def apply_settings(settings: dict) -> None:
    """Fill in defaults and validate; raise one ConfigError listing every problem.

    SITEURL itself is checked once for the whole site, by the URL scheme (plugins.network.urls).
    """
    SETTINGS.apply(settings)


@dataclass(frozen=True)
class FeedConfig:
    """The validated settings, read once per use (cheap: a few dictionary look-ups).

    Where each feed, OPML list and the Subscribe page go, and their absolute URLs, come from
    the site's URL scheme (``urls.feed``, ``urls.opml``, ``urls.subscribe``, ``urls.absolute``).
    """

    scopes: tuple[str, ...]
    formats: tuple[str, ...]
    max_items: Mapping[str, int]
    full_content: frozenset[str]
    id_domain: str
    urls: UrlScheme

    @classmethod
    def from_settings(cls, settings: dict, urls: UrlScheme) -> FeedConfig:
        return cls(
            scopes=tuple(s for s in SCOPES if s in settings["DEPARTMENT_FEEDS_SCOPES"]),
            formats=tuple(settings["DEPARTMENT_FEEDS_FORMATS"]),
            max_items=MappingProxyType({**DEFAULT_MAX_ITEMS, **settings["DEPARTMENT_FEEDS_MAX_ITEMS"]}),
            full_content=frozenset(settings["DEPARTMENT_FEEDS_FULL_CONTENT"]),
            id_domain=id_domain(settings, urls),
            urls=urls,
        )
