"""``chorus import``: bring the blog a company already has into its network.

Every importer writes the same things the same way (this module): author registry
entries through the scaffold's writer, one Markdown post per item in its author's folder
with a Chorus header, attachments beside the post. Nothing is ever overwritten: an item
whose file exists is skipped and reported. The report says what was created, what was
skipped and why, which attachments stay remote (never fetched), and what needs a human:
the rules of ``chorus check`` run on the network after the import, and every problem in
an imported file is listed for review.

Imported text is only converted here; at build time it goes through the normal Markdown
pipeline and the sanitiser like any post.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chorus.build import load_settings
from plugins.network import ChorusError, Problem
from plugins.network.errors import ERROR, WARNING, SourceError
from plugins.network.images import check_image
from plugins.network.model import Network, Site
from plugins.network.rules import run_rules
from plugins.network.state import BuildState
from plugins.network.urls import file_stem_of, slug_of

# The order header fields are written in (docs/formats.md).
HEADER_ORDER = (
    "Title", "Date", "Modified", "Expires", "Status", "Tags", "Summary", "Featured", "Slug",
    "Imported-From", "Feed-Id",
)  # fmt: skip
MAX_STEM = 80
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}


class ImportRefused(ChorusError):
    """The import was asked for something it must refuse (nothing was written)."""


def refuse(message: str, path: str = "chorus import") -> ImportRefused:
    return ImportRefused(Problem(path, None, message, rule="import"))


@dataclass
class ImportReport:
    """What an import did, as the person running it reads it."""

    authors: list[str] = field(default_factory=list)  # registry entries created
    authors_kept: list[str] = field(default_factory=list)  # already in the registry
    posts: list[str] = field(default_factory=list)  # published or scheduled
    drafts: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # copied from a local folder
    remote: list[tuple[str, str]] = field(default_factory=list)  # (file, URL): left as links, never fetched
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (item, reason)
    review: list[str] = field(default_factory=list)  # what needs a human
    redirects: list[str] = field(default_factory=list)  # entries added to the redirects file

    @property
    def created(self) -> list[str]:
        return [*self.authors, *self.posts, *self.drafts, *self.pages, *self.attachments]

    def lines(self) -> list[str]:
        out = [
            f"imported {len(self.posts)} post(s), {len(self.drafts)} draft(s), {len(self.pages)} page(s);"
            f" created {len(self.authors)} author(s), kept {len(self.authors_kept)};"
            f" copied {len(self.attachments)} attachment(s); skipped {len(self.skipped)} item(s)"
        ]
        out += [f"  created {path}" for path in self.created]
        out += [f"  kept {path} (already in the registry)" for path in self.authors_kept]
        out += [f"  skipped {item}: {reason}" for item, reason in self.skipped]
        if self.redirects:
            out.append(f"old URLs recorded in the redirects file ({len(self.redirects)}):")
            out += [f"  {entry}" for entry in self.redirects]
        if self.remote:
            out.append(f"remote attachments, left as links and never fetched ({len(self.remote)}):")
            out += [f"  {path}: {url}" for path, url in self.remote]
        if self.review:
            out.append(f"to review ({len(self.review)}):")
            out += [f"  {line}" for line in self.review]
        else:
            out.append("nothing to review: `chorus check` reports no error or warning on what was imported")
        return out


class Importer:
    """Shared state of one import into the network at ``root``."""

    def __init__(self, root: Path, settings_file: Path | None = None):
        self.root = root.resolve()
        self.settings_file = settings_file  # the review after writing reads the same settings
        try:
            settings = load_settings(self.root, settings_file, {})
            self.state = BuildState(settings)
            self.network: Network = self.state.network
            existing = self.state.site
        except ChorusError as exc:
            raise ImportRefused(
                [
                    *exc.problems,
                    Problem("chorus import", None, "fix these first: the import needs a readable network"),
                ]
            ) from None
        self.settings = settings
        self.content = self.state.content_path
        self.report = ImportReport()
        self._spelling: dict[str, str] = {}
        for post in sorted(existing.posts, key=lambda p: p.source):
            for tag in post.tags:
                self._spelling.setdefault(slug_of(tag, settings, "TAG"), tag)
        self._taken: set[Path] = set()
        self._written: list[Path] = []

    # --- names -----------------------------------------------------------------------------

    def shown(self, path: Path) -> str:
        return self.state.shown(path)

    def stem(self, *candidates: str) -> str:
        """A file stem (and so a slug) from the first candidate that has letters or digits."""
        for candidate in candidates:
            slug = file_stem_of(candidate or "", self.settings)[:MAX_STEM].strip("-")
            if slug:
                return slug
        return ""

    def free_post_path(self, folder: Path, stem: str) -> Path | None:
        """``folder/stem.md``, or ``stem-2.md``… when an earlier item of this import took it;
        None when the file exists already (an earlier import, or the author's own post)."""
        path = folder / f"{stem}.md"
        if path.exists() and path not in self._taken:
            return None
        number = 2
        while path in self._taken or path.exists():
            path = folder / f"{stem[: MAX_STEM - 4]}-{number}.md"
            number += 1
        self._taken.add(path)
        return path

    def tag_names(self, names: Iterable[str]) -> list[str]:
        """Tags spelled as the network (or this import) first spelled each topic, one per topic."""
        result: dict[str, str] = {}
        for name in names:
            name = " ".join(name.replace(",", " ").split())
            slug = slug_of(name, self.settings, "TAG")
            if slug and slug not in result:
                result[slug] = self._spelling.setdefault(slug, name)
        return list(result.values())

    # --- writing ---------------------------------------------------------------------------

    def written(self, path: Path) -> None:
        """Record a file this import created (its problems are listed for review)."""
        self._written.append(path)

    def write_post(self, path: Path, header: dict[str, str], body: str) -> None:
        if unknown := set(header) - set(HEADER_ORDER):  # a bug: it would be dropped without a word
            raise ValueError(f"header fields without a place in HEADER_ORDER: {sorted(unknown)}")
        lines = []
        for key in HEADER_ORDER:
            value = " ".join(str(header.get(key) or "").split())
            if value:
                lines.append(f"{key}: {value}")
        text = "\n".join(lines) + "\n\n" + body.strip() + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # never overwrite, even in a race
            handle.write(text)
        self._written.append(path)

    def copy_attachment(self, source: Path, folder: Path, keep_name: bool = False) -> str | None:
        """Copy a local file beside a post; return its name there, or None (reported) when
        it may not be published (type, size, an image that does not decode). Its name is
        made a slug unless ``keep_name`` (the post refers to it by that name)."""
        extension = source.suffix.lower().lstrip(".")
        allowed = {e.lower() for e in self.settings["CHORUS_STATIC_EXTENSIONS"]}
        if extension not in allowed:
            self.report.skipped.append((str(source), f"file type '.{extension}' is not allowed in content/"))
            return None
        if extension in IMAGE_EXTENSIONS:
            try:
                check_image(
                    source,
                    str(source),
                    self.settings["CHORUS_MAX_IMAGE_BYTES"],
                    self.settings["CHORUS_MAX_IMAGE_PIXELS"],
                )
            except SourceError as exc:
                self.report.skipped.append((str(source), "; ".join(p.message for p in exc.problems)))
                return None
        stem = source.stem if keep_name else self.stem(source.stem) or "attachment"
        target = folder / (source.name if keep_name else f"{stem}.{extension}")
        number = 2
        while target.exists() and not filecmp.cmp(source, target, shallow=False):
            target = folder / f"{stem}-{number}.{extension}"
            number += 1
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self._written.append(target)
            self.report.attachments.append(self.shown(target))
        return target.name

    # --- after writing ---------------------------------------------------------------------

    def review(self, extra: Iterable[str] = ()) -> None:
        """List every error and warning `chorus check` finds in what this import wrote
        (a missing Summary: too), then ``extra``."""
        written = {self.shown(path) for path in self._written}
        state = BuildState(load_settings(self.root, self.settings_file, {}))
        try:
            state.network  # noqa: B018 - read the registries now, to report them here
        except SourceError as exc:
            problems: list[Problem] = list(exc.problems)
        else:
            site: Site = state.site
            problems = [p for p in run_rules(site) if p.level in (ERROR, WARNING)]
        self.report.review += [str(p) for p in problems if p.path in written]
        self.report.review += list(extra)


def iso(stamp: dt.datetime | dt.date) -> str:
    """A header date: ``2019-03-04 10:00:00+01:00``, or ``2019-03-04 10:00:00`` in the site's zone."""
    if isinstance(stamp, dt.datetime):
        return stamp.isoformat(sep=" ")
    return stamp.isoformat()


__all__ = ["ImportReport", "Importer", "ImportRefused", "iso", "refuse"]
