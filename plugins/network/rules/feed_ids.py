"""``Feed-Id:`` values are well formed, and no two written posts share an id."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem
from ..model import Site
from ..postid import feed_id_problem, id_domain, stable_id


def feed_ids(site: Site) -> Iterator[Problem]:
    domain = id_domain(site.settings, site.urls)
    first_use: dict[str, tuple[str, int | None]] = {}
    for post in sorted(site.posts, key=lambda p: p.source):
        line = post.line_of("feed-id")
        if post.feed_id and (message := feed_id_problem(post.feed_id)):
            yield Problem(post.path, line, message, rule="feed-id")
            continue
        if not post.status.written:
            continue  # a draft may share the id of the post it will replace
        uri = stable_id(post, domain)
        if uri in first_use:
            other_path, other_line = first_use[uri]
            where = f"{other_path}:{other_line}" if other_line else other_path
            yield Problem(
                post.path,
                line,
                f"feed id '{uri}' is already the id of {where}; give one of them its own Feed-Id:",
                rule="feed-id",
                also=(other_path,),
            )
        else:
            first_use[uri] = (post.path, line)
