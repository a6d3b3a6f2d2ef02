"""The cache of what reading a source finds (``cache/sources/``): a run that reuses it reads
the same site as a run without it, and never hides a change or a problem."""

from __future__ import annotations

import json

from conftest import load_model, post
from plugins.network.model import RefForm

# Everything the cache holds, and some it must not: CRLF line ends, a BOM, a summary with a
# link (its column counts 'Summary: '), short links, fenced code, a decomposed 'é' (NFC).
SOURCES = {
    "content/bob/deal.md": post(
        "The deal",
        Tags="tenders, Flow meters",
        Summary="See [[alice/pumps]] first.",
        body="Intro [pumps](../alice/pumps.md) and ![chart](chart.png).\n\n```\n[[not-a-link]]\n```\n",
    ),
    "content/alice/pumps.md": "\ufeff"
    + post("Pumps", body="Cafe\u0301 and [[bob/deal]].").replace("\n", "\r\n"),
    "content/pages/about.md": "Title: About\n\nHi [[@alice]].\n",
}


def _everything(model):
    return (model.posts, model.pages, model.unreadable)


def _cache_files(site):
    return list((site.root / "cache" / "sources").glob("*.json"))


def test_a_run_with_the_cache_reads_what_a_run_without_it_reads(site):
    for path, text in SOURCES.items():
        site.write(path, text)
    site.write("content/bob/chart.png", b"x")
    first = load_model(site)
    assert len(_cache_files(site)) == 1
    second = load_model(site)
    assert _everything(second) == _everything(first)
    deal = second.posts_by_source["bob/deal.md"]
    assert [(r.form, r.target, r.line, r.col) for r in deal.references][:2] == [
        (RefForm.SHORT, "alice/pumps", 4, 14),
        (RefForm.RELATIVE, "../alice/pumps.md", 6, 7),
    ]
    assert second.posts_by_source["alice/pumps.md"].body == "Caf\u00e9 and [[bob/deal]].\n"


def test_an_edited_source_is_read_again(site):
    site.write("content/bob/deal.md", post("The deal", body="No links."))
    load_model(site)
    site.write("content/bob/deal.md", post("The new deal", body="Now [[alice]] and more."))
    deal = load_model(site).posts_by_source["bob/deal.md"]
    assert deal.title == "The new deal" and deal.body == "Now [[alice]] and more.\n"
    assert [r.target for r in deal.references] == ["alice"]


def test_problems_are_reported_on_every_run(site):
    site.write("content/bob/twice.md", "Title: A\nTitle: B\nDate: 2026-01-01\n\nx\n")
    site.write("content/bob/bad-date.md", "Title: T\nDate: soon\n\nx\n")
    first = [str(p) for p in load_model(site).unreadable]
    assert len(first) == 2
    assert [str(p) for p in load_model(site).unreadable] == first


def test_the_moment_and_the_settings_are_applied_on_every_run(site):
    """The cache keeps what the bytes say; what depends on the run is computed again."""
    site.write("content/bob/x.md", post(date="2026-06-01 13:30", Tags="a, b, c"))
    load_model(site)
    berlin = load_model(site, TIMEZONE="Europe/Berlin", CHORUS_NOW="2026-06-01T12:00:00+00:00")
    utc = load_model(site, TIMEZONE="UTC", CHORUS_NOW="2026-06-01T12:00:00+00:00")
    assert berlin.posts_by_source["bob/x.md"].status.value == "published"
    assert utc.posts_by_source["bob/x.md"].status.value == "scheduled"
    limited = load_model(site, CHORUS_MAX_TAGS=2)
    assert "bob/x.md" not in limited.posts_by_source and "tags" in str(limited.unreadable[0])


def test_a_damaged_or_foreign_cache_is_ignored(site):
    site.write("content/bob/deal.md", post("The deal", body="See [[alice]]."))
    expected = _everything(load_model(site))
    (cache_file,) = _cache_files(site)
    entry = json.loads(cache_file.read_text())["bob/deal.md"]
    for damaged in (
        "not json",
        "[]",
        json.dumps({"bob/deal.md": {**entry, "references": [["no-such-form", "x", 1, 1, False, None]]}}),
        json.dumps({"bob/deal.md": {**entry, "body_at": 10**9}}),
        json.dumps({"bob/deal.md": {**entry, "fields": "title"}}),
        json.dumps({"bob/deal.md": {**entry, "body_line": float("inf")}}),
        json.dumps({"bob/deal.md": {**entry, "references": [["short", "alice", 1, 1, False, ["x"]]]}}),
        "[" * 100_000 + "]" * 100_000,
    ):
        cache_file.write_text(damaged)
        assert _everything(load_model(site)) == expected, damaged


def test_a_deleted_source_leaves_the_cache(site):
    site.write("content/bob/a.md", post("A"))
    site.write("content/bob/b.md", post("B"))
    load_model(site)
    (site.root / "content/bob/b.md").unlink()
    load_model(site)
    (cache_file,) = _cache_files(site)
    assert "bob/b.md" not in json.loads(cache_file.read_text())


def test_the_cache_never_vouches_for_bytes_the_checks_refuse(site):
    """A planted entry for bytes that hold a bidi override or are not UTF-8 is no pass."""
    from plugins.network.sourcecache import SourceCache

    site.write("content/bob/deal.md", post("The deal", body="Plain."))
    load_model(site)
    (cache_file,) = _cache_files(site)
    entries = json.loads(cache_file.read_text())
    planted = {
        "bob/trojan.md": post("Trojan", body="Looks \u202e fine.").encode(),
        "bob/latin.md": post("Latin", body="Caf\u00e9").encode("latin-1"),
    }
    for relative, data in planted.items():
        site.write(f"content/{relative}", data)
        entries[relative] = {**entries["bob/deal.md"], "digest": SourceCache.digest(data)}
    cache_file.write_text(json.dumps(entries))
    problems = [str(p) for p in load_model(site).unreadable]
    assert any("content/bob/trojan.md:4:7" in p and "U+202E" in p for p in problems), problems
    assert any("content/bob/latin.md:4:4" in p and "not UTF-8" in p for p in problems), problems
