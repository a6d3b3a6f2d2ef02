"""What a reviewer should know will not be published, or not for long (information, never an error)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import INFO, Problem
from ..model import Post, Site, Status


def unpublished(site: Site) -> Iterator[Problem]:
    for post in site.posts:
        if (said := _news(post)) is not None:
            field, message, rule = said
            yield Problem(post.path, post.line_of(field), message, level=INFO, rule=rule)


def _news(post: Post) -> tuple[str, str, str] | None:
    """(the header field it is about, the message, the rule id) for a reviewer, or None."""
    if post.status is Status.DRAFT:
        return "status", "not published: is a draft", "unpublished"
    if post.status is Status.SCHEDULED and post.date:
        return (
            "date",
            f"not published: is dated {post.date:%Y-%m-%d %H:%M}, after the build's 'now'",
            "unpublished",
        )
    if post.status is Status.EXPIRED and post.expires:
        message = f"not published: expired on {post.expires:%Y-%m-%d %H:%M}, at or before the build's 'now'"
        return "expires", message, "unpublished"
    if post.status.written and post.expires:
        message = (
            f"published until {post.expires:%Y-%m-%d %H:%M}: the first build after it takes the post down"
        )
        return "expires", message, "expires"
    return None
