"""References between sources: the forms authors write, found in Markdown, resolved against the site.

Pure logic on the site model, so ``chorus check`` and the build (through the one rule in
``plugins.network.rules.links``) apply the same rules with the same messages. The forms:

- ``[[author-id/slug]]``, or ``[[slug]]`` when exactly one post in the network has that
  slug; ``[[target|link text]]`` sets the text (default: the target's title);
  ``[[@author-id]]``: the author's profile;
- ``{filename}path.md`` and ``{static}path.png`` (Pelican's): relative to the linking
  file's folder, or from the content root with a leading ``/``;
- a plain relative path (``pump.png``, ``../bob/deal.md``): a file next to the source,
  published where the build puts it; otherwise a page relative to the source's own URL;
- a root-relative URL (``/posts/li-wei/field-repairs/``): a page the build writes.

External URLs (with a scheme, or ``//host``) and bare fragments are not resolved; an
external URL whose host no browser reads as written is refused (:func:`external_problem`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import html
import posixpath
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import markdown
from markdown.blockprocessors import ReferenceProcessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.util import code_escape

from .model import Page, Post, Reference, RefForm, Site, Status
from .timelimit import TimeLimitExceeded, time_limit

if TYPE_CHECKING:
    from .urls import UrlScheme

# The whole ``[[…]]`` token; the Markdown extension and the source scanner share it, so
# whatever renders as a short link is also what gets checked.
SHORT_LINK_PATTERN = r"\[\[([^\[\]\n]+)\]\]"
_SHORT_LINK = re.compile(SHORT_LINK_PATTERN)
# Markdown links and images: [text](url "title"), ![alt](<url>), a linked image
# [![alt](img)](url); reference definitions; raw HTML tags. Each is found in the whole text,
# so one written over several lines (as Markdown allows: link text, its URL or title on the
# next line, a tag's attributes too) is read where it starts, unless Markdown ends the
# paragraph in between (:func:`_interrupted`). The inline pattern starts at its '[' (a
# literal start lets the regex engine skip ahead to each '['); an image's '!' is the
# character before it. Its parts are possessive, none crosses a blank line, and outside a
# one-line quoted title none runs past the next '](' (the text reads at most 64 pieces), so
# attempts do not read the same text again and again: a post of '[a](' a hundred thousand
# times is read in linear time, not in hours.
#
# A newline within a paragraph: not one that starts a blank line.
_LINE_BREAK = r"\n(?![ \t]*(?:\n|$))"
_SPACE = r"(?:[^\S\n]|" + _LINE_BREAK + r")"
_TEXT_RUN = r"(?:[^\[\]\n]|" + _LINE_BREAK + r")++"
_TEXT = r"(?:" + _TEXT_RUN + r"|\[(?:" + _TEXT_RUN + r")?\]){0,64}+"  # with [brackets] in pairs
_URL_PART = r"(?:[^()\s\]]|\](?!\()|\([^()\s]*+\))"  # parentheses in pairs: x(1).md
_TITLE_PART = r"(?:\"[^\"\n]*+\"|'[^'\n]*+'|[^)\s\]\"']|\](?!\()|" + _SPACE + r")"
_INLINE = re.compile(
    r"\[(?P<text>" + _TEXT + r")\]\(" + _SPACE + r"*+"
    r"(?:<(?P<angled>(?:[^<>\n]|" + _LINE_BREAK + r")*+)>"
    # spaces are part of the URL (Screen Shot 1.png), as Python-Markdown reads it, unless a title follows
    r"|(?P<url>" + _URL_PART + r"++(?:" + _SPACE + r"++(?![\"'])" + _URL_PART + r"++)*+))"
    r"(?:" + _SPACE + _TITLE_PART + r"*+)?\)"
)
# Python-Markdown's own pattern for a reference definition ([label]: url "title"), so that
# what it takes for one (the URL may be on the next line, nothing but a title after it) is
# what is checked; its URL made possessive, which it may be (a longer URL never ends a line
# the shorter one could not), or a line of quotes takes quadratic time.
_DEFINITION = re.compile(
    ReferenceProcessor.RE.pattern.replace(r"([^\s]+)", r"([^\s]++)", 1), ReferenceProcessor.RE.flags
)
# A tag, with quoted attribute values that may hold '<' and '>', then its attributes one by one.
_HTML_TAG = re.compile(r"<(?P<tag>img|a|source)\b(?P<attributes>(?:[^<>\"']|\"[^\"]*+\"|'[^']*+')*+)>", re.I)
_HTML_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")  # ends a paragraph, and any link begun in it
# A block-level tag (Python-Markdown's list) at the start of a line opens a block of raw
# HTML, to its closing tag: Markdown inside is not rendered (tags are).
_BLOCK_TAGS = "|".join(sorted(markdown.Markdown().block_level_elements, key=len, reverse=True))
_HTML_BLOCK = re.compile(r"^ {0,3}<(" + _BLOCK_TAGS + r")(?=[\s/>]|$)", re.I | re.M)
_VOID_BLOCK_TAGS = frozenset({"hr"})
# What a line of a paragraph may begin with that makes Markdown end the paragraph: an ATX
# heading (in the first column, for Python-Markdown), a setext underline or a rule, a
# block-level HTML tag.
_INTERRUPTION = re.compile(
    r"(?:#| {0,3}(?:[-=]+[ \t]*$|(?:[-*_][ \t]*){3,}$|</?(?:" + _BLOCK_TAGS + r")(?=[\s/>]|$)))", re.I
)
_QUOTE_MARKER = r"(?: {0,3}>[ ]?)"
_QUOTE_MARKERS = re.compile(_QUOTE_MARKER + "+")
_QUOTE_LINE = re.compile(r"\n" + _QUOTE_MARKERS.pattern)  # the markers after a newline
_LIST_ITEM = re.compile(r" {0,3}(?:(?P<bullet>[-*+])|\d{1,9}\.)[ \t]")  # Python-Markdown: no '1)'
_PREFIXES = (
    ("{filename}", RefForm.FILENAME),
    ("|filename|", RefForm.FILENAME),
    ("{static}", RefForm.STATIC),
    ("|static|", RefForm.STATIC),
    ("{attach}", RefForm.STATIC),
)
_INVISIBLE_IN_URL = re.compile("[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))  # what the URL standard strips from both ends
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_ID = r"[a-z0-9][a-z0-9-]{0,62}"
_STEM = r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}"
_POST_TARGET = re.compile(rf"^(?:(?P<owner>{_ID})/)?(?P<name>{_STEM})$")
_PROFILE_TARGET = re.compile(rf"^@(?P<author>{_ID})$")

SHORT_FORMS = "[[author-id/slug]], [[slug]] or [[@author-id]]"


class LinkError(ValueError):
    """A reference that cannot be followed; the message is ready to show after ``path:line:col:``."""


@dataclass(frozen=True)
class Resolved:
    """Where a reference goes: a post, a profile, a content file (page, image) or a site URL."""

    post: Post | None = None
    author: str | None = None
    file: str | None = None  # relative to the content folder
    url: str | None = None  # a page the build writes, relative to the site root
    fragment: str = ""


def split_short(inner: str) -> tuple[str, str | None]:
    """``target|text`` -> (target, text or None)."""
    target, bar, text = inner.partition("|")
    return target.strip(), (text.strip() or None) if bar else None


def as_browser_reads(url: str) -> str:
    """A URL as a browser parses it: spaces and controls trimmed at both ends, tabs and
    newlines dropped anywhere (the WHATWG URL standard). Judge schemes on this, not on the text."""
    return _INVISIBLE_IN_URL.sub("", url).strip(_C0_AND_SPACE)


def url_scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it (lower case), or None for a relative URL."""
    match = _SCHEME.match(as_browser_reads(url))
    return match.group(1).lower() if match else None


