"""Gate: `chorus serve` in a real browser. Saving a post reloads the open page by itself; a
broken save shows its `path:line: error:` over the page, and the next good save clears it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import Site, post, running_preview  # noqa: E402

OVERLAY = "#chorus-build-problems"


@pytest.fixture
def preview_of(tmp_path):
    site = Site(tmp_path / "site")
    with running_preview(site) as address:
        yield site, address


def test_the_open_page_follows_every_save(preview_of, context):
    site, address = preview_of
    page = context.new_page()
    page.goto(address + "/posts/alice/hello/")
    page.wait_for_function("document.readyState === 'complete'")
    assert page.locator("h1").first.inner_text() == "Hello from service"

    site.write("content/alice/hello.md", post("Hello, edited"))
    page.wait_for_function(
        "document.querySelector('h1').textContent.includes('Hello, edited')", timeout=30_000
    )

    site.write("content/alice/hello.md", post("Hello, edited", body="See [[bob/nowhere]]."))
    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=30_000)
    assert "content/alice/hello.md:4:5: error: unknown post '[[bob/nowhere]]'" in overlay.inner_text()
    assert page.locator("h1").first.inner_text() == "Hello, edited", "the last good page stays"

    site.write("content/alice/hello.md", post("Hello, fixed"))
    page.wait_for_function(
        "document.querySelector('h1').textContent.includes('Hello, fixed')", timeout=30_000
    )
    assert page.locator(OVERLAY).count() == 0
