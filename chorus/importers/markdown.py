"""``chorus import markdown DIR --author ID``: a folder of Jekyll, Hugo or Pelican posts
becomes posts in that author's folder.

Front matter is read as it comes: YAML between ``---`` lines (Jekyll, Hugo), TOML between
``+++`` lines (Hugo) or Pelican's ``Key: value`` header. Title, date, modified date
(``lastmod``, ``last_modified_at``, ``modified``, ``updated``), Hugo's ``expiryDate`` (as
``Expires:``), tags and categories (as tags), summary (``summary``, ``description``,
``excerpt``), slug and draft state
(``draft: true``, ``published: false``, ``Status: draft``, Jekyll's ``_drafts/``) are
kept; other keys (layouts, permalinks, comments settings) mean nothing to Chorus and are
dropped. Jekyll's dated file names give the date and slug; a Hugo page bundle
(``post/index.md``) takes its folder's name, and its images are copied beside the post.
The body is Markdown already and is kept as written.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from chorus.importers import Importer, ImportReport, iso, refuse
from plugins.network.errors import ProblemList
from plugins.network.load import suggest
from plugins.network.postmeta import parse_date, parse_header

MARKDOWN_SUFFIXES = (".md", ".markdown")
_JEKYLL_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_PELICAN_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*\s*:")
_TRUE = (True, "true", "yes", "1")
# What another generator's templates render and Markdown shows as text: Hugo's shortcodes
# ({{< ref "x.md" >}}, {{% note %}}) and Liquid's tags and output ({% highlight %}, {{ site.url }}).
_TEMPLATE_CODE = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}")
MODIFIED_KEYS = ("modified", "lastmod", "last_modified_at", "updated")
SUMMARY_KEYS = ("summary", "description", "excerpt")


class Unreadable(Exception):
    """A file that cannot be imported; the message says why."""


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(metadata with lower-case keys, body) of a post in any of the three formats."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    for fence, parse in (("---", _yaml), ("+++", _toml)):
        if text.startswith(fence + "\n"):
            end = re.search(rf"^(?:{re.escape(fence)}|\.\.\.)[ \t]*$", text[len(fence) + 1 :], re.MULTILINE)
            if end is None:
                raise Unreadable(f"front matter opened with '{fence}' is never closed")
            raw = text[len(fence) + 1 : len(fence) + 1 + end.start()]
            body = text[len(fence) + 1 + end.end() :]
            return {str(k).lower(): v for k, v in parse(raw).items()}, body.lstrip("\n")
    if _PELICAN_LINE.match(text):
        header = parse_header(text, "", ProblemList())
        return {key: value for key, (value, _) in header.fields.items()}, header.body
    return {}, text


def _yaml(raw: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise Unreadable(f"front matter is not valid YAML: {exc}") from None
    except (ValueError, OverflowError) as exc:  # a value its type refuses: 'date: 2019-02-30'
        raise Unreadable(f"front matter has a value YAML cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise Unreadable("front matter is not a mapping of keys to values")
    return data


def _toml(raw: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise Unreadable(f"front matter is not valid TOML: {exc}") from None


def as_date(value: Any) -> dt.datetime | dt.date | None:
    """A date from front matter: YAML and TOML give objects, text comes in many styles."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if stamp := parse_date(text):
        return stamp
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%z"):  # Jekyll's, ISO's
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).replace(microsecond=0)
    except ValueError:
        return None


