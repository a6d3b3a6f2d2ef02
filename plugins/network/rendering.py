"""Markdown to safe HTML: the one place where author text becomes markup.

Python-Markdown passes raw HTML, event handlers and ``javascript:`` links straight through,
so everything it renders (post bodies, summaries, bios) goes through an allowlist sanitiser
(nh3, Rust's ammonia). The allowlist keeps what authors legitimately use: tables,
highlighted code, footnotes, images with alt text, heading anchors and task lists (whose
checkboxes are always disabled: an author cannot put a form control on the page).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify as _toc_slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .links import SHORT_LINK_PATTERN, as_browser_reads, split_short, url_scheme
from .timelimit import TimeLimitExceeded
from .timelimit import time_limit as _limit  # render() has a parameter of that name

HEADING_ID_PREFIX = "h-"

# Author-controlled ids are only kept in the forms Markdown generates (prefixed heading
# anchors and footnotes), so a heading called "search" cannot clobber the site's own DOM.
_SAFE_ID = re.compile(r"^(h-[a-z0-9_-]+|fn:[\w-]+|fnref\d*:[\w-]+)$")
_DATA_IMAGE = re.compile(r"^data:image/(png|gif|jpeg|webp);base64,[a-z0-9+/=\s]+$", re.I)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    # Task lists: every <input> becomes a disabled checkbox (see _FORCED_ATTRIBUTES), so
    # only whether it is ticked is the author's to say.
    "input": {"checked"},
    # Markdown tables align columns with style="text-align: …"; the obsolete align
    # attribute would fail the HTML checker. Only that one property survives.
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "li": {"id", "value"},
    "sup": {"id"},
    "div": {"id"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}


def heading_slug(value: str, separator: str) -> str:
    """Heading anchors, prefixed so they never collide with the site's own ids."""
    return HEADING_ID_PREFIX + (_toc_slugify(value, separator) or "section")


# The current render's ``rewrite_url`` (MarkdownRenderer.render): every link and image URL,
# from Markdown or raw HTML alike, is pointed where the build publishes its target. A
# context variable, as the preview renders in one thread while a build runs in another.
_REWRITE_URL: ContextVar[tuple[Callable[[str], str], list[BaseException]] | None] = ContextVar(
    "rewrite_url", default=None
)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    if attribute in ("href", "src"):
        # A browser drops leading and trailing spaces and controls, and tabs and newlines
        # anywhere, before it reads the scheme: judge (and keep) the URL as it will.
        value = as_browser_reads(value)
        if url_scheme(value) not in (None, "http", "https", "mailto", "data"):
            return None
        if value[:5].lower() == "data:":
            # data: URLs only as inline raster images, never as links or SVG (which can script).
            return value if tag == "img" and attribute == "src" and _DATA_IMAGE.match(value) else None
        if (rewriting := _REWRITE_URL.get()) is not None:  # an empty URL too: a feed's is the post's
            rewrite, failures = rewriting
            try:
                return rewrite(value)
            except Exception as exc:  # nh3 would drop the attribute and go on: raised after clean()
                failures.append(exc)
    return value


# Set on every element of the tag whatever the author wrote: an <input name=q> or
# <input type=submit> written as raw HTML ends up a disabled checkbox, never a form control.
_FORCED_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": "disabled"}}

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes={"http", "https", "mailto", "data"},
    strip_comments=True,
    link_rel=None,
    filter_style_properties={"text-align"},
    set_tag_attribute_values=_FORCED_ATTRIBUTES,
)


def sanitize_html(html: str, rewrite_url: Callable[[str], str] | None = None) -> str:
    """Remove everything that is not on the allowlist; keep the text. ``rewrite_url``: see
    MarkdownRenderer.render."""
    failures: list[BaseException] = []
    token = _REWRITE_URL.set((rewrite_url, failures) if rewrite_url is not None else None)
    try:
        cleaned = _CLEANER.clean(html)
    finally:
        _REWRITE_URL.reset(token)
    if failures:  # a bug in the rewrite: not a link silently gone
        raise failures[0]
    return cleaned


# Short links (``[[li-wei/field-repairs]]``, ``[[@li-wei]]``) become anchors whose href is
# this placeholder plus the target; plugins.crosslinks resolves every one after all posts
# are read, or fails the build naming file and line. A relative href passes the sanitiser.
SHORT_LINK_PLACEHOLDER = "{chorus}"
SHORT_LINK_CLASS = "crosslink"
# Marks an anchor without ``|text``: its text (the target) becomes the target's title.
SHORT_LINK_AUTO_TEXT_CLASS = "crosslink-auto"
SHORT_LINK_EXTENSION = "plugins.network.rendering:ShortLinkExtension"


class _ShortLinkProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        target, text = split_short(m.group(1))
        anchor = etree.Element("a")
        anchor.set("href", SHORT_LINK_PLACEHOLDER + quote(target, safe="/@#-_.~"))
        anchor.set("class", SHORT_LINK_CLASS if text else f"{SHORT_LINK_CLASS} {SHORT_LINK_AUTO_TEXT_CLASS}")
        anchor.text = AtomicString(text or target)
        return anchor, m.start(0), m.end(0)


