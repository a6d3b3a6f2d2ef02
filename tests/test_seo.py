"""SEO and sharing: canonical, Open Graph, Twitter and JSON-LD tags; sitemap.xml; robots.txt."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from chorus.build import build_site
from chorus.conf import PROJECT_ROOT, chorus_settings
from conftest import post
from plugins.network.urls import UrlScheme
from plugins.seo import sitemap as sitemap_module
from plugins.seo.sitemap import Entry, sitemap_files

SITEURL = "https://voices.example"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOSTILE_TITLE = 'Drift </script><script>alert("x")</script> & <b>more</b>'


def _meta(page, key: str) -> list[str]:
    found = page.cssselect(f'meta[property="{key}"]') or page.cssselect(f'meta[name="{key}"]')
    return [m.get("content") for m in found]


def _json_ld(page) -> list[dict]:
    return [json.loads(s.text) for s in page.cssselect('script[type="application/ld+json"]')]


def _article_ld(page) -> dict:
    return next(d for d in _json_ld(page) if d.get("@type") == "Article")


def _sitemap_urls(output: Path) -> dict[str, str | None]:
    tree = etree.parse(str(output / "sitemap.xml"))
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in tree.getroot().findall("sm:url", NS)
    }


@pytest.fixture
def guest_post(site):
    """A republished guest post written with two colleagues."""
    site.write(
        "content/gina/drift.md",
        post(
            HOSTILE_TITLE,
            date="2026-02-01 09:30",
            Modified="2026-03-01",
            Expires="2027-01-31 18:00",
            Co_Authors="alice, bob",
            Tags="sensors, drift",
            Summary="Why *sensors* drift, and what to do.",
            Canonical="https://lab.nordlicht.example/blog/drift",
        ),
    )
    site.build(SITEURL=SITEURL, CHORUS_COMPANY="Halvard Instruments", SITENAME="Halvard Voices")
    return site.page("posts/gina/drift/index.html")


def test_co_authored_guest_post_canonical_and_open_graph(guest_post, site):
    page = guest_post
    original = "https://lab.nordlicht.example/blog/drift"
    assert [link.get("href") for link in page.cssselect('link[rel="canonical"]')] == [original]
    assert _meta(page, "og:url") == [original]
    assert _meta(page, "og:type") == ["article"]
    assert _meta(page, "og:title") == [HOSTILE_TITLE]
    assert _meta(page, "og:description") == ["Why sensors drift, and what to do."]
    assert _meta(page, "og:site_name") == ["Halvard Voices"]
    [image] = _meta(page, "og:image")
    assert image.startswith(f"{SITEURL}/cards/posts/gina/drift.png?v=")
    assert (site.output / "cards/posts/gina/drift.png").is_file()
    assert _meta(page, "og:image:width") == ["1200"] and _meta(page, "og:image:height") == ["630"]
    assert "Gina Guest, Alice Field, Bob Quote" in _meta(page, "og:image:alt")[0]
    assert _meta(page, "twitter:card") == ["summary_large_image"]
    assert _meta(page, "article:author") == [f"{SITEURL}/authors/{a}/" for a in ("gina", "alice", "bob")]
    assert _meta(page, "article:published_time") == ["2026-02-01T09:30:00+00:00"]
    assert _meta(page, "article:modified_time") == ["2026-03-01T00:00:00+00:00"]
    assert _meta(page, "article:expiration_time") == ["2027-01-31T18:00:00+00:00"]
    assert _meta(page, "article:section") == ["Service"]
    assert _meta(page, "article:tag") == ["sensors", "drift"]


def test_co_authored_guest_post_json_ld(guest_post, site):
    html_text = (site.output / "posts/gina/drift/index.html").read_text()
    script = html_text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script, "no title can close the script element"
    data = _article_ld(guest_post)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == HOSTILE_TITLE
    assert data["mainEntityOfPage"]["@id"] == "https://lab.nordlicht.example/blog/drift"
    assert data["url"] == f"{SITEURL}/posts/gina/drift/"
    assert data["datePublished"] == "2026-02-01T09:30:00+00:00"
    assert data["dateModified"] == "2026-03-01T00:00:00+00:00"
    assert data["expires"] == "2027-01-31T18:00:00+00:00"
    assert data["image"].startswith(f"{SITEURL}/cards/posts/gina/drift.png?v=")
    assert data["publisher"] == {"@type": "Organization", "name": "Halvard Instruments", "url": f"{SITEURL}/"}
    people = data["author"]
    assert [p["@type"] for p in people] == ["Person"] * 3
    assert [(p["name"], p["url"], p["jobTitle"]) for p in people] == [
        ("Gina Guest", f"{SITEURL}/authors/gina/", "Researcher"),
        ("Alice Field", f"{SITEURL}/authors/alice/", "Field Service Engineer"),
        ("Bob Quote", f"{SITEURL}/authors/bob/", "Account Manager"),
    ]
    assert people[0]["affiliation"] == {"@type": "Organization", "name": "Nordlicht University"}
    assert people[1]["worksFor"] == {"@type": "Organization", "name": "Halvard Instruments"}
    assert data["keywords"] == ["sensors", "drift"] and data["articleSection"] == "Service"


def test_own_post_canonical_is_its_url_and_listings_have_theirs(site):
    site.build(SITEURL=SITEURL)
    for page, url in (
        ("posts/alice/hello/index.html", "posts/alice/hello/"),
        ("authors/alice/index.html", "authors/alice/"),
        ("departments/service/index.html", "departments/service/"),
        ("index.html", ""),
    ):
        tree = site.page(page)
        assert [link.get("href") for link in tree.cssselect('link[rel="canonical"]')] == [
            f"{SITEURL}/{url}"
        ], page
        assert _meta(tree, "og:url") == [f"{SITEURL}/{url}"], page
    assert _meta(site.page("authors/alice/index.html"), "og:type") == ["profile"]


def test_local_build_keeps_links_relative_and_has_no_sitemap(site):
    site.build()
    page = site.page("posts/alice/hello/index.html")
    assert [link.get("href") for link in page.cssselect('link[rel="canonical"]')] == ["/posts/alice/hello/"]
    assert _meta(page, "og:image") == [] and _meta(page, "og:url") == []
    assert _meta(page, "twitter:card") == ["summary"]
    assert _article_ld(page)["url"] == "/posts/alice/hello/"
    assert not (site.output / "sitemap.xml").exists()
    assert "Sitemap:" not in (site.output / "robots.txt").read_text()


def test_hidden_post_and_404_are_not_indexed(site):
    site.write("content/alice/unlisted.md", post("Unlisted", Status="hidden"))
    site.build(SITEURL=SITEURL)
    assert _meta(site.page("posts/alice/unlisted/index.html"), "robots") == ["noindex"]
    missing = site.page("404.html")
    assert _meta(missing, "robots") == ["noindex"] and not missing.cssselect('link[rel="canonical"]')
    assert _meta(site.page("posts/alice/hello/index.html"), "robots") == []


def test_sitemap_lists_published_pages_with_last_changes(site):
    site.write(
        "content/alice/repaired.md",
        post("Repaired", date="2026-02-01", Modified="2026-04-01 10:00", Tags="Flow meters"),
    )
    site.write("content/gina/drift.md", post("Drift", date="2026-03-01", Co_Authors="bob"))
    site.write("content/alice/draft.md", post("Draft", Status="draft", Tags="secret-topic"))
    site.write("content/alice/later.md", post("Later", date="2027-01-01", Tags="future-topic"))
    site.write("content/alice/unlisted.md", post("Unlisted", Status="hidden"))
    site.write("content/pages/about.md", "Title: About\n\nAbout us.\n")
    site.write(
        "content/bob/elsewhere.md", post("First on our partner's blog", Canonical="https://partner.example/a")
    )
    site.write("content/bob/own.md", post("Own", Canonical=f"{SITEURL}/posts/bob/own/"))
    site.write("content/bob/own-too.md", post("Own too", Canonical="http://VOICES.example/posts/bob/own-too"))
    site.build(SITEURL=SITEURL)
    urls = _sitemap_urls(site.output)
    expected = {
        "", "posts/alice/hello/", "posts/alice/repaired/", "posts/gina/drift/", "about/",
        "authors/", "authors/alice/", "authors/bob/", "authors/gina/",
        "departments/", "departments/service/", "topics/", "topics/flow-meters/", "archives/",
        "posts/bob/own/", "posts/bob/own-too/",
    }  # fmt: skip
    assert expected <= {loc.removeprefix(f"{SITEURL}/") for loc in urls}
    # A republished post is the partner's page to search engines (its canonical link).
    for forbidden in ("draft", "later", "unlisted", "secret-topic", "future-topic", "404", "elsewhere"):
        assert not [loc for loc in urls if forbidden in loc], forbidden
    for loc in urls:
        relative = loc.removeprefix(f"{SITEURL}/")
        assert loc.startswith(f"{SITEURL}/") and (site.output / relative / "index.html").is_file(), loc
    assert urls[f"{SITEURL}/posts/alice/repaired/"] == "2026-04-01T10:00:00+00:00", "modified wins"
    assert urls[f"{SITEURL}/posts/alice/hello/"] == "2026-01-10T00:00:00+00:00", "else the date"
    assert urls[f"{SITEURL}/authors/bob/"] == "2026-03-01T00:00:00+00:00", (
        "a profile changes with a co-authored post"
    )
    assert urls[f"{SITEURL}/"] == "2026-04-01T10:00:00+00:00"
    for stamp in filter(None, urls.values()):
        assert dt.datetime.fromisoformat(stamp).tzinfo is not None


def test_the_newer_link_of_page_2_is_the_listings_own_address(site):
    """Page 2 of the home page linked '/index.html' as the newer page: the home page's
    address is '/' (its canonical URL), as every other listing's is its folder."""
    for n in range(13):
        site.write(f"content/alice/note-{n}.md", post(f"Note {n}", date=f"2026-02-{n + 1:02d}", Tags="drift"))
    site.build(SITEURL=SITEURL)
    for listing in ("", "topics/drift/", "authors/alice/", "departments/service/"):
        second = site.page(f"{listing}page/2/index.html")
        assert second.xpath("//nav[@class='pagination']/a[@rel='prev']/@href") == [f"{SITEURL}/{listing}"]
        first = site.page(f"{listing}index.html")
        assert first.xpath("//link[@rel='canonical']/@href") == [f"{SITEURL}/{listing}"]


