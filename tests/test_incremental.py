"""The incremental preview (chorus/incremental.py and chorus/serve.py): an edited post's page
is rewritten before the full build, and whatever the edits, the preview's output ends as a
clean build's, byte for byte.

The randomised sequence takes its seed from CHORUS_INCREMENTAL_SEED, or a fresh one; every
failure names it, so `CHORUS_INCREMENTAL_SEED=<seed> pytest tests/test_incremental.py`
replays the same sequence.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
from lxml import html as lxml_html

from chorus.build import OUTPUT_MARK, BuildFailed, build_site
from chorus.incremental import LastBuild, body_edits, fast_page, unwritten_edits
from chorus.serve import EVENTS_PATH
from conftest import NOW, Site, png_bytes, post, running_preview

WORDS = ["meter", "flow", "valve", "sensor", "drift", "pressure", "calibration", "tender", "quote", "pump"]
TAGS = ["flow meters", "calibration", "tenders", "pumps", "field work", "sensors"]
# Posts other posts link to: never renamed, deleted or made drafts, so every build succeeds.
ANCHORS = ["alice/anchor-one.md", "bob/anchor-two.md"]
# Pagefind's own index files differ between any two clean builds of the same sources
# (their bytes and hashed names); what they index is compared through the fragments.
PAGEFIND_VOLATILE = ("pagefind/filter/", "pagefind/index/", "pagefind/pagefind-entry.json")


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def a_post(rng: random.Random, title: str, link: bool = True, **fields: str) -> str:
    """A post with a summary, a date before NOW, some topics and maybe a link to an anchor."""
    body = words(rng, rng.randint(20, 80)).capitalize() + "."
    if link and rng.random() < 0.5:
        body += f"\n\nSee [[{rng.choice(ANCHORS).removesuffix('.md')}]]."
    fields.setdefault("summary", words(rng, 6).capitalize() + ".")
    fields.setdefault("tags", ", ".join(rng.sample(TAGS, rng.randint(0, 2))))
    if not fields["tags"]:
        del fields["tags"]
    date = f"2026-{rng.randint(1, 5):02d}-{rng.randint(1, 28):02d}"
    return post(title, date=date, body=body, **fields)


def comparable(output: Path) -> dict[str, bytes]:
    """Every file of an output by path, Pagefind's volatile files and the output's mark
    (.chorus-output names the folder it was built for) left out."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
        and not path.relative_to(output).as_posix().startswith(PAGEFIND_VOLATILE)
        and path.name != OUTPUT_MARK
        and not path.name.endswith(".pf_meta")
    }


