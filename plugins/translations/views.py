"""``article.versions``: every published language of a post, for hreflang links and the switcher."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from plugins.network.i18n import autonym


@dataclass(frozen=True)
class Version:
    """One language of a post: ``lang`` ('de'), its name in itself ('Deutsch'), URL and title."""

    lang: str
    name: str
    url: str  # relative to SITEURL, like every url a template sees
    title: str
    current: bool  # the page being written
    # The version's Pelican article: what a page shows of it comes from there, and the
    # preview's next build compares what each page shows by it (plugins.network.reuse).
    article: Any = field(default=None, compare=False, repr=False)


def versions(articles: Iterable, default_lang: str) -> dict[int, tuple[Version, ...]]:
    """For each article (by id()) with translations: every version, the original first.

    ``articles`` are Pelican articles carrying their model post (``article.post``)."""
    groups: dict[str, list] = {}
    for article in articles:
        post = article.post
        groups.setdefault(post.translation_of or post.key, []).append(article)
    found: dict[int, tuple[Version, ...]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda a: (a.post.translation_of is not None, a.post.language(default_lang)))
        for article in group:
            found[id(article)] = tuple(
                Version(
                    lang=other.post.language(default_lang),
                    name=autonym(other.post.language(default_lang)),
                    url=other.url,
                    title=other.title,
                    current=other is article,
                    article=other,
                )
                for other in group
            )
    return found
