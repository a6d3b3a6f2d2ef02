"""COMMENTS_* settings, checked before any content is read (chorus check applies them too).

What needs the content (that COMMENTS_OFF_DEPARTMENTS names departments of the registry,
that COMMENTS_POLICY_PAGE is a page the build writes) is a rule like every other check of
the content: ``plugins.network.rules.comments``, run by chorus check and the build alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from plugins.network.settings import Setting, SettingsSpec, is_bool, is_text_list, keyed, one_of

GISCUS = "giscus"
REMARK42 = "remark42"
PROVIDERS = (GISCUS, REMARK42)
# The dict setting each provider needs.
PROVIDER_SETTINGS = {GISCUS: "COMMENTS_GISCUS", REMARK42: "COMMENTS_REMARK42"}
DEFAULT_GISCUS_THEME = "preferred_color_scheme"

_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_NODE_ID = re.compile(r"^[A-Za-z0-9_=-]{1,100}$")  # a GitHub GraphQL id: R_kgDO…, DIC_kwDO…
_THEME_NAME = re.compile(r"^[a-z0-9_]{1,60}$")
_SITE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_UNSAFE = set(" <>\"'`\\")


def _matches(pattern: re.Pattern[str], expected: str):
    def check(value: Any) -> str | None:
        return None if isinstance(value, str) and pattern.match(value) else expected

    return check


def _one_line(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or not value.isprintable() or len(value) > 100:
        return "expected the category's name, one line of text"
    return None


def _web_url(value: Any, schemes: tuple[str, ...]) -> bool:
    if not isinstance(value, str) or _UNSAFE & set(value) or not value.isprintable():
        return False
    parts = urlsplit(value)
    return parts.scheme in schemes and bool(parts.hostname) and not parts.query and not parts.fragment


def _giscus_theme(value: Any) -> str | None:
    if (isinstance(value, str) and _THEME_NAME.match(value)) or _web_url(value, ("https",)):
        return None
    return "expected a giscus theme name like 'preferred_color_scheme' or the https:// URL of a theme's CSS"


def _mapping(value: Any) -> str | None:
    if value == "specific":
        return None
    return (
        "expected 'specific': threads are keyed by each post's stable id, so moves and renames"
        " keep them ('pathname', 'url' and 'title' would not)"
    )


def _remark42_host(value: Any) -> str | None:
    if _web_url(value, ("https", "http")):
        return None
    return "expected the address of the Remark42 server, like 'https://comments.example.com'"


def _provider_configured(settings: Mapping[str, Any]) -> str | None:
    provider = settings["COMMENTS_PROVIDER"]
    if provider is None or settings[PROVIDER_SETTINGS[provider]] is not None:
        return None
    setting = PROVIDER_SETTINGS[provider]
    return f"{setting}: required when COMMENTS_PROVIDER is {provider!r} ({SPEC_SHAPES[setting]})"


GISCUS_KEYS = keyed(
    {
        "repo": _matches(_REPO, "expected the repository as 'owner/name'"),
        "repo_id": _matches(_NODE_ID, "expected the repository id giscus.app shows, like 'R_kgDOH1a2bQ'"),
        "category": _one_line,
        "category_id": _matches(
            _NODE_ID, "expected the category id giscus.app shows, like 'DIC_kwDOH1a2bc4CQ1fz'"
        ),
    },
    {"mapping": _mapping, "theme": _giscus_theme},
)
REMARK42_KEYS = keyed(
    {
        "host": _remark42_host,
        "site_id": _matches(_SITE_ID, "expected the server's SITE id, like 'voices'"),
    }
)
SPEC_SHAPES = {
    "COMMENTS_GISCUS": "a dict with repo, repo_id, category, category_id, as giscus.app shows them",
    "COMMENTS_REMARK42": "a dict with host and site_id",
}

SETTINGS = SettingsSpec(
    "COMMENTS_",
    Setting(
        "COMMENTS_PROVIDER",
        None,
        "Where comments live: None (no comments), 'giscus' (GitHub Discussions) or 'remark42' (self-hosted).",
        one_of(None, *PROVIDERS),
    ),
    Setting(
        "COMMENTS_GISCUS",
        None,
        "giscus: {'repo': 'owner/name', 'repo_id', 'category', 'category_id'} as giscus.app shows them;"
        " optional 'mapping' (only 'specific': the post's stable id) and 'theme' (default 'preferred_color_scheme').",
        GISCUS_KEYS,
    ),
    Setting(
        "COMMENTS_REMARK42",
        None,
        "Remark42: {'host': 'https://comments.example.com', 'site_id': 'voices'}.",
        REMARK42_KEYS,
    ),
    Setting(
        "COMMENTS_POLICY_PAGE",
        "comment-policy",
        "Slug of the page (content/pages/) every comments section links to: what gets published and how"
        " moderation works. None: no link.",
        lambda v: None if v is None or (isinstance(v, str) and v.strip()) else "expected a page slug or None",
    ),
    Setting(
        "COMMENTS_OFF_DEPARTMENTS",
        [],
        "Department ids whose posts never have comments.",
        is_text_list,
    ),
    Setting("COMMENTS_OFF_FOR_GUESTS", False, "No comments on posts that have a guest author.", is_bool),
    relations=[_provider_configured],
)
