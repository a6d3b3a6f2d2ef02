"""The post page's body: heading anchors, a table of contents, whether there is code to copy.

- ``initialized``: the POST_PAGE_* settings are checked.
- ``all_generators_finalized`` (every post read and its links pointed, the static files
  known): every written post gets ``article.body``, a :class:`~.body.PostBody` made from
  its final HTML.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import ArticlesGenerator

from .body import post_body
from .settings import SETTINGS


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def attach_bodies(generators) -> None:
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    threshold = articles.settings["POST_PAGE_TOC_MIN_HEADINGS"]
    for article in [*articles.articles, *articles.hidden_articles]:
        article.body = post_body(article.content, threshold)


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.all_generators_finalized.connect(attach_bodies)
