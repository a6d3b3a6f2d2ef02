"""Sources -> :class:`~plugins.network.model.Site`: the one walk of the site folder, the one read of every file.

``chorus check`` and the build both start here (the build through ``BuildState.site``),
so they see the same posts with the same status. Nothing is rendered and nothing is
judged beyond what reading needs: the rules (``plugins.network.rules``) do the judging.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .errors import Problem, SourceError
from .files import path_name_problem
from .history import published_before
from .links import asks_block_parser, classify
from .memory import collection_paused
from .model import (
    MARKDOWN_EXTENSIONS,
    Field,
    Network,
    Page,
    Post,
    PublishedUrl,
    Reference,
    Site,
    SourceFile,
    Status,
)
from .postmeta import PostLimits, in_site_zone
from .posts import ParsedPost, parse_post_file
from .redirects import read_redirects
from .sourcecache import SourceCache
from .sourcefile import special_kind

if TYPE_CHECKING:
    from .state import BuildState


# Editors' backup and auto-save files: 'x.md~' (vim, Emacs), '#x.md#' (Emacs); '.#x.md' is
# hidden anyway. Pelican skips the same names (IGNORE_FILES, chorus.conf), so the two walks
# of content/ agree: a post Pelican reads is one the model has.
EDITOR_LEFTOVERS = ("*~", "#*#")


def is_skipped_name(name: str) -> bool:
    """A name no source has: hidden ('.x', '.#x', '.x.swp') or an editor's backup or
    auto-save file (:data:`EDITOR_LEFTOVERS`). Failing a build over one broke the preview
    at an editor's first save (and its removal was not seen as a change). Any other name
    with '#' or '~' ('#tips.md') is read, and refused by the rule for names."""
    # The patterns spelled out: this runs for every file of content/ (fnmatch is 20 times slower).
    return name.startswith(".") or name.endswith("~") or (len(name) > 1 and name[0] == name[-1] == "#")


def walk(top: Path, root: Path, *, in_content: bool) -> list[SourceFile]:
    """Every entry below ``top`` but folders, in a stable order; skipped names (:func:`is_skipped_name`) are left out,
    symbolic links are listed and never followed, and anything that is not a regular file
    (a named pipe, a socket, a device) is listed as such, never opened.

    A folder's entries come in name order, before those of its subfolders (in name order
    too). The kind of an entry comes from the folder listing (``os.scandir``), so a regular
    file costs no system call of its own.
    """
    found: list[SourceFile] = []
    shown_top = Path(os.path.relpath(top, root)).as_posix() + "/" if _inside(top, root) else None

    def visit(folder: str, relative: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return  # unreadable, or gone since its parent was listed
        subfolders = []
        for entry in entries:
            name = entry.name
            if is_skipped_name(name):
                continue
            try:
                symlink = entry.is_symlink()
                if not symlink and entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry)
                    continue
                regular = not symlink and entry.is_file(follow_symlinks=False)
                special = (
                    ""
                    if symlink or regular
                    else (special_kind(entry.stat(follow_symlinks=False).st_mode) or "")
                )
            except OSError:
                continue  # gone since the folder was listed
            path = Path(entry.path)
            inner = relative + name
            shown = shown_top + inner if shown_top is not None else path.as_posix()
            found.append(SourceFile(path, shown, inner, in_content, symlink, special))
        for entry in subfolders:
            visit(entry.path, relative + entry.name + "/")

    visit(str(top), "")
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.absolute().relative_to(root)
    except ValueError:
        return False
    return True


def load_site(state: BuildState) -> Site:
    """Read every source of the site ``state`` describes; never raises for bad input."""
    with collection_paused():  # every object made here lives as long as the run
        return _read_site(state)


def _read_site(state: BuildState) -> Site:
    settings = state.settings
    files: list[SourceFile] = []
    for top, in_content in ((state.content_path, True), (state.authors_path, False)):
        if top.is_dir():
            files += walk(top, state.root, in_content=in_content)
    public_files = walk(state.static_path, state.root, in_content=False) if state.static_path.is_dir() else []
    frozen_settings = MappingProxyType(settings)
    try:
        network = state.network
    except SourceError as exc:
        return Site(
            state.root,
            state.content_path,
            Network(),
            state.now,
            frozen_settings,
            state.urls,
            files=tuple(files),
            public_files=tuple(public_files),
            unreadable=tuple(exc.problems),
            registry_read=False,
        )

    posts: list[Post] = []
    pages: list[Page] = []
    unreadable: list[Problem] = []
    unread: set[str] = set()
    max_name = settings["CHORUS_MAX_FILE_NAME_LENGTH"]
    cache = SourceCache(
        state.cache_dir("sources"), settings.get("CROSSLINKS_SHORT_LINKS", True), asks_block_parser(settings)
    )
    for file in files:
        if not file.in_content or file.symlink or file.special or file.extension not in MARKDOWN_EXTENSIONS:
            continue
        if path_name_problem(file.relative, max_name):
            unread.add(file.relative)
            continue  # the tree rule reports the name; its header is read once it is renamed
        read = read_source(state, network, file.path, file.shown, file.relative, cache)
        if isinstance(read, list):
            unreadable += read
            unread.add(file.relative)
        elif isinstance(read, Post):
            posts.append(read)
        else:
            pages.append(read)
    cache.save()
    redirects_file = state.root / settings["CHORUS_REDIRECTS_FILE"]
    redirects, problems = read_redirects(redirects_file, state.shown(redirects_file))
    unreadable += problems
    published: tuple[PublishedUrl, ...] = ()
    left_alone: frozenset[str] = frozenset()
    if revision := settings.get("CHORUS_PUBLISHED_REF"):
        zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        published, left_alone, problems = published_before(
            state.root, state.content_path, revision, settings, state.urls, state.now, zone
        )
        unreadable += problems
    return Site(
        state.root,
        state.content_path,
        network,
        state.now,
        frozen_settings,
        state.urls,
        posts=tuple(posts),
        pages=tuple(pages),
        files=tuple(files),
        public_files=tuple(public_files),
        unreadable=tuple(unreadable),
        redirects=redirects,
        published_before=published,
        left_alone=left_alone,
        unread=frozenset(unread),
    )


def read_source(
    state: BuildState,
    network: Network,
    path: Path,
    shown: str,
    relative: str | None = None,
    cache: SourceCache | None = None,
) -> Post | Page | list[Problem]:
    """One Markdown file of the content folder, read as ``load_site`` reads it: the post or
    page, or the problems of its header. ``chorus serve`` re-reads an edited file with it.
    ``relative``: its path in the content folder, when the caller's walk knows it already;
    ``cache``: what earlier runs found in the same bytes (``sourcecache``)."""
    settings = state.settings
    limits = PostLimits(tags=settings["CHORUS_MAX_TAGS"], tag_length=settings["CHORUS_MAX_TAG_LENGTH"])
    zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    parsed = parse_post_file(
        path,
        state.content_path,
        shown,
        settings["PAGE_PATHS"],
        settings["CHORUS_MAX_POST_BYTES"],
        limits,
        relative,
        short_links=settings.get("CROSSLINKS_SHORT_LINKS", True),
        block_parser=asks_block_parser(settings),
        cache=cache,
        zone=zone,
        network=network,
    )
    if parsed.problems:
        return list(parsed.problems)
    if parsed.is_page:
        # Drafts shown are posts only: Pelican keeps a draft page unwritten whatever the
        # model says (nothing re-sorts its pages by status as author_folders does posts).
        return Page(**_common(parsed, state.now, zone, False))
    return _post(parsed, network, state.now, zone, settings["CHORUS_POSTS_LANG"], state.drafts_shown)


def _common(parsed: ParsedPost, now: dt.datetime, zone: dt.tzinfo, drafts_shown: bool) -> dict[str, Any]:
    values, header = parsed.fields.values, parsed.header
    date = in_site_zone(values.get("date"), zone)
    expires = in_site_zone(values.get("expires"), zone)  # pages have none: their schema refuses it
    assert parsed.slug is not None  # a source without a slug has problems, and is not read
    return {
        "source": str(parsed.relative),
        "path": parsed.shown,
        "title": str(values["title"]),
        "slug": parsed.slug,
        "status": Status.of(
            str(values.get("status", "published")),
            date if not parsed.is_page else None,
            now,
            drafts_shown=drafts_shown,
            expires=expires,
        ),
        "header": MappingProxyType({key: Field(raw, line) for key, (raw, line) in header.fields.items()}),
        "body": header.body,
        "body_line": header.body_line,
        "references": parsed.references,
        "date": date,
        "modified": in_site_zone(values.get("modified"), zone),
        "expires": expires,
        "summary": str(values["summary"]) if "summary" in values else None,
        "imported_from": str(values["imported-from"]) if "imported-from" in values else None,
    }


def _post(
    parsed: ParsedPost,
    network: Network,
    now: dt.datetime,
    zone: dt.tzinfo,
    posts_lang: str | None,
    drafts_shown: bool,
) -> Post:
    values = parsed.fields.values
    parts = parsed.relative.parts
    owner = parts[0] if len(parts) == 2 else ""
    author = network.authors.get(owner)

    def texts(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in values.get(key, ()))  # type: ignore[attr-defined]

    def text(key: str) -> str | None:
        return str(values[key]) if key in values else None

    common = _common(parsed, now, zone, drafts_shown)
    cover = _cover(parsed)
    if cover is not None:
        common["references"] = (cover, *common["references"])
    return Post(
        **common,
        owner=owner,
        coauthors=texts("co-authors"),
        claimed_author=text("author"),
        department=text("department") or (author.department if author else ""),
        tags=texts("tags"),
        series=text("series"),
        related=texts("related"),
        featured=bool(values.get("featured", False)),
        canonical=text("canonical"),
        feed_id=text("feed-id"),
        policy_allow=text("policy-allow"),
        comments=bool(values.get("comments", True)),
        cover=cover,
        cover_alt=text("cover-alt"),
        lang=parsed.lang or posts_lang,  # None: the interface's language (DEFAULT_LANG)
        translation_of=f"{owner}/{parsed.translates}" if parsed.translates else None,
    )


def _cover(parsed: ParsedPost) -> Reference | None:
    """'Cover:' as an image reference at its line, so the links rule resolves it like any image
    (its alt text is 'Cover-Alt:', judged by the links rule)."""
    written = parsed.fields.values.get("cover")
    classified = classify(str(written)) if written is not None else None
    if classified is None:
        return None
    _, line = parsed.header.fields["cover"]
    return Reference(*classified, line, len("cover: ") + 1, image=True)
