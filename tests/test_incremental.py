"""The incremental preview's fast path (chorus/incremental.py): an edited post's page,
rendered again from the last build's state, and the edits it leaves to the full build."""

from __future__ import annotations

import pytest

from chorus.build import build_site
from chorus.incremental import LastBuild, fast_page
from conftest import NOW, post


@pytest.fixture
def last_build(site):
    """The tiny site with two posts, built, and what the build leaves to the fast path."""
    site.write("content/bob/other.md", post("Other", tags="tenders", body="See [[alice/hello]]."))

    def build() -> LastBuild:
        result = build_site(
            site.root,
            output=site.output,
            overrides={"CHORUS_NOW": NOW, "CACHE_PATH": str(site.root / "cache")},
            keep_generators=True,
        )
        last = LastBuild.of(result.generators, result.output)
        assert last is not None
        return last

    return build


def test_a_body_edit_gets_the_page_a_clean_build_writes(site, last_build):
    """Where nothing else of the network changes with it, the fast page is the build's page."""
    last = last_build()
    path = site.write(
        "content/bob/other.md", post("Other", tags="tenders", body="New *words* for [[alice/hello]].")
    )
    page = fast_page(last, path)
    assert page is not None
    save_as, data = page
    assert save_as == "posts/bob/other/index.html"
    assert b"New <em>words</em> for" in data
    last_build()
    assert (site.output / save_as).read_bytes() == data


def test_a_title_and_known_topic_get_a_fast_page(site, last_build):
    last = last_build()
    path = site.write("content/alice/hello.md", post("Hello, retitled", tags="tenders"))
    page = fast_page(last, path)
    assert page is not None
    html = page[1].decode()
    assert "<h1>Hello, retitled</h1>" in html and 'href="/topics/tenders/"' in html


@pytest.mark.parametrize(
    "source",
    [
        post("Hello from service", date="2026-02-01"),  # a date moves it in every listing
        post("Hello from service", status="draft"),  # a draft's page goes away
        post("Hello from service", tags="a new topic"),  # its topic page does not exist yet
        post("Hello from service", body="See [[bob/nowhere]]."),  # the full build fails
        post("Hello from service", related="bob/other"),  # related posts are the network's
    ],
)
def test_edits_the_fast_path_cannot_bound_wait_for_the_full_build(site, last_build, source):
    last = last_build()
    assert fast_page(last, site.write("content/alice/hello.md", source)) is None


def test_new_files_and_pages_wait_for_the_full_build(site, last_build):
    last = last_build()
    assert fast_page(last, site.write("content/alice/brand-new.md", post("Brand new"))) is None
    assert fast_page(last, site.write("content/pages/about.md", post("About"))) is None
    assert fast_page(last, site.write("authors/bob.yml", "name: Bob\n")) is None
