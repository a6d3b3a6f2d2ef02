"""Reading one post or page source into checked, typed header fields (no rendering).

The build's reader and ``chorus check`` both start here, so a file the build rejects is
rejected by the check with the same message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import Problem, ProblemList, SourceError
from .links import scan_references
from .model import Network, Reference
from .postmeta import (
    DEFAULT_LIMITS,
    Header,
    PostFields,
    PostLimits,
    convert_fields,
    parse_header,
    slug_from_filename,
    translation_from_filename,
)
from .sourcefile import decode_source, read_regular_bytes

if TYPE_CHECKING:
    from .sourcecache import SourceCache


@dataclass
class ParsedPost:
    path: Path
    relative: PurePosixPath  # relative to content/
    shown: str  # as the user sees it, relative to the site root
    is_page: bool
    text: str = ""
    header: Header = field(default_factory=Header)
    fields: PostFields = field(default_factory=PostFields)
    slug: str | None = None
    lang: str | None = None  # Lang:, or the language of a 'slug.de.md' file name
    translates: str | None = None  # the slug of the post this one translates, in the same folder
    references: tuple[Reference, ...] = ()  # in 'Summary:' and the body, with line and column
    problems: list[Problem] = field(default_factory=list)


def is_page_source(relative: PurePosixPath | str, page_paths: list[str]) -> bool:
    relative = str(relative)
    return any(relative.startswith(p.rstrip("/") + "/") for p in page_paths)


def slug_and_language(
    stem: str, fields: PostFields, shown: str, is_page: bool, problems: ProblemList
) -> tuple[str | None, str | None, str | None]:
    """(slug, language, slug of the post it translates) of a source: one rule for the build,
    the check and the history of published URLs.

    A translation ('slug.de.md', or Pelican's 'Translation: yes' with 'Lang:') gets the slug
    '<slug>-<lang>' of its own and names the post it translates."""
    values = fields.values
    lang = values.get("lang")
    from_name = None if is_page else translation_from_filename(stem)
    if from_name:
        stem, name_lang = from_name
        if lang is not None and lang != name_lang:
            problems.add(
                shown,
                fields.lines.get("lang"),
                f"'Lang: {lang}' disagrees with the file name, which says '{name_lang}'; keep one",
            )
        lang = name_lang
    slug = values.get("slug") or slug_from_filename(stem, shown, problems)
    language = str(lang) if lang is not None else None
    if not slug:
        return None, language, None
    if from_name or values.get("translation"):
        if language is None:
            problems.add(shown, fields.lines.get("translation"), "a translation needs 'Lang:'")
            return str(slug), None, None
        return f"{slug}-{language.lower()}", language, str(slug)
    return str(slug), language, None


def parse_post_file(
    path: Path,
    content_root: Path,
    shown: str,
    page_paths: list[str],
    max_bytes: int,
    limits: PostLimits = DEFAULT_LIMITS,
    relative_path: str | None = None,
    *,
    short_links: bool = True,
    block_parser: bool = True,
    cache: SourceCache | None = None,
    zone: dt.tzinfo = dt.UTC,
    network: Network | None = None,
) -> ParsedPost:
    """Parse a Markdown source; problems are collected in ``.problems``, never raised.

    ``relative_path``: the path relative to ``content_root`` when the caller knows it already.
    ``cache``: where the header and references of bytes read before are kept
    (``sourcecache``); the typed fields and the slug are computed again either way.
    ``network``: the registry, to name the id a department or author written by name meant."""
    path = path if isinstance(path, Path) else Path(path)  # Path(path) parses it again
    relative = PurePosixPath(relative_path or path.absolute().relative_to(content_root).as_posix())
    parsed = ParsedPost(path, relative, shown, is_page_source(relative, page_paths))
    problems = ProblemList(rule="metadata")
    try:
        data = read_regular_bytes(parsed.path, shown, max_bytes)
        parsed.text = decode_source(data, shown)  # every run: the cache is not trusted to say so
    except SourceError as exc:
        parsed.problems = exc.problems
        return parsed
    digest = cache.digest(data) if cache is not None else ""
    known = cache.lookup(str(relative), digest, parsed.text) if cache is not None else None
    if known is not None:
        parsed.header, parsed.references = known
    else:
        parsed.header = parse_header(parsed.text, shown, problems)
        parsed.references = header_references(parsed.text, parsed.header, short_links, block_parser)
        if cache is not None and not problems.items:  # a header's problems come from parsing it: not kept
            cache.store(str(relative), digest, parsed.text, parsed.header, parsed.references)
    parsed.fields = convert_fields(parsed.header, shown, parsed.is_page, problems, limits, zone, network)
    parsed.slug, parsed.lang, parsed.translates = slug_and_language(
        parsed.path.stem, parsed.fields, shown, parsed.is_page, problems
    )
    parsed.problems = problems.errors
    return parsed


def header_references(
    text: str, header: Header, short_links: bool, block_parser: bool = True
) -> tuple[Reference, ...]:
    """The references in 'Summary:' and in the body, in that order, at their line and column.

    The summary is scanned where it is written in ``text``: its first line with the key
    blanked, then its continuation lines, so a link is named where it stands even when the
    value goes on over several lines."""
    references = []
    if "summary" in header.fields:
        _, line = header.fields["summary"]
        lines = text.split("\n", header.body_line)[line - 1 : header.body_line - 1]
        written = [lines[0]]
        for continued in lines[1:]:
            if continued[:1] not in (" ", "\t"):
                break
            written.append(continued)
        key = written[0].index(":") + 1
        written[0] = " " * key + written[0][key:]
        references += scan_references("\n".join(written), line, short_links=short_links, header_value=True)
    references += scan_references(
        header.body, header.body_line, short_links=short_links, block_parser=block_parser
    )
    return tuple(references)