def indexed(output: Path) -> tuple[list[str], int]:
    """What Pagefind indexed: its pages (URL, text, filters, metadata) and its page count."""
    fragments = []
    for path in (output / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        fragments.append(json.dumps(json.loads(data), sort_keys=True))
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    return sorted(fragments), entry["languages"]["en"]["page_count"]


def events(address: str, seconds: float = 120) -> Iterator[dict]:
    """The preview's states as they are sent, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    response = urllib.request.urlopen(address + EVENTS_PATH, timeout=seconds)
    for line in response:
        if line.startswith(b"data: "):
            yield json.loads(line[len(b"data: ") :])
        if time.monotonic() > deadline:
            raise AssertionError(f"the preview did not settle in {seconds} s")


class Preview:
    """A running `chorus serve` of a site, and a way to wait until it has settled."""

    def __init__(self, site: Site, address: str):
        self.site, self.address = site, address

    def change(self, operation: Callable[[], str]) -> tuple[str, list[dict]]:
        """Apply ``operation`` (it edits the sources and says what it did) and wait until the
        full build after it is in; return what it did and the states sent meanwhile."""
        stream = events(self.address)
        before = next(stream)
        assert not before["building"]
        described = operation()
        seen = []
        for state in stream:
            seen.append(state)
            if state["generation"] > before["generation"] and not state["building"]:
                return described, seen
        raise AssertionError("the event stream ended")


def clean_build(site: Site, address: str, where: Path) -> Path:
    """A clean build of the same sources with the preview's settings, in a fresh folder and
    with a fresh cache (so a render cache entry the fast path wrote cannot leak into it)."""
    shutil.rmtree(where, ignore_errors=True)
    build_site(
        site.root,
        output=where / "output",
        overrides={
            "CHORUS_NOW": NOW,
            "DEPARTMENT_FEEDS_FALLBACK_SITEURL": address,
            "CACHE_PATH": str(where / "cache"),
        },
    )
    return where / "output"


def assert_same_output(served: Path, clean: Path, context: str) -> None:
    got, expected = comparable(served), comparable(clean)
    assert sorted(got) == sorted(expected), f"{context}: files differ: {sorted(set(got) ^ set(expected))}"
    differing = [name for name in expected if got[name] != expected[name]]
    assert not differing, f"{context}: bytes differ in {differing[:10]}"
    assert indexed(served) == indexed(clean), f"{context}: the search index covers other pages"


@pytest.fixture
def network(tmp_path: Path) -> tuple[Site, random.Random, int]:
    seed = int(os.environ.get("CHORUS_INCREMENTAL_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed)
    site = Site(tmp_path / "site")
    site.write("content/alice/anchor-one.md", a_post(rng, "Anchor one", link=False))
    site.write("content/bob/anchor-two.md", a_post(rng, "Anchor two", link=False))
    for number in range(10):
        owner = rng.choice(["alice", "bob", "gina"])
        site.write(f"content/{owner}/post-{number}.md", a_post(rng, f"Post {number}"))
    for number in range(2):  # no summary of their own: Pelican makes one from the first words
        owner = rng.choice(["alice", "bob", "gina"])
        first = words(rng, 60).capitalize() + "."
        body = (
            f"{first}\n\n{words(rng, 20).capitalize()}.\n\nSee [[{rng.choice(ANCHORS).removesuffix('.md')}]]."
        )
        site.write(
            f"content/{owner}/long-{number}.md",
            post(f"Long {number}", date=f"2026-03-0{number + 1}", body=body),
        )
    return site, rng, seed


def posts_of(site: Site, *, anchors: bool) -> list[str]:
    found = sorted(
        p.relative_to(site.root / "content").as_posix() for p in (site.root / "content").rglob("*.md")
    )
    return [p for p in found if anchors or p not in ANCHORS]


@pytest.fixture
def reused_files(monkeypatch) -> list[int]:
    """How many pages each build of a running preview took from the build before it."""
    import chorus.serve

    counts: list[int] = []

    def counted(*args, **kwargs):
        result = build_site(*args, **kwargs)
        counts.append(result.reused_files)
        return result

    monkeypatch.setattr(chorus.serve, "build_site", counted)
    return counts


def test_a_random_sequence_of_edits_ends_as_a_clean_build(network, tmp_path, reused_files):
    site, rng, seed = network
    with running_preview(site) as address:
        preview = Preview(site, address)
        clean = clean_build(site, address, tmp_path / "clean")
        assert_same_output(site.output, clean, f"seed {seed}, first build")
        counter = iter(range(100, 1000))
        fast_pages = 0

        def edit_body(path: str) -> str:
            text = (site.root / "content" / path).read_text()
            header, _, _ = text.partition("\n\n")
            site.write(f"content/{path}", f"{header}\n\n{words(rng, rng.randint(10, 60)).capitalize()}.\n")
            return f"edit the body of {path}"

        def edit_header(path: str) -> str:
            text = (site.root / "content" / path).read_text()
            header, _, body = text.partition("\n\n")
            lines = header.splitlines()
            kind = rng.choice(["title", "tags", "date", "draft"])
            if kind == "title":
                lines = [f"Title: {words(rng, 3).title()}" if ln.startswith("Title:") else ln for ln in lines]
            elif kind == "tags":
                lines = [ln for ln in lines if not ln.startswith("Tags:")]
                lines.append(f"Tags: {', '.join(rng.sample(TAGS, rng.randint(1, 3)))}")
            elif kind == "date":
                lines = [
                    f"Date: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    if ln.startswith("Date:")
                    else ln
                    for ln in lines
                ]
            else:
                lines = [ln for ln in lines if not ln.startswith("Status:")] + ["Status: draft"]
            site.write(f"content/{path}", "\n".join(lines) + "\n\n" + body)
            return f"edit the header of {path} ({kind})"

        def add() -> str:
            path = f"{rng.choice(['alice', 'bob', 'gina'])}/new-{next(counter)}.md"
            site.write(f"content/{path}", a_post(rng, f"New {path}"))
            return f"add {path}"

        def rename(path: str) -> str:
            target = f"{path.split('/')[0]}/renamed-{next(counter)}.md"
            (site.root / "content" / path).rename(site.root / "content" / target)
            return f"rename {path} to {target}"

        def delete(path: str) -> str:
            site.remove(f"content/{path}")
            return f"delete {path}"

        def registry() -> str:
            author = rng.choice(["alice", "bob"])
            text = (site.root / "authors" / f"{author}.yml").read_text()
            title = words(rng, 2).title()
            lines = [f"title: {title}" if ln.startswith("title:") else ln for ln in text.splitlines()]
            site.write(f"authors/{author}.yml", "\n".join(lines) + "\n")
            return f"change {author}'s title to {title!r}"

        operations = ["body"] * 4 + ["header"] * 3 + ["add", "rename", "delete", "registry"]
        steps = [rng.choice(operations) for _ in range(10)] + ["anchor"]  # a published post's body, last
        for step_number, kind in enumerate(steps):
            movable = posts_of(site, anchors=False)
            if kind in ("body", "anchor"):
                pool = ANCHORS if kind == "anchor" else posts_of(site, anchors=True)
                action = partial(edit_body, rng.choice(pool))
            elif kind == "header":
                action = partial(edit_header, rng.choice(movable))
            elif kind == "rename" and movable:
                action = partial(rename, rng.choice(movable))
            elif kind == "delete" and movable:
                action = partial(delete, rng.choice(movable))
            else:
                action = add if kind == "add" else registry
            described, states = preview.change(action)
            context = f"seed {seed}, step {step_number}: {described}"
            assert all(s["problems"] == [] for s in states), f"{context}: {states}"
            fast_pages += any(s["fast"] or s["edited"] for s in states)
            clean = clean_build(site, address, tmp_path / "clean")
            assert_same_output(site.output, clean, context)
        assert fast_pages, f"seed {seed}: no body edit took the fast path or the body path"
        # The builds after changes of posts alone took most pages from the build before.
        assert max(reused_files) > 0, f"seed {seed}: no build took a page from the last: {reused_files}"


def kept_build(site: Site) -> LastBuild:
    """A build of ``site`` as `chorus serve` runs it, and what it keeps for the preview."""
    result = build_site(
        site.root,
        output=site.output,
        overrides={"CHORUS_NOW": NOW, "CACHE_PATH": str(site.root / "cache")},
        keep_generators=True,
    )
    last = LastBuild.of(result.generators, result.output)
    assert last is not None
    return last


@pytest.fixture
def last_build(site):
    """The tiny site with two posts, built, and what the build leaves to the fast path."""
    site.write("content/bob/other.md", post("Other", tags="tenders", body="See [[alice/hello]]."))

    return partial(kept_build, site)


def test_a_body_edit_gets_the_page_a_clean_build_writes(site, last_build):
    """Where nothing else of the network changes with it, the fast page is the build's page."""
    last = last_build()
    path = site.write(
        "content/bob/other.md", post("Other", tags="tenders", body="New *words* for [[alice/hello]].")
    )
    page = fast_page(last, path)
    assert page is not None
    save_as, data = page
    assert save_as == "posts/bob/other/index.html"
    assert b"New <em>words</em> for" in data
    last_build()
    assert (site.output / save_as).read_bytes() == data


def test_a_title_and_known_topic_get_a_fast_page(site, last_build):
    last = last_build()
    path = site.write("content/alice/hello.md", post("Hello, retitled", tags="tenders"))
    page = fast_page(last, path)
    assert page is not None
    html = lxml_html.fromstring(page[1])
    assert html.cssselect("h1")[0].text_content() == "Hello, retitled"
    assert html.cssselect('a[href="/topics/tenders/"]')


@pytest.mark.parametrize(
    "source",
    [
        post("Hello from service", date="2026-02-01"),  # a date moves it in every listing
        post("Hello from service", status="draft"),  # a draft's page goes away
        post("Hello from service", tags="a new topic"),  # its topic page does not exist yet
        post("Hello from service", body="See [[bob/nowhere]]."),  # the full build fails
        post("Hello from service", related="bob/other"),  # related posts are the network's
    ],
)
def test_edits_the_fast_path_cannot_bound_wait_for_the_full_build(site, last_build, source):
    last = last_build()
    assert fast_page(last, site.write("content/alice/hello.md", source)) is None


def test_new_files_and_pages_wait_for_the_full_build(site, last_build):
    last = last_build()
    assert fast_page(last, site.write("content/alice/brand-new.md", post("Brand new"))) is None
    assert fast_page(last, site.write("content/pages/about.md", post("About"))) is None
    assert fast_page(last, site.write("authors/bob.yml", "name: Bob\n")) is None


# -- body edits: every output an edit of a post's text reaches, rewritten without a build ----


def new_body(rng: random.Random, text: str) -> str:
    """The post ``text`` with new words in its body, its links kept (same targets, same
    order); a post without a summary keeps its first paragraph (its made summary)."""
    header, _, body = text.partition("\n\n")
    links = [line for line in body.splitlines() if "[[" in line]
    fresh = words(rng, rng.randint(20, 80)).capitalize() + "."
    if rng.random() < 0.5:
        fresh = f"## {words(rng, 2).title()}\n\n{fresh}\n\n```python\nprint('{words(rng, 1)}')\n```"
    kept = [] if "\nSummary:" in header else [body.split("\n\n")[0]]
    return "\n\n".join([header, *kept, fresh, *links]) + "\n"


def test_random_body_edits_rewrite_what_they_reach_as_a_clean_build_would(network, tmp_path):
    """Each edit goes through the body path alone (no build); after each, the output equals
    a clean build's, byte for byte: pages, related posts of other pages, feeds, search."""
    site, rng, seed = network
    last = kept_build(site)
    for step in range(6):
        pool = [
            p for p in posts_of(site, anchors=True) if p != "alice/hello.md"
        ]  # too short to keep its summary
        edited = rng.sample(pool, rng.choice([1, 1, 2]))
        paths = [
            site.write(f"content/{p}", new_body(rng, (site.root / "content" / p).read_text())) for p in edited
        ]
        context = f"seed {seed}, step {step}: the bodies of {edited}"
        written = body_edits(last, paths)
        assert written is not None, context
        assert any(name.endswith("index.html") for name in written), context
        clean = clean_build(site, "http://localhost:8000", tmp_path / "clean")
        assert_same_output(site.output, clean, context)


def other(body: str = "See [[alice/hello]].", title: str = "Other") -> str:
    return post(title, tags="tenders", summary="Pumps and more.", body=body)


def test_a_body_edit_rewrites_its_page_feeds_and_search(site, last_build):
    site.write("content/bob/other.md", other())
    last = last_build()
    before = (site.output / "feeds/network/atom.xml").read_bytes()
    path = site.write("content/bob/other.md", other("Pumps. See [[alice/hello]]."))
    written = body_edits(last, [path])
    assert written is not None
    assert "posts/bob/other/index.html" in written
    assert b"Pumps." in (site.output / "posts/bob/other/index.html").read_bytes()
    assert (site.output / "feeds/network/atom.xml").read_bytes() != before
    assert any(name.startswith("pagefind") for name in written)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (other(title="Retitled"), "a header field"),
        (other("No link any more."), "a link's target"),
        (other("See [[alice/hello]]. " + "word " * 900), "the reading time"),
    ],
)
def test_edits_that_reach_further_than_the_text_wait_for_the_full_build(site, last_build, source, why):
    site.write("content/bob/other.md", other())
    last = last_build()
    page = site.output / "posts/bob/other/index.html"
    before = page.read_bytes()
    assert body_edits(last, [site.write("content/bob/other.md", source)]) is None, why
    assert page.read_bytes() == before, f"{why}: written although the full build answers it"


