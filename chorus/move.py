"""``chorus mv OLD NEW``: move or rename a post without breaking a link to it.

One command does what a careful editor would do by hand, everywhere at once:

- the file moves (``content/li-wei/a.md`` -> ``content/li-wei/b.md``, or into a colleague's
  folder when the registry says its author is leaving: ``until:`` is set). A post that
  changes hands keeps its author as the first co-author and its department;
- every link to it in every post and page (``[[…]]``, ``{filename}``, relative paths,
  ``/posts/…`` URLs), every ``Related:`` naming it and every redirect going to it is
  rewritten; the post's own relative links are rewritten for its new folder;
- the old URL is recorded in ``redirects.yml`` (the build writes a redirect page there),
  and ``Feed-Id:`` pins the post's old feed entry id, so subscribers see no duplicate.

Nothing is written unless every file could be read; afterwards the rules run on the result.
"""

from __future__ import annotations

import codecs
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from plugins.network import ChorusError, Problem, ProblemList
from plugins.network.links import LinkError, LinkIndex, Resolved, site_index, url_key
from plugins.network.model import Page, Post, Reference, RefForm, Site
from plugins.network.postmeta import slug_from_filename
from plugins.network.redirects import HEADER as REDIRECTS_HEADER
from plugins.network.state import BuildState

_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


class MoveError(ChorusError):
    """The move was refused; nothing was written."""


def _refuse(message: str, path: str = "chorus mv") -> MoveError:
    return MoveError(Problem(path, None, message, rule="mv"))


@dataclass
class MoveReport:
    moved_from: str
    moved_to: str
    rewritten: dict[str, int] = field(default_factory=dict)  # file -> links rewritten in it
    redirect: str | None = None  # the line added to the redirects file
    feed_id: str | None = None  # the pinned Feed-Id:, when this move added it
    not_rewritten: list[str] = field(default_factory=list)  # path:line:col of links to fix by hand


@dataclass(frozen=True)
class _Move:
    post: Post
    owner: str
    stem: str
    slug: str
    old_url: str
    new_url: str

    @property
    def source(self) -> str:
        return f"{self.owner}/{self.stem}{PurePosixPath(self.post.source).suffix}"

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.slug}"


def move_post(state: BuildState, old: str, new: str) -> MoveReport:
    """Move the post ``old`` to ``new`` (see the module docstring); raise MoveError when refused."""
    site = state.site
    if site.unreadable:
        raise MoveError(
            [
                *site.unreadable,
                Problem("chorus mv", None, "fix these first: links in them could not be rewritten"),
            ]
        )
    index = site_index(site)
    post = _find_post(state, site, index, old)
    move = _plan(state, site, post, new)
    report = MoveReport(post.path, f"{state.content_path.name}/{move.source}")
    edits = _Edits(site.content)
    for source in (*site.posts, *site.pages):
        _rewrite_references(source, move, index, site, edits, report)
    for other in site.posts:
        if other.related:
            _rewrite_related(other, move, index, edits)
    _edit_moved_header(site, move, edits, report)
    redirects_text = _redirects_text(state, site, move, index, report)

    # Everything is known: write it.
    for changed, text in edits.results():
        if changed != post.source:
            _write_like(site.content / changed, text, site.content / changed)
    old_path, new_path = site.content / post.source, site.content / move.source
    new_path.parent.mkdir(parents=True, exist_ok=True)
    _write_like(new_path, edits.result(post.source), old_path)
    old_path.unlink()
    if redirects_text is not None:
        redirects_file = state.root / state.settings["CHORUS_REDIRECTS_FILE"]
        _write_like(redirects_file, redirects_text, redirects_file)
    content = site.content.name
    report.rewritten = {
        f"{content}/{move.source if source == post.source else source}": count
        for source, count in edits.links.items()
    }
    return report


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def _write_like(path: Path, text: str, original: Path) -> None:
    """Write ``text`` (read by ``_read``) as ``original`` was saved: with its byte order mark
    and its Windows line ends, if it had them, so a move changes only what it must."""
    try:
        saved = original.read_bytes()
    except FileNotFoundError:
        saved = b""
    if b"\r\n" in saved:
        text = text.replace("\n", "\r\n")
    path.write_bytes((codecs.BOM_UTF8 if saved.startswith(codecs.BOM_UTF8) else b"") + text.encode("utf-8"))


