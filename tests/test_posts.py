"""Posts in author folders: ownership, metadata schema, URLs that keep authors apart."""

from __future__ import annotations

import os

import pytest

from conftest import post
from plugins.network.errors import SourceError
from plugins.network.sourcefile import decode_source


def test_post_gets_author_department_and_url_from_its_folder(site):
    site.write("content/bob/deal.md", post("How we scope", Co_Authors="alice", Tags="tenders, Flow Meters"))
    site.build()
    page = site.page("posts/bob/deal/index.html")
    assert page.cssselect("h1")[0].text_content() == "How we scope"
    authors = [a.text_content() for a in page.cssselect(".byline a[rel=author]")]
    assert authors == ["Bob Quote", "Alice Field"]
    assert page.cssselect(".kicker a")[0].text_content() == "Sales"
    entry = next(p for p in site.index()["posts"] if p["url"] == "/posts/bob/deal/")
    assert entry["authors"] == ["bob", "alice"] and entry["department"] == "sales"
    assert entry["tags"] == ["tenders", "Flow Meters"]
    # co-authored posts are listed on every author's page
    assert "How we scope" in (site.output / "authors/alice/index.html").read_text()


def test_two_authors_may_use_the_same_file_name(site):
    site.write("content/alice/hello-world.md", post("Alice says hello"))
    site.write("content/bob/hello-world.md", post("Bob says hello"))
    site.build()
    assert "Alice says hello" in (site.output / "posts/alice/hello-world/index.html").read_text()
    assert "Bob says hello" in (site.output / "posts/bob/hello-world/index.html").read_text()


def test_department_can_be_set_per_post(site):
    site.write("content/alice/crossover.md", post("Crossover", Department="sales"))
    site.build()
    assert "Crossover" in (site.output / "departments/sales/index.html").read_text()


def test_folder_without_registry_entry(site):
    site.write("content/alise/x.md", post())
    assert site.problems() == [
        "content/alise/x.md: error: no author registry entry for folder 'alise': add authors/alise.yml (did you mean 'alice'?)"
    ]


def test_author_metadata_must_match_the_folder(site):
    site.write("content/gina/x.md", post(Author="alice"))
    assert site.problems() == [
        "content/gina/x.md:3: error: Author: 'alice' contradicts the folder: posts in content/gina/ are by 'gina' (remove the Author: line)"
    ]


def test_unknown_coauthor_and_department(site):
    site.write("content/bob/x.md", post(Co_Authors="alice, bobby", Department="rnd"))
    assert site.problems() == [
        "content/bob/x.md:3: error: unknown co-author 'bobby' (did you mean 'bob'?)",
        "content/bob/x.md:4: error: unknown department 'rnd' (expected one of: sales, service)",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Date: 2026-01-01\n\nNo title.\n", "content/bob/x.md:1: error: missing required metadata 'Title:'"),
        ("Title: T\n\nNo date.\n", "content/bob/x.md:1: error: missing required metadata 'Date:'"),
        (
            "Title: T\nDate: 14/03/2025\n\nx\n",
            "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30, found '14/03/2025'",
        ),
        (
            "Title: T\nDate: 2025-02-30\n\nx\n",
            "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30 (February 2025 has 28 days), found '2025-02-30'",
        ),
        (
            "Title: T\nDate: 2025-01-01\nTitle: U\n\nx\n",
            "content/bob/x.md:3: error: 'Title' is given twice (first on line 1)",
        ),
        (
            "Title: T\nDate: 2025-01-01\nStatus: drafty\n\nx\n",
            "content/bob/x.md:3: error: 'status' must be one of published, draft, hidden, found 'drafty'",
        ),
        (
            "Title: T\nDate: 2025-01-01\nTagz: a\n\nx\n",
            "content/bob/x.md:3: error: unknown metadata 'tagz' (did you mean 'tags'?)",
        ),
        (
            "Title: T\nDate: 2025-01-01\nthis is not a header line\n\nx\n",
            "content/bob/x.md:3: error: expected 'Key: value' in the header, found 'this is not a header line' (end the header with a blank line)",
        ),
        (
            "# Just markdown\n\ntext\n",
            "content/bob/x.md:1: error: expected a metadata header starting on line 1, like 'Title: My first post'",
        ),
        (
            "Title: T\nDate: 2025-01-01\nSlug: ../../index\n\nx\n",
            "content/bob/x.md:3: error: 'slug' must be lower-case letters, digits and hyphens, like 'field-repairs', found '../../index'",
        ),
        (
            "Title: T\nDate: 2025-03-01\nModified: 2025-02-01\n\nx\n",
            "content/bob/x.md:3: error: 'modified' is earlier than 'date'",
        ),
    ],
)
def test_malformed_metadata(site, text, expected):
    site.write("content/bob/x.md", text)
    assert site.problems() == [expected]


