"""A post's stable id: survives rebuilds, title and slug changes, and a new URL scheme or host.

An id is a ``tag:`` URI (RFC 4151): ``tag:<domain>,<first publication date>:<author-id>/<file stem>``.
The domain is a setting, not SITEURL; the date is the post's ``Date:`` as written; the file
stem does not change with the title or ``Slug:``. A post may pin the per-post part (after a
file rename) or a whole URI (a post moved from another blog keeps the id its readers know)
with ``Feed-Id:``. Feed readers treat a new id as a new post, so ids must never collide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .model import Post
from .urls import UrlScheme

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


def id_domain(settings: Mapping[str, Any], urls: UrlScheme) -> str:
    """DEPARTMENT_FEEDS_ID_DOMAIN, else the host of the site's absolute URLs."""
    return str(settings.get("DEPARTMENT_FEEDS_ID_DOMAIN") or urls.host)


def stable_id(post: Post, domain: str) -> str:
    """The post's id in feeds (and anywhere else a post needs an identity that outlives its URL)."""
    pinned = post.feed_id
    if pinned and _HAS_SCHEME.match(pinned):
        return pinned
    per_post = pinned or f"{post.owner}/{post.stem}"
    # The date as written in the header: changing TIMEZONE must not move it a day.
    assert post.date is not None
    return f"tag:{domain},{post.date.date().isoformat()}:{per_post}"
