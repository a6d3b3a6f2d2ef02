"""What a reviewer should know will not be published, or not for long (information, never an error)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import INFO, Problem
from ..model import Site, Status


def unpublished(site: Site) -> Iterator[Problem]:
    for post in site.posts:
        if post.status is Status.DRAFT:
            yield Problem(
                post.path, post.line_of("status"), "not published: is a draft", level=INFO, rule="unpublished"
            )
        elif post.status is Status.SCHEDULED and post.date:
            yield Problem(
                post.path,
                post.line_of("date"),
                f"not published: is dated {post.date:%Y-%m-%d %H:%M}, after the build's 'now'",
                level=INFO,
                rule="unpublished",
            )
        elif post.status is Status.EXPIRED and post.expires:
            yield Problem(
                post.path,
                post.line_of("expires"),
                f"not published: expired on {post.expires:%Y-%m-%d %H:%M}, at or before the build's 'now'",
                level=INFO,
                rule="unpublished",
            )
        elif post.status.written and post.expires:
            yield Problem(
                post.path,
                post.line_of("expires"),
                f"published until {post.expires:%Y-%m-%d %H:%M}: the first build after it takes the post down",
                level=INFO,
                rule="expires",
            )
