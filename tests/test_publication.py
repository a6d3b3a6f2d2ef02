"""Drafts and future posts never reach a page, a listing or network.json."""

from __future__ import annotations

import feedparser

from conftest import NOW, post


def _all_output_text(output):
    return "\n".join(
        p.read_text(errors="replace") for p in output.rglob("*") if p.suffix in (".html", ".json", ".xml")
    )


def test_drafts_and_future_posts_leak_nowhere(site):
    site.write("content/bob/draft.md", post("Secret draft", Status="draft", body="DRAFT-CANARY"))
    site.write("content/bob/future.md", post("Next year", date="2026-12-01", body="FUTURE-CANARY"))
    site.write("content/bob/hidden.md", post("Hidden one", Status="hidden", body="HIDDEN-BODY"))
    site.write("content/bob/live.md", post("Live one", Tags="tenders"))
    output = site.build()
    everything = _all_output_text(output)
    for canary in ("DRAFT-CANARY", "Secret draft", "FUTURE-CANARY", "Next year"):
        assert canary not in everything, canary
    assert not (output / "posts/bob/draft").exists() and not (output / "drafts").exists()
    assert not (output / "posts/bob/future").exists()
    # hidden: reachable by its URL, listed nowhere
    assert (output / "posts/bob/hidden/index.html").exists()
    listed = "".join(
        (output / p).read_text()
        for p in [
            "index.html",
            "authors/bob/index.html",
            "departments/sales/index.html",
            "archives/index.html",
            "network.json",
        ]
    )
    assert "Hidden one" not in listed and "Live one" in listed
    assert [p["title"] for p in site.index()["posts"]] == ["Live one", "Hello from service"] or sorted(
        p["title"] for p in site.index()["posts"]
    ) == ["Hello from service", "Live one"]


def test_future_post_appears_once_its_date_has_come(site):
    site.write("content/bob/future.md", post("Next year", date="2026-12-01"))
    site.build(CHORUS_NOW="2026-12-02T00:00:00+00:00")
    assert (site.output / "posts/bob/future/index.html").exists()
    assert "Next year" in (site.output / "network.json").read_text()


def test_chorus_serve_drafts_builds_them_as_if_published_and_only_there(site):
    from chorus.build import build_site
    from plugins.network.state import DRAFTS_SHOWN_KEY, DraftsShown

    site.write(
        "content/bob/draft.md", post("Secret draft", Status="draft", Tags="tenders", body="DRAFT-CANARY")
    )
    site.write("content/bob/live.md", post("Live", body="See [the draft]({filename}draft.md)."))
    site.write("content/pages/about.md", "Title: About\nStatus: draft\n\nPAGE-CANARY\n")
    preview = site.root / "cache/drafts-preview"
    overrides = {"CHORUS_NOW": NOW, "CACHE_PATH": str(site.root / "cache")}
    result = build_site(site.root, output=preview, overrides=overrides, drafts_shown=True)
    assert result.drafts == [("content/bob/draft.md", "posts/bob/draft/")]
    assert "DRAFT-CANARY" in (preview / "posts/bob/draft/index.html").read_text()
    # listed and in feeds like any post, so the author sees where it will appear
    assert "Secret draft" in (preview / "index.html").read_text()
    assert "Secret draft" in (preview / "topics/tenders/index.html").read_text()
    network_feed = feedparser.parse((preview / "feeds/network/atom.xml").read_bytes())
    assert "Secret draft" in [entry.title for entry in network_feed.entries]
    # Pages are not posts: a draft page stays unwritten, and nothing links to a missing page.
    assert "PAGE-CANARY" not in _all_output_text(preview) and not (preview / "about").exists()

    # Nothing else turns it on: not a settings file (Pelican reads no lower-case name
    # from one), not an override of the key, not anything but build_site's own marker.
    site.write(
        "pelicanconf.py",
        "from chorus.conf import chorus_settings\n"
        f"globals().update(chorus_settings(__file__))\n{DRAFTS_SHOWN_KEY} = True\n",
    )
    link_error = "content/bob/live.md:4:5: error: '{filename}draft.md' links to a draft"
    assert any(line.startswith(link_error) for line in site.check()), site.check()
    assert any(line.startswith(link_error) for line in site.check(**{DRAFTS_SHOWN_KEY: True}))
    assert not any("links to a draft" in p for p in site.check(**{DRAFTS_SHOWN_KEY: DraftsShown.YES}))
    site.write("content/bob/live.md", post("Live"))
    output = site.build(**{DRAFTS_SHOWN_KEY: DraftsShown.YES})  # build_site replaces even the marker
    assert "DRAFT-CANARY" not in _all_output_text(output)
    assert not (output / "posts/bob/draft").exists()
