"""CROSSLINKS_* settings, checked before any content is read."""

from __future__ import annotations

from typing import Any

from plugins.network.settings import Setting, SettingsSpec, is_bool
from plugins.network.similarity import DEFAULT_WEIGHTS, FIELDS, RelatedSettings

MAX_RELATED = 20


def _related_count(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RELATED:
        return f"expected a whole number from 0 (no related posts) to {MAX_RELATED}"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fraction(value: Any) -> str | None:
    if not _is_number(value) or not 0 <= value <= 1:
        return "expected a number from 0 to 1"
    return None


def _factor(value: Any) -> str | None:
    if not _is_number(value) or not 0 < value <= 1:
        return "expected a number above 0, at most 1"
    return None


def _weights(value: Any) -> str | None:
    expected = (
        "expected a dict with the numbers " + ", ".join(f"'{f}'" for f in FIELDS) + " (0 or more, not all 0)"
    )
    if not isinstance(value, dict) or set(value) != set(FIELDS):
        return expected
    if not all(_is_number(v) and v >= 0 for v in value.values()) or not any(value.values()):
        return expected
    return None


SETTINGS = SettingsSpec(
    "CROSSLINKS_",
    Setting(
        "CROSSLINKS_SHORT_LINKS",
        True,
        "Short links ([[author-id/slug]], [[slug]], [[@author-id]]) in posts and pages; False leaves [[…]] as text.",
        is_bool,
    ),
    Setting(
        "CROSSLINKS_RELATED_COUNT",
        4,
        "Related posts shown under each post (K); 0 turns them off.",
        _related_count,
    ),
    Setting(
        "CROSSLINKS_RELATED_WEIGHTS",
        dict(DEFAULT_WEIGHTS),
        "How much a word counts in each field when comparing posts; each tag counts as one term.",
        _weights,
    ),
    Setting(
        "CROSSLINKS_CROSS_DEPARTMENT_THRESHOLD",
        0.1,
        "A post of another department scoring at least this similarity (0-1) always gets a place among the related posts.",
        _fraction,
    ),
    Setting(
        "CROSSLINKS_SAME_AUTHOR_FACTOR",
        0.7,
        "Posts sharing an author are ranked at this fraction of their similarity, so other authors come first.",
        _factor,
    ),
    Setting(
        "CROSSLINKS_MIN_SCORE",
        0.05,
        "Least similarity (0-1) for a post to be listed as related at all.",
        _fraction,
    ),
)


def related_settings(settings: dict) -> RelatedSettings:
    return RelatedSettings(
        count=settings["CROSSLINKS_RELATED_COUNT"],
        weights={k: float(v) for k, v in settings["CROSSLINKS_RELATED_WEIGHTS"].items()},
        cross_department_threshold=float(settings["CROSSLINKS_CROSS_DEPARTMENT_THRESHOLD"]),
        same_author_factor=float(settings["CROSSLINKS_SAME_AUTHOR_FACTOR"]),
        min_score=float(settings["CROSSLINKS_MIN_SCORE"]),
    )
