"""Author profiles, the expert directory and the expertise index, as a reader sees them."""

from __future__ import annotations

import json
from types import SimpleNamespace

from conftest import ALICE, BOB, GINA, post
from plugins.author_profiles.contributions import contributions, expertise_index, topic_counts
from plugins.network.model import Author

ALICE_WITH_LINKS = (
    ALICE
    + """\
email: alice@example.com
links:
  website: https://alice.example
  mastodon: https://social.example/@alice
"""
)


def _texts(page, selector: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in page.cssselect(selector)]


def _card_titles(page, section: str) -> list[str]:
    return _texts(page, f"{section} .card h3 a")


def _json_ld(page) -> dict:
    [script] = page.cssselect('script[type="application/ld+json"]')
    return json.loads(script.text)


# --- profile pages ---------------------------------------------------------------------------


def test_every_registry_author_has_a_profile_page_even_without_posts(site):
    site.build()
    for author_id, name in (("alice", "Alice Field"), ("bob", "Bob Quote"), ("gina", "Gina Guest")):
        page = site.page(f"authors/{author_id}/index.html")
        assert _texts(page, "h1") == [name]
    bob = site.page("authors/bob/index.html")
    assert _texts(bob, ".profile .role") == ["Account Manager"]
    assert bob.cssselect(".profile-posts .empty") and not bob.cssselect(".profile-posts .card")


def test_profile_splits_own_posts_from_cowritten_and_counts_topics(site):
    site.write(
        "content/alice/hello.md",
        post("Hello from service", date="2026-01-10", Tags="flow meters, field repairs"),
    )
    site.write("content/alice/later.md", post("Later from service", date="2026-03-01", Tags="flow meters"))
    site.write(
        "content/bob/deal.md",
        post("How we scope", date="2026-02-01", Co_Authors="alice", Tags="tenders, Flow Meters"),
    )
    site.build()
    alice = site.page("authors/alice/index.html")
    assert _card_titles(alice, ".profile-posts") == ["Later from service", "Hello from service"], (
        "newest first"
    )
    assert _card_titles(alice, ".profile-cowritten") == ["How we scope"]
    topics = [
        (a.text_content(), c.text_content())
        for a, c in zip(
            alice.cssselect(".topic-counts a"), alice.cssselect(".topic-counts .count"), strict=False
        )
    ]
    assert topics == [("flow meters", "3 posts"), ("field repairs", "1 post"), ("tenders", "1 post")]
    assert alice.cssselect(".topic-counts a")[0].get("href") == "/topics/flow-meters/"
    bob = site.page("authors/bob/index.html")
    assert _card_titles(bob, ".profile-posts") == ["How we scope"]
    assert not bob.cssselect(".profile-cowritten")


def test_own_posts_are_paginated_and_cowritten_posts_stay_out_of_them(site):
    for day in range(1, 14):
        site.write(f"content/alice/p{day:02d}.md", post(f"Post {day:02d}", date=f"2026-01-{day:02d}"))
    site.remove("content/alice/hello.md")
    site.write("content/bob/joint.md", post("Joint", date="2026-01-20", Co_Authors="alice"))
    site.build()
    first = site.page("authors/alice/index.html")
    second = site.page("authors/alice/page/2/index.html")
    assert _card_titles(first, ".profile-posts") == [f"Post {d:02d}" for d in range(13, 1, -1)]
    assert _card_titles(second, ".profile-posts") == ["Post 01"]
    assert first.cssselect(".pagination a[rel=next]")[0].get("href") == "/authors/alice/page/2/"
    assert _card_titles(first, ".profile-cowritten") == ["Joint"]
    assert not second.cssselect(".profile-cowritten"), "co-written posts are listed once, on page 1"
    assert "page 2" in second.cssselect("title")[0].text_content()


