"""Who wrote what, and who knows about what: pure functions over published posts.

Input posts are Pelican articles after ``author_folders`` ran (``post``, ``authors``
with ``slug``, ``tags`` with ``slug``, ``name`` and ``url``), newest first; only published
posts may come in. Nothing here touches Pelican, so it is tested without a build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from plugins.network.model import Author, Department, Network

TOPIC_ANCHOR_PREFIX = "topic-"
DEPARTMENT_ANCHOR_PREFIX = "dept-"


@dataclass(frozen=True)
class TopicCount:
    """A topic (post tag) and how many of someone's posts carry it."""

    slug: str
    name: str
    count: int
    url: str


@dataclass(frozen=True)
class Contributions:
    own: tuple  # posts in the author's folder, newest first
    cowritten: tuple  # posts elsewhere that name them as co-author, newest first
    topics: tuple[TopicCount, ...]  # over own and co-written posts, most written first


def _tags(article) -> list:
    return list(getattr(article, "tags", None) or [])


def topic_counts(articles: Iterable) -> tuple[TopicCount, ...]:
    """Tags over the given posts with how often each occurs, most frequent first, then by name."""
    counts: Counter[str] = Counter()
    first: dict[str, object] = {}
    for article in articles:
        for tag in {t.slug: t for t in _tags(article)}.values():
            counts[tag.slug] += 1
            first.setdefault(tag.slug, tag)
    topics = [TopicCount(slug, first[slug].name, n, first[slug].url) for slug, n in counts.items()]  # type: ignore[attr-defined]
    return tuple(sorted(topics, key=lambda t: (-t.count, t.name.casefold())))


def contributions(author_ids: Iterable[str], published: Sequence) -> dict[str, Contributions]:
    """Each author's published posts, split into their own and the ones they co-wrote (in
    the order of ``published``), in one pass over the posts."""
    own: dict[str, list] = {author_id: [] for author_id in author_ids}
    cowritten: dict[str, list] = {author_id: [] for author_id in own}
    for article in published:
        owner = article.post.owner
        if owner in own:
            own[owner].append(article)
        for slug in dict.fromkeys(w.slug for w in article.authors):
            if slug != owner and slug in cowritten:
                cowritten[slug].append(article)
    return {
        author_id: Contributions(
            tuple(own[author_id]),
            tuple(cowritten[author_id]),
            topic_counts(own[author_id] + cowritten[author_id]),
        )
        for author_id in own
    }


@dataclass(frozen=True)
class TopicExpert:
    author_id: str
    listed: bool  # names the topic as expertise in the registry
    posts: int  # published posts (own and co-written) carrying the topic


@dataclass(frozen=True)
class ExpertiseTopic:
    slug: str
    name: str
    tag_url: str | None  # the topic page, when published posts carry the topic
    experts: tuple[TopicExpert, ...]

    @property
    def anchor(self) -> str:
        return TOPIC_ANCHOR_PREFIX + self.slug


def expertise_index(
    authors: Sequence[Author],
    topics_of: Callable[[str], Sequence[TopicCount]],
    slug_of: Callable[[str], str],
    writers_per_topic: int,
) -> tuple[ExpertiseTopic, ...]:
    """Each topic with the authors who list it as expertise or write about it most.

    ``authors`` are the people to index (the current ones); ``topics_of(id)`` gives their
    written topics; ``slug_of(text)`` turns a listed topic into the slug its tag would have,
    so "Flow meters" listed and "flow meters" tagged are one topic.
    """
    names: dict[str, str] = {}
    tag_urls: dict[str, str] = {}
    listed: dict[str, set[str]] = {}
    written: dict[str, dict[str, int]] = {}
    for author in sorted(authors, key=lambda a: a.id):
        for topic in author.expertise:
            slug = slug_of(topic)
            if slug:
                listed.setdefault(slug, set()).add(author.id)
                names.setdefault(slug, topic)
        for tagged in topics_of(author.id):
            written.setdefault(tagged.slug, {})[author.id] = tagged.count
            tag_urls.setdefault(tagged.slug, tagged.url)
            names[tagged.slug] = tagged.name  # the tag's spelling is the one topic pages use
    by_name = {a.id: a.name.casefold() for a in authors}
    index = []
    for slug in set(listed) | set(written):
        counts = written.get(slug, {})
        top_writers = sorted(counts, key=lambda i: (-counts[i], by_name[i]))[:writers_per_topic]
        people = listed.get(slug, set()) | set(top_writers)
        experts = sorted(
            (TopicExpert(i, i in listed.get(slug, ()), counts.get(i, 0)) for i in people),
            key=lambda e: (not e.listed, -e.posts, by_name[e.author_id]),
        )
        index.append(ExpertiseTopic(slug, names[slug], tag_urls.get(slug), tuple(experts)))
    return tuple(sorted(index, key=lambda t: (t.name.casefold(), t.slug)))


def topics_by_author(index: Iterable[ExpertiseTopic]) -> dict[str, list[str]]:
    """Author id -> slugs of the topics they appear under (what the directory filters on)."""
    result: dict[str, list[str]] = {}
    for topic in index:
        for expert in topic.experts:
            result.setdefault(expert.author_id, []).append(topic.slug)
    return result


@dataclass(frozen=True)
class DepartmentGroup:
    department: Department
    members: tuple[Author, ...]  # the lead first, then by name

    @property
    def anchor(self) -> str:
        return DEPARTMENT_ANCHOR_PREFIX + self.department.id


def department_groups(network: Network, people: Sequence[Author]) -> tuple[DepartmentGroup, ...]:
    """The given people under every department they belong to, in registry order; empty
    departments are left out."""
    chosen = {a.id for a in people}
    groups = []
    for department in network.departments.values():
        members = [a for a in network.members(department.id) if a.id in chosen]
        members.sort(key=lambda a: (a.id != department.lead, a.name.casefold()))
        if members:
            groups.append(DepartmentGroup(department, tuple(members)))
    return tuple(groups)
