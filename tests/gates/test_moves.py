"""Gate: a post moved with `chorus mv` keeps every way in, as a reader's browser follows them.

A tiny network in git (the live revision), one post renamed with `chorus mv`, built and
served: Chromium opening the old URL lands on the new one, a colleague's link leads there
too, feed readers see the same entry id, and the change passes `chorus check` — while
deleting a published post without a redirect fails it.
"""

from __future__ import annotations

import subprocess
import sys

import feedparser

from chorus.check import run_check
from conftest import NOW, post


def chorus(site, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chorus.cli", *args, "--root", str(site.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def commit(site, message: str) -> None:
    identity = ["-c", "user.name=Editor", "-c", "user.email=editor@example.com"]
    if not (site.root / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=site.root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site.root, check=True)
    subprocess.run(["git", *identity, "commit", "-q", "-m", message], cwd=site.root, check=True)


def entry_ids(site) -> dict[str, str]:
    return {e.title: e.id for e in feedparser.parse(site.output / "feeds/network/atom.xml").entries}


def test_a_moved_post_is_found_at_its_old_url(site, browser, serve):
    site.write(
        "content/bob/quotes.md", post("How we quote", Summary="Quoting.", body="Read [[alice/hello]].")
    )
    site.write("content/bob/tenders.md", post("Tenders", Summary="Tenders."))
    site.build()
    before = entry_ids(site)
    commit(site, "the live network")

    moved = chorus(site, "mv", "content/alice/hello.md", "alice/field-notes", "--now", NOW)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert "recorded the old URL in redirects.yml: posts/alice/hello/: alice/field-notes" in moved.stdout
    site.build()
    base = serve(site.output)

    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + "posts/alice/hello/")
        page.wait_for_url(base + "posts/alice/field-notes/", timeout=10_000)
        assert page.locator("h1").inner_text() == "Hello from service"
        page.goto(base + "posts/bob/quotes/")
        with page.expect_navigation():
            page.click(".prose a")
        assert page.url == base + "posts/alice/field-notes/"
    finally:
        context.close()

    assert entry_ids(site) == before, "feed readers keep the entry they know"
    assert run_check(site.root, changed_since="HEAD", overrides={"CHORUS_NOW": NOW}).errors == []

    commit(site, "moved with chorus mv")
    site.remove("content/bob/tenders.md")
    lost = [str(p) for p in run_check(site.root, changed_since="HEAD", overrides={"CHORUS_NOW": NOW}).errors]
    assert lost == [
        "content/bob/tenders.md: error: was published at /posts/bob/tenders/ (HEAD), which this change loses:"
        " move posts with 'chorus mv', or add 'posts/bob/tenders/: <where it goes now>' to redirects.yml"
    ]
