"""`chorus new author` and `chorus new post`: right files, right place, never an overwrite."""

from __future__ import annotations

import subprocess

import yaml

from chorus.cli import main
from conftest import NOW
from plugins.network.postmeta import SUMMARY_PLACEHOLDER


def new(site, capsys, *args):
    capsys.readouterr()
    code = main(["new", *args, "--root", str(site.root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_new_author_creates_registry_entry_folder_and_codeowners(site, capsys):
    code, out = new(
        site,
        capsys,
        "author",
        "dora-lee",
        "--name",
        "Dora Lee",
        "--department",
        "sales",
        "--title",
        "Sales Engineer",
        "--email",
        "dora@example.com",
        "--github",
        "dora-lee-acme",
    )
    assert code == 0, out
    assert (site.root / "content/dora-lee").is_dir()
    assert "/content/dora-lee/ @dora-lee-acme\n" in (site.root / ".github/CODEOWNERS").read_text()
    # the new entry is valid: the site builds and lists Dora, and check is clean
    site.build()
    assert "dora-lee" in [a["id"] for a in site.index()["authors"]]
    assert main(["check", "--root", str(site.root), "--now", NOW]) == 0


def test_new_guest_needs_affiliation(site, capsys):
    code, out = new(
        site, capsys, "author", "ext", "--name", "Ext", "--department", "sales", "--title", "T", "--guest"
    )
    assert (
        code == 1
        and "chorus new: error: a guest needs --affiliation (the organisation they write from)" in out
    )
    code, out = new(
        site,
        capsys,
        "author",
        "ext",
        "--name",
        "Ext",
        "--department",
        "sales",
        "--title",
        "T",
        "--guest",
        "--affiliation",
        "Uni",
    )
    assert code == 0
    assert "kind: guest" in (site.root / "authors/ext.yml").read_text()


def test_new_author_refusals(site, capsys):
    code, out = new(site, capsys, "author", "bob", "--name", "B", "--department", "slaes", "--title", "T")
    assert code == 1
    assert "chorus new: error: unknown department 'slaes' (did you mean 'sales'?)" in out
    assert "authors/bob.yml: error: already exists; chorus new never overwrites" in out
    code, out = new(site, capsys, "author", "Bad_Id", "--name", "B", "--department", "sales", "--title", "T")
    assert code == 1 and "author id 'Bad_Id' must be lower-case letters, digits and hyphens" in out
    # Whatever the registry would refuse is refused before anything is written.
    code, out = new(
        site, capsys, "author", "ann", "--name", "Ann\nB", "--department", "sales", "--title", "T",
        "--email", "not an email",
    )  # fmt: skip
    assert code == 1
    assert "chorus new: error: --email must be an e-mail address like name@example.com" in out
    assert "chorus new: error: --name must be one line" in out
    assert not (site.root / "authors/ann.yml").exists() and not (site.root / "content/ann").exists()


def test_new_post_is_a_dated_draft_in_the_authors_folder(site, capsys):
    code, out = new(site, capsys, "post", "Why we test on site!", "--author", "bob")
    assert code == 0, out
    assert "chorus serve --drafts" in out  # where to see it while it is a draft
    path = site.root / "content/bob/why-we-test-on-site.md"
    text = path.read_text()
    assert text.startswith("Title: Why we test on site!\nDate: ") and "Status: draft" in text
    assert f"\nSummary: {SUMMARY_PLACEHOLDER}\n" in text, "the guide calls Summary: required"
    site.build()
    assert not (site.output / "posts/bob/why-we-test-on-site").exists()
    code, out = new(site, capsys, "post", "Why we test on site!", "--author", "bob")
    assert code == 1 and "content/bob/why-we-test-on-site.md: error: already exists" in out
    assert path.read_text() == text


def test_new_post_infers_the_author_from_git(site, capsys):
    subprocess.run(["git", "init", "-q"], cwd=site.root, check=True)
    subprocess.run(["git", "config", "user.name", "Bob Quote"], cwd=site.root, check=True)
    subprocess.run(["git", "config", "user.email", "nobody@example.com"], cwd=site.root, check=True)
    code, out = new(site, capsys, "post", "Hello there")
    assert code == 0 and (site.root / "content/bob/hello-there.md").exists()
    subprocess.run(["git", "config", "user.name", "Someone Else"], cwd=site.root, check=True)
    code, out = new(site, capsys, "post", "Another")
    assert code == 1 and "pass --author ID" in out


def test_new_post_unknown_author(site, capsys):
    code, out = new(site, capsys, "post", "X", "--author", "bobb")
    assert code == 1 and "unknown author 'bobb' (did you mean 'bob'?)" in out


def test_a_scaffolded_post_is_clean_as_a_draft_and_warns_until_summarised(site, capsys):
    assert new(site, capsys, "post", "Field notes", "--author", "bob")[0] == 0
    path = site.root / "content/bob/field-notes.md"
    check = ["check", "--root", str(site.root), "--now", NOW, "--strict", str(path)]
    assert main(check) == 0
    path.write_text(path.read_text().replace("Status: draft\n", ""))
    capsys.readouterr()
    assert main(check) == 1
    assert (
        "content/bob/field-notes.md:3: error: summary: 'Summary:' is still the placeholder"
        in capsys.readouterr().out
    )
    path.write_text(path.read_text().replace(SUMMARY_PLACEHOLDER, "What we learnt in the field."))
    assert main(check) == 0


def test_a_new_author_entry_has_sensible_defaults(site, capsys):
    code, out = new(
        site,
        capsys,
        "author",
        "dora-lee",
        "--name",
        "Dora Lee",
        "--department",
        "sales",
        "--title",
        "Sales Engineer",
    )
    assert code == 0, out
    entry = yaml.safe_load((site.root / "authors/dora-lee.yml").read_text())
    assert entry["expertise"] == [], "a department is not a topic: the author names their own"
    assert entry["bio"] == "Dora Lee works in Sales at Our company as Sales Engineer."
    text = (site.root / "authors/dora-lee.yml").read_text()
    assert "# Two to five topics you write about" in text and "# Two to four sentences" in text
    site.build()
    profile = site.page("authors/dora-lee/index.html")
    assert "Dora Lee works in Sales at Our company as Sales Engineer." in profile.text_content()


def test_new_post_names_its_file_in_ascii_when_urls_keep_unicode(site, capsys):
    # SLUGIFY_USE_UNICODE keeps the letters in topic URLs; a file name under content/ is
    # ASCII, so a post's file (and so its URL) is named in ASCII, and checks clean.
    site.write(
        "pelicanconf.py",
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
        "SLUGIFY_USE_UNICODE = True\n",
    )
    code, out = new(site, capsys, "post", "Größe der Pumpe", "--author", "bob")
    assert code == 0, out
    assert (site.root / "content/bob/grosse-der-pumpe.md").is_file()
    assert main(["check", "--root", str(site.root), "--now", NOW]) == 0


def test_new_post_with_a_title_too_long_for_a_file_name_gets_a_shorter_name(site, capsys):
    """It was refused ('change the title'), though the file name, not the title, was too
    long: the name is cut between words to what a post's file name may be (80 before
    '.md'), the title kept."""
    title = "Why " * 100 + "we test"
    code, out = new(site, capsys, "post", title, "--author", "bob")
    assert code == 0 and "Traceback" not in out
    [written] = (site.root / "content/bob").glob("why-*.md")
    assert len(written.stem) <= 80 and written.stem == "-".join(["why"] * 20)
    assert written.read_text().splitlines()[0] == f"Title: {title.strip()}"
    assert main(["check", "--root", str(site.root), "--now", NOW]) == 0


def test_new_post_titles_that_would_not_make_a_clean_file_are_refused(site, capsys):
    # A carriage return ends a header line as a newline does: 'Status: published' would follow.
    code, out = new(site, capsys, "post", "Good\rStatus: published", "--author", "bob")
    assert code == 1 and "the title must be one non-empty line" in out
    code, out = new(site, capsys, "post", "con", "--author", "bob")  # a device name on Windows
    assert code == 1 and "the file name made from the title, 'con.md': " in out and "change the title" in out
    assert not list((site.root / "content/bob").glob("*.md"))
    code, out = new(site, capsys, "post", "- Notes -", "--author", "bob")
    assert code == 0 and (site.root / "content/bob/notes.md").is_file()


def test_make_new_post_takes_the_title_as_written(site):
    """`make new-post TITLE=…` put the title in double quotes: backquotes ran a command, '$5'
    was read by make and the shell, quotes were lost."""
    import sys
    from pathlib import Path

    makefile = Path(__file__).resolve().parent.parent / "Makefile"
    venv = Path(sys.prefix)
    titles = [
        "Using `date` in scripts",
        'He said "hi" now',
        "How we saved $500 per meter",
        "It's Bob's \\ day",
    ]
    for title in titles:
        result = subprocess.run(
            [
                "make",
                "-s",
                "-f",
                str(makefile),
                f"VENV={venv}",
                "-o",
                f"{venv}/.installed",
                "new-post",
                f"TITLE={title}",
                "AUTHOR=bob",
            ],
            cwd=site.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    written = sorted((site.root / "content/bob").glob("*.md"))
    assert sorted(path.read_text().splitlines()[0] for path in written) == sorted(
        f"Title: {t}" for t in titles
    )


def test_make_new_post_refuses_a_title_with_a_line_break(site):
    """A line break ended the recipe's line inside the title's quotes: the shell said
    'unexpected EOF while looking for matching'. Now make names the variable."""
    import sys
    from pathlib import Path

    makefile = Path(__file__).resolve().parent.parent / "Makefile"
    venv = Path(sys.prefix)
    result = subprocess.run(
        ["make", "-s", "-f", str(makefile), f"VENV={venv}", "-o", f"{venv}/.installed", "new-post"]
        + ["TITLE=First line\nsecond line", "AUTHOR=bob"],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "TITLE holds a line break: it must be one line" in result.stderr
    assert "EOF" not in result.stderr
    assert not list((site.root / "content/bob").glob("*.md"))
