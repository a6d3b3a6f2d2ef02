"""The site model: the network (who writes, in which department) and the sources read from disk.

Immutable, built once per run by ``plugins.network.sources``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import Problem, display_path

if TYPE_CHECKING:
    from .urls import UrlScheme

EXPERT = "expert"
GUEST = "guest"
AUTHOR_KINDS = (EXPERT, GUEST)
MARKDOWN_EXTENSIONS = ("md", "markdown")


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    description: str
    lead: str | None = None
    colour: str | None = None
    source: str = ""
    line: int | None = None
    # The line of each field in the registry file ('name', 'description').
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Link:
    kind: str
    label: str
    url: str


@dataclass(frozen=True)
class Author:
    id: str
    name: str
    kind: str
    title: str
    department: str
    departments: tuple[str, ...]
    expertise: tuple[str, ...]
    bio: str
    bio_html: str
    avatar: Path | None = None
    email: str | None = None
    links: tuple[Link, ...] = ()
    affiliation: str | None = None
    until: dt.date | None = None
    contact: str | None = None  # where readers ask a question: 'mailto:…' or an https:// form
    github: str | None = None  # GitHub user name, without '@': CODEOWNERS asks them to review
    source: str = ""
    bio_line: int | None = None  # where 'bio:' stands in the registry file
    expertise_line: int | None = None
    # The line of each field in the registry file: 'name', 'expertise[0]', 'links.github', …
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)
    policy_allow: str | None = None  # a reviewed exception to the policy: 'rule-id — reason'

    @property
    def is_guest(self) -> bool:
        return self.kind == GUEST

    @property
    def first_name(self) -> str:
        """The first word of the name that is not an abbreviation: 'Dr. Elena Vogt' -> 'Elena'."""
        words = self.name.split()
        return next((w for w in words if not w.endswith(".")), words[0] if words else self.name)

    def is_former(self, today: dt.date) -> bool:
        """Former contributors keep their page and posts but leave 'current' listings."""
        return self.until is not None and self.until < today

    def ask_route(self, today: dt.date) -> str | None:
        """Where a reader can ask this author a question: the registry's contact route, while
        they contribute (nobody answers a former contributor's form)."""
        return None if self.is_former(today) else self.contact


@dataclass(frozen=True)
class Network:
    authors: Mapping[str, Author] = field(default_factory=dict)
    departments: Mapping[str, Department] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "authors", MappingProxyType(dict(sorted(self.authors.items()))))
        object.__setattr__(self, "departments", MappingProxyType(dict(self.departments)))

    def members(self, department_id: str) -> list[Author]:
        """Authors whose primary or additional departments include this one."""
        return [a for a in self.authors.values() if department_id in a.departments]

    def department_rank(self, department_id: str) -> int:
        """A department's place in departments.yml: the one order every page lists
        departments in (``departments`` iterates in it; sort anything else by this)."""
        for rank, known in enumerate(self.departments):
            if known == department_id:
                return rank
        return len(self.departments)


class Status(enum.Enum):
    """A post's one publication status, decided once by :func:`Status.of`.

    PUBLISHED posts are written and listed; HIDDEN ones are written but never listed;
    DRAFT, SCHEDULED (dated after the build's 'now') and EXPIRED ('Expires:' at or before
    it) ones are written nowhere.
    ``chorus serve --drafts`` decides it with ``drafts_shown``: a draft is then what it
    would be without ``Status: draft`` (docs/model.md, "Drafts in the preview").
    """

    PUBLISHED = "published"
    HIDDEN = "hidden"
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"

    @classmethod
    def of(
        cls,
        declared: str,
        date: dt.datetime | None,
        now: dt.datetime,
        *,
        drafts_shown: bool = False,
        expires: dt.datetime | None = None,
    ) -> Status:
        """The publication rule: the declared ``Status:``, unless the date is still to come
        or the post's ``Expires:`` has come."""
        if declared == "draft" and not drafts_shown:
            return cls.DRAFT
        if date is not None and date > now:
            return cls.SCHEDULED
        if expires is not None and expires <= now:
            return cls.EXPIRED
        return cls.HIDDEN if declared == "hidden" else cls.PUBLISHED

    @property
    def written(self) -> bool:
        """Whether the build writes a page for it (so links from it must work)."""
        return self in (Status.PUBLISHED, Status.HIDDEN)

    @property
    def listed(self) -> bool:
        return self is Status.PUBLISHED


