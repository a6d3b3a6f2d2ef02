"""Hub pages: the home page's sections and every department's page."""

from __future__ import annotations

from conftest import GINA, post


def test_home_has_featured_topics_and_a_section_per_department(site):
    site.write(
        "content/bob/deal.md", post("Big deal", date="2026-02-01", Tags="tenders, pricing", Featured="yes")
    )
    site.write("content/bob/other.md", post("Other", date="2026-02-02", Tags="tenders"))
    site.build()
    home = site.page("index.html")
    assert [a.text_content() for a in home.cssselect("#featured-heading + .cards h3 a")] == ["Big deal"]
    topics = [li.text_content().split() for li in home.cssselect("#topics-heading + .tag-cloud li")]
    assert topics[0] == ["tenders", "2"]
    sections = {s.cssselect("h3 a")[0].text_content(): s for s in home.cssselect(".department-summary")}
    assert set(sections) == {"Service", "Sales"}
    assert [a.text_content() for a in sections["Sales"].cssselect(".compact a")] == ["Other", "Big deal"]
    assert "Bob Quote" in sections["Sales"].cssselect(".experts")[0].text_content()


def test_department_page_shows_lead_experts_topics_and_posts(site):
    site.write(
        "departments.yml",
        (site.root / "departments.yml").read_text().replace("  colour:", "  lead: alice\n  colour:", 1),
    )
    site.write("content/alice/repairs.md", post("Repairs", Tags="field repairs"))
    site.build()
    page = site.page("departments/service/index.html")
    assert "Led by Alice Field" in page.cssselect(".section-head")[0].text_content()
    experts = [li.text_content() for li in page.cssselect("#people-heading + .people li")]
    assert any(e.startswith("Alice Field") and "(lead)" in e for e in experts)
    assert any(e.startswith("Gina Guest") and "Guest" in e for e in experts)
    assert "field repairs" in page.cssselect("#dep-topics-heading + .tag-cloud")[0].text_content()
    assert [a.text_content() for a in page.cssselect(".cards h3 a")] == ["Repairs", "Hello from service"]


def test_department_without_posts_still_has_its_page(site):
    site.build()
    page = site.page("departments/sales/index.html")
    assert page.cssselect("h1")[0].text_content() == "Sales"
    assert "No posts yet." in page.text_content()
    assert "Bob Quote" in page.cssselect(".people")[0].text_content()


def test_former_contributors_leave_the_experts_lists(site):
    site.write("authors/gina.yml", GINA + "until: 2025-01-01\n")
    site.build()
    page = site.page("departments/service/index.html")
    assert "Gina Guest" not in page.cssselect(".people")[0].text_content()


def test_home_hero_says_what_the_network_is_and_shows_its_people(site):
    site.write("content/bob/deal.md", post("Big deal", date="2026-02-01"))
    site.build(
        SITENAME="Acme Voices", SITESUBTITLE="Engineers of Acme on their work.", HUB_PAGES_HERO_PEOPLE=2
    )
    hero = site.page("index.html").cssselect("section.hero")[0]
    assert hero.cssselect("h1")[0].text_content() == "Acme Voices"
    assert hero.cssselect(".lede")[0].text_content() == "Engineers of Acme on their work."
    # Guests write here too, but the count says experts; every current writer has a face.
    assert hero.cssselect(".hero-stats")[0].text_content() == "2 experts · 2 departments · 2 posts"
    faces = hero.cssselect(".hero-people li > a")
    assert [
        (a.get("href"), a.cssselect(".avatar")[0].get("alt") or a.cssselect(".avatar")[0].get("aria-label"))
        for a in faces[:2]
    ] == [("/authors/alice/", "Alice Field"), ("/authors/bob/", "Bob Quote")]
    more = hero.cssselect(".hero-people-more a")[0]
    assert more.get("href") == "/authors/" and more.text_content() == "+1 more people"


def test_departments_are_listed_in_registry_order_on_every_page(site):
    # departments.yml lists service before sales: not alphabetical, so a name sort shows.
    site.write("content/bob/deal.md", post("Big deal", date="2026-02-01"))
    site.build()
    expected = ["Service", "Sales"]
    listing = site.page("departments/index.html")
    assert [a.text_content() for a in listing.cssselect(".departments h2 a")] == expected
    home = site.page("index.html")
    assert [h.text_content() for h in home.cssselect(".department-summary h3")] == expected
    directory = site.page("authors/index.html")
    assert [h.text.strip() for h in directory.cssselect(".directory-group h2")] == expected
    options = directory.cssselect("[data-directory-filter] select[name=department] option")
    assert [o.text_content() for o in options[1:]] == expected
    links = directory.cssselect("[data-directory-links] a[href^='#dep']")
    assert [a.text_content() for a in links] == expected
