"""Overrides, not forks: a network's templates/ replaces Chorus's templates by name, and its
static/ folder is published as it is, without copying the theme."""

from __future__ import annotations

import os
from functools import partial

import pytest

from chorus.check import run_check
from chorus.conf import THEME_DIR
from conftest import NOW, post

BRAND_CSS = "body { accent-color: #c2255c; }\n"
HEAD_EXTRA = '<link rel="stylesheet" href="{{ SITEURL }}/css/brand.css">\n'
NOT_FOUND = """\
{% extends "base.html" %}
{% block title %}Lost? — {{ SITENAME }}{% endblock %}
{% block content %}
<h1 id="acme-404">This page went on a field trip</h1>
{% endblock %}
"""
# An override can extend Chorus's own template with the "!theme/" prefix and add to it.
NAV_EXTRA = """\
{% include "!theme/partials/nav_extra.html" %}
<li><a id="acme-careers" href="https://careers.example.com/">Careers</a></li>
"""


def test_templates_and_static_files_of_the_network_reach_the_output(site):
    site.write("templates/404.html", NOT_FOUND)
    site.write("templates/partials/head_extra.html", HEAD_EXTRA)
    site.write("templates/partials/nav_extra.html", NAV_EXTRA)
    site.write("static/css/brand.css", BRAND_CSS)
    site.write("static/favicon.ico", b"\x00\x00\x01\x00")
    site.write("content/pages/about.md", "Title: About\n\nSee [our stylesheet](/css/brand.css).\n")
    site.build()

    assert site.page("404.html").cssselect("h1#acme-404")[0].text == "This page went on a field trip"
    assert site.page("404.html").findtext(".//title").startswith("Lost?")
    assert (site.output / "css/brand.css").read_text() == BRAND_CSS
    assert (site.output / "favicon.ico").read_bytes() == b"\x00\x00\x01\x00"
    # Every page kind has the network's stylesheet, last in <head>, and the extended
    # navigation: the profile, directory and search pages replace the head block themselves.
    pages = [
        "index.html",
        "posts/alice/hello/index.html",
        "authors/alice/index.html",
        "authors/index.html",
        "departments/service/index.html",
        "search/index.html",
        "about/index.html",
        "404.html",
    ]
    for page in pages:
        tree = site.page(page)
        head = tree.find("head")
        assert head[-1].tag == "link" and head[-1].get("href") == "/css/brand.css", page
        assert tree.cssselect("nav a#acme-careers"), page
        assert tree.cssselect('nav a[href="/subscribe/"]'), page  # Chorus's own item is kept


def test_a_template_edited_between_two_builds_of_one_process_is_read_again(site):
    # Templates are read once per build (Jinja's auto_reload is off): the next build, as
    # chorus serve runs it in the same process, must read the edited file.
    site.write("templates/404.html", NOT_FOUND)
    site.build()
    assert site.page("404.html").cssselect("h1#acme-404")
    site.write("templates/404.html", NOT_FOUND.replace("acme-404", "acme-404-edited"))
    os.utime(site.root / "templates/404.html", (0, 0))  # even with an older modification time
    site.build()
    assert site.page("404.html").cssselect("h1#acme-404-edited")


def test_an_error_a_template_raises_as_it_renders_is_named_at_its_line(site):
    """A template that passes check (its syntax is right) can still fail as it renders: the
    build ended in a Python traceback, and serve showed 'internal error'."""
    site.write(
        "templates/article.html",
        '{% extends "!theme/article.html" %}\n{% block title %}\n{{ SITENAME + 1 }}{% endblock %}\n',
    )
    assert site.check() == []
    assert site.problems() == [
        'templates/article.html:3: error: TypeError: can only concatenate str (not "int") to str'
    ]


def test_a_bug_in_code_a_template_calls_keeps_its_traceback(site):
    """A plugin's filter that fails is a bug in the plugin, not in the template's line."""
    site.write(
        "myfilter.py",
        "from pelican import signals\n\ndef broken(value):\n    return {}['missing-key']\n\n"
        "def add(generator):\n    generator.env.filters['broken'] = broken\n\n"
        "def register():\n    signals.generator_init.connect(add)\n",
    )
    site.write(
        "pelicanconf.py",
        "from pathlib import Path\nfrom chorus.conf import chorus_settings\nglobals().update(chorus_settings(__file__))\n"
        "PLUGIN_PATHS = [*PLUGIN_PATHS, str(Path(__file__).parent)]\nPLUGINS = [*PLUGINS, 'myfilter']\n",
    )
    site.write(
        "templates/article.html",
        '{% extends "!theme/article.html" %}\n{% block title %}{{ "x" | broken }}{% endblock %}\n',
    )
    with pytest.raises(KeyError, match="missing-key"):
        site.build()


