"""Which feeds the site has: one scope per listing page (network, department, author, topic).

A scope has feeds when it has a page that lists posts, so every feed's "alternate" link
and every autodiscovery link points at a page that exists. The catalog is what the theme
sees (autodiscovery, Subscribe page, feed buttons) and what the writer writes, so the
two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from plugins.network.i18n import N_, Language, autonym, language
from plugins.network.urls import (
    ATOM,
    AUTHORS,
    DEPARTMENTS,
    FEED_FOLDER_SETTINGS,
    JSON,
    LANGUAGES,
    NETWORK,
    RSS,
    TOPICS,
)

from .config import FeedConfig


def breakable_url(url: str) -> Markup:
    """The URL, escaped, with line-break opportunities after each '/' (<wbr> copies as nothing)."""
    return Markup("/<wbr>").join(escape(url).split("/"))


# Label and media type of each format, as feed readers and autodiscovery expect them.
FORMAT_INFO = {
    ATOM: ("Atom", "application/atom+xml"),
    RSS: ("RSS", "application/rss+xml"),
    JSON: ("JSON Feed", "application/feed+json"),
}


@dataclass(frozen=True)
class Feed:
    format: str
    path: str  # relative to the output folder; templates link it as {{ SITEURL }}/{{ feed.path }}
    url: str  # absolute, as written inside feeds and OPML files

    @property
    def label(self) -> str:
        return FORMAT_INFO[self.format][0]

    @property
    def url_html(self) -> Markup:
        return breakable_url(self.url)

    @property
    def media_type(self) -> str:
        return FORMAT_INFO[self.format][1]


@dataclass
class Scope:
    kind: str
    slug: str  # "" for the network
    name: str
    title: str
    description: str
    page_path: str  # the listing page, relative like article.url ("" for the home page)
    page_url: str
    limit: int = 0  # the most posts a feed of this scope holds
    articles: list = field(default_factory=list)  # newest first, at most ``limit``
    feeds: tuple[Feed, ...] = ()
    guest: bool = False

    @property
    def source(self) -> str:
        """The setting that places this scope's files, as named in collision errors."""
        what = f" ({self.kind.rstrip('s')} '{self.slug}')" if self.slug else ""
        return FEED_FOLDER_SETTINGS[self.kind] + what


@dataclass(frozen=True)
class OpmlFile:
    path: str
    url: str
    title: str
    groups: tuple[tuple[str, tuple[Scope, ...]], ...]  # ("Departments", scopes), ("People", scopes)
    source: str
    department: str | None = None  # one department and its people
    scope: str | None = None  # every feed of one scope (departments, authors, topics)
    # Neither: the whole network's list (every feed, the network's own first).

    @property
    def url_html(self) -> Markup:
        return breakable_url(self.url)


class FeedCatalog:
    def __init__(self, scopes: list[Scope], opml_files: list[OpmlFile], default_lang: str = "en"):
        self.scopes = scopes
        self.opml_files = opml_files
        self.default_lang = default_lang  # the language of posts that do not say theirs
        self._by_key = {(s.kind, s.slug): s for s in scopes}

    def find(self, kind: str, slug: str = "") -> Scope | None:
        return self._by_key.get((kind, slug))

    def group(self, kind: str) -> list[Scope]:
        return [s for s in self.scopes if s.kind == kind]

    @property
    def network(self) -> Scope | None:
        return self.find(NETWORK)

    @property
    def network_opml(self) -> OpmlFile | None:
        return next((o for o in self.opml_files if o.department is None and o.scope is None), None)

    def scope_opml(self, kind: str) -> OpmlFile | None:
        """The OPML list of every feed of one scope (departments, authors, topics), if written."""
        return next((o for o in self.opml_files if o.scope == kind), None)

    def department_opml(self, slug: str) -> OpmlFile | None:
        return next((o for o in self.opml_files if o.department == slug), None)

    @property
    def feeds(self) -> list[Feed]:
        return [feed for scope in self.scopes for feed in scope.feeds]

    def for_page(self, article=None, category=None, author=None, tag=None) -> list[Scope]:
        """The scopes a page advertises: its own feeds, the network's on every other page.

        Arguments are the page's template variables; undefined ones arrive falsy.
        """
        if article:
            found = [self.find(DEPARTMENTS, article.category.slug), self.find(AUTHORS, article.author.slug)]
            found.append(self.find(LANGUAGES, article.post.language(self.default_lang).lower()))
        elif category:
            found = [self.find(DEPARTMENTS, category.slug)]
        elif author:
            found = [self.find(AUTHORS, author.slug)]
        elif tag:
            found = [self.find(TOPICS, tag.slug)]
        else:
            found = []
        scopes = [s for s in found if s]
        return scopes or [s for s in [self.network] if s]


