"""The output gate: nothing the policy forbids leaves the build, whatever produced it.

``chorus.build`` runs it after rendering and before the staged output replaces the published
one. Every file the build wrote is read the way a reader, a feed reader or a search box
sees it, normalised like the sources (``plugins.network.normalise``) and matched in one
pass against every error-level policy rule that holds for any text (``Policy.gate``):

- file names (every path below the output folder);
- HTML, XML feeds, OPML, sitemaps and SVG: the text, with the markup that feeds carry
  escaped read as markup too, and every attribute value;
- JSON (feeds, ``network.json``) and the Pagefind search fragments (decompressed): every
  string; Pagefind's word index and filters hold only words of those fragments and pages;
- images: PNG text chunks, and EXIF, XMP, comments and every application segment of the
  other formats; PDF: the document information and the XMP metadata;
- anything else that is UTF-8 text (CSS, JavaScript, robots.txt).

Reviewed exceptions keep working, scoped to what they cover. A post's ``Policy-Allow``
holds in the files it owns (its page, its social card), in its feed entries, its search
fragment and its card in any listing: an ``article`` or ``li`` element, feed ``entry`` or
``item``, sitemap ``url`` or JSON object whose first link is the post. An author entry's
``policy-allow`` holds for that entry's own values (an affiliation, a bio) wherever they
are shown whole. A match anywhere else fails the build, naming the built file and, when
it can be traced, the source whose text it is; never the term.

It is fast because most text is not new: every file is read once, cut into cards and
blocks (a paragraph is in a post's page, each of its feed entries and its fragment), and a
block already matched is not matched again; only text with a match is taken apart to decide
whose exceptions apply.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from plugins.network.errors import Problem, ProblemList, display_path
from plugins.network.model import Site
from plugins.network.normalise import attribute_text, normalised_text
from plugins.network.parallel import map_jobs, worker_count
from plugins.network.policy import (
    Matcher,
    Policy,
    author_snippets,
    department_snippets,
    parse_allowances,
)

MARKUP_SUFFIXES = {".html", ".htm", ".xml", ".atom", ".rss", ".opml", ".svg", ".xsl"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".ico"}
MAX_METADATA_BYTES = 1024 * 1024  # decompressed image or PDF metadata read at most
_CONTAINERS = {"article", "li", "entry", "item", "url"}
_LINK_ELEMENTS = {"link", "loc"}  # RSS and sitemaps give the URL as text
_TAG = re.compile(r"""<(/?)([A-Za-z][\w.-]*(?::[\w.-]+)?)((?:[^<>"']++|"[^"<>]*"|'[^'<>]*')*+)>""")
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CARD_START = re.compile(r"<(?:article|entry|item)[\s>]")
_BLOCK_START = re.compile(
    r"<(?:p|li|h[1-6]|pre|blockquote|table|tr|div|section|header|footer|nav|ul|ol|dl|figure)[\s>]"
)
_PAGEFIND_PREFIX = b"pagefind_dcd"
_Value = tuple[str, frozenset[str], str]  # normalised text, the rules it may break, its source


@dataclass(frozen=True)
class _Scope:
    """Whose text a part of a built file is: the source shown to the user, and the
    policy rules its reviewed exception allows."""

    source: str | None = None
    allowed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Part:
    """Text read from a built file, ready to normalise, and whose it is (None: the file's)."""

    text: str
    markup: bool = True
    scope: _Scope | None = None
    url: str | None = None  # of the JSON object it was read from
    page: str | None = None  # the URL of the page it is a search fragment of


class OutputGate:
    def __init__(self, site: Site, policy: Policy, owners: Mapping[str, str]):
        self.site = site
        self.policy = policy
        self.matcher: Matcher = policy.gate()
        ignored = ProblemList()  # malformed exceptions are the source rule's to report
        self.scopes: dict[str, _Scope] = {}
        for post in site.posts:
            allow = post.header.get("policy-allow")
            allowed = parse_allowances(allow.raw if allow else None, None, post.path, policy, ignored)
            self.scopes[post.path] = _Scope(post.path, frozenset(allowed))
        # Outputs claimed by a source file (not by a setting), with that source's exceptions.
        files = {f.shown for f in site.files} | {d.source for d in site.network.departments.values()}
        self.owners = {
            output: self.scopes.get(source, _Scope(source))
            for output, source in owners.items()
            if source in files
        }
        # Where each post is published (the site's one URL scheme): cards and entries link it.
        self.by_url = {
            _url_key(site.urls.source(post).url): self.scopes[post.path]
            for post in site.posts
            if post.status.written
        }
        self._registry: list[_Value] | None = None
        # Feeds repeat each entry and listings each card: a piece of text is matched once.
        self._seen: dict[tuple[int, int, bool], bool] = {}
        self._clean: set[tuple[int, int, bool]] = set()  # blocks without a match
        self._card_blocks: dict[str, list[_Value]] = {}
        self._folder = Path()
        self._judged: dict[tuple[str, _Part, _Scope | None], list[tuple[str, str]]] = {}

    # -- the one pass over the output ---------------------------------------------------------

    def check(self, folder: Path, shown_as: Path, root: Path) -> list[Problem]:
        """Problems for every built file below ``folder`` (shown as if it were ``shown_as``)."""
        if not self.matcher:
            return []
        self._folder = folder
        found: dict[tuple[str, str, str], Problem] = {}
        jobs = [path.relative_to(folder).as_posix() for path in sorted(_files(folder))]
        workers = worker_count(int(self.site.settings.get("CHORUS_WORKERS", 0)))
        for relative, problems in zip(jobs, map_jobs(self._check_job, jobs, workers), strict=True):
            if problems:
                shown = display_path(shown_as / relative, root)
                for rule, message in problems:
                    found.setdefault((shown, rule, message), Problem(shown, None, message, rule=rule))
        return list(found.values())

    def _check_job(self, relative: str) -> list[tuple[str, str]]:
        """One built file's problems (a job for the build's worker processes)."""
        return list(self._check_file(self._folder / relative, relative, self.owners.get(relative)))

    def _check_file(self, path: Path, relative: str, owner: _Scope | None) -> Iterator[tuple[str, str]]:
        """(rule id, message) of every match in one built file."""
        name = _Part(relative, markup=False)
        if self._suspect(name):
            yield from self._judge("the file name", [name], owner)
        kind, chunks = _read(path)
        for chunk in chunks:
            if self._suspect(chunk):
                key = (kind, chunk, owner)
                if key not in self._judged:
                    self._judged[key] = list(self._judge(_WHAT[kind], self._take_apart(kind, chunk), owner))
                yield from self._judged[key]

    def _texts(self, part: _Part) -> Iterator[str]:
        """The normalised text of a part, then of its attribute values."""
        yield normalised_text(part.text, markup=part.markup)
        if part.markup and (values := attribute_text(part.text)):
            yield normalised_text(values)

    def _suspect(self, part: _Part) -> bool:
        """Whether text has a match that no author entry's exception covers.

        Markup is remembered block by block: a paragraph is in a post's page, in each of its
        feed entries and in listings, and a block found clean is not read again this build.
        The new blocks of a text are read together, in one pass."""
        key = (len(part.text), hash(part.text), part.markup)  # keeping the texts costs memory
        found = self._seen.get(key)
        if found is None:
            pieces = _blocks(part.text) if part.markup else [part.text]
            keys = [(len(piece), hash(piece), part.markup) for piece in pieces]
            new = [
                piece for piece, piece_key in zip(pieces, keys, strict=True) if piece_key not in self._clean
            ]
            found = bool(new) and self._suspect_text("\n".join(new), part.markup)
            if not found:
                self._clean.update(keys)
            self._seen[key] = found
        return found

    def _suspect_text(self, text: str, markup: bool) -> bool:
        found = self._unexcused(normalised_text(text, markup=markup))
        if not found and markup and (values := attribute_text(text)):
            found = self._unexcused(normalised_text(values))
        return found

    def _unexcused(self, text: str) -> bool:
        return any(
            self._registry_source(rule.id, text, start, end) is not True
            for rule, start, end in self.matcher.find(text)
        )

    # -- only for text with a match: whose text is it? -----------------------------------------

    def _take_apart(self, kind: str, chunk: _Part) -> list[_Part]:
        if chunk.url is not None:  # a JSON object with a "url"
            page = chunk.url if kind == "search" else None
            return [_Part(chunk.text, scope=self._scope_of(chunk.url), page=page)]
        if kind == "text":
            return self._markup_parts(chunk.text)
        return [chunk]

    def _judge(self, what: str, parts: list[_Part], owner: _Scope | None) -> Iterator[tuple[str, str]]:
        for part in parts:
            scope = part.scope or owner
            for text in self._texts(part):
                for rule, start, end in self.matcher.find(text):
                    if scope is not None and rule.id in scope.allowed:
                        continue
                    registry = self._registry_source(rule.id, text, start, end)
                    if registry is True:
                        continue  # an author entry's reviewed exception, shown whole
                    if part.page and any(
                        rule.id in allowed
                        for allowed, _ in _covering(self._cards(part.page), text, start, end)
                    ):
                        continue  # a post's card, flattened into a listing page's search fragment
                    if registry:
                        origin = f"from {registry}"
                    elif scope is not None and scope.source:
                        origin = f"written for {scope.source}"
                    else:
                        origin = "not from a post, page or registry entry: look in the settings and the theme"
                    yield rule.id, f"{rule.message} (in {what} of the built file, {origin})"

    def _registry_source(self, rule_id: str, text: str, start: int, end: int) -> str | bool | None:
        """True when the match lies in a registry value whose entry allows the rule; else the
        registry file whose value holds it, if any."""
        if self._registry is None:
            self._registry = self._registry_values()
        holder = None
        for allowed, source in _covering(self._registry, text, start, end):
            if rule_id in allowed:
                return True
            holder = holder or source
        return holder

    def _cards(self, url: str) -> list[_Value]:
        """The blocks of the cards of posts with exceptions on the page at ``url``, each with
        the rules its post allows (Pagefind flattens the page into one text)."""
        if url not in self._card_blocks:
            page = self._folder / (urlsplit(url).path.strip("/") + "/index.html").lstrip("/")
            blocks = []
            if page.is_file():
                text = _unescape_markup(page.read_text(encoding="utf-8", errors="replace"))
                for part in self._markup_parts(text):
                    scope = part.scope
                    if scope is not None and scope.allowed and scope.source:
                        values = (normalised_text(block) for block in _blocks(part.text))
                        blocks += [(value, scope.allowed, scope.source) for value in values if value]
            self._card_blocks[url] = sorted(blocks, key=lambda item: -len(item[0]))
        return self._card_blocks[url]

    def _registry_values(self) -> list[_Value]:
        """Every registry value as the gate sees it, with the rules its entry allows."""
        values = []
        ignored = ProblemList()
        for author in self.site.network.authors.values():
            allowed = frozenset(
                parse_allowances(author.policy_allow, None, author.source, self.policy, ignored)
            )
            texts = [s.text for s in author_snippets(author)]
            texts += re.split(r"</p>|</li>", author.bio_html)  # the bio as rendered, paragraph by paragraph
            for text in texts:
                value = normalised_text(text)
                if value:
                    values.append((value, allowed, author.source))
        for department in self.site.network.departments.values():
            for snippet in department_snippets(department):
                values.append((normalised_text(snippet.text), frozenset(), department.source))
        return sorted(values, key=lambda item: -len(item[0]))

    def _scope_of(self, url: str) -> _Scope | None:
        """The post a link (absolute, root-relative or as the scheme writes it) points at."""
        path = self.site.urls.without_base_path(urlsplit(url.strip()).path)
        return self.by_url.get(_url_key(path))

    def _markup_parts(self, text: str) -> list[_Part]:
        """The file cut into the cards of posts and the rest: each piece of text belongs to
        the innermost card around it."""
        spans: list[tuple[int, int, _Scope]] = []
        stack: list[list[Any]] = []  # [name, start, first link]
        for tag in _TAG.finditer(text):
            closing, name = tag.group(1), tag.group(2).lower()
            if closing:
                for depth in range(len(stack) - 1, -1, -1):
                    if stack[depth][0] == name:
                        _, start, link = stack[depth]
                        del stack[depth:]
                        scope = self._scope_of(link) if link else None
                        if scope is not None:
                            spans.append((start, tag.end(), scope))
                        break
                continue
            href = _HREF.search(tag.group(3))
            link = (href.group(1) or href.group(2)) if href else None
            if link is None and name in _LINK_ELEMENTS:
                link = text[tag.end() : text.find("<", tag.end())]
            if link:
                for open_element in stack:
                    if open_element[2] is None:
                        open_element[2] = link
            if name in _CONTAINERS and not tag.group(3).rstrip().endswith("/"):
                stack.append([name, tag.start(), None])
        pieces: dict[_Scope | None, list[str]] = {None: []}
        open_spans: list[tuple[int, _Scope | None]] = [(len(text), None)]  # (end, scope)
        cursor = 0
        for start, end, scope in sorted(spans, key=lambda span: (span[0], -span[1])):
            while open_spans[-1][0] <= start:
                close, closed = open_spans.pop()
                pieces.setdefault(closed, []).append(text[cursor:close])
                cursor = close
            pieces.setdefault(open_spans[-1][1], []).append(text[cursor:start])
            cursor = start
            open_spans.append((end, scope))
        while open_spans:
            close, closed = open_spans.pop()
            pieces.setdefault(closed, []).append(text[cursor:close])
            cursor = close
        return [_Part(" ".join(texts), scope=scope) for scope, texts in pieces.items()]


_WHAT = {
    "text": "the text",
    "json": "the text",
    "search": "the search index",
    "image": "the image metadata",
    "pdf": "the PDF metadata",
    "none": "",
}


def _read(path: Path) -> tuple[str, list[_Part]]:
    """What kind of file this is, and the text it holds, in chunks: a JSON object with a
    "url" each, and markup cut before each card, entry and item."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image", [_Part(text) for text in _image_texts(path)]
    if suffix == ".pdf":
        return "pdf", [_Part(text) for text in _pdf_texts(path.read_bytes())]
    if (suffix.startswith(".pf_") and suffix != ".pf_fragment") or suffix == ".pagefind":
        return "none", []  # Pagefind's word index, filters and code: words of pages and fragments
    try:
        if suffix == ".pf_fragment":
            return "search", [_Part(text, url=url) for url, text in _json_groups(_pagefind_json(path))]
        if suffix == ".json":
            return "json", [_Part(text, url=url) for url, text in _json_groups(_json(path))]
    except (OSError, ValueError):
        pass  # not what its name says: read it as text below
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return "none", []  # fonts, WebAssembly: no text to read (the name still is)
    if suffix in MARKUP_SUFFIXES or text.lstrip().startswith("<"):
        text = _unescape_markup(text)
    return "text", [_Part(chunk) for chunk in _cut(text, _CARD_START)]


def _cut(text: str, before: re.Pattern[str]) -> list[str]:
    """``text`` cut before every match of ``before``."""
    starts = [0, *(match.start() for match in before.finditer(text)), len(text)]
    return [text[start:end] for start, end in zip(starts, starts[1:], strict=False) if end > start]


def _blocks(text: str) -> list[str]:
    """Markup cut before each block element (a term split across two blocks is not read as
    one; the source rule reads each post whole)."""
    return _cut(text, _BLOCK_START) if "<" in text else [text]


def _covering(values: list[_Value], text: str, start: int, end: int) -> Iterator[tuple[frozenset[str], str]]:
    """(allowed rules, source) of each value that occurs in ``text`` around ``text[start:end]``."""
    matched = text[start:end]
    for value, allowed, source in values:
        if matched in value:
            # The first occurrence that could cover the match covers it if it starts in time.
            at = text.find(value, max(0, end - len(value)))
            if at != -1 and at <= start:
                yield allowed, source


def _url_key(path: str) -> str:
    """A URL path compared without its slashes and index file: 'posts/bob/x'."""
    return path.strip().removesuffix("index.html").strip("/")


def _files(folder: Path) -> Iterator[Path]:
    for here, _, names in os.walk(folder):
        for name in names:
            yield Path(here) / name


def _unescape_markup(text: str) -> str:
    """Feeds carry HTML escaped inside XML: read it as markup too (other references are
    decoded by the normaliser)."""
    return text.replace("&lt;", "<").replace("&gt;", ">") if "&lt;" in text else text


def _json(path: Path) -> Any:
    return json.loads(path.read_bytes())


def _pagefind_json(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    return json.loads(data.removeprefix(_PAGEFIND_PREFIX))


def _json_groups(data: Any) -> list[tuple[str | None, str]]:
    """Every key and string of a JSON document, one per line, grouped by the innermost
    object with a "url" around them (a feed item, a post in network.json, a fragment)."""
    groups: dict[int, tuple[str | None, list[str]]] = {0: (None, [])}

    def walk(value: Any, group: int) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("url"), str):
                group = len(groups)
                groups[group] = (value["url"], [])
            for key, item in value.items():
                groups[group][1].append(str(key))
                walk(item, group)
        elif isinstance(value, list):
            for item in value:
                walk(item, group)
        elif isinstance(value, str):
            groups[group][1].append(value)

    walk(data, 0)
    return [(url, "\n".join(strings)) for url, strings in groups.values() if strings]


# -- images and PDFs: the text they carry besides their pixels and pages ----------------------


def _image_texts(path: Path) -> list[str]:
    if path.suffix.lower() == ".png":
        return _png_texts(path)
    try:
        with Image.open(path) as image:
            texts = [_bytes_text(data) for _, data in getattr(image, "applist", [])]
            for key, value in image.info.items():
                if key not in ("icc_profile", "exif") and isinstance(value, (str, bytes)):
                    texts.append(value if isinstance(value, str) else _bytes_text(value))
            texts += _exif_texts(image.getexif())
    except (UnidentifiedImageError, OSError):
        return []  # not an image after all: its name is still read
    return texts


def _exif_texts(exif: Image.Exif) -> list[str]:
    texts = []
    for ifd in (exif, exif.get_ifd(0x8769)):  # 0x8769: the Exif sub-IFD (UserComment, …)
        for tag, value in ifd.items():
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, bytes):
                # XPTitle, XPComment, … (0x9C9B-0x9C9F) are UTF-16; UserComment has an 8-byte code.
                if 0x9C9B <= tag <= 0x9C9F:
                    texts.append(value.decode("utf-16-le", errors="replace"))
                else:
                    texts.append(_bytes_text(value[8:] if tag == 0x9286 else value))
    return texts


def _png_texts(path: Path) -> list[str]:
    """tEXt, zTXt, iTXt and eXIf chunks, anywhere in the file (image data is skipped)."""
    texts = []
    with path.open("rb") as file:
        file.seek(8)
        while len(head := file.read(8)) == 8:
            length, kind = struct.unpack(">I4s", head)
            if kind not in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
                if kind == b"IEND":
                    break
                file.seek(length + 4, os.SEEK_CUR)
                continue
            texts += _png_chunk_texts(kind, file.read(length))
            file.seek(4, os.SEEK_CUR)
    return texts


def _png_chunk_texts(kind: bytes, chunk: bytes) -> list[str]:
    if kind == b"tEXt":
        return [chunk.replace(b"\0", b"\n").decode("latin-1")]
    if kind == b"zTXt":
        keyword, _, rest = chunk.partition(b"\0")
        return [keyword.decode("latin-1") + "\n" + _inflate(rest[1:]).decode("latin-1")]
    if kind == b"iTXt":
        keyword, _, rest = chunk.partition(b"\0")
        compressed, rest = rest[:1] == b"\1", rest[2:]
        language, _, rest = rest.partition(b"\0")
        translated, _, text = rest.partition(b"\0")
        body = _inflate(text) if compressed else text
        return [b"\n".join((keyword, language, translated, body)).decode("utf-8", errors="replace")]
    exif = Image.Exif()  # eXIf
    exif.load(chunk)
    return _exif_texts(exif)


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        return inflater.decompress(data, MAX_METADATA_BYTES)
    except zlib.error:
        return b""


def _bytes_text(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    return text.replace("\0", "\n")


_PDF_KEYS = re.compile(rb"/(?:Title|Author|Subject|Keywords|Creator|Producer)\s*([(<])")
_PDF_STREAM = re.compile(rb"<<((?:(?!>>).){0,2000}?)>>\s*stream\r?\n", re.S)
_PDF_XMP = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.S)
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_texts(data: bytes, depth: int = 0) -> list[str]:
    """The document information strings and XMP packets, also inside compressed object streams."""
    texts = [_pdf_string(data, match.end(1) - 1) for match in _PDF_KEYS.finditer(data)]
    texts += [match.group().decode("utf-8", errors="replace") for match in _PDF_XMP.finditer(data)]
    if depth == 0:
        for match in _PDF_STREAM.finditer(data):
            head = match.group(1)
            if b"/FlateDecode" in head and (b"/Metadata" in head or b"/ObjStm" in head):
                end = data.find(b"endstream", match.end())
                texts += _pdf_texts(_inflate(data[match.end() : end if end != -1 else None]), 1)
    return texts


def _pdf_string(data: bytes, start: int) -> str:
    """The literal ``(…)`` or hexadecimal ``<…>`` string at ``start``, decoded."""
    if data[start : start + 1] == b"<":
        end = data.find(b">", start)
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", data[start + 1 : end if end != -1 else None])
        raw = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    else:
        out, depth, index = bytearray(), 0, start + 1
        while index < len(data) and len(out) < MAX_METADATA_BYTES:
            char = data[index : index + 1]
            if char == b"\\":
                following = data[index + 1 : index + 2]
                octal = re.match(rb"[0-7]{1,3}", data[index + 1 : index + 4])
                if octal:
                    out.append(int(octal.group(), 8) & 0xFF)
                    index += 1 + len(octal.group())
                    continue
                out += _PDF_ESCAPES.get(following, b"" if following in b"\r\n" else following)
                index += 2
                continue
            if char == b"(":
                depth += 1
            elif char == b")":
                if depth == 0:
                    break
                depth -= 1
            out += char
            index += 1
        raw = bytes(out)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    return raw.decode("latin-1")


def check_output(
    folder: Path, shown_as: Path, site: Site, policy: Policy, owners: Mapping[str, str]
) -> list[Problem]:
    """Every policy problem in the built files below ``folder``."""
    return OutputGate(site, policy, owners).check(folder, shown_as, site.root)


__all__ = ["OutputGate", "check_output"]