def test_windows_line_endings_and_bom_keep_the_header(site):
    site.write(
        "content/bob/x.md",
        "\ufeffTitle: From Word\r\nDate: 2026-01-01\r\nStatus: draft\r\n\r\nUNPUBLISHED-WINDOWS\r\n".encode(
            "utf-8"
        ),
    )
    site.build()
    assert not (site.output / "posts/bob/x/index.html").exists()
    assert "UNPUBLISHED-WINDOWS" not in (site.output / "network.json").read_text()


def test_invalid_utf8_names_line_and_column(site):
    site.write("content/bob/x.md", b"Title: T\nDate: 2026-01-01\n\ncaf\xe9\n")
    expected = [
        "content/bob/x.md:4:4: error: not UTF-8: the byte 0xE9 here comes from another encoding"
        " (often Windows-1252 or Latin-1); save the file as UTF-8"
    ]
    assert site.check() == expected
    assert site.problems() == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_post_saved_as_utf16_is_named_as_such(site, encoding):
    site.write("content/bob/x.md", post("Från Word").encode(encoding))
    assert site.check() == ["content/bob/x.md: error: the file is saved as UTF-16; save it as UTF-8"]


def test_control_characters_are_refused(site):
    site.write("content/bob/x.md", "Title: T\u202e\nDate: 2026-01-01\n\nx\n")
    assert site.problems() == [
        "content/bob/x.md:1:9: error: control character U+202E is not allowed; delete it"
    ]


@pytest.mark.parametrize(
    "data",
    [*(bytes([b]) for b in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)), "\u2066".encode()],
)
def test_every_control_character_is_refused_at_its_place(data):
    # An ASCII file is judged by the bytes it holds, any other by its text: both refuse each.
    for text in (b"Title: T\n\nab" + data + b"c\n", "Title: Tö\n\nab".encode() + data + b"c\n"):
        with pytest.raises(SourceError) as raised:
            decode_source(text, "content/bob/x.md")
        (problem,) = raised.value.problems
        assert (problem.line, problem.col) == (3, 3)
        assert problem.message.startswith(f"control character U+{ord(data.decode()):04X} ")


def test_tabs_and_every_line_end_are_text():
    assert decode_source(b"Title: T\r\n\n\ta\rb\n", "x.md") == "Title: T\n\n\ta\nb\n"


def test_posts_dated_with_other_offsets_are_filed_on_the_sites_calendar(site):
    # 02:00 UTC on New Year's Day is still 2025 in New York: both posts are 2025's, and the
    # post says the day the archive files it under (mixed offsets once made Pelican write
    # archives/2026/ twice and stop with a traceback).
    site.write("content/bob/a.md", post("A", date="2026-01-01T02:00:00+00:00"))
    site.write("content/alice/b.md", post("B", date="2025-12-31 23:30"))
    site.build(TIMEZONE="America/New_York")

    def filed(year: str) -> set[str]:
        links = {a.get("href") for a in site.page(f"archives/{year}/index.html").cssselect("main a")}
        return links & {"/posts/bob/a/", "/posts/alice/b/"}

    assert filed("2025") == {"/posts/bob/a/", "/posts/alice/b/"} and filed("2026") == set()
    (shown,) = site.page("posts/bob/a/index.html").cssselect(".post-meta time")
    assert shown.get("datetime") == "2025-12-31T21:00:00-05:00" and "2025" in shown.text


