"""The AUTHOR_PROFILES_* settings, checked before any content is read."""

from __future__ import annotations

from typing import Any

from plugins.network.images import FALLBACK_FORMATS, FORMATS, unsupported_formats
from plugins.network.settings import Setting, SettingsSpec, is_bool, is_positive_int
from plugins.network.urls import output_settings

MAX_DISCLOSURE_CHARS = 200


def _sizes(value: Any) -> str | None:
    if (
        not isinstance(value, (list, tuple))
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 1024 for v in value)
        or len(set(value)) != len(value)
    ):
        return "expected a list of different pixel sizes between 16 and 1024, like [64, 128, 256]"
    return None


def _formats(value: Any) -> str | None:
    expected = (
        f"expected a list of formats from {', '.join(FORMATS)} with exactly one of "
        f"{' or '.join(FALLBACK_FORMATS)} (the fallback every browser shows), like ['webp', 'jpeg']"
    )
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
        return expected
    if any(v not in FORMATS for v in value) or len(set(value)) != len(value):
        return expected
    if sum(v in FALLBACK_FORMATS for v in value) != 1:
        return expected
    missing = unsupported_formats(value)
    if missing:
        return f"this Pillow build cannot write {', '.join(missing)} (install Pillow with libavif, or leave it out)"
    return None


def _disclosure(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return "expected non-empty text, like 'Guest contributor — views are their own'"
    if "\n" in value or "\r" in value or len(value) > MAX_DISCLOSURE_CHARS:
        return f"expected one line of at most {MAX_DISCLOSURE_CHARS} characters"
    return None


SETTINGS = SettingsSpec(
    "AUTHOR_PROFILES_",
    Setting(
        "AUTHOR_PROFILES_AVATAR_SIZES", [64, 128, 256], "Square avatar sizes produced, in pixels.", _sizes
    ),
    Setting(
        "AUTHOR_PROFILES_AVATAR_FORMATS",
        ["webp", "jpeg"],
        "Avatar formats: modern ones become <source>s; the one JPEG or PNG is the <img> fallback.",
        _formats,
    ),
    Setting(
        "AUTHOR_PROFILES_GUEST_DISCLOSURE",
        None,
        "Shown on guests' profiles and posts (None: 'Guest contributor — views are their own', in the site's language).",
        _disclosure,
    ),
    Setting(
        "AUTHOR_PROFILES_TOP_TOPICS",
        8,
        "How many of an author's most-written topics their profile shows.",
        is_positive_int,
    ),
    Setting(
        "AUTHOR_PROFILES_TOPIC_WRITERS",
        3,
        "Expertise index: how many of the authors who write most about a topic are listed besides those who name it as expertise.",
        is_positive_int,
    ),
    Setting(
        "AUTHOR_PROFILES_DIRECTORY",
        True,
        "Write the expert directory (AUTHORS_SAVE_AS), its page per kind and the expertise index; False leaves profiles only, and no link to them.",
        is_bool,
    ),
    Setting(
        "AUTHOR_PROFILES_DIRECTORY_FORMER",
        True,
        "List former contributors in their own section of the directory.",
        is_bool,
    ),
    *output_settings("AUTHOR_PROFILES_"),
)