def test_later_pages_of_a_listing_say_their_number_once(site):
    for n in range(13):
        site.write(f"content/alice/note-{n}.md", post(f"Note {n}", date=f"2026-02-{n + 1:02d}", Tags="drift"))
    site.build()
    for listing in ("topics/drift", "authors/alice", "departments/service", ""):
        first, second = (
            site.page(f"{listing}/index.html".lstrip("/")),
            site.page(f"{listing}/page/2/index.html".lstrip("/")),
        )
        title = second.findtext(".//title")
        [description] = _meta(second, "description")
        assert title.lower().count("page 2") == 1 and description.lower().count("page 2") == 1, (
            title,
            description,
        )
        assert title != first.findtext(".//title") and description != _meta(first, "description")[0]


def test_robots_txt_points_at_the_sitemap(site):
    site.build(SITEURL=SITEURL + "/")
    robots = (site.output / "robots.txt").read_text().splitlines()
    assert robots[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_seo_output_paths_are_claimed(site):
    problems = site.problems(NETWORK_INDEX_SAVE_AS="robots.txt")
    assert problems == [
        "NETWORK_INDEX_SAVE_AS: error: would be written to 'robots.txt', which SEO_ROBOTS_SAVE_AS already writes (rename one, or give it another Slug:)"
    ]
    site.write("content/pages/sitemap.md", "Title: Site map\n\nEvery page.\n")
    assert any("page slug 'sitemap' is used by the site itself" in p for p in site.problems(SITEURL=SITEURL))


def test_unknown_seo_setting_is_reported(site):
    assert site.problems(SEO_SITEMAP="x.xml") == [
        "pelicanconf.py: error: SEO_SITEMAP: unknown setting (did you mean SEO_SITEMAP_SAVE_AS?)"
    ]


def test_large_sitemap_is_split_under_an_index(monkeypatch, tmp_path):
    monkeypatch.setattr(sitemap_module, "MAX_URLS", 2)
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    entries = [
        Entry(f"posts/a/{n}/", f"posts/a/{n}/index.html", stamp + dt.timedelta(days=n)) for n in range(5)
    ]
    files = sitemap_files(entries, UrlScheme({**chorus_settings(tmp_path), "SITEURL": SITEURL}))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = etree.fromstring(files["sitemap.xml"])
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    assert [s.findtext("sm:loc", namespaces=NS) for s in index] == [
        f"{SITEURL}/sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    listed = [
        u.findtext("sm:loc", namespaces=NS)
        for name in files
        if name != "sitemap.xml"
        for u in etree.fromstring(files[name])
    ]
    assert listed == [f"{SITEURL}/posts/a/{n}/" for n in range(5)]


# The demo network: every page's title and description, and its sitemap, as published.


@pytest.fixture(scope="module")
def published_sample(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("sample-seo") / "output"
    overrides = {"CHORUS_NOW": "2026-11-22T12:00:00+00:00", "SITEURL": "https://voices.halvard.example"}
    build_site(PROJECT_ROOT, output=output, strict=True, overrides=overrides)
    return output


def test_sample_pages_have_unique_titles_and_descriptions(published_sample):
    titles, descriptions = Counter(), Counter()
    for path in sorted(published_sample.rglob("*.html")):
        page = lxml_html.fromstring(path.read_bytes())
        titles[page.findtext(".//title").strip()] += 1
        [description] = _meta(page, "description")
        assert description.strip(), path
        descriptions[description] += 1
    assert [t for t, n in titles.items() if n > 1] == []
    assert [d for d, n in descriptions.items() if n > 1] == []
    assert any("page 2" in t for t in titles), "paginated listings say which page they are"


def test_sample_sitemap_lists_only_published_pages(published_sample):
    urls = _sitemap_urls(published_sample)
    canary_sources = [
        p for p in (PROJECT_ROOT / "content").rglob("*.md") if "UNPUBLISHED-CANARY" in p.read_text()
    ]
    assert canary_sources
    for source in canary_sources:
        assert not [u for u in urls if f"/{source.stem}/" in u], source
    # A republished post (Canonical: its original elsewhere) is the original's to search engines.
    republished = {
        f"/{p.parent.name}/{p.stem}/"
        for p in (PROJECT_ROOT / "content").glob("*/*.md")
        if re.search(r"^Canonical: https://(?!voices\.halvard\.example/)", p.read_text(), re.M)
    }
    assert republished
    index = json.loads((published_sample / "network.json").read_text())
    for url in (p["url"] for p in index["posts"]):
        assert (url in urls) is not any(url.endswith(r) for r in republished), url
    assert {a["profile_url"] for a in index["authors"]} <= set(urls)
    assert {d["url"] for d in index["departments"]} <= set(urls)
