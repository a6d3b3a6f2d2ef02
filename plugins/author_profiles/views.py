"""What the profile, directory and expertise templates show, built once per run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from plugins.network.i18n import Language, language
from plugins.network.model import Author, Department
from plugins.network.urls import UrlScheme

from .avatars import AvatarSet
from .contributions import TOPIC_ANCHOR_PREFIX, Contributions, DepartmentGroup, ExpertiseTopic, TopicCount

SCHEMA_CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class DepartmentLink:
    """One of an author's departments, as their profile names it."""

    department: Department
    url: str | None  # its page, relative like article.url; None while the department has no page


@dataclass(frozen=True)
class ExpertiseLink:
    name: str
    anchor: str | None  # None when the topic has no letters or digits to link with

    @property
    def fragment(self) -> str:
        return f"#{self.anchor}" if self.anchor else ""


@dataclass(frozen=True)
class AskLink:
    """How a reader asks an author a question: their registry's contact route, while they contribute."""

    url: str  # 'mailto:…' or an https:// contact form
    label: str  # "Ask Li"
    by_email: bool
    how: str  # the rest of the link's accessible name: "Ask Li" + " a question by e-mail"

    @classmethod
    def of(cls, author: Author, today: dt.date, lang: Language) -> AskLink | None:
        route = author.ask_route(today)
        if route is None:
            return None
        by_email = route.startswith("mailto:")
        how = (
            lang.gettext(" a question by e-mail") if by_email else lang.gettext(" a question (contact form)")
        )
        return cls(route, lang.gettext("Ask %(name)s", name=author.first_name), by_email, how)


@dataclass(frozen=True)
class ProfilePage:
    """Everything about one author that their profile adds to Pelican's author context."""

    author: Author
    own_count: int
    cowritten: tuple
    topics: tuple[TopicCount, ...]  # the most written, limited by AUTHOR_PROFILES_TOP_TOPICS
    expertise: tuple[ExpertiseLink, ...]
    departments: tuple[DepartmentLink, ...]  # the author's departments, their main one first
    former: bool
    json_ld: dict[str, Any]
    ask: AskLink | None = None  # None: no contact route, or a former contributor


def person_json_ld(
    author: Author, *, company: str, profile_url: str, image_url: str | None, former: bool
) -> dict[str, Any]:
    """schema.org Person: name, role, employer (or the guest's organisation), image, sameAs."""
    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Person",
        "name": author.name,
        "jobTitle": author.title,
        "url": profile_url,
    }
    if author.is_guest:
        if author.affiliation:
            data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    elif former:
        data["alumniOf"] = {"@type": "Organization", "name": company}
    else:
        data["worksFor"] = {"@type": "Organization", "name": company}
    if image_url:
        data["image"] = image_url
    if author.links:
        data["sameAs"] = [link.url for link in author.links]
    if author.expertise:
        data["knowsAbout"] = list(author.expertise)
    if author.email:
        data["email"] = f"mailto:{author.email}"
    return data


def profile_page(
    author: Author,
    contributed: Contributions,
    avatars: AvatarSet | None,
    settings: dict,
    urls: UrlScheme,
    *,
    topic_slug,
    department_link,
    today: dt.date,
) -> ProfilePage:
    """``department_link(id)`` answers a DepartmentLink; URLs in the JSON-LD are ``urls.link``s,
    absolute once SITEURL is set."""
    former = author.is_former(today)
    profile_url = urls.link(urls.author(author.id).url)
    image = urls.link(avatars.fallback[-1].url) if avatars else None
    expertise = []
    for name in author.expertise:
        slug = topic_slug(name)
        expertise.append(ExpertiseLink(name, TOPIC_ANCHOR_PREFIX + slug if slug else None))
    return ProfilePage(
        author=author,
        own_count=len(contributed.own),
        cowritten=contributed.cowritten,
        topics=contributed.topics[: settings["AUTHOR_PROFILES_TOP_TOPICS"]],
        expertise=tuple(expertise),
        departments=tuple(department_link(department_id) for department_id in author.departments),
        former=former,
        json_ld=person_json_ld(
            author,
            company=settings["CHORUS_COMPANY"],
            profile_url=profile_url,
            image_url=image,
            former=former,
        ),
        ask=AskLink.of(author, today, language(settings)),
    )


@dataclass(frozen=True)
class DirectoryKind:
    """One kind filter of the directory: '' for everyone, else an author kind."""

    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class Directory:
    """The expert directory and the expertise index, as the templates see them."""

    groups: tuple[DepartmentGroup, ...]  # current authors
    former: tuple[Author, ...]  # former contributors
    topics: tuple[ExpertiseTopic, ...]
    topics_of: dict[str, list[str]]  # author id -> topic slugs (the in-place topic filter)
    people: dict[str, Any]  # author id -> Pelican Author wrapper (avatar, url, profile)
    kinds: tuple[DirectoryKind, ...]
    expertise_url: str | None  # None: the directory is switched off (AUTHOR_PROFILES_DIRECTORY)
    current_count: int
    # author id -> the languages they write in, each (code, its own name): ('de', 'Deutsch');
    # empty unless the network's posts are in more than one language
    languages_of: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        """Whether the directory's pages are written, so pages may link to them."""
        return self.expertise_url is not None

    def of_kind(self, kind: str) -> Directory:
        """The same directory limited to one kind of author ('' keeps everyone)."""
        if not kind:
            return self
        groups = tuple(
            DepartmentGroup(g.department, members)
            for g in self.groups
            if (members := tuple(a for a in g.members if a.kind == kind))
        )
        current = {a.id for g in groups for a in g.members}
        return replace(
            self,
            groups=groups,
            former=tuple(a for a in self.former if a.kind == kind),
            current_count=len(current),
        )

    @property
    def accepting_questions(self) -> tuple[Any, ...]:
        """The people in this view who take questions (each a Pelican Author with
        ``profile_page.ask``), by name: the directory's "accepts questions" filter."""
        current = {a.id: self.people[a.id] for g in self.groups for a in g.members}
        asking = [p for p in current.values() if p.profile_page and p.profile_page.ask]
        return tuple(sorted(asking, key=lambda p: p.name.casefold()))

    def topic_choices(self) -> list[ExpertiseTopic]:
        """Topics that somebody in this view appears under, for the topic filter."""
        present = {slug for g in self.groups for a in g.members for slug in self.topics_of.get(a.id, ())}
        return [t for t in self.topics if t.slug in present]
