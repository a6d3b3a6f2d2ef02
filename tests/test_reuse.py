"""A preview build takes the pages no change reaches from the last build (plugins/network/reuse.py).

The randomised sequence takes its seed from CHORUS_REUSE_SEED, or a fresh one; every failure
names it, so `CHORUS_REUSE_SEED=<seed> pytest tests/test_reuse.py` replays the same sequence.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican.contents import Article
from pelican.writers import Writer
from test_incremental import TAGS, comparable, words

from chorus.build import BuildResult, build_site
from chorus.incremental import LastBuild, write_if_changed
from chorus.serve import only_posts
from conftest import NOW, Site, post
from plugins.network.reuse import PageWriter, PreviousPages, Unchanged, Written, edited_posts, shown_posts

# Every build here: the preview's settings, search left out (it indexes whatever the pages are).
SETTINGS = {"CHORUS_NOW": NOW, "SITE_SEARCH_ENABLED": False}
# Posts the others link and pin as related: edited, never removed, so every build succeeds.
ANCHORS = ["alice/anchor-one.md", "bob/anchor-two.md"]


def preview_build(site: Site, last: LastBuild | None = None, **settings) -> tuple[BuildResult, LastBuild]:
    result = build_site(
        site.root,
        output=site.output,
        keep_generators=True,
        reuse=last.previous_pages() if last is not None else None,
        overrides={**SETTINGS, "CACHE_PATH": str(site.root / "cache"), **settings},
    )
    kept = LastBuild.of(result.generators, result.output)
    assert kept is not None
    return result, kept


def assert_same_output(served: Path, clean: Path, context: str) -> None:
    got, expected = comparable(served), comparable(clean)
    assert sorted(got) == sorted(expected), f"{context}: files differ: {sorted(set(got) ^ set(expected))}"
    differing = [name for name in expected if got[name] != expected[name]]
    assert not differing, f"{context}: bytes differ in {differing[:10]}"


def clean_build(site: Site, where: Path, **settings) -> Path:
    shutil.rmtree(where / "output", ignore_errors=True)
    overrides = {**SETTINGS, "CACHE_PATH": str(where / "cache"), **settings}
    build_site(site.root, output=where / "output", overrides=overrides)
    return where / "output"


def a_post(rng: random.Random, title: str, **fields: str) -> str:
    body = words(rng, rng.randint(20, 60)).capitalize() + "."
    if rng.random() < 0.5:  # a short link shows its target's title: first, in the summary made of it
        link = f"See [[{rng.choice(ANCHORS).removesuffix('.md')}]]."
        body = f"{link}\n\n{body}" if rng.random() < 0.5 else f"{body}\n\n{link}"
    if rng.random() < 0.6:  # or Pelican makes it from the body's first words
        fields.setdefault("summary", words(rng, 6).capitalize() + ".")
    fields.setdefault("tags", ", ".join(rng.sample(TAGS, rng.randint(1, 2))))
    return post(title, date=f"2026-{rng.randint(1, 5):02d}-{rng.randint(1, 28):02d}", body=body, **fields)


def test_a_random_sequence_of_changes_of_posts_ends_as_a_clean_build(tmp_path):
    seed = int(os.environ.get("CHORUS_REUSE_SEED") or random.SystemRandom().randrange(10**6))
    rng = random.Random(seed)
    site = Site(tmp_path / "site")
    site.remove("content/alice/hello.md")
    site.write("content/alice/anchor-one.md", a_post(rng, "Anchor one"))
    site.write("content/bob/anchor-two.md", a_post(rng, "Anchor two"))
    for number in range(12):
        owner = rng.choice(["alice", "bob", "gina"])
        site.write(f"content/{owner}/post-{number}.md", a_post(rng, f"Post {number}"))
    _, last = preview_build(site)
    counter = iter(range(100, 1000))

    def posts(anchors: bool) -> list[str]:
        found = sorted(
            p.relative_to(site.root / "content").as_posix() for p in site.root.glob("content/*/*.md")
        )
        return [p for p in found if (anchors or p not in ANCHORS) and ".de." not in p]

    def header(path: str, name: str, value: str | None) -> None:
        text = (site.root / "content" / path).read_text()
        head, _, body = text.partition("\n\n")
        lines = [line for line in head.splitlines() if not line.startswith(f"{name}:")]
        if value is not None:
            lines.append(f"{name}: {value}")
        site.write(f"content/{path}", "\n".join(lines) + "\n\n" + body)

    def change() -> str:
        kind = rng.choice(
            ["title", "title", "tags", "tags", "date", "summary", "body", "related", "series", "draft"]
            + ["add", "delete", "rename", "translate"]
        )
        path = rng.choice(posts(anchors=False))
        if kind in ("title", "tags", "date", "summary", "body") and rng.random() < 0.4:
            path = rng.choice(ANCHORS)  # what other posts show of their links and related posts
        if kind == "title":
            header(path, "Title", words(rng, 3).title())
        elif kind == "tags":
            header(
                path,
                "Tags",
                ", ".join(rng.sample([*TAGS, f"new topic {next(counter)}"], rng.randint(0, 3))) or None,
            )
        elif kind == "date":
            header(path, "Date", f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        elif kind == "summary":
            header(path, "Summary", words(rng, 5).capitalize() + ".")
        elif kind == "body":
            text = (site.root / "content" / path).read_text()
            site.write(
                f"content/{path}", text.partition("\n\n")[0] + "\n\n" + words(rng, 30).capitalize() + ".\n"
            )
        elif kind == "related":
            header(path, "Related", rng.choice(ANCHORS).removesuffix(".md"))
        elif kind == "series":
            header(path, "Series", rng.choice(["Field notes", "Tenders"]))
        elif kind == "draft":
            draft = "Status: draft" in (site.root / "content" / path).read_text()
            header(path, "Status", None if draft else "draft")
        elif kind == "add":
            path = f"{rng.choice(['alice', 'bob', 'gina'])}/new-{next(counter)}.md"
            site.write(f"content/{path}", a_post(rng, f"New {next(counter)}"))
        elif kind == "translate":  # a German version of an anchor, added or taken away
            path = rng.choice(ANCHORS).replace(".md", ".de.md")
            if (site.root / "content" / path).exists():
                site.remove(f"content/{path}")
            else:
                site.write(f"content/{path}", a_post(rng, f"Übersetzung {next(counter)}"))
        elif kind == "delete":
            site.remove(f"content/{path}")
        else:
            target = f"{path.split('/')[0]}/renamed-{next(counter)}.md"
            (site.root / "content" / path).rename(site.root / "content" / target)
            path = f"{path} to {target}"
        return f"{kind} {path}"

    reused = []
    for step in range(14):
        described = change()
        result, last = preview_build(site, last)
        reused.append(result.reused_files)
        assert_same_output(
            site.output, clean_build(site, tmp_path / "clean"), f"seed {seed}, step {step}: {described}"
        )
    assert max(reused) > 0, f"seed {seed}: no build took a page from the last: {reused}"


def test_a_title_edit_renders_what_shows_the_post_and_takes_the_rest(tmp_path):
    site = Site(tmp_path / "site")
    site.write("content/alice/linked.md", post("Linked", date="2026-01-02", tags="pumps"))
    site.write("content/bob/linking.md", post("Linking", date="2026-01-03", body="See [[alice/linked]]."))
    site.write("content/gina/apart.md", post("Apart", date="2026-01-04", tags="valves"))
    first, last = preview_build(site)
    assert first.reused_files == 0
    valves = (site.output / "topics/valves/index.html").stat().st_ino
    valves_feed = (site.output / "feeds/topics/valves/atom.xml").stat().st_ino
    site.write("content/alice/linked.md", post("Linked, renamed", date="2026-01-02", tags="pumps"))
    result, _ = preview_build(site, last)
    linking = (site.output / "posts/bob/linking/index.html").read_text()
    assert "Linked, renamed" in linking  # its short link shows the new title
    assert "Linked, renamed" in (site.output / "topics/pumps/index.html").read_text()
    # The other post's topic page and feed were taken, not rendered: the same files.
    assert (site.output / "topics/valves/index.html").stat().st_ino == valves
    assert (site.output / "feeds/topics/valves/atom.xml").stat().st_ino == valves_feed
    assert result.reused_files >= 1
    assert_same_output(site.output, clean_build(site, tmp_path / "clean"), "title edit")


def test_a_new_translation_renders_the_page_of_the_post_it_translates(tmp_path):
    """With no related posts, nothing but the translation's versions tells the original's
    page it changed: its hreflang links and its language switcher."""
    site = Site(tmp_path / "site")  # alice/hello.md, 2026-01-10
    site.write("content/alice/older.md", post("Older", date="2025-12-01"))
    site.write("content/bob/other.md", post("Other", date="2026-01-03"))
    site.write("content/bob/other.de.md", post("Andere", date="2026-01-03"))  # German is known
    _, last = preview_build(site, CROSSLINKS_RELATED_COUNT=0)
    # The oldest post: the neighbour of 'older', not of 'hello'.
    site.write("content/alice/hello.de.md", post("Hallo", date="2025-06-01"))
    preview_build(site, last, CROSSLINKS_RELATED_COUNT=0)
    assert 'hreflang="de"' in (site.output / "posts/alice/hello/index.html").read_text()
    clean = clean_build(site, tmp_path / "clean", CROSSLINKS_RELATED_COUNT=0)
    assert_same_output(site.output, clean, "a new translation")


def test_a_change_beyond_posts_takes_no_page(tmp_path):
    site = Site(tmp_path / "site")
    site.write("content/bob/other.md", post("Other", date="2026-01-03"))
    _, last = preview_build(site)
    site.write(
        "authors/bob.yml", (site.root / "authors/bob.yml").read_text().replace("title:", "title: New", 1)
    )
    result, last = preview_build(site, last)
    assert result.reused_files == 0
    site.write("content/pages/about.md", "Title: About\n\nAbout us.\n")
    result, _ = preview_build(site, last)
    assert result.reused_files == 0


def test_only_changes_of_posts_let_the_preview_take_pages(tmp_path):
    site = Site(tmp_path / "site")
    _, last = preview_build(site)
    content = site.root / "content"
    assert only_posts({content / "alice/hello.md", content / "bob/gone.md"}, last)
    assert only_posts(set(), last)
    assert not only_posts({content / "pages/about.md"}, last)
    assert not only_posts({content / "alice/photo.png"}, last)
    assert not only_posts({site.root / "theme/templates/article.html"}, last)
    assert not only_posts({site.root / "pelicanconf.py"}, last)


def article(source: str, **attributes) -> Article:
    found = Article("", metadata={"title": source}, source_path=f"/content/{source}")
    found.relative_source_path = source
    for name, value in attributes.items():
        setattr(found, name, value)
    return found


def test_a_page_shows_every_post_its_attributes_hold():
    one, two, three = article("a/one.md"), article("a/two.md"), article("b/three.md")
    box = SimpleNamespace(name="Series", posts=[one, two])
    backlink = SimpleNamespace(post=three, targets=[])
    page = article("a/page.md", related=[two, one], prev_by_author=one, series_box=box, backlinks=[backlink])
    assert dict(shown_posts(page)) == {
        "related": ("a/two.md", "a/one.md"),
        "prev_by_author": ("a/one.md",),
        "series_box": ("a/one.md", "a/two.md"),
        "backlinks": ("b/three.md",),
    }
    # Deeper than one object down is not what the page shows of other posts.
    page.category = SimpleNamespace(hub=SimpleNamespace(latest=[three]))
    assert "category" not in dict(shown_posts(page))


def test_edited_posts_are_the_posts_that_differ_and_nothing_else(tmp_path):
    site = Site(tmp_path / "site")
    site.write("content/bob/other.md", post("Other", date="2026-01-03"))
    result, last = preview_build(site)
    old = last.state.site
    hello = old.posts_by_source["alice/hello.md"]
    renamed = replace(hello, title="Renamed")
    added = replace(hello, source="alice/added.md")
    new = replace(old, posts=(renamed, added))
    assert edited_posts(old, new) == {"alice/hello.md", "alice/added.md", "bob/other.md"}
    assert edited_posts(old, old) == set()
    assert edited_posts(old, replace(new, pages=())) is not None
    assert edited_posts(old, replace(old, network=replace(old.network, departments={}))) is None


def kept_files(kept: Path, *names: str) -> Written:
    """A record of files the last build wrote in ``kept``, as the build records them."""
    return Written(names, None, ("a.md",)).written_in(str(kept))


def test_a_page_rendered_where_a_link_stood_leaves_the_kept_file_alone(tmp_path):
    kept, staging = tmp_path / "kept", tmp_path / "staging"
    kept.mkdir()
    staging.mkdir()
    (kept / "page.html").write_text("kept")
    writer = Writer(str(staging), settings={"RELATIVE_URLS": False})
    record = kept_files(kept, "page.html")
    previous = PreviousPages(kept, None, {}, {"page.html": record}, {}, {}, {}, ())
    pages = PageWriter(writer, Unchanged(previous, set(), {}, ()))
    assert pages._take("page.html", None, ("a.md",), None)
    assert (staging / "page.html").stat().st_ino == (kept / "page.html").stat().st_ino
    with pages, writer._open_w(str(staging / "page.html"), "utf-8", override=True) as written:
        written.write("new")
    assert (kept / "page.html").read_text() == "kept"
    assert (staging / "page.html").read_text() == "new"


@pytest.mark.parametrize("change", ["gone", "replaced", None])
def test_a_page_whose_kept_file_is_gone_or_replaced_is_rendered(tmp_path, change):
    kept, staging = tmp_path / "kept", tmp_path / "staging"
    (kept / "topics").mkdir(parents=True)
    staging.mkdir()
    (kept / "topics/one.html").write_text("1")
    (kept / "topics/two.html").write_text("2")
    record = kept_files(kept, "topics/one.html", "topics/two.html")
    if change == "gone":
        (kept / "topics/two.html").unlink()
    elif change == "replaced":  # as the preview writes a fast page after a build: another file
        write_if_changed(kept, "topics/two.html", b"a fast page")
    unchanged = Unchanged(
        PreviousPages(kept, None, {}, {"topics/one.html": record}, {}, {}, {}, ()), set(), {}, ()
    )
    linked = unchanged.link(record, str(staging))
    assert (linked is None) is (change is not None)
    assert sorted(p.name for p in (staging / "topics").iterdir()) == (
        [] if change else ["one.html", "two.html"]
    )


def test_a_page_the_preview_replaced_after_a_build_is_rendered_by_the_next(tmp_path):
    """A fast page written again after a build is swapped in was rendered from the build
    before it: the next build must not take it for its own."""
    site = Site(tmp_path / "site")
    site.write("content/alice/p.md", post("P post", date="2026-01-12", tags="pumps"))
    site.write("content/alice/q.md", post("Q post", date="2026-01-14", tags="pumps"))
    _, last = preview_build(site)
    site.write("content/alice/q.md", post("Q renamed", date="2026-01-14", tags="pumps"))
    _, last = preview_build(site, last)
    stale = (site.output / "posts/alice/p/index.html").read_bytes().replace(b"Q renamed", b"Q post")
    write_if_changed(site.output, "posts/alice/p/index.html", stale)
    preview_build(site, last)
    assert_same_output(site.output, clean_build(site, tmp_path / "clean"), "after a replaced page")


def test_a_list_of_posts_is_the_same_only_with_the_same_posts_and_their_links_unedited(tmp_path):
    record = Written(("t.html",), None, ("a.md", "b.md"))
    previous = PreviousPages(tmp_path, None, {}, {}, {}, {"a.md": ("c.md",)}, {}, ())

    def same(edited=(), links=None, members=("a.md", "b.md")) -> bool:
        links = {"a.md": ("c.md",)} if links is None else links
        return Unchanged(previous, set(edited), links, ()).posts(members, record)

    assert same()
    assert not same(members=("b.md", "a.md"))  # another order: another page
    assert not same(edited={"b.md"})
    assert not same(edited={"c.md"})  # a summary shows the title of the post it links
    assert not same(links={"a.md": ("d.md",)})
    assert same(edited={"d.md"})


# What a post's attributes hold that shows only the post itself, its authors, department
# and topics (the registry), the settings or the build's moment: never another post's
# data. Any other attribute a plugin gives a post must hold the other posts themselves
# (an article, a list of them, or objects holding them one level down), or the preview's
# next build cannot see that a page showing it changed (plugins/network/reuse.py).
OWN_ATTRIBUTES = {
    # Pelican's, from the post's own file and the settings
    *("date", "date_format", "in_default_lang", "lang", "locale_date", "metadata", "reader"),
    *("relative_source_path", "slug", "settings", "source_path", "template", "timezone", "title"),
    # the registry's people, department and topics, as the post names them (a page shows
    # their names, links, avatars and contact routes, never what other posts add to them)
    *("author", "author_id", "authors", "category", "department", "tags"),
    # Chorus's, from the post alone: its model, page body, cover, card, structured data
    *("body", "conversation", "cover", "featured", "json_ld", "override_url", "post"),
    *("reading_time", "series", "social_card", "word_count"),
}
# Pelican's own translations (a list of articles) are seen when set; Chorus's are `versions`.
PELICAN_TRANSLATIONS = {"translations"}


def test_every_attribute_a_post_page_shows_is_its_own_or_holds_the_posts_it_shows(tmp_path):
    site = Site(tmp_path / "site")
    site.write("content/alice/one.md", post("One", date="2026-01-02", tags="pumps", series="Notes"))
    site.write("content/alice/one.de.md", post("Eins", date="2026-01-02", tags="pumps"))
    site.write(
        "content/alice/two.md",
        post("Two", date="2026-01-03", tags="pumps", series="Notes", related="alice/one"),
    )
    site.write(
        "content/bob/three.md", post("Three", date="2026-01-04", body="See [[alice/one]] and [[alice/two]].")
    )
    _, last = preview_build(site)
    names: set[str] = set()
    holding: set[str] = set()
    for article in last.written:
        names |= {name for name in vars(article) if not name.startswith("_")}
        holding |= {name for name, _ in shown_posts(article)}
    assert {"related", "backlinks", "series_box", "versions", "prev_by_author", "next_by_author"} <= holding
    assert {"prev_in_department", "next_in_department"} <= holding
    unclassified = sorted(names - holding - OWN_ATTRIBUTES - PELICAN_TRANSLATIONS)
    assert not unclassified, (
        f"attributes of posts neither their own nor holding the posts they show: {unclassified}"
    )
