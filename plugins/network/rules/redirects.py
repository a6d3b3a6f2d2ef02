"""Published URLs keep working: every redirect goes somewhere, and no published URL is lost.

- ``redirects``: each entry of the redirects file is an old URL of this site that the build
  no longer writes, named once, going to a post, profile or page the build writes. An
  entry from the address of a post that will expire waits for it, and is judged now; one
  gone with the post it went to is not (``redirects.waits``, ``redirects.lapsed``).
- ``lost-urls``: a URL the live revision published (``Site.published_before``) is still
  written, or redirected; otherwise readers and search engines following it get a 404.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem
from ..links import LinkError, site_index, url_key
from ..model import Site
from ..redirects import RULE, destination, lapsed, taken_later, target_post, url_problem, waits

LOST = "lost-url"


def redirects(site: Site) -> Iterator[Problem]:
    if not site.redirects:
        return
    index = site_index(site)
    written = index.urls.keys()  # every page the build writes, by url_key
    first: dict[str, int] = {}
    for redirect in site.redirects:
        where = (redirect.path, redirect.line)
        if message := url_problem(redirect.url):
            yield Problem(*where, message, rule=RULE)
            continue
        key = url_key(redirect.url)
        if key in written and not waits(redirect, index):
            yield Problem(
                *where,
                f"'{redirect.url}' is a page this site writes; a redirect there would hide it (remove this line)",
                rule=RULE,
            )
        elif (later := taken_later(redirect, index)) is not None and later.date is not None:
            yield Problem(
                *where,
                f"'{redirect.url}' will be written by {later.path} from {later.date:%Y-%m-%d %H:%M};"
                " a redirect there would hide it (remove this line, or give the post another Slug:)",
                rule=RULE,
                also=(later.path,),
            )
        elif key in first:
            yield Problem(*where, f"'{redirect.url}' is redirected already on line {first[key]}", rule=RULE)
        first.setdefault(key, redirect.line)
        if lapsed(redirect, index):
            continue  # gone with the post it went to
        try:
            destination(redirect, site, index)
        except LinkError as exc:
            if index.names_unread_post(redirect.target):
                continue  # a post whose header could not be read: its own error says so
            post = target_post(redirect, index)  # a draft's: a check of a change to it reports this
            also = (post.path,) if post is not None else ()
            yield Problem(*where, f"'{redirect.url}' goes nowhere: {exc}", rule=RULE, also=also)


def lost_urls(site: Site) -> Iterator[Problem]:
    if not site.published_before:
        return
    kept = site_index(site).urls.keys() | {url_key(r.url) for r in site.redirects}
    redirects_file = site.settings["CHORUS_REDIRECTS_FILE"]
    for published in site.published_before:
        if url_key(published.url) in kept:
            continue
        yield Problem(
            published.path,
            None,
            f"was published at /{published.url} ({published.revision}), which this change loses:"
            f" move posts with 'chorus mv', or add '{published.url}: <where it goes now>' to {redirects_file}",
            rule=LOST,
        )
