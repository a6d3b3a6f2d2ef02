"""Limits, and no traceback or hang for any input: each hostile input is refused with
``path:line: error:``, by `chorus check` and the build alike, and a failed build leaves the
previous output as it was."""

from __future__ import annotations


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
