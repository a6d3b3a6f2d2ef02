"""The committed CODEOWNERS follows the author registry, and names people GitHub knows."""

from __future__ import annotations

from collections.abc import Iterator

from ..codeowners import CODEOWNERS_PATH, hand_written_problem, owners_of, render_codeowners
from ..errors import WARNING, Problem
from ..model import Site


def _in_use(site: Site) -> bool:
    return (site.root / CODEOWNERS_PATH).is_file() or bool(site.settings.get("CHORUS_EDITORS"))


def codeowners(site: Site) -> list[Problem]:
    """An out-of-date committed CODEOWNERS is an error: ownership must follow the registry.
    A missing one is an error once the site names its editors (CHORUS_EDITORS)."""
    path = site.root / CODEOWNERS_PATH
    if not _in_use(site):
        return []
    if not path.is_file():
        message = "missing; run 'chorus codeowners' to write it from the author registry"
    elif hand_written := hand_written_problem(site.root):
        return [hand_written]
    elif path.read_text(encoding="utf-8") != render_codeowners(site.network, site.settings):
        message = "out of date with the author registry; run 'chorus codeowners' and commit the result"
    else:
        return []
    return [Problem(CODEOWNERS_PATH, None, message, rule="codeowners")]


def github_handles(site: Site) -> Iterator[Problem]:
    """A current author without a GitHub handle is not asked to review their own folder:
    a warning naming their registry file and who reviews instead."""
    if not _in_use(site):
        return
    content = site.content.name
    for author in site.network.authors.values():
        if author.github or author.until is not None:
            continue
        instead = " ".join(owners_of(author, site.settings))
        folder = f"{content}/{author.id}/"
        who = (
            f"CODEOWNERS asks {instead} to review {folder} instead" if instead else f"nobody reviews {folder}"
        )
        yield Problem(
            author.source,
            None,
            f"no 'github:' handle, so {who}; add 'github: <their GitHub user name>'",
            level=WARNING,
            rule="codeowners",
        )
