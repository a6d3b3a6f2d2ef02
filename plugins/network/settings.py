"""Typed, prefixed plugin settings, validated before any content is read.

Each plugin declares its settings once (name, default, what is expected, a docstring);
``SettingsSpec.apply`` fills in defaults, collects every problem (wrong type, unknown key
carrying the prefix, with the closest known name, a setting that needs another one) and
raises one ConfigError.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError, Problem

SETTINGS_FILE = "pelicanconf.py"

# A check answers None when the value is fine; else what was expected (the value found is
# added to the message), or, for a value with parts (a dict), one message per problem, each
# naming its part and what it found.
Check = Callable[[Any], str | list[str] | None]
ValueCheck = Callable[[Any], str | None]  # a check of a value without parts
# A relation judges settings together (one needs another); it answers a whole message
# starting with the setting it is about, or None.
Relation = Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    doc: str
    check: Check | None = None


class SettingsSpec:
    def __init__(self, prefix: str, *settings: Setting, relations: Sequence[Relation] = ()):
        self.prefix = prefix
        self.settings = {s.name: s for s in settings}
        self.relations = tuple(relations)
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
            found = spec.check(value) if spec.check else None
            if isinstance(found, str):
                problems.append(Problem(SETTINGS_FILE, None, f"{name}: {found} (got {value!r})"))
            else:
                problems += [Problem(SETTINGS_FILE, None, f"{name}: {message}") for message in found or ()]
        if not problems:  # relations assume every value is well formed
            problems += [Problem(SETTINGS_FILE, None, m) for r in self.relations if (m := r(settings))]
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


def one_of(*choices: Any) -> ValueCheck:
    def check(value: Any) -> str | None:
        if value in choices and not isinstance(value, bool):
            return None
        return "expected one of " + ", ".join(map(repr, choices))

    return check


def is_text_list(value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        return "expected a list of text, like ['hr', 'sales']"
    return None


def keyed(required: Mapping[str, ValueCheck], optional: Mapping[str, ValueCheck] | None = None) -> Check:
    """None, or a dict with every ``required`` key, maybe some ``optional`` ones, each value checked.

    Every missing, unknown or wrong key is its own problem:
    ``COMMENTS_GISCUS: missing key 'repo_id' (expected a dict with repo, repo_id, …)``.
    """
    optional = dict(optional or {})
    known = {**required, **optional}
    shape = "a dict with " + ", ".join(required) + (f"; optional: {', '.join(optional)}" if optional else "")

    def check(value: Any) -> str | list[str] | None:
        if value is None:
            return None
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            return f"expected None or {shape}"
        problems = [f"missing key '{key}' (expected {shape})" for key in required if key not in value]
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"expected {shape}"
                problems.append(f"unknown key '{key}' ({hint})")
        for key, key_check in known.items():
            if key in value and (message := key_check(value[key])):
                problems.append(f"key '{key}': {message}, found {value[key]!r}")
        return problems

    return check


def path_template(*required: str) -> ValueCheck:
    """A relative output path template containing the given {placeholders}."""

    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value or value.startswith("/") or ".." in value:
            return "expected a relative output path"
        missing = [p for p in required if "{" + p + "}" not in value]
        if missing:
            return "must contain " + ", ".join("'{" + p + "}'" for p in missing)
        return None

    return check


def switch_off_pages(
    settings: dict[str, Any], direct_templates: Iterable[str], theme_files: Iterable[str]
) -> None:
    """What a feature that is switched off leaves out: its Pelican direct templates (never
    rendered) and its theme files (never copied into the output, by base name: Pelican's
    IGNORE_FILES, which content/ cannot trip over as it holds no scripts)."""
    dropped = set(direct_templates)
    settings["DIRECT_TEMPLATES"] = [t for t in settings.get("DIRECT_TEMPLATES", []) if t not in dropped]
    ignores = list(settings.get("IGNORE_FILES", []))
    settings["IGNORE_FILES"] = ignores + [name for name in theme_files if name not in ignores]
