"""The site model, read from sources without Pelican: statuses, ownership as written, references."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import load_model, post
from plugins.network.model import RefForm, Status

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "declared, date, expected",
    [
        ("published", NOW - dt.timedelta(days=1), Status.PUBLISHED),
        ("hidden", NOW - dt.timedelta(days=1), Status.HIDDEN),
        ("draft", NOW - dt.timedelta(days=1), Status.DRAFT),
        ("published", NOW + dt.timedelta(minutes=1), Status.SCHEDULED),
        ("hidden", NOW + dt.timedelta(days=1), Status.SCHEDULED),
        ("draft", NOW + dt.timedelta(days=1), Status.DRAFT),  # a draft stays a draft whatever its date
        ("published", NOW, Status.PUBLISHED),  # due now means published
    ],
)
def test_the_publication_rule(declared, date, expected):
    assert Status.of(declared, date, NOW) is expected
    assert expected.written == (expected in (Status.PUBLISHED, Status.HIDDEN))
    assert expected.listed == (expected is Status.PUBLISHED)


@pytest.mark.parametrize(
    "declared, date, expected",
    [
        ("draft", NOW - dt.timedelta(days=1), Status.PUBLISHED),
        ("draft", NOW + dt.timedelta(days=1), Status.SCHEDULED),  # its date still decides (--now moves it)
        ("hidden", NOW - dt.timedelta(days=1), Status.HIDDEN),
    ],
)
def test_with_drafts_shown_a_draft_is_what_it_would_be_without_status_draft(declared, date, expected):
    assert Status.of(declared, date, NOW, drafts_shown=True) is expected


@pytest.mark.parametrize(
    "declared, date, expires, expected",
    [
        ("published", NOW - dt.timedelta(days=2), NOW + dt.timedelta(minutes=1), Status.PUBLISHED),
        ("published", NOW - dt.timedelta(days=2), NOW, Status.EXPIRED),  # expiring now means gone
        ("hidden", NOW - dt.timedelta(days=2), NOW - dt.timedelta(days=1), Status.EXPIRED),
        (
            "draft",
            NOW - dt.timedelta(days=2),
            NOW - dt.timedelta(days=1),
            Status.DRAFT,
        ),  # still being written
        ("published", NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=2), Status.SCHEDULED),
    ],
)
def test_expires_ends_the_publication(declared, date, expires, expected):
    assert Status.of(declared, date, NOW, expires=expires) is expected
    assert not Status.EXPIRED.written and not Status.EXPIRED.listed


def test_expires_is_a_later_date_than_date_and_only_for_posts(site):
    site.write("content/bob/offer.md", post("Offer", date="2026-03-01", Expires="2026-04-30 18:00"))
    site.write("content/bob/backwards.md", post("Backwards", date="2026-03-01", Expires="2026-03-01"))
    site.write("content/bob/when.md", post("When", Expires="soon"))
    site.write("content/pages/about.md", "Title: About\nExpires: 2026-07-01\n\nHi.\n")
    model = load_model(site)
    offer = model.posts_by_source["bob/offer.md"]
    assert offer.expires is not None and (offer.expires.month, offer.expires.hour) == (4, 18)
    assert offer.status is Status.EXPIRED  # the tiny site is built as of 2026-06-01
    assert sorted(str(p) for p in model.unreadable) == [
        "content/bob/backwards.md:3: error: 'expires' must be later than 'date': it ends the post's publication",
        "content/bob/when.md:3: error: 'expires' must be a date like 2025-03-14 or 2025-03-14 09:30, found 'soon'",
        "content/pages/about.md:2: error: unknown metadata 'expires' (expected one of: date, imported-from, modified, slug, status, summary, title)",
    ]


def test_dates_are_ordered_as_instants_whatever_their_offsets(site):
    site.write(  # 10:00 at +05:00 is 05:00 UTC: expiring at 08:00 UTC is three hours later
        "content/bob/east.md", post("East", date="2026-03-01 10:00+05:00", Expires="2026-03-01 08:00+00:00")
    )
    site.write(  # 11:00 at +05:00 is 06:00 UTC, four hours before the date
        "content/bob/west.md", post("West", date="2026-03-01 10:00+00:00", Expires="2026-03-01 11:00+05:00")
    )
    site.write(
        "content/bob/edit.md", post("Edit", date="2026-03-01 10:00+05:00", Modified="2026-03-01 06:00+00:00")
    )
    assert sorted(str(p) for p in load_model(site).unreadable) == [
        "content/bob/west.md:3: error: 'expires' must be later than 'date': it ends the post's publication"
    ]


def test_a_draft_shown_by_the_preview_is_marked_as_such(site):
    from chorus.build import load_settings
    from plugins.network.state import DRAFTS_SHOWN_KEY, BuildState, DraftsShown

    site.write("content/bob/notes.md", post("Notes", Status="draft"))
    site.write("content/bob/live.md", post("Live"))
    settings = load_settings(site.root, None, {"CHORUS_NOW": NOW})
    assert not load_model(site).posts_by_source["bob/notes.md"].draft_shown
    for anything_else in (True, "yes", 1):  # what a settings file or `pelican -e` could write
        settings[DRAFTS_SHOWN_KEY] = anything_else
        assert BuildState(settings).site.posts_by_source["bob/notes.md"].status is Status.DRAFT
    settings[DRAFTS_SHOWN_KEY] = DraftsShown.YES
    shown = BuildState(settings).site.posts_by_source
    assert shown["bob/notes.md"].status is Status.PUBLISHED and shown["bob/notes.md"].draft_shown
    assert not shown["bob/live.md"].draft_shown


def test_sources_are_read_once_into_posts_pages_and_files(site):
    site.write("content/bob/deal.md", post("The deal", Tags="tenders, Flow meters", Co_Authors="alice"))
    site.write("content/bob/later.md", post("Later", date="2027-01-01"))
    site.write("content/bob/chart.png", b"not checked here")
    site.write("content/pages/about.md", "Title: About\nStatus: hidden\n\nHi.\n")
    model = load_model(site)
    deal = model.posts_by_source["bob/deal.md"]
    assert (deal.path, deal.owner, deal.authors, deal.department) == (
        "content/bob/deal.md",
        "bob",
        ("bob", "alice"),
        "sales",  # the owner's department unless Department: says otherwise
    )
    assert deal.tags == ("tenders", "Flow meters") and deal.line_of("tags") == 3
    assert model.posts_by_source["bob/later.md"].status is Status.SCHEDULED
    about = model.by_source["pages/about.md"]
    assert about.status is Status.HIDDEN and about.slug == "about"
    assert [f.relative for f in model.static_files] == ["bob/chart.png"]


def test_naive_dates_are_in_the_sites_time_zone(site):
    site.write("content/bob/x.md", post(date="2026-06-01 13:30"))
    assert load_model(site, TIMEZONE="Europe/Berlin").posts_by_source["bob/x.md"].status is Status.PUBLISHED
    assert load_model(site, TIMEZONE="UTC").posts_by_source["bob/x.md"].status is Status.SCHEDULED


def test_dates_with_an_offset_are_on_the_sites_clock(site):
    site.write(
        "content/bob/x.md", post(date="2026-01-01T02:00:00+00:00", Modified="2026-01-02T08:00:00+09:00")
    )
    x = load_model(site, TIMEZONE="America/New_York").posts_by_source["bob/x.md"]
    assert x.date is not None and x.modified is not None
    assert x.date.isoformat() == "2025-12-31T21:00:00-05:00"  # the same instant, New York's day
    assert x.modified.isoformat() == "2026-01-01T18:00:00-05:00"


def test_unreadable_sources_are_kept_as_problems_not_posts(site):
    site.write("content/bob/x.md", "Title: T\nDate: soon\n\nx\n")
    model = load_model(site)
    assert "bob/x.md" not in model.by_source
    assert [str(p) for p in model.unreadable] == [
        "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30, found 'soon'"
    ]


def test_a_broken_registry_leaves_a_site_with_only_its_problems(site):
    site.write("departments.yml", "")
    model = load_model(site)
    assert not model.registry_read and not model.posts
    assert all(p.path == "departments.yml" or p.path.startswith("authors/") for p in model.unreadable)


def test_references_carry_form_line_and_column(site):
    site.write(
        "content/bob/x.md", post(Summary="See [[alice/hello]].", body="![Pump](pump.png) and [x](/topics/)")
    )
    refs = load_model(site).posts_by_source["bob/x.md"].references
    assert [(r.form, r.target, r.line, r.col, r.image) for r in refs] == [
        (RefForm.SHORT, "alice/hello", 3, 14, False),
        (RefForm.RELATIVE, "pump.png", 5, 1, True),
        (RefForm.ROOT, "/topics/", 5, 23, False),
    ]


def test_comments_header_turns_comments_off_for_one_post(site):
    site.write("content/bob/quiet.md", post("Quiet", Comments="off"))
    site.write("content/bob/chatty.md", post("Chatty", Comments="On"))
    site.write("content/bob/said-no.md", post("Said no", Comments="no"))
    model = load_model(site)
    comments = {source: p.comments for source, p in model.posts_by_source.items()}
    assert comments == {
        "alice/hello.md": True,  # not said: the site's settings decide
        "bob/quiet.md": False,
        "bob/chatty.md": True,
        "bob/said-no.md": False,
    }


def test_comments_header_is_on_or_off_and_only_for_posts(site):
    site.write("content/bob/x.md", post(Comments="maybe"))
    site.write("content/pages/about.md", "Title: About\nComments: off\n\nHi.\n")
    assert sorted(str(p) for p in load_model(site).unreadable) == [
        "content/bob/x.md:3: error: 'comments' must be on or off (yes or no), found 'maybe'",
        "content/pages/about.md:2: error: unknown metadata 'comments' (expected one of: date, imported-from, modified, slug, status, summary, title)",
    ]


def test_an_imported_post_and_page_keep_their_old_address(site):
    site.write("content/bob/x.md", post(Imported_From="https://blog.example.com/2019/03/x/"))
    site.write(
        "content/pages/about.md", "Title: About\nImported-From: https://blog.example.com/about/\n\nHi.\n"
    )
    site.write("content/bob/y.md", post(Imported_From="blog.example.com/y"))
    model = load_model(site)
    assert model.posts_by_source["bob/x.md"].imported_from == "https://blog.example.com/2019/03/x/"
    assert model.by_source["pages/about.md"].imported_from == "https://blog.example.com/about/"
    assert [str(p) for p in model.unreadable] == [
        "content/bob/y.md:3: error: 'imported-from' must be an http(s) URL, found 'blog.example.com/y'"
    ]


def test_reading_the_site_and_its_rules_leave_the_garbage_collector_on(site):
    # The reading pauses the collector (plugins/network/memory.py); a long-lived `chorus
    # serve` whose collector stayed off would grow with every save.
    import gc

    from plugins.network.rules import run_rules

    site.write("content/bob/deal.md", post("The deal"))
    site.write("content/bob/bad.md", "Title: T\nDate: someday\n\nx\n")
    assert gc.isenabled()
    model = load_model(site)
    assert gc.isenabled()
    assert run_rules(model) and gc.isenabled()


def test_a_paused_collector_is_restored_as_it_was_even_after_an_error():
    import gc

    from plugins.network.memory import collection_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collection_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # off before, off after: the caller's choice is kept
    finally:
        gc.enable()


def test_overlapping_pauses_in_two_threads_leave_the_collector_on():
    # Thread A pauses, B pauses, A ends, B ends: the order a build thread and the
    # preview's edit answering can take. Each block must not restore what the other saw.
    import gc
    import threading

    from plugins.network.memory import collection_paused

    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen_in_b: list[bool] = []

    def first():
        with collection_paused():
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def second():
        a_in.wait(10)
        with collection_paused():
            b_in.set()
            a_out.wait(10)
            seen_in_b.append(gc.isenabled())  # still paused: A's end must not switch it back on

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen_in_b == [False] and gc.isenabled()