def test_with_case_kept_in_slugs_tags_spelled_in_two_cases_are_refused_by_check_and_build(site):
    # SLUGIFY_PRESERVE_CASE would give them topics/Tenders/ and topics/tenders/: one folder on
    # a case-insensitive file system, one feed folder (the build once stopped at the feeds,
    # naming a setting instead of the post).
    site.write("content/bob/a.md", post("A", Tags="Tenders"))
    site.write("content/bob/b.md", post("B", Tags="tenders"))
    expected = [
        "content/bob/b.md:3: error: tag 'tenders' and tag 'Tenders' (content/bob/a.md)"
        " would share the page topics/Tenders/; use one spelling (for two topics, names that differ in their letters or digits: only those name the page)"
    ]
    assert site.check(SLUGIFY_PRESERVE_CASE=True) == expected
    assert site.problems(SLUGIFY_PRESERVE_CASE=True) == expected
    assert site.check() == []  # without it, one topic: 'tenders'


@pytest.mark.parametrize(
    "settings, files, expected",
    [
        (
            {"TAG_URL": "{slug}/", "TAG_SAVE_AS": "{slug}/index.html"},
            {"content/pages/about.md": "Title: About\n\nUs.\n", "content/bob/x.md": post("X", Tags="about")},
            "content/bob/x.md:3: error: the page of topic 'about' would be written to 'about/index.html',"
            " which content/pages/about.md writes; change TAG_SAVE_AS or rename one",
        ),
        (
            {"YEAR_ARCHIVE_URL": "{date:%Y}/", "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html"},
            {"content/pages/year.md": "Title: Our year\nSlug: 2026\n\nUs.\n"},
            "content/alice/hello.md:2: error: the archive of 2026 would be written to '2026/index.html',"
            " which content/pages/year.md writes; change YEAR_ARCHIVE_SAVE_AS or rename one",
        ),
        (
            {
                "TAG_URL": "{slug}/",
                "TAG_SAVE_AS": "{slug}/index.html",
                "CATEGORY_URL": "{slug}/",
                "CATEGORY_SAVE_AS": "{slug}/index.html",
            },
            {"content/bob/x.md": post("X", Tags="sales")},  # bob's department is sales
            "departments.yml:5: error: the page of department 'sales' would be written to"
            " 'sales/index.html', which the page of topic 'sales' writes; change CATEGORY_SAVE_AS or rename one",
        ),
    ],
)
def test_listing_pages_sent_where_another_page_goes_are_named_by_check_and_build(
    site, settings, files, expected
):
    for path, text in files.items():
        site.write(path, text)
    assert site.check(**settings) == [expected]
    assert site.problems(**settings) == [expected]


def test_any_file_written_twice_fails_the_build_naming_it(site):
    # The rules claim what they know of; anything else Pelican is asked to write twice (a
    # plugin's page, a pattern of pagination) fails as bad input does, never as a traceback.
    from jinja2 import Template
    from pelican import signals

    def write_the_home_page_again(generator, writer):
        writer.write_file("index.html", Template("again"), {})

    signals.article_writer_finalized.connect(write_the_home_page_again)
    try:
        assert site.problems() == [
            "pelicanconf.py: error: two pages of the site would be written to 'index.html' (in output/):"
            " a *_SAVE_AS setting sends a listing or archive where another page goes; give them different paths"
        ]
    finally:
        signals.article_writer_finalized.disconnect(write_the_home_page_again)


def test_same_url_from_two_files_fails_naming_both(site):
    site.write("content/bob/a.md", post("A", Slug="same"))
    site.write("content/bob/same.md", post("B"))
    assert site.problems() == [
        "content/bob/same.md: error: would be written to 'posts/bob/same/index.html', which content/bob/a.md already writes (rename one, or give it another Slug:)"
    ]


