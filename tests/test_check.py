"""`chorus check`: every rule's exact line, both formats, exit codes, --changed-since in git."""

from __future__ import annotations

import os
import subprocess

import pytest

from chorus.cli import main
from conftest import NOW, post
from plugins.network.postmeta import SUMMARY_PLACEHOLDER


def errors(lines: list[str]) -> list[str]:
    return [line for line in lines if ": error: " in line]


def run(site, capsys, *args):
    capsys.readouterr()
    code = main(["check", "--root", str(site.root), "--now", NOW, *args])
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if line]


@pytest.fixture
def checked_site(site, capsys):
    """The tiny site, clean: its one post summarised, every author with a GitHub handle, CODEOWNERS written."""
    site.write("content/alice/hello.md", post("Hello from service", Summary="Alice says hello."))
    for author in ("alice", "bob", "gina"):
        path = site.root / f"authors/{author}.yml"
        path.write_text(path.read_text() + f"github: {author}-example\n")
    assert main(["codeowners", "--root", str(site.root)]) == 0
    return site


def test_clean_network_exits_0(checked_site, capsys):
    assert run(checked_site, capsys) == (0, [])


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"authors/bob.yml": "name: Bob\nkind: expert\ndepartment: sales\nexpertise: [x]\nbio: b\n"},
            "authors/bob.yml:1: error: registry: missing required field 'title'",
        ),
        (
            {"content/bob/x.md": "Title: T\nDate: soon\n\nx\n"},
            "content/bob/x.md:2: error: metadata: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30, found 'soon'",
        ),
        (
            {"content/bob/x.md": post(Author="alice")},
            "content/bob/x.md:3: error: author-folder: Author: 'alice' contradicts the folder: posts in content/bob/ are by 'bob' (remove the Author: line)",
        ),
        (
            {"content/bob/x.md": post(Co_Authors="alise")},
            "content/bob/x.md:3: error: co-author: unknown co-author 'alise' (did you mean 'alice'?)",
        ),
        (
            {"content/bob/x.md": post(Department="legal")},
            "content/bob/x.md:3: error: department: unknown department 'legal' (expected one of: sales, service)",
        ),
        (
            {"content/bob/x.md": post(Department="Sales")},
            "content/bob/x.md:3: error: metadata: 'department' must be an id like 'service' or 'li-wei', found 'Sales' (did you mean 'sales'?)",
        ),
        (
            {"content/bob/x.md": post(Author="Bob Quote")},
            "content/bob/x.md:3: error: metadata: 'author' must be an id like 'service' or 'li-wei', found 'Bob Quote' (did you mean 'bob'?)",
        ),
        (
            {"content/bob/x.md": post(Co_Authors="alice field")},
            "content/bob/x.md:3: error: co-author: unknown co-author 'alice field' (did you mean 'alice'?)",
        ),
        (
            {"content/bob/a.md": post(Slug="b"), "content/bob/b.md": post()},
            "content/bob/b.md: error: url-collision: would be written to 'posts/bob/b/index.html', which content/bob/a.md already writes (rename one, or give it another Slug:)",
        ),
        (
            {"content/bob/x.md": post(body="Intro.\n\n![](chart.png)")},
            "content/bob/x.md:6:1: error: image-alt: image without alt text: describe what it shows, like ![Lead times by part family](...)",
        ),
        (
            {"content/bob/x.md": post(body="![Chart]({static}missing.png)")},
            "content/bob/x.md:4:1: error: image: image not found: {static}missing.png",
        ),
        (
            {"content/bob/notes.txt": "x"},
            "content/bob/notes.txt: error: file-type: file type '.txt' is not allowed in content/ (expected .md or one of: .gif, .jpeg, .jpg, .pdf, .png, .webp)",
        ),
        (
            {"content/bob/x.md": post(Status="draft")},
            "content/bob/x.md:3: info: unpublished: not published: is a draft",
        ),
    ],
)
def test_each_rule_prints_its_line(checked_site, capsys, files, expected):
    for path, text in files.items():
        checked_site.write(path, text)
    code, lines = run(checked_site, capsys)
    assert expected in lines
    assert code == (1 if ": error: " in expected else 0)