def _texts(value: Any, split_spaces: bool) -> list[str]:
    """Tags as Jekyll, Hugo and Pelican write them: a list, 'a, b', or Jekyll's 'a b'."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    if isinstance(value, str):
        if "," in value or not split_spaces:
            return [v.strip() for v in value.split(",") if v.strip()]
        return value.split()
    return []


class MarkdownImport(Importer):
    def __init__(self, root: Path, source: Path, author: str, *, settings_file: Path | None = None):
        super().__init__(root, settings_file)
        if author not in self.network.authors:
            raise refuse(f"--author: unknown author '{author}'" + suggest(author, self.network.authors))
        if not source.is_dir():
            raise refuse(f"{source} is not a folder of posts")
        resolved = source.resolve()
        if resolved.is_relative_to(self.content) or self.content.is_relative_to(resolved):
            # '.' from the site's folder holds content/: the network would import itself.
            raise refuse(
                f"{source} is or holds the network's content/: import from a folder outside the network"
            )
        self.source = source
        self.author = author
        self.folder = self.content / author

    def run(self) -> ImportReport:
        files = sorted(
            path
            for path in self.source.rglob("*")
            if path.suffix.lower() in MARKDOWN_SUFFIXES
            and path.is_file()
            and not path.is_symlink()
            and not any(part.startswith(".") for part in path.relative_to(self.source).parts)
        )
        if not files:
            raise refuse(f"{self.source}: no Markdown files (.md, .markdown) to import")
        for path in files:
            try:
                self._import(path)
            except Unreadable as exc:
                self.report.skipped.append((str(path), str(exc)))
        self.review()
        return self.report

    def _import(self, path: Path) -> None:
        if path.name.startswith("_index."):
            raise Unreadable("a Hugo section page, not a post")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise Unreadable("not UTF-8 text") from None
        meta, body = front_matter(text)
        bundle = path.stem == "index"
        name = path.parent.name if bundle else path.stem
        dated = _JEKYLL_NAME.match(name)
        title = str(meta.get("title") or "").strip()
        if not title:
            lines = body.lstrip("\n").split("\n", 1)
            if heading := _HEADING.match(lines[0]):
                title, body = heading.group(1), lines[1] if len(lines) > 1 else ""
        if not title:
            raise Unreadable("no title (front matter 'title', or a '# Heading' first line)")
        status = str(meta.get("status") or "").lower()
        draft = (
            meta.get("draft") in _TRUE
            or meta.get("published") in (False, "false", "no")
            or status == "draft"
            or "_drafts" in path.relative_to(self.source).parts
        )
        date = as_date(meta.get("date")) or (as_date(dated.group(1)) if dated else None)
        if date is None and draft and not meta.get("date"):
            date = dt.datetime.now(dt.UTC).date()  # Jekyll's drafts have no date until published
        if date is None:
            found = f" ({meta['date']!r} is not one)" if meta.get("date") else ""
            raise Unreadable(f"no date{found}: front matter 'date', or a file name like 2019-03-04-title.md")
        header: dict[str, str] = {"Title": title, "Date": iso(date)}
        zone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        for key in MODIFIED_KEYS:
            modified = as_date(meta.get(key))
            if modified is not None and _order(modified, zone) > _order(date, zone):
                header["Modified"] = iso(modified)
                break
        expires = as_date(meta.get("expirydate") or meta.get("unpublishdate"))  # Hugo's, and its alias
        if expires is not None and _order(expires, zone) > _order(date, zone):
            header["Expires"] = iso(expires)
        elif expires is not None:
            self.report.review.append(
                f"{path}: its expiryDate ({iso(expires)}) is not after its date, so Hugo never showed it;"
                " imported without it"
            )
        if draft:
            header["Status"] = "draft"
        elif status == "hidden":
            header["Status"] = "hidden"
        split_spaces = not isinstance(meta.get("tags"), list) and text.startswith("---")  # Jekyll
        tags = [*_texts(meta.get("tags"), split_spaces), *_texts(meta.get("keywords"), False)]
        tags += [*_texts(meta.get("categories"), split_spaces), *_texts(meta.get("category"), False)]
        header["Tags"] = ", ".join(self.tag_names(tags))
        for key in SUMMARY_KEYS:
            if isinstance(meta.get(key), str) and meta[key].strip():
                header["Summary"] = meta[key]
                break
        stem = self.stem(str(meta.get("slug") or ""), dated.group(2) if dated else name, title)
        target = self.free_post_path(self.folder, stem or "post")
        if target is None:
            raise Unreadable(
                f"{self.shown(self.folder / (stem + '.md'))} exists already; chorus import never overwrites"
            )
        if bundle:
            for sibling in sorted(path.parent.iterdir()):
                if (
                    sibling.is_file()
                    and not sibling.is_symlink()
                    and sibling.suffix.lower() not in MARKDOWN_SUFFIXES
                ):
                    self.copy_attachment(sibling, self.folder, keep_name=True)
        self.write_post(target, header, body)
        (self.report.drafts if header.get("Status") == "draft" else self.report.posts).append(
            self.shown(target)
        )
        if leftovers := list(dict.fromkeys(m.group(0) for m in _TEMPLATE_CODE.finditer(body))):
            shown = ", ".join(leftovers[:3]) + (
                f" and {len(leftovers) - 3} more" if len(leftovers) > 3 else ""
            )
            self.report.review.append(
                f"{self.shown(target)}: template code of the old generator, shown as text: {shown}"
                " (rewrite it in Markdown: a [[short link]] for a ref, a fenced block for highlighted code)"
            )


def _order(stamp: dt.datetime | dt.date, zone: dt.tzinfo) -> dt.datetime:
    """Comparable instants, as the network will read them: one without an offset (or a
    date, at its midnight) is on the clock of the site's TIMEZONE."""
    if not isinstance(stamp, dt.datetime):
        stamp = dt.datetime.combine(stamp, dt.time())
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=zone)


def import_markdown(
    root: Path, source: Path, author: str, *, settings_file: Path | None = None
) -> ImportReport:
    return MarkdownImport(root, source, author, settings_file=settings_file).run()


__all__ = ["as_date", "front_matter", "import_markdown"]