def _feeds(config: FeedConfig, kind: str, slug: str) -> tuple[Feed, ...]:
    urls = config.urls
    places = ((fmt, urls.feed(kind, fmt, slug or None)) for fmt in config.formats)
    return tuple(Feed(fmt, place.save_as, urls.absolute(place.url)) for fmt, place in places)


def _newest_first(articles) -> list:
    return sorted(articles, key=lambda a: (a.date, a.source_path), reverse=True)


class _ScopeMaker:
    """Scopes from the published posts, titled for feed readers ("Service — Halvard Voices")."""

    def __init__(self, config: FeedConfig, settings: dict, network):
        self.config, self.network = config, network
        self.lang = language(settings)
        self.site = settings.get("SITENAME") or "Chorus"
        self.company = settings.get("CHORUS_COMPANY") or self.site
        self.subtitle = settings.get("SITESUBTITLE") or self.lang.gettext(
            "Posts from every department of %(company)s", company=self.company
        )

    def make(
        self, kind: str, slug: str, name: str, description: str, page_path: str, articles, guest=False
    ) -> Scope:
        return Scope(
            kind=kind,
            slug=slug,
            name=name,
            title=name if kind == NETWORK else f"{name} — {self.site}",
            description=description,
            page_path=page_path,
            page_url=self.config.urls.absolute(page_path),
            limit=self.config.max_items[kind],
            articles=_newest_first(articles)[: self.config.max_items[kind]],
            feeds=_feeds(self.config, kind, slug),
            guest=guest,
        )

    def network_scope(self, published) -> Scope:
        return self.make(NETWORK, "", self.site, self.subtitle, "", published)

    def department_scopes(self, published) -> list[Scope]:
        by_department: dict[str, list] = {}
        for article in published:
            by_department.setdefault(article.category.slug, []).append(article)
        scopes = []
        for dep_id, department in self.network.departments.items():
            if dep_id in by_department:
                articles = by_department[dep_id]
                url = articles[0].category.url
                scopes.append(
                    self.make(DEPARTMENTS, dep_id, department.name, department.description, url, articles)
                )
        return scopes

    def author_scopes(self, published) -> list[Scope]:
        by_author: dict[str, list] = {}
        wrappers: dict[str, Any] = {}
        for article in published:
            for author in article.authors:
                by_author.setdefault(author.slug, []).append(article)
                wrappers.setdefault(author.slug, author)
        scopes = []
        for author_id, profile in self.network.authors.items():
            if author_id in by_author:
                t = self.lang
                if profile.is_guest and profile.affiliation:
                    description = t.gettext(
                        "%(title)s at %(affiliation)s; guest author on %(site)s",
                        title=profile.title, affiliation=profile.affiliation, site=self.site,
                    )  # fmt: skip
                elif profile.is_guest:
                    description = t.gettext(
                        "%(title)s; guest author on %(site)s", title=profile.title, site=self.site
                    )
                else:
                    description = t.gettext(
                        "%(title)s at %(company)s", title=profile.title, company=self.company
                    )
                scopes.append(
                    self.make(AUTHORS, author_id, profile.name, description, wrappers[author_id].url,
                              by_author[author_id], guest=profile.is_guest)
                )  # fmt: skip
        return scopes

    def topic_scopes(self, published) -> list[Scope]:
        by_topic: dict[str, list] = {}
        tags: dict[str, Any] = {}
        for article in published:
            for tag in getattr(article, "tags", []):
                by_topic.setdefault(tag.slug, []).append(article)
                tags.setdefault(tag.slug, tag)
        return [
            self.make(TOPICS, slug, tags[slug].name,
                      self.lang.gettext("Posts about %(topic)s from across %(company)s.", topic=tags[slug].name, company=self.company),
                      tags[slug].url, by_topic[slug])
            for slug in sorted(tags, key=lambda s: (tags[s].name.casefold(), s))
        ]  # fmt: skip

    def language_scopes(self, published) -> list[Scope]:
        """One scope per language, when the posts are in more than one (else the network's feed is it)."""
        by_language: dict[str, list] = {}
        for article in published:
            by_language.setdefault(article.post.language(self.lang.tag).lower(), []).append(article)
        if len(by_language) < 2:
            return []
        return [
            self.make(LANGUAGES, code, autonym(code),
                      self.lang.gettext("Every post in %(language)s on %(site)s.", language=self.lang.language_name(code), site=self.site),
                      "", by_language[code])
            for code in sorted(by_language)
        ]  # fmt: skip