def test_every_problem_is_reported_not_only_the_first(checked_site, capsys):
    checked_site.write("content/bob/a.md", "Title: T\n\nno date\n")
    checked_site.write("content/bob/b.md", post(Co_Authors="nobody"))
    checked_site.write("content/alice/c.md", post(Department="legal"))
    code, lines = run(checked_site, capsys)
    assert code == 1 and [line.split(":")[0] for line in errors(lines)] == [
        "content/alice/c.md",
        "content/bob/a.md",
        "content/bob/b.md",
    ]


def test_github_format(checked_site, capsys):
    checked_site.write("content/bob/x.md", post(Co_Authors="alise, x,y"))
    code, lines = run(checked_site, capsys, "--format", "github")
    assert code == 1
    assert (
        "::error file=content/bob/x.md,line=3,title=co-author::unknown co-author 'alise' (did you mean 'alice'?)"
        in lines
    )


def test_paths_limit_the_report(checked_site, capsys):
    checked_site.write("content/bob/x.md", post(Co_Authors="nobody"))
    checked_site.write("content/alice/y.md", post(Co_Authors="nobody"))
    code, lines = run(checked_site, capsys, str(checked_site.root / "content/alice"))
    assert code == 1 and [line.split(":")[0] for line in errors(lines)] == ["content/alice/y.md"]


def test_usage_errors_exit_2(checked_site, capsys):
    assert main(["check", "--root", str(checked_site.root), "--format", "xml"]) == 2
    assert (
        main(["check", "--root", str(checked_site.root), "--changed-since", "HEAD"]) == 2
    )  # not a git repository


def test_stale_codeowners_fails(checked_site, capsys):
    checked_site.write(
        "authors/dora.yml",
        "name: Dora\nkind: expert\ntitle: T\ndepartment: sales\nexpertise: [x]\nbio: b\ngithub: dora-example\n",
    )
    code, lines = run(checked_site, capsys)
    assert code == 1 and errors(lines) == [
        ".github/CODEOWNERS: error: codeowners: out of date with the author registry; run 'chorus codeowners' and commit the result"
    ]


def test_codeowners_content(site, capsys):
    site.write(
        "authors/bob.yml",
        (site.root / "authors/bob.yml").read_text() + "github: bob-quote\nemail: bob@example.com\n",
    )
    assert main(["codeowners", "--root", str(site.root)]) == 0
    text = (site.root / ".github/CODEOWNERS").read_text()
    assert "/content/bob/ @bob-quote\n" in text and "/authors/bob.* @bob-quote\n" in text


def git(root, *args):
    subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "T",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "T",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )


def test_changed_since_reports_changed_files_and_dependents(checked_site, capsys):
    root = checked_site.root
    checked_site.write("content/bob/old.md", post(Co_Authors="alice"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    # an untouched broken file is not reported; a changed one is
    checked_site.write("content/alice/new.md", post(Department="legal"))
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and [line.split(":")[0] for line in errors(lines)] == ["content/alice/new.md"]
    # a changed profile re-checks the posts that depend on it (co-authored ones too)
    (root / "content/alice/new.md").unlink()
    checked_site.write(
        "authors/alice.yml",
        (root / "authors/alice.yml").read_text().replace("department: service", "department: servce"),
    )
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and lines[0].startswith(
        "authors/alice.yml:4: error: registry: 'department': unknown department 'servce'"
    )


@pytest.mark.parametrize(
    "unchanged, added, expected",
    [
        (
            {"Slug": "b"},
            {"Slug": "b"},
            (
                # The whole network: the first by path keeps the address.
                "content/bob/b.md:4: error: url-collision: would be written to 'posts/bob/b/index.html',"
                " which content/bob/a.md already writes (rename one, or give it another Slug:)",
                # The change: the post that had the address in the live revision keeps it, so
                # the one the pull request adds is named, at its Slug:.
                "content/bob/a.md:4: error: url-collision: would be written to 'posts/bob/b/index.html',"
                " which content/bob/b.md already writes (rename one, or give it another Slug:)",
            ),
        ),
        (
            {"Tags": "r&d"},
            {"Tags": "RD"},
            "content/bob/b.md:4: error: tags: tag 'r&d' and tag 'RD' (content/bob/a.md) would share"
            " the page topics/rd/; use one spelling (for two topics, names that differ in their letters or digits: only those name the page)",
        ),
        (
            {"Feed_Id": "tag:example.com,2026:one"},
            {"Feed_Id": "tag:example.com,2026:one"},
            "content/bob/b.md:4: error: feed-id: feed id 'tag:example.com,2026:one' is already the id"
            " of content/bob/a.md:4; give one of them its own Feed-Id:",
        ),
    ],
)
def test_changed_since_reports_a_clash_the_change_makes_with_a_file_it_left_alone(
    checked_site, capsys, unchanged, added, expected
):
    # The rules name the second file in reading order, which may be the one the pull
    # request did not touch: the check of the change reports it all the same.
    whole, changed = expected if isinstance(expected, tuple) else (expected, expected)
    root = checked_site.root
    checked_site.write("content/bob/b.md", post("B", Summary="B.", **unchanged))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    checked_site.write("content/bob/a.md", post("A", Summary="A.", **added))
    assert errors(run(checked_site, capsys)[1]) == [whole]
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and errors(lines) == [changed]


def test_changed_since_reports_a_new_author_named_like_one_it_left_alone(checked_site, capsys):
    root = checked_site.root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    # 'aaron' sorts before 'alice', but alice's file is the one the change left alone: the
    # new file is named (in the pull request's diff), as a whole check would name alice's.
    checked_site.write(
        "authors/aaron.yml",
        "name: Alice Field\nkind: expert\ntitle: Sales\ndepartment: sales\nexpertise: [x]\nbio: b\n",
    )
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and (
        "authors/aaron.yml:1: error: identity: name 'Alice Field' looks the same as 'Alice Field'"
        " (authors/alice.yml): readers could not tell these authors apart"
    ) in errors(lines)
    code, lines = run(checked_site, capsys)
    assert code == 1 and (
        "authors/alice.yml:1: error: identity: name 'Alice Field' looks the same as 'Alice Field'"
        " (authors/aaron.yml): readers could not tell these authors apart"
    ) in errors(lines)


def test_links_are_checked_like_the_build_does(checked_site, capsys):
    checked_site.write(
        "content/bob/a.md",
        post(body="See [[alice/helo]] and [x]({filename}/alice/nope.md).\n\nAnd [[@alise]]."),
    )
    checked_site.write("content/bob/b.md", post(Related="bob/a, bob/b"))
    code, lines = run(checked_site, capsys)
    assert code == 1
    assert (
        "content/bob/a.md:4:5: error: links: unknown post '[[alice/helo]]' (did you mean 'alice/hello'?)"
        in lines
    )
    assert any(
        line.startswith(
            "content/bob/a.md:4:24: error: links: '{filename}/alice/nope.md' does not name a file"
        )
        for line in lines
    )
    assert "content/bob/a.md:6:5: error: links: unknown author '[[@alise]]' (did you mean '@alice'?)" in lines
    assert "content/bob/b.md:3: error: links: 'Related' names the post itself: 'bob/b'" in lines


def test_changed_since_catches_posts_linking_to_a_renamed_post(checked_site, capsys):
    root = checked_site.root
    checked_site.write("content/alice/field-repairs.md", post("Field repairs"))
    checked_site.write("content/bob/linker.md", post(body="Read [[alice/field-repairs]]."))
    checked_site.write("content/bob/unrelated.md", post(body="Nothing to see."))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    assert run(checked_site, capsys, "--changed-since", "HEAD") == (0, [])
    (root / "content/alice/field-repairs.md").rename(root / "content/alice/repairs-in-the-field.md")
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1
    assert errors(lines) == [
        # the rename without a redirect loses a published URL (what `chorus mv` would keep) ...
        "content/alice/field-repairs.md: error: lost-url: was published at /posts/alice/field-repairs/ (HEAD),"
        " which this change loses: move posts with 'chorus mv',"
        " or add 'posts/alice/field-repairs/: <where it goes now>' to redirects.yml",
        # ... and breaks a link that was fine before
        "content/bob/linker.md:4:6: error: links: unknown post '[[alice/field-repairs]]'",
    ]


def test_a_post_without_summary_warns_and_fails_only_under_strict(checked_site, capsys):
    checked_site.write("content/bob/x.md", post())
    checked_site.write("content/bob/draft.md", post(Status="draft"))  # still being written: no warning
    checked_site.write("content/bob/y.md", post(Summary=SUMMARY_PLACEHOLDER))
    code, lines = run(checked_site, capsys)
    expected = [
        "content/bob/x.md:1: warning: summary: missing 'Summary:': one or two sentences for listings, feeds and search results",
        "content/bob/y.md:3: warning: summary: 'Summary:' is still the placeholder of `chorus new post`: say what the post is about",
    ]
    assert code == 0 and [line for line in lines if "summary" in line] == expected
    code, lines = run(checked_site, capsys, "--strict")
    assert code == 1 and [line for line in lines if "summary" in line] == [
        line.replace(": warning: ", ": error: ") for line in expected
    ]


def test_the_summary_line_names_what_was_checked(checked_site, capsys, monkeypatch):
    capsys.readouterr()
    assert main(["check", "--root", str(checked_site.root), str(checked_site.root / "authors/bob.yml")]) == 0
    assert capsys.readouterr().err == "checked authors/bob.yml: 0 error(s), 0 warning(s)\n"
    assert main(["check", "--root", str(checked_site.root), str(checked_site.root / "content")]) == 0
    assert capsys.readouterr().err.startswith("checked content/alice/hello.md: ")
    assert main(["check", "--root", str(checked_site.root)]) == 0
    # content/: 1 post; authors/: 3 entries and an avatar; departments.yml; .github/CODEOWNERS
    assert capsys.readouterr().err.startswith("checked 7 files: ")
    assert (
        main(["check", "--root", str(checked_site.root), str(checked_site.root / "authors/nobody.yml")]) == 2
    )
    assert "authors/nobody.yml: no such file or folder" in capsys.readouterr().err
    # A relative path is read from the working folder, or else from the site folder (--root).
    monkeypatch.chdir(checked_site.root.parent)
    assert main(["check", "--root", str(checked_site.root), "authors/bob.yml"]) == 0
    assert capsys.readouterr().err == "checked authors/bob.yml: 0 error(s), 0 warning(s)\n"
    assert main(["check", "--root", str(checked_site.root), "authors/nobody.yml"]) == 2
    assert f"in the site folder {checked_site.root}" in capsys.readouterr().err
    assert main(["check", "--root", checked_site.root.name, "."]) == 0  # the site, from its parent
    assert capsys.readouterr().err.startswith("checked 7 files: ")
    # A working folder with a content/ of its own (Chorus's repository): the site's is meant.
    (checked_site.root.parent / "content/alice").mkdir(parents=True)
    (checked_site.root.parent / "content/alice/hello.md").write_text("Title: Elsewhere\n")
    assert main(["check", "--root", str(checked_site.root), "content/alice/hello.md"]) == 0
    assert capsys.readouterr().err.startswith("checked content/alice/hello.md: ")
    # A folder holding nothing the check reads (another site's, say) is not a clean check.
    (checked_site.root / "docs").mkdir()
    assert main(["check", "--root", str(checked_site.root), str(checked_site.root / "docs")]) == 0
    said = capsys.readouterr().err
    assert "chorus check: no file the check reads is in " in said and "--root FOLDER" in said
    assert said.endswith("checked 0 files: 0 error(s), 0 warning(s)\n")


def test_a_revision_that_looks_like_an_option_is_refused_before_git_sees_it(checked_site, capsys, tmp_path):
    root = checked_site.root
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    written = tmp_path / "written-by-git"
    capsys.readouterr()
    code = main(["check", "--root", str(root), "--now", NOW, f"--changed-since=--output={written}"])
    err = capsys.readouterr().err
    assert code == 2 and not written.exists()
    assert f"--changed-since --output={written}: a revision, like origin/main, was expected" in err


def test_changed_since_reports_what_a_change_to_a_post_breaks_in_files_it_left_alone(checked_site, capsys):
    """A pull request that only gives a post an 'Expires:' (or makes it a draft) breaks the
    links to it in other posts' headers and summaries, in pages and in bios: the check of
    the change reports each, as the full check does."""
    root = checked_site.root
    checked_site.write("content/bob/fair.md", post("Trade fair", Summary="Fair."))
    checked_site.write("content/alice/see.md", post("See", Summary="See [[bob/fair]].", Related="bob/fair"))
    checked_site.write("content/pages/visit.md", "Title: Visit us\n\nAt [the fair](/posts/bob/fair/).\n")
    bio = root / "authors/gina.yml"
    bio.write_text(bio.read_text().replace("bio: ", "bio: See [the fair](/posts/bob/fair/). "))
    assert run(checked_site, capsys) == (0, [])
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    checked_site.write("content/bob/fair.md", post("Trade fair", Summary="Fair.", Expires="2026-12-31"))
    full = errors(run(checked_site, capsys)[1])
    assert [line.split(":")[0] for line in full] == [
        "authors/gina.yml",
        "content/alice/see.md",
        "content/alice/see.md",
        "content/pages/visit.md",
    ]
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and errors(lines) == full


def test_changed_since_reports_links_a_deleted_post_leaves_behind_in_headers_and_pages(checked_site, capsys):
    root = checked_site.root
    checked_site.write("content/bob/fair.md", post("Trade fair", Summary="Fair."))
    checked_site.write("content/alice/see.md", post("See", Summary="Nothing to see.", Related="bob/fair"))
    checked_site.write(
        "content/pages/visit.md", "Title: Visit us\n\nAt [the fair]({filename}/bob/fair.md).\n"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    (root / "content/bob/fair.md").unlink()
    full = errors(run(checked_site, capsys)[1])
    assert [line.split(":")[0] for line in full] == ["content/alice/see.md", "content/pages/visit.md"]
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and set(full) <= set(errors(lines))  # and the lost URL, against the live revision


def test_changed_since_finds_links_to_a_changed_post_by_its_address(checked_site, capsys):
    """A post's address comes from its Slug:, which may not be its file name: a page that
    links the address is checked when the post changes."""
    root = checked_site.root
    checked_site.write("content/bob/fair-2026.md", post("Trade fair", Summary="Fair.", Slug="fair"))
    checked_site.write(
        "content/alice/see.md", post("See", Summary="See.", body="At [the fair](/posts/bob/fair/).")
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    checked_site.write(
        "content/bob/fair-2026.md", post("Trade fair", Summary="Fair.", Slug="fair", Status="draft")
    )
    checked_site.write("redirects.yml", "posts/bob/fair/: '@bob'\n")  # the lost URL kept
    full = errors(run(checked_site, capsys)[1])
    assert [line.split(":")[0] for line in full] == ["content/alice/see.md"]
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and errors(lines) == full


def test_changed_since_reports_links_to_a_topic_page_the_change_ends(checked_site, capsys):
    """Which topic pages are written follows from every post's tags: a change that takes a
    topic's last tag away (or lets its last post expire) breaks the links to its page in
    files it left alone, and the check of the change reports them as the full check does."""
    root = checked_site.root
    checked_site.write("content/bob/expo.md", post("Trade fair", Summary="Fair.", Tags="trade fairs"))
    checked_site.write(
        "content/alice/see.md", post("See", Summary="See.", body="All [fairs](/topics/trade-fairs/).")
    )
    checked_site.write("content/pages/visit.md", "Title: Visit us\n\nOur [fairs](../topics/trade-fairs/).\n")
    bio = root / "authors/gina.yml"
    bio.write_text(bio.read_text().replace("bio: ", "bio: Meet me at [fairs](/topics/trade-fairs/). "))
    checked_site.write("redirects.yml", "fairs/: /topics/trade-fairs/\n")
    assert run(checked_site, capsys) == (0, [])
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    for change in ({"Tags": "events"}, {"Tags": "trade fairs", "Expires": "2026-12-31"}):
        checked_site.write("content/bob/expo.md", post("Trade fair", Summary="Fair.", **change))
        full = errors(run(checked_site, capsys)[1])
        assert {line.split(":")[0] for line in full} == {
            "authors/gina.yml",
            "content/alice/see.md",
            "content/pages/visit.md",
            "redirects.yml",
        }, change
        code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
        assert code == 1 and errors(lines) == full, change


@pytest.mark.parametrize(
    "change",
    [
        "delete the original",
        "give the original the translation's language",
        "add a second German translation",
    ],
)
def test_changed_since_reports_what_a_change_breaks_in_a_translation_it_left_alone(
    checked_site, capsys, change
):
    """A translation is judged against its original and its other translations, which a
    change may touch while leaving the translation alone."""
    root = checked_site.root
    checked_site.write("content/bob/expo.md", post("Trade fair", Summary="Fair."))
    checked_site.write("content/bob/expo.de.md", post("Messe", Summary="Messe.", Lang="de"))
    assert run(checked_site, capsys) == (0, [])
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    if change == "delete the original":
        (root / "content/bob/expo.md").unlink()
    elif change == "give the original the translation's language":
        checked_site.write("content/bob/expo.md", post("Trade fair", Summary="Fair.", Lang="de"))
    else:  # sorted before expo.de.md, which the rule then names
        checked_site.write(
            "content/bob/expo-de.md",
            post("Messe", Summary="Messe.", Lang="de", Slug="expo", Translation="yes"),
        )
    full = errors(run(checked_site, capsys)[1])
    assert {line.split(":")[0] for line in full} == {"content/bob/expo.de.md"}
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    changed = errors(lines)
    # Two files writing one address: the whole check names the later by path; the check of
    # the change names the file it adds, which the live revision did not have.
    clashes = [line for line in full if "url-collision" in line]
    assert code == 1 and set(full) - set(clashes) <= set(changed)
    assert [line.split(":")[0] for line in changed if "url-collision" in line] == [
        "content/bob/expo-de.md" for _ in clashes
    ]


@pytest.mark.parametrize(
    "redirects, added, tags",
    [
        ("posts/bob/launch/: bob/expo\n", "content/bob/launch.md", ""),  # a new post takes the address
        ("topics/events/: /posts/bob/expo/\n", "content/bob/open-day.md", "events"),  # so does a new topic
    ],
)
def test_changed_since_reports_a_redirect_a_new_post_hides(checked_site, capsys, redirects, added, tags):
    """Every redirect is judged against every page the site writes, which a change to any
    post may add to: the check of the change reports redirects.yml, left alone, as the
    full check does."""
    root = checked_site.root
    checked_site.write("content/bob/expo.md", post("Trade fair", Summary="Fair."))
    checked_site.write("redirects.yml", redirects)
    assert run(checked_site, capsys) == (0, [])
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    checked_site.write(added, post("Launch", Summary="Launch.", Tags=tags))
    full = errors(run(checked_site, capsys)[1])
    assert [line.split(":")[0] for line in full] == ["redirects.yml"]
    code, lines = run(checked_site, capsys, "--changed-since", "HEAD")
    assert code == 1 and errors(lines) == full


def test_a_post_whose_header_cannot_be_read_is_the_only_error_not_every_link_to_it(site):
    """A bad date made the post unreadable, and then every link, translation and redirect
    naming it was reported as naming nothing: the one error is the date."""
    site.write("content/bob/deal.md", post("Deal", date="2024-13-12"))
    site.write("content/bob/deal.de.md", post("Angebot", Lang="de"))
    site.write(
        "content/alice/see.md",
        post(
            "See",
            Related="bob/deal",
            body="[[bob/deal]], [[deal]], [it]({filename}/bob/deal.md), [too](../bob/deal.md)",
        ),
    )
    site.write("redirects.yml", "posts/bob/old-deal/: bob/deal\n")
    expected = [
        "content/bob/deal.md:2: error: 'date' must be a date like 2025-03-14 or 2025-03-14 09:30 (there is no month 13), found '2024-13-12'"
    ]
    assert site.check() == expected
    assert site.problems() == expected
    # A link to a post that is not there at all is still one.
    site.write("content/alice/see.md", post("See", body="[[bob/no-deal]]"))
    assert "unknown post '[[bob/no-deal]]'" in " ".join(site.check())


def test_the_sites_own_templates_are_checked_as_the_build_finds_them(site):
    """A mistake in a template of templates/ stopped the build and passed the check."""
    site.write(
        "pelicanconf.py",
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n",
    )
    site.write(
        "templates/article.html",
        '{% extends "!theme/article.html" %}\n{% block content %}{{ article.title | nosuchfilter }}{% endblock %}\n',
    )
    site.write("templates/page.html", '{% extends "!theme/page.html" %}\n{% include "nothere.html" %}\n')
    site.write("templates/period_archives.html", "{% if %}\n")
    site.write(
        "templates/tag.html",
        '{% extends "!theme/tag.html" %}\n{% block title %}{{ _("Topic") }} {{ tag|date_long }}{% endblock %}\n',
    )
    expected = [
        "templates/article.html:2: error: No filter named 'nosuchfilter'.",
        "templates/page.html:2: error: template 'nothere.html' not found",
        "templates/period_archives.html:1: error: Expected an expression, got 'end of statement block'",
    ]
    assert site.check() == expected
    assert site.problems() == expected
    site.write("templates/article.html", '{% extends "!theme/article.html" %}\n')
    site.write("templates/page.html", "{% extends '!theme/page.html' %}\n")
    site.write("templates/period_archives.html", "{% extends '!theme/period_archives.html' %}\n")
    assert site.check() == []


def test_a_filter_a_sites_own_plugin_adds_is_not_judged_without_it(site):
    """A plugin of the site adds a filter when the build runs it; the check does not run it,
    so it must not call the filter unknown (check refused what the build built)."""
    site.write(
        "myplugin.py",
        "from pelican import signals\n\n"
        "def add(generator):\n    generator.env.filters['shout'] = str.upper\n\n"
        "def register():\n    signals.generator_init.connect(add)\n",
    )
    site.write(  # found where Pelican finds it, in PLUGIN_PATHS
        "pelicanconf.py",
        "from pathlib import Path\n"
        "from chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
        "PLUGIN_PATHS = [*PLUGIN_PATHS, str(Path(__file__).parent)]\nPLUGINS = [*PLUGINS, 'myplugin']\n",
    )
    site.write(
        "templates/page.html",
        '{% extends "!theme/page.html" %}\n{% block title %}{{ page.title | shout }}'
        '{% include "nope.html" %}{% endblock %}\n',
    )
    site.write("templates/tag.html", "{% if %}\n")  # a syntax error is still one
    expected = [
        "templates/page.html:2: error: template 'nope.html' not found",  # looked up all the same
        "templates/tag.html:1: error: Expected an expression, got 'end of statement block'",
    ]
    assert site.check() == expected
    assert site.problems() == expected
    site.write(
        "templates/page.html",
        '{% extends "!theme/page.html" %}\n{% block title %}{{ page.title | shout }}{% endblock %}\n',
    )
    site.write("templates/tag.html", '{% extends "!theme/tag.html" %}\n')
    assert site.check() == []
    site.build()
