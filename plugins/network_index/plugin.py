"""Write ``network.json`` at the site root: departments, authors and published posts.

Built only from the published article list (after the publication rule ran), so nothing
unpublished can appear; serialised with ``json`` so metadata can never break its syntax.
"""

from __future__ import annotations

import json
from pathlib import Path

from pelican import signals

from plugins.network import get_state
from plugins.network.settings import SettingsSpec
from plugins.network.urls import output_settings

SETTINGS = SettingsSpec("NETWORK_INDEX_", *output_settings("NETWORK_INDEX_"))


def site_url(settings: dict, path: str) -> str:
    return f"{settings.get('SITEURL', '').rstrip('/')}/{path}"


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def build_index(settings: dict) -> dict:
    state = get_state(settings)
    network = state.network
    articles = state.published
    author_url = settings["AUTHOR_URL"]
    department_url = settings["CATEGORY_URL"]
    return {
        "site": {
            "name": settings.get("SITENAME"),
            "url": settings.get("SITEURL", ""),
            "company": settings["CHORUS_COMPANY"],
        },
        "departments": [
            {
                "id": d.id,
                "name": d.name,
                "description": d.description,
                "lead": d.lead,
                "colour": d.colour,
                "url": site_url(settings, department_url.format(slug=d.id)),
            }
            for d in network.departments.values()
        ],
        "authors": [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "title": a.title,
                "department": a.department,
                "departments": list(a.departments),
                "affiliation": a.affiliation,
                "former": a.is_former(state.today),
                "profile_url": site_url(settings, author_url.format(slug=a.id)),
            }
            for a in network.authors.values()
        ],
        "posts": [
            {
                "url": site_url(settings, article.url),
                "title": article.title,
                "authors": [a.slug for a in article.authors],
                "department": article.department.id,
                "tags": [t.name for t in getattr(article, "tags", [])],
                "date": article.date.isoformat(),
                "modified": article.modified.isoformat() if getattr(article, "modified", None) else None,
            }
            for article in articles
        ],
    }


def write_index(pelican) -> None:
    settings = pelican.settings
    state = get_state(settings)
    save_as = settings["NETWORK_INDEX_SAVE_AS"]
    state.outputs.claim_or_raise(save_as, "NETWORK_INDEX_SAVE_AS")
    target = Path(pelican.output_path) / save_as
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(build_index(settings), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.finalized.connect(write_index)
