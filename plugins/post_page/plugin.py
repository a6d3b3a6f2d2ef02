"""The post page's body: heading anchors, a table of contents, whether there is code to copy.

- ``initialized``: the POST_PAGE_* settings are checked.
- ``all_generators_finalized`` (every post read and its links pointed, the static files
  known): every written post gets ``article.cover``, a :class:`~.body.Cover` or None (the
  listings show it too).
- ``article_generator_write_article``: the post whose page is written next gets
  ``article.body``, a :class:`~.body.PostBody` made from its final HTML and the images
  ``clean_images`` published (context key ``post_images``); the post written before it
  loses its own. Only its page shows a body, and holding the bodies of every post until
  the build ends cost about 70 MiB at 10,000 posts.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator

from plugins.network import get_state
from plugins.network.links import site_index

from .body import BODY_SIZES, CARD_SIZES, Cover, image_tag, post_body
from .settings import SETTINGS

IMAGES_KEY = "post_images"  # content path -> ResponsiveImage (plugins.clean_images)


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def attach_covers(generators) -> None:
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    for article in [*articles.articles, *articles.hidden_articles]:
        attach_cover(article, articles)


# The post each articles generator is writing: its body goes when the next one's comes.
_WRITING: dict[int, Any] = {}


def attach_body_for_page(generator, content) -> None:
    """``article.body`` of the post whose page Pelican (or `chorus serve`'s fast page) writes next."""
    previous = _WRITING.pop(id(generator), None)
    if previous is not None and previous is not content:
        previous.body = None
    attach_body(content, generator)
    _WRITING[id(generator)] = content


def forget_writing(generator, writer) -> None:
    _WRITING.pop(id(generator), None)


def attach_body(article, articles: ArticlesGenerator) -> None:
    """``article.body``: what the post's page shows of its text (anchors, contents, images)."""
    threshold = articles.settings["POST_PAGE_TOC_MIN_HEADINGS"]
    urls = get_state(articles.settings).urls
    images = articles.context.get(IMAGES_KEY, {})
    by_link = {urls.link(image.url): image for image in images.values()}
    article.body = post_body(
        article.content, threshold, by_link, urls.link, first_in_view=article.post.cover is None
    )


def attach_cover(article, articles: ArticlesGenerator) -> None:
    """``article.cover``: the post's cover image on its page and its cards, or None."""
    state = get_state(articles.settings)
    urls = state.urls
    images = articles.context.get(IMAGES_KEY, {})
    post = article.post
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
    signals.all_generators_finalized.connect(attach_covers)
    signals.article_generator_write_article.connect(attach_body_for_page)
    signals.article_writer_finalized.connect(forget_writing)