def classify(url: str) -> tuple[RefForm, str] | None:
    """The form and target of a URL as written, or None for a bare fragment or query.

    Character references are decoded and tabs and newlines dropped first, as Markdown and
    browsers do, so ``&#106;avascript:`` and ``java&#x09;script:`` are seen as the
    external (and, to the sanitiser, forbidden) URLs they become.
    """
    if url.startswith(("https://", "http://")) and "&" not in url and " " not in url and url.isprintable():
        return RefForm.EXTERNAL, url  # most links: nothing to decode, trim or drop
    url = as_browser_reads(html.unescape(url))
    for prefix, form in _PREFIXES:
        if url.startswith(prefix):
            return form, url[len(prefix) :]
    if not url or url.startswith(("#", "?", "{", "|")):
        return None
    if url.startswith("//") or _SCHEME.match(url):
        return RefForm.EXTERNAL, url
    return (RefForm.ROOT if url.startswith("/") else RefForm.RELATIVE), url


def published_link(urls: UrlScheme, url: str) -> str:
    """A link or image URL of a post, page or bio as published: a root-relative one
    (``/topics/x/``, the site's root) under SITEURL's path when the site lives in one
    (``/voices/topics/x/``), in pages and, made absolute, in feeds; any other as written."""
    if url.startswith("/") and not url.startswith("//") and urls.base_path != "/":
        return urls.with_base_path(url)
    return url


def external_problem(url: str) -> str | None:
    """Why an external URL leads nowhere its text says, or None.

    Python's URL parser refuses, as browsers do in their own way, a host with a character
    that Unicode normalisation (NFKC, what a browser's IDNA mapping applies) makes a
    '/', '?', '#', '@' or ':' (``//a℀b.example/``: '℀' is 'a/c', so no browser reads the
    host shown), and a host in brackets that is no IPv6 address."""
    if url.isascii() and "[" not in url and "]" not in url:
        return None  # neither can happen: the usual link, judged without parsing
    try:
        urlsplit(url)
    except ValueError as exc:
        host = re.split(r"[/?#]", url.partition("//")[2], maxsplit=1)[0]  # what urlsplit judged
        standing = [
            c for c in host if not c.isascii() and set(unicodedata.normalize("NFKC", c)) & set("/?#@:")
        ]
        if standing:
            shown = ", ".join(
                f"'{c}' (U+{ord(c):04X}, read as '{unicodedata.normalize('NFKC', c)}')" for c in standing
            )
            return f"link to {url}: its host holds {shown}, so a browser reads another address; write the host in plain characters"
        return f"link to {url}: not a URL a browser can follow ({exc})"
    return None


