"""The URL scheme: where every output goes and which URL it has, and SITEURL's one rule."""

from __future__ import annotations

import dataclasses
import json

import pytest
from lxml import etree
from pelican.settings import read_settings

from chorus.conf import chorus_settings
from plugins.network import ConfigError
from plugins.network.urls import Output, UrlScheme, reserved_top_level


@pytest.fixture
def settings_of(tmp_path):
    (tmp_path / "content").mkdir()

    def settings_of(**overrides) -> dict:
        return read_settings(None, override={**chorus_settings(tmp_path), **overrides})

    return settings_of


@pytest.fixture
def scheme_of(settings_of):
    return lambda **overrides: UrlScheme(settings_of(**overrides))


def test_every_output_kind_with_the_default_settings(scheme_of):
    urls = scheme_of()
    assert urls.home() == Output("", "index.html")
    assert urls.post("alice", "hello") == Output("posts/alice/hello/", "posts/alice/hello/index.html")
    assert urls.page("about") == Output("about/", "about/index.html")
    assert urls.author("alice") == Output("authors/alice/", "authors/alice/index.html")
    assert urls.author_directory() == Output("authors/", "authors/index.html")
    assert urls.author_directory("guest") == Output("authors/kind/guest/", "authors/kind/guest/index.html")
    assert urls.expertise_index() == Output("authors/expertise/", "authors/expertise/index.html")
    assert urls.department("service") == Output("departments/service/", "departments/service/index.html")
    assert urls.department_index() == Output("departments/", "departments/index.html")
    assert urls.topic("flow-meters") == Output("topics/flow-meters/", "topics/flow-meters/index.html")
    assert urls.topic_index() == Output("topics/", "topics/index.html")
    assert urls.archives() == Output("archives/", "archives/index.html")
    assert urls.year_archive(2026) == Output("archives/2026/", "archives/2026/index.html")
    assert urls.search() == Output("search/", "search/index.html")
    assert urls.not_found() == Output("404.html", "404.html")
    assert urls.subscribe() == Output("subscribe/", "subscribe/index.html")
    assert urls.media("alice/chart.png") == Output("media/alice/chart.png", "media/alice/chart.png")


def test_every_file_kind_with_the_default_settings(scheme_of):
    urls = scheme_of()

    def file(path: str) -> Output:
        return Output(path, path)

    assert urls.feed("network", "atom") == file("feeds/network/atom.xml")
    assert urls.feed("departments", "rss", "service") == file("feeds/departments/service/rss.xml")
    assert urls.feed("authors", "json", "alice") == file("feeds/authors/alice/feed.json")
    assert urls.feed("topics", "atom", "flow-meters") == file("feeds/topics/flow-meters/atom.xml")
    assert urls.opml() == file("feeds/network.opml")
    assert urls.opml("service") == file("feeds/departments/service.opml")
    assert urls.social_card("posts/alice/hello/") == file("cards/posts/alice/hello.png")
    assert urls.social_card("") == file("cards/index.png")
    assert urls.avatar("alice", "alice-64.webp") == file("avatars/alice/alice-64.webp")
    assert urls.search_bundle("pagefind.js") == file("pagefind/pagefind.js")
    assert urls.search_bundle("") == file("pagefind/")
    assert urls.network_index() == file("network.json")
    assert urls.sitemap() == file("sitemap.xml")
    assert urls.sitemap(part=2) == file("sitemap-2.xml")
    assert urls.robots() == file("robots.txt")