def test_case_only_difference_collides(site):
    site.write("content/bob/Deal.md", post("A"))
    site.write("content/bob/deal.md", post("B"))
    problems = site.problems()
    assert len(problems) == 1 and "would be written to 'posts/bob/deal/index.html'" in problems[0]


def test_page_cannot_take_a_site_folder(site):
    site.write("content/pages/authors.md", "Title: Authors\n\nx\n")
    problems = site.problems()
    assert len(problems) == 1 and problems[0].startswith(
        "content/pages/authors.md: error: page slug 'authors' is used by the site itself"
    )


def test_tags_that_would_share_a_page(site):
    site.write("content/bob/a.md", post("A", Tags="r&d"))
    site.write("content/bob/b.md", post("B", Tags="RD"))
    assert site.problems() == [
        "content/bob/b.md:3: error: tag 'RD' and tag 'r&d' (content/bob/a.md) would share the page topics/rd/; use one spelling (for two topics, names that differ in their letters or digits: only those name the page)"
    ]


def test_symlinks_are_refused(site, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(post("Secret"))
    os.symlink(secret, site.root / "content/bob-link.md")
    assert site.problems() == [
        "content/bob-link.md: error: symbolic links are not allowed in content/ or authors/; copy the file instead"
    ]


def test_html_and_svg_files_are_not_copied_into_the_site(site):
    site.write("content/bob/evil.html", "<script>alert(1)</script>")
    site.write("content/bob/logo.svg", "<svg onload='alert(1)'/>")
    assert site.problems() == [
        "content/bob/evil.html: error: file type '.html' is not allowed in content/ (expected .md or one of: .gif, .jpeg, .jpg, .pdf, .png, .webp)",
        "content/bob/logo.svg: error: file type '.svg' is not allowed in content/ (expected .md or one of: .gif, .jpeg, .jpg, .pdf, .png, .webp)",
    ]


def test_all_post_problems_are_reported_together(site):
    site.write("content/bob/a.md", "Title: A\n\nx\n")
    site.write("content/bob/b.md", post(Co_Authors="nobody"))
    problems = site.problems()
    assert [p.split(":")[0] for p in problems] == ["content/bob/a.md", "content/bob/b.md"]


def test_failed_build_leaves_previous_output_untouched(site):
    output = site.build()
    before = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    site.write("content/alice/hello.md", post("Changed title"))
    site.write("content/bob/broken.md", "Title: Broken\n\nno date\n")
    site.problems()
    after = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-")]


def test_unknown_setting_is_reported_with_suggestion(site):
    problems = site.problems(CHORUS_MAX_POST_BYTE=10)
    assert problems == [
        "pelicanconf.py: error: CHORUS_MAX_POST_BYTE: unknown setting (did you mean CHORUS_MAX_POST_BYTES?)"
    ]


def test_oversized_post(site):
    site.write("content/bob/big.md", post(body="word " * 400))
    [problem] = site.problems(CHORUS_MAX_POST_BYTES=1000)
    assert problem.startswith("content/bob/big.md: error: file is ") and problem.endswith(
        " bytes; the limit is 1,000 bytes"
    )


def test_body_lines_that_look_like_metadata_stay_in_the_body(site):
    # Two builds in one process: Pelican's MarkdownReader must not leak its "meta"
    # extension into Chorus's renderer (it would eat these lines silently).
    for _ in range(2):
        site.write("content/bob/x.md", post(body="Note: keep this line.\nAlso: and this one."))
        site.build()
        prose = site.page("posts/bob/x/index.html").cssselect(".prose")[0].text_content()
        assert "Note: keep this line." in prose and "Also: and this one." in prose


def test_a_date_of_year_0_says_so(site):
    site.write("content/bob/x.md", post(date="0000-01-01"))
    assert site.check() == [
        "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30"
        " (there is no year 0), found '0000-01-01'"
    ]
