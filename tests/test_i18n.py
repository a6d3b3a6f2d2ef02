"""The interface in the site's language: DEFAULT_LANG = "de" is all it takes.

The English strings looked for in German pages are not written here: they are the
catalogue's own msgids (those German translates differently), so a string added to a
template and left untranslated is caught as soon as it is extracted.
"""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po
from lxml import etree
from lxml import html as lxml_html

from chorus.build import build_site
from chorus.conf import PROJECT_ROOT
from chorus.messages import extract
from conftest import SAMPLE_AS_OF
from plugins.network.i18n import LOCALE_DIR, Language, catalogue_path, supported_languages
from plugins.social_cards import plugin as cards_plugin

ATOM = "{http://www.w3.org/2005/Atom}"
VISIBLE_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
GERMAN_MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "May",
    "June",
    "July",
    "October",
    "December",
]  # not April, August, …: German too
# Where readers see the network's own words (post text, summaries): English in the demo, not interface.
CONTENT = '//*[contains(@class, "prose") or contains(@class, "summary")]'
# Placeholders and markup: what is left between them is the English a reader would see.
_PARTS = re.compile(r"%\(\w+\)s|\[[A-Z_]+\]|\{\w+\}|<[^>]+>")


def _catalogue(lang: str):
    with catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def english_fragments() -> tuple[set[str], set[str]]:
    """(phrases, words) of English that German renders differently.

    Phrases are the pieces of longer messages between placeholders and tags, looked for inside
    any visible text; short messages ("Archive", "Topics") are words, matched as a whole text.
    """
    phrases, words = set(), set()
    for message in _catalogue("de"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, german in zip(ids, strings, strict=False):
            if english == german:
                continue
            pieces = [piece.strip(" .,:;()—·") for piece in _PARTS.split(english)]
            phrases.update(piece for piece in pieces if len(piece) >= 12 and " " in piece)
            whole = english.strip(" .,:;()—·→←")
            if len(pieces) == 1 and len(whole) >= 4 and whole[0].isupper() and whole not in GERMAN_WORDS:
                words.add(whole)
    return phrases, words


# English messages whose words are German too, or names: never a sign of an untranslated string.
GERMAN_WORDS = {"Links", "Filter", "Filters", "Expertise", "E-mail", "Email"}


def visible_texts(path) -> list[str]:
    page = lxml_html.fromstring(path.read_bytes())
    for node in page.xpath(f"//script | //style | {CONTENT}"):
        node.drop_tree()
    texts = [" ".join(t.split()) for t in page.xpath("//text()") if t.strip()]
    for attribute in VISIBLE_ATTRIBUTES:
        texts += [node.get(attribute) for node in page.xpath(f"//*[@{attribute}]")]
    texts += [
        node.get("content")
        for node in page.xpath('//meta[@name="description" or @property="og:description"]')
    ]
    return texts


def english_in(texts: list[str]) -> list[str]:
    phrases, words = english_fragments()
    found = [f"{phrase!r} in {text!r}" for text in texts for phrase in phrases if phrase in text]
    found += [repr(text) for text in texts if text.strip(" .,:;()—·→←") in words]
    return found


@pytest.fixture(scope="module")
def german_demo(tmp_path_factory):
    """The demo network built with pelicanconf-de.py (what `make html-de` builds)."""
    output = tmp_path_factory.mktemp("demo-de") / "output-de"
    build_site(
        PROJECT_ROOT,
        settings_file=PROJECT_ROOT / "pelicanconf-de.py",
        output=output,
        strict=True,
        overrides={"CHORUS_NOW": SAMPLE_AS_OF},
    )
    return output


def _first(output, pattern: str):
    return sorted(output.glob(pattern))[0]


PAGE_KINDS = {
    "home": "index.html",
    "post": "posts/li-wei/commissioning-part-2-first-flow/index.html",
    "profile": "authors/li-wei/index.html",
    "guest profile": "authors/elena-vogt/index.html",
    "directory": "authors/index.html",
    "directory of one kind": "authors/kind/guest/index.html",
    "expertise": "authors/expertise/index.html",
    "departments": "departments/index.html",
    "department": "departments/service/index.html",
    "topics": "topics/index.html",
    "topic": "topics/*/index.html",
    "archives": "archives/index.html",
    "year archive": "archives/2026/index.html",
    "subscribe": "subscribe/index.html",
    "search": "search/index.html",
    "not found": "404.html",
    "health": "health/index.html",
    "redirect": "posts/li-wei/repairing-on-site/index.html",
    "later page of a listing": "page/2/index.html",
}


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_german_demo_shows_no_english_interface_string(german_demo, kind):
    page = _first(german_demo, PAGE_KINDS[kind])
    assert lxml_html.fromstring(page.read_bytes()).get("lang") == "de"
    assert english_in(visible_texts(page)) == []


def test_the_check_finds_english_in_an_english_page(sample_output):
    """The German test above can fail: the same check on the English demo finds the interface."""
    found = english_in(visible_texts(sample_output / "subscribe/index.html"))
    assert any("How to subscribe" in line for line in found)
    assert any("'Subscribe'" in line for line in found)


def test_german_feeds_and_lists_are_titled_in_german(german_demo):
    phrases, words = english_fragments()
    feeds = sorted(german_demo.glob("feeds/**/atom.xml"))
    assert len(feeds) > 20
    titles = []
    for feed in feeds:
        root = etree.parse(str(feed)).getroot()
        titles += [root.findtext(f"{ATOM}title"), root.findtext(f"{ATOM}subtitle") or ""]
    for opml in german_demo.glob("feeds/**/*.opml"):
        tree = etree.parse(str(opml))
        titles += [tree.findtext("head/title")] + [o.get("title") for o in tree.iter("outline")]
    assert english_in(titles) == []
    topic_feed = etree.parse(str(_first(german_demo, "feeds/topics/*/atom.xml"))).getroot()
    assert topic_feed.findtext(f"{ATOM}subtitle").startswith("Beiträge zu ")


def test_german_search_ui_strings(german_demo):
    search = lxml_html.fromstring((german_demo / "search/index.html").read_bytes())
    strings = json.loads(search.cssselect("#search")[0].get("data-translations"))
    assert strings["zero_results"] == "Keine Ergebnisse für [SEARCH_TERM]"
    assert english_in(list(strings.values())) == []
    # Pagefind's filter names and values are German too.
    post = lxml_html.fromstring(_first(german_demo, "posts/li-wei/*/index.html").read_bytes())
    filters = {
        node.get("data-pagefind-filter").split(":")[0] for node in post.xpath("//*[@data-pagefind-filter]")
    }
    assert filters == {"Abteilung", "Person", "Art", "Sprache"}  # the demo has posts in two languages


def test_german_scripts_get_german_sentences(german_demo):
    directory = lxml_html.fromstring((german_demo / "authors/index.html").read_bytes())
    messages = json.loads(directory.cssselect("[data-directory-filter]")[0].get("data-messages"))
    assert messages["all"]["other"] == "Alle {count} Personen werden angezeigt."
    post = lxml_html.fromstring(_first(german_demo, "posts/li-wei/*/index.html").read_bytes())
    share = json.loads(post.cssselect("[data-share-mastodon]")[0].get("data-messages"))
    assert share["copied"] == "Link kopiert."


def test_german_dates(german_demo):
    post = lxml_html.fromstring((german_demo / "posts/li-wei/why-we-repair-on-site/index.html").read_bytes())
    shown = post.cssselect(".post-meta time")[0].text_content()
    months = "|".join(GERMAN_MONTHS)
    assert re.fullmatch(rf"\d{{1,2}}\. ({months}) \d{{4}}", shown), shown
    archive = " ".join(visible_texts(german_demo / "archives/index.html"))
    assert re.search(r"\b\d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\.?", archive)
    health = " ".join(visible_texts(german_demo / "health/index.html"))
    assert not [month for month in ENGLISH_MONTHS if month in health]
    assert "November 2026" in health and "%" in health


def test_translated_demo_posts_link_each_other_with_hreflang(german_demo):
    versions = {"en": "/posts/li-wei/why-we-repair-on-site/", "de": "/posts/li-wei/why-we-repair-on-site-de/"}
    versions["x-default"] = versions["en"]  # the original
    for url in set(versions.values()):
        page = lxml_html.fromstring((german_demo / url.strip("/") / "index.html").read_bytes())
        links = page.cssselect('head link[rel="alternate"][hreflang]')
        assert {link.get("hreflang"): link.get("href") for link in links} == versions
    english = lxml_html.fromstring(
        (german_demo / "posts/li-wei/why-we-repair-on-site/index.html").read_bytes()
    )
    assert english.cssselect("h1")[0].get("lang") == "en"  # English words on a German page, marked
    assert [a.text_content() for a in english.cssselect(".post-translations a")] == ["Deutsch"]


def test_french_smoke(site):
    site.write("content/alice/hello.md", "Title: Hello\nDate: 2026-01-10\nTags: pumps\n\nSome text.\n")
    out = site.build(DEFAULT_LANG="fr")
    home = lxml_html.fromstring((out / "index.html").read_bytes())
    assert home.get("lang") == "fr"
    assert home.cssselect("#latest-heading")[0].text_content() == "Les dernières nouvelles du réseau"
    assert home.cssselect(".post-meta time")[0].text_content() == "10 janvier 2026"
    assert "1 min de lecture" in home.cssselect(".post-meta")[0].text_content()
    topic = etree.parse(str(out / "feeds/topics/pumps/atom.xml")).getroot()
    assert topic.findtext(f"{ATOM}subtitle").startswith("Articles sur pumps")


def test_a_regional_language_uses_its_catalogue_and_its_dates(site):
    out = site.build(DEFAULT_LANG="de_AT")
    home = lxml_html.fromstring((out / "index.html").read_bytes())
    assert home.get("lang") == "de-at"  # a language tag as HTML writes it (Pelican lower-cases the setting)
    assert home.cssselect("#latest-heading")[0].text_content() == "Neu im Netzwerk"
    assert home.cssselect(".post-meta time")[0].text_content() == "10. Jänner 2026"  # Austrian German


def test_a_language_without_catalogue_is_a_settings_error(site):
    problems = site.problems(DEFAULT_LANG="xx")
    assert problems == [
        "pelicanconf.py: error: DEFAULT_LANG: no translation of the interface for 'xx'"
        " (expected one of de, en, fr; add a catalogue with `make messages`, see docs/theme.md)"
    ]
    assert site.check(DEFAULT_LANG="xx") == problems


# The catalogues themselves.


def test_pot_is_current_with_the_sources():
    """`make messages` was run: the .pot holds exactly what templates and plugins ask for."""
    with (LOCALE_DIR / "chorus.pot").open("rb") as pot:
        stored = {(m.context, m.id) for m in read_po(pot) if m.id}
    current = {(m.context, m.id) for m in extract() if m.id}
    assert current - stored == set(), "new messages: run `make messages` and translate them"
    assert stored - current == set(), "messages no longer used: run `make messages`"


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_catalogue_is_complete(lang):
    with (LOCALE_DIR / "chorus.pot").open("rb") as pot:
        wanted = {(m.context, m.id) for m in read_po(pot) if m.id}
    catalogue = _catalogue(lang)
    messages = {(m.context, m.id): m for m in catalogue if m.id}
    assert set(messages) == wanted
    untranslated = [
        m.id for m in messages.values() if not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert untranslated == []
    assert [m.id for m in messages.values() if m.fuzzy] == []
    # Babel's own checks: the same %(name)s placeholders as the English, plural forms complete.
    assert [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()] == []
    # And the same [SEARCH_TERM] (Pagefind) and {count} (theme scripts) as every English form.
    for message in messages.values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for translated in strings:
            english = ids[-1]
            assert sorted(re.findall(r"\[[A-Z_]+\]|\{\w+\}", english)) == sorted(
                re.findall(r"\[[A-Z_]+\]|\{\w+\}", translated)
            ), (lang, english)


def test_supported_languages_are_the_shipped_catalogues():
    assert supported_languages() == ["de", "en", "fr"]
    assert Language.of({"DEFAULT_LANG": "de"}).ngettext("%(num)s post", "%(num)s posts", 3) == "3 Beiträge"


def test_social_cards_speak_the_sites_language(site, monkeypatch):
    drawn = []
    original = cards_plugin.draw_card

    def recording(content, fonts):
        drawn.append(content)
        return original(content, fonts)

    monkeypatch.setattr(cards_plugin, "draw_card", recording)
    site.write("content/gina/view.md", "Title: A guest view\nDate: 2026-01-11\n\nText.\n")
    site.build(DEFAULT_LANG="de", CHORUS_WORKERS=1)
    kickers = {content.title: content.kicker for content in drawn}
    assert kickers["A guest view"].endswith(" · Gastbeitrag")
    assert kickers["Service"] == "Abteilung"
    department = next(c for c in drawn if c.title == "Service")
    assert department.lines[0].endswith(" Fachleute und Gäste")  # no lead: who writes there


def test_dates_by_skeleton_are_what_babel_writes():
    """The pattern of each skeleton is looked up once and each date written once per
    language; the dates are Babel's own, in each language, whichever was asked first."""
    import datetime as dt

    from babel import dates as babel_dates

    for tag in ("en", "de", "fr", "de-AT", "en"):
        lang = Language.of({"DEFAULT_LANG": tag})
        for day in (dt.date(2026, 1, 5), dt.datetime(2024, 12, 31, 23, 30), dt.date(2025, 6, 1)):
            plain = day.date() if isinstance(day, dt.datetime) else day
            for skeleton in ("dMMM", "MMMyy", "yMMMM", "yMMMd"):
                expected = babel_dates.format_skeleton(skeleton, plain, locale=lang.locale)
                assert lang.date_skeleton(day, skeleton) == expected
            for format in ("short", "medium", "long"):
                assert lang.date(day, format) == babel_dates.format_date(plain, format, locale=lang.locale)


def _environment(lang: str):
    from types import SimpleNamespace

    from jinja2 import Environment

    from plugins.translations.plugin import install

    generator = SimpleNamespace(
        settings={"DEFAULT_LANG": lang}, env=Environment(extensions=["jinja2.ext.i18n"], autoescape=False)
    )
    install(generator)
    return generator.env


def test_labels_are_translated_the_same_on_every_page_and_in_every_kind_of_template():
    env = _environment("de")
    label = "Skip to content"
    translated = Language.of({"DEFAULT_LANG": "de"}).gettext(label)
    assert translated != label  # a label the catalogue translates
    messages = "{{ _('" + label + "') }}|{{ _('a < b') }}|{{ _('%(n)s < %(m)s', n=n, m='<i>') }}"
    feed = env.from_string(messages)  # no autoescaping, as in a feed's template
    page = env.from_string("{% autoescape true %}" + messages + "{% endautoescape %}")
    # Each answer is the one a first call gives, whichever kind of template asked first:
    # a translation is trusted markup in a page, and the values in it are escaped.
    assert feed.render(n=1) == f"{translated}|a < b|1 < <i>"
    for n in (2, 3):
        assert page.render(n=n) == f"{translated}|a < b|{n} < &lt;i&gt;"
    assert feed.render(n=4) == f"{translated}|a < b|4 < <i>"
