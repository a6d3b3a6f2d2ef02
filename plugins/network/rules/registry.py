"""Registry facts that only make sense with the rest of the site (topics shared with posts)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem
from ..model import Site
from ..urls import slug_of
from .outputs import long_slug_message


def expertise_topics(site: Site) -> Iterator[Problem]:
    """An expertise topic must have a slug, or the expertise index could not link it."""
    for author in site.network.authors.values():
        for topic in author.expertise:
            slug = slug_of(topic, dict(site.settings), "TAG")
            if slug and (message := long_slug_message("expertise topic", topic, slug)):
                yield Problem(author.source, author.expertise_line, message, rule="registry")
            if topic.strip() and not slug:
                yield Problem(
                    author.source,
                    author.expertise_line,
                    f"expertise topic {topic!r} has no letters or digits to link it with; write it out, like 'flow meters'",
                    rule="registry",
                )
