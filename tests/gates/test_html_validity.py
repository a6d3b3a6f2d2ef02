"""Gate: every HTML page of the sample network passes the Nu Html Checker with no errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .support import LANGUAGES


def check_html(vnu_command: list[str], pages: list[Path]) -> list[dict]:
    """Run the checker once over all pages (one JVM start).

    It exits 1 when it finds errors and writes its JSON report to stderr.
    """
    result = subprocess.run(
        [*vnu_command, *map(str, pages)], check=False, capture_output=True, text=True, timeout=300
    )
    try:
        return json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        raise AssertionError(
            f"vnu exited {result.returncode} without a report: {result.stderr[-2000:]}"
        ) from None


def describe(message: dict, output: Path) -> str:
    url = message.get("url", "")
    page = Path(url.removeprefix("file:")).relative_to(output) if url else "(checker)"
    return f"{page}:{message.get('lastLine', '?')}: {message['type']}: {message['message']}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_valid_html(lang, vnu_command, site_in):
    site, _ = site_in(lang)
    pages = sorted(site.output.rglob("*.html"))
    assert len(pages) > 60, "the sample network has more pages than that: is the build complete?"
    errors = [describe(m, site.output) for m in check_html(vnu_command, pages)]
    assert not errors, f"{len(errors)} Nu Html Checker errors:\n" + "\n".join(errors)
