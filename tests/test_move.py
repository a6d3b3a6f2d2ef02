"""`chorus mv`: a post moves or is renamed, and nothing that pointed at it breaks."""

from __future__ import annotations

import subprocess

import feedparser

from chorus.check import run_check
from chorus.cli import main
from conftest import NOW, png_bytes, post

LINKS = (
    "[[alice/hello]], [[hello|Hi!]], [f]({filename}/alice/hello.md#s), [rel](../alice/hello.md),"
    " [root](/posts/alice/hello/), [[alice/hello#part]], `[[alice/hello]]` in code."
)


def mv(site, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["mv", *args, "--root", str(site.root), "--now", NOW])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def read(site, path: str) -> str:
    return (site.root / path).read_text()


def test_a_rename_rewrites_every_link_and_keeps_the_old_url_and_feed_id(site, capsys):
    site.write("content/bob/y.md", post("Y", Related="alice/hello", body=LINKS))
    site.write("content/pages/about.md", "Title: About\n\nRead [[alice/hello]].\n")
    site.build()
    entry_ids = {e.title: e.id for e in feedparser.parse(site.output / "feeds/network/atom.xml").entries}

    code, out = mv(site, capsys, "content/alice/hello.md", "alice/greetings")
    assert code == 0, out
    assert out.splitlines() == [
        "moved content/alice/hello.md -> content/alice/greetings.md",
        "rewrote 7 link(s) in content/bob/y.md",
        "rewrote 1 link(s) in content/pages/about.md",
        "pinned Feed-Id: alice/hello (feed readers keep the entry they know)",
        "recorded the old URL in redirects.yml: posts/alice/hello/: alice/greetings",
    ]
    assert not (site.root / "content/alice/hello.md").exists()
    assert read(site, "content/alice/greetings.md") == post("Hello from service", Feed_Id="alice/hello")
    assert read(site, "content/bob/y.md") == post(
        "Y",
        Related="alice/greetings",
        body=LINKS.replace("alice/hello", "alice/greetings")
        .replace("[[hello|", "[[alice/greetings|")
        .replace("`[[alice/greetings]]`", "`[[alice/hello]]`"),  # code is not a link
    )
    assert read(site, "content/pages/about.md") == "Title: About\n\nRead [[alice/greetings]].\n"
    assert read(site, "redirects.yml").endswith("\nposts/alice/hello/: alice/greetings\n")

    site.build()
    assert (
        site.page("posts/alice/hello/index.html").cssselect("main a")[0].get("href")
        == "/posts/alice/greetings/"
    )
    hrefs = {a.get("href") for a in site.page("posts/bob/y/index.html").cssselect(".prose a")}
    assert "/posts/alice/greetings/" in hrefs and not any("/alice/hello" in h for h in hrefs), hrefs
    after = {e.title: e.id for e in feedparser.parse(site.output / "feeds/network/atom.xml").entries}
    assert after["Hello from service"] == entry_ids["Hello from service"], "subscribers see no new post"


def test_a_departing_authors_post_moves_to_a_colleague_with_its_byline(site, capsys):
    site.write("content/gina/drift.md", post("Drift", body="![Sensor](sensor.png) and [[alice/hello]]."))
    site.write("content/gina/sensor.png", png_bytes())
    code, out = mv(site, capsys, "gina/drift", "alice/")
    assert code == 1 and out.startswith(
        "content/gina/drift.md: error: gina is not leaving (authors/gina.yml has no 'until:')"
    )
    site.write("authors/gina.yml", read(site, "authors/gina.yml") + "until: 2026-05-31\n")
    code, out = mv(site, capsys, "gina/drift", "bob/")  # sales: the post stays in service
    assert code == 0, out
    assert read(site, "content/bob/drift.md") == post(
        "Drift",
        Feed_Id="gina/drift",
        Co_Authors="gina",
        Department="service",
        body="![Sensor](../gina/sensor.png) and [[alice/hello]].",
    )
    site.build()
    [entry] = [p for p in site.index()["posts"] if p["title"] == "Drift"]
    assert entry["url"] == "/posts/bob/drift/" and entry["authors"] == ["bob", "gina"]
    assert entry["department"] == "service"
    assert (
        site.page("posts/bob/drift/index.html").cssselect(".prose img")[0].get("src")
        == "/media/gina/sensor.png"
    )


