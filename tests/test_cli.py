"""The chorus command: clear messages and exit codes, never a traceback for a user mistake."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from chorus.cli import main
from conftest import NOW, png_bytes, post


def chorus(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "chorus.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_build_succeeds_and_reports(site):
    result = chorus("build", "--strict", "--now", NOW, cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert "built 1 published posts" in result.stdout
    assert (site.root / "output/index.html").is_file()


def test_user_error_exits_1_with_file_and_line_and_no_traceback(site):
    site.write("content/bob/x.md", "Title: T\nDate: someday\n\nx\n")
    result = chorus("build", "--now", NOW, cwd=site.root)
    assert result.returncode == 1
    assert (
        "content/bob/x.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30, found 'someday'"
        in result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert "previous output was left untouched" in result.stderr


def test_strict_turns_warnings_into_failures(site):
    site.write("content/bob/chart.png", png_bytes())
    site.write(
        "content/bob/x.md", post(body="See [the chart]({filename}chart.png).")
    )  # Pelican: use {static}
    assert chorus("build", "--now", NOW, cwd=site.root).returncode == 0
    strict = chorus("build", "--strict", "--now", NOW, cwd=site.root)
    assert strict.returncode == 1 and "warning:" in strict.stderr


def test_the_rules_warnings_never_block_publishing_even_strictly(site):
    """A post without a Summary is advice for the reviewer: `chorus check --strict` fails on
    it, but the strict build the network's CI publishes with does not (docs/model.md)."""
    assert chorus("check", "--strict", "--now", NOW, cwd=site.root).returncode == 1
    assert chorus("build", "--strict", "--now", NOW, cwd=site.root).returncode == 0


def test_usage_error_exits_2(site):
    assert chorus("frobnicate", cwd=site.root).returncode == 2


