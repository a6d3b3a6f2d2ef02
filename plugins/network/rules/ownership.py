"""Who a post belongs to: the folder's author, checked co-authors, a known department."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from ..errors import Problem
from ..load import suggest
from ..model import Post, Site
from ..postmeta import registry_hint


def post_ownership(site: Site) -> Iterator[Problem]:
    for post in site.posts:
        yield from _ownership(post, site)


def _ownership(post: Post, site: Site) -> Iterator[Problem]:
    authors, departments = site.network.authors, site.network.departments
    parts = PurePosixPath(post.source).parts
    if len(parts) == 1:
        # Directly in content/: the folder is the author, so there is no author at all.
        folder = post.claimed_author or "<author-id>"
        yield Problem(
            post.path,
            post.line_of("author"),
            f"a post must be in its author's folder: move it to content/{folder}/{parts[0]}",
            rule="author-folder",
        )
        return
    if len(parts) != 2:
        yield Problem(
            post.path,
            None,
            "posts live directly in content/<author-id>/ (one folder per author, no sub-folders)",
            rule="author-folder",
        )
        return
    owner = post.owner
    if owner not in authors:
        yield Problem(
            post.path,
            None,
            f"no author registry entry for folder '{owner}': add authors/{owner}.yml"
            + suggest(owner, authors),
            rule="author-folder",
        )
        return
    if post.claimed_author and post.claimed_author != owner:
        yield Problem(
            post.path,
            post.line_of("author"),
            f"Author: '{post.claimed_author}' contradicts the folder: posts in content/{owner}/ are by '{owner}' (remove the Author: line)",
            rule="author-folder",
        )
    seen: list[str] = []
    for coauthor in post.coauthors:
        if coauthor not in authors:
            message = f"unknown co-author '{coauthor}'" + registry_hint(coauthor, "co-authors", site.network)
        elif coauthor == owner or coauthor in seen:
            message = (
                f"co-author '{coauthor}' is listed twice (the folder's author is always the first author)"
            )
        else:
            seen.append(coauthor)
            continue
        yield Problem(post.path, post.line_of("co-authors"), message, rule="co-author")
    if post.department not in departments:
        yield Problem(
            post.path,
            post.line_of("department"),
            f"unknown department '{post.department}'"
            + registry_hint(post.department, "department", site.network),
            rule="department",
        )
