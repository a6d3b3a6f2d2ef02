"""The network's health in figures, from the site model: what an editor looks at on a Monday.

Computed from published posts only (``Status.PUBLISHED``): a draft, a scheduled post or a
hidden one is neither counted nor named. Post figures cover the period (the last
``months`` calendar months, the build's month included); who is active, quiet or former is
as of the build's 'now'. Pure functions of the ``Site``: no Pelican run needed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from plugins.network.links import LinkError, site_index, url_key
from plugins.network.model import Author, Department, Post, RefForm, Site, Status
from plugins.network.urls import slug_of


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def of(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def key(self) -> str:
        """``2026-03``, as network-stats.json names it."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        """The month as a date, for the interface language to name: ``|month`` in templates."""
        return dt.date(self.year, self.month, 1)


@dataclass(frozen=True)
class Contributor:
    author: Author
    last_post: dt.date | None  # their newest published post, as owner or co-author


@dataclass
class DepartmentHealth:
    department: Department
    per_month: list[int]  # posts in each month of the period
    posts: int = 0  # in the period
    guest_posts: int = 0  # written or co-written by a guest
    active: list[Contributor] = field(default_factory=list)
    quiet: list[Contributor] = field(default_factory=list)
    former: list[Contributor] = field(default_factory=list)

    @property
    def guest_share(self) -> float | None:
        return self.guest_posts / self.posts if self.posts else None


@dataclass(frozen=True)
class Matrix:
    """Counts between departments: ``counts[i][j]`` from ``departments[i]`` to ``departments[j]``."""

    departments: tuple[Department, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def largest(self) -> int:
        return max((c for row in self.counts for c in row), default=0)


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    posts: int
    by_department: tuple[tuple[Department, int], ...]  # most posts first
    writers: tuple[Author, ...]


@dataclass(frozen=True)
class NetworkHealth:
    now: dt.datetime
    months: tuple[Month, ...]
    quiet_months: int
    departments: tuple[DepartmentHealth, ...]
    per_month: tuple[int, ...]  # the whole network
    posts: int
    guest_posts: int
    active: int  # people, each counted once across departments
    quiet: int
    former: int
    links: Matrix  # links from posts of one department to posts of another
    coauthors: Matrix  # posts written together by people of two departments
    topics: tuple[Topic, ...]

    @property
    def guest_share(self) -> float | None:
        return self.guest_posts / self.posts if self.posts else None

    @property
    def single_voice_topics(self) -> tuple[Topic, ...]:
        """Topics only one person writes about: knowledge that leaves with them."""
        return tuple(t for t in self.topics if len(t.writers) == 1)

    @property
    def largest_month(self) -> int:
        return max((c for d in self.departments for c in d.per_month), default=0)


def _months_before(now: dt.datetime, count: int) -> tuple[Month, ...]:
    last = Month(now.year, now.month).index
    return tuple(Month.of(i) for i in range(last - count + 1, last + 1))


def _quiet_since(now: dt.datetime, months: int) -> dt.date:
    """The day ``months`` calendar months before 'now' (the end of a shorter month when needed)."""
    index = Month(now.year, now.month).index - months
    year, month = divmod(index, 12)
    for day in (now.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def network_health(site: Site, months: int = 24, quiet_months: int = 6) -> NetworkHealth:
    network = site.network
    published = sorted(
        (p for p in site.posts if p.status is Status.PUBLISHED and p.date), key=lambda p: p.source
    )
    period = _months_before(site.now, months)
    first = period[0].index
    in_period = [p for p in published if p.date and p.date.year * 12 + p.date.month - 1 >= first]
    authors = network.authors

    def is_guest_post(post: Post) -> bool:
        return any(authors[a].is_guest for a in post.authors if a in authors)

    last_post: dict[str, dt.date] = {}
    for post in published:
        assert post.date is not None
        for author in post.authors:
            last_post[author] = max(last_post.get(author, post.date.date()), post.date.date())
    quiet_since = _quiet_since(site.now, quiet_months)
    today = site.now.date()

    def state(author: Author) -> str:
        if author.is_former(today):
            return "former"
        last = last_post.get(author.id)
        return "active" if last is not None and last > quiet_since else "quiet"

    departments = []
    for department in network.departments.values():
        health = DepartmentHealth(department, [0] * len(period))
        for post in in_period:
            if post.department != department.id:
                continue
            assert post.date is not None
            health.per_month[post.date.year * 12 + post.date.month - 1 - first] += 1
            health.posts += 1
            health.guest_posts += is_guest_post(post)
        for member in sorted(network.members(department.id), key=lambda a: a.name.casefold()):
            getattr(health, state(member)).append(Contributor(member, last_post.get(member.id)))
        departments.append(health)
    states = Counter(state(a) for a in authors.values())
    order = tuple(network.departments.values())
    return NetworkHealth(
        now=site.now,
        months=period,
        quiet_months=quiet_months,
        departments=tuple(departments),
        per_month=tuple(sum(d.per_month[i] for d in departments) for i in range(len(period))),
        posts=len(in_period),
        guest_posts=sum(is_guest_post(p) for p in in_period),
        active=states["active"],
        quiet=states["quiet"],
        former=states["former"],
        links=_matrix(order, _links(site, in_period, published)),
        coauthors=_matrix(order, _coauthor_pairs(in_period, authors)),
        topics=_topics(site, in_period),
    )


def _matrix(order: tuple[Department, ...], pairs: Iterable[tuple[str, str]]) -> Matrix:
    counts = Counter(pairs)
    ids = [d.id for d in order]
    return Matrix(order, tuple(tuple(counts[(a, b)] for b in ids) for a in ids))


def _links(site: Site, sources: list[Post], published: list[Post]) -> list[tuple[str, str]]:
    """(linking post's department, linked post's department) once per pair of published posts."""
    index = site_index(site)
    listed = {p.source: p for p in published}
    by_url = {url_key(site.urls.source(p).url): p for p in published}
    pairs: set[tuple[str, str]] = set()
    for post in sources:
        for ref in post.references:
            if ref.form is RefForm.EXTERNAL or ref.image:
                continue
            try:
                resolved = index.resolve(ref, post.source)
            except LinkError:
                continue
            target = resolved.post or (by_url.get(url_key(resolved.url)) if resolved.url else None)
            if target is not None and target.source in listed and target.source != post.source:
                pairs.add((post.source, target.source))
    return [(listed[a].department, listed[b].department) for a, b in sorted(pairs)]


def _coauthor_pairs(posts: list[Post], authors: Mapping[str, Author]) -> list[tuple[str, str]]:
    """For each post written together, each pair of the writers' departments, both ways, once."""
    pairs: list[tuple[str, str]] = []
    for post in posts:
        departments = [authors[a].department for a in post.authors if a in authors]
        joined = {
            (departments[i], departments[j])
            for i in range(len(departments))
            for j in range(len(departments))
            if i != j
        }
        pairs += sorted(joined)
    return pairs


def _topics(site: Site, posts: list[Post]) -> tuple[Topic, ...]:
    departments = site.network.departments
    names: dict[str, Counter[str]] = defaultdict(Counter)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    writers: dict[str, set[str]] = defaultdict(set)
    for post in posts:
        for tag in dict.fromkeys(post.tags):
            slug = slug_of(tag, site.settings, "TAG")
            if not slug:
                continue
            names[slug][tag] += 1
            counts[slug][post.department] += 1
            writers[slug].update(a for a in post.authors if a in site.network.authors)
    topics = [
        Topic(
            name=names[slug].most_common(1)[0][0],
            slug=slug,
            posts=sum(counts[slug].values()),
            by_department=tuple(
                (departments[d], n)
                for d, n in sorted(counts[slug].items(), key=lambda item: (-item[1], item[0]))
                if d in departments
            ),
            writers=tuple(site.network.authors[a] for a in sorted(writers[slug])),
        )
        for slug in names
    ]
    return tuple(sorted(topics, key=lambda t: (-t.posts, t.name.casefold())))
