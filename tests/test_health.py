"""The network health page and network-stats.json: known counts on a tiny network, nothing
unpublished counted or named, accessible charts with the same figures as tables."""

from __future__ import annotations

import json

import pytest

from conftest import BOB, load_model, post
from plugins.network.i18n import Language
from plugins.network_health.charts import charts
from plugins.network_health.stats import network_health

DAN = BOB.replace("Bob Quote", "Dan Quiet")
UNPUBLISHED = "Unpublished canary"


@pytest.fixture
def network(site):
    """Three published posts in the last 24 months, one older, and three that must not count."""
    site.write("authors/dan.yml", DAN)
    site.write("authors/gina.yml", (site.root / "authors/gina.yml").read_text() + "until: 2026-04-30\n")
    # content/alice/hello.md: service, January 2026 (from the fixture)
    site.write(
        "content/bob/quote.md",
        post(
            "Quote",
            date="2026-05-20",
            Co_Authors="alice",
            Tags="tenders, flow meters",
            body="See [[alice/hello]].",
        ),
    )
    site.write(
        "content/gina/drift.md", post("Drift", date="2026-03-05", Tags="sensor drift", body="[[bob/quote]]")
    )
    site.write("content/alice/old.md", post("Old", date="2024-03-01", Tags="history"))  # before the period
    site.write(
        "content/alice/draft.md",
        post(UNPUBLISHED, date="2026-05-01", Status="draft", Tags="secret plans", body="[[gina/drift]]"),
    )
    site.write("content/bob/later.md", post(UNPUBLISHED, date="2026-09-01", Tags="secret plans"))
    site.write(
        "content/dan/hidden.md", post(UNPUBLISHED, date="2026-05-01", Status="hidden", Tags="secret plans")
    )
    return site


def test_the_figures_count_published_posts_only(network):
    health = network_health(load_model(network), months=24, quiet_months=6)
    assert [m.key for m in health.months][:: len(health.months) - 1] == ["2024-07", "2026-06"]
    service, sales = health.departments
    months = [m.key for m in health.months]
    assert {months[i]: n for i, n in enumerate(service.per_month) if n} == {"2026-01": 1, "2026-03": 1}
    assert {months[i]: n for i, n in enumerate(sales.per_month) if n} == {"2026-05": 1}
    assert (health.posts, health.guest_posts) == (3, 1), (
        "the draft, the scheduled and the hidden post are out"
    )
    assert (service.posts, service.guest_posts, sales.posts, sales.guest_posts) == (2, 1, 1, 0)
    # people: co-writing counts as writing; a hidden post does not; gina has left
    assert [c.author.id for c in service.active] == ["alice"] and [c.author.id for c in service.former] == [
        "gina"
    ]
    assert [c.author.id for c in sales.active] == ["bob"]
    assert [(c.author.id, c.last_post) for c in sales.quiet] == [("dan", None)]
    assert (health.active, health.quiet, health.former) == (2, 1, 1)
    # departments: rows link to / write with columns (service, sales)
    assert health.links.counts == ((0, 1), (1, 0))
    assert health.coauthors.counts == ((0, 1), (1, 0))
    topics = {
        t.name: (t.posts, [d.id for d, _ in t.by_department], [a.id for a in t.writers])
        for t in health.topics
    }
    assert topics == {
        "flow meters": (1, ["sales"], ["alice", "bob"]),
        "sensor drift": (1, ["service"], ["gina"]),
        "tenders": (1, ["sales"], ["alice", "bob"]),
    }
    assert [t.name for t in health.single_voice_topics] == ["sensor drift"]


def test_quiet_is_a_setting(network):
    model = load_model(network, CHORUS_NOW="2026-08-01T12:00:00+00:00")  # two months after May 20
    service, sales = network_health(model, quiet_months=2).departments
    assert [c.author.id for c in service.quiet] == ["alice"] and [c.author.id for c in sales.quiet] == [
        "bob",
        "dan",
    ]
    service, sales = network_health(model, quiet_months=3).departments
    assert [c.author.id for c in service.quiet] == [] and [c.author.id for c in sales.quiet] == ["dan"]


