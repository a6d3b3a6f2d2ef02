"""Typed, prefixed plugin settings, validated before any content is read.

Each plugin declares its settings once (name, default, what is expected, a docstring);
``SettingsSpec.apply`` fills in defaults, collects every problem (wrong type, unknown key
carrying the prefix, with the closest known name) and raises one ConfigError.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError, Problem

SETTINGS_FILE = "pelicanconf.py"

Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    doc: str
    check: Check | None = None


class SettingsSpec:
    def __init__(self, prefix: str, *settings: Setting):
        self.prefix = prefix
        self.settings = {s.name: s for s in settings}
        assert all(name.startswith(prefix) for name in self.settings), prefix

    def apply(self, settings: dict) -> None:
        """Fill in defaults and validate in place; raise ConfigError listing every problem."""
        problems = []
        for key in sorted(settings):
            if key.startswith(self.prefix) and key not in self.settings:
                close = difflib.get_close_matches(key, self.settings, n=1)
                hint = (
                    f"did you mean {close[0]}?"
                    if close
                    else "expected one of " + ", ".join(sorted(self.settings))
                )
                problems.append(Problem(SETTINGS_FILE, None, f"{key}: unknown setting ({hint})"))
        for name, spec in self.settings.items():
            value = settings.setdefault(name, spec.default)
            if spec.check:
                message = spec.check(value)
                if message:
                    problems.append(Problem(SETTINGS_FILE, None, f"{name}: {message} (got {value!r})"))
        if problems:
            raise ConfigError(problems)

    def docs(self) -> list[tuple[str, Any, str]]:
        return [(s.name, s.default, s.doc) for s in self.settings.values()]


# Small reusable checks; each returns what was expected, or None when the value is fine.


def is_positive_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "expected a whole number of 1 or more"
    return None


def is_whole_number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return "expected a whole number of 0 or more"
    return None


def is_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "expected non-empty text"
    return None


def is_optional_text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        return "expected text or None"
    return None


def is_bool(value: Any) -> str | None:
    if not isinstance(value, bool):
        return "expected True or False"
    return None


def is_text_mapping(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        return "expected a dict of text to text"
    return None


def path_template(*required: str) -> Check:
    """A relative output path template containing the given {placeholders}."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value or value.startswith("/") or ".." in value:
            return "expected a relative output path"
        missing = [p for p in required if "{" + p + "}" not in value]
        if missing:
            return "must contain " + ", ".join("'{" + p + "}'" for p in missing)
        return None

    return check
