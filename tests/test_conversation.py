"""Conversation (plugins.conversation): share links on every post, comments readers opt into.

Most tests judge the settings and the views without Pelican; a handful build a tiny site
and read its pages as a browser receives them (the browser itself: tests/gates/test_conversation.py).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from chorus.check import run_check
from conftest import GINA, post
from plugins.conversation.settings import SETTINGS
from plugins.conversation.views import CommentsSetup, share_links
from plugins.network.errors import ConfigError
from plugins.network.i18n import Language
from plugins.network.model import Author, Post, Status

GISCUS = {
    "repo": "halvard/voices",
    "repo_id": "R_kgDOH1a2bQ",
    "category": "Comments",
    "category_id": "DIC_kwDOH1a2bc4CQ1fz",
}
REMARK42 = {"host": "https://comments.example.com", "site_id": "voices"}
WITH_GISCUS = {"COMMENTS_PROVIDER": "giscus", "COMMENTS_GISCUS": GISCUS}
WITH_REMARK42 = {"COMMENTS_PROVIDER": "remark42", "COMMENTS_REMARK42": REMARK42}
PROVIDER_HOSTS = ("giscus.app", "github.com", "comments.example.com")
TODAY = dt.date(2026, 6, 1)
ATOM = "{http://www.w3.org/2005/Atom}"


# --- settings --------------------------------------------------------------------------------


def setting_problems(**settings) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        SETTINGS.apply(settings)
    return [str(p) for p in caught.value.problems]


def test_comments_are_off_by_default():
    settings: dict = {}
    SETTINGS.apply(settings)
    assert settings["COMMENTS_PROVIDER"] is None


@pytest.mark.parametrize(
    "provider, setting, complete, missing",
    [
        ("giscus", "COMMENTS_GISCUS", GISCUS, "repo_id"),
        ("remark42", "COMMENTS_REMARK42", REMARK42, "site_id"),
    ],
)
def test_an_incomplete_provider_setting_names_the_missing_key(provider, setting, complete, missing):
    incomplete = {k: v for k, v in complete.items() if k != missing}
    [problem] = setting_problems(COMMENTS_PROVIDER=provider, **{setting: incomplete})
    assert problem.startswith(
        f"pelicanconf.py: error: {setting}: missing key '{missing}' (expected a dict with "
    )
    assert setting_problems(COMMENTS_PROVIDER=provider) == [
        f"pelicanconf.py: error: {setting}: required when COMMENTS_PROVIDER is '{provider}' (a dict with "
        + (
            "repo, repo_id, category, category_id, as giscus.app shows them)"
            if provider == "giscus"
            else "host and site_id)"
        )
    ]


def test_provider_values_are_checked_key_by_key():
    assert setting_problems(
        COMMENTS_PROVIDER="disqus",
        COMMENTS_GISCUS={**GISCUS, "repo": "voices", "mapping": "pathname", "thme": "dark"},
        COMMENTS_REMARK42={"host": "javascript:alert(1)", "site_id": "voices"},
    ) == [
        "pelicanconf.py: error: COMMENTS_GISCUS: key 'mapping': expected 'specific': threads are keyed by each"
        " post's stable id, so moves and renames keep them ('pathname', 'url' and 'title' would not), found 'pathname'",
        "pelicanconf.py: error: COMMENTS_GISCUS: key 'repo': expected the repository as 'owner/name', found 'voices'",
        "pelicanconf.py: error: COMMENTS_GISCUS: unknown key 'thme' (did you mean 'theme'?)",
        "pelicanconf.py: error: COMMENTS_PROVIDER: expected one of None, 'giscus', 'remark42' (got 'disqus')",
        "pelicanconf.py: error: COMMENTS_REMARK42: key 'host': expected the address of the Remark42 server,"
        " like 'https://comments.example.com', found 'javascript:alert(1)'",
    ]


def test_chorus_check_reports_an_incomplete_provider_setting_like_the_build(site):
    incomplete = {key: value for key, value in GISCUS.items() if key != "category_id"}
    overrides = {"COMMENTS_PROVIDER": "giscus", "COMMENTS_GISCUS": incomplete}
    checked = [str(p) for p in run_check(site.root, overrides=overrides).problems]
    built = site.problems(**overrides)
    assert checked == built and len(built) == 1 and "COMMENTS_GISCUS: missing key 'category_id'" in built[0]


# --- views, without Pelican ------------------------------------------------------------------


def make_post(**fields) -> Post:
    base = dict(
        source="alice/hello.md",
        path="content/alice/hello.md",
        title="Hello",
        slug="hello",
        status=Status.PUBLISHED,
        header={},
        body="",
        body_line=3,
        references=(),
        owner="alice",
        department="service",
    )
    return Post(**{**base, **fields})


def make_author(author_id: str, kind: str = "expert", contact: str | None = None, **fields) -> Author:
    name = fields.pop("name", author_id.title() + " Example")
    return Author(author_id, name, kind, "t", "service", ("service",), (), "", "", contact=contact, **fields)


def test_share_links_carry_the_absolute_url_and_nothing_else():
    url = "https://voices.example.com/posts/alice/hello/"
    share = share_links("Pumps & valves", url, Language.of({"DEFAULT_LANG": "en"}))
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


@pytest.mark.parametrize(
    "post_fields, authors, settings, wanted",
    [
        ({}, [make_author("alice")], {}, True),
        ({"comments": False}, [make_author("alice")], {}, False),
        ({"department": "hr"}, [make_author("alice")], {"COMMENTS_OFF_DEPARTMENTS": ["hr"]}, False),
        ({}, [make_author("alice"), make_author("gina", "guest")], {"COMMENTS_OFF_FOR_GUESTS": True}, False),
        ({}, [make_author("alice"), make_author("gina", "guest")], {}, True),
        ({}, [make_author("alice")], {"COMMENTS_PROVIDER": None}, False),
    ],
)
def test_which_posts_have_comments(post_fields, authors, settings, wanted):
    values = {**WITH_GISCUS, **settings}
    SETTINGS.apply(values)
    setup = CommentsSetup.from_settings(values, None)
    assert setup.wanted(make_post(**post_fields), authors) is wanted


def test_giscus_thread_is_the_stable_id_and_the_plain_link_searches_for_it():
    values = dict(WITH_GISCUS)
    SETTINGS.apply(values)
    thread = "tag:voices.example.com,2026-01-10:alice/hello"
    comments = CommentsSetup.from_settings(values, "comment-policy/").comments(
        make_post(), thread, [make_author("alice")], TODAY
    )
    assert comments is not None and comments.button == "Load comments from GitHub Discussions"
    attributes = comments.config["script"]["attributes"]
    assert comments.config["script"]["src"] == "https://giscus.app/client.js"
    assert (attributes["data-mapping"], attributes["data-term"], attributes["data-strict"]) == (
        "specific",
        thread,
        "1",
    )
    assert attributes["data-theme"] == "preferred_color_scheme"
    link = urlsplit(comments.link.url)
    assert (link.netloc, link.path) == ("github.com", "/halvard/voices/discussions")
    assert parse_qs(link.query) == {"discussions_q": [f'"{thread}"']}
    assert comments.policy_url == "comment-policy/"


def test_remark42_thread_is_the_stable_id_and_the_plain_link_asks_an_author():
    values = dict(WITH_REMARK42)
    SETTINGS.apply(values)
    setup = CommentsSetup.from_settings(values, None)
    thread = "tag:voices.example.com,2026-01-10:alice/hello"
    authors = [
        make_author("alice"),
        make_author("bob", contact="mailto:bob@example.com", name="Dr. Bob Quote"),
    ]
    comments = setup.comments(make_post(), thread, authors, TODAY)
    assert comments is not None and comments.button == "Load comments from comments.example.com"
    assert comments.config["script"] == {
        "src": "https://comments.example.com/web/embed.mjs",
        "type": "module",
        "attributes": {},
    }
    assert comments.config["global"]["name"] == "remark_config"
    assert comments.config["global"]["value"]["url"] == thread
    assert (comments.link.url, comments.link.text) == ("mailto:bob@example.com", "ask Bob directly")
    assert setup.comments(make_post(), thread, authors[:1], TODAY).link is None


# --- built pages -----------------------------------------------------------------------------


def comment_site(site):
    site.write("content/pages/comment-policy.md", "Title: Comment policy\n\nWhat we publish.\n")
    site.write("content/alice/quiet.md", post("Quiet one", date="2026-02-01", Comments="off"))
    site.write("content/bob/deal.md", post("The deal", date="2026-03-01", Tags="tenders"))
    return site


def post_pages(output) -> list:
    return sorted((output / "posts").glob("*/*/index.html"))


def other_pages(output) -> list:
    return sorted(p for p in output.rglob("*.html") if "posts" not in p.relative_to(output).parts[:1])


def entry_ids(output) -> dict[str, str]:
    """Post URL -> its Atom entry id: the feeds' stable ids, read where feed readers read them."""
    feed = ElementTree.parse(output / "feeds/network/atom.xml").getroot()
    return {
        urlsplit(entry.find(f"{ATOM}link").get("href")).path: entry.find(f"{ATOM}id").text
        for entry in feed.iter(f"{ATOM}entry")
    }


