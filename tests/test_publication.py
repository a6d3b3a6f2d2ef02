"""Drafts and future posts never reach a page, a listing or network.json."""

from __future__ import annotations

import gzip

import feedparser
import pytest

from conftest import NOW, png_bytes, post


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


def test_an_expired_post_leaks_nowhere_and_a_live_one_goes_at_its_time(site):
    """'Expires:' ends a post's publication: written nowhere from that moment, in no page,
    listing, feed, sitemap, search index or network.json (Hugo's expiryDate)."""
    site.write(
        "content/bob/offer.md",
        post("Spring offer", date="2026-03-01", Tags="tenders", Expires="2026-05-31", body="OFFER-CANARY"),
    )
    site.write(
        "content/bob/fair.md",
        post("Trade fair", date="2026-03-01", Tags="tenders", Expires="2026-06-30 18:00", body="FAIR-CANARY"),
    )
    output = site.build()  # as of 2026-06-01
    everything = _all_output_text(output)
    assert "OFFER-CANARY" not in everything and "Spring offer" not in everything
    assert not (output / "posts/bob/offer").exists()
    assert "FAIR-CANARY" in (output / "posts/bob/fair/index.html").read_text()
    assert "Trade fair" in (output / "topics/tenders/index.html").read_text()
    assert "/posts/bob/fair/" in (output / "network.json").read_text()

    output = site.build(CHORUS_NOW="2026-06-30T18:00:00+00:00")  # the fair's last moment has come
    everything = _all_output_text(output) + "".join(
        gzip.decompress(f.read_bytes()).decode(errors="replace")
        for f in output.glob("pagefind/**/fragment/*")
    )
    for canary in ("FAIR-CANARY", "Trade fair", "/posts/bob/fair/"):
        assert canary not in everything, canary
    assert not (output / "posts/bob/fair").exists()
    assert "Hello from service" in (output / "index.html").read_text()


def test_what_links_an_expiring_post_must_expire_no_later(site):
    """A link that would break on its own at a later hour is refused now, in review: from a
    post that outlives the target, from a page and from 'Related:'. A redirect to it is
    allowed: it lapses with the post (test below)."""
    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-30 18:00", summary="Fair."))
    site.write("content/bob/later.md", post("Later", Expires="2026-07-31", body="See [[bob/fair]]."))
    site.write("content/bob/sooner.md", post("Sooner", Expires="2026-06-30", body="See [[bob/fair]]."))
    site.write("content/bob/lasting.md", post("Lasting", Related="bob/fair"))
    site.write("content/pages/visit.md", "Title: Visit us\n\nAt [the fair](/posts/bob/fair/).\n")
    site.write("redirects.yml", "posts/bob/fair-2026/: bob/fair\n")
    assert site.check() == [
        "content/bob/lasting.md:3: error: 'Related': 'bob/fair' links to a post that expires on 2026-06-30 18:00, when the link would break (give this post an 'Expires:' no later, or remove the link)",
        "content/bob/later.md:5:5: error: '[[bob/fair]]' links to a post that expires on 2026-06-30 18:00, when the link would break (give this post an 'Expires:' no later, or remove the link)",
        "content/pages/visit.md:3:4: error: '/posts/bob/fair/' links to a post that expires on 2026-06-30 18:00, when the link would break (give this post an 'Expires:' no later, or remove the link)",
    ]


def test_check_tells_the_reviewer_what_expires_and_what_has(site):
    from chorus.check import run_check

    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-30 18:00", summary="Fair."))
    site.write("content/bob/offer.md", post("Offer", Expires="2026-05-31"))
    report = run_check(site.root, overrides={"CHORUS_NOW": NOW})
    assert [p.format(with_rule=True) for p in report.problems if p.path.startswith("content/bob/")] == [
        "content/bob/fair.md:3: info: expires: published until 2026-06-30 18:00: the first build after it takes the post down",
        "content/bob/offer.md:3: info: unpublished: not published: expired on 2026-05-31 00:00, at or before the build's 'now'",
    ]