def scan_references(
    text: str,
    first_line: int = 1,
    *,
    short_links: bool = True,
    header_value: bool = False,
    block_parser: bool = True,
) -> list[Reference]:
    """Every internal reference in Markdown source, with its line and column (``first_line``
    is the first line's number) where it starts. Code blocks, code spans, HTML comments and
    ``\\[[`` are skipped, as Markdown skips them.

    ``header_value``: the text is a header's value, whose lines are indented by the header's
    syntax and joined before it renders, so no indented line of it is code or a definition
    nested in a block. ``block_parser``: where indentation decides, Python-Markdown's block
    parser may be asked (:func:`asks_block_parser`); without it an indented line's links are
    checked and a nested definition is not found (the build's check of rendered links still
    finds it, without its line)."""
    code = _masked_code(text)
    found: list[Reference] = []
    counted = [0, 0]  # an offset and the newlines before it: each pattern finds in order

    def add(classified: tuple[RefForm, str], start: int, **fields: Any) -> None:
        if start < counted[0]:
            counted[:] = [0, 0]
        counted[:] = [start, counted[1] + code.count("\n", counted[0], start)]
        column = start - code.rfind("\n", 0, start)
        found.append(Reference(*classified, first_line + counted[1], column, **fields))

    def inline(match: re.Match[str] | None) -> None:
        # A loop, not a call of itself: a function that calls itself holds itself, and with
        # it this scan's text and references, in a cycle only the collector frees, which
        # is paused while the sources are read (80 MiB at 10,000 posts).
        while match is not None:
            url = match.group("angled") if match.group("angled") is not None else match.group("url")
            image = match.start() > 0 and code[match.start() - 1] == "!"
            if classified := classify(url):
                # an image starts at its '!'
                add(classified, match.start() - (1 if image else 0), image=image, text=match.group("text"))
            # a linked image: the image too
            linked = match.group("text").startswith("![")
            match = _INLINE.match(code, match.start("text") + 1) if linked else None

    blocks = _html_blocks(text, code) if "<" in code else []
    block_starts = [start for start, _ in blocks]

    def rendered_as_markdown(offset: int) -> bool:
        """Not inside a block of raw HTML."""
        index = bisect.bisect_right(block_starts, offset) - 1
        return index < 0 or offset >= blocks[index][1]

    if short_links and "[[" in code:
        for match in _SHORT_LINK.finditer(code):
            if (match.start() and code[match.start() - 1] == "\\") or not rendered_as_markdown(match.start()):
                continue
            target, label = split_short(match.group(1))
            add((RefForm.SHORT, target), match.start(), text=label)
    position = 0 if "](" in code else len(code)  # searched once: a text of many links is long
    while (link := _INLINE.search(code, position)) is not None:
        if "\n" in link.group(0) and _interrupted(text, link.start(), link.end()):
            position = link.start() + 1  # not a link: what it spans may hold one
            continue
        if rendered_as_markdown(link.start()):
            inline(link)
        position = link.end()
    # Python-Markdown reads a tab as spaces before it looks for definitions.
    defined: set[int] = set()  # where this pattern's matches start: no candidates for the parser
    for match in _DEFINITION.finditer(code.replace("\t", " ")) if "]:" in code else ():
        defined.add(match.start())
        footnote = match.group(1).startswith("^")
        if (
            not footnote
            and not _BLANK_LINE.search(match.group(0))
            and rendered_as_markdown(match.start())
            and (classified := classify(match.group(2).lstrip("<").rstrip(">")))
        ):
            add(classified, code.index("[", match.start()))  # after its indentation or '>'
    for match in _HTML_TAG.finditer(code) if "<" in code else ():
        if "\n" in match.group(0) and _BLANK_LINE.search(match.group(0)):
            continue  # a paragraph ended inside it: Markdown shows it as text
        for attribute in _HTML_ATTRIBUTE.finditer(match.group("attributes")):
            if attribute.group(1).lower() in ("src", "href"):  # the first, as a browser reads it
                value = next((v for v in attribute.groups()[1:] if v is not None), "")
                if classified := classify(value):
                    add(classified, match.start(), image=match.group("tag").lower() in ("img", "source"))
                break
    found.sort(key=lambda r: (r.line, r.col))
    if header_value or not block_parser:
        return found
    # What only the blocks before a line decide: whether an indented line is code, and
    # whether a line that reads as a definition only once its indentation is taken off (in
    # a list item, a nested quote; or in code, or text) is one. Asked of Python-Markdown's
    # block parser, only when such a line is there.
    lines = text.split("\n")
    indented = {ref.line - first_line for ref in found if _INDENTED.match(lines[ref.line - first_line])}
    candidates = []  # (line, where its '[' is, the label and URL it would define)
    line, reached = 0, 0  # the line of the offset reached: each newline is counted once
    for match in _ANY_DEFINITION.finditer(code) if "]:" in code else ():
        if match.start() in defined or not rendered_as_markdown(match.start()):
            continue
        line, reached = line + code.count("\n", reached, match.start()), match.start()
        written = "\n".join(_LINE_PREFIX.sub("", part, count=1) for part in lines[line : line + 2])
        definition = _DEFINITION.match(written.replace("\t", " "))
        if definition and not definition.group(1).startswith("^"):  # a footnote
            label, url = definition.group(1).strip().lower(), definition.group(2).lstrip("<").rstrip(">")
            candidates.append((line, match.start("label") - 1, label, url))
    answer = (
        _block_answer(lines, indented | {line for line, *_ in candidates}) if indented or candidates else None
    )
    if answer is None:
        return found
    code_lines, definitions = answer
    found[:] = [ref for ref in found if ref.line - first_line not in code_lines]
    for line, start, label, url in candidates:
        # Taken by the parser from this line: the URL it keeps for the label is this one
        # (the last definition of a label wins), and the line is not code.
        if line not in code_lines and definitions.get(label) == url and (classified := classify(url)):
            add(classified, start)
    found.sort(key=lambda r: (r.line, r.col))
    return found


def scan_bio(site: Site, bio: str, first_line: int = 1) -> list[Reference]:
    """The references of an author's bio (Markdown, rendered with the site's configuration)."""
    return scan_references(bio, first_line, block_parser=asks_block_parser(site.settings))


def asks_block_parser(settings: Mapping[str, Any]) -> bool:
    """Whether the scan may ask Python-Markdown's block parser what the site renders: only
    with the Markdown configuration it parses with, Chorus's own (another may add blocks
    that hold indented Markdown, as admonitions do)."""
    from .rendering import markdown_options  # which imports this module

    return markdown_options(settings.get("MARKDOWN")) == markdown_options(None)


_INDENTED = re.compile(_QUOTE_MARKER + r"*+(?: {4}| {0,3}\t)")  # after any quote markers
_ITEM_MARKER = r"(?:[-*+]|\d{1,9}\.)[ \t]+"
# What a line's text in a block follows: quote markers, indentation, the markers of the list
# items it begins. Taken off a nested definition before its URL is read, and off a line
# before its text is looked for in a code block.
_LINE_PREFIX = re.compile(_QUOTE_MARKER + r"*+[ \t]*+(?:" + _ITEM_MARKER + ")*+")
# A line that would be a reference definition at any depth (the mask spaced quote markers out).
_ANY_DEFINITION = re.compile(r"^[ \t]*+(?:" + _ITEM_MARKER + r")*+\[(?P<label>[^\]\n]+)\]:", re.M)
# Marks a line asked about, with its number: a C1 control character, which Python-Markdown
# leaves alone (its placeholders are \x02 and \x03) and which keeps a Latin-1 text's string
# narrow: the parser joins a long code block in quadratic time, and a four-byte mark made
# that many times slower.
_MARK = "\x80"
_MARKED = re.compile(_MARK + r"(\d+)" + _MARK)
# Python-Markdown's block parser is quadratic on some texts (a long code block, quotes nested
# deeper line by line, many definitions): both parses of a text take no longer than the
# build gives one render by default (CHORUS_MAX_RENDER_SECONDS), which a text that takes
# longer to parse, even once, would miss anyway.
_PARSE_SECONDS = 10


