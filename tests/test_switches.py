"""Issue 13 point 5: a feature switched off leaves no page, link or file behind.

Each test builds a tiny site with one feature off and runs the link checker over the whole
output (every href, src, srcset, form action, sharing <meta>, JSON-LD URL and sitemap entry
that points into the site must name a written file), then checks the feature's own pages
and files are gone. The first test is the control: with everything on, they are there.
"""

from __future__ import annotations

from pathlib import Path

from sitelinks import broken_links

from conftest import post

SITEURL = "https://voices.example.com"


def tiny_network(site) -> None:
    site.write("content/bob/deal.md", post("Tender pricing", date="2026-02-01", Tags="tenders, pricing"))
    site.write("content/alice/tenders.md", post("Tenders in service", date="2026-02-03", Tags="tenders"))


def files(output: Path) -> set[str]:
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}


def hrefs(site, output: Path) -> set[str]:
    """Every link, script and form target on every page."""
    found = set()
    for page in output.rglob("*.html"):
        document = site.page(page.relative_to(output).as_posix())
        for element in document.iter():
            if isinstance(element.tag, str):
                found.update(v for k in ("href", "src", "action") if (v := element.get(k)))
    return found


def test_the_link_checker_finds_a_missing_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<a href="/b/">b</a> <img src="../missing.png" srcset="/a/ 1x, /gone.png 2x" alt="">'
        '<meta property="og:image" content="https://x.example/cards/a.png">'
    )
    assert broken_links(tmp_path, "https://x.example") == [
        "a/index.html: /b/",
        "a/index.html: ../missing.png",
        "a/index.html: /gone.png",
        "a/index.html: https://x.example/cards/a.png",
    ]


def test_with_every_feature_on_their_pages_and_files_are_there(site):
    tiny_network(site)
    output = site.build(SITEURL=SITEURL)
    assert broken_links(output, SITEURL) == []
    written = files(output)
    assert {"search/index.html", "pagefind/pagefind.js", "theme/js/search.js"} <= written
    assert {"authors/index.html", "authors/expertise/index.html", "theme/js/directory.js"} <= written
    assert "feeds/topics.opml" in written and any(f.startswith("cards/") for f in written)
    post_page = site.page("posts/bob/deal/index.html")
    assert post_page.cssselect(".crosslinks-related a") and post_page.cssselect('meta[property="og:image"]')


def test_unicode_slugs_name_the_topic_pages_every_page_links_to(site):
    # SLUGIFY_USE_UNICODE is Pelican's: its topic pages keep the letters, and so must every
    # link the network's own pages make to them (the health page's topic table among them).
    site.write("content/bob/deal.md", post("Größe", Tags="Größe, Maß"))
    site.write("content/alice/tenders.md", post("Maße", Tags="Maß"))
    output = site.build(SLUGIFY_USE_UNICODE=True)
    assert {"topics/größe/index.html", "topics/maß/index.html"} <= files(output)
    assert broken_links(output) == []
    assert site.check(SLUGIFY_USE_UNICODE=True) == []


def test_search_off_removes_the_search_page_box_index_and_script(site):
    tiny_network(site)
    output = site.build(SITE_SEARCH_ENABLED=False)
    assert broken_links(output) == []
    written = files(output)
    assert not {"search/index.html", "theme/js/search.js"} & written
    assert not any(f.startswith("pagefind/") for f in written)
    assert not any("/search/" in url or "search.js" in url for url in hrefs(site, output))
    assert not site.page("index.html").cssselect("form[role=search]")


def test_social_cards_off_draws_none_and_no_page_points_at_one(site):
    tiny_network(site)
    output = site.build(SITEURL=SITEURL, SOCIAL_CARDS_ENABLED=False)
    assert broken_links(output, SITEURL) == []
    assert not any(f.startswith("cards/") for f in files(output))
    for page in ("posts/bob/deal/index.html", "authors/bob/index.html", "departments/sales/index.html"):
        document = site.page(page)
        assert not document.cssselect('meta[property="og:image"]'), page
        assert document.cssselect('meta[name="twitter:card"]')[0].get("content") == "summary", page


def test_related_posts_off_lists_none(site):
    tiny_network(site)
    output = site.build(CROSSLINKS_RELATED_COUNT=0)
    assert broken_links(output) == []
    for page in output.glob("posts/*/*/index.html"):
        assert not site.page(page.relative_to(output).as_posix()).cssselect(".crosslinks-related"), page


def test_directory_off_removes_its_pages_script_and_every_link_to_them(site):
    tiny_network(site)
    output = site.build(AUTHOR_PROFILES_DIRECTORY=False)
    assert broken_links(output) == []
    written = files(output)
    gone = {"authors/index.html", "authors/expertise/index.html", "theme/js/directory.js"}
    gone |= {"authors/kind/expert/index.html", "authors/kind/guest/index.html"}
    assert not gone & written
    assert "authors/bob/index.html" in written  # profiles stay
    links = hrefs(site, output)
    assert not {"/authors/", "/authors/expertise/"} & {url.split("#")[0] for url in links}
    assert not site.page("index.html").cssselect('header nav a[href="/authors/"]')
    expertise = site.page("authors/alice/index.html").cssselect(".expertise-list")[0]
    assert not expertise.cssselect("a") and expertise.cssselect("span")  # named, not linked


def test_a_feed_scope_off_removes_its_feeds_opml_and_links(site):
    tiny_network(site)
    output = site.build(DEPARTMENT_FEEDS_SCOPES=["network", "departments", "authors"])
    assert broken_links(output) == []
    written = files(output)
    assert not any(f.startswith("feeds/topics") for f in written)
    assert "topics/tenders/index.html" in written  # the topic's page stays
    assert not any(url.startswith("/feeds/topics") for url in hrefs(site, output))
    subscribe = site.page("subscribe/index.html")
    assert [h.text_content().split()[0] for h in subscribe.cssselect("main h2")] == [
        "The",
        "Departments",
        "Experts",
    ]