class ShortLinkExtension(Extension):
    """``[[target]]`` and ``[[target|text]]`` as links; never inside code, ``\\[[`` stays text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After code spans (190) and backslash escapes (180), before links (160).
        md.inlinePatterns.register(_ShortLinkProcessor(SHORT_LINK_PATTERN, md), "chorus_short_link", 175)


TASK_LIST_EXTENSION = "plugins.network.rendering:TaskListExtension"
TASK_LIST_CLASS = "task-list"
_TASK_MARK = re.compile(r"^\[([ xX])\]\s+")
_BLOCK_TAGS = {"ul", "ol", "p", "div", "pre", "blockquote", "table", "dl", "hr"}


class _TaskListProcessor(Treeprocessor):
    """``- [ ] item`` and ``- [x] item``: a disabled checkbox labelled by the item's text.

    The checkbox and the item's first line are one <label>, so a screen reader announces
    "item, checkbox, checked" (an unlabelled checkbox would be a form field without a name).
    """

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            if parent.tag not in ("ul", "ol"):
                continue
            items = [li for li in parent if li.tag == "li" and self._tick(li)]
            if items:
                parent.set("class", (parent.get("class", "") + " " + TASK_LIST_CLASS).strip())

    @staticmethod
    def _tick(item: etree.Element) -> bool:
        holder = item
        if not (item.text or "").strip() and len(item) and item[0].tag == "p":
            holder = item[0]  # a loose list: the text is in a paragraph
        match = _TASK_MARK.match(holder.text or "")
        if not match:
            return False
        label = etree.Element("label")
        box = etree.SubElement(label, "input", {"type": "checkbox", "disabled": "disabled"})
        if match.group(1) != " ":
            box.set("checked", "checked")
        box.tail = holder.text[match.end() :]  # type: ignore[index]
        holder.text = None
        # The item's inline markup moves into the label, each element with the text after it
        # (its tail); a block inside the item (a nested list) stays after the label.
        while len(holder) and holder[0].tag not in _BLOCK_TAGS:
            child = holder[0]
            holder.remove(child)
            label.append(child)
        holder.insert(0, label)
        item.set("class", (item.get("class", "") + " task-list-item").strip())
        return True


class TaskListExtension(Extension):
    """Task lists as GitHub writes them; runs after inline Markdown (priority 20)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_TaskListProcessor(md), "chorus_task_list", 15)


DEFAULT_MARKDOWN: dict[str, Any] = {
    "extensions": [
        "markdown.extensions.abbr",
        "markdown.extensions.attr_list",
        "markdown.extensions.def_list",
        "markdown.extensions.fenced_code",
        "markdown.extensions.footnotes",
        "markdown.extensions.tables",
        "markdown.extensions.codehilite",
        "markdown.extensions.toc",
        "markdown.extensions.sane_lists",
        SHORT_LINK_EXTENSION,
        TASK_LIST_EXTENSION,
    ],
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.toc": {"slugify": heading_slug},
        "markdown.extensions.footnotes": {"UNIQUE_IDS": False},
    },
    "output_format": "html5",
}


def markdown_options(config: dict[str, Any] | None) -> dict[str, Any]:
    """The options Python-Markdown renders with, from the MARKDOWN setting (None: Chorus's).
    The header is parsed before rendering (plugins.network.postmeta); the "meta" extension
    Pelican adds to the setting would silently eat body lines that look like "Key: value"."""
    config = dict(config or DEFAULT_MARKDOWN)
    return {
        "extensions": [
            e for e in config.get("extensions", []) if e not in ("markdown.extensions.meta", "meta")
        ],
        "extension_configs": dict(config.get("extension_configs", {})),
        "output_format": config.get("output_format", "html5"),
    }


class MarkdownRenderer:
    """One reusable Markdown instance (building one per file costs ~6 % of a Pelican build)."""

    def __init__(self, config: dict[str, Any] | None = None):
        self._md = markdown.Markdown(**markdown_options(config))

    def render(
        self, text: str, time_limit: float | None = None, rewrite_url: Callable[[str], str] | None = None
    ) -> str:
        """Markdown source to sanitised HTML; RenderError for input it cannot render in time.

        ``rewrite_url`` maps each link and image URL as written to the one to publish (the
        reader points relative paths at the files the build publishes), in Markdown and in
        raw HTML alike: the sanitiser hands it every ``href`` and ``src`` it keeps.

        Python-Markdown is quadratic on some inputs (thousands of nested brackets take
        minutes) and recursive on others (deeply nested lists), so one hostile file could
        stall or crash a CI build: both become an error naming the file instead.
        """
        self._md.reset()
        try:
            with _limit(time_limit):
                html = self._md.convert(text)
        except RecursionError:
            self._md.reset()
            raise RenderError(
                "nesting is too deep to render (lists, quotes or brackets inside each other); flatten it"
            ) from None
        except TimeLimitExceeded:
            self._md.reset()
            raise RenderError(
                f"took longer than {time_limit:g} s to render; look for thousands of nested brackets or emphasis markers"
            ) from None
        return sanitize_html(html, rewrite_url)


class RenderError(Exception):
    """Markdown that cannot be rendered safely; the message says why."""
