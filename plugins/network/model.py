"""The network: who writes, in which department. Immutable, built once per run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

EXPERT = "expert"
GUEST = "guest"
AUTHOR_KINDS = (EXPERT, GUEST)


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    description: str
    lead: str | None = None
    colour: str | None = None
    source: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Link:
    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class Author:
    id: str
    name: str
    kind: str
    title: str
    department: str
    departments: tuple[str, ...]
    expertise: tuple[str, ...]
    bio: str
    bio_html: str
    avatar: Path | None = None
    email: str | None = None
    links: tuple[Link, ...] = ()
    affiliation: str | None = None
    until: dt.date | None = None
    source: str = ""

    @property
    def is_guest(self) -> bool:
        return self.kind == GUEST

    def is_former(self, today: dt.date) -> bool:
        """Former contributors keep their page and posts but leave 'current' listings."""
        return self.until is not None and self.until < today


@dataclass(frozen=True)
class Network:
    authors: Mapping[str, Author] = field(default_factory=dict)
    departments: Mapping[str, Department] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "authors", MappingProxyType(dict(sorted(self.authors.items()))))
        object.__setattr__(self, "departments", MappingProxyType(dict(self.departments)))

    def members(self, department_id: str) -> list[Author]:
        """Authors whose primary or additional departments include this one."""
        return [a for a in self.authors.values() if department_id in a.departments]