OVERRIDES = (
    "from pathlib import Path\nfrom chorus.conf import chorus_settings\n"
    "globals().update(chorus_settings(__file__))\n"
    "THEME_TEMPLATES_OVERRIDES = [str(Path(__file__).parent / 'templates')]\n"
)


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"pelicanconf.py": OVERRIDES + "SITENAME = undefined_name\n"},
            "pelicanconf.py:5: error: NameError: name 'undefined_name' is not defined",
        ),
        (
            {"pelicanconf.py": OVERRIDES + "SITENAME = 'unclosed\n"},
            "pelicanconf.py:5: error: SyntaxError: unterminated string literal (detected at line 5)",
        ),
        (
            {
                "pelicanconf.py": OVERRIDES,
                "templates/article.html": "{% extends 'base.html' %}\n{{ article.title }\n",
            },
            "templates/article.html:2: error: unexpected '}'",
        ),
        (
            {"pelicanconf.py": OVERRIDES + "TIMEZONE = 'Europe/Berln'\n"},
            "pelicanconf.py:5: error: TIMEZONE: no time zone named 'Europe/Berln' (did you mean 'Europe/Berlin'?)",
        ),
        (
            {"pelicanconf.py": OVERRIDES + "PATH = 'contnet'\n"},
            "pelicanconf.py:5: error: PATH: no folder contnet for the posts (content/<author-id>/…)",
        ),
        (
            {"pelicanconf.py": OVERRIDES + "THEME = 'mytheme'\n"},
            "pelicanconf.py:5: error: THEME: no theme folder mytheme (a folder with templates/ and static/,"
            " or one of Pelican's themes)",
        ),
        (
            {"pelicanconf.py": OVERRIDES, "templates/page.html": "x\n{% include 'nothere.html' %}\n"},
            "templates/page.html:2: error: template 'nothere.html' not found",
        ),
        (
            {
                "pelicanconf.py": OVERRIDES + "TAG_URL = '{slug}/'\nTAG_SAVE_AS = '{slug}/index.html'\n",
                "content/alice/x.md": post("X", Tags="about"),  # the topic 'about' and the page
            },
            "content/alice/x.md:3: error: the page of topic 'about' would be written to"
            " 'about/index.html', which content/pages/about.md writes; change TAG_SAVE_AS or rename one",
        ),
    ],
)
def test_settings_and_template_mistakes_name_file_and_line_without_a_traceback(site, files, expected):
    site.write("content/pages/about.md", "Title: About\n\nHi.\n")
    for path, text in files.items():
        site.write(path, text)
    result = chorus("build", "--now", NOW, cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr.splitlines()


def test_version_is_the_packages(capsys):
    from chorus import __version__
    from chorus.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"chorus {__version__}"


@pytest.mark.parametrize(
    "output, why",
    [
        ("content", "is or holds the posts (PATH)"),
        (".", "holds the site itself"),
        ("authors/site", "is or holds the author registry (CHORUS_AUTHORS_PATH)"),
        ("cache", "is or holds the build cache (CACHE_PATH)"),  # a folder inside it may be one
        ("notes.txt", "is a file"),
        ("notes.txt/site", "would be inside 'notes.txt', a file"),
    ],
)
def test_the_build_refuses_an_output_folder_that_is_not_its_own(site, output, why):
    # A build replaces its output folder whole: pointed at the posts, it would delete them.
    site.write("notes.txt", "kept\n")
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    result = chorus("build", "--output", str(site.root / output), "--now", NOW, cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    shown = output if output != "." else "."
    assert (
        f"pelicanconf.py: error: the output folder '{shown}' {why}; a build replaces its output"
        " folder whole: give it a folder of its own (OUTPUT_PATH, or --output), like 'output'"
    ) in result.stderr.splitlines()
    assert {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()} == before


def test_the_build_replaces_only_a_folder_a_build_wrote(site, tmp_path):
    """`chorus build -o docs` deleted docs/: a folder is replaced only when a build wrote
    it (its .chorus-output says so) or it is empty."""
    docs = site.write("docs/guide.md", "# Our guide\n").parent
    result = chorus("build", "--output", str(docs), "--now", NOW, cwd=site.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "pelicanconf.py: error: the output folder 'docs' holds files no Chorus build marked as its"
        " own (no .chorus-output: built before Chorus marked its outputs, or not a build at all);"
        " if it is a build, delete it and build again; a build replaces its output folder whole:"
        " give it a folder of its own (OUTPUT_PATH, or --output), like 'output'"
    ) in result.stderr.splitlines()
    assert (docs / "guide.md").read_text() == "# Our guide\n" and len(list(docs.iterdir())) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    for _ in range(2):  # an empty folder, then the folder that build wrote
        result = chorus("build", "--output", str(empty), "--now", NOW, cwd=site.root)
        assert result.returncode == 0, result.stderr
        assert (empty / "index.html").is_file() and (empty / ".chorus-output").is_file()
    # A copy of that output, with its mark, in a repository of GitHub pages: not replaced.
    pages = tmp_path / "pages"
    shutil.copytree(empty, pages)
    (pages / ".git").mkdir()
    (pages / "CNAME").write_text("voices.example.com\n")
    result = chorus("build", "--output", str(pages), "--now", NOW, cwd=site.root)
    assert result.returncode == 1 and "is a repository (it holds .git)" in result.stderr
    (pages / ".git").rmdir()
    result = chorus("build", "--output", str(pages), "--now", NOW, cwd=site.root)
    assert result.returncode == 1 and "its .chorus-output was written for another folder" in result.stderr
    assert (pages / "CNAME").is_file()
    # A cache that holds the folder does not make it Chorus's: only the drafts preview is.
    site.write("pelicanconf.py", OVERRIDES + "CACHE_PATH = str(Path(__file__).parent)\n")
    result = chorus("build", "--output", str(docs), "--now", NOW, cwd=site.root)
    assert result.returncode == 1 and (docs / "guide.md").is_file()


def test_an_output_given_as_a_symbolic_link_builds_again(site, tmp_path):
    """The link is replaced by the folder the build writes there; its mark was written for
    the link's target, so the next build refused the folder."""
    target = tmp_path / "www"
    target.mkdir()
    (site.root / "output").symlink_to(target)
    for _ in range(2):
        result = chorus("build", "--now", NOW, cwd=site.root)
        assert result.returncode == 0, result.stderr


def test_a_command_run_inside_a_site_finds_it_and_outside_one_says_so(site, tmp_path):
    """As git and Hugo do: from content/bob/ the command runs on the site around it; where
    there is none, a usage error says what it looked for (it was a traceback)."""
    site.write("content/bob/typo.md", "Title: T\nDate: 2026-13-01\n\nText.\n")
    inside = chorus("check", cwd=site.root / "content/bob")
    assert inside.returncode == 1 and "Traceback" not in inside.stderr
    assert "content/bob/typo.md:2: error:" in inside.stdout  # shown from the site, as always
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    for command in (["check"], ["build"], ["new", "post", "X", "--author", "bob"]):
        result = chorus(*command, cwd=nowhere)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr == (
            f"chorus {command[0]}: no site here: neither {nowhere} nor a folder above it holds"
            " pelicanconf.py, or content/ with authors/ or departments.yml (run it in the site's"
            " folder, or give --root FOLDER)\n"
        )
    # The nearest site wins: one without pelicanconf.py inside a folder that has one.
    inner = site.root / "inner"
    for path in ("content/bob/x.md", "authors/bob.yml"):
        (inner / path).parent.mkdir(parents=True, exist_ok=True)
        (inner / path).write_text("x\n")
    result = chorus("check", cwd=inner / "content/bob")
    assert "checked 2 files" in result.stderr  # the inner site's two, not the outer's
    result = chorus("check", "--root", str(nowhere), cwd=site.root)
    assert result.returncode == 2
    assert (
        result.stderr
        == f"chorus check: --root {nowhere}: not a site (no pelicanconf.py in it, nor content/ with authors/ or departments.yml)\n"
    )


def test_a_missing_site_folder_or_settings_file_is_a_usage_error(site, tmp_path, capsys):
    capsys.readouterr()
    assert main(["build", "--root", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"chorus build: --root {tmp_path / 'nowhere'}: no such folder\n"
    assert main(["check", "--root", str(site.root), "-s", "missing.py"]) == 2
    assert capsys.readouterr().err == "chorus check: --settings missing.py: no such file\n"


def test_serve_on_a_port_it_cannot_have_says_so_and_ends(site, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        capsys.readouterr()
        assert main(["serve", "--root", str(site.root), "--port", str(port), "--now", NOW]) == 1
        assert capsys.readouterr().err.startswith(f"chorus serve: cannot listen on 127.0.0.1 port {port}: ")
    assert main(["serve", "--root", str(site.root), "--port", "70000"]) == 2
    assert "argument -p/--port: 70000 is not a port (0 to 65535)" in capsys.readouterr().err


@pytest.mark.parametrize(
    "now, expected",
    [
        ("someday", "expected an ISO date-time like '2026-01-31T12:00:00+00:00'"),
        # The health page counts months back from the moment: the calendar's first year has none.
        ("0001-01-01T00:00:00+14:00", "expected a moment between the years 1900 and 9998"),
    ],
)
def test_a_moment_to_build_as_of_that_cannot_be_used_is_named(site, capsys, now, expected):
    """A usage error naming --now (it was reported as a mistake of pelicanconf.py)."""
    result = chorus("build", "--now", now, cwd=site.root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"chorus build: error: argument --now: '{now}': {expected}" in result.stderr.splitlines()
    for command in ("check", "serve"):
        capsys.readouterr()
        assert main([command, "--root", str(site.root), "--now", now]) == 2
        assert f"chorus {command}: error: argument --now: '{now}': {expected}" in capsys.readouterr().err


def test_a_folder_of_the_cache_is_chorus_own_to_replace(site):
    """`chorus serve --drafts` previews into cache/drafts-preview/: one left by a Chorus
    that wrote no mark is replaced, not refused (the preview would stay stale)."""
    from chorus.build import load_settings, output_problem

    preview = site.write("cache/drafts-preview/index.html", "<p>older preview</p>").parent
    settings = load_settings(site.root, None, {})
    assert output_problem(site.root.resolve(), preview.resolve(), settings) is None
    problem = output_problem(
        site.root.resolve(), site.write("elsewhere/x.html", "x").parent.resolve(), settings
    )
    assert problem is not None and "no .chorus-output: built before" in problem.message


def test_an_author_folder_named_content_is_not_taken_for_the_site(site):
    """From content/, the folder 'content/content/' (an author 'content') made content/
    look like a site of its own."""
    site.write("content/content/c.md", post("C"))
    result = chorus("check", cwd=site.root / "content")
    assert "author registry folder not found" not in result.stdout + result.stderr
    assert "checked " in result.stderr and "Traceback" not in result.stderr