def test_static_files_are_checked_like_every_other_source(site):
    site.write("static/robots.txt", "User-agent: *\n")
    site.write("static/feeds/all.xml", "<rss/>")
    site.write("static/downloads/brochure.pdf", b"%PDF-1.4\n")
    os.symlink("/etc/hostname", site.root / "static/hostname.txt")
    os.mkfifo(site.root / "static/pipe.css")  # copying it would wait forever
    site.write(
        "content/bob/x.md", post(body="[Brochure](/downloads/brochure.pdf), [old](/downloads/old.pdf)")
    )
    problems = [str(p) for p in run_check(site.root, overrides={"CHORUS_NOW": NOW}).errors]
    assert problems == [
        "content/bob/x.md:4:38: error: '/downloads/old.pdf' is not a page of this site (did you mean '/downloads/brochure.pdf'?)",
        "static/feeds/all.xml: error: would be written into 'feeds/', a folder the site writes itself (DEPARTMENT_FEEDS_AUTHOR_PATH); move it",
        "static/hostname.txt: error: symbolic links are not allowed in static/ (the file they point to would be published); copy the file instead",
        "static/pipe.css: error: this is a named pipe, not an ordinary file; only ordinary files can be published or read",
        "static/robots.txt: error: would replace 'robots.txt', which the site writes itself (SEO_ROBOTS_SAVE_AS); remove one",
    ]
    assert sorted(site.problems()) == sorted(problems)
    assert not site.output.exists()


def test_a_static_file_that_a_page_would_write_fails_naming_both(site):
    site.write("content/pages/about.md", "Title: About\n\nHi.\n")
    site.write("static/about/index.html", "<p>hand-made</p>")
    assert site.problems() == [
        "static/about/index.html: error: would be written to 'about/index.html', which content/pages/about.md already writes (rename one, or give it another Slug:)"
    ]


# Chorus's templates page through ``articles``; Pelican also passes ``dates``, the same
# posts by date, which themes made for Pelican list.
DATES_TAG = """\
{% extends "base.html" %}
{% block content %}
<ol id="by-date">{% for post in dates %}<li>{{ post.title }}</li>{% endfor %}</ol>
{% endblock %}
"""


def listed_by_date(site, page: str) -> list[str]:
    """The titles a page's ``dates`` held, with DATES_TAG as its template."""
    return [item.text for item in site.page(page).cssselect("#by-date li")]


def test_topic_department_and_author_pages_get_pelicans_dates(site):
    site.write("content/alice/old.md", post("Old drift", date="2025-01-01", tags="drift"))
    site.write("content/alice/new.md", post("New drift", date="2026-02-01", tags="drift, meters"))
    site.write("content/alice/other.md", post("Other", date="2026-03-01", tags="meters"))
    for name in ("tag", "category", "author"):
        site.write(f"templates/{name}.html", DATES_TAG)
    site.build()
    listed = partial(listed_by_date, site)
    assert listed("topics/drift/index.html") == ["New drift", "Old drift"]
    assert listed("topics/meters/index.html") == ["Other", "New drift"]
    ours = ["Other", "New drift", "Old drift"]  # newest first; the site has other posts too
    for page in ("departments/service/index.html", "authors/alice/index.html"):
        assert [title for title in listed(page) if title in ours] == ours, page


def test_topic_department_and_author_templates_get_their_posts_by_date(site):
    # Exactly the page's posts (plugins/author_folders sorts them by rank), and in the order
    # NEWEST_FIRST_ARCHIVES asks for.
    site.write("content/alice/hello.md", post("Middle", date="2026-01-10", tags="drift"))
    site.write("content/alice/old.md", post("Oldest", date="2025-03-01", tags="drift, other"))
    site.write("content/alice/new.md", post("Newest", date="2026-02-01", tags="other"))
    site.write("content/bob/bob.md", post("Bob's", date="2026-01-20", tags="drift"))
    for template in ("tag", "category", "author"):
        site.write(f"templates/{template}.html", DATES_TAG)
    site.build()
    dates = partial(listed_by_date, site)
    assert dates("topics/drift/index.html") == ["Bob's", "Middle", "Oldest"]
    assert dates("topics/other/index.html") == ["Newest", "Oldest"]
    assert dates("authors/alice/index.html") == ["Newest", "Middle", "Oldest"]
    assert dates("departments/service/index.html") == ["Newest", "Middle", "Oldest"]
    site.build(NEWEST_FIRST_ARCHIVES=False)
    assert dates("topics/drift/index.html") == ["Oldest", "Middle", "Bob's"]