def provider_resources(page) -> list[str]:
    """Scripts, frames, styles and images the page would load from a comment provider."""
    found = []
    for element in page.cssselect("script[src], iframe, link[href], img[src], source[srcset]"):
        address = element.get("src") or element.get("href") or element.get("srcset") or ""
        if element.tag == "iframe" or any(host in address for host in PROVIDER_HOSTS):
            found.append(f"<{element.tag} {address}>")
    return found


@pytest.mark.parametrize("settings", [WITH_GISCUS, WITH_REMARK42], ids=["giscus", "remark42"])
def test_every_post_page_has_the_comments_section_and_nothing_loads_from_the_provider(site, settings):
    output = comment_site(site).build(**settings)
    ids = entry_ids(output)
    with_comments = {}
    for path in post_pages(output):
        page = site.page(str(path.relative_to(output)))
        assert not provider_resources(page), path
        url = "/" + str(path.parent.relative_to(output)) + "/"
        sections = page.cssselect("section.comments[data-comments]")
        with_comments[url] = bool(sections)
        if sections:
            [button] = sections[0].cssselect("button[data-comments-load]")
            assert button.text_content() in (
                "Load comments from GitHub Discussions",
                "Load comments from comments.example.com",
            )
            assert ids[url] in sections[0].get("data-comments-config"), "the thread is the feed entry's id"
            assert sections[0].cssselect("a[href='/comment-policy/']"), "every section links the policy"
            assert [s.get("src") for s in page.cssselect("script[src$='comments.js']")] == [
                "/theme/js/comments.js"
            ]
    assert with_comments == {
        "/posts/alice/hello/": True,
        "/posts/alice/quiet/": False,
        "/posts/bob/deal/": True,
    }
    for path in other_pages(output):  # pages, listings, profiles, the directory
        page = site.page(str(path.relative_to(output)))
        assert not page.cssselect("[data-comments], #comments, script[src$='comments.js']"), path


