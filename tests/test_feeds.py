"""Feeds (plugins.department_feeds): every scope in Atom, RSS and JSON Feed, valid, complete, stable;
autodiscovery, the Subscribe page and OPML lists that lead to them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import png_bytes, post
from plugins.department_feeds.markup import absolute_html

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
LOCAL = "http://localhost:8000"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


# --- helpers: read what a feed reader reads ------------------------------------------------


def feed_files(output: Path) -> list[Path]:
    return sorted(p for p in (output / "feeds").rglob("*") if p.name in ("atom.xml", "rss.xml", "feed.json"))


def parsed(path: Path):
    """feedparser's view of an Atom or RSS feed; it must have parsed without complaint."""
    result = feedparser.parse(path.read_bytes())
    assert not result.bozo, (path, result.get("bozo_exception"))
    return result


def xml(path: Path):
    return etree.fromstring(path.read_bytes())


def json_feed(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def check_json_feed(feed: dict) -> None:
    """JSON Feed 1.1's required fields (https://jsonfeed.org/version/1.1)."""
    assert feed["version"] == JSON_FEED_VERSION
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html") or item.get("content_text"), str)
        assert all(isinstance(a["name"], str) for a in item.get("authors", []))


def entry_ids(path: Path) -> list[str]:
    return [e.id for e in parsed(path).entries]


def content_urls(fragment: str) -> list[str]:
    """Every href, src and srcset URL in an HTML fragment."""
    tree = lxml_html.fragment_fromstring(fragment, create_parent="div")
    urls = [el.get(a) for el in tree.iter() if isinstance(el.tag, str) for a in ("href", "src") if el.get(a)]
    urls += [
        c.split()[0]
        for el in tree.iter()
        if isinstance(el.tag, str) and el.get("srcset")
        for c in el.get("srcset").split(",")
    ]
    return urls


def full_contents(output: Path, relative_folder: str) -> dict[str, list[str]]:
    """The full HTML of every entry of one scope, per format."""
    folder = output / relative_folder
    return {
        "atom": [e.text for e in xml(folder / "atom.xml").iter(f"{ATOM}content")],
        "rss": [e.text for e in xml(folder / "rss.xml").iter(f"{CONTENT}encoded")],
        "json": [i["content_html"] for i in json_feed(folder / "feed.json")["items"]],
    }


def summaries(output: Path, relative_folder: str) -> dict[str, list[str]]:
    """The HTML summaries of one scope's entries (JSON Feed's summary is plain text)."""
    folder = output / relative_folder
    return {
        "atom": [e.text for e in xml(folder / "atom.xml").iter(f"{ATOM}summary")],
        "rss": [e.findtext("description") for e in xml(folder / "rss.xml").iter("item")],
    }


def written_feed_urls(output: Path) -> set[str]:
    return {f"{LOCAL}/{p.relative_to(output).as_posix()}" for p in feed_files(output)}


# --- scopes, formats, validity -----------------------------------------------------------------


def test_every_scope_gets_atom_rss_and_json_feed_that_parse(site):
    site.write(
        "content/bob/deal.md",
        post("How we scope", date="2026-02-01", Co_Authors="alice", Tags="tenders, Flow Meters"),
    )
    output = site.build()
    expected = {
        f"feeds/{scope}/{name}"
        for scope in ("network", "departments/service", "departments/sales", "authors/alice", "authors/bob",
                      "topics/tenders", "topics/flow-meters")
        for name in ("atom.xml", "rss.xml", "feed.json")
    }  # fmt: skip
    assert {p.relative_to(output).as_posix() for p in feed_files(output)} == expected
    for path in feed_files(output):
        if path.suffix == ".json":
            check_json_feed(json_feed(path))  # feedparser 6.0 reads no JSON Feed
        else:
            assert parsed(path).version in ("atom10", "rss20"), path
            xml(path)  # well-formed for a strict XML parser too
    assert len(parsed(output / "feeds/network/atom.xml").entries) == 2
    assert [e.title for e in parsed(output / "feeds/authors/alice/rss.xml").entries] == [
        "How we scope",
        "Hello from service",
    ]
    assert [e.title for e in parsed(output / "feeds/topics/tenders/atom.xml").entries] == ["How we scope"]


def test_atom_has_the_required_elements(site):
    site.write("content/bob/deal.md", post("How we scope", Tags="tenders", Summary="Scoping, *briefly*."))
    output = site.build()
    feed = xml(output / "feeds/departments/sales/atom.xml")
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text.strip()
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "self": f"{LOCAL}/feeds/departments/sales/atom.xml",
        "alternate": f"{LOCAL}/departments/sales/",
    }
    assert feed.find(f"{ATOM}title").text == "Sales — A Pelican Blog"
    [entry] = feed.findall(f"{ATOM}entry")
    for name in ("id", "title", "updated", "published"):
        assert entry.find(f"{ATOM}{name}").text.strip()
    assert entry.find(f"{ATOM}link").get("href") == f"{LOCAL}/posts/bob/deal/"
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert entry.find(f"{ATOM}summary").text == "<p>Scoping, <em>briefly</em>.</p>"
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == ["Bob Quote"]
    categories = [(c.get("term"), c.get("label"), c.get("scheme")) for c in entry.findall(f"{ATOM}category")]
    assert categories == [
        ("sales", "Sales", f"{LOCAL}/departments/sales/"),
        ("tenders", "tenders", f"{LOCAL}/topics/tenders/"),
    ]


