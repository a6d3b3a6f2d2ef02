"""The post header: ``Key: value`` lines at the top of a Markdown file, ended by a blank line.

This is Pelican's own header convention, parsed strictly here so that every field keeps
its line number, duplicate keys fail instead of silently winning, and unknown keys are
reported with the closest known one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import Problem, ProblemList
from .load import ID_PATTERN, suggest, suggest_id

if TYPE_CHECKING:
    from .model import Network


def in_site_zone(value: object, zone: dt.tzinfo) -> dt.datetime | None:
    """A header date as the network shows and files it: on the clock of the site's TIMEZONE.
    One written without a zone is in TIMEZONE, as Pelican reads it; one written with an
    offset (importers keep the original's) is the same instant on the site's clock. Left
    at their own offsets, two posts of one year could fall in different years' archives
    (Pelican groups its period archives by each date's own year, and then writes one
    year twice), and a day shown on a post could disagree with the archive it is in."""
    if not isinstance(value, dt.datetime):
        return None
    return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)


_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:\s?(.*)$")
MAX_SLUG_LENGTH = 80  # a slug, and the file name a post's slug comes from (without '.md')
SLUG_PATTERN = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{MAX_SLUG_LENGTH - 1}}}$")
_FILE_STEM = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_SLUG_LENGTH - 1}}}$")
# A language tag as hreflang and <html lang> take it: 'de', 'pt-BR' (BCP 47, simplified).
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# 'slug.de.md' beside 'slug.md': a translation, its language in the file name.
_TRANSLATION_STEM = re.compile(r"^(?P<base>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?)(Z|[+-]\d{2}:?\d{2})?)?$")
STATUSES = ("published", "draft", "hidden")
_TRUE = ("yes", "true")
_FALSE = ("no", "false")
_ON = ("on", "yes")
_OFF = ("off", "no")

POST_FIELDS = (
    "title", "date", "modified", "tags", "summary", "department", "author", "co-authors",
    "status", "canonical", "series", "featured", "slug", "related", "feed-id", "policy-allow",
    "comments", "imported-from", "cover", "cover-alt", "lang", "translation", "expires",
)  # fmt: skip
PAGE_FIELDS = ("title", "summary", "slug", "status", "date", "modified", "imported-from")
# What `chorus new post` writes in 'Summary:'; the summary rule warns while it is still there.
SUMMARY_PLACEHOLDER = "One or two sentences for listings, feeds and search results."


@dataclass
class Header:
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1


def parse_header(text: str, path: str, problems: ProblemList) -> Header:
    """Split the header from the body. Problems are collected, not raised."""
    lines = text.split("\n")
    header = Header()
    if not lines or not _HEADER_LINE.match(lines[0]):
        problems.add(path, 1, "expected a metadata header starting on line 1, like 'Title: My first post'")
        return header
    current: str | None = None
    index = 0
    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip():
            break
        if line[0] in " \t" and current:
            value, first = header.fields[current]
            header.fields[current] = ((value + " " + line.strip()).strip(), first)
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            problems.add(
                path,
                number,
                f"expected 'Key: value' in the header, found {line.strip()!r} (end the header with a blank line)",
            )
            current = None
            continue
        key = match.group(1).lower().replace("_", "-")
        if key in header.fields:
            problems.add(
                path, number, f"'{match.group(1)}' is given twice (first on line {header.fields[key][1]})"
            )
            current = None
            continue
        header.fields[key] = (match.group(2).strip(), number)
        current = key
    else:
        index = len(lines)
    header.body = "\n".join(lines[index + 1 :])
    header.body_line = index + 2
    return header


def parse_date(value: str) -> dt.datetime | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    day, time, zone = match.groups()
    try:
        stamp = dt.datetime.fromisoformat(f"{day}T{time or '00:00'}")
        if zone:
            zone = "+00:00" if zone == "Z" else zone
            if ":" not in zone:
                zone = zone[:3] + ":" + zone[3:]
            stamp = dt.datetime.fromisoformat(f"{day}T{time or '00:00'}{zone}")
    except ValueError:
        return None
    return stamp


def _no_such_moment(value: str) -> str:
    """Why a date written in the right shape names no moment (' (February 2025 has 28
    days)'), or '' when its shape is wrong: then the example says it all."""
    match = _DATE.match(value.strip())
    if not match:
        return ""
    year, month, day = (int(part) for part in match.group(1).split("-"))
    if year < 1:
        return " (there is no year 0)"
    if not 1 <= month <= 12:
        return f" (there is no month {month})"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f" ({calendar.month_name[month]} {year} has {calendar.monthrange(year, month)[1]} days)"
    return " (the time or its offset is no time of the day)"


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class PostLimits:
    """Bounds on header values (settings CHORUS_MAX_TAGS and CHORUS_MAX_TAG_LENGTH)."""

    tags: int = 20
    tag_length: int = 60


DEFAULT_LIMITS = PostLimits()


def _tag_problem(tags: list[str], limits: PostLimits) -> str | None:
    if len(tags) > limits.tags:
        return f"{len(tags):,} tags; the limit is {limits.tags} (CHORUS_MAX_TAGS): keep the few that say what the post is about"
    for tag in tags:
        if len(tag) > limits.tag_length:
            return f"tag '{tag[:20]}…' is {len(tag):,} characters long; the limit is {limits.tag_length} (CHORUS_MAX_TAG_LENGTH)"
    return None


def registry_hint(written: str, key: str, network: Network | None) -> str:
    """' (did you mean …?)' for the id of the department ('department') or author
    ('author', 'co-authors') that ``written`` names; '' without a registry."""
    if network is None:
        return ""
    entries = network.departments if key == "department" else network.authors
    return suggest_id(written, {ident: entry.name for ident, entry in entries.items()})


@dataclass
class PostFields:
    """Typed header values, each with the line it was written on (in ``lines``)."""

    values: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def convert_fields(
    header: Header,
    path: str,
    is_page: bool,
    problems: ProblemList,
    limits: PostLimits = DEFAULT_LIMITS,
    zone: dt.tzinfo = dt.UTC,
    network: Network | None = None,
) -> PostFields:
    """Check every header field against the schema; collect problems, return what is valid.
    ``zone``: the site's TIMEZONE, the zone of a date written without an offset;
    ``network``: the registry, when known, to say which id a name written instead meant."""
    allowed = PAGE_FIELDS if is_page else POST_FIELDS
    result = PostFields()
    for key, (raw, line) in header.fields.items():
        result.lines[key] = line
        if key not in allowed:
            problems.add(path, line, f"unknown metadata '{key}'" + suggest(key, allowed))
            continue

        def bad(expected: str, found: str = raw, line: int = line, key: str = key, hint: str = "") -> None:
            problems.add(path, line, f"'{key}' must be {expected}, found {found!r}{hint}")

        if key in ("date", "modified", "expires"):
            stamp = parse_date(raw)
            if stamp is None:
                bad("a date like 2025-03-14 or 2025-03-14 09:30" + _no_such_moment(raw))
            else:
                result.values[key] = stamp
        elif key in ("tags", "co-authors", "related"):
            items = split_list(raw)
            if key == "tags" and (message := _tag_problem(items, limits)):
                problems.add(path, line, message)
            else:
                result.values[key] = items
        elif key == "status":
            if raw.lower() not in STATUSES:
                bad("one of " + ", ".join(STATUSES))
            else:
                result.values[key] = raw.lower()
        elif key == "featured":
            if raw.lower() not in _TRUE + _FALSE:
                bad("yes or no")
            else:
                result.values[key] = raw.lower() in _TRUE
        elif key == "translation":
            if raw.lower() not in _TRUE + _FALSE:
                bad("yes or no (a translation of the post with the same slug)")
            else:
                result.values[key] = raw.lower() in _TRUE
        elif key == "lang":
            if not LANG_PATTERN.match(raw):
                bad("a language code like 'de', 'fr' or 'pt-BR'")
            else:
                result.values[key] = raw
        elif key == "comments":
            if raw.lower() not in _ON + _OFF:
                bad("on or off (yes or no)")
            else:
                result.values[key] = raw.lower() in _ON
        elif key == "slug":
            if not SLUG_PATTERN.match(raw):
                bad("lower-case letters, digits and hyphens, like 'field-repairs'")
            else:
                result.values[key] = raw
        elif key in ("department", "author"):
            if not ID_PATTERN.match(raw):
                bad("an id like 'service' or 'li-wei'", hint=registry_hint(raw, key, network))
            else:
                result.values[key] = raw
        elif key == "cover":
            if not raw:
                bad("an image next to the post, like 'images/cover.jpg'")
            elif re.match(r"^([A-Za-z][A-Za-z0-9+.-]*:|/|//)", raw):
                bad(
                    "an image in content/, written relative to the post like 'images/cover.jpg' or as {static}/author-id/cover.jpg"
                )
            else:
                result.values[key] = raw
        elif key in ("canonical", "imported-from"):
            if not re.match(r"^https?://[^\s<>\"']+$", raw):
                bad("an http(s) URL")
            else:
                result.values[key] = raw
        elif not raw:
            bad("non-empty text")
        else:
            result.values[key] = raw
    required = ("title",) if is_page else ("title", "date")
    for key in required if header.fields else ():  # no header at all is reported once, above
        if key not in header.fields:
            problems.add(path, 1, f"missing required metadata '{key.capitalize()}:'")
    if "cover-alt" in header.fields and "cover" not in header.fields:
        problems.add(
            path, result.lines["cover-alt"], "'Cover-Alt' describes a cover image, but there is no 'Cover:'"
        )
    # Compared as instants: a date written with an offset and one without are on two clocks.
    date, modified, expires = (
        in_site_zone(result.values.get(key), zone) for key in ("date", "modified", "expires")
    )
    if date is not None and modified is not None and modified < date:
        problems.add(path, result.lines["modified"], "'modified' is earlier than 'date'")
    if date is not None and expires is not None and expires <= date:
        problems.add(
            path,
            result.lines["expires"],
            "'expires' must be later than 'date': it ends the post's publication",
        )
    return result


def translation_from_filename(stem: str) -> tuple[str, str] | None:
    """('field-repairs', 'de') for the stem 'field-repairs.de' (of 'field-repairs.de.md'), else None."""
    found = _TRANSLATION_STEM.match(stem)
    return (found["base"], found["lang"]) if found else None


def slug_from_filename(stem: str, path: str, problems: ProblemList) -> str | None:
    if not _FILE_STEM.match(stem):
        problems.add(
            path, None, "file name must be letters, digits, '-' or '_' before '.md', like 'field-repairs.md'"
        )
        return None
    return stem.lower().replace("_", "-")


__all__ = [
    "Header",
    "PostFields",
    "PostLimits",
    "Problem",
    "parse_header",
    "convert_fields",
    "registry_hint",
    "slug_from_filename",
    "translation_from_filename",
]