def _block_answer(lines: list[str], marked: set[int]) -> tuple[set[int], dict[str, str]] | None:
    """What Python-Markdown's block parser makes of ``lines`` (a text split at newlines):
    which of the ``marked`` lines (their indexes) it shows in a code block, and the URL of
    every reference definition it takes, by label. Whether an indented line is code depends
    on the blocks before it (a list item's or a definition's next paragraph is indented
    too), and a definition in a list item or a nested quote is indented as well, so only the
    parser can say.

    Each marked line gets a mark at its end, and the text is parsed with and without the
    marks: a line whose mark lands in a ``<pre>``'s code, right after the line's own text,
    is code. The marks must change nothing else: a mark after a closing tag is text of its
    own, one after a table's last '|' changes its columns. When they do, no line is said to
    be code (the definitions come from the parse without marks); without an answer at all (a
    text that already holds the mark, one the parser cannot take in time), None. Either way
    every reference found stays: the check may report a link in code, never miss one."""
    if any(_MARK in line for line in lines):
        return None
    with_marks = [
        f"{line}{_MARK}{index}{_MARK}" if index in marked else line for index, line in enumerate(lines)
    ]
    try:
        with time_limit(_PARSE_SECONDS):
            root, stash, references = _parsed(lines)
            if marked:
                marked_root, marked_stash, _ = _parsed(with_marks)
    except (RecursionError, TimeLimitExceeded):  # a hostile nesting of lists or quotes
        return None
    if not marked:
        return set(), references
    if (_MARKED.sub("", etree.tostring(marked_root, encoding="unicode")), _MARKED.sub("", marked_stash)) != (
        etree.tostring(root, encoding="unicode"),
        stash,
    ):
        return set(), references  # the marks changed what the text parses as
    shown_as_code = set()
    for pre in marked_root.iter("pre"):
        for block in pre.iter("code"):
            code = block.text or ""
            for mark in _MARKED.finditer(code):
                index = int(mark.group(1))
                written = _LINE_PREFIX.sub("", lines[index].expandtabs(4), count=1)
                if not code.endswith(code_escape(written), 0, mark.start()):
                    return set(), references  # a mark apart from its line's text: it went elsewhere
                shown_as_code.add(index)
    return shown_as_code, references


def _parsed(lines: list[str]) -> tuple[etree.Element, str, dict[str, str]]:
    """Python-Markdown's block tree of ``lines``, the raw HTML it set aside, and the URL of
    each reference definition it took, by label. The footnotes extension parses the blocks
    of its notes only once the tree is made (their code blocks and definitions are the
    page's too): its step that does so runs as well, none of those that render inline."""
    parser = _block_parser()
    try:
        for preprocessor in parser.preprocessors:
            lines = preprocessor.run(lines)
        root = parser.parser.parseDocument(lines).getroot()
        if "footnote" in parser.treeprocessors:
            parser.treeprocessors["footnote"].run(root)
    except BaseException:  # stopped halfway (too slow, too deep): its state is not to be trusted
        _BLOCK_PARSERS.markdown = None
        raise
    stash = "\x00".join(map(str, parser.htmlStash.rawHtmlBlocks))
    return root, stash, {label: url for label, (url, _) in parser.references.items()}


# One Markdown instance per thread (``chorus serve`` reads sources in two), reset before
# each text (``Markdown.reset``, which a caller converting several documents calls
# between them: ``convert`` does not). An instance is full of reference
# cycles: one made per text was garbage that only the collector frees, and the collector
# is paused while the sources are read.
_BLOCK_PARSERS = threading.local()


def _block_parser() -> markdown.Markdown:
    from .rendering import markdown_options  # which imports this module

    parser = getattr(_BLOCK_PARSERS, "markdown", None)
    if parser is None:
        parser = _BLOCK_PARSERS.markdown = markdown.Markdown(**markdown_options(None))
    else:
        parser.reset()
    return parser


def _interrupted(text: str, start: int, end: int) -> bool:
    """Whether Markdown ends the paragraph between ``start`` and ``end`` (a link written over
    several lines): at a blank line, a heading, a rule, a block-level tag, a deeper quote,
    or the next item of the list the link began in. Python-Markdown lets a list item or a
    shallower line continue a paragraph otherwise."""
    # A line the mask blanked (a fenced block's) needs no test: a match never crosses it.
    first = text.rfind("\n", 0, start) + 1
    written = text[first:end].split("\n")
    quoted = _QUOTE_MARKERS.match(written[0])
    depth = quoted.group(0).count(">") if quoted else 0
    item = _LIST_ITEM.match(written[0][quoted.end() if quoted else 0 :])
    for line in written[1:]:
        quoted = _QUOTE_MARKERS.match(line)
        body = line[quoted.end() :] if quoted else line
        next_item = _LIST_ITEM.match(body)
        if (
            not body.strip()
            or (quoted is not None and quoted.group(0).count(">") > depth)
            or _INTERRUPTION.match(body)
            # the list's next item (sane_lists: a bullet after a bullet, a number after a number)
            or (item and next_item and bool(item.group("bullet")) == bool(next_item.group("bullet")))
        ):
            return True
    return False


def _html_blocks(text: str, code: str) -> list[tuple[int, int]]:
    """Where Python-Markdown passes raw HTML through, as (start, end) offsets: from a line
    that opens a block-level tag to its matching closing tag, or to the end of the text when
    it has none. Each block is read once, so this takes linear time. A tag in a quote opens
    none: Python-Markdown sets raw HTML aside before it reads quotes, and renders the
    Markdown in a quoted ``<div>``."""
    blocks: list[tuple[int, int]] = []
    position = 0
    while (opening := _HTML_BLOCK.search(code, position)) is not None:
        if ">" in text[opening.start() : opening.start(1)]:  # the mask spaced out a quote's '>'
            position = opening.end()
            continue
        tag = opening.group(1).lower()
        end = opening.end() if tag in _VOID_BLOCK_TAGS else len(code)
        if tag not in _VOID_BLOCK_TAGS:
            depth = 0
            for found in _same_tag(tag).finditer(code, opening.start()):
                depth += -1 if found.group(1) else 1
                if depth == 0:
                    close = code.find(">", found.end())
                    end = len(code) if close == -1 else close + 1
                    break
        blocks.append((opening.start(), end))
        position = max(end, opening.end())
    return blocks