# Marked for extraction here, translated where the lists are written.
SCOPE_GROUP_LABELS = {
    NETWORK: N_("Network"),
    DEPARTMENTS: N_("Departments"),
    AUTHORS: N_("People"),
    TOPICS: N_("Topics"),
    LANGUAGES: N_("Languages"),
}
# The scopes that get a list of their own (feeds/authors.opml, ...); languages are few and
# sit in the network's list.
SCOPE_OPML = (DEPARTMENTS, AUTHORS, TOPICS)


def _opml_files(
    config: FeedConfig, network, site: str, scopes: dict[str, list[Scope]], lang: Language
) -> list[OpmlFile]:
    """The network's list (every feed), one list per scope, one per department with its people."""
    files = []
    people_label = lang.gettext(SCOPE_GROUP_LABELS[AUTHORS])
    groups = tuple(
        (lang.gettext(SCOPE_GROUP_LABELS[kind]), tuple(found)) for kind, found in scopes.items() if found
    )
    if groups:
        place = config.urls.opml()
        files.append(
            OpmlFile(
                place.save_as,
                config.urls.absolute(place.url),
                lang.gettext("%(site)s: every feed", site=site),
                groups,
                "DEPARTMENT_FEEDS_OPML_SAVE_AS",
            )
        )
    for kind in SCOPE_OPML:
        if scopes.get(kind):
            place = config.urls.scope_opml(kind)
            label = lang.gettext(SCOPE_GROUP_LABELS[kind])
            files.append(
                OpmlFile(
                    place.save_as,
                    config.urls.absolute(place.url),
                    lang.gettext("%(site)s: %(scope)s", site=site, scope=label),
                    ((label, tuple(scopes[kind])),),
                    f"DEPARTMENT_FEEDS_SCOPE_OPML_SAVE_AS (scope '{kind}')",
                    scope=kind,
                )
            )
    by_author = {scope.slug: scope for scope in scopes.get(AUTHORS, [])}
    for department in scopes.get(DEPARTMENTS, []):
        people = tuple(by_author[a.id] for a in network.members(department.slug) if a.id in by_author)
        groups = ((lang.gettext("Department"), (department,)),) + (
            ((people_label, people),) if people else ()
        )
        place = config.urls.opml(department.slug)
        source = f"DEPARTMENT_FEEDS_DEPARTMENT_OPML_SAVE_AS (department '{department.slug}')"
        files.append(
            OpmlFile(
                place.save_as,
                config.urls.absolute(place.url),
                department.title,
                groups,
                source,
                department.slug,
            )
        )
    return files


def build_catalog(published, network, settings: dict, config: FeedConfig) -> FeedCatalog:
    maker = _ScopeMaker(config, settings, network)
    groups = {
        NETWORK: lambda: [maker.network_scope(published)],
        DEPARTMENTS: lambda: maker.department_scopes(published),
        AUTHORS: lambda: maker.author_scopes(published),
        TOPICS: lambda: maker.topic_scopes(published),
        LANGUAGES: lambda: maker.language_scopes(published),
    }
    scopes = {kind: groups[kind]() if kind in config.scopes else [] for kind in groups}
    opml_files = _opml_files(config, network, maker.site, scopes, maker.lang)
    return FeedCatalog([s for kind in groups for s in scopes[kind]], opml_files, maker.lang.tag)
