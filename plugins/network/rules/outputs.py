"""One file, one source: two sources that would write the same output fail, naming both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..errors import Problem
from ..model import AUTHOR_KINDS, Post, Site, Status
from ..state import OutputRegistry
from ..urls import (
    TagSpellings,
    public_file_problem,
    reserved_slug_message,
    reserved_top_level,
    slug_of,
)


def output_paths(site: Site) -> Iterator[Problem]:
    settings = dict(site.settings)
    outputs = OutputRegistry()
    reserved = reserved_top_level(settings)
    for page in site.pages:
        if page.status.written and (message := reserved_slug_message(page.slug, reserved)):
            yield Problem(page.path, page.line_of("slug"), message, rule="url-collision")
    # (output, source, its Slug: line)
    claims: list[tuple[str, str, int | None]] = [
        (site.urls.source(p).save_as, p.path, p.line_of("slug"))
        for p in (*site.posts, *site.pages)
        if p.status.written and (isinstance(p, Post) or not reserved_slug_message(p.slug, reserved))
    ]
    for file in site.public_files:
        if not file.regular:
            continue  # refused by the tree rule
        if message := public_file_problem(file.relative, settings):
            yield Problem(file.shown, None, message, rule="url-collision")
        else:
            claims.append((site.urls.public_file(file.relative).save_as, file.shown, None))
    # Who keeps an address two sources claim: one the live revision has as it is (with
    # `chorus check --changed-since`, the file the pull request adds or edits is named, in
    # the diff), else the first by path.
    for output, source, line in sorted(claims, key=lambda claim: (claim[1] not in site.left_alone, claim[1])):
        if problem := outputs.claim(output, source):
            yield replace(problem, line=line)
    yield from _listings(site, outputs)
    yield from _profiles(site, settings)
    yield from _scheduled_pages(site)


def _scheduled_pages(site: Site) -> Iterator[Problem]:
    """A scheduled post writes its page from its date until its 'Expires:'. Another post
    writing the same page then (one that expires later, a second scheduled one) would stop
    the build that publishes it, in an hour nobody reviews: named now. A successor may take
    an expiring post's address from the moment it expires."""
    scheduled: dict[str, list[Post]] = {}
    for post in site.posts:
        if post.status is Status.SCHEDULED and post.date is not None:
            scheduled.setdefault(site.urls.source(post).save_as, []).append(post)
    if not scheduled:
        return  # most checks: the written posts' pages were claimed above
    written: dict[str, list[Post]] = {}
    for post in site.posts:
        if post.status.written and (output := site.urls.source(post).save_as) in scheduled:
            written.setdefault(output, []).append(post)
    for output, posts in scheduled.items():
        posts.sort(key=lambda p: (p.date, p.source))
        for number, post in enumerate(posts):
            assert post.date is not None
            # Each pair once: the written posts, and the scheduled ones due no later.
            for other in [*written.get(output, ()), *posts[:number]]:
                if other.expires is None or post.date < other.expires:
                    until = f" until {other.expires:%Y-%m-%d %H:%M}" if other.expires is not None else ""
                    yield Problem(
                        post.path,
                        post.line_of("slug") or post.line_of("date"),
                        f"would be written to '{output}' from {post.date:%Y-%m-%d %H:%M}, while"
                        f" {other.path} writes it{until}; give one of them another Slug:, or date"
                        " this one after the other expires",
                        rule="url-collision",
                        also=(other.path,),
                    )