def test_profile_facts_links_and_contact(site):
    site.write("authors/alice.yml", ALICE_WITH_LINKS)
    site.build()
    page = site.page("authors/alice/index.html")
    [department] = page.cssselect(".profile-facts a[href^='/departments/']")
    assert department.text_content() == "Service" and department.get("href") == "/departments/service/"
    expertise = page.cssselect(".profile-facts .expertise-list a")
    assert [(a.text_content(), a.get("href")) for a in expertise] == [
        ("field repairs", "/authors/expertise/#topic-field-repairs"),
        ("flow meters", "/authors/expertise/#topic-flow-meters"),
    ]
    links = {a.get("href"): a for a in page.cssselect(".profile-links a")}
    assert links["https://alice.example"].get("rel") == "me"
    assert links["https://alice.example"].get("aria-label") == "Website: Alice Field"
    assert links["https://social.example/@alice"].get("aria-label") == "Mastodon: Alice Field"
    assert links["mailto:alice@example.com"].get("aria-label") == "Email Alice Field"
    assert "Alice repairs" in page.cssselect(".bio")[0].text_content()
    assert page.cssselect(".bio em")[0].text_content() == "flow meters", "bio is rendered Markdown"


def test_department_without_a_page_is_named_not_linked(site):
    site.build()  # nobody in sales has written yet, so there is no departments/sales/ page
    page = site.page("authors/bob/index.html")
    assert not page.cssselect(".profile-facts a[href^='/departments/']")
    assert "Sales" in page.cssselect(".profile-facts dd")[0].text_content()


def test_profile_avatar_is_described_and_bylines_are_not(site):
    site.build()
    page = site.page("authors/alice/index.html")
    header_img = page.cssselect(".profile img.avatar")[0]
    assert (
        header_img.get("alt") == "Alice Field"
        and header_img.get("width") == "128"
        and header_img.get("height") == "128"
    )
    assert header_img.get("loading") is None, "the header image is not lazy-loaded"
    assert all(img.get("alt") == "" for img in page.cssselect(".byline img"))


