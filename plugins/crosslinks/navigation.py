"""What a post page shows around the post: backlinks, previous/next, its series.

Everything here is derived from published posts only, so a draft, a scheduled post or a
hidden post never appears in another post's lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileBacklink:
    """A colleague's post that links to an author: to some of their posts, their profile, or both."""

    post: object  # the linking Pelican article
    targets: tuple  # the author's posts it links to, in link order
    profile: bool  # whether it links to the profile itself


@dataclass(frozen=True)
class SeriesBox:
    name: str
    posts: tuple  # published posts of the series, oldest first

    def position(self, article) -> int:
        return next(n for n, post in enumerate(self.posts, start=1) if post is article)


def series_key(name: str) -> str:
    """Posts belong to one series when their Series: agree up to case and spacing."""
    return " ".join(name.split()).casefold()


def chronological(articles: Iterable) -> list:
    return sorted(articles, key=lambda a: (a.date, a.relative_source_path))


def post_backlinks(published: list, links_of: dict[str, list], written: list) -> dict[str, list]:
    """Content-relative source -> the published posts that link to it, newest first."""
    result: dict[str, list] = {a.relative_source_path: [] for a in written}
    for article in published:  # newest first
        own = article.relative_source_path
        targets = dict.fromkeys(r.post.source for r in links_of.get(own, ()) if r.post)
        for target in targets:
            if target != own and target in result:
                result[target].append(article)
    return result


def profile_backlinks(published: list, links_of: dict[str, list]) -> dict[str, list[ProfileBacklink]]:
    """Author id -> colleagues' published posts that link to the author's published posts
    or profile, newest first. A post never counts for its own authors."""
    by_source = {a.relative_source_path: a for a in published}
    linked: dict[str, dict[str, list]] = {}  # author -> linking post's source -> posts it links to
    profile: set[tuple[str, str]] = set()  # (author, linking post's source): links the profile
    for article in published:  # newest first
        source = article.relative_source_path
        own_authors = {a.slug for a in article.authors}
        for resolved in links_of.get(source, ()):
            if resolved.author and resolved.author not in own_authors:
                linked.setdefault(resolved.author, {}).setdefault(source, [])
                profile.add((resolved.author, source))
            elif resolved.post and resolved.post.source in by_source:
                target = by_source[resolved.post.source]
                for author in (a.slug for a in target.authors if a.slug not in own_authors):
                    posts = linked.setdefault(author, {}).setdefault(source, [])
                    if target not in posts:
                        posts.append(target)
    return {
        author: [
            ProfileBacklink(by_source[source], tuple(posts), (author, source) in profile)
            for source, posts in sources.items()
        ]
        for author, sources in linked.items()
    }


def neighbours(published: list, group_of) -> dict[str, tuple]:
    """Source -> (previous, next) among the published posts of the same group, by date."""
    groups: dict[object, list] = {}
    for article in chronological(published):
        groups.setdefault(group_of(article), []).append(article)
    result = {}
    for members in groups.values():
        for number, article in enumerate(members):
            previous = members[number - 1] if number else None
            following = members[number + 1] if number + 1 < len(members) else None
            result[article.relative_source_path] = (previous, following)
    return result


def series_boxes(published: list, language_of) -> dict[str, SeriesBox]:
    """Source -> the series box of every published post that names a series: the posts of
    that series in the post's language (``language_of(article)``)."""
    series: dict[tuple[str, str], list] = {}
    for article in chronological(published):
        name = getattr(article, "series", None)
        if name:
            series.setdefault((series_key(name), language_of(article)), []).append(article)
    result = {}
    for members in series.values():
        box = SeriesBox(" ".join(members[0].series.split()), tuple(members))
        for article in members:
            result[article.relative_source_path] = box
    return result