def test_a_custom_scheme_comes_from_the_settings(scheme_of):
    urls = scheme_of(
        ARTICLE_URL="{author_id}/{slug}.html",
        ARTICLE_SAVE_AS="{author_id}/{slug}.html",
        AUTHOR_URL="people/{slug}/",
        AUTHOR_SAVE_AS="people/{slug}/index.html",
        CATEGORY_URL="teams/{slug}.html",
        CATEGORY_SAVE_AS="teams/{slug}.html",
        TAG_URL="t/{slug}/",
        TAG_SAVE_AS="t/{slug}/index.html",
        YEAR_ARCHIVE_URL="{date:%Y}/",
        YEAR_ARCHIVE_SAVE_AS="{date:%Y}/index.html",
        AUTHOR_PROFILES_KIND_URL="people/{kind}s/",
        AUTHOR_PROFILES_KIND_SAVE_AS="people/{kind}s/index.html",
        DEPARTMENT_FEEDS_TOPIC_PATH="syndication/t/{slug}/",
        DEPARTMENT_FEEDS_FILE_NAMES={"atom": "index.atom"},
        DEPARTMENT_FEEDS_DEPARTMENT_OPML_SAVE_AS="opml/{slug}.xml",
        SOCIAL_CARDS_PATH="og/",
        AUTHOR_PROFILES_AVATAR_PATH="img/people",
        SEO_SITEMAP_SAVE_AS="maps/site.xml",
        STATIC_URL="files/{path}",
        STATIC_SAVE_AS="files/{path}",
    )
    assert urls.post("alice", "hello") == Output("alice/hello.html", "alice/hello.html")
    assert urls.author("alice") == Output("people/alice/", "people/alice/index.html")
    assert urls.department("service") == Output("teams/service.html", "teams/service.html")
    assert urls.topic("drift") == Output("t/drift/", "t/drift/index.html")
    assert urls.year_archive(2025) == Output("2025/", "2025/index.html")
    assert urls.author_directory("expert") == Output("people/experts/", "people/experts/index.html")
    assert urls.feed("topics", "atom", "drift").save_as == "syndication/t/drift/index.atom"
    assert urls.feed("topics", "rss", "drift").save_as == "syndication/t/drift/rss.xml"
    assert urls.opml("sales").save_as == "opml/sales.xml"
    assert urls.social_card("people/alice/").save_as == "og/people/alice.png"
    assert urls.avatar("alice", "a.png").url == "img/people/alice/a.png"
    assert urls.sitemap(part=1).save_as == "maps/site-1.xml"
    assert urls.media("a.pdf") == Output("files/a.pdf", "files/a.pdf")


def test_an_output_the_site_does_not_write_has_no_save_as(scheme_of):
    assert scheme_of(**{"404_SAVE_AS": ""}).not_found().save_as == ""


@pytest.mark.parametrize(
    "settings, message",
    [
        (  # Pelican's dated URLs: Chorus files posts by author
            {"ARTICLE_URL": "{date:%Y}/{slug}/", "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html"},
            "ARTICLE_URL: '{date:%Y}/{slug}/' uses a placeholder Chorus does not fill here;"
            " use only {author_id}, {author}, {slug}",
        ),
        (
            {"TAG_URL": "topics/{name}/", "TAG_SAVE_AS": "topics/{name}/index.html"},
            "TAG_URL: 'topics/{name}/' uses a placeholder Chorus does not fill here; use only {slug}",
        ),
        (  # Pelican's way of leaving a page out: the hub's pages link to every one of these
            {"TAG_SAVE_AS": ""},
            "TAG_SAVE_AS: '' would leave every topic's page unwritten, but the network's pages"
            " link to it; remove the setting (Chorus writes every page of the hub)",
        ),
        (  # only the file set: Pelican has no ARCHIVES_URL, Chorus's pages link to it
            {"ARCHIVES_SAVE_AS": "archives.html"},
            "ARCHIVES_URL 'archives/' and ARCHIVES_SAVE_AS 'archives.html' disagree: pages would"
            " link to 'archives/' while the file is 'archives.html'; set both, like"
            " ARCHIVES_URL = '{…}/' with ARCHIVES_SAVE_AS = '{…}/index.html'",
        ),
        (
            {"INDEX_SAVE_AS": "blog/index.html"},
            "INDEX_SAVE_AS: the home page is written as 'index.html', found 'blog/index.html';"
            " remove the setting",
        ),
    ],
)
def test_pelican_url_settings_the_scheme_cannot_follow_are_settings_errors(scheme_of, settings, message):
    with pytest.raises(ConfigError) as caught:
        scheme_of(**settings)
    assert str(caught.value) == f"pelicanconf.py: error: {message}"