LISTS_CATEGORY = """\
{% extends "base.html" %}
{% block content %}
<ol id="listed">{% for post in articles %}<li>{{ post.title }}</li>{% endfor %}
{% for post in dates %}<li>{{ post.title }}</li>{% endfor %}</ol>
{% endblock %}
"""


def test_a_department_without_posts_lists_none_to_a_template(site):
    # Sales has no posts: its page is Chorus's, not Pelican's, and must give a template the
    # department's (empty) lists, not the whole network's.
    site.write("templates/category.html", LISTS_CATEGORY)
    site.build()
    assert site.page("departments/sales/index.html").cssselect("#listed") != []
    assert site.page("departments/sales/index.html").cssselect("#listed li") == []
    assert site.page("departments/service/index.html").cssselect("#listed li") != []


def test_once_renders_a_piece_once_for_the_same_arguments():
    from markupsafe import Markup

    from plugins.network.once import RenderedOnce

    once = RenderedOnce()
    renders: list[str] = []

    def piece(text: str):
        return lambda: renders.append(text) or Markup(f"<p>{text}</p>")

    alice, bob = object(), object()
    assert once("card", alice, caller=piece("alice")) == Markup("<p>alice</p>")
    assert once("card", alice, caller=piece("again")) == Markup("<p>alice</p>"), "rendered once"
    assert once("card", bob, caller=piece("bob")) == Markup("<p>bob</p>"), "another post"
    assert once("avatar", alice, 48, caller=piece("48")) != once("avatar", alice, 64, caller=piece("64"))
    assert once("avatar", alice, 48, "", caller=piece("x")) != once(
        "avatar", alice, 48, "Alice", caller=piece("y")
    )
    once.forget()
    assert once("card", alice, caller=piece("edited")) == Markup("<p>edited</p>"), "forgotten"
    assert renders == ["alice", "bob", "48", "64", "x", "y", "edited"]


def test_with_relative_urls_every_listing_links_its_cards_from_where_it_is(site):
    # Each page has its own SITEURL then ('.', '../..'): a card rendered once would link
    # from the first page that showed it.
    site.write("content/alice/drift.md", post("Drift", tags="drift"))
    site.build(RELATIVE_URLS=True)
    for page, up in (
        ("index.html", "."),
        ("topics/drift/index.html", "../.."),
        ("authors/alice/index.html", "../.."),
    ):
        links = [a.get("href") for a in site.page(page).cssselect("article.card h3 a")]
        assert f"{up}/posts/alice/drift/" in links, (page, links)
        avatars = [img.get("src") for img in site.page(page).cssselect("article.card img.avatar")]
        assert all(src.startswith(f"{up}/") for src in avatars), (page, avatars)


CARD_WITH_PAGE = """\
{% macro card(article) -%}
<article class="card"><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a> on {{ page_name }}</article>
{%- endmacro %}
"""


def test_a_network_card_without_once_may_show_the_page_it_is_on(site):
    # The theme's own card is rendered once a build; a network's card that leaves out the
    # call is rendered on every page, so it may depend on the page (docs/theme.md).
    macros = (THEME_DIR / "templates/partials/macros.html").read_text()
    start, end = macros.index("{% macro card(article)"), macros.index("{#- Expertise topics")
    site.write("templates/partials/macros.html", macros[:start] + CARD_WITH_PAGE + "\n\n" + macros[end:])
    site.write("content/alice/drift.md", post("Drift", tags="drift"))
    site.build()
    on_topic = site.page("topics/drift/index.html").cssselect("article.card")[0].text_content()
    on_author = site.page("authors/alice/index.html").cssselect("article.card")[0].text_content()
    assert on_topic.endswith("on topics/drift/") and on_author.endswith("on authors/alice/")
