"""Who a post belongs to: the folder's author, checked co-authors, a known department.

Shared by the build (``plugins.author_folders``) and ``chorus check`` so both apply the
same rules and print the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from .errors import ProblemList
from .load import suggest
from .model import Network


@dataclass(frozen=True)
class Ownership:
    owner: str
    coauthors: tuple[str, ...]
    department: str

    @property
    def authors(self) -> tuple[str, ...]:
        return (self.owner, *self.coauthors)


def resolve_ownership(
    relative: PurePosixPath,
    *,
    claim: str | None,
    coauthor_ids: tuple[str, ...] | list[str],
    department_id: str | None,
    lines: dict[str, int],
    network: Network,
    shown: str,
    problems: ProblemList,
) -> Ownership | None:
    """Check one post's ownership against the registries; None (with problems added) if wrong."""
    if len(relative.parts) != 2:
        problems.add(
            shown,
            None,
            "posts live directly in content/<author-id>/ (one folder per author, no sub-folders)",
            rule="author-folder",
        )
        return None
    owner = relative.parts[0]
    if owner not in network.authors:
        problems.add(
            shown,
            None,
            f"no author registry entry for folder '{owner}': add authors/{owner}.yml"
            + suggest(owner, network.authors),
            rule="author-folder",
        )
        return None
    before = len(problems.items)
    if claim and claim != owner:
        problems.add(
            shown,
            lines.get("author"),
            f"Author: '{claim}' contradicts the folder: posts in content/{owner}/ are by '{owner}' (remove the Author: line)",
            rule="author-folder",
        )
    coauthors: list[str] = []
    for coauthor in coauthor_ids:
        if coauthor not in network.authors:
            problems.add(
                shown,
                lines.get("co-authors"),
                f"unknown co-author '{coauthor}'" + suggest(coauthor, network.authors),
                rule="co-author",
            )
        elif coauthor == owner or coauthor in coauthors:
            problems.add(
                shown,
                lines.get("co-authors"),
                f"co-author '{coauthor}' is listed twice (the folder's author is always the first author)",
                rule="co-author",
            )
        else:
            coauthors.append(coauthor)
    department = department_id or network.authors[owner].department
    if department not in network.departments:
        problems.add(
            shown,
            lines.get("department"),
            f"unknown department '{department}'" + suggest(department, network.departments),
            rule="department",
        )
    if len(problems.items) > before:
        return None
    return Ownership(owner, tuple(coauthors), department)