def test_only_files_a_written_source_links_are_published(site):
    """A file of content/ is published when a written post or page, or a bio, links or
    shows it: not one that only a draft, a scheduled or an expired post shows (an image of
    an unreleased product would be online before the post), nor one nothing links."""
    site.write("content/bob/secret.png", png_bytes(colour=(10, 10, 10)))
    site.write("content/bob/later.png", png_bytes(colour=(20, 20, 20)))
    site.write("content/bob/gone.png", png_bytes(colour=(30, 30, 30)))
    site.write("content/bob/unused.png", png_bytes(colour=(40, 40, 40)))
    site.write("content/bob/shown.png", png_bytes(colour=(50, 50, 50)))
    site.write("content/pages/chart.png", png_bytes(colour=(60, 60, 60)))
    site.write("content/pages/plan.png", png_bytes(colour=(70, 70, 70)))
    site.write(
        "content/bob/idea.md",
        post("Idea", Status="draft", body="![Secret](secret.png) ![C]({static}/pages/chart.png)"),
    )
    site.write("content/bob/next.md", post("Next", date="2026-12-01", body="![Later](later.png)"))
    site.write("content/bob/offer.md", post("Offer", Expires="2026-05-01", body="![Gone](gone.png)"))
    site.write(
        "content/bob/live.md", post("Live", body="![Shown](shown.png) and ![Also]({static}/pages/chart.png)")
    )
    site.write("content/pages/about.md", "Title: About\n\n![Plan](/media/pages/plan.png)\n")
    output = site.build()
    published = {p.relative_to(output).as_posix() for p in output.glob("media/**/*.png")}
    assert published == {"media/bob/shown.png", "media/pages/chart.png", "media/pages/plan.png"}, published
    assert not any(b"secret" in p.read_bytes() for p in output.rglob("*.html"))


def test_a_scheduled_post_that_links_an_expiring_or_unpublished_post_is_refused_now(site):
    """A scheduled post is judged as of its date: a link that would break in the build that
    publishes it fails the check of today, not that hourly build."""
    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-15", summary="Fair."))
    site.write("content/bob/plan.md", post("Plan", Status="draft", summary="Plan."))
    site.write(
        "content/alice/soon.md",
        post("Soon", date="2026-06-20", summary="Soon.", Related="bob/fair", body="See [[bob/plan]]."),
    )
    assert site.check() == [
        "content/alice/soon.md:4: error: 'Related': 'bob/fair' links to a post that expires on 2026-06-15 00:00, when the link would break (give this post an 'Expires:' no later, or remove the link)",
        "content/alice/soon.md:6:5: error: '[[bob/plan]]' links to a draft, which is never published (publish it first or remove the link)",
    ]


def test_redirects_wait_for_an_expiring_post_and_lapse_with_an_expired_one(site):
    """A redirect to an expiring post goes with it; one from its address to a successor
    takes over once it has gone. Neither fails a build on the day."""
    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-15", summary="Fair."))
    site.write("content/bob/fair-2027.md", post("Trade fair 2027", summary="Next year's."))
    site.write(
        "redirects.yml",
        "posts/bob/fair-2026/: bob/fair\n"  # to the expiring post: lapses with it
        "posts/bob/fair-old/: /posts/bob/fair/\n"  # the same, by its address
        "posts/bob/fair/: bob/fair-2027\n",  # from its address: waits until it has expired
    )
    assert site.check() == []
    output = site.build()
    assert (output / "posts/bob/fair-2026/index.html").is_file() and (
        output / "posts/bob/fair-old/index.html"
    ).is_file()
    assert (
        "Trade fair" in (output / "posts/bob/fair/index.html").read_text()
    )  # the post itself, not a redirect
    later = "2026-06-16T00:00:00+00:00"
    assert site.check(CHORUS_NOW=later) == []
    output = site.build(CHORUS_NOW=later)
    assert not (output / "posts/bob/fair-2026").exists() and not (output / "posts/bob/fair-old").exists()
    assert "/posts/bob/fair-2027/" in (output / "posts/bob/fair/index.html").read_text()  # now a redirect
    assert "posts/bob/fair-2026" not in (output / "_redirects").read_text()


