"""Limits, and no traceback or hang for any input: each hostile input is refused with
``path:line: error:``, by `chorus check` and the build alike, and a failed build leaves the
previous output as it was."""

from __future__ import annotations

import os
import time

import pytest

from chorus.build import BuildFailed
from conftest import DEPARTMENTS, post
from plugins.network import links
from plugins.network.errors import SourceError
from plugins.network.sourcefile import read_regular_bytes


def test_too_many_tags_are_refused_quickly(site):
    site.write("content/bob/x.md", post(Tags=", ".join(f"t{i}" for i in range(100_000))))
    started = time.monotonic()
    assert site.check() == [
        "content/bob/x.md:3: error: 100,000 tags; the limit is 20 (CHORUS_MAX_TAGS): keep the few that say what the post is about"
    ]
    assert time.monotonic() - started < 10


def test_a_long_tag_is_refused_before_it_becomes_a_file_name(site):
    site.write("content/bob/x.md", post(Tags="a" * 300))
    assert site.check() == [
        "content/bob/x.md:3: error: tag 'aaaaaaaaaaaaaaaaaaaa…' is 300 characters long; the limit is 60 (CHORUS_MAX_TAG_LENGTH)"
    ]


def test_a_tag_that_spells_out_too_long_is_refused(site):
    site.write("content/bob/x.md", post(Tags="中" * 50))
    assert site.check(CHORUS_MAX_TAG_LENGTH=60) == [
        "content/bob/x.md:3: error: tag '中中中中中中中中中中中中中中中中中中中中…' becomes a web address of 299 characters"
        " (topics/zhong-zhong-zhong-zh…/); the limit is 200: shorten it"
    ]


def test_limits_are_settings(site):
    site.write("content/bob/x.md", post(Tags="a, b, c"))
    assert site.check(CHORUS_MAX_TAGS=2) == [
        "content/bob/x.md:3: error: 3 tags; the limit is 2 (CHORUS_MAX_TAGS): keep the few that say what the post is about"
    ]
    assert site.check(CHORUS_MAX_TAGS=0) == [
        "pelicanconf.py: error: CHORUS_MAX_TAGS: expected a whole number of 1 or more (got 0)"
    ]


def test_deeply_nested_yaml_is_refused_without_recursion(site):
    site.write("authors/bob.yml", "name: " + "[" * 5000 + "]" * 5000 + "\n")
    assert site.check() == [
        "authors/bob.yml:1:26: error: lists and mappings are nested more than 20 levels deep here;"
        " registry files need only a few (look for a stray '[' or '{' or a wrong indentation)"
    ]


def test_registry_size_limit(site):
    site.write("authors/bob.yml", "bio: " + "x" * 70_000 + "\n")
    assert site.check() == ["authors/bob.yml: error: file is 70,006 bytes; the limit is 65,536 bytes"]
    within_limit = site.check(CHORUS_MAX_REGISTRY_BYTES=100_000)
    assert within_limit and all("missing required field" in line for line in within_limit)


@pytest.mark.parametrize(
    ("relative", "shown"),
    [
        ("content/bob/chart.png", "content/bob/chart.png"),
        ("content/bob/x.md", "content/bob/x.md"),
        ("authors/zed.yml", "authors/zed.yml"),
        ("departments.yml", "departments.yml"),
    ],
)
def test_a_named_pipe_never_hangs_check_or_build(site, relative, shown):
    (site.root / relative).parent.mkdir(parents=True, exist_ok=True)
    if (site.root / relative).exists():
        site.remove(relative)
    os.mkfifo(site.root / relative)
    expected = [
        f"{shown}: error: this is a named pipe, not an ordinary file; only ordinary files can be published or read"
    ]
    assert site.check() == expected
    assert site.problems() == expected


def test_a_post_directly_in_content(site):
    site.write("content/x.md", post())
    assert site.check() == [
        "content/x.md: error: a post must be in its author's folder: move it to content/<author-id>/x.md"
    ]
    site.write("content/x.md", post(Author="bob"))
    assert site.check() == [
        "content/x.md:3: error: a post must be in its author's folder: move it to content/bob/x.md"
    ]


@pytest.mark.parametrize("char", ["\uffff", "\ufffe", "\ufdd0", "\U0001ffff"])
def test_noncharacters_are_refused_with_line_and_column(site, char):
    site.write("content/bob/x.md", post(title=f"Bad {char} title"))
    assert site.check() == [
        f"content/bob/x.md:1:12: error: U+{ord(char):04X} is a noncharacter, not text; delete it"
    ]