def test_a_url_setting_the_scheme_cannot_follow_is_named_by_check_and_build(site):
    settings = {"ARTICLE_URL": "{date:%Y}/{slug}/", "ARTICLE_SAVE_AS": "{date:%Y}/{slug}/index.html"}
    expected = [
        "pelicanconf.py: error: ARTICLE_URL: '{date:%Y}/{slug}/' uses a placeholder Chorus does not"
        " fill here; use only {author_id}, {author}, {slug}"
    ]
    assert site.check(**settings) == expected
    assert site.problems(**settings) == expected


def test_the_network_feed_has_no_slug_and_the_others_need_one(scheme_of):
    urls = scheme_of()
    with pytest.raises(ValueError):
        urls.feed("network", "atom", "x")
    with pytest.raises(ValueError):
        urls.feed("authors", "atom")


# --- absolute URLs ---------------------------------------------------------------------------------


def test_a_local_build_has_root_relative_links_and_localhost_absolute_urls(scheme_of):
    urls = scheme_of()
    assert urls.is_local and urls.siteurl == ""
    assert urls.link("posts/alice/hello/") == "/posts/alice/hello/"
    assert urls.absolute("posts/alice/hello/") == "http://localhost:8000/posts/alice/hello/"
    assert urls.absolute("") == "http://localhost:8000/"
    assert urls.base_path == "/" and urls.host == "localhost"


def test_the_local_fallback_is_a_setting(scheme_of):
    urls = scheme_of(DEPARTMENT_FEEDS_FALLBACK_SITEURL="http://127.0.0.1:9000/")
    assert urls.absolute("feeds/network/atom.xml") == "http://127.0.0.1:9000/feeds/network/atom.xml"
    assert urls.host == "127.0.0.1"
    assert urls.link("authors/") == "/authors/", "pages stay root-relative"


def test_a_host_makes_links_and_absolute_urls_alike(scheme_of):
    urls = scheme_of(SITEURL="https://voices.example.com/")
    assert not urls.is_local and urls.siteurl == "https://voices.example.com"
    assert urls.absolute("/authors/alice/") == "https://voices.example.com/authors/alice/"
    assert urls.link("authors/alice/") == "https://voices.example.com/authors/alice/"
    assert urls.absolute("") == "https://voices.example.com/"
    assert urls.base_path == "/" and urls.host == "voices.example.com"


def test_a_sub_path_is_kept_in_every_url(scheme_of):
    urls = scheme_of(SITEURL="https://example.com/voices")
    assert urls.absolute("posts/alice/hello/") == "https://example.com/voices/posts/alice/hello/"
    assert urls.link("") == "https://example.com/voices/"
    assert urls.base_path == "/voices/" and urls.host == "example.com"


def test_urls_are_percent_encoded_only_where_a_url_needs_it(scheme_of):
    urls = scheme_of(SITEURL="https://example.com")
    assert urls.absolute("media/a b/é.png") == "https://example.com/media/a%20b/%C3%A9.png"
    assert urls.link("cards/x.png?v=1a2b") == "https://example.com/cards/x.png?v=1a2b"
    assert urls.link("a/%C3%A9/") == "https://example.com/a/%C3%A9/", "already encoded stays as it is"


@pytest.mark.parametrize(
    "siteurl",
    [
        "https://voices.example.com",
        "http://localhost:8000",
        "https://example.com/voices/",
        "https://[::1]:8443/a/b",
    ],
)
def test_siteurl_may_be_an_absolute_http_url(scheme_of, siteurl):
    assert scheme_of(SITEURL=siteurl).siteurl == siteurl.rstrip("/")


@pytest.mark.parametrize(
    "siteurl",
    [
        "ftp://x",
        "/blog",
        "voices.example.com",
        "//voices.example.com",
        "https:",
        "https://voices.example.com/?page=1",
        "https://voices.example.com/#top",
        "https://voices.example.com/ voices",
        "https://editor@voices.example.com",
        "https://voices.example.com/\n",
    ],
)
def test_any_other_siteurl_is_a_settings_error(scheme_of, siteurl):
    with pytest.raises(ConfigError) as caught:
        scheme_of(SITEURL=siteurl)
    assert str(caught.value) == (
        "pelicanconf.py: error: SITEURL: expected '' or an absolute http(s) URL like"
        f" 'https://voices.example.com', found {siteurl!r}"
    )


