"""Problems a person can act on, and the two exceptions that carry them.

Every user mistake becomes a ``Problem`` printed as ``path:line:col: level: message``
(line and column left out when unknown), the form compilers and linters use.
Exceptions that are not ``ChorusError`` are bugs and keep their traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    level: str = ERROR
    rule: str = ""
    col: int | None = None
    # Other files the problem is about (the file that already writes an output): a check of
    # a change reports it when any of them changed, not only ``path``, which may be the
    # file the change left alone (chorus check --changed-since).
    also: tuple[str, ...] = ()

    def format(self, with_rule: bool = False) -> str:
        """``path:line:col: level: [rule: ]message`` (``chorus check`` shows the rule id)."""
        location = self.path
        if self.line:
            location += f":{self.line}"
            if self.col:
                location += f":{self.col}"
        rule = f"{self.rule}: " if with_rule and self.rule else ""
        return f"{location}: {self.level}: {rule}{self.message}"

    def __str__(self) -> str:
        return self.format()


class ChorusError(Exception):
    """A user error: printed without a traceback, and the build stops with exit code 1."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(set(problems), key=_reading_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class SourceError(ChorusError):
    """Content, the author registry or the department registry is wrong."""


class ConfigError(ChorusError):
    """A setting in pelicanconf.py is wrong."""


def _reading_order(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line or 0, problem.col or 0, problem.message)


class ProblemList:
    """Collects problems so that one run reports all of them, then fails once."""

    def __init__(self, rule: str = "") -> None:
        self.items: list[Problem] = []
        self.rule = rule  # the rule id of problems added without one

    def add(self, path: str, line: int | None, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("rule", self.rule)
        self.items.append(Problem(path, line, message, **kwargs))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    def raise_if_errors(self, kind: type[ChorusError] = SourceError) -> None:
        if self.errors:
            raise kind(self.errors)


def display_path(path: str | Path, root: str | Path) -> str:
    """Path as the person sees it in their checkout: relative to the site root when inside it."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path.as_posix()