def test_a_post_without_a_summary_takes_the_body_path_only_past_its_first_words(site, last_build, tmp_path):
    """Pelican makes a missing summary from the body's first words (SUMMARY_MAX_LENGTH, 50),
    and listings and feeds show it: an edit past them changes no summary and takes the
    body path, with the output of a clean build; an edit of the first words does not."""
    start = " ".join(["Meters"] * 60) + "."
    site.write("content/alice/hello.md", post("Hello", body=f"{start}\n\nThe end."))
    last = last_build()
    tail = site.write("content/alice/hello.md", post("Hello", body=f"{start}\n\nThe real end, with more."))
    assert body_edits(last, [tail]) is not None
    assert_same_output(
        site.output, clean_build(site, "http://localhost:8000", tmp_path / "clean"), "tail edit"
    )
    head = site.write(
        "content/alice/hello.md", post("Hello", body=f"Pumps. {start}\n\nThe real end, with more.")
    )
    assert body_edits(last, [head]) is None


def test_a_body_edit_the_output_gate_refuses_writes_nothing_and_changes_nothing_kept(site, last_build):
    """A code name split by emphasis passes the policy rule on the Markdown source but is
    in the page's text ('Project <em>Nightjar</em>'): the output gate refuses the edit,
    nothing is written, and the kept build is as it was (the fast path renders from it)."""
    site.write(
        "policy.yml",
        "rules:\n  - id: codename\n    severity: error\n    message: an internal code name\n"
        "    terms: [Project Nightjar]\n",
    )
    site.write("content/bob/other.md", other())
    last = last_build()
    page = site.output / "posts/bob/other/index.html"
    before = page.read_bytes()
    kept = last.articles["bob/other.md"]
    post_before, related_before = kept.post, kept.related
    source = other("Project *Nightjar*. See [[alice/hello]].")
    assert body_edits(last, [site.write("content/bob/other.md", source)]) is None
    assert page.read_bytes() == before
    assert kept.post is post_before and kept.related is related_before
    assert post_before in last.state.site.posts
    with pytest.raises(BuildFailed, match="code name"):
        last_build()