def test_rss_has_the_required_elements(site):
    site.write("content/bob/deal.md", post("How we scope", Tags="tenders"))
    output = site.build()
    channel = xml(output / "feeds/authors/bob/rss.xml").find("channel")
    assert channel.findtext("title") == "Bob Quote — A Pelican Blog"
    assert channel.findtext("link") == f"{LOCAL}/authors/bob/"
    assert channel.findtext("description") == "Account Manager at Our company"
    assert channel.find(f"{ATOM}link").get("href") == f"{LOCAL}/feeds/authors/bob/rss.xml"
    [item] = channel.findall("item")
    assert item.findtext("title") == "How we scope"
    assert item.findtext("link") == f"{LOCAL}/posts/bob/deal/"
    assert item.find("guid").get("isPermaLink") == "false" and item.findtext("guid").startswith("tag:")
    assert item.findtext("pubDate") == "Sat, 10 Jan 2026 00:00:00 +0000"
    assert item.findtext("description") and item.findtext(f"{CONTENT}encoded") == "<p>Some text.</p>"
    assert [c.text for c in item.findall("category")] == ["Sales", "tenders"]


def test_json_feed_has_the_fields_of_its_version(site):
    site.write("content/bob/deal.md", post("How we scope", Summary="Scoping, *briefly*."))
    output = site.build()
    feed = json_feed(output / "feeds/network/feed.json")
    check_json_feed(feed)
    assert feed["feed_url"] == f"{LOCAL}/feeds/network/feed.json" and feed["home_page_url"] == f"{LOCAL}/"
    item = feed["items"][0]
    assert item["url"] == f"{LOCAL}/posts/bob/deal/"
    assert item["summary"] == "Scoping, briefly."  # plain text, as JSON Feed defines it
    assert item["date_published"] == "2026-01-10T00:00:00+00:00"
    assert item["authors"][0]["url"] == f"{LOCAL}/authors/bob/"
    assert json_feed(output / "feeds/authors/alice/feed.json")["authors"][0]["name"] == "Alice Field"


def test_every_coauthor_is_in_every_format(site):
    site.write("content/bob/deal.md", post("How we scope", Co_Authors="alice, gina"))
    output = site.build()
    names = ["Bob Quote", "Alice Field", "Gina Guest"]
    for folder in ("feeds/network", "feeds/authors/gina"):
        atom_entry = xml(output / folder / "atom.xml").find(f"{ATOM}entry")
        authors = [
            (a.findtext(f"{ATOM}name"), a.findtext(f"{ATOM}uri")) for a in atom_entry.findall(f"{ATOM}author")
        ]
        assert authors == [
            (n, f"{LOCAL}/authors/{i}/") for n, i in zip(names, ("bob", "alice", "gina"), strict=False)
        ]
        rss_item = xml(output / folder / "rss.xml").find("channel/item")
        assert [c.text for c in rss_item.findall(f"{DC}creator")] == names
        item = json_feed(output / folder / "feed.json")["items"][0]
        assert [a["name"] for a in item["authors"]] == names
        assert [a.name for a in parsed(output / folder / "atom.xml").entries[0].authors] == names


