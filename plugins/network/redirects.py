"""Old URLs kept alive: the redirects file, read, and each entry resolved against the site.

``redirects.yml`` (``CHORUS_REDIRECTS_FILE``) at the site root maps an old URL of the site,
relative to SITEURL like every URL of the scheme, to where it goes now: a post
(``author-id/slug``), a profile (``@author-id``) or any page the build writes
(``/topics/flow-meters/``). ``chorus mv`` adds an entry for every move; editors may add
their own. The ``redirects`` rule judges the entries; the ``redirects`` plugin writes a
page at each old URL and a ``_redirects`` file for hosts that read one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import Problem, SourceError
from .links import LinkError, LinkIndex
from .model import Post, Redirect, Reference, RefForm, Site, Status
from .sourcefile import read_source_text
from .yamlfile import MAX_REGISTRY_BYTES, load_yaml

RULE = "redirects"
HEADER = (
    "# Old URLs of this site and where they go now: a post (author-id/slug), a profile\n"
    "# (@author-id) or a page (/topics/x/). `chorus mv` adds a line for every move; the build\n"
    "# writes a redirect page at each old URL. See docs/editorial.md.\n"
)
# A URL relative to SITEURL: path segments of URL-safe characters (none starting with a dot),
# ending in '/' (a folder, whose index.html is the page) or in '.html'.
_OLD_URL = re.compile(
    r"^(?:[A-Za-z0-9_~%+-][A-Za-z0-9._~%+-]*/)+$|^(?:[A-Za-z0-9_~%+-][A-Za-z0-9._~%+-]*/)*[A-Za-z0-9_~%+-][A-Za-z0-9._~%+-]*\.html?$"
)


@dataclass(frozen=True)
class Destination:
    """Where a redirect goes: a URL relative to SITEURL (with its #fragment) and its page's title."""

    url: str
    title: str


def read_redirects(path: Path, shown: str) -> tuple[tuple[Redirect, ...], list[Problem]]:
    """The entries of the redirects file (none when there is no file), and what stops reading it."""
    if not path.is_file():
        return (), []
    try:
        data = load_yaml(read_source_text(path, shown, MAX_REGISTRY_BYTES), shown)
    except SourceError as exc:
        return (), [replace(p, rule=RULE) for p in exc.problems]
    if data is None:
        return (), []
    if not isinstance(data, dict):
        message = (
            "expected a mapping of old URL to where it goes, like 'posts/li-wei/old-name/: li-wei/new-name'"
        )
        return (), [Problem(shown, 1, message, rule=RULE)]
    redirects, problems = [], []
    for url, located in data.items():
        if isinstance(located.value, str) and located.value.strip():
            redirects.append(Redirect(url.strip().lstrip("/"), located.value.strip(), shown, located.line))
        else:
            message = f"'{url}' must go to a post like 'li-wei/new-name', a profile like '@li-wei' or a page like '/topics/x/'"
            problems.append(Problem(shown, located.line, message, rule=RULE))
    return tuple(redirects), problems


def url_problem(url: str) -> str | None:
    """What is wrong with an old URL as written in the redirects file, or None."""
    if _OLD_URL.match(url):
        return None
    return (
        f"'{url}' is not a URL of this site like 'posts/li-wei/old-name/'"
        " (relative to SITEURL, ending in '/' or '.html')"
    )


def in_effect(redirect: Redirect, index: LinkIndex) -> bool:
    """Whether the build writes ``redirect`` now: neither waiting nor lapsed."""
    return not waits(redirect, index) and not lapsed(redirect, index)


def waits(redirect: Redirect, index: LinkIndex) -> bool:
    """A redirect from the address of a post that will expire waits until it has (a
    successor taking over an offer's readers); where it goes is judged now all the same."""
    post = index.post_at(redirect.url)
    return post is not None and post.status.written and post.expires is not None


def taken_later(redirect: Redirect, index: LinkIndex) -> Post | None:
    """A scheduled post that will write a page at the redirect's address: the redirect would
    hide it from its date on, in a build nobody reviews."""
    return next((p for p in index.posts_at(redirect.url) if p.status is Status.SCHEDULED), None)


def lapsed(redirect: Redirect, index: LinkIndex) -> bool:
    """A redirect to a post that has expired goes with it: the post's page is gone by
    design, as its own address is."""
    post = target_post(redirect, index)
    return post is not None and post.status is Status.EXPIRED


def target_post(redirect: Redirect, index: LinkIndex) -> Post | None:
    """The post ``redirect`` goes to (by 'author-id/slug' or by its address), whatever its
    status; None for a profile, another page or a post that does not exist."""
    target = redirect.target.partition("#")[0]
    if target.startswith("@"):
        return None
    if target.startswith("/"):
        return index.post_at(target)
    try:
        return index.post(target)
    except LinkError:
        return None


def destination(redirect: Redirect, site: Site, index: LinkIndex) -> Destination:
    """Where ``redirect`` goes; LinkError when its target is not something the build writes."""
    target = redirect.target
    if target.startswith("/"):
        resolved = index.resolve(Reference(RefForm.ROOT, target, redirect.line, 1), "")
        url = resolved.url or ""
        if index.post_at(url) is None and (message := index.lasting_problem(target, url, Status.PUBLISHED)):
            raise LinkError(message)  # a topic's page that goes with its posts: nothing to lapse with
        titles = {site.urls.source(s).url: s.title for s in (*site.posts, *site.pages) if s.status.written}
        return Destination(_with(url, resolved.fragment), titles.get(url, site.urls.link(url)))
    if target.startswith("@"):
        author = site.network.authors[index.short(target).author or ""]
        return Destination(site.urls.author(author.id).url, author.name)
    name, _, fragment = target.partition("#")
    post = index.post(name)
    if not post.status.written:  # a post that expires may be the target: the redirect lapses with it
        raise LinkError(index.publication_problem(name, post, Status.PUBLISHED) or f"'{name}' is not written")
    return Destination(_with(site.urls.source(post).url, fragment), post.title)


def _with(url: str, fragment: str) -> str:
    return f"{url}#{fragment}" if fragment else url
