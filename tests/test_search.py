"""The search index holds published posts, profiles and departments — nothing unpublished."""

from __future__ import annotations

import gzip
import json
import os
import time

from conftest import post


def indexed_pages(output) -> dict[str, dict]:
    """Pagefind's fragments, read back: one JSON record per indexed page."""
    pages = {}
    for fragment in (output / "pagefind/fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd") :])
        pages[record["url"]] = record
    return pages


def test_index_has_published_posts_with_filters_and_nothing_else(site):
    site.write("content/gina/guest.md", post("Guest view", Co_Authors="alice", body="PUBLISHED-PHRASE"))
    site.write("content/bob/draft.md", post("Draft", Status="draft", body="DRAFT-PHRASE"))
    site.write("content/bob/future.md", post("Future", date="2027-01-01", body="FUTURE-PHRASE"))
    site.write("content/bob/hidden.md", post("Hidden", Status="hidden", body="HIDDEN-PHRASE"))
    output = site.build()
    pages = indexed_pages(output)
    everything = json.dumps(pages)
    for phrase in ("DRAFT-PHRASE", "FUTURE-PHRASE", "HIDDEN-PHRASE"):
        assert phrase not in everything
    record = pages["/posts/gina/guest/"]
    assert "PUBLISHED-PHRASE" in record["content"]
    assert record["filters"]["department"] == ["Service"]
    assert sorted(record["filters"]["author"]) == ["Alice Field", "Gina Guest"]
    assert sorted(record["filters"]["kind"]) == ["expert", "guest"]
    assert record["meta"]["author"] == "Gina Guest, Alice Field"
    # listings are not indexed; department pages are
    assert "/" not in pages and "/archives/" not in pages and "/topics/" not in pages
    assert "/departments/service/" in pages
    profile = pages["/authors/gina/"]
    assert profile["filters"]["kind"] == ["guest"] and "Gina studies sensor drift." in profile["content"]


def test_search_page_and_header_form(site):
    site.build()
    page = site.page("search/index.html")
    container = page.cssselect("#search")[0]
    assert container.get("data-bundle") == "/pagefind/" and container.get("data-base-url") == "/"
    assert page.cssselect('script[src="/pagefind/pagefind-ui.js"]')
    form = site.page("index.html").cssselect("form[role=search]")[0]
    assert form.get("action") == "/search/" and form.cssselect("input[name=q]")


def test_search_from_a_sub_path(site):
    site.build(SITEURL="https://hub.example/voices")
    container = site.page("search/index.html").cssselect("#search")[0]
    assert container.get("data-bundle") == "https://hub.example/voices/pagefind/"
    assert container.get("data-base-url") == "/voices/"


def test_a_result_excerpt_starts_with_the_post_not_its_title_and_date(site):
    site.write(
        "content/bob/deal.md",
        post("Winning tenders", date="2026-02-01", body="Tenders start with listening."),
    )
    output = site.build()
    record = indexed_pages(output)["/posts/bob/deal/"]
    assert record["content"].startswith("Tenders start with listening."), record["content"][:120]
    assert "2026" not in record["content"] and "Bob Quote" not in record["content"]
    assert record["meta"]["title"] == "Winning tenders"
    assert record["filters"]["author"] == ["Bob Quote"]  # the hidden filters still count


def _all_records(output) -> dict[str, str]:
    """Every bundle's pages (the first bundle and its part-N bundles): url -> indexed text."""
    records = {}
    for fragments in (output / "pagefind").glob("**/fragment"):
        for fragment in fragments.iterdir():
            record = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd") :])
            records[record["url"]] = record["content"]
    return records


def test_a_batch_whose_pages_are_unchanged_is_copied_from_the_cache_not_indexed(site, monkeypatch):
    from plugins.site_search import plugin

    for number in range(5):
        site.write(f"content/bob/p{number}.md", post(f"Post {number}", body=f"Phrase{number} here."))
    indexed: list[list[str]] = []
    real_index = plugin._index

    async def counting(output, pages, bundle):
        indexed.append(list(pages))
        await real_index(output, pages, bundle)

    monkeypatch.setattr(plugin, "_index", counting)

    def build() -> dict[str, bytes]:
        output = site.build(SITE_SEARCH_BATCH_PAGES=3)
        return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*.html")}

    first = build()
    all_batches = list(indexed)
    assert len(all_batches) >= 3
    records = _all_records(site.output)
    assert "Phrase4 here." in records["/posts/bob/p4/"]

    indexed.clear()
    assert build() == first
    assert indexed == []  # every batch came from the cache
    assert _all_records(site.output) == records

    site.write("content/bob/p4.md", post("Post 4", body="Another sentence entirely."))
    second = build()
    changed = {page for page in first if second.get(page) != first[page]}
    assert "posts/bob/p4/index.html" in changed
    # Exactly the batches holding a page whose bytes changed were indexed again.
    assert indexed == [batch for batch in all_batches if set(batch) & changed]
    assert len(indexed) < len(all_batches)
    after = _all_records(site.output)
    assert "Another sentence entirely." in after["/posts/bob/p4/"] and "Phrase4" not in json.dumps(after)
    # Bundles no build has used for a day go; the ones a build uses are kept.
    cache = site.root / "cache/search"
    assert len(list(cache.iterdir())) == len(all_batches) + len(indexed)
    long_ago = time.time() - 2 * 24 * 3600
    for entry in cache.iterdir():
        os.utime(entry, (long_ago, long_ago))
    indexed.clear()
    assert build() == second and indexed == []
    assert len(list(cache.iterdir())) == len(all_batches)


def test_a_search_bundle_in_a_folder_shared_with_pages_caches_only_what_pagefind_wrote(site):
    """A cached bundle never carries a stale copy of a page that shares its folder."""
    site.write("content/bob/p.md", post("Post", body="Words."))
    output = site.build(SITE_SEARCH_BUNDLE_DIR="search")
    assert (output / "search/pagefind.js").is_file() and (output / "search/index.html").is_file()
    for bundle in (site.root / "cache/search").iterdir():
        assert not (bundle / "index.html").exists()