def test_entries_carry_updated_date_guest_label_and_canonical_url(site):
    site.write("content/gina/drift.md", post("Drift", date="2026-01-05", Modified="2026-02-01 10:00",
                                            Canonical="https://blog.nordlicht.example/drift"))  # fmt: skip
    output = site.build()
    entry = xml(output / "feeds/authors/gina/atom.xml").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == "2026-01-05T00:00:00+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-02-01T10:00:00+00:00"
    via = [link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "via"]
    assert via == ["https://blog.nordlicht.example/drift"]
    assert (
        len([link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"])
        == 1
    )
    item = json_feed(output / "feeds/authors/gina/feed.json")["items"][0]
    assert item["external_url"] == "https://blog.nordlicht.example/drift"
    assert item["date_modified"] == "2026-02-01T10:00:00+00:00"
    for fmt, contents in full_contents(output, "feeds/authors/gina").items():
        full = contents[0]
        assert "Gina Guest is a guest contributor from Nordlicht University" in full, fmt
        assert 'First published at <a href="https://blog.nordlicht.example/drift">' in full, fmt


def test_every_feed_carries_the_whole_post_unless_a_scope_is_set_to_summaries(site):
    site.write("content/gina/drift.md", post("Drift", Tags="sensor drift", Summary="Why sensors drift.",
                                            body="The whole story of the drift.",
                                            Canonical="https://blog.nordlicht.example/drift"))  # fmt: skip
    output = site.build()
    for folder in (
        "feeds/authors/gina",
        "feeds/departments/service",
        "feeds/network",
        "feeds/topics/sensor-drift",
    ):
        for fmt, contents in full_contents(output, folder).items():
            assert any("The whole story of the drift." in c for c in contents), (folder, fmt)
    # A network that must write fewer bytes leaves topics out: their entries carry the
    # summary, the notices and the link.
    output = site.build(DEPARTMENT_FEEDS_FULL_CONTENT=["network", "departments", "authors"])
    for fmt, contents in full_contents(output, "feeds/topics/sensor-drift").items():
        teaser = contents[0]
        assert "The whole story" not in teaser and "Why sensors drift." in teaser, fmt
        assert "Gina Guest is a guest contributor from Nordlicht University" in teaser, fmt
        assert 'First published at <a href="https://blog.nordlicht.example/drift">' in teaser, fmt
    assert [e.link for e in parsed(output / "feeds/topics/sensor-drift/atom.xml").entries] == [
        f"{LOCAL}/posts/gina/drift/"
    ]
    check_json_feed(json_feed(output / "feeds/topics/sensor-drift/feed.json"))
    assert "The whole story of the drift." in full_contents(output, "feeds/authors/gina")["atom"][0]


# --- stable identity ---------------------------------------------------------------------------------


def network_ids(output: Path) -> dict[str, str]:
    return {e.link: e.id for e in parsed(output / "feeds/network/atom.xml").entries}


def test_ids_are_tag_uris_stable_across_builds_title_and_slug_changes(site):
    first = network_ids(site.build())
    assert first == {f"{LOCAL}/posts/alice/hello/": "tag:localhost,2026-01-10:alice/hello"}
    assert network_ids(site.build()) == first
    site.write("content/alice/hello.md", post("A better title", Slug="greetings"))
    renamed = network_ids(site.build())
    assert renamed == {f"{LOCAL}/posts/alice/greetings/": "tag:localhost,2026-01-10:alice/hello"}


def test_ids_survive_a_new_scheme_or_host_when_the_domain_is_set(site):
    site.build(SITEURL="http://voices.example.com")
    http_ids = set(network_ids(site.output).values())
    site.build(SITEURL="https://voices.example.com")
    assert (
        set(network_ids(site.output).values())
        == http_ids
        == {"tag:voices.example.com,2026-01-10:alice/hello"}
    )
    site.build(SITEURL="https://news.example.org", DEPARTMENT_FEEDS_ID_DOMAIN="voices.example.com")
    assert set(network_ids(site.output).values()) == http_ids
    assert list(network_ids(site.output)) == ["https://news.example.org/posts/alice/hello/"]


def test_a_post_may_pin_its_id(site):
    site.write("content/bob/moved.md", post("Moved here", Feed_Id="tag:old.example.com,2019:post-7"))
    site.write(
        "content/alice/renamed.md", post("Renamed file", date="2025-05-05", Feed_Id="alice/first-name")
    )
    ids = set(network_ids(site.build()).values())
    assert {"tag:old.example.com,2019:post-7", "tag:localhost,2025-05-05:alice/first-name"} <= ids


def test_two_posts_with_one_id_fail_naming_both(site):
    site.write("content/bob/a.md", post("A", Feed_Id="tag:old.example.com,2019:post-7"))
    site.write("content/gina/b.md", post("B", Feed_Id="tag:old.example.com,2019:post-7"))
    site.write("content/bob/c.md", post("C", Feed_Id="alice/hello"))  # same date as alice/hello.md
    assert site.problems() == [
        "content/bob/c.md:3: error: feed id 'tag:localhost,2026-01-10:alice/hello' is already the id of content/alice/hello.md; give one of them its own Feed-Id:",
        "content/gina/b.md:3: error: feed id 'tag:old.example.com,2019:post-7' is already the id of content/bob/a.md:3; give one of them its own Feed-Id:",
    ]


def test_feed_id_must_be_an_id_or_a_uri(site):
    site.write("content/bob/a.md", post("A", Feed_Id="../../etc"))
    site.write("content/bob/b.md", post("B", Feed_Id="javascript:alert(1)"))
    assert site.problems() == [
        "content/bob/a.md:3: error: 'feed-id' must be a per-post id like 'alice/old-file-name' (letters, digits, '.', '_', '~', '-', '/') or a whole URI like 'tag:example.com,2019:post-7', found '../../etc'",
        "content/bob/b.md:3: error: 'feed-id' must be a tag:, urn: or http(s): URI without spaces, found 'javascript:alert(1)'",
    ]


# --- content fit for a feed reader -----------------------------------------------------------------


def test_relative_urls_become_absolute_in_every_format(site):
    site.write("content/alice/pic.png", png_bytes())
    site.write("content/alice/links.md", post("Links", Summary="See [the other post](../hello/).", body="""
        [relative](../hello/), [site-absolute](/topics/), [linked file]({filename}/alice/hello.md),
        [footnote anchor](#h-top), [elsewhere](https://example.org/x), [mail](mailto:a@example.com)

        ![diagram]({static}/alice/pic.png) ![beside](pic.png)
    """))  # fmt: skip
    output = site.build()
    html_by_format = full_contents(output, "feeds/authors/alice")
    for fmt, summary_html in summaries(output, "feeds/authors/alice").items():
        assert f'<a href="{LOCAL}/posts/alice/hello/">' in summary_html[0], fmt
    for fmt, contents in html_by_format.items():
        urls = [u for html in contents for u in content_urls(html)]
        assert urls and all(u.startswith((LOCAL + "/", "https://example.org/", "mailto:")) for u in urls), (
            fmt,
            urls,
        )
        assert f"{LOCAL}/posts/alice/hello/" in urls and f"{LOCAL}/topics/" in urls
        # A path beside the post is published with the file, not as a page-relative 404.
        assert f"{LOCAL}/media/alice/pic.png" in urls and f"{LOCAL}/posts/alice/links/pic.png" not in urls
        assert f"{LOCAL}/posts/alice/links/#h-top" in urls


def test_root_relative_links_go_under_the_sites_path(site):
    """A site at https://example.com/voices/ has its root there: '/topics/' in a post, a
    summary or a bio pointed at https://example.com/topics/, outside the site, in its pages
    and its feeds alike (the theme's own links were right)."""
    site.write("content/alice/pic.png", png_bytes())
    site.write("content/alice/links.md", post("Links", Summary="All [topics](/topics/).", body="""
        [site-absolute](/topics/) and ![diagram](/media/alice/pic.png), <a href="/posts/alice/hello/">raw</a>
    """))  # fmt: skip
    bio = site.root / "authors/bob.yml"
    bio.write_text(bio.read_text().replace("bio: ", "bio: See [the topics](/topics/). "))
    output = site.build(SITEURL="https://example.com/voices")
    page = site.page("posts/alice/links/index.html")
    assert page.xpath("//article//a[.='site-absolute']/@href") == ["/voices/topics/"]
    assert page.xpath("//article//img[@alt='diagram']/@src") == ["/voices/media/alice/pic.png"]
    assert page.xpath("//article//a[.='raw']/@href") == ["/voices/posts/alice/hello/"]
    assert (output / "media/alice/pic.png").is_file()  # still found as the image the post shows
    profile = site.page("authors/bob/index.html")
    assert profile.xpath("//a[.='the topics']/@href") == ["/voices/topics/"]
    for fmt, contents in full_contents(output, "feeds/authors/alice").items():
        urls = [u for html in contents for u in content_urls(html)]
        assert "https://example.com/voices/topics/" in urls, (fmt, urls)
        assert not [u for u in urls if not u.startswith("https://example.com/voices/")], (fmt, urls)
    for fmt, summary_html in summaries(output, "feeds/authors/alice").items():
        assert 'href="https://example.com/voices/topics/"' in summary_html[0], fmt
    site.build()
    assert site.page("posts/alice/links/index.html").xpath("//article//a[.='site-absolute']/@href") == [
        "/topics/"
    ]


def test_feed_html_has_absolute_urls_and_keeps_the_markup():
    html = (
        '<p>a &amp; b <img alt="x" src="a.png"></p>tail <a href="../">up</a>'
        ' <a href="/topics/">topics</a> <a href="mailto:a@example.com">mail</a> <a href="#h-x">here</a>'
        ' <a href="//cdn.example.net/x">cdn</a> <a href=" java\tscript:alert(1)">bad</a>'
        ' <a href="">self</a> <a href="//a\u2100b.example/">odd host</a> <a href="Café b.png">é</a>'
    )
    assert absolute_html(html, "https://voices.example.com/posts/alice/x/") == (
        '<p>a &amp; b <img alt="x" src="https://voices.example.com/posts/alice/x/a.png"></p>'
        'tail <a href="https://voices.example.com/posts/alice/">up</a>'
        ' <a href="https://voices.example.com/topics/">topics</a> <a href="mailto:a@example.com">mail</a>'
        ' <a href="https://voices.example.com/posts/alice/x/#h-x">here</a>'
        ' <a href="https://cdn.example.net/x">cdn</a> <a>bad</a>'
        ' <a href="https://voices.example.com/posts/alice/x/">self</a>'
        ' <a href="//a\u2100b.example/">odd host</a>'  # Python refuses to resolve its host: as written
        ' <a href="https://voices.example.com/posts/alice/x/Café b.png">é</a>'  # as the page has it
    )


def test_a_script_in_a_post_reaches_no_feed(site):
    site.write("content/gina/x.png", png_bytes())
    site.write("content/gina/x.md", post("Payload", Summary="<script>SCRIPT-CANARY()</script>ok", body="""
        Text <script>SCRIPT-CANARY()</script> <img src="x.png" onerror="SCRIPT-CANARY()">
        <a href="javascript:SCRIPT-CANARY()">click</a>
    """))  # fmt: skip
    output = site.build()
    for path in feed_files(output):
        raw = path.read_text(encoding="utf-8")
        for trace in ("SCRIPT-CANARY", "<script", "&lt;script", "onerror", "javascript:"):
            assert trace not in raw, (path, trace)
    readers_see = [c.value for e in parsed(output / "feeds/network/atom.xml").entries for c in e.content]
    assert readers_see and not any("<script" in html or "onerror" in html for html in readers_see)


def test_hostile_metadata_stays_text_in_every_format(site):
    title = "\"></title><script>x()</script> ]]> & 'quotes'"
    site.write("content/gina/x.md", post(title, Tags="a & b"))
    output = site.build()
    for name in ("atom.xml", "rss.xml"):
        entry = parsed(output / "feeds/network" / name).entries[0]
        assert entry.title == title and "a & b" in [t.get("label") or t.term for t in entry.tags]
    assert json_feed(output / "feeds/network/feed.json")["items"][0]["title"] == title
    assert "<script>" not in (output / "feeds/network/atom.xml").read_text(encoding="utf-8")


def test_drafts_future_and_hidden_posts_are_in_no_feed(site):
    site.write("content/bob/draft.md", post("Draft", Status="draft", Tags="secret", body="DRAFT-CANARY"))
    site.write(
        "content/bob/future.md", post("Future", date="2026-12-01", Tags="secret", body="FUTURE-CANARY")
    )
    site.write("content/bob/hidden.md", post("Hidden", Status="hidden", Tags="secret", body="HIDDEN-CANARY"))
    site.write("content/gina/live.md", post("Live", Tags="open"))
    output = site.build()
    written = (
        feed_files(output) + sorted((output / "feeds").rglob("*.opml")) + [output / "subscribe/index.html"]
    )
    for path in written:
        text = path.read_text(encoding="utf-8")
        for canary in ("DRAFT-CANARY", "FUTURE-CANARY", "HIDDEN-CANARY", "posts/bob/"):
            assert canary not in text, (path, canary)
    # Bob has no published post: no author feed, no department feed for sales, no topic 'secret'.
    assert not (output / "feeds/authors/bob").exists() and not (output / "feeds/departments/sales").exists()
    assert not (output / "feeds/topics/secret").exists() and (output / "feeds/topics/open/atom.xml").is_file()


def test_item_limit_keeps_the_newest_posts(site):
    for day in (2, 3, 4):
        site.write(f"content/alice/p{day}.md", post(f"Post {day}", date=f"2026-02-0{day}"))
    output = site.build(DEPARTMENT_FEEDS_MAX_ITEMS={"network": 2})
    for name in ("atom.xml", "rss.xml"):
        assert [e.title for e in parsed(output / "feeds/network" / name).entries] == ["Post 4", "Post 3"]
    assert len(json_feed(output / "feeds/network/feed.json")["items"]) == 2
    assert len(parsed(output / "feeds/departments/service/atom.xml").entries) == 4  # departments keep 20
    # What a feed leaves out stays reachable on the site: the archive lists every post.
    archive = lxml_html.fromstring((output / "archives/index.html").read_bytes())
    linked = {a.get("href") for a in archive.cssselect("main a[href^='/posts/']")}
    assert {f"/posts/alice/p{day}/" for day in (2, 3, 4)} | {"/posts/alice/hello/"} <= linked


# --- subscribing: autodiscovery, Subscribe page, OPML ---------------------------------------------------


def alternate_links(site, page: str) -> list[tuple[str, str]]:
    return [
        (link.get("type"), link.get("href"))
        for link in site.page(page).cssselect('head link[rel="alternate"]')
    ]


def test_every_page_advertises_the_feeds_that_fit_it(site):
    site.write("content/gina/drift.md", post("Drift", Co_Authors="alice", Tags="sensor drift"))
    output = site.build()
    kinds = ["application/atom+xml", "application/rss+xml", "application/feed+json"]

    def links(folder):
        return list(
            zip(kinds, [f"/{folder}/atom.xml", f"/{folder}/rss.xml", f"/{folder}/feed.json"], strict=False)
        )

    assert alternate_links(site, "index.html") == links("feeds/network")
    assert alternate_links(site, "archives/index.html") == links("feeds/network")
    assert alternate_links(site, "departments/service/index.html") == links("feeds/departments/service")
    assert alternate_links(site, "authors/alice/index.html") == links("feeds/authors/alice")
    assert alternate_links(site, "topics/sensor-drift/index.html") == links("feeds/topics/sensor-drift")
    assert alternate_links(site, "posts/gina/drift/index.html") == links("feeds/departments/service") + links(
        "feeds/authors/gina"
    )
    for _, href in alternate_links(site, "posts/gina/drift/index.html"):
        assert (output / href.lstrip("/")).is_file()
    titles = [
        link.get("title") for link in site.page("authors/alice/index.html").cssselect('link[rel="alternate"]')
    ]
    assert titles[0] == "Alice Field — A Pelican Blog (Atom)"


def test_listing_pages_offer_follow_links_and_every_page_links_subscribe(site):
    site.write("content/alice/x.md", post("X", Tags="flow meters"))
    site.build()
    for page, folder in (("departments/service/index.html", "feeds/departments/service"),
                         ("authors/alice/index.html", "feeds/authors/alice"),
                         ("topics/flow-meters/index.html", "feeds/topics/flow-meters")):  # fmt: skip
        hrefs = [a.get("href") for a in site.page(page).cssselect(".feed-buttons a")]
        assert hrefs == [
            f"/{folder}/atom.xml",
            f"/{folder}/rss.xml",
            f"/{folder}/feed.json",
            "/subscribe/",
        ], page
    nav = site.page("posts/alice/x/index.html").cssselect("header nav li a")
    assert [a.get("href") for a in nav if a.text_content() == "Subscribe"] == ["/subscribe/"]


def test_subscribe_page_lists_every_feed_grouped_in_compact_rows(site):
    site.write("content/bob/deal.md", post("How we scope", Co_Authors="gina", Tags="tenders"))
    output = site.build()
    page = site.page("subscribe/index.html")
    assert page.cssselect("h1")[0].text_content() == "Subscribe"
    linked = {
        f"{LOCAL}{a.get('href')}"
        for a in page.cssselect("main a[href]")
        if a.get("href").startswith("/feeds/")
    }
    opml = {f"{LOCAL}/{p.relative_to(output).as_posix()}" for p in (output / "feeds").rglob("*.opml")}
    assert linked == written_feed_urls(output) | opml
    headings = [h.text_content().split()[0] for h in page.cssselect("main h2")]
    assert headings == ["The", "Departments", "Experts", "Topics"]
    # One row per feed: its page, its formats as plain links, a copy button for the script.
    rows = {row.cssselect(".feed-name")[0].text_content(): row for row in page.cssselect(".feed-row")}
    assert set(rows) == {
        "A Pelican Blog",
        "Service",
        "Sales",
        "Alice Field",
        "Bob Quote",
        "Gina Guest",
        "tenders",
    }
    bob = rows["Bob Quote"]
    assert [a.text_content() for a in bob.cssselect(".feed-formats a")] == ["Atom", "RSS", "JSON"]
    copy = bob.cssselect("button.copy-button")[0]
    assert copy.get("data-copy") == f"{LOCAL}/feeds/authors/bob/atom.xml" and copy.get("hidden") is not None
    assert rows["Gina Guest"].cssselect(".badge.guest")
    assert "OPML" in [a.text_content() for a in rows["Service"].cssselect(".feed-formats a")]
    # Each group offers the OPML list of all its feeds; no feed address is printed as text.
    for heading, opml_path in (("Departments", "departments"), ("Experts", "authors"), ("Topics", "topics")):
        group = next(
            g
            for g in page.cssselect(".feed-group")
            if g.cssselect("h2")[0].text_content().startswith(heading)
        )
        assert group.cssselect(f'.feed-group-head a[href="/feeds/{opml_path}.opml"]'), heading
    assert "http://" not in page.cssselect("main")[0].text_content()


def opml_feeds(path: Path) -> dict[str, list[str]]:
    """Group title -> feed URLs, from an OPML file read by an XML parser."""
    root = xml(path)
    assert root.tag == "opml" and root.get("version") == "2.0" and root.findtext("head/title")
    return {
        group.get("text"): [o.get("xmlUrl") for o in group.findall("outline")] for group in root.find("body")
    }


def test_opml_lists_every_feed_one_list_per_scope_and_per_department(site):
    site.write("content/bob/deal.md", post("How we scope", Tags="tenders"))
    site.write("content/gina/drift.md", post("Drift"))
    output = site.build()
    network = opml_feeds(output / "feeds/network.opml")
    people = [f"{LOCAL}/feeds/authors/{a}/atom.xml" for a in ("alice", "bob", "gina")]
    departments = [f"{LOCAL}/feeds/departments/service/atom.xml", f"{LOCAL}/feeds/departments/sales/atom.xml"]
    assert network == {
        "Network": [f"{LOCAL}/feeds/network/atom.xml"],
        "Departments": departments,
        "People": people,
        "Topics": [f"{LOCAL}/feeds/topics/tenders/atom.xml"],
    }
    atom_feeds = {u for u in written_feed_urls(output) if u.endswith("/atom.xml")}
    assert {u for urls in network.values() for u in urls} == atom_feeds
    assert opml_feeds(output / "feeds/departments.opml") == {"Departments": departments}
    assert opml_feeds(output / "feeds/authors.opml") == {"People": people}
    assert opml_feeds(output / "feeds/topics.opml") == {"Topics": [f"{LOCAL}/feeds/topics/tenders/atom.xml"]}
    assert opml_feeds(output / "feeds/departments/service.opml") == {
        "Department": [f"{LOCAL}/feeds/departments/service/atom.xml"],
        "People": [f"{LOCAL}/feeds/authors/alice/atom.xml", f"{LOCAL}/feeds/authors/gina/atom.xml"],
    }
    assert opml_feeds(output / "feeds/departments/sales.opml") == {
        "Department": [f"{LOCAL}/feeds/departments/sales/atom.xml"],
        "People": [f"{LOCAL}/feeds/authors/bob/atom.xml"],
    }
    for urls in network.values():
        for url in urls:
            assert (output / urlsplit(url).path.lstrip("/")).is_file()


# --- settings and paths ----------------------------------------------------------------------------------


def test_siteurl_or_fallback_makes_every_url_absolute(site):
    site.build(SITEURL="https://voices.example.com/")
    feed = json_feed(site.output / "feeds/network/feed.json")
    assert feed["feed_url"] == "https://voices.example.com/feeds/network/feed.json"
    assert feed["items"][0]["url"] == "https://voices.example.com/posts/alice/hello/"
    site.build(DEPARTMENT_FEEDS_FALLBACK_SITEURL="http://127.0.0.1:9000")
    assert (
        json_feed(site.output / "feeds/network/feed.json")["items"][0]["url"]
        == "http://127.0.0.1:9000/posts/alice/hello/"
    )


def test_scopes_formats_and_paths_are_settings(site):
    output = site.build(
        DEPARTMENT_FEEDS_SCOPES=["network", "departments"],
        DEPARTMENT_FEEDS_FORMATS=["rss", "json"],
        DEPARTMENT_FEEDS_NETWORK_PATH="syndication/all/",
        DEPARTMENT_FEEDS_FILE_NAMES={"rss": "index.rss"},
    )
    written = [p for folder in ("feeds", "syndication") for p in (output / folder).rglob("*") if p.is_file()]
    assert sorted(p.relative_to(output).as_posix() for p in written) == [
        "feeds/departments.opml", "feeds/departments/service.opml", "feeds/departments/service/feed.json",
        "feeds/departments/service/index.rss", "feeds/network.opml", "syndication/all/feed.json",
        "syndication/all/index.rss",
    ]  # fmt: skip
    parsed(output / "syndication/all/index.rss")
    assert opml_feeds(output / "feeds/network.opml") == {
        "Network": [f"{LOCAL}/syndication/all/index.rss"],
        "Departments": [f"{LOCAL}/feeds/departments/service/index.rss"],
    }
    # no author feeds: the profile advertises the network's feeds instead
    assert alternate_links(site, "authors/alice/index.html")[0] == (
        "application/rss+xml",
        "/syndication/all/index.rss",
    )


def test_two_feeds_on_one_path_fail_instead_of_overwriting(site):
    problems = site.problems(
        DEPARTMENT_FEEDS_NETWORK_PATH="feeds/service/", DEPARTMENT_FEEDS_DEPARTMENT_PATH="feeds/{slug}/"
    )
    assert problems[0] == (
        "DEPARTMENT_FEEDS_DEPARTMENT_PATH (department 'service'): error: would be written to 'feeds/service/atom.xml',"
        " which DEPARTMENT_FEEDS_NETWORK_PATH already writes (rename one, or give it another Slug:)"
    )


def test_a_feed_on_a_page_of_the_site_fails(site):
    site.write("content/alice/x.md", post("X", Tags="flow meters"))
    problems = site.problems(
        DEPARTMENT_FEEDS_TOPIC_PATH="topics/{slug}/", DEPARTMENT_FEEDS_FILE_NAMES={"atom": "index.html"}
    )
    assert problems == [
        "DEPARTMENT_FEEDS_TOPIC_PATH (topic 'flow-meters'): error: would overwrite 'topics/flow-meters/index.html', which another part of the site writes"
    ]


@pytest.mark.parametrize(
    "settings, expected",
    [
        (
            {"DEPARTMENT_FEEDS_MAX_ITEM": 5},
            "DEPARTMENT_FEEDS_MAX_ITEM: unknown setting (did you mean DEPARTMENT_FEEDS_MAX_ITEMS?)",
        ),
        (
            {"DEPARTMENT_FEEDS_SCOPES": ["network", "people"]},
            "DEPARTMENT_FEEDS_SCOPES: expected a non-empty list of 'network', 'departments', 'authors', 'topics', 'languages' (got ['network', 'people'])",
        ),
        (
            {"DEPARTMENT_FEEDS_FORMATS": []},
            "DEPARTMENT_FEEDS_FORMATS: expected a non-empty list of 'atom', 'rss', 'json' (got [])",
        ),
        (
            {"DEPARTMENT_FEEDS_MAX_ITEMS": {"network": 0}},
            "DEPARTMENT_FEEDS_MAX_ITEMS: expected a dict of scope (network, departments, authors, topics, languages) to a whole number of 1 or more (got {'network': 0})",
        ),
        (
            {"DEPARTMENT_FEEDS_ID_DOMAIN": "https://voices.example.com"},
            "DEPARTMENT_FEEDS_ID_DOMAIN: expected None or a lower-case domain name like 'voices.example.com' (no scheme, no path) (got 'https://voices.example.com')",
        ),
        (
            {"DEPARTMENT_FEEDS_FALLBACK_SITEURL": "localhost"},
            "DEPARTMENT_FEEDS_FALLBACK_SITEURL: expected an absolute http(s) URL like 'http://localhost:8000' (got 'localhost')",
        ),
        (
            {"DEPARTMENT_FEEDS_DEPARTMENT_PATH": "feeds/departments/"},
            "DEPARTMENT_FEEDS_DEPARTMENT_PATH: must contain '{slug}' (got 'feeds/departments/')",
        ),
        (
            {"DEPARTMENT_FEEDS_AUTHOR_PATH": "feeds/{id}/{slug}/"},
            "DEPARTMENT_FEEDS_AUTHOR_PATH: expected a relative output path using only {slug} (got 'feeds/{id}/{slug}/')",
        ),
        (
            {"DEPARTMENT_FEEDS_TOPIC_PATH": "../topics/{slug}/"},
            "DEPARTMENT_FEEDS_TOPIC_PATH: expected a relative output path (got '../topics/{slug}/')",
        ),
        (
            {"DEPARTMENT_FEEDS_FILE_NAMES": {"rss": "atom.xml"}},
            "DEPARTMENT_FEEDS_FILE_NAMES: every format needs its own file name (with the defaults: {'atom': 'atom.xml', 'rss': 'atom.xml', 'json': 'feed.json'}) (got {'rss': 'atom.xml'})",
        ),
    ],
)
def test_settings_are_validated_before_anything_is_read(site, settings, expected):
    assert site.problems(**settings) == [f"pelicanconf.py: error: {expected}"]


def test_every_settings_problem_is_reported_at_once(site):
    problems = site.problems(
        DEPARTMENT_FEEDS_FORMATS=["atom", "atom"], DEPARTMENT_FEEDS_ID_DOMAIN="https://voices.example.com"
    )
    assert [p.split(": ")[2] for p in problems] == ["DEPARTMENT_FEEDS_FORMATS", "DEPARTMENT_FEEDS_ID_DOMAIN"]


# --- the sample network --------------------------------------------------------------------------------------


def test_sample_network_feeds_are_complete_valid_and_subscribable(sample_output):
    index = json.loads((sample_output / "network.json").read_text())
    files = feed_files(sample_output)
    folders = {p.parent.relative_to(sample_output / "feeds").as_posix() for p in files}
    assert {f"departments/{d['id']}" for d in index["departments"]} <= folders
    assert {f"authors/{a['id']}" for a in index["authors"]} <= folders
    assert {
        f"topics/{page.parent.name}" for page in (sample_output / "topics").glob("*/index.html")
    } <= folders
    assert len(files) == 3 * len(folders)
    ids_by_url: dict[str, str] = {}
    for path in files:
        if path.suffix == ".json":
            feed = json_feed(path)
            check_json_feed(feed)
            entries = [(i["url"], i["id"]) for i in feed["items"]]
        else:
            xml(path)
            entries = [(e.link, e.id) for e in parsed(path).entries]
        for url, entry_id in entries:
            assert ids_by_url.setdefault(url, entry_id) == entry_id, (path, url)
    assert len(set(ids_by_url.values())) == len(ids_by_url) == len(index["posts"]), (
        "one id per post, network-wide"
    )
    assert len(parsed(sample_output / "feeds/network/atom.xml").entries) == 20
    subscribe = lxml_html.fromstring((sample_output / "subscribe/index.html").read_bytes())
    linked = {a.get("href").lstrip("/") for a in subscribe.cssselect("main a[href]")}
    assert {p.relative_to(sample_output).as_posix() for p in files} <= linked
    for opml in sorted((sample_output / "feeds").rglob("*.opml")):
        assert opml.relative_to(sample_output).as_posix() in linked
        for urls in opml_feeds(opml).values():
            assert all((sample_output / urlsplit(u).path.lstrip("/")).is_file() for u in urls), opml