@pytest.mark.parametrize(
    "start, unfinished",
    [
        ("", "[a]("),
        ("", "[a](<"),
        ("", "[a](x "),
        ("", "[a](x("),
        ("", '"\n[a]("\n'),
        ("", "<a href=x "),
        ("<a ", "href=x "),  # one tag of many attributes
        ("[a]: ", '"'),  # one definition's line of quotes
        ("", "`"),
        ("", "~~~x\n"),
        ("", "```\n"),
        ("", "<!--"),
        ("", "<!--\n\n"),
        ("", "[a\n# b](x.md)\n"),
        ("", "- [a](x.md)\n\n    [a](x.md)\n"),  # indented: asked of Python-Markdown's block parser
        ("", "> > [a]: x.md\n"),  # definitions the block parser is asked about, each line counted once
    ],
)
def test_a_post_of_unfinished_links_is_checked_without_backtracking(site, start, unfinished):
    """The scan of a source never reads the same text again for each place a link, a code
    span or a fenced block could start: a 400 KB post of them, never closed, is read once,
    where a backtracking scan would take hours (chorus check renders nothing, so the build's
    limit on rendering time does not guard it)."""
    body = start + unfinished * (400_000 // len(unfinished)) + "\n\nSee [[bob/nothing]]."
    site.write("content/bob/x.md", post(body=body))
    assert site.check()[-1].endswith(": error: unknown post '[[bob/nothing]]'")  # read to the end


@pytest.mark.parametrize(
    "block",
    [
        "    [a](missing.md)\n\n",  # one long code block: Python-Markdown joins it in quadratic time
        "- a\n\n        [a](missing.md)\n\n",
        "    [g]: missing.md\n\n",  # a definition in code, asked about as one in a list item is
    ],
)
def test_a_post_of_indented_code_is_checked_to_its_end(site, block):
    """Python-Markdown's block parser says which indented lines are code: on 400 KB of
    them it answers, and none of their links is reported."""
    body = block * (400_000 // len(block)) + "\n\nSee [[bob/nothing]].\n"
    site.write("content/bob/x.md", post(body="Intro.") + "\n" + body)  # post() would dedent it
    assert [line.split(": ", 1)[1] for line in site.check()] == ["error: unknown post '[[bob/nothing]]'"]


def test_the_definition_pattern_taken_from_python_markdown_is_made_possessive():
    """Python-Markdown's own pattern, with its URL made possessive; a release that writes
    the pattern otherwise must be looked at again, not silently scanned in quadratic time."""
    assert r"([^\s]++)" in links._DEFINITION.pattern


HOSTILE = {
    "long tag": {"content/bob/x.md": post(Tags="a" * 300)},
    "many tags": {"content/bob/x.md": post(Tags=",".join(f"t{i}" for i in range(100_000)))},
    "noncharacter": {"content/bob/x.md": post(title="Bad \uffff title")},
    "deep YAML": {"authors/bob.yml": "name: " + "[" * 5000 + "]" * 5000 + "\n"},
    "post in content/": {"content/x.md": post()},
    "HTML named .pdf": {"content/bob/doc.pdf": b"<html><script>alert(1)</script></html>"},
    "empty departments": {"departments.yml": ""},
}


def test_every_hostile_input_fails_cleanly_and_leaves_the_previous_output(site):
    output = site.build()
    before = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    for name, files in HOSTILE.items():
        for relative, content in files.items():
            site.write(relative, content)
        with pytest.raises(BuildFailed) as failed:
            site.build()
        assert failed.value.problems and all(": error: " in str(p) for p in failed.value.problems), name
        for relative in files:
            site.remove(relative)
        if "departments.yml" in files:
            site.write("departments.yml", DEPARTMENTS)
    after = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in site.root.iterdir() if p.name.startswith(".output-")]


def test_a_file_is_read_whole_and_to_its_limit(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(bytes(range(256)) * 1000)  # more than one read's worth
    assert read_regular_bytes(big, "big.md", 256_000) == big.read_bytes()
    with pytest.raises(SourceError, match="file is 256,000 bytes; the limit is 255,999 bytes"):
        read_regular_bytes(big, "big.md", 255_999)


def test_a_file_that_grows_after_its_size_is_checked_is_refused(tmp_path, monkeypatch):
    grown = tmp_path / "grown.md"
    grown.write_bytes(b"x" * 100_000)
    real_fstat = os.fstat

    def stat_before_it_grew(fd):  # what fstat said an instant before a writer appended
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    monkeypatch.setattr(os, "fstat", stat_before_it_grew)
    with pytest.raises(SourceError, match="file is larger than the limit of 50,000 bytes"):
        read_regular_bytes(grown, "grown.md", 50_000)
    assert read_regular_bytes(grown, "grown.md", 100_000) == grown.read_bytes()
