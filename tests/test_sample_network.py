"""The demo network `make html` builds: strict, complete, and leaking nothing."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

from lxml import html as lxml_html

from chorus.conf import PROJECT_ROOT


def test_network_json_lists_the_whole_company(sample_output):
    index = json.loads((sample_output / "network.json").read_text())
    assert len(index["departments"]) >= 7
    kinds = Counter(a["kind"] for a in index["authors"])
    assert len(index["authors"]) >= 15 and kinds["guest"] >= 3
    assert any(a["former"] for a in index["authors"] if a["kind"] == "guest")
    assert len(index["posts"]) >= 45
    departments = {d["id"] for d in index["departments"]}
    assert {p["department"] for p in index["posts"]} == departments, "every department writes"
    authors_with_posts = {a for p in index["posts"] for a in p["authors"]}
    assert authors_with_posts == {a["id"] for a in index["authors"]}, "every author has a post"


def test_every_listed_url_exists(sample_output):
    index = json.loads((sample_output / "network.json").read_text())
    for item in index["posts"]:
        assert (sample_output / item["url"].lstrip("/") / "index.html").is_file(), item["url"]
    for item in index["authors"]:
        assert (sample_output / item["profile_url"].lstrip("/") / "index.html").is_file(), item["profile_url"]
    for item in index["departments"]:
        assert (sample_output / item["url"].lstrip("/") / "index.html").is_file(), item["url"]


def test_unpublished_canary_is_nowhere(sample_output):
    sources = [p for p in (PROJECT_ROOT / "content").rglob("*.md") if "UNPUBLISHED-CANARY" in p.read_text()]
    assert len(sources) == 2, "the sample ships one draft and one future post"
    for path in sample_output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".opml"):
            assert "UNPUBLISHED-CANARY" not in path.read_text(errors="replace"), path


def test_pages_are_well_formed_and_accessible_basics(sample_output):
    pages = sorted(sample_output.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        page = lxml_html.fromstring(path.read_bytes())
        assert page.get("lang"), path
        assert len(page.cssselect("h1")) == 1, path
        assert page.cssselect("title")[0].text_content().strip(), path
        assert page.cssselect('meta[name="description"]')[0].get("content").strip(), path
        ids = [el.get("id") for el in page.iter() if isinstance(el.tag, str) and el.get("id")]
        assert len(ids) == len(set(ids)), (path, [i for i, n in Counter(ids).items() if n > 1])
        for img in page.cssselect("img"):
            assert img.get("alt") is not None, (path, img.get("src"))
        for link in page.cssselect("link[href], script[src], img[src]"):
            target = link.get("href") or link.get("src")
            assert not target.startswith(("http://", "https://", "//")) or link.get("rel") == "canonical", (
                path,
                target,
            )


def test_guest_posts_are_labelled(sample_output):
    index = json.loads((sample_output / "network.json").read_text())
    guests = {a["id"] for a in index["authors"] if a["kind"] == "guest"}
    guest_post = next(p for p in index["posts"] if p["authors"][0] in guests)
    page = lxml_html.fromstring((sample_output / guest_post["url"].lstrip("/") / "index.html").read_bytes())
    assert page.cssselect(".badge.guest") and page.cssselect(".guest-notice")


def test_internal_links_resolve(sample_output):
    broken = []
    for path in sample_output.rglob("*.html"):
        page = lxml_html.fromstring(path.read_bytes())
        for element in page.cssselect("a[href], img[src], link[href]"):
            target = element.get("href") or element.get("src")
            if not target.startswith("/"):
                continue
            target = target.split("#")[0].split("?")[0]
            resolved = sample_output / target.lstrip("/")
            if not (resolved.is_file() or (resolved / "index.html").is_file()):
                broken.append((str(path.relative_to(sample_output)), target))
    assert not broken, broken[:10]


def test_some_experts_take_questions_and_the_comment_policy_is_published(sample_output):
    def page(path: str):
        return lxml_html.fromstring((sample_output / path / "index.html").read_bytes())

    directory = page("authors")
    asking = [a.text_content() for a in directory.cssselect("#accepts-questions li > a:first-child")]
    assert len(asking) >= 4 and "Li Wei" in asking and "Dr. Elena Vogt" in asking, asking
    routes = {urlsplit(a.get("href")).scheme for a in directory.cssselect("#accepts-questions a.ask-link")}
    assert routes == {"mailto", "https"}, "both kinds of route are shown"
    assert [a.text_content() for a in page("authors/li-wei").cssselect(".profile a.ask-button")] == [
        "Ask Li a question by e-mail"
    ]
    assert not page("authors/anna-berg").cssselect("a.ask-button"), "no route, nothing shown"
    policy = page("comment-policy")
    assert policy.cssselect("h1")[0].text_content() == "Comment policy"
    assert any(a.get("href") == "/comment-policy/" for a in page("").cssselect("nav a"))


def test_the_demo_cover_heads_its_post_with_widths_and_its_card(sample_output):
    page = lxml_html.fromstring(
        (sample_output / "posts/claire-dubois/measuring-marketing/index.html").read_bytes()
    )
    cover = page.cssselect(".post-cover img")[0]
    assert cover.get("alt").startswith("A sales funnel")
    assert (cover.get("width"), cover.get("height")) == ("1600", "900")
    widths = [candidate.split()[1] for candidate in cover.get("srcset").split(", ")]
    assert widths == ["480w", "960w", "1600w"]
    assert (sample_output / "media-widths/claire-dubois/images/measuring-marketing-480w.png").is_file()
    home = lxml_html.fromstring((sample_output / "index.html").read_bytes())
    cards = [
        c
        for c in home.cssselect("article.card.has-cover")
        if "measuring-marketing" in c.cssselect("h3 a")[0].get("href")
    ]
    assert cards and cards[0].cssselect("img.card-cover")[0].get("alt") == ""