def test_links_to_a_topic_or_year_that_only_expiring_posts_make_are_refused_now(site):
    """A topic's page and a year's archive are written while a post lists them: when the
    only ones expire, the pages go, and every link to them would break in the hourly build."""
    site.write(
        "content/bob/fair.md",
        post(
            "Trade fair", date="2025-03-01", Tags="tradefairs, tenders", Expires="2026-06-15", Summary="Fair."
        ),
    )
    site.write(
        "content/bob/tender.md", post("Tenders", Tags="Tenders", Summary="Tenders.")
    )  # one page, two spellings
    site.write(
        "content/alice/see.md",
        post(
            "See",
            Summary="See.",
            body="[Fairs](/topics/tradefairs/), [2025](/archives/2025/), [T](/topics/tenders/)",
        ),
    )
    bio = site.root / "authors/gina.yml"
    bio.write_text(bio.read_text().replace("bio: ", "bio: See [fairs](/topics/tradefairs/). "))
    site.write("redirects.yml", "fairs/: /topics/tradefairs/\n")
    until = "a page written only until 2026-06-15 00:00, when the last post it lists expires, and the link would break (give this post an 'Expires:' no later, or remove the link)"
    assert site.check() == [
        f"authors/gina.yml:7: error: '/topics/tradefairs/' links to {until}",
        f"content/alice/see.md:5:1: error: '/topics/tradefairs/' links to {until}",
        f"content/alice/see.md:5:31: error: '/archives/2025/' links to {until}",
        f"redirects.yml:1: error: 'fairs/' goes nowhere: '/topics/tradefairs/' links to {until}",
    ]
    site.write(
        "content/alice/see.md",
        post(
            "See",
            Summary="See.",
            Expires="2026-06-15",
            body="[Fairs](/topics/tradefairs/), [2025](/archives/2025/)",
        ),
    )
    bio.write_text(bio.read_text().replace("See [fairs](/topics/tradefairs/). ", ""))
    site.remove("redirects.yml")
    assert site.check() == []
    site.build(CHORUS_NOW="2026-06-16T00:00:00+00:00")  # both gone together: nothing breaks


def test_a_successor_may_take_an_expiring_posts_address_once_it_has_expired(site):
    """Two posts writing one page at the same time stop the build that publishes the second,
    in an hour nobody reviews: a scheduled one is judged now, from its date on."""
    site.write(
        "content/bob/offer-2026.md",
        post("Offer 2026", Slug="offer", Expires="2026-06-15", summary="This year's."),
    )
    site.write(
        "content/bob/offer-2027.md", post("Offer 2027", Slug="offer", date="2026-06-10", summary="Next.")
    )
    assert site.check() == [
        "content/bob/offer-2027.md:3: error: would be written to 'posts/bob/offer/index.html' from 2026-06-10 00:00,"
        " while content/bob/offer-2026.md writes it until 2026-06-15 00:00; give one of them another Slug:,"
        " or date this one after the other expires"
    ]
    site.write(
        "content/bob/offer-2027.md", post("Offer 2027", Slug="offer", date="2026-06-15", summary="Next.")
    )
    assert site.check() == []
    output = site.build(CHORUS_NOW="2026-06-20T00:00:00+00:00")
    assert "Offer 2027" in (output / "posts/bob/offer/index.html").read_text()


def test_a_translation_that_outlives_its_expiring_original_is_a_warning(site):
    from chorus.check import run_check

    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-30", summary="Fair."))
    site.write("content/bob/fair.de.md", post("Messe", summary="Messe."))
    warnings = [p.format() for p in run_check(site.root, overrides={"CHORUS_NOW": NOW}).warnings]
    assert [w for w in warnings if "bob/" in w] == [
        "content/bob/fair.de.md: warning: translates content/bob/fair.md, which expires on 2026-06-30 00:00,"
        " but stays online longer; give it the same 'Expires:' unless it should outlive the original"
    ]
    site.write("content/bob/fair.de.md", post("Messe", summary="Messe.", Expires="2026-06-30"))
    assert not [p for p in run_check(site.root, overrides={"CHORUS_NOW": NOW}).warnings if "bob/" in p.path]