def test_person_json_ld_for_an_expert(site):
    site.write("authors/alice.yml", ALICE_WITH_LINKS)
    site.build(SITEURL="https://voices.example", CHORUS_COMPANY="Halvard Instruments")
    data = _json_ld(site.page("authors/alice/index.html"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Person"
    assert data["name"] == "Alice Field" and data["jobTitle"] == "Field Service Engineer"
    assert data["worksFor"] == {"@type": "Organization", "name": "Halvard Instruments"}
    assert "affiliation" not in data
    assert data["image"] == "https://voices.example/avatars/alice/alice-256.jpg"
    assert data["url"] == "https://voices.example/authors/alice/"
    assert data["sameAs"] == ["https://alice.example", "https://social.example/@alice"]
    assert data["knowsAbout"] == ["field repairs", "flow meters"]


def test_person_json_ld_for_a_guest_names_their_organisation(site):
    site.build()
    data = _json_ld(site.page("authors/gina/index.html"))
    assert data["affiliation"] == {"@type": "Organization", "name": "Nordlicht University"}
    assert "worksFor" not in data
    assert data["image"] == "/avatars/gina/gina-256.jpg", "site-relative without SITEURL"


def test_json_ld_cannot_be_closed_by_a_name(site):
    site.write(
        "authors/bob.yml", BOB.replace("name: Bob Quote", 'name: "Bob </script><script>alert(1)</script>"')
    )
    site.build()
    html = (site.output / "authors/bob/index.html").read_text()
    assert "<script>alert(1)" not in html
    assert _json_ld(site.page("authors/bob/index.html"))["name"] == "Bob </script><script>alert(1)</script>"


def test_guest_disclosure_on_profile_and_post(site):
    site.write("content/gina/drift.md", post("Drift"))
    site.build()
    assert _texts(site.page("authors/gina/index.html"), ".guest-notice") == [
        "Guest contributor — views are their own"
    ]
    profile = site.page("authors/gina/index.html")
    assert _texts(profile, ".profile .role") == ["Researcher · Guest author · Nordlicht University"]
    assert _texts(site.page("posts/gina/drift/index.html"), ".guest-notice") == [
        "Gina Guest, Nordlicht University: Guest contributor — views are their own"
    ]
    assert not site.page("authors/alice/index.html").cssselect(".guest-notice")


def test_guest_disclosure_is_configurable(site):
    site.write("content/gina/drift.md", post("Drift"))
    site.build(AUTHOR_PROFILES_GUEST_DISCLOSURE="Invited author; opinions are personal")
    assert _texts(site.page("authors/gina/index.html"), ".guest-notice") == [
        "Invited author; opinions are personal"
    ]
    assert _texts(site.page("posts/gina/drift/index.html"), ".guest-notice")[0].endswith(
        ": Invited author; opinions are personal"
    )


def test_former_contributor_keeps_page_and_posts_but_leaves_current_listings(site):
    site.write("authors/bob.yml", BOB + "until: 2025-12-31\n")
    site.write("content/bob/old.md", post("Old deal", date="2025-06-01", Tags="tenders"))
    site.build()
    profile = site.page("authors/bob/index.html")
    assert _texts(profile, ".former-notice") == ["Former contributor — contributed until December 31, 2025"]
    assert _card_titles(profile, ".profile-posts") == ["Old deal"]
    assert _json_ld(profile).get("worksFor") is None, "a former employee no longer works for the company"
    directory = site.page("authors/index.html")
    assert "bob" not in [li.get("data-author") for li in directory.cssselect(".directory-group .person")]
    [former] = directory.cssselect(".directory-former .person")
    assert former.get("data-author") == "bob" and former.cssselect(".badge.former")
    expertise = site.page("authors/expertise/index.html")
    assert "bob" not in [li.get("data-author") for li in expertise.cssselect(".person")]
    assert not expertise.cssselect("#topic-tenders"), "nobody current knows about tenders"
    assert not profile.cssselect(".profile-facts .expertise-list a"), (
        "no link to a section that does not exist"
    )


def test_pages_are_claimed_so_an_author_cannot_take_the_expertise_index(site):
    site.write("authors/expertise.yml", BOB.replace("Bob Quote", "Ex Pertise"))  # a name of its own
    assert site.problems() == [
        (
            "authors/expertise.yml: error: the profile of 'expertise' would be written to 'authors/expertise/index.html',"
            " where the expertise index is written (rename the author, or change AUTHOR_PROFILES_EXPERTISE_SAVE_AS)"
        )
    ]


def test_expertise_topic_without_letters_is_refused(site):
    site.write("authors/bob.yml", BOB.replace("expertise: [tenders]", "expertise: [tenders, '!!!']"))
    assert site.problems() == [
        "authors/bob.yml:5: error: expertise topic '!!!' has no letters or digits to link it with; write it out, like 'flow meters'"
    ]


# --- bylines -----------------------------------------------------------------------------------


def test_byline_shows_every_author_with_avatar_role_and_guest_label(site):
    site.write("content/gina/joint.md", post("Joint study", Co_Authors="alice"))
    site.build()
    for page in (site.page("posts/gina/joint/index.html"), site.page("index.html")):
        [byline] = [b for b in page.cssselect(".byline") if "Gina Guest" in b.text_content()][:1]
        authors = byline.cssselect(".byline-author")
        assert [a.cssselect("a[rel=author]")[0].text_content() for a in authors] == [
            "Gina Guest",
            "Alice Field",
        ]
        assert [a.cssselect("a[rel=author]")[0].get("href") for a in authors] == [
            "/authors/gina/",
            "/authors/alice/",
        ]
        assert [" ".join(a.cssselect(".role")[0].text_content().split()) for a in authors] == [
            "Researcher · Guest author · Nordlicht University",
            "Field Service Engineer",
        ]
        for author in authors:
            img = author.cssselect("picture img.avatar")[0]
            assert img.get("alt") == "" and img.get("width") == img.get("height")
            assert author.cssselect("picture source[type='image/webp']")[0].get("srcset").count("w,") == 2
        assert authors[0].cssselect(".badge.guest") and not authors[1].cssselect(".badge.guest")


# --- directory and expertise index ------------------------------------------------------------------


def _people(section) -> list[str]:
    return [li.get("data-author") for li in section.cssselect(".person")]


def test_directory_groups_current_authors_by_department(site):
    site.write(
        "authors/gina.yml", GINA.replace("department: service", "department: service\ndepartments: [sales]")
    )
    site.build()
    page = site.page("authors/index.html")
    groups = page.cssselect(".directory-group")
    assert [g.get("id") for g in groups] == ["dept-service", "dept-sales"]
    assert _people(groups[0]) == ["alice", "gina"]
    assert _people(groups[1]) == ["bob", "gina"], "people appear under every department they belong to"
    assert [a.get("href") for a in page.cssselect(".directory-filters a[href^='#']")] == [
        "#dept-service",
        "#dept-sales",
    ]
    gina = groups[0].cssselect(".person[data-author=gina]")[0]
    assert gina.cssselect(".badge.guest") and "Nordlicht University" in gina.text_content()
    assert gina.get("data-kind") == "guest" and gina.get("data-departments") == "service sales"
    assert gina.cssselect(".person-name")[0].get("href") == "/authors/gina/"
    assert gina.cssselect("img.avatar")[0].get("width") == "64"


def test_directory_filters_work_without_javascript(site):
    site.build()
    page = site.page("authors/index.html")
    kinds = {
        a.text_content(): a.get("href")
        for a in page.cssselect(".directory-filters a[href^='/authors/']")
        if "#" not in a.get("href")
    }
    assert kinds == {
        "Everyone": "/authors/",
        "In-house experts": "/authors/kind/expert/",
        "Guest contributors": "/authors/kind/guest/",
    }
    assert _people(site.page("authors/kind/guest/index.html")) == ["gina"]
    assert sorted(_people(site.page("authors/kind/expert/index.html"))) == ["alice", "bob"]
    topic_links = [a.get("href") for a in page.cssselect(".filter-topics a")]
    assert "/authors/expertise/#topic-tenders" in topic_links
    # The in-place filter is JavaScript's to show; its data rides on the cards.
    form = page.cssselect("form[data-directory-filter]")[0]
    assert form.get("hidden") is not None
    assert [o.get("value") for o in form.cssselect("select[name=kind] option")] == ["", "expert", "guest"]
    assert form.cssselect("[role=status][aria-live=polite]")
    assert page.cssselect(".person[data-author=bob]")[0].get("data-topics") == "tenders"
    assert page.cssselect('script[src="/theme/js/directory.js"][defer]')
    assert (site.output / "theme/js/directory.js").is_file()


def test_expertise_index_lists_who_names_a_topic_and_who_writes_about_it(site):
    site.write("content/bob/meters.md", post("Meters for sales", Tags="Flow Meters"))
    site.write("content/bob/more.md", post("More meters", Tags="Flow Meters"))
    site.build()
    page = site.page("authors/expertise/index.html")
    section = page.cssselect("#topic-flow-meters")[0]
    assert section.cssselect("h2")[0].text_content() == "Flow Meters", (
        "the tag's spelling, as on its topic page"
    )
    assert _people(section) == ["alice", "bob"], "the one who lists it first, then the writers"
    notes = _texts(section, ".person-note")
    assert notes == ["Lists it as expertise", "2 posts on this topic"]
    assert section.cssselect(".topic-posts a")[0].get("href") == "/topics/flow-meters/"
    assert _people(page.cssselect("#topic-sensor-drift")[0]) == ["gina"]
    assert [a.get("href") for a in page.cssselect(".expertise-nav a")][:2] == [
        "#topic-field-repairs",
        "#topic-flow-meters",
    ]


def test_sample_network_every_author_has_a_profile_and_a_place_in_the_directory(sample_output):
    from lxml import html as lxml_html

    output = sample_output
    index = json.loads((output / "network.json").read_text())
    directory = lxml_html.fromstring((output / "authors/index.html").read_bytes())
    current = set(_people(directory.cssselect(".directory-groups")[0]))
    former = set(_people(directory.cssselect(".directory-former")[0]))
    for author in index["authors"]:
        profile = lxml_html.fromstring((output / "authors" / author["id"] / "index.html").read_bytes())
        assert _texts(profile, "h1") == [author["name"]]
        assert _json_ld(profile)["name"] == author["name"]
        assert author["id"] in (former if author["former"] else current)
    assert former and not former & current
    guests = lxml_html.fromstring((output / "authors/kind/guest/index.html").read_bytes())
    assert {a["id"] for a in index["authors"] if a["kind"] == "guest" and not a["former"]} == set(
        _people(guests.cssselect(".directory-groups")[0])
    )


# --- settings --------------------------------------------------------------------------------------


def test_settings_are_validated_together_before_anything_is_built(site):
    problems = site.problems(
        AUTHOR_PROFILES_AVATAR_SIZES=[64, 4000],
        AUTHOR_PROFILES_AVATAR_FORMATS=["webp", "gif"],
        AUTHOR_PROFILES_GUEST_DISCLOSURE="  ",
        AUTHOR_PROFILES_KIND_URL="authors/kind/",
        AUTHOR_PROFILES_TOP_TOPIC=3,
    )
    assert [p.split(":")[2].strip() for p in problems] == [
        "AUTHOR_PROFILES_AVATAR_FORMATS",
        "AUTHOR_PROFILES_AVATAR_SIZES",
        "AUTHOR_PROFILES_GUEST_DISCLOSURE",
        "AUTHOR_PROFILES_KIND_URL",
        "AUTHOR_PROFILES_TOP_TOPIC",
    ]
    assert "did you mean AUTHOR_PROFILES_TOP_TOPICS?" in problems[-1]
    assert "must contain '{kind}'" in problems[3]
    assert all(p.startswith("pelicanconf.py: error: ") for p in problems)


def test_formats_need_exactly_one_fallback(site):
    [problem] = site.problems(AUTHOR_PROFILES_AVATAR_FORMATS=["webp"])
    assert "exactly one of jpeg or png" in problem


def test_directory_can_leave_former_contributors_out(site):
    site.write("authors/bob.yml", BOB + "until: 2025-12-31\n")
    site.build(AUTHOR_PROFILES_DIRECTORY_FORMER=False)
    assert not site.page("authors/index.html").cssselect(".directory-former")
    assert (site.output / "authors/bob/index.html").is_file()


# --- the logic underneath, without a build ---------------------------------------------------------


def _tag(name: str):
    slug = name.lower().replace(" ", "-")
    return SimpleNamespace(name=name, slug=slug, url=f"topics/{slug}/")


def _article(owner: str, *coauthors: str, tags=()):
    return SimpleNamespace(
        post=SimpleNamespace(owner=owner),
        authors=[SimpleNamespace(slug=a) for a in (owner, *coauthors)],
        tags=[_tag(t) for t in tags],
    )


def _author(author_id: str, name: str, expertise=()) -> Author:
    return Author(author_id, name, "expert", "T", "d", ("d",), tuple(expertise), "b", "<p>b</p>")


def test_topic_counts_count_each_post_once_and_sort_by_count_then_name():
    posts = [_article("a", tags=["b", "a", "a"]), _article("a", tags=["b"]), _article("a", tags=["c"])]
    assert [(t.name, t.count) for t in topic_counts(posts)] == [("b", 2), ("a", 1), ("c", 1)]


def test_contributions_split_own_and_cowritten():
    mine, theirs, other = _article("a", tags=["x"]), _article("b", "a", tags=["x", "y"]), _article("b")
    found = contributions(["a", "b", "c"], [mine, theirs, other])
    assert found["a"].own == (mine,) and found["a"].cowritten == (theirs,)
    assert [(t.name, t.count) for t in found["a"].topics] == [("x", 2), ("y", 1)]
    assert found["b"].own == (theirs, other) and found["b"].cowritten == ()
    assert found["c"].own == found["c"].cowritten == found["c"].topics == ()


def test_expertise_index_keeps_only_the_top_writers_besides_those_who_list_it():
    authors = [_author("a", "Ann", ["x"]), _author("b", "Ben"), _author("c", "Cy"), _author("d", "Di")]
    written = {
        "a": (),
        "b": topic_counts([_article("b", tags=["x"])] * 3),
        "c": topic_counts([_article("c", tags=["x"])]),
        "d": topic_counts([_article("d", tags=["x"])] * 2),
    }
    [topic] = expertise_index(authors, written.__getitem__, lambda t: t.lower(), writers_per_topic=2)
    assert [(e.author_id, e.listed, e.posts) for e in topic.experts] == [
        ("a", True, 0),
        ("b", False, 3),
        ("d", False, 2),
    ]
    assert topic.anchor == "topic-x" and topic.tag_url == "topics/x/"


# --- reaching the expert -------------------------------------------------------------------


def _ask_links(element) -> list[tuple[str, str]]:
    return [
        (" ".join(a.text_content().split()), a.get("href"))
        for a in element.cssselect("a.ask-link, a.ask-button")
    ]


def test_authors_with_a_contact_route_show_ask_on_post_bylines_and_profiles(site):
    site.write("authors/alice.yml", ALICE + "contact: mailto:alice@example.com\n")
    site.write("authors/gina.yml", GINA + "contact: https://forms.example.com/ask?to=gina\n")
    site.write("content/alice/hello.md", post("Hello from service", Co_Authors="bob, gina"))
    site.build()
    article = site.page("posts/alice/hello/index.html")
    assert _ask_links(article.cssselect(".byline")[0]) == [
        ("Ask Alice a question by e-mail", "mailto:alice@example.com"),
        ("Ask Gina a question (contact form)", "https://forms.example.com/ask?to=gina"),
    ], "bob has no route: nothing is shown for him"
    assert [s.text_content() for s in article.cssselect(".byline .ask-link .visually-hidden")] == [
        " a question by e-mail",
        " a question (contact form)",
    ], "the visible text is 'Ask Alice'; the rest is for screen readers"
    assert not _ask_links(site.page("index.html")), "listings' cards stay short"
    assert _ask_links(site.page("authors/alice/index.html")) == [
        ("Ask Alice a question by e-mail", "mailto:alice@example.com")
    ]
    assert not _ask_links(site.page("authors/bob/index.html"))


def test_former_contributors_show_no_ask_link(site):
    site.write("authors/alice.yml", ALICE + "contact: mailto:alice@example.com\nuntil: 2026-01-31\n")
    site.build()
    assert not _ask_links(site.page("posts/alice/hello/index.html"))
    assert not _ask_links(site.page("authors/alice/index.html"))
    assert not site.page("authors/index.html").cssselect("#accepts-questions")


def test_directory_filters_to_people_who_accept_questions_with_and_without_script(site):
    site.write("authors/bob.yml", BOB + "contact: mailto:bob@example.com\n")
    site.write("authors/gina.yml", GINA + "contact: https://forms.example.com/ask\n")
    site.build()
    directory = site.page("authors/index.html")
    # Without script: a filter link to the list of people who take questions.
    assert [
        a.get("href") for a in directory.cssselect(".directory-filters a[href='#accepts-questions']")
    ] == ["#accepts-questions"]
    [section] = directory.cssselect("#accepts-questions")
    assert [a.text_content() for a in section.cssselect("li > a:first-child")] == ["Bob Quote", "Gina Guest"]
    assert _ask_links(section) == [
        ("Ask Bob a question by e-mail", "mailto:bob@example.com"),
        ("Ask Gina a question (contact form)", "https://forms.example.com/ask"),
    ]
    # With script: directory.js filters the cards on data-questions.
    assert [
        o.get("value") for o in directory.cssselect("[data-directory-filter] select[name=questions] option")
    ] == [
        "",
        "yes",
    ]
    questions = {
        p.get("data-author"): p.get("data-questions") for p in directory.cssselect("[data-directory] .person")
    }
    assert questions == {"alice": None, "bob": "yes", "gina": "yes"}
    guests = site.page("authors/kind/guest/index.html")
    assert [a.text_content() for a in guests.cssselect("#accepts-questions li > a:first-child")] == [
        "Gina Guest"
    ]


def test_directory_without_contact_routes_offers_no_questions_filter(site):
    site.build()
    directory = site.page("authors/index.html")
    assert not directory.cssselect("#accepts-questions, a[href='#accepts-questions'], select[name=questions]")
