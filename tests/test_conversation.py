"""Conversation (plugins.conversation): share links on every post.

Most tests judge the views without Pelican; a handful build a tiny site and read its pages.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from conftest import post
from plugins.conversation.views import share_links

# --- views, without Pelican ------------------------------------------------------------------


def test_share_links_carry_the_absolute_url_and_nothing_else():
    url = "https://voices.example.com/posts/alice/hello/"
    share = share_links("Pumps & valves", url)
    assert share.text == "Pumps & valves " + url
    queries = {link.service: (urlsplit(link.url), parse_qs(urlsplit(link.url).query)) for link in share.links}
    assert {s: (u.scheme, u.netloc, u.path) for s, (u, _) in queries.items()} == {
        "linkedin": ("https", "www.linkedin.com", "/sharing/share-offsite/"),
        "x": ("https", "x.com", "/intent/tweet"),
        "email": ("mailto", "", ""),
    }
    assert queries["linkedin"][1] == {"url": [url]}
    assert queries["x"][1] == {"text": ["Pumps & valves"], "url": [url]}
    assert queries["email"][1] == {"subject": ["Pumps & valves"], "body": [url]}


# --- built pages -----------------------------------------------------------------------------


def share_site(site):
    site.write("content/pages/comment-policy.md", "Title: Comment policy\n\nWhat we publish.\n")
    site.write("content/bob/deal.md", post("The deal", date="2026-03-01", Tags="tenders"))
    return site


def post_pages(output) -> list:
    return sorted((output / "posts").glob("*/*/index.html"))


def test_every_post_has_share_links_with_its_absolute_url(site):
    output = share_site(site).build(SITEURL="https://voices.example.com/blog")
    for path in post_pages(output):
        page = site.page(str(path.relative_to(output)))
        url = "https://voices.example.com/blog/" + str(path.parent.relative_to(output)) + "/"
        links = {a.get("class"): a.get("href") for a in page.cssselect(".share-links a")}
        assert set(links) == {"share-linkedin", "share-x", "share-email"}
        assert all(
            url in parse_qs(urlsplit(href).query).get(key, [""])[0]
            for href, key in (
                (links["share-linkedin"], "url"),
                (links["share-x"], "url"),
                (links["share-email"], "body"),
            )
        )
        assert page.cssselect("#share-url")[0].get("value") == url
        assert page.cssselect("[data-share-mastodon]")[0].get("data-share-text").endswith(" " + url)
        assert not page.cssselect("script[src]:not([src^='https://voices.example.com/blog/theme/js/'])")
    for listing in (
        "comment-policy/index.html",
        "index.html",
        "authors/alice/index.html",
        "topics/tenders/index.html",
    ):
        assert not site.page(listing).cssselect(".share"), listing