def test_a_slug_follows_the_new_name_and_redirects_follow_the_post(site, capsys):
    site.write("content/bob/x.md", post("X", Slug="ex"))
    site.write("redirects.yml", "# kept\nposts/bob/older/: bob/ex\nposts/bob/why/: /topics/\n")
    code, out = mv(site, capsys, "bob/ex", "bob/why")
    assert code == 0, out
    assert read(site, "content/bob/why.md") == post("X", Slug="why", Feed_Id="bob/x")
    # an older name now goes to the new one; the new URL is a page again, not a redirect
    assert read(site, "redirects.yml") == "# kept\nposts/bob/older/: bob/why\nposts/bob/ex/: bob/why\n"


def test_a_new_file_name_with_the_same_address_needs_no_redirect(site, capsys):
    site.write("content/bob/Field_Notes.md", post("Notes"))
    code, out = mv(site, capsys, "bob/field-notes", "bob/field-notes")
    assert code == 0, out
    assert read(site, "content/bob/field-notes.md") == post("Notes", Feed_Id="bob/Field_Notes")
    assert not (site.root / "redirects.yml").exists(), "the address did not change"


def test_a_draft_moves_without_a_redirect_or_a_pinned_id(site, capsys):
    site.write("content/bob/d.md", post("D", Status="draft"))
    code, out = mv(site, capsys, "bob/d", "bob/e")
    assert code == 0 and "redirects.yml" not in out and "Feed-Id" not in out
    assert read(site, "content/bob/e.md") == post("D", Status="draft")
    assert not (site.root / "redirects.yml").exists()


def test_refusals_write_nothing(site, capsys):
    site.write("content/bob/x.md", post("X"))
    site.write("content/bob/taken.md", post("Taken", Slug="why"))
    before = _sources(site)
    for args, message in [
        (("bob/nope", "bob/y"), "chorus mv: error: bob/nope: unknown post 'bob/nope'"),
        (("bob/x", "carol/x"), "chorus mv: error: carol/x: 'carol' is not an author in the registry"),
        (("bob/x", "bob/taken"), "chorus mv: error: content/bob/taken.md already exists"),
        (
            ("bob/x", "bob/why"),
            "chorus mv: error: /posts/bob/why/ is already the address of content/bob/taken.md",
        ),
        (("bob/x", "bob/x"), "chorus mv: error: content/bob/x.md is already there: nothing to move"),
        (("bob/x", "bob/a b"), "chorus mv: error: bob/a b: the file name must be letters, digits"),
    ]:
        code, out = mv(site, capsys, *args)
        assert code == 1 and out.startswith(message), (args, out)
    site.write("content/bob/broken.md", "Title: T\nDate: soon\n\nx\n")
    code, out = mv(site, capsys, "bob/x", "bob/y")
    assert code == 1 and "fix these first" in out
    site.remove("content/bob/broken.md")
    assert _sources(site) == before


def _sources(site) -> dict:
    """Every file of the site but the tools' own cache (reading the site fills cache/sources/)."""
    cache = site.root / "cache"
    return {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file() and cache not in p.parents}


def test_after_a_move_the_check_of_the_change_passes(site, capsys):
    site.write("content/bob/x.md", post("X", body="See [[alice/hello]]."))
    identity = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], [*identity, "commit", "-q", "-m", "live"]):
        subprocess.run(["git", *command], cwd=site.root, check=True)
    assert mv(site, capsys, "alice/hello", "alice/greetings")[0] == 0
    report = run_check(site.root, changed_since="HEAD", overrides={"CHORUS_NOW": NOW})
    assert report.errors == []


