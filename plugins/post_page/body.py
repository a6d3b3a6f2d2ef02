"""A post's sanitised HTML made into the body of its page: pure functions, no Pelican.

The HTML was sanitised when it was rendered (``plugins.network.rendering``); what is added
here comes from Chorus, never from the author: a link to each heading's id (ids were
already limited to the prefixed form Markdown makes), and the table of contents read
from the same headings. Text taken from a heading is unescaped, then escaped again.
Feeds and search keep the plain ``article.content``: only the page gets the anchors.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup

_HEADING = re.compile(r"<h(?P<level>[1-6])(?P<attributes>[^>]*)>(?P<inner>.*?)</h(?P=level)>", re.S)
_ID = re.compile(r'\bid="(?P<id>[^"]+)"')
_TAG = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<pre\b")


@dataclass(frozen=True)
class TocEntry:
    """One heading in the table of contents: its id, its text and the headings under it."""

    id: str
    text: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class PostBody:
    """What the post page shows of a post (``article.body``)."""

    html: Markup  # the sanitised HTML, with heading anchors
    toc: tuple[TocEntry, ...]  # empty for a post with fewer headings than the threshold
    has_code: bool  # a code block is there (the page loads the copy buttons' script)


@dataclass(frozen=True)
class _Heading:
    level: int
    id: str
    text: str


def heading_text(inner: str) -> str:
    """A heading's text as a reader sees it: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(_TAG.sub("", inner)).split())


def _anchored(match: re.Match[str], found: list[_Heading]) -> str:
    whole = match.group(0)
    id_match = _ID.search(match.group("attributes"))
    text = heading_text(match.group("inner"))
    if id_match is None or not text:
        return whole
    anchor_id = id_match.group("id")
    found.append(_Heading(int(match.group("level")), html.unescape(anchor_id), text))
    label = html.escape(f"Link to this section: {text}")
    return (
        f'<div class="heading">{whole}<a class="heading-anchor" href="#{anchor_id}"'
        f' aria-label="{label}" data-pagefind-ignore>#</a></div>'
    )


def _tree(headings: list[_Heading]) -> tuple[TocEntry, ...]:
    """Two levels: the post's top headings, each with the ones one level down under it."""
    top = min(h.level for h in headings)
    entries: list[tuple[_Heading, list[_Heading]]] = []
    for heading in headings:
        if heading.level == top or not entries:
            entries.append((heading, []))
        elif heading.level == top + 1:
            entries[-1][1].append(heading)
    return tuple(
        TocEntry(h.id, h.text, tuple(TocEntry(c.id, c.text) for c in children)) for h, children in entries
    )


def post_body(content: str, toc_min_headings: int) -> PostBody:
    """The page's body of a post whose sanitised, link-resolved HTML is ``content``."""
    found: list[_Heading] = []
    anchored = _HEADING.sub(lambda m: _anchored(m, found), content)
    wanted = toc_min_headings and len(found) >= toc_min_headings
    return PostBody(Markup(anchored), _tree(found) if wanted else (), bool(_CODE.search(content)))