class RefForm(enum.Enum):
    """How a reference in Markdown names its target."""

    SHORT = "short"  # [[author-id/slug]], [[slug]], [[@author-id]]
    FILENAME = "filename"  # {filename}path.md (Pelican's)
    STATIC = "static"  # {static}path.png (Pelican's; {attach} too)
    RELATIVE = "relative"  # path.png or ../other/post.md, relative to the source's folder
    ROOT = "root"  # /posts/li-wei/x/, a URL of this site
    EXTERNAL = "external"  # https://…, mailto:…, //host/…: left alone


@dataclass(frozen=True)
class Reference:
    """One link or image as written in a source."""

    form: RefForm
    target: str  # as written after the form's prefix, fragment included
    line: int
    col: int
    image: bool = False
    text: str | None = None  # link text or alt text (None: a short link without |text)

    @property
    def written(self) -> str:
        prefix = {RefForm.FILENAME: "{filename}", RefForm.STATIC: "{static}"}.get(self.form, "")
        return f"[[{self.target}]]" if self.form is RefForm.SHORT else prefix + self.target


@dataclass(frozen=True)
class Field:
    """A header field as written: its raw text and the line it stands on."""

    raw: str
    line: int


@dataclass(frozen=True)
class Page:
    """A Markdown page (``content/pages/``): read, header checked, never rendered here."""

    source: str  # relative to the content folder, with '/': "pages/about.md"
    path: str  # as the person sees it, relative to the site root: "content/pages/about.md"
    title: str
    slug: str
    status: Status
    header: Mapping[str, Field]
    body: str
    body_line: int
    references: tuple[Reference, ...]
    date: dt.datetime | None = None
    modified: dt.datetime | None = None
    # 'Expires:' (posts only): from that moment the post is written nowhere (Status.EXPIRED).
    expires: dt.datetime | None = None
    summary: str | None = None
    # Where it was published before it was imported (``Imported-From:``): the old address
    # to redirect to this one.
    imported_from: str | None = None

    def line_of(self, key: str) -> int | None:
        found = self.header.get(key)
        return found.line if found else None

    @property
    def draft_shown(self) -> bool:
        """A draft that this run writes as if it were published: only ever in the preview
        of ``chorus serve --drafts``."""
        declared = self.header.get("status")
        return self.status.written and declared is not None and declared.raw.strip().lower() == "draft"

    @property
    def stem(self) -> str:
        """The file name without its extension, as ``PurePosixPath(source).stem`` (without
        making a path: the rules ask for it tens of thousands of times)."""
        name = self.source.rpartition("/")[2]
        dot = name.rfind(".")
        return name[:dot] if 0 < dot < len(name) - 1 else name


@dataclass(frozen=True)
class Post(Page):
    """A post in ``content/<owner>/``: every fact the build and the check need, typed.

    Ownership is as written (folder, ``Co-Authors:``, ``Department:``); the rules check it
    against the registries, and a build only goes on when they pass.
    """

    owner: str = ""
    coauthors: tuple[str, ...] = ()
    claimed_author: str | None = None
    department: str = ""
    tags: tuple[str, ...] = ()
    series: str | None = None
    related: tuple[str, ...] = ()
    featured: bool = False
    canonical: str | None = None
    feed_id: str | None = None
    policy_allow: str | None = None
    comments: bool = True  # False: 'Comments: off' (whether a site has comments at all is a setting)
    # 'Cover:' as written (an image reference, also in ``references``) and 'Cover-Alt:'.
    cover: Reference | None = None
    cover_alt: str | None = None
    lang: str | None = None  # 'Lang:' or a 'slug.de.md' name; None: the site's language (DEFAULT_LANG)
    # The key ('owner/slug') of the post this one translates ('slug.de.md', or 'Translation: yes'
    # with 'Lang:'); the translation's own slug is '<slug>-<lang>'.
    translation_of: str | None = None

    @property
    def authors(self) -> tuple[str, ...]:
        return (self.owner, *self.coauthors)

    def language(self, default: str) -> str:
        return self.lang or default

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.slug}"


