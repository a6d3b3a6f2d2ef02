"""Reading one post or page source into checked, typed header fields (no rendering).

The build's reader and ``chorus check`` both start here, so a file the build rejects is
rejected by the check with the same message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import Problem, ProblemList, SourceError
from .postmeta import (
    DEFAULT_LIMITS,
    Header,
    PostFields,
    PostLimits,
    convert_fields,
    parse_header,
    slug_from_filename,
)
from .sourcefile import read_source_text


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
    problems: list[Problem] = field(default_factory=list)


def is_page_source(relative: PurePosixPath | str, page_paths: list[str]) -> bool:
    relative = str(relative)
    return any(relative.startswith(p.rstrip("/") + "/") for p in page_paths)


def parse_post_file(
    path: Path,
    content_root: Path,
    shown: str,
    page_paths: list[str],
    max_bytes: int,
    limits: PostLimits = DEFAULT_LIMITS,
    relative_path: str | None = None,
) -> ParsedPost:
    """Parse a Markdown source; problems are collected in ``.problems``, never raised.

    ``relative_path``: the path relative to ``content_root`` when the caller knows it already."""
    path = Path(path)
    relative = PurePosixPath(relative_path or path.absolute().relative_to(content_root).as_posix())
    parsed = ParsedPost(path, relative, shown, is_page_source(relative, page_paths))
    try:
        parsed.text = read_source_text(parsed.path, shown, max_bytes)
    except SourceError as exc:
        parsed.problems = exc.problems
        return parsed
    problems = ProblemList(rule="metadata")
    parsed.header = parse_header(parsed.text, shown, problems)
    parsed.fields = convert_fields(parsed.header, shown, parsed.is_page, problems, limits)
    parsed.slug = parsed.fields.values.get("slug") or slug_from_filename(parsed.path.stem, shown, problems)  # type: ignore[assignment]
    parsed.problems = problems.errors
    return parsed
