"""Sources that could not be read: encoding, size, the header schema, the registries."""

from __future__ import annotations

from ..errors import Problem
from ..model import Site


def unreadable(site: Site) -> tuple[Problem, ...]:
    return site.unreadable
