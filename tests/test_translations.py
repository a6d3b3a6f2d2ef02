"""Posts in several languages: 'slug.de.md' beside 'slug.md', or Pelican's 'Lang:' and 'Translation:'."""

from __future__ import annotations

import json

from lxml import etree
from test_search import indexed_pages

from conftest import load_model, post


def _hreflang(page) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in page.cssselect('head link[rel="alternate"][hreflang]')
    }


def test_a_translation_beside_its_post_links_it_both_ways(site):
    site.write("content/alice/hello.de.md", post("Hallo aus dem Service", body="Etwas Text."))
    site.build()
    english = site.page("posts/alice/hello/index.html")
    german = site.page("posts/alice/hello-de/index.html")
    expected = {
        "en": "/posts/alice/hello/",
        "de": "/posts/alice/hello-de/",
        "x-default": "/posts/alice/hello/",
    }
    assert _hreflang(english) == expected and _hreflang(german) == expected
    switch = english.cssselect(".post-translations a")
    assert [(a.text_content(), a.get("hreflang"), a.get("href")) for a in switch] == [
        ("Deutsch", "de", "/posts/alice/hello-de/")
    ]
    assert [a.text_content() for a in german.cssselect(".post-translations a")] == ["English"]
    # The post's own words are marked German; the interface around them stays the site's.
    assert german.get("lang") == "en"
    assert german.cssselect("h1")[0].get("lang") == "de" and german.cssselect(".prose")[0].get("lang") == "de"
    json_ld = json.loads(german.cssselect('script[type="application/ld+json"]')[0].text)
    assert json_ld["inLanguage"] == "de"
    # The search filters by language; every post says its own.
    for page, name in ((german, "Deutsch"), (english, "English")):
        assert [s.text_content() for s in page.xpath('//*[@data-pagefind-filter="language"]')] == [name]


def test_previous_next_and_series_stay_in_the_posts_language(site):
    """A translation shares its original's date: 'More by Alice: ← Previous' on the English
    post was its own German version, and the German one's the English."""
    site.write("content/alice/earlier.md", post("Earlier", date="2026-01-05", Series="Field notes"))
    site.write("content/alice/hello.md", post("Hello", date="2026-01-10", Series="Field notes"))
    site.write("content/alice/hello.de.md", post("Hallo", date="2026-01-10", Series="Field notes"))
    site.write("content/alice/later.md", post("Later", date="2026-01-20"))
    site.build()

    def nav(relative: str) -> dict[str, list[str]]:
        page = site.page(f"posts/alice/{relative}/index.html")
        return {
            "author": [a.get("href") for a in page.cssselect(".crosslinks-nav-author a")],
            "department": [a.get("href") for a in page.cssselect(".crosslinks-nav-department a")],
            "series": [li.text_content() for li in page.cssselect(".crosslinks-series li")],
        }

    english = nav("hello")
    assert english["author"] == english["department"] == ["/posts/alice/earlier/", "/posts/alice/later/"]
    assert english["series"] == ["Earlier", "Hello"]
    german = nav("hello-de")
    assert german["author"] == german["department"] == []  # no other German post
    assert german["series"] == ["Hallo"]


def test_pelicans_lang_and_translation_fields(site):
    site.write(
        "content/alice/bonjour.md",
        post("Bonjour du service", Lang="fr", Translation="yes", Slug="hello", body="Du texte."),
    )
    site.build()
    french = site.page("posts/alice/hello-fr/index.html")
    assert _hreflang(french) == {
        "en": "/posts/alice/hello/",
        "fr": "/posts/alice/hello-fr/",
        "x-default": "/posts/alice/hello/",
    }
    assert [
        a.text_content() for a in site.page("posts/alice/hello/index.html").cssselect(".post-translations a")
    ] == ["Français"]


def test_the_model_holds_language_and_original(site):
    site.write("content/alice/hello.de.md", post("Hallo"))
    posts = {p.source: p for p in load_model(site).posts}
    german = posts["alice/hello.de.md"]
    assert (german.slug, german.lang, german.translation_of) == ("hello-de", "de", "alice/hello")
    assert (posts["alice/hello.md"].lang, posts["alice/hello.md"].translation_of) == (None, None)


def test_network_json_says_each_posts_language_and_original(site):
    site.write("content/alice/hello.de.md", post("Hallo"))
    site.build()
    posts = {p["url"]: p for p in site.index()["posts"]}
    assert (posts["/posts/alice/hello-de/"]["lang"], posts["/posts/alice/hello-de/"]["translation_of"]) == (
        "de",
        "/posts/alice/hello/",
    )
    assert (posts["/posts/alice/hello/"]["lang"], posts["/posts/alice/hello/"]["translation_of"]) == (
        "en",
        None,
    )


def test_a_post_without_translations_has_no_hreflang_and_no_switcher(site):
    site.build()
    page = site.page("posts/alice/hello/index.html")
    assert _hreflang(page) == {} and page.cssselect(".post-translations") == []
    assert page.xpath("//*[@data-pagefind-filter='language']") == []  # one language: no filter