@dataclass(frozen=True)
class Redirect:
    """An old URL of the site and where it goes now, from the redirects file (``redirects.yml``).

    ``url`` is relative to SITEURL like every URL of the scheme (``posts/li-wei/old-name/``);
    ``target`` names a post as ``author-id/slug`` or a page of the site as ``/topics/x/``."""

    url: str
    target: str
    path: str  # the redirects file, relative to the site root
    line: int


@dataclass(frozen=True)
class PublishedUrl:
    """A URL a source was published at in an earlier revision of the site (git)."""

    url: str  # relative to SITEURL
    path: str  # the source that published it, relative to the site root (it may be gone)
    revision: str


@dataclass(frozen=True)
class SourceFile:
    """Any entry under ``content/`` or the author registry folder, as the walk found it."""

    path: Path
    shown: str  # relative to the site root
    relative: str  # relative to its top folder (content/ or authors/), with '/'
    in_content: bool
    symlink: bool = False
    special: str = ""  # what it is when not a regular file or a link: 'a named pipe', 'a socket', …

    @property
    def extension(self) -> str:
        return self.path.suffix.lower().lstrip(".")

    @property
    def regular(self) -> bool:
        """An ordinary file: neither a symbolic link nor a named pipe, socket or device."""
        return not self.symlink and not self.special


@dataclass(frozen=True)
class Site:
    """Everything one build (or ``chorus check``) knows about the sources, read once.

    ``urls`` is the site's one URL scheme (``plugins.network.urls``): where each output goes.
    ``posts`` and ``pages`` hold every source whose header could be read, whatever its
    status; ``unreadable`` holds the problems of those that could not. ``redirects`` are
    the old URLs the site keeps alive; ``published_before`` the URLs an earlier revision
    published from sources this tree changed or removed, ``left_alone`` the sources it did
    not change. Rules
    (``plugins.network.rules``) are functions of this object; the build's plugins derive
    their views from it.
    """

    root: Path
    content: Path
    network: Network
    now: dt.datetime
    settings: Mapping[str, Any]
    urls: UrlScheme
    posts: tuple[Post, ...] = ()
    pages: tuple[Page, ...] = ()
    files: tuple[SourceFile, ...] = ()
    # The network's static/ folder (CHORUS_STATIC_DIR): published as they are at the site root.
    public_files: tuple[SourceFile, ...] = ()
    unreadable: tuple[Problem, ...] = ()
    # The Markdown sources of content/ (relative to it) whose header could not be read:
    # their problems are in ``unreadable``, and a link, translation or redirect naming one
    # is not judged (its own error is the one to fix, not a second one elsewhere).
    unread: frozenset[str] = frozenset()
    registry_read: bool = True  # False: the registries failed, so nothing was checked against them
    redirects: tuple[Redirect, ...] = ()
    # What the revision named by CHORUS_PUBLISHED_REF published and this tree changed
    # (empty when there is nothing to compare with).
    published_before: tuple[PublishedUrl, ...] = ()
    # The files (as shown) this tree has as that revision had them: what a pull request left
    # alone, which keeps an address or a name it shares with a file the request adds.
    left_alone: frozenset[str] = frozenset()

    @cached_property
    def static_files(self) -> tuple[SourceFile, ...]:
        """Content files that are neither posts nor pages (images, attachments)."""
        return tuple(
            f
            for f in self.files
            if f.in_content and not f.symlink and not f.special and f.extension not in MARKDOWN_EXTENSIONS
        )

    @cached_property
    def static_paths(self) -> frozenset[str]:
        """The static files' paths relative to the content folder."""
        return frozenset(f.relative for f in self.static_files)

    @cached_property
    def posts_by_source(self) -> Mapping[str, Post]:
        return MappingProxyType({p.source: p for p in self.posts})

    @cached_property
    def by_source(self) -> Mapping[str, Page]:
        return MappingProxyType({p.source: p for p in (*self.posts, *self.pages)})

    def shown(self, path: Path) -> str:
        return display_path(path, self.root)