def _listings(site: Site, outputs: OutputRegistry) -> Iterator[Problem]:
    """Pelican's pages of a topic, a department and a year go where their *_SAVE_AS
    settings say, which may be where a page, a post or another of them is written
    (TAG_SAVE_AS = '{slug}/index.html' and a page 'about' beside a topic 'about'): Pelican
    would stop at the second write. Each is claimed in the order Pelican writes them, and
    named at the first post that makes it."""
    written = sorted((p for p in site.posts if p.status.written), key=lambda p: p.source)
    # (setting, save_as) -> (what, where it is named: path and line): each page once, named
    # as its first post spells it (topics spelled alike share a page; the tags rule judges them)
    listings: dict[tuple[str, str], tuple[str, tuple[str, int | None]]] = {}

    def listing(save_as: str, what: str, setting: str, where: tuple[str, int | None]) -> None:
        if save_as:
            listings.setdefault((setting, save_as), (what, where))

    tags_seen: set[str] = set()
    departments_seen: set[str] = set()
    years_seen: set[int] = set()
    for post in written:  # each topic, department and year once, at its first post
        for tag in post.tags:
            if tag not in tags_seen and (slug := slug_of(tag, site.settings, "TAG")):
                tags_seen.add(tag)
                where = (post.path, post.line_of("tags"))
                listing(site.urls.topic(slug).save_as, f"the page of topic '{tag}'", "TAG_SAVE_AS", where)
    for post in written:
        department = site.network.departments.get(post.department)
        if department is not None and department.id not in departments_seen:
            departments_seen.add(department.id)
            where = (department.source or post.path, department.line)
            what = f"the page of department '{department.id}'"
            listing(site.urls.department(department.id).save_as, what, "CATEGORY_SAVE_AS", where)
    for post in written:
        if post.date is not None and post.date.year not in years_seen:
            years_seen.add(post.date.year)
            where = (post.path, post.line_of("date"))
            what = f"the archive of {post.date.year}"
            listing(site.urls.year_archive(post.date.year).save_as, what, "YEAR_ARCHIVE_SAVE_AS", where)
    claimed_by: dict[str, str] = {}  # each listing's owner (its `what`) -> its setting
    for (setting, save_as), (what, (path, line)) in listings.items():
        owner = outputs.owner_of(save_as)
        if owner is None:
            outputs.claim(save_as, what)
            claimed_by[what] = setting
            continue
        if claimed_by.get(owner) == setting:
            continue  # two topics in one folder but for case: the tags rule names the spellings
        message = (
            f"{what} would be written to '{save_as}', which {owner} writes; change {setting} or rename one"
        )
        yield Problem(path, line, message, rule="url-collision", also=(owner,))


def _profiles(site: Site, settings: dict[str, Any]) -> Iterator[Problem]:
    """An author id must not put a profile where a directory page is written."""
    site_pages = [(settings.get("AUTHORS_SAVE_AS"), "AUTHORS_SAVE_AS", "the expert directory")]
    site_pages.append(
        (
            settings.get("AUTHOR_PROFILES_EXPERTISE_SAVE_AS"),
            "AUTHOR_PROFILES_EXPERTISE_SAVE_AS",
            "the expertise index",
        )
    )
    kind_save_as = settings.get("AUTHOR_PROFILES_KIND_SAVE_AS")
    if kind_save_as:
        site_pages += [
            (kind_save_as.format(kind=kind), "AUTHOR_PROFILES_KIND_SAVE_AS", f"the directory of {kind}s")
            for kind in AUTHOR_KINDS
        ]
    taken = {}
    for save_as, setting, what in site_pages:
        if save_as:
            registry = OutputRegistry()
            registry.claim(save_as, setting)
            taken[save_as] = (registry, setting, what)
    for author in site.network.authors.values():
        output = str(settings["AUTHOR_SAVE_AS"]).format(slug=author.id)
        for registry, setting, what in taken.values():
            if output in registry:
                yield Problem(
                    author.source,
                    None,
                    f"the profile of '{author.id}' would be written to '{output}', where {what} is written (rename the author, or change {setting})",
                    rule="url-collision",
                )


# A topic page is a folder named after the slug: file systems refuse names over 255 bytes,
# and a tag within CHORUS_MAX_TAG_LENGTH can still spell out longer (中 becomes 'zhong').
MAX_SLUG_BYTES = 200


def long_slug_message(what: str, text: str, slug: str) -> str | None:
    """Why a topic's slug is too long to be a folder name, or None."""
    size = len(slug.encode("utf-8"))
    if size <= MAX_SLUG_BYTES:
        return None
    return (
        f"{what} '{text[:20]}…' becomes a web address of {size} characters (topics/{slug[:20]}…/);"
        f" the limit is {MAX_SLUG_BYTES}: shorten it"
    )


def tag_spellings(site: Site) -> Iterator[Problem]:
    """Tags need letters or digits, and tags that share a topic page must be spelled alike."""
    settings = dict(site.settings)
    spellings = TagSpellings()
    for post in sorted(site.posts, key=lambda p: p.source):
        for tag in post.tags:
            slug = slug_of(tag, settings, "TAG")
            if not slug:
                yield Problem(
                    post.path, post.line_of("tags"), f"tag {tag!r} has no letters or digits", rule="tags"
                )
            elif message := long_slug_message("tag", tag, slug):
                yield Problem(post.path, post.line_of("tags"), message, rule="tags")
            elif message := spellings.clash(tag, slug, post.path):
                also = (spellings.first_source(slug),)
                yield Problem(post.path, post.line_of("tags"), message, rule="tags", also=also)