def test_the_scheme_is_immutable(scheme_of):
    urls = scheme_of()
    with pytest.raises(AttributeError):
        urls.siteurl = "https://elsewhere.example"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        urls.home().url = "x"  # type: ignore[misc]


def test_the_settings_dict_can_change_without_changing_the_scheme(settings_of):
    settings = settings_of()
    urls = UrlScheme(settings)
    settings["AUTHOR_URL"] = "people/{slug}/"
    settings["DEPARTMENT_FEEDS_FILE_NAMES"] = {"atom": "a.xml"}
    assert urls.author("alice").url == "authors/alice/"
    assert urls.feed("network", "atom").url == "feeds/network/atom.xml"


# --- the helpers chorus check shares ---------------------------------------------------------------


def test_helpers_shared_with_check_keep_their_answers(settings_of):
    settings = settings_of()
    scheme = UrlScheme(settings)
    assert scheme.post("alice", "hello").save_as == "posts/alice/hello/index.html"
    assert scheme.page("about").save_as == "about/index.html"
    reserved = reserved_top_level(settings)
    assert {"posts", "authors", "departments", "topics", "archives", "media", "search", "theme"} <= reserved
    assert "about" not in reserved


# --- one tiny build --------------------------------------------------------------------------------

VOICES = "https://example.com/voices"
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _json_ld_urls(data) -> list[str]:
    """Every URL-valued field of a JSON-LD object, nested ones included."""
    if isinstance(data, dict):
        found = [v for k, v in data.items() if k in ("url", "@id", "image") and isinstance(v, str)]
        return found + [u for v in data.values() for u in _json_ld_urls(v)]
    if isinstance(data, list):
        return [u for item in data for u in _json_ld_urls(item)]
    return []


def test_a_site_under_a_sub_path_says_so_in_every_absolute_url(site):
    output = site.build(SITEURL=VOICES)
    prefix = f"{VOICES}/"

    atom = etree.parse(str(output / "feeds/network/atom.xml"))
    entry_links = atom.xpath("//atom:entry/atom:link/@href", namespaces=ATOM_NS)
    assert entry_links == [f"{prefix}posts/alice/hello/"]
    assert all(
        u.startswith(prefix) for u in atom.xpath("//atom:link/@href | //atom:uri/text()", namespaces=ATOM_NS)
    )
    feed = json.loads((output / "feeds/network/feed.json").read_text(encoding="utf-8"))
    assert [item["url"] for item in feed["items"]] == [f"{prefix}posts/alice/hello/"]
    assert feed["feed_url"] == f"{prefix}feeds/network/feed.json"

    locs = etree.parse(str(output / "sitemap.xml")).xpath("//sm:loc/text()", namespaces=SITEMAP_NS)
    assert f"{prefix}posts/alice/hello/" in locs and f"{prefix}authors/bob/" in locs
    assert all(loc.startswith(prefix) for loc in locs)
    assert f"Sitemap: {prefix}sitemap.xml" in (output / "robots.txt").read_text()

    index = site.index()
    assert index["site"]["url"] == VOICES
    urls = [d["url"] for d in index["departments"]] + [a["profile_url"] for a in index["authors"]]
    urls += [p["url"] for p in index["posts"]]
    assert f"{prefix}departments/service/" in urls and all(u.startswith(prefix) for u in urls)

    post_page = site.page("posts/alice/hello/index.html")
    assert [link.get("href") for link in post_page.cssselect('link[rel="canonical"]')] == [
        f"{prefix}posts/alice/hello/"
    ]
    for page in (post_page, site.page("authors/alice/index.html")):
        for script in page.cssselect('script[type="application/ld+json"]'):
            found = _json_ld_urls(json.loads(script.text))
            assert found and all(u.startswith(prefix) for u in found), found


def test_a_bad_siteurl_fails_the_build_before_anything_is_read(site):
    assert site.problems(SITEURL="ftp://x") == [
        "pelicanconf.py: error: SITEURL: expected '' or an absolute http(s) URL like 'https://voices.example.com', found 'ftp://x'"
    ]
    assert not site.output.exists()
