"""Entry ids that survive rebuilds, title and slug changes, and a new URL scheme or host.

An id is a ``tag:`` URI (RFC 4151): ``tag:<domain>,<first publication date>:<author-id>/<file stem>``.
The domain is a setting, not SITEURL; the date is the post's ``Date:`` as written; the file
stem does not change with the title or ``Slug:``. A post may pin the per-post part (after a
file rename) or a whole URI (a post moved from another blog keeps the id its readers know)
with ``Feed-Id:``. Feed readers treat a new id as a new post, so ids must never collide.
"""

from __future__ import annotations

import re
from pathlib import Path

from plugins.network import Problem

_PINNED_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~/-]{0,199}$")
_PINNED_URI = re.compile(r"^(?:tag|urn|https?):[^\s<>\"'{}|\\^`]{1,300}$", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def feed_id_problem(value: str) -> str | None:
    """What is wrong with a ``Feed-Id:`` value, or None."""
    if _HAS_SCHEME.match(value):
        if _PINNED_URI.match(value):
            return None
        return f"'feed-id' must be a tag:, urn: or http(s): URI without spaces, found {value!r}"
    if _PINNED_PART.match(value):
        return None
    return (
        "'feed-id' must be a per-post id like 'alice/old-file-name' (letters, digits, '.', '_', '~', '-', '/')"
        f" or a whole URI like 'tag:example.com,2019:post-7', found {value!r}"
    )


def entry_id(article, domain: str) -> str:
    pinned = getattr(article, "feed_id", None)
    if pinned and _HAS_SCHEME.match(pinned):
        return pinned
    per_post = pinned or f"{article.owner_id}/{Path(article.source_path).stem}"
    # The date as written in the header: changing TIMEZONE must not move it a day.
    return f"tag:{domain},{article.date.date().isoformat()}:{per_post}"


def id_problems(articles, domain: str, shown, unique: bool) -> list[Problem]:
    """Bad ``Feed-Id:`` values and, when ``unique``, ids shared by two posts.

    ``shown`` turns a source path into the path a person sees. Drafts get only the first
    check: a draft may share the id of the post it will replace.
    """
    problems = []
    first_use: dict[str, tuple[str, int | None]] = {}
    for article in sorted(articles, key=lambda a: a.source_path):
        path = shown(article.source_path)
        line = article.metadata.get("meta_lines", {}).get("feed-id")
        pinned = getattr(article, "feed_id", None)
        if pinned and (message := feed_id_problem(pinned)):
            problems.append(Problem(path, line, message))
            continue
        if not unique:
            continue
        uri = entry_id(article, domain)
        if uri in first_use:
            other_path, other_line = first_use[uri]
            where = f"{other_path}:{other_line}" if other_line else other_path
            problems.append(
                Problem(
                    path,
                    line,
                    f"feed id '{uri}' is already the id of {where}; give one of them its own Feed-Id:",
                )
            )
        else:
            first_use[uri] = (path, line)
    return problems
