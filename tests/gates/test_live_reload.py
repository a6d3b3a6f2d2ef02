"""Gate: `chorus serve` in a real browser. Saving a post reloads the open page by itself; a
broken save shows its `path:line: error:` over the page, and the next good save clears it."""

from __future__ import annotations

import json
import sys
import time
import urllib.request
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
        "document.querySelector('h1')?.textContent.includes('Hello, edited')", timeout=30_000
    )

    site.write("content/alice/hello.md", post("Hello, edited", body="See [[bob/nowhere]]."))
    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=30_000)
    assert "content/alice/hello.md:4:5: error: unknown post '[[bob/nowhere]]'" in overlay.inner_text()
    assert page.locator("h1").first.inner_text() == "Hello, edited", "the last good page stays"

    site.write("content/alice/hello.md", post("Hello, fixed"))
    page.wait_for_function(
        "document.querySelector('h1')?.textContent.includes('Hello, fixed')", timeout=30_000
    )
    assert page.locator(OVERLAY).count() == 0


def test_many_open_pages_all_load_and_all_follow_a_save(preview_of, context):
    """A browser opens at most six connections to one host: with an event stream per page,
    a seventh tab of the preview never loaded. The pages now share one stream."""
    site, address = preview_of
    pages = []
    for _ in range(8):
        page = context.new_page()
        response = page.goto(address + "/posts/alice/hello/", timeout=15_000)
        assert response is not None and response.ok
        pages.append(page)
    site.write("content/alice/hello.md", post("Hello, seen by every tab"))
    for page in pages:
        page.wait_for_function(
            "document.querySelector('h1')?.textContent.includes('seen by every tab')", timeout=30_000
        )
    for page in pages:
        page.close()


def _state_when(address: str, done, seconds: float = 60) -> dict:
    """The first state the preview sends (its current one first) for which ``done`` holds,
    within ``seconds`` (the stream's heartbeats keep it open, so the deadline is ours)."""
    deadline = time.monotonic() + seconds
    with urllib.request.urlopen(address + "/__chorus/events", timeout=seconds) as response:
        for line in response:
            if line.startswith(b"data: ") and done(state := json.loads(line[len(b"data: ") :])):
                return state
            if time.monotonic() > deadline:
                break
    raise AssertionError(f"the preview sent no such state within {seconds} s")


def test_a_text_edit_reloads_the_page_and_rewrites_the_feed_without_a_build(preview_of, context):
    """An edit of a post's text alone takes the body path: the open page reloads with the new
    text, the network feed carries it, and no full build is left to run."""
    site, address = preview_of
    served = _state_when(address, lambda s: True)["generation"]
    site.write(
        "content/alice/hello.md", post("Hello from service", summary="Meters, read.", body="First words.")
    )
    built = _state_when(address, lambda s: s["generation"] > served and not s["building"])
    assert not built["problems"] and not built["edited"], "a new summary is a header edit: a full build"
    page = context.new_page()
    page.goto(address + "/posts/alice/hello/")
    page.wait_for_function(
        "document.querySelector('article .prose')?.textContent.includes('First words.')", timeout=30_000
    )

    site.write(
        "content/alice/hello.md", post("Hello from service", summary="Meters, read.", body="Second words.")
    )
    page.wait_for_function(
        "document.querySelector('article .prose')?.textContent.includes('Second words.')", timeout=30_000
    )
    state = _state_when(address, lambda s: s["edited"])
    assert not state["building"] and not state["problems"]
    with urllib.request.urlopen(address + "/feeds/network/atom.xml", timeout=30) as response:
        assert b"Second words." in response.read()