# --- what to move where ------------------------------------------------------------------------


def _find_post(state: BuildState, site: Site, index: LinkIndex, old: str) -> Post:
    """``old`` as a file (``content/li-wei/a.md``) or as a link target (``li-wei/a``)."""
    if old.endswith((".md", ".markdown")):
        relative = _in_content(state, old)
        if relative not in site.posts_by_source:
            raise _refuse(f"{old}: no such post")
        return site.posts_by_source[relative]
    try:
        return index.post(old.strip("/"))
    except LinkError as exc:
        raise _refuse(f"{old}: {exc}") from None


def _in_content(state: BuildState, given: str) -> str:
    """A file path as given (relative to the working folder, or else to the site root), relative
    to the content folder: of the two, the first whose file (or, for a file yet to be
    written, whose folder) exists (run from content/li-wei/, 'content/li-wei/a.md' is the
    site's, not content/li-wei/content/li-wei/a.md)."""
    path = Path(given)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, state.root / path]
    found = []
    for candidate in candidates:
        try:
            found.append((candidate, candidate.resolve().relative_to(state.content_path).as_posix()))
        except ValueError:
            continue
    if found:
        found.sort(key=lambda item: not (item[0].exists() or item[0].parent.is_dir()))  # stable
        return found[0][1]
    raise _refuse(f"{given}: not a file in {state.shown(state.content_path)}/")


def _plan(state: BuildState, site: Site, post: Post, new: str) -> _Move:
    """Where ``new`` puts the post, after every refusal the registry and the site call for."""
    target = new.strip()
    if target.endswith((".md", ".markdown")):
        target = str(PurePosixPath(_in_content(state, target)).with_suffix(""))
    elif target.startswith((".", "/")) or target.split("/", 1)[0] == state.content_path.name:
        # A folder given as a path (content/li-wei/, ../li-wei): the author it names.
        try:
            target = _in_content(state, target)
        except ChorusError:
            pass  # not in content/: judged as written below
    owner, _, stem = target.strip("/").partition("/")
    stem = stem or post.stem
    authors = site.network.authors
    if owner not in authors:
        raise _refuse(f"{new}: '{owner}' is not an author in the registry (expected author-id/file-name)")
    if "/" in stem or not _STEM.match(stem):
        raise _refuse(f"{new}: the file name must be letters, digits, '-' or '_', like 'field-repairs'")
    if post.owner not in authors:
        raise _refuse(f"content/{post.owner}/ is not an author's folder: run chorus check first", post.path)
    if owner != post.owner:
        leaving = authors[post.owner]
        if leaving.until is None:
            raise _refuse(
                f"{post.owner} is not leaving ({leaving.source} has no 'until:'): a post moves to a"
                " colleague's folder only when its author leaves; rename it within content/"
                f"{post.owner}/, or add the co-author with Co-Authors:",
                post.path,
            )
        if authors[owner].until is not None:
            raise _refuse(
                f"{owner} is leaving too ({authors[owner].source} has 'until:'): choose a colleague"
            )
    # A new file name is a new address, also when Slug: set the old one.
    slug = post.slug if stem == post.stem else (slug_from_filename(stem, post.path, ProblemList()) or stem)
    move = _Move(post, owner, stem, slug, site.urls.source(post).url, site.urls.post(owner, slug).url)
    if move.source == post.source:
        raise _refuse(f"{post.path} is already there: nothing to move")
    if (state.content_path / move.source).exists():
        raise _refuse(f"{state.content_path.name}/{move.source} already exists; chorus mv never overwrites")
    for other in (*site.posts, *site.pages):
        if (
            other is not post
            and other.status.written
            and url_key(site.urls.source(other).url) == url_key(move.new_url)
        ):
            raise _refuse(f"/{move.new_url} is already the address of {other.path}; choose another name")
    return move


# --- text edits ------------------------------------------------------------------------------


@dataclass
class _Edit:
    line: int  # 1-based
    start: int  # 0-based column of the text to replace
    old: str
    new: str