def test_a_move_keeps_each_files_byte_order_mark_and_line_ends(site, capsys):
    # Saved on Windows: a BOM and CRLF. The move changes the links, not how the files are saved.
    windows = "\ufeff" + post("Hello from service").replace("\n", "\r\n")
    site.write("content/alice/hello.md", windows.encode("utf-8"))
    site.write("content/bob/y.md", post("Y", body="See [[alice/hello]].").replace("\n", "\r\n").encode())
    code, out = mv(site, capsys, "content/alice/hello.md", "alice/greetings")
    assert code == 0, out
    moved = (site.root / "content/alice/greetings.md").read_bytes()
    assert moved.startswith(b"\xef\xbb\xbf") and b"\r\n" in moved and b"\n" not in moved.replace(b"\r\n", b"")
    linking = (site.root / "content/bob/y.md").read_bytes()
    assert linking == post("Y", body="See [[alice/greetings]].").replace("\n", "\r\n").encode()


def test_errors_the_network_had_before_do_not_fail_a_move(site, capsys):
    """A move that breaks nothing succeeds, even when another file already has an error:
    the move says that one remains, and `chorus check` names it as before."""
    site.write("content/bob/other.md", post("Other", body="See [[bob/nothing]]."))
    code, out = mv(site, capsys, "alice/hello", "alice/greetings")
    assert code == 0, out
    assert "1 error(s) the network had before the move remain: chorus check lists them" in out
    assert "bob/nothing" not in out
    assert (site.root / "content/alice/greetings.md").is_file()
    report = run_check(site.root, overrides={"CHORUS_NOW": NOW})
    assert [p.message.split(" (")[0] for p in report.errors] == ["unknown post '[[bob/nothing]]'"]


def test_an_expiring_post_moves_with_a_redirect_that_lapses_with_it(site, capsys):
    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-30", Summary="Fair."))
    code, out = mv(site, capsys, "content/bob/fair.md", "bob/fair-2026")
    assert code == 0, out
    assert read(site, "redirects.yml").endswith("\nposts/bob/fair/: bob/fair-2026\n")
    assert site.check() == []


def test_a_post_whose_address_a_redirect_waits_for_is_not_moved(site, capsys):
    site.write("content/bob/fair.md", post("Trade fair", Expires="2026-06-30", Summary="Fair."))
    site.write("content/bob/next.md", post("Next fair", Summary="Next."))
    site.write("redirects.yml", "posts/bob/fair/: bob/next\n")
    code, out = mv(site, capsys, "content/bob/fair.md", "bob/fair-2026")
    assert code == 1 and out.startswith(
        "redirects.yml:1: error: already sends /posts/bob/fair/ to bob/next once content/bob/fair.md has expired;"
    ), out
    assert (site.root / "content/bob/fair.md").is_file() and not (
        site.root / "content/bob/fair-2026.md"
    ).exists()


def test_a_folder_given_as_a_path_names_its_author(site, capsys):
    """`chorus mv content/gina/drift.md content/bob/` answered "'content' is not an author":
    a destination folder may be given as the path it is, as the post is."""
    site.write("content/gina/drift.md", post("Drift"))
    site.write("authors/gina.yml", read(site, "authors/gina.yml") + "until: 2026-05-31\n")
    code, out = mv(site, capsys, "content/gina/drift.md", "content/bob/")
    assert code == 0, out
    assert (site.root / "content/bob/drift.md").is_file()
    code, out = mv(site, capsys, "content/bob/drift.md", "content/bob/field-drift.md")
    assert code == 0, out
    assert (site.root / "content/bob/field-drift.md").is_file()


def test_paths_from_the_site_work_when_run_inside_it(site, monkeypatch, capsys):
    """Run in content/bob/, 'content/bob/a.md' was read as content/bob/content/bob/a.md."""
    site.write("content/bob/a.md", post("A"))
    monkeypatch.chdir(site.root / "content/bob")
    capsys.readouterr()
    code = main(["mv", "content/bob/a.md", "content/bob/b.md", "--now", NOW])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert (site.root / "content/bob/b.md").is_file() and not (site.root / "content/bob/a.md").exists()