def test_a_body_edit_that_reorders_links_waits_for_the_full_build(site, last_build):
    """An author's profile lists who links to their posts in the order the links are written."""
    site.write("content/alice/second.md", other(title="Second"))
    site.write("content/bob/other.md", other("See [[alice/hello]] and [[alice/second]]."))
    last = last_build()
    edited = site.write("content/bob/other.md", other("See [[alice/second]] and [[alice/hello]]."))
    assert body_edits(last, [edited]) is None


def test_a_body_edit_a_rule_refuses_waits_for_the_full_build(site, last_build):
    """The rules the build runs on the sources run on the edit too: an image that loses its
    alt text (its target unchanged) stops the build, so the body path writes nothing."""
    site.write("content/bob/chart.png", png_bytes())
    site.write("content/bob/other.md", other("See [[alice/hello]].\n\n![Lead times by month](chart.png)"))
    last = last_build()
    page = site.output / "posts/bob/other/index.html"
    before = page.read_bytes()
    source = other("See [[alice/hello]].\n\n![](chart.png)")
    assert body_edits(last, [site.write("content/bob/other.md", source)]) is None
    assert page.read_bytes() == before
    with pytest.raises(BuildFailed, match="alt text"):
        last_build()


def test_a_body_edit_whose_search_bundle_left_the_cache_waits_for_the_full_build(site, last_build):
    """The body path replaces a search bundle by removing the files the cache says it has;
    with the cache gone (deleted meanwhile) those are unknown, so nothing is written."""
    site.write("content/bob/other.md", other())
    last = last_build()
    page = site.output / "posts/bob/other/index.html"
    before = page.read_bytes()
    shutil.rmtree(site.root / "cache" / "search")
    assert (
        body_edits(last, [site.write("content/bob/other.md", other("Pumps. See [[alice/hello]]."))]) is None
    )
    assert page.read_bytes() == before
    assert last.articles["bob/other.md"].post.body.startswith("See")


