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


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def build_index(settings: dict) -> dict:
    state = get_state(settings)
    network = state.network
    articles = state.published
    urls = state.urls  # link(): absolute on a published site, root-relative on a local build
    default_lang = str(settings.get("DEFAULT_LANG") or "en").replace("_", "-")
    originals = {article.post.key: article.url for article in articles}
    return {
        "site": {
            "name": settings.get("SITENAME"),
            "url": urls.siteurl,
            "company": settings["CHORUS_COMPANY"],
        },
        "departments": [
            {
                "id": d.id,
                "name": d.name,
                "description": d.description,
                "lead": d.lead,
                "colour": d.colour,
                "url": urls.link(urls.department(d.id).url),
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
                "profile_url": urls.link(urls.author(a.id).url),
            }
            for a in network.authors.values()
        ],
        "posts": [
            {
                "url": urls.link(article.url),
                "title": article.title,
                "authors": [a.slug for a in article.authors],
                "department": article.department.id,
                "tags": [t.name for t in getattr(article, "tags", [])],
                "date": article.date.isoformat(),
                "modified": article.modified.isoformat() if getattr(article, "modified", None) else None,
                "lang": article.post.language(default_lang),
                # the URL of the post this one translates, or None
                "translation_of": urls.link(originals[article.post.translation_of])
                if article.post.translation_of in originals
                else None,
            }
            for article in articles
        ],
    }


def write_index(pelican) -> None:
    settings = pelican.settings
    state = get_state(settings)
    save_as = state.urls.network_index().save_as
    state.outputs.claim_or_raise(save_as, "NETWORK_INDEX_SAVE_AS")
    target = Path(pelican.output_path) / save_as
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(build_index(settings), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.finalized.connect(write_index)