def test_a_missing_policy_page_or_an_unknown_department_fails_the_build(site):
    assert site.problems(**WITH_GISCUS, COMMENTS_OFF_DEPARTMENTS=["servce"]) == [
        "pelicanconf.py: error: COMMENTS_OFF_DEPARTMENTS: unknown department 'servce' (did you mean 'service'?)",
        "pelicanconf.py: error: COMMENTS_POLICY_PAGE: no page 'comment-policy' in content/pages/ (write"
        " content/pages/comment-policy.md, saying what gets published and how comments are moderated,"
        " or set COMMENTS_POLICY_PAGE = None)",
    ]
    site.build(**WITH_GISCUS, COMMENTS_POLICY_PAGE=None)
    page = site.page("posts/alice/hello/index.html")
    assert page.cssselect("[data-comments]") and not page.cssselect("[data-comments] .comments-notice a")


def test_departments_and_guests_can_be_left_without_comments(site):
    comment_site(site).write("content/gina/visit.md", post("A visit", date="2026-04-01"))
    site.write("authors/gina.yml", GINA)
    output = site.build(**WITH_GISCUS, COMMENTS_OFF_DEPARTMENTS=["sales"], COMMENTS_OFF_FOR_GUESTS=True)
    with_comments = {
        str(path.parent.relative_to(output)): bool(
            site.page(str(path.relative_to(output))).cssselect("[data-comments]")
        )
        for path in post_pages(output)
    }
    assert with_comments == {
        "posts/alice/hello": True,
        "posts/alice/quiet": False,  # Comments: off
        "posts/bob/deal": False,  # sales
        "posts/gina/visit": False,  # a guest's
    }


def test_default_settings_write_no_comments_markup_and_no_third_party_address_but_share_links(site):
    output = comment_site(site).build(SITEURL="https://voices.example.com")
    for path in output.rglob("*.html"):
        page = site.page(str(path.relative_to(output)))
        text = path.read_text(encoding="utf-8")
        assert "giscus" not in text and "remark" not in text and "data-comments" not in text, path
        share = {a.get("href") for a in page.cssselect(".share-links a")}
        for element in page.cssselect("[href], [src], [srcset], [action]"):
            for address in filter(None, (element.get(a) for a in ("href", "src", "srcset", "action"))):
                parts = urlsplit(address)
                third_party = parts.scheme == "mailto" or (
                    parts.netloc and parts.netloc != "voices.example.com"
                )
                assert not third_party or address in share, f"{path}: {address}"


def test_every_post_has_share_links_with_its_absolute_url(site):
    output = comment_site(site).build(SITEURL="https://voices.example.com/blog")
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
