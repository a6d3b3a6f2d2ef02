"""Write the network health page and ``network-stats.json``.

The figures (``stats.network_health``) come from the site model's published posts only;
the charts (``charts``) are SVG drawn here, with the same figures as tables on the page.

- ``initialized``: settings validated.
- ``article_writer_finalized``: the page (template ``health.html``, context ``health`` and
  ``health_charts``) and the JSON file written, their paths claimed in the run's registry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pelican import signals

from plugins.network import Problem, SourceError, get_state
from plugins.network.i18n import language
from plugins.network.settings import Setting, SettingsSpec, is_positive_int
from plugins.network.urls import UrlScheme, output_settings

from .charts import charts
from .stats import Contributor, Matrix, NetworkHealth, network_health

SETTINGS = SettingsSpec(
    "NETWORK_HEALTH_",
    Setting("NETWORK_HEALTH_MONTHS", 24, "How many months of posts the health page counts, this one included.", is_positive_int),
    Setting(
        "NETWORK_HEALTH_QUIET_MONTHS",
        6,
        "A current contributor without a published post for this many months counts as quiet.",
        is_positive_int,
    ),
    *output_settings("NETWORK_HEALTH_"),
)  # fmt: skip
TEMPLATE = "health"


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def compute(settings: dict) -> NetworkHealth:
    return network_health(
        get_state(settings).site, settings["NETWORK_HEALTH_MONTHS"], settings["NETWORK_HEALTH_QUIET_MONTHS"]
    )


def write_health(generator, writer) -> None:
    settings = generator.settings
    state = get_state(settings)
    health = compute(settings)
    page = state.urls.network_health()
    stats = state.urls.network_stats()
    state.outputs.claim_or_raise(page.save_as, "NETWORK_HEALTH_SAVE_AS")
    state.outputs.claim_or_raise(stats.save_as, "NETWORK_HEALTH_STATS_SAVE_AS")
    writer.write_file(
        page.save_as,
        generator.get_template(TEMPLATE),
        generator.context,
        url=page.url,
        health=health,
        health_charts=charts(health, language(generator.settings)),
        health_stats_url=stats.url,
    )
    target = Path(generator.output_path) / stats.save_as
    if target.exists():
        raise SourceError(Problem("NETWORK_HEALTH_STATS_SAVE_AS", None, f"would overwrite '{stats.save_as}'"))
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(stats_json(health, state.urls), indent=1, ensure_ascii=False)
    target.write_text(data + "\n", encoding="utf-8")


def _people(people: list[Contributor]) -> list[dict[str, Any]]:
    return [
        {"id": p.author.id, "last_post": p.last_post.isoformat() if p.last_post else None} for p in people
    ]


def _matrix(matrix: Matrix) -> dict[str, Any]:
    return {"departments": [d.id for d in matrix.departments], "counts": [list(row) for row in matrix.counts]}


def stats_json(health: NetworkHealth, urls: UrlScheme) -> dict[str, Any]:
    """The health page's figures as data (the page shows the same), for intranet dashboards."""
    return {
        "generated": health.now.isoformat(),
        "months": [m.key for m in health.months],
        "quiet_after_months": health.quiet_months,
        "network": {
            "posts": health.posts,
            "guest_posts": health.guest_posts,
            "posts_per_month": list(health.per_month),
            "contributors": {"active": health.active, "quiet": health.quiet, "former": health.former},
        },
        "departments": [
            {
                "id": d.department.id,
                "name": d.department.name,
                "url": urls.link(urls.department(d.department.id).url),
                "posts": d.posts,
                "guest_posts": d.guest_posts,
                "posts_per_month": d.per_month,
                "contributors": {
                    "active": _people(d.active),
                    "quiet": _people(d.quiet),
                    "former": _people(d.former),
                },
            }
            for d in health.departments
        ],
        "links": _matrix(health.links),
        "coauthors": _matrix(health.coauthors),
        "topics": [
            {
                "name": t.name,
                "url": urls.link(urls.topic(t.slug).url),
                "posts": t.posts,
                "departments": {d.id: n for d, n in t.by_department},
                "writers": [a.id for a in t.writers],
            }
            for t in health.topics
        ],
    }


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_writer_finalized.connect(write_health)