@functools.cache
def _same_tag(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?=[\s/>]|$)", re.I)


def _masked_code(text: str) -> str:
    """``text`` with what Markdown shows as code or hides spaced out (newlines kept): fenced
    blocks, code spans, HTML comments and the '>' of quotes. Every other character keeps its
    offset, so an offset in the mask is one in ``text``, at the same line and column."""
    fenced = _fenced_lines(text)
    if not fenced and "`" not in text and ">" not in text:  # no quote, and no comment's '-->'
        return text
    lines = text.split("\n")
    for index in fenced:
        lines[index] = " " * len(lines[index])
    masked = "\n".join(lines)
    if "`" in masked:  # a code span may go on over the lines of its paragraph
        masked = "".join(
            _blank_code_spans(part) if "`" in part else part for part in _PARAGRAPHS.split(masked)
        )
    if ">" in masked:  # a line's quote markers ("\n" leads the pattern: a fast search)
        masked = _QUOTE_LINE.sub(lambda quoted: "\n" + " " * (len(quoted.group(0)) - 1), "\n" + masked)[1:]
    return _blank_comments(masked) if "<!--" in masked else masked


_PARAGRAPHS = re.compile(r"(\n[ \t]*\n)")  # split, the blank lines kept


def _blank_comments(text: str) -> str:
    """``text`` with its HTML comments spaced out (newlines kept): the sanitiser drops them,
    and what they hold is never shown. A comment that a blank line interrupts is text, as
    Markdown reads it. One pass: each comment's end is looked for once."""
    blank_lines = [m.start() for m in _BLANK_LINE.finditer(text)]
    pieces, done, closing = [], 0, -1
    start = text.find("<!--")
    while start != -1:
        if closing < start + 4:
            closing = text.find("-->", start + 4)
            if closing == -1:
                break  # no comment closes after here
        following = bisect.bisect_left(blank_lines, start)
        if following < len(blank_lines) and blank_lines[following] < closing:
            start = text.find("<!--", start + 4)  # broken by a paragraph: text
            continue
        end = closing + 3
        pieces += [text[done:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        done = end
        start = text.find("<!--", end)
    return "".join(pieces) + text[done:]


_BACKTICKS = re.compile("`+")
_NOT_NEWLINE = re.compile("[^\n]")


def _blank_code_spans(line: str) -> str:
    """``line`` (a line, or a paragraph: a span may go on over its lines) with its code
    spans spaced out, newlines kept. A span opens at a run of backticks not
    escaped by a backslash and closes at the next run of the same length; a run with no
    such partner is literal text (as Python-Markdown and CommonMark read them). Each run is
    paired once, so a line of backticks takes linear time, where a pattern that tried every
    run against every later one took hours."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if len(runs) < 2:
        return line
    partner: list[int | None] = [None] * len(runs)  # the next run of the same length
    latest: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        partner[index] = latest.get(length)
        latest[length] = index
    pieces, done, index = [], 0, 0
    while index < len(runs):
        start, closing = runs[index][0], partner[index]
        if closing is None or (start and line[start - 1] == "\\"):
            index += 1
            continue
        end = runs[closing][1]
        span = line[start:end]
        pieces += [line[done:start], _NOT_NEWLINE.sub(" ", span) if "\n" in span else " " * len(span)]
        done, index = end, closing + 1
    return "".join(pieces) + line[done:]


_FENCE_START = re.compile(r"~{3,}|`{3,}")


def _fenced_lines(text: str) -> set[int]:
    """The lines (from 0) of the fenced code blocks Python-Markdown finds in ``text``, fences
    included, so that a fence it does not close (or one indented, or closed by a longer one)
    is scanned as the text it renders as, links and all.

    Whether a line opens a block is asked of Python-Markdown's own pattern (the line, then
    its fence); a block then runs to the next line that is the same fence alone, as the
    pattern's lazy search does. Found line by line, in linear time: the pattern searched
    over the whole text reads it again from every unclosed fence."""
    if "```" not in text and "~~~" not in text:
        return set()
    closers: dict[str, list[int]] = {}
    openers: list[tuple[int, str]] = []
    for index, line in enumerate(text.split("\n")):
        start = _FENCE_START.match(line)
        if start is None:
            continue
        fence = start.group(0)
        if line.rstrip(" ") == fence:
            closers.setdefault(fence, []).append(index)
        probe = f"{line}\n{fence}\n"
        block = FencedBlockPreprocessor.FENCED_BLOCK_RE.match(probe)
        if block is not None and block.end() == len(probe) - 1:
            openers.append((index, fence))
    lines: set[int] = set()
    after = 0  # the first line not inside a block found
    for index, fence in openers:
        candidates = closers.get(fence, [])
        following = bisect.bisect_right(candidates, index)
        if index >= after and following < len(candidates):
            closing = candidates[following]
            lines.update(range(index, closing + 1))
            after = closing + 1
    return lines


def _closest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(suggestion: str | None) -> str:
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


def url_key(url: str) -> str:
    """A site URL compared the way a static host serves it: 'x/', 'x/index.html' and 'x' alike."""
    path = unquote(url).lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return path.rstrip("/")


class LinkIndex:
    """Every post (drafts included, so a link to one is named as such), every author, every
    content file and every page URL the build writes."""

    def __init__(
        self,
        sources: Iterable[Page],
        authors: Mapping[str, str],
        files: Iterable[str] = (),
        urls: Iterable[str] = (),
        url_of: Callable[[Page], str] | None = None,
        lasting: Mapping[str, dt.datetime] | None = None,
        unread: Iterable[str] = (),
    ):
        """``sources``: every post and page. ``authors``: author id -> display name. ``files``: every file under the content
        folder (relative, with '/'). ``urls``: every page URL the build writes.
        ``url_of``: a source's own URL, relative to the site root. ``lasting``: the pages
        written only as long as posts that expire (a topic's, a year's), and until when.
        ``unread``: the Markdown sources (relative to content/) whose header could not be
        read: a reference naming one is not judged (:meth:`names_unread`)."""
        self.by_source: dict[str, Page] = {s.source: s for s in sorted(sources, key=lambda s: s.source)}
        self.posts = [s for s in self.by_source.values() if isinstance(s, Post)]
        self.authors = dict(authors)
        self.files = set(files)
        self.urls = {url_key(u): u for u in urls}
        self.url_of = url_of
        self._by_url: dict[str, list[Post]] | None = None  # posts_at's, made when first asked
        self.lasting = {url_key(u): until for u, until in (lasting or {}).items()}
        self.unread = frozenset(unread)
        # (owner, file name without .md) of each unread source: what a short link names
        self._unread_names = {
            (parts[0], posixpath.splitext(parts[1])[0])
            for parts in (path.split("/") for path in self.unread)
            if len(parts) == 2
        }
        self.by_key: dict[str, Post] = {}
        self.by_name: dict[str, list[Post]] = {}
        for post in self.posts:
            for name in dict.fromkeys((post.slug, post.stem)):
                self.by_key.setdefault(f"{post.owner}/{name}", post)
                self.by_name.setdefault(name, []).append(post)

    def resolve(self, ref: Reference, from_source: str) -> Resolved:
        """Where ``ref`` (written in the file ``from_source``) goes; LinkError if nowhere."""
        if ref.form is RefForm.SHORT:
            return self.short(ref.target, from_source)
        if ref.form is RefForm.ROOT:
            return self._site_url(ref)
        if ref.form is RefForm.EXTERNAL:
            return Resolved(url=ref.target)
        return self._file(ref, from_source)

    def short(self, written: str, from_source: str = "") -> Resolved:
        """``[[written]]``: a post or a profile (written in ``from_source``, never suggested)."""
        target, _, fragment = written.partition("#")
        profile = _PROFILE_TARGET.match(target)
        if profile:
            author = profile.group("author")
            if author not in self.authors:
                suggestion = _closest(author, self.authors)
                raise LinkError(
                    f"unknown author '[[{written}]]'" + _did_you_mean(suggestion and "@" + suggestion)
                )
            return Resolved(author=author, fragment=fragment)
        return Resolved(post=self._post(target, f"'[[{written}]]'", from_source), fragment=fragment)

    def post(self, target: str) -> Post:
        """The post named ``author-id/slug`` or ``slug`` (as in ``Related:``); LinkError if none."""
        return self._post(target, f"'{target}'")

    def _post(self, target: str, shown: str, from_source: str = "") -> Post:
        match = _POST_TARGET.match(target)
        if not match:
            raise LinkError(
                f"{shown} is not a link target (expected {SHORT_FORMS})"
                + _did_you_mean(self._guess(target, from_source))
            )
        owner, name = match.group("owner"), match.group("name")
        if owner:
            post = self.by_key.get(f"{owner}/{name}")
            if post is None:
                raise LinkError(f"unknown post {shown}" + _did_you_mean(self._guess(target, from_source)))
            return post
        candidates = self.by_name.get(name, [])
        if len({p.source for p in candidates}) > 1:
            keys = ", ".join(sorted({p.key for p in candidates}))
            raise LinkError(f"{shown} is ambiguous: {keys} (write [[author-id/slug]])")
        if not candidates:
            hint = f"@{name}" if name in self.authors else self._guess(target, from_source)
            raise LinkError(f"unknown post {shown}" + _did_you_mean(hint))
        return candidates[0]

    def _guess(self, target: str, from_source: str = "") -> str | None:
        """The closest ``author-id/slug`` to what was written (or to its slugified form),
        never the post the link is written in."""
        normal = re.sub(r"[^a-z0-9/]+", "-", target.lower()).strip("-")
        others = [p for p in self.posts if p.source != from_source]
        if "/" in normal:
            return _closest(normal, (p.key for p in others))
        by_slug = {p.slug: p.key for p in reversed(others)}
        slug = _closest(normal, by_slug)
        return by_slug[slug] if slug else None

    def _file(self, ref: Reference, from_source: str) -> Resolved:
        parts = urlsplit(ref.target)
        for path in dict.fromkeys((parts.path, unquote(parts.path))):
            relative = content_relative(path, from_source)
            if relative in self.by_source and ref.form is not RefForm.STATIC:
                target = self.by_source[relative]
                return Resolved(
                    post=target if isinstance(target, Post) else None, file=relative, fragment=parts.fragment
                )
            if relative in self.files:
                return Resolved(file=relative, fragment=parts.fragment)
        if ref.form is RefForm.RELATIVE and not ref.image and self.url_of and from_source in self.by_source:
            # Not a file: a page relative to the linking page's own URL ("../other-post/").
            own = self.url_of(self.by_source[from_source]).rstrip("/") + "/"
            url = posixpath.normpath(posixpath.join(posixpath.dirname(own), parts.path))
            if url_key(url) in self.urls:
                return Resolved(url=self.urls[url_key(url)], fragment=parts.fragment)
        wanted = content_relative(unquote(parts.path), from_source) or parts.path.lstrip("/")
        images = ref.image or ref.form is RefForm.STATIC
        suggestion = _closest(wanted, self.files if images else [*self.by_source, *self.files])
        if suggestion and ref.form is RefForm.RELATIVE:
            suggestion = posixpath.relpath(suggestion, posixpath.dirname(from_source) or ".")
        elif suggestion:
            suggestion = ("{static}/" if ref.form is RefForm.STATIC else "{filename}/") + suggestion
        if ref.image:
            raise LinkError(f"image not found: {ref.written}" + _did_you_mean(suggestion))
        where = "a file in the content folder" + (
            " or a page of the site" if ref.form is RefForm.RELATIVE else ""
        )
        raise LinkError(f"'{ref.written}' does not name {where}" + _did_you_mean(suggestion))

    def _site_url(self, ref: Reference) -> Resolved:
        parts = urlsplit(ref.target)
        key = url_key(parts.path)
        if key in self.urls:
            return Resolved(url=self.urls[key], fragment=parts.fragment)
        suggestion = _closest(key, self.urls)
        what = "image" if ref.image else "page"
        raise LinkError(
            f"'{ref.target}' is not a{'n' if ref.image else ''} {what} of this site"
            + _did_you_mean(suggestion and "/" + self.urls[suggestion].lstrip("/"))
        )

    def publication_problem(
        self, written: str, target: Post, from_status: Status, from_source: str = ""
    ) -> str | None:
        """A page that is written may only link posts written as long as it is: written now
        (or, from a scheduled post, by its date) and not expiring before it does. A link
        that would break on its own later, in a build nobody reviews (a draft's, a post
        due after the linking one, a post expiring first), is refused now.

        ``from_source``: the linking post or page (its date and 'Expires:'); '' for what
        is written as long as the site is (a bio)."""
        origin = self.by_source.get(from_source)
        if from_status is Status.SCHEDULED and origin is not None and origin.date is not None:
            since: dt.datetime | None = origin.date  # judged as of its date, when it is written
        elif from_status.written:
            since = None  # now
        else:
            return None
        until = origin.expires if origin is not None else None
        due = target.status.written or (
            since is not None
            and target.status is Status.SCHEDULED
            and target.date is not None
            and target.date <= since
        )
        if due:
            if target.expires is None or (until is not None and until <= target.expires):
                return None
            return (
                f"'{written}' links to a post that expires on {target.expires:%Y-%m-%d %H:%M}, when the link"
                " would break (give this post an 'Expires:' no later, or remove the link)"
            )
        if target.status is Status.SCHEDULED:
            when = f"scheduled for {target.date:%Y-%m-%d}" if target.date else "scheduled for a later date"
            if since is not None:
                return f"'{written}' links to a post {when}, after this one's date (link it once both are published)"
            return f"'{written}' links to a post {when}, which is not published yet (add the link once it is)"
        if target.status is Status.EXPIRED and target.expires is not None:
            return (
                f"'{written}' links to a post that expired on {target.expires:%Y-%m-%d %H:%M},"
                " which is no longer published (remove the link)"
            )
        return f"'{written}' links to a draft, which is never published (publish it first or remove the link)"

    def posts_named(self, written: Iterable[str]) -> list[Post]:
        """The posts that ``Related:`` entries (or link targets) name, leaving out what names none."""
        found = []
        for text in written:
            target = related_target(text)
            try:
                found.append(self.post(target.partition("#")[0]))
            except LinkError:
                continue
        return found

    def posts_at(self, url: str | None) -> list[Post]:
        """The posts whose page is at ``url`` (relative to SITEURL), whatever their status:
        one written now at most (the outputs rule), and others before or after it."""
        if not url or self.url_of is None:
            return []
        if self._by_url is None:
            self._by_url = {}
            for post in self.posts:
                self._by_url.setdefault(url_key(self.url_of(post)), []).append(post)
        return self._by_url.get(url_key(url.partition("#")[0]), [])

    def post_at(self, url: str | None) -> Post | None:
        """The post whose page is at ``url``: the one written now, or else any of them."""
        posts = self.posts_at(url)
        return next((p for p in posts if p.status.written), posts[0] if posts else None)

    def names_unread(self, ref: Reference, from_source: str) -> bool:
        """Whether ``ref`` names a source whose header could not be read (its file, or its
        file name as a short link's target): whether it resolves cannot be told until that
        source is fixed, and its own error says so."""
        if not self.unread:
            return False
        if ref.form is RefForm.SHORT:
            return self.names_unread_post(ref.target.partition("#")[0])
        if ref.form in (RefForm.FILENAME, RefForm.RELATIVE):
            path = urlsplit(ref.target).path
            return any(
                content_relative(p, from_source) in self.unread for p in dict.fromkeys((path, unquote(path)))
            )
        return False

    def names_unread_post(self, target: str) -> bool:
        """Whether ``author-id/name`` or ``name`` (a short link's, ``Related:``'s, a
        redirect's) may be an unread source's."""
        match = _POST_TARGET.match(target.strip())
        if not match or not self._unread_names:
            return False
        owner, name = match.group("owner"), match.group("name")
        return any(stem == name and owner in (None, who) for who, stem in self._unread_names)

    def check(
        self, ref: Reference, from_source: str, from_status: Status
    ) -> tuple[Resolved | None, str | None]:
        """(where the reference goes, None) or (None, the problem); (None, None) for a
        reference to a source that could not be read."""
        try:
            resolved = self.resolve(ref, from_source)
        except LinkError as exc:
            return None, None if self.names_unread(ref, from_source) else str(exc)
        # A post linked by its address ('/posts/…/') breaks as a short link to it would.
        target = resolved.post or self.post_at(resolved.url)
        if target is not None:
            problem = self.publication_problem(ref.written, target, from_status, from_source)
        else:
            problem = self.lasting_problem(ref.written, resolved.url, from_status, from_source)
        return (None, problem) if problem else (resolved, None)

    def lasting_problem(
        self, written: str, url: str | None, from_status: Status, from_source: str = ""
    ) -> str | None:
        """A link to a page that goes when the posts it lists expire (a topic's page, a
        year's) breaks then, like a link to such a post (see publication_problem)."""
        until = self.lasting.get(url_key(url.partition("#")[0])) if url else None
        if until is None or not (from_status.written or from_status is Status.SCHEDULED):
            return None
        origin = self.by_source.get(from_source)
        if origin is not None and origin.expires is not None and origin.expires <= until:
            return None
        return (
            f"'{written}' links to a page written only until {until:%Y-%m-%d %H:%M}, when the last post"
            " it lists expires, and the link would break (give this post an 'Expires:' no later, or remove the link)"
        )


def related_target(text: str) -> str:
    """A ``Related:`` entry as a link target: 'li-wei/x' or '[[li-wei/x]]' alike."""
    return text[2:-2].strip() if text.startswith("[[") and text.endswith("]]") else text


def check_related(
    written: Iterable[str], own_source: str, from_status: Status, index: LinkIndex, limit: int
) -> tuple[list[Post], list[str]]:
    """The posts a ``Related:`` header names, and the problems with it (messages without location).

    Entries are link targets (``author-id/slug``, ``slug``, optionally in ``[[…]]``); they
    must be posts (not profiles), not the post itself, not hidden (never listed), and
    published wherever the linking post is."""
    written = list(written)
    picks: list[Post] = []
    problems: list[str] = []
    if len(written) > limit:
        names = f"{len(written)} post" + ("s" if len(written) != 1 else "")
        problems.append(f"'Related' names {names}; at most {limit} are shown (CROSSLINKS_RELATED_COUNT)")
    for text in written:
        target = related_target(text)
        if target.startswith("@"):
            problems.append(f"'Related' names posts, not profiles: '{text}'")
            continue
        try:
            post = index.post(target)
        except LinkError as exc:
            if not index.names_unread_post(target):
                problems.append(f"'Related': {exc}")
            continue
        if post.source == own_source:
            problems.append(f"'Related' names the post itself: '{text}'")
        elif post.status is Status.HIDDEN:
            problems.append(f"'Related': '{text}' is a hidden post, and hidden posts are never listed")
        elif message := index.publication_problem(text, post, from_status, own_source):
            problems.append(f"'Related': {message}")
        elif post not in picks:
            picks.append(post)
    return picks, problems


def content_relative(path: str, from_source: str) -> str | None:
    """The path relative to the content root, or None when it leaves the content root."""
    if not path:
        return None
    joined = (
        path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(from_source), path)
    )
    normal = posixpath.normpath(joined)
    if normal in (".", "..") or normal.startswith(("../", "/")):
        return None
    return normal


def files_linking_listings(site: Site) -> set[str]:
    """The files (posts, pages, bios) with a link to a page of the site
    that is neither a post's nor a file (a topic's, a year's, a department's: whether it is
    written, and for how long, follows from every post), or to no page at all. A change to
    any post can end such a page, so ``chorus check --changed-since`` reports these files
    whenever a post changed."""
    index = site_index(site)

    def to_listing(ref: Reference, from_source: str) -> bool:
        if ref.form not in (RefForm.ROOT, RefForm.RELATIVE):
            return False
        try:
            resolved = index.resolve(ref, from_source)
        except LinkError:
            return True
        return resolved.url is not None and index.post_at(resolved.url) is None

    found = {
        source.path
        for source in (*site.posts, *site.pages)
        if any(to_listing(ref, source.source) for ref in source.references)
    }
    found.update(
        author.source
        for author in site.network.authors.values()
        if any(to_listing(ref, "") for ref in scan_bio(site, author.bio))
    )
    return found


# Every link and image URL of sanitised HTML: its serialiser writes each attribute as
# name="value" with '"', '<' and '>' escaped, and escapes '<' in text (where it leaves '"'),
# so a URL is one inside a tag.
URL_ATTRIBUTE = re.compile(r'<[a-zA-Z][^<>]*?\s(?:href|src)="([^"]*)"')


def linked_files(
    site: Site, rendered: Iterable[tuple[str, str]], unresolved: list[tuple[str, str]] | None = None
) -> frozenset[str]:
    """The files of content/ (relative to it) that the build publishes: those the rendered
    HTML of a written post or page links or shows (``rendered``: (source, sanitised HTML)
    pairs, so exactly what readers get: not an image in a comment or in code), a written
    post's cover, and what a bio or ``redirects.yml`` links. A file that only a draft, a scheduled or an expired
    post shows, or that nothing links, stays unpublished (``static/`` is the network's
    folder of files published as they are).

    ``unresolved`` receives (source, URL) for each rendered URL that goes nowhere: a link
    in a form the scan of the source (:func:`scan_references`) did not find, so the links
    rule could not judge it."""
    index = site_index(site)
    media = {url_key(site.urls.media(f.relative).url): f.relative for f in site.static_files}
    found: set[str] = set()

    def add(url: str, source: str, rendered: bool = False) -> None:
        classified = classify(html.unescape(url))
        if classified is None or classified[0] is RefForm.EXTERNAL:
            return
        if rendered and classified[0] is RefForm.ROOT:  # the render put it under SITEURL's path
            classified = (RefForm.ROOT, site.urls.without_base_path(classified[1]))
        try:
            resolved = index.resolve(Reference(*classified, 0, 0), source)
        except LinkError:
            if rendered and unresolved is not None:
                unresolved.append((source, html.unescape(url)))
            return
        if resolved.file is not None:
            found.add(resolved.file)
        elif resolved.url is not None and (file := media.get(url_key(resolved.url.partition("#")[0]))):
            found.add(file)

    for source, markup in rendered:
        for url in URL_ATTRIBUTE.findall(markup):
            add(url, source, rendered=True)
    for post in site.posts:  # a cover is shown above the text, on cards and on the social card
        if post.cover is not None and post.status.written:
            add(post.cover.written, post.source)
    for author in site.network.authors.values():
        for ref in scan_bio(site, author.bio):
            if ref.form is RefForm.ROOT:
                add(ref.target, "")
    for redirect in site.redirects:
        if redirect.target.startswith("/"):
            add(redirect.target, "")
    return frozenset(found)


_INDEX: list[tuple[Site, LinkIndex]] = []


def site_index(site: Site) -> LinkIndex:
    """The link index of ``site``, built once per site (rules and the build share it)."""
    if _INDEX and _INDEX[0][0] is site:
        return _INDEX[0][1]
    sources = (*site.posts, *site.pages)
    index = LinkIndex(
        sources,
        {author.id: author.name for author in site.network.authors.values()},
        files=[f.relative for f in site.static_files],
        urls=site.urls.pages_written(site),
        url_of=lambda source: site.urls.source(source).url,
        lasting=site.urls.pages_lasting(site),
        unread=site.unread,
    )
    _INDEX[:] = [(site, index)]
    return index