def test_translations_that_point_at_nothing_or_repeat_a_language(site):
    site.write("content/alice/helo.de.md", post("Hallo"))
    site.write("content/alice/hello.en.md", post("Hello again"))
    site.write("content/alice/hello.fr.md", post("Bonjour"))
    site.write("content/alice/salut.md", post("Salut", Lang="fr", Translation="yes", Slug="hello"))
    site.write("content/alice/hola.es.md", post("Hola", Lang="it"))
    problems = site.problems()
    assert problems == [
        "content/alice/hello.en.md: error: is in 'en', the language of content/alice/hello.md that it"
        " translates; give the original its own 'Lang:'",
        "content/alice/helo.de.md: error: translates 'alice/helo', which is not a post (did you mean 'hello'?)",
        "content/alice/hola.es.md:3: error: 'Lang: it' disagrees with the file name, which says 'es'; keep one",
        # Both take the URL of the French version, and the translation rule says why.
        "content/alice/salut.md:4: error: content/alice/hello.fr.md already translates content/alice/hello.md into 'fr'",
        "content/alice/salut.md:5: error: would be written to 'posts/alice/hello-fr/index.html', which"
        " content/alice/hello.fr.md already writes (rename one, or give it another Slug:)",
    ]
    assert site.check() == problems


def test_feeds_per_language_when_posts_are_in_several(site):
    site.write("content/alice/hello.de.md", post("Hallo aus dem Service"))
    site.write("content/alice/second.md", post("Second", date="2026-01-12"))
    out = site.build()
    atom = "{http://www.w3.org/2005/Atom}"
    german = etree.parse(str(out / "feeds/languages/de/atom.xml")).getroot()
    assert [e.findtext(f"{atom}title") for e in german.iter(f"{atom}entry")] == ["Hallo aus dem Service"]
    assert german.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert german.findtext(f"{atom}title").startswith("Deutsch — ")  # for those who read it
    assert german.findtext(f"{atom}subtitle").startswith("Every post in German on ")  # in the site's language
    english = etree.parse(str(out / "feeds/languages/en/atom.xml")).getroot()
    assert sorted(e.findtext(f"{atom}title") for e in english.iter(f"{atom}entry")) == [
        "Hello from service",
        "Second",
    ]
    # A post page offers its language's feed beside its department's and author's.
    german_page = site.page("posts/alice/hello-de/index.html")
    discovered = [link.get("href") for link in german_page.cssselect('link[type="application/atom+xml"]')]
    assert "/feeds/languages/de/atom.xml" in discovered
    subscribe = site.page("subscribe/index.html")
    assert [
        a.text_content() for a in subscribe.cssselect("[aria-labelledby=language-feeds-heading] .feed-name")
    ] == [
        "Deutsch",
        "English",
    ]


def test_no_language_feeds_for_a_site_in_one_language(site):
    out = site.build()
    assert not (out / "feeds/languages").exists()
    assert site.page("subscribe/index.html").cssselect("#language-feeds-heading") == []


def test_the_directory_says_who_writes_in_which_language(site):
    site.write("content/alice/hello.de.md", post("Hallo aus dem Service"))
    site.write("content/bob/deal.md", post("A deal"))
    site.build()
    directory = site.page("authors/index.html")
    people = {li.get("data-author"): li for li in directory.cssselect("li.person")}
    alice = people["alice"].cssselect(".person-languages span")
    assert [(s.get("lang"), s.text_content()) for s in alice] == [("de", "Deutsch"), ("en", "English")]
    assert [s.text_content() for s in people["bob"].cssselect(".person-languages span")] == ["English"]


def test_the_directory_says_nothing_of_languages_when_there_is_one(site):
    site.build()
    assert site.page("authors/index.html").cssselect(".person-languages") == []


def test_the_search_index_filters_by_language(site):
    site.write("content/alice/hello.de.md", post("Hallo aus dem Service", body="GERMAN-PHRASE"))
    pages = indexed_pages(site.build())
    assert pages["/posts/alice/hello-de/"]["filters"]["language"] == ["Deutsch"]
    assert pages["/posts/alice/hello/"]["filters"]["language"] == ["English"]


def test_cards_mark_a_post_in_another_language(site):
    site.write("content/alice/hello.de.md", post("Hallo aus dem Service", Summary="Kurz gesagt."))
    site.build()
    cards = {c.cssselect("h3 a")[0].text_content(): c for c in site.page("index.html").cssselect(".card")}
    german = cards["Hallo aus dem Service"]
    assert german.cssselect("h3 a")[0].get("lang") == "de"
    assert german.cssselect(".summary")[0].get("lang") == "de"
    assert german.cssselect(".card-language")[0].text_content() == "Deutsch"
    assert cards["Hello from service"].cssselect(".card-language") == []


def test_a_german_interface_over_posts_written_in_english(site):
    """CHORUS_POSTS_LANG: the interface in German, the posts that do not say in English."""
    site.write("content/alice/hello.de.md", post("Hallo aus dem Service", body="Etwas Text."))
    site.build(DEFAULT_LANG="de", CHORUS_POSTS_LANG="en")
    english = site.page("posts/alice/hello/index.html")
    german = site.page("posts/alice/hello-de/index.html")
    assert english.get("lang") == german.get("lang") == "de"  # the interface
    assert (
        english.cssselect("h1")[0].get("lang") == "en" and english.cssselect(".prose")[0].get("lang") == "en"
    )
    assert german.cssselect("h1")[0].get("lang") is None  # German, as the page around it
    assert [a.text_content() for a in english.cssselect(".post-translations a")] == ["Deutsch"]
    assert sorted(p.name for p in (site.output / "feeds/languages").iterdir()) == ["de", "en"]


def test_posts_lang_must_be_a_language_code(site):
    problems = site.problems(CHORUS_POSTS_LANG="English")
    assert any("CHORUS_POSTS_LANG" in line and "a language code like 'en'" in line for line in problems), (
        problems
    )
