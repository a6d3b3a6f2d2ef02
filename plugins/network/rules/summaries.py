"""Every post that will be published says what it is about in ``Summary:``.

Listings, feeds, search results and shared links show the summary; without one they show
the first words of the body. A missing or placeholder summary is a warning for the
reviewer (an error under ``chorus check --strict``), never for a draft still being written.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import WARNING, Problem
from ..model import Site, Status
from ..postmeta import SUMMARY_PLACEHOLDER


def summaries(site: Site) -> Iterator[Problem]:
    for post in site.posts:
        if post.status in (Status.DRAFT, Status.EXPIRED):
            continue  # nobody reads it now: a draft is still being written, an expired post is down
        if post.summary is None:
            message = "missing 'Summary:': one or two sentences for listings, feeds and search results"
            yield Problem(post.path, 1, message, level=WARNING, rule="summary")
        elif post.summary.strip() == SUMMARY_PLACEHOLDER:
            message = "'Summary:' is still the placeholder of `chorus new post`: say what the post is about"
            yield Problem(post.path, post.line_of("summary"), message, level=WARNING, rule="summary")