@pytest.mark.parametrize(
    "body, published",
    [
        ("[![A thumb](thumb.png)](full.png)", {"thumb.png", "full.png"}),  # a linked thumbnail
        ("Read [the data\nsheet](sheet.pdf) first.", {"sheet.pdf"}),  # link text over two lines
        ("The [sheet [v2]](sheet.pdf).", {"sheet.pdf"}),  # brackets in the link text
        ("Read [the sheet][s].\n\n[s]:\n    sheet.pdf", {"sheet.pdf"}),  # a definition over two lines
        ('<img alt="Pump"\n     src="thumb.png">', {"thumb.png"}),  # raw HTML over two lines, relative
        ('<a href="{attach}sheet.pdf">Sheet</a>', {"sheet.pdf"}),  # Pelican's {attach} in raw HTML
        ("![Chart](my%2Dchart.png)", {"my-chart.png"}),  # a percent-encoded name
        ("Soon.\n\n<!-- ![New product](full.png) -->", set()),  # a comment is not shown
        ("Code:\n\n    ![New product](full.png)", set()),  # nor is an indented code block
        ('Write `<img src="full.png">` for that.', set()),  # nor HTML shown as code
    ],
)
def test_the_files_a_published_post_shows_are_the_files_published(site, body, published):
    """What is published is what the rendered pages link, however the Markdown says it."""
    for name in ("full.png", "thumb.png", "my-chart.png"):
        site.write(f"content/alice/{name}", png_bytes())
    site.write("content/alice/sheet.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    site.write("content/alice/hello.md", post("Hello from service", summary="S.", body=body))
    assert site.check() == []
    output = site.build(strict=True)
    files = (
        {p.name for p in (output / "media/alice").glob("*")} if (output / "media/alice").exists() else set()
    )
    assert files == published
    page = (output / "posts/alice/hello/index.html").read_text()
    for name in published:
        assert f'"/media/alice/{name}"' in page, name


def test_a_link_the_scan_misses_fails_the_build_naming_the_post(site, monkeypatch):
    """The files published are read from the rendered pages, so a rendered link going
    nowhere is caught there even in a form the scan of the source would not find."""
    monkeypatch.setattr("plugins.network.posts.scan_references", lambda *args, **kwargs: [])
    site.write("content/alice/hello.md", post("Hello from service", summary="S.", body="![Chart](chart.png)"))
    assert site.problems() == [
        "content/alice/hello.md: error: links 'chart.png', which is neither a file of content/ nor a page of"
        " the site (chorus check did not find this link in the source, so its line cannot be named;"
        " please report the way it is written to the maintainers of Chorus)"
    ]


def test_a_waiting_redirect_is_judged_now_and_one_a_scheduled_post_would_hide_is_refused(site):
    """Where a redirect waiting for a post to expire goes is judged today, and a redirect
    from an address a scheduled post will take is refused today: neither may fail the
    hourly build on the day."""
    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-15", summary="Fair."))
    site.write("content/bob/plan.md", post("Plan", Status="draft", summary="Plan."))
    site.write("content/bob/launch.md", post("Launch", date="2026-06-10", summary="Soon."))
    site.write(
        "redirects.yml",
        "posts/bob/fair/: bob/plan\n"  # waits for fair, then goes to a draft
        "posts/bob/fair/index.html: '@bob'\n"  # the same address again
        "posts/bob/launch/: '@bob'\n",  # launch writes this from 06-10
    )
    assert site.check() == [
        "redirects.yml:1: error: 'posts/bob/fair/' goes nowhere: 'bob/plan' links to a draft, which is never published (publish it first or remove the link)",
        "redirects.yml:2: error: 'posts/bob/fair/index.html' is redirected already on line 1",
        "redirects.yml:3: error: 'posts/bob/launch/' will be written by content/bob/launch.md from 2026-06-10 00:00; a redirect there would hide it (remove this line, or give the post another Slug:)",
    ]


def test_a_file_added_later_is_linked_from_a_cached_render(site):
    """The render cache keys each text by what its URLs point at, wherever the source
    breaks its lines: a file that appears later is linked, not left as a 404."""
    site.write(
        "content/alice/hello.md",
        post("Hello from service", summary="S.", body='<img alt="Chart"\n  src="chart.png">'),
    )
    expected = ["content/alice/hello.md:5:1: error: image not found: chart.png"]
    assert site.check() == expected
    assert site.problems() == expected  # chart.png is not there yet: never a page linking nowhere
    site.write("content/alice/chart.png", png_bytes())
    output = site.build()
    page = site.page("posts/alice/hello/index.html")
    assert [img.get("src") for img in page.cssselect(".prose img")] == ["/media/alice/chart.png"]
    assert (output / "media/alice/chart.png").is_file()
