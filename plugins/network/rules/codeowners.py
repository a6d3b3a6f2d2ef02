"""The committed CODEOWNERS follows the author registry."""

from __future__ import annotations

from ..codeowners import CODEOWNERS_PATH, render_codeowners
from ..errors import Problem
from ..model import Site


def codeowners(site: Site) -> list[Problem]:
    """An out-of-date committed CODEOWNERS is an error: ownership must follow the registry.
    A missing one is an error once the site names its editors (CHORUS_EDITORS)."""
    path = site.root / CODEOWNERS_PATH
    if not path.is_file() and not site.settings.get("CHORUS_EDITORS"):
        return []
    if not path.is_file():
        message = "missing; run 'chorus codeowners' to write it from the author registry"
    elif path.read_text(encoding="utf-8") != render_codeowners(site.network, site.settings):
        message = "out of date with the author registry; run 'chorus codeowners' and commit the result"
    else:
        return []
    return [Problem(CODEOWNERS_PATH, None, message, rule="codeowners")]
