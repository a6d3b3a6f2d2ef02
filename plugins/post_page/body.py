"""A post's sanitised HTML made into the body of its page: pure functions, no Pelican.

The HTML was sanitised when it was rendered (``plugins.network.rendering``); what is added
here comes from Chorus, never from the author: a link to each heading's id (ids were
already limited to the prefixed form Markdown makes), the table of contents read from
the same headings, and on each image of content/ its size, the widths a browser may
choose from (``srcset``, ``sizes``) and lazy loading. Text taken from a heading is
unescaped, then escaped again; attribute values Chorus adds are escaped.
Feeds and search keep the plain ``article.content``: only the page gets these.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from plugins.network.images import ResponsiveImage

# The sanitiser writes every attribute value in double quotes; a '>' inside one (escaped by
# nh3 today) must still not end the tag.
_ATTRIBUTES = r'(?P<attributes>(?:[^>"]|"[^"]*")*?)'
_HEADING = re.compile(rf"<h(?P<level>[1-6])\b{_ATTRIBUTES}>(?P<inner>.*?)</h(?P=level)>", re.S)
_ID = re.compile(r'\bid="(?P<id>[^"]+)"')
_TAG = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<pre\b")
_IMG = re.compile(rf"<img\b{_ATTRIBUTES}/?>")
_ATTRIBUTE = re.compile(r'(?P<name>[A-Za-z][\w:-]*)(?:="(?P<value>[^"]*)")?')
# The id of the template's hidden "Link to this section:" that starts each anchor's name.
ANCHOR_LABEL_ID = "heading-anchor-label"
# The prose column: the measure (44rem) from 46rem up, the screen less the page's margins below.
BODY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
# An image starting within this many characters of the text's HTML is above the fold.
EAGER_WITHIN = 1500
# A listing card: one column on a phone, about 22rem in the grid of wider screens.
CARD_SIZES = "(min-width: 40rem) 22rem, calc(100vw - 2rem)"


@dataclass(frozen=True)
class ImageTag:
    """The attributes of an <img> that shows a ``ResponsiveImage`` (URLs as pages link them)."""

    src: str
    width: int
    height: int
    srcset: str  # '' when there is one width only
    sizes: str
    loading: str  # 'lazy', or 'eager' for what the reader sees first

    def attributes(self) -> dict[str, str]:
        found = {"src": self.src, "width": str(self.width), "height": str(self.height)}
        if self.srcset:
            found.update(srcset=self.srcset, sizes=self.sizes)
        found.update(loading=self.loading, decoding="async")
        return found


@dataclass(frozen=True)
class Cover:
    """A post's cover image (``article.cover``): on its page (first thing seen: loaded
    eagerly) and on listing cards (beside the linked title: decorative, lazy)."""

    alt: str
    page: ImageTag
    card: ImageTag


def image_tag(
    image: ResponsiveImage, link: Callable[[str], str], sizes: str, eager: bool = False
) -> ImageTag:
    """How to show ``image`` in a space of ``sizes``; ``link`` makes a site URL one a page uses."""
    largest = image.largest
    srcset = ", ".join(f"{link(w.url)} {w.width}w" for w in image.widths) if len(image.widths) > 1 else ""
    return ImageTag(
        link(largest.url),
        largest.width,
        image.height_at(largest.width),
        srcset,
        sizes,
        "eager" if eager else "lazy",
    )


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
    # Named "<the page's label> <the heading>": the label is one hidden element of the
    # template (ANCHOR_LABEL_ID, translatable there), the rest the heading's own text.
    return (
        f'<div class="heading">{whole}<a class="heading-anchor" href="#{anchor_id}"'
        f' aria-labelledby="{ANCHOR_LABEL_ID} {anchor_id}" data-pagefind-ignore>#</a></div>'
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


def _sized(
    match: re.Match[str], images: Mapping[str, ResponsiveImage], link: Callable[[str], str], eager: bool
) -> str:
    written = [
        (m.group("name").lower(), m.group("value")) for m in _ATTRIBUTE.finditer(match.group("attributes"))
    ]
    attributes = {name: value for name, value in written}  # as the sanitiser wrote them (escaped)
    image = images.get(html.unescape(attributes.get("src") or ""))
    added: dict[str, str] = {"loading": "eager" if eager else "lazy", "decoding": "async"}
    if image is not None:
        added = image_tag(image, link, BODY_SIZES, eager).attributes()
        if "width" in attributes or "height" in attributes:  # the author chose a size: kept
            added = {k: v for k, v in added.items() if k not in ("width", "height")}
    merged = {**attributes, **{k: html.escape(v) for k, v in added.items()}}
    return "<img " + " ".join(f'{k}="{v}"' if v is not None else k for k, v in merged.items()) + ">"


def post_body(
    content: str,
    toc_min_headings: int,
    images: Mapping[str, ResponsiveImage] | None = None,
    link: Callable[[str], str] = lambda url: "/" + url,
    first_in_view: bool = True,
) -> PostBody:
    """The page's body of a post whose sanitised, link-resolved HTML is ``content``.

    ``images``: the images of content/ by the URL the HTML names them with.
    ``first_in_view``: the text starts in view (no cover above it), so an image among its
    first lines is the page's largest early paint and is loaded at once, not lazily."""
    found: list[_Heading] = []
    anchored = _HEADING.sub(lambda m: _anchored(m, found), content)

    def sized(match: re.Match[str]) -> str:
        eager = first_in_view and match.start() < EAGER_WITHIN and match.start() == first_image
        return _sized(match, images or {}, link, eager)

    first = _IMG.search(anchored)
    first_image = first.start() if first else -1
    anchored = _IMG.sub(sized, anchored)
    wanted = toc_min_headings and len(found) >= toc_min_headings
    return PostBody(Markup(anchored), _tree(found) if wanted else (), bool(_CODE.search(content)))
