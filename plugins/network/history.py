"""What an earlier revision of the site published: the URLs of sources this tree changed or removed.

A URL that was published must keep working: a post that is renamed, moved or deleted needs
a redirect. The revision is the one that is live (``CHORUS_PUBLISHED_REF``, or the base a
pull request is checked against, ``chorus check --changed-since``); git says which sources
changed since, and their text at that revision says where they were published, by the same
publication rule and URL scheme as today's sources (as of the same 'now').
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import Problem, ProblemList
from .model import MARKDOWN_EXTENSIONS, PublishedUrl, Status
from .postmeta import convert_fields, in_site_zone, parse_header
from .posts import is_page_source, slug_and_language
from .settings import SETTINGS_FILE
from .urls import UrlScheme

RULE = "lost-url"
SETTING = "CHORUS_PUBLISHED_REF"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, errors="replace")


def published_before(
    root: Path,
    content: Path,
    revision: str,
    settings: Mapping[str, Any],
    urls: UrlScheme,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> tuple[tuple[PublishedUrl, ...], frozenset[str], list[Problem]]:
    """The URLs ``revision`` published from Markdown sources that differ from it in this tree,
    and the files of the site (as shown) this tree has as they were in ``revision``."""
    # A revision is never an option: '--output=…' would make git write a file.
    known = (
        None
        if revision.startswith("-")
        else _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    )
    if known is None or known.returncode != 0:
        message = (
            f"{SETTING}: cannot compare with {revision!r}, which git does not know here"
            " (is the site in a git clone with that branch fetched?)"
        )
        return (), frozenset(), [Problem(SETTINGS_FILE, None, message, rule=RULE)]
    folder = Path(os.path.relpath(content, root)).as_posix()
    changed = _git(root, "diff", "--name-only", "--no-renames", "--relative", revision, "--", folder)
    # Every file of the site (posts, registries…), not only the posts: who claimed an
    # address or a name first is judged over both.
    then = _git(root, "ls-tree", "-r", "--name-only", revision, "--", ".")
    since = _git(root, "diff", "--name-only", "--no-renames", "--relative", revision, "--", ".")
    left_alone = frozenset(then.stdout.splitlines()) - frozenset(since.stdout.splitlines())
    found = []
    for shown in sorted(changed.stdout.splitlines()):
        if PurePosixPath(shown).suffix.lstrip(".").lower() not in MARKDOWN_EXTENSIONS:
            continue
        old = _git(root, "show", f"{revision}:./{shown}")
        if old.returncode != 0:
            continue  # new since the revision: it published nothing then
        url = _published_url(old.stdout, shown, folder, settings, urls, now, zone)
        if url is not None:
            found.append(PublishedUrl(url, shown, revision))
    return tuple(found), left_alone, []


def _published_url(
    text: str,
    shown: str,
    folder: str,
    settings: Mapping[str, Any],
    urls: UrlScheme,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> str | None:
    """Where the source, as it was, was written; None when it was not (a draft, scheduled, unreadable)."""
    relative = PurePosixPath(shown).relative_to(folder)
    is_page = is_page_source(relative, settings["PAGE_PATHS"])
    ignored = ProblemList()
    header = parse_header(text.replace("\r\n", "\n"), shown, ignored)
    fields = convert_fields(header, shown, is_page, ignored, zone=zone)
    values = fields.values
    slug = slug_and_language(relative.stem, fields, shown, is_page, ignored)[0]
    if ignored.errors or slug is None:
        return None  # it did not build then either
    date = in_site_zone(values.get("date"), zone)
    expires = in_site_zone(values.get("expires"), zone)
    status = Status.of(
        str(values.get("status", "published")), date if not is_page else None, now, expires=expires
    )
    if not status.written:
        return None
    if is_page:
        return urls.page(slug).url
    if len(relative.parts) != 2:
        return None
    return urls.post(relative.parts[0], slug).url
