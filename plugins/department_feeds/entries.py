"""One published post as a feed entry, independent of the format it is written in.

Built once per post and shared by every feed the post appears in (network, department,
each author, each topic), so the HTML is parsed once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plugins.network.postid import stable_id

from .config import FeedConfig
from .markup import absolute_html, notices, plain_text

AVATAR_SIZE = 512  # JSON Feed recommends square 512 px avatars


@dataclass(frozen=True)
class Person:
    name: str
    url: str
    avatar: str | None = None


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    url: str
    canonical: str | None
    content_html: str
    teaser_html: str  # for scopes without the full text: the notices and the summary
    summary_html: str
    summary_text: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[Person, ...]
    categories: tuple[Category, ...]  # the department first, then the topics


def _person(author, config: FeedConfig) -> Person:
    images = getattr(author, "avatar_images", None)
    avatar = (
        config.urls.absolute(images.fallback_for(AVATAR_SIZE).url) if images and images.fallback else None
    )
    return Person(author.name, config.urls.absolute(author.url), avatar)


def _categories(article, config: FeedConfig) -> tuple[Category, ...]:
    department = article.category
    categories = [Category(department.slug, department.name, config.urls.absolute(department.url))]
    categories += [
        Category(tag.slug, tag.name, config.urls.absolute(tag.url)) for tag in getattr(article, "tags", [])
    ]
    return tuple(categories)


def updated_of(article) -> dt.datetime:
    """The post's last real update: ``Modified:`` when given, else its date."""
    modified = getattr(article, "modified", None)
    return max(modified, article.date) if modified else article.date


def make_entry(article, config: FeedConfig) -> Entry:
    url = config.urls.absolute(article.url)
    # .content resolves {filename} and {static} links; relative ones are resolved here.
    notice = notices(article)
    content = notice + absolute_html(article.content, url)
    summary = absolute_html(article.summary or "", url)
    return Entry(
        id=stable_id(article.post, config.id_domain),
        title=article.title,
        url=url,
        canonical=getattr(article, "canonical", None),
        content_html=content,
        teaser_html=notice + summary,
        summary_html=summary,
        summary_text=plain_text(summary),
        published=article.date,
        updated=updated_of(article),
        authors=tuple(_person(author, config) for author in article.authors),
        categories=_categories(article, config),
    )