# -- unwritten posts: drafts and scheduled posts changed, nothing written ---------------------


def snapshot(output: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of an output with its modification time and bytes: what 'nothing written' means."""
    return {
        path.relative_to(output).as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def an_unwritten_post(rng: random.Random, title: str, owner: str) -> str:
    """A draft or a post scheduled after NOW that names what written posts name: an anchor,
    known and new topics, a related post, sometimes a link to another draft's folder."""
    fields = {"tags": ", ".join(rng.sample([*TAGS, "brand new topic"], rng.randint(1, 3)))}
    if rng.random() < 0.5:
        fields["status"] = "draft"
        date = f"2026-{rng.randint(1, 5):02d}-{rng.randint(1, 28):02d}"
    else:
        date = f"2026-{rng.randint(7, 12):02d}-{rng.randint(1, 28):02d}"  # after NOW: scheduled
    if rng.random() < 0.5:
        fields["related"] = rng.choice(ANCHORS).removesuffix(".md")
    body = f"{words(rng, rng.randint(10, 40)).capitalize()}.\n\nSee [[{rng.choice(ANCHORS).removesuffix('.md')}]]."
    if rng.random() < 0.3:
        body += f" And [[@{owner}]]."
    return post(title, date=date, body=body, summary=words(rng, 5).capitalize() + ".", **fields)


def test_random_changes_of_unwritten_posts_write_nothing_and_end_as_a_clean_build(network, tmp_path):
    """Drafts and scheduled posts added, edited, renamed and deleted go through the unwritten
    path alone: no build runs, no output file is touched, and the output still equals a
    clean build's of the changed sources. A body edit after them is still the build's."""
    site, rng, seed = network
    last = kept_build(site)
    unwritten: list[str] = []
    for step in range(8):
        action = rng.choice(["add", "add", "edit", "rename", "delete"]) if unwritten else "add"
        owner = rng.choice(["alice", "bob", "gina"])
        if action == "add":
            name = f"{owner}/idea-{step}.md"
            paths = [site.write(f"content/{name}", an_unwritten_post(rng, f"Idea {step}", owner))]
            unwritten.append(name)
        elif action == "edit":
            name = rng.choice(unwritten)
            owner = name.split("/")[0]
            paths = [site.write(f"content/{name}", an_unwritten_post(rng, f"Idea {step}", owner))]
        elif action == "rename":
            name = rng.choice(unwritten)
            renamed = f"{name.split('/')[0]}/renamed-{step}.md"
            (site.root / "content" / name).rename(site.root / "content" / renamed)
            paths = [site.root / "content" / name, site.root / "content" / renamed]
            unwritten[unwritten.index(name)] = renamed
        else:
            name = rng.choice(unwritten)
            (site.root / "content" / name).unlink()
            paths = [site.root / "content" / name]
            unwritten.remove(name)
        context = f"seed {seed}, step {step}: {action} {name}"
        before = snapshot(site.output)
        found = unwritten_edits(last, paths)
        assert found is not None, context
        last, checked = found
        assert checked == sorted(p.relative_to(site.root).as_posix() for p in paths), context
        assert snapshot(site.output) == before, f"{context}: an output file was written"
        assert {p.source for p in last.state.site.posts} >= set(unwritten), context
    clean = clean_build(site, "http://localhost:8000", tmp_path / "clean")
    assert_same_output(site.output, clean, f"seed {seed}: after the unwritten changes")
    edited = rng.choice(
        [p for p in posts_of(site, anchors=True) if p.startswith(("alice/post", "bob/post", "gina/post"))]
        or ANCHORS
    )
    path = site.write(f"content/{edited}", new_body(rng, (site.root / "content" / edited).read_text()))
    assert body_edits(last, [path]) is not None, f"seed {seed}: the body of {edited}"
    clean = clean_build(site, "http://localhost:8000", tmp_path / "clean")
    assert_same_output(site.output, clean, f"seed {seed}: a body edit after the unwritten changes")


@pytest.mark.parametrize(
    "change, why",
    [
        (
            lambda site: site.write(
                "content/bob/idea.md", post("Idea", status="draft", body="[[bob/nothing]]")
            ),
            "an error",
        ),
        (lambda site: site.write("content/bob/idea.md", post("Idea", summary="Now.")), "published"),
        (
            lambda site: site.write(
                "content/bob/idea.md",
                post("Idea", status="draft", body="\n".join("  " * depth + "- item" for depth in range(600))),
            ),
            "Markdown the build cannot render",
        ),
        (lambda site: site.write("content/bob/other.md", other(title="Retitled")), "a written post"),
        (lambda site: site.write("content/pages/about.md", post("About", status="draft")), "a page"),
        (lambda site: site.write("content/bob/chart.png", png_bytes()), "not a post"),
        (lambda site: site.write("authors/bob.yml", "name: Bob\n"), "the registry"),
    ],
)
def test_changes_the_unwritten_path_cannot_answer_wait_for_the_full_build(site, last_build, change, why):
    site.write("content/bob/other.md", other())
    site.write("content/bob/idea.md", post("Idea", status="draft", summary="Later."))
    last = last_build()
    before = snapshot(site.output)
    kept = last.state.site
    assert unwritten_edits(last, [change(site)]) is None, why
    assert snapshot(site.output) == before and last.state.site is kept, why


def test_a_draft_made_written_elsewhere_in_the_same_batch_waits_for_the_full_build(site, last_build):
    """The path compares the whole model: a published post changed on disk in the same
    moment (its event in a later batch) still sends the change to the full build."""
    site.write("content/bob/other.md", other())
    last = last_build()
    site.write("content/bob/other.md", other("Changed on disk. See [[alice/hello]]."))
    draft = site.write("content/bob/idea.md", post("Idea", status="draft", summary="Later."))
    assert unwritten_edits(last, [draft]) is None


def test_a_draft_saved_in_the_preview_is_checked_without_a_build(site):
    """`chorus serve` answers a draft's save from the kept build: no build runs and no page
    is written, and a draft the build would refuse still gets the full build's overlay."""
    site.write("content/bob/other.md", other())
    with running_preview(site) as address:
        preview = Preview(site, address)
        before = snapshot(site.output)
        _, states = preview.change(
            lambda: str(site.write("content/bob/idea.md", post("Idea", status="draft", summary="Later.")))
        )
        assert [(s["edited"], s["building"], s["problems"]) for s in states] == [(True, False, [])]
        assert snapshot(site.output) == before
        _, states = preview.change(
            lambda: str(
                site.write("content/bob/idea.md", post("Idea", status="draft", body="[[bob/nothing]]"))
            )
        )
        assert states[-1]["problems"] == [
            "content/bob/idea.md:5:1: error: unknown post '[[bob/nothing]]' (did you mean 'bob/other'?)"
        ]


def test_a_draft_translation_of_a_written_post_changes_no_output(site, last_build, tmp_path):
    """A translation in the works is unwritten too: the post it translates lists no
    language it does not have yet, so nothing is written and the output is a clean build's."""
    last = last_build()
    before = snapshot(site.output)
    draft = site.write(
        "content/alice/hello.de.md", post("Hallo aus dem Service", status="draft", summary="Bald.")
    )
    assert unwritten_edits(last, [draft]) is not None
    assert snapshot(site.output) == before
    clean = clean_build(site, "http://localhost:8000", tmp_path / "clean")
    assert_same_output(site.output, clean, "a draft translation added")


def test_a_post_due_since_the_kept_build_sends_every_change_to_the_full_build(site, last_build):
    """`chorus serve` builds as of the clock: once a scheduled post's moment (or an expiring
    post's) has passed since the kept build, a build publishes (or takes down) the post, so
    neither the unwritten path nor the body path may answer instead of it."""
    site.write("content/bob/other.md", other())
    site.write("content/bob/due.md", post("Due", date="2026-06-01 12:30", summary="Soon."))
    last = last_build()  # as of NOW, 2026-06-01 12:00: the post is scheduled
    draft = site.write("content/bob/idea.md", post("Idea", status="draft", summary="Later."))
    body = site.write("content/bob/other.md", other("Pumps. See [[alice/hello]]."))
    last.state.settings["CHORUS_NOW"] = "2026-06-01T12:20:00+00:00"  # the clock moves on: not due yet
    assert last.state.statuses_hold(last.state.site)
    last.state.settings["CHORUS_NOW"] = "2026-06-01T12:30:00+00:00"  # due
    assert unwritten_edits(last, [draft]) is None
    assert body_edits(last, [body]) is None


def test_a_draft_link_the_source_scan_missed_still_waits_for_the_full_build(site, last_build, monkeypatch):
    """The build points every rendered short link, drafts' too, and stops at one that goes
    nowhere even if the scan of the source missed it; so does the unwritten path."""
    site.write("content/bob/other.md", other())
    last = last_build()
    monkeypatch.setattr(
        "plugins.network.posts.scan_references", lambda *args, **kwargs: []
    )  # a scan that misses
    draft = site.write(
        "content/bob/idea.md", post("Idea", status="draft", summary="L.", body="See [[bob/nothing]].")
    )
    assert unwritten_edits(last, [draft]) is None
    draft = site.write(
        "content/bob/idea.md", post("Idea", status="draft", summary="L.", body="See [[bob/other]].")
    )
    assert unwritten_edits(last, [draft]) is not None


def test_a_body_edit_that_shows_a_new_file_waits_for_the_full_build(site, last_build):
    """The files published are those the rendered pages show: an image added in raw HTML
    over two lines needs publishing, which only a build does."""
    site.write("content/bob/chart.png", png_bytes())
    site.write("content/bob/other.md", other())
    last = last_build()
    edited = site.write(
        "content/bob/other.md", other('See [[alice/hello]].\n\n<img alt="Chart"\n  src="chart.png">')
    )
    assert body_edits(last, [edited]) is None
    last_build()
    assert (site.output / "media/bob/chart.png").is_file()