class _Edits:
    """The sources' lines, read once, and the replacements to make in them: applied from the
    right so columns stay true, then header fields set, dropped or added (adding a line moves
    every line below it)."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self._lines: dict[str, list[str]] = {}
        self.replacements: dict[str, list[_Edit]] = {}
        self.header: dict[str, list[tuple[str, str]]] = {}  # source -> (key, value or '' to drop)
        self.links: dict[str, int] = {}  # source -> links rewritten in it

    def lines(self, source: str) -> list[str]:
        if source not in self._lines:
            self._lines[source] = _read(self.content / source).split("\n")
        return self._lines[source]

    def replace(self, source: str, line: int, start: int, old: str, new: str) -> None:
        self.replacements.setdefault(source, []).append(_Edit(line, start, old, new))
        self.links[source] = self.links.get(source, 0) + 1

    def set_header(self, source: str, key: str, value: str) -> None:
        self.header.setdefault(source, []).append((key, value))

    def results(self) -> list[tuple[str, str]]:
        """(source, new text) of every source that changes."""
        return [(s, self.result(s)) for s in sorted({*self.replacements, *self.header})]

    def result(self, source: str) -> str:
        lines = list(self.lines(source))
        for edit in sorted(self.replacements.get(source, []), key=lambda e: (e.line, e.start), reverse=True):
            line = lines[edit.line - 1]
            assert line[edit.start : edit.start + len(edit.old)] == edit.old
            lines[edit.line - 1] = line[: edit.start] + edit.new + line[edit.start + len(edit.old) :]
        end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
        for key, value in self.header.get(source, []):
            at = next((i for i in range(end) if _key(lines[i]) == key.lower()), None)
            if at is not None and value:
                lines[at] = f"{lines[at].split(':', 1)[0]}: {value}"
            elif at is not None:
                del lines[at]
                end -= 1
            elif value:
                lines.insert(end, f"{key}: {value}")
                end += 1
        return "\n".join(lines)


def _key(line: str) -> str:
    """The header key of a line as the header parser reads it (``Feed_Id`` is ``feed-id``)."""
    return line.split(":", 1)[0].strip().lower().replace("_", "-") if ":" in line else ""


def _locate(text: str, ref: Reference, written: str) -> int | None:
    """Where ``written`` (a reference's target) stands on its line: at or after the
    reference's column, as the scanner found it; None when it is not there as written."""
    found = text.find(written, max(ref.col - 1, 0))
    return found if found >= 0 else (text.find(written) if text.count(written) == 1 else None)


def _rewrite_references(
    source: Page, move: _Move, index: LinkIndex, site: Site, edits: _Edits, report: MoveReport
) -> None:
    moving = source is move.post
    for ref in source.references:
        if ref.form is RefForm.EXTERNAL:
            continue
        try:
            resolved = index.resolve(ref, source.source)
        except LinkError:
            continue  # already broken: the check names it
        written = _new_target(ref, resolved, source, move, site, moving)
        if written is None or written == ref.target:
            continue
        lines = edits.lines(source.source)
        start = _locate(lines[ref.line - 1], ref, ref.target) if ref.line <= len(lines) else None
        if start is None:
            report.not_rewritten.append(f"{source.path}:{ref.line}:{ref.col}")
            continue
        edits.replace(source.source, ref.line, start, ref.target, written)


def _new_target(
    ref: Reference, resolved: Resolved, source: Page, move: _Move, site: Site, moving: bool
) -> str | None:
    """The reference rewritten for the move, or None when the move does not touch it."""
    path, hashmark, fragment = ref.target.partition("#")
    suffix = f"#{fragment}" if hashmark else ""
    to_moved = (resolved.post is not None and resolved.post.source == move.post.source) or (
        resolved.url is not None and url_key(resolved.url) == url_key(move.old_url)
    )
    here = move.source if moving else source.source
    if ref.form is RefForm.SHORT:
        return move.key + suffix if to_moved and resolved.post is not None else None
    if resolved.file is not None and (to_moved or (moving and not path.startswith("/"))):
        file = move.source if resolved.file == move.post.source else resolved.file
        if path.startswith("/"):
            return "/" + file + suffix
        return posixpath.relpath(file, posixpath.dirname(here) or ".") + suffix
    if resolved.url is not None and (to_moved or (moving and ref.form is RefForm.RELATIVE)):
        url = move.new_url if to_moved else resolved.url
        if ref.form is RefForm.ROOT:
            return "/" + url.lstrip("/") + suffix
        own = move.new_url if moving else site.urls.source(source).url
        relative = posixpath.relpath(url.rstrip("/") or ".", posixpath.dirname(own.rstrip("/") + "/"))
        return relative + ("/" if url.endswith("/") else "") + suffix
    return None


def _rewrite_related(post: Post, move: _Move, index: LinkIndex, edits: _Edits) -> None:
    """``Related:`` names posts as link targets; one naming the moved post names it anew."""
    line = post.header["related"].line
    text = edits.lines(post.source)[line - 1]
    for entry in post.related:
        bare = entry[2:-2].strip() if entry.startswith("[[") and entry.endswith("]]") else entry
        try:
            named = index.post(bare)
        except LinkError:
            continue
        if named.source != move.post.source:
            continue
        match = re.search(rf"(?<![\w/@-]){re.escape(bare)}(?![\w/-])", text)
        if match:
            edits.replace(post.source, line, match.start(), bare, move.key)


def _edit_moved_header(site: Site, move: _Move, edits: _Edits, report: MoveReport) -> None:
    """Pin the feed entry id; follow a new file name in Slug:; keep the byline and the
    department when the post changes hands."""
    post = move.post
    source = post.source
    if post.status.written and post.feed_id is None:
        report.feed_id = f"{post.owner}/{post.stem}"  # the id feeds have known it by
        edits.set_header(source, "Feed-Id", report.feed_id)
    if "slug" in post.header and move.slug != post.slug:
        edits.set_header(source, "Slug", move.slug)
    if move.owner == post.owner:
        return
    coauthors = [post.owner, *(a for a in post.coauthors if a not in (post.owner, move.owner))]
    edits.set_header(source, "Co-Authors", ", ".join(coauthors))
    if "author" in post.header:
        edits.set_header(source, "Author", "")
    authors = site.network.authors
    if "department" not in post.header and authors[move.owner].department != post.department:
        edits.set_header(source, "Department", post.department)


def _redirects_text(
    state: BuildState, site: Site, move: _Move, index: LinkIndex, report: MoveReport
) -> str | None:
    """The redirects file after the move: the old URL added (when it was ever written), entries
    going to the post retargeted, and an entry for the new URL dropped (it is a page again)."""
    path = state.root / state.settings["CHORUS_REDIRECTS_FILE"]
    text = _read(path) if path.is_file() else REDIRECTS_HEADER
    lines = text.rstrip("\n").split("\n")
    drop: set[int] = set()
    for redirect in site.redirects:
        if url_key(redirect.url) == url_key(move.new_url):
            drop.add(redirect.line)
            continue
        name = redirect.target.partition("#")[0]
        if not _goes_to(name, move, index):
            continue
        line = lines[redirect.line - 1]
        value_at = line.find(name, line.find(":", len(redirect.url)) + 1)
        if value_at > 0:
            lines[redirect.line - 1] = line[:value_at] + move.key + line[value_at + len(name) :]
    lines = [line for number, line in enumerate(lines, start=1) if number not in drop]
    if move.post.status.written and url_key(move.old_url) != url_key(move.new_url):
        for redirect in site.redirects:  # one waiting for the post to expire, to a successor
            if url_key(redirect.url) == url_key(move.old_url):
                raise _refuse(
                    f"already sends /{move.old_url} to {redirect.target} once {move.post.path} has"
                    " expired; remove that line first, or move the post once it has",
                    f"{redirect.path}:{redirect.line}",
                )
        report.redirect = f"{move.old_url}: {move.key}"
        lines.append(report.redirect)
    result = "\n".join(lines) + "\n"
    return result if result != text else None


def _goes_to(target: str, move: _Move, index: LinkIndex) -> bool:
    """Whether a redirect's target (without its #fragment) names the moved post."""
    if target.startswith("/"):
        return url_key(target) == url_key(move.old_url)
    if target.startswith("@"):
        return False
    try:
        return index.post(target).source == move.post.source
    except LinkError:
        return False


__all__ = ["MoveError", "MoveReport", "move_post"]
