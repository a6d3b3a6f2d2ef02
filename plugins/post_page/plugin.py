"""The post page's body: heading anchors, a table of contents, whether there is code to copy.

- ``initialized``: the POST_PAGE_* settings are checked.
- ``all_generators_finalized`` (every post read and its links pointed, the static files
  known): every written post gets ``article.body``, a :class:`~.body.PostBody` made from
  its final HTML and the images ``clean_images`` published (context key ``post_images``),
  and ``article.cover``, a :class:`~.body.Cover` or None.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import ArticlesGenerator

from plugins.network import get_state
from plugins.network.links import site_index

from .body import BODY_SIZES, CARD_SIZES, Cover, image_tag, post_body
from .settings import SETTINGS

IMAGES_KEY = "post_images"  # content path -> ResponsiveImage (plugins.clean_images)


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def attach_bodies(generators) -> None:
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    for article in [*articles.articles, *articles.hidden_articles]:
        attach_body(article, articles)


def attach_body(article, articles: ArticlesGenerator) -> None:
    """``article.body`` and ``article.cover`` of one written post (also what `chorus serve`'s
    fast page calls after an edit, so the two cannot differ)."""
    threshold = articles.settings["POST_PAGE_TOC_MIN_HEADINGS"]
    state = get_state(articles.settings)
    urls = state.urls
    images = articles.context.get(IMAGES_KEY, {})
    by_link = {urls.link(image.url): image for image in images.values()}
    post = article.post
    article.body = post_body(article.content, threshold, by_link, urls.link, first_in_view=post.cover is None)
    article.cover = None
    if post.cover is not None:
        resolved, _ = site_index(state.site).check(post.cover, post.source, post.status)
        image = images.get(resolved.file) if resolved is not None and resolved.file else None
        if image is not None:  # the links rule made sure there is one
            article.cover = Cover(
                post.cover_alt or "",
                image_tag(image, urls.link, BODY_SIZES, eager=True),
                image_tag(image, urls.link, CARD_SIZES),
            )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.all_generators_finalized.connect(attach_bodies)