def test_every_chart_has_a_title_and_a_description(network):
    for chart in charts(network_health(load_model(network)), Language.of({"DEFAULT_LANG": "en"})).values():
        svg = str(chart.svg)
        assert svg.startswith(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart.id}"')
        assert f'role="img" aria-labelledby="{chart.id}-title {chart.id}-desc"' in svg
        assert f'<title id="{chart.id}-title">' in svg and f'<desc id="{chart.id}-desc">' in svg
        assert "<script" not in svg and "href" not in svg


@pytest.mark.parametrize(
    "lang, links, together",
    [
        ("en", "Sales → Service: 1 post linked", "Sales → Service: 1 post written together"),
        ("de", "Sales → Service: 1 verlinkter Beitrag", "Sales → Service: 1 gemeinsam geschriebener Beitrag"),
    ],
)
def test_the_matrices_say_a_count_of_one_in_the_singular(network, lang, links, together):
    """A circle's tip said '1 posts linked' ('1 verlinkte Beiträge'), the captions '1 links'."""
    found = charts(network_health(load_model(network)), Language.of({"DEFAULT_LANG": lang}))
    assert links in str(found["links"].svg) and together in str(found["coauthors"].svg)


def test_the_page_shows_charts_and_tables_and_writes_network_stats(network):
    network.build()
    page = network.page("health/index.html")
    assert page.cssselect("h1")[0].text_content() == "Network health"
    svgs = page.cssselect("svg.chart")
    assert len(svgs) == 5
    for svg in svgs:
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.get("role") == "img"
        assert svg.cssselect(f"title#{title_id}")[0].text_content().strip()
        assert svg.cssselect(f"desc#{desc_id}")[0].text_content().strip()
        section = svg.getparent().getparent()
        assert section.cssselect("table caption"), "the same figures as a table"
    rows = {
        tr.cssselect("th")[0].text_content(): [td.text_content() for td in tr.cssselect("td")]
        for tr in page.cssselect("#monthly-caption")[0].getparent().cssselect("tbody tr")
    }
    assert rows["March 2026"] == ["1", "0", "1"] and rows["May 2026"] == ["0", "1", "1"]
    guests = page.cssselect("#guests-caption")[0].getparent()
    assert [td.text_content() for td in guests.cssselect("tfoot td")] == ["3", "1", "33%"]
    text = page.text_content()
    assert UNPUBLISHED not in text and "secret plans" not in text
    home = network.page("index.html")
    assert [a.get("href") for a in home.cssselect("footer a")] == ["/health/"]

    stats = json.loads((network.output / "network-stats.json").read_text())
    assert stats["network"] == {
        "posts": 3,
        "guest_posts": 1,
        "posts_per_month": [0] * 18 + [1, 0, 1, 0, 1, 0],
        "contributors": {"active": 2, "quiet": 1, "former": 1},
    }
    service, sales = stats["departments"]
    assert service["contributors"] == {
        "active": [{"id": "alice", "last_post": "2026-05-20"}],
        "quiet": [],
        "former": [{"id": "gina", "last_post": "2026-03-05"}],
    }
    assert sales["contributors"]["quiet"] == [{"id": "dan", "last_post": None}]
    assert stats["links"] == {"departments": ["service", "sales"], "counts": [[0, 1], [1, 0]]}
    assert [(t["name"], t["writers"]) for t in stats["topics"]] == [
        ("flow meters", ["alice", "bob"]),
        ("sensor drift", ["gina"]),
        ("tenders", ["alice", "bob"]),
    ]
    assert stats["topics"][1]["url"] == "/topics/sensor-drift/"
    raw = (network.output / "network-stats.json").read_text()
    assert "secret" not in raw and UNPUBLISHED not in raw
