"""Links between posts: the forms authors write, and resolving them against the network.

Pure logic on plain data, so the build (``plugins.crosslinks``) and ``chorus check`` apply
the same rules with the same messages. The forms:

- ``{filename}path.md`` (Pelican's): relative to the linking file's folder, or from the
  content root with a leading ``/``;
- ``[[author-id/slug]]``, or ``[[slug]]`` when exactly one post in the network has that
  slug; ``[[target|link text]]`` sets the text (default: the target's title);
- ``[[@author-id]]``: the author's profile.

A post target may carry a fragment (``[[li-wei/field-repairs#h-tools]]``). Short links
name a post by its slug or its file name, so they survive a new title or date.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

PUBLISHED, HIDDEN, DRAFT, FUTURE = "published", "hidden", "draft", "future"
WRITTEN = (PUBLISHED, HIDDEN)  # statuses whose page exists, so links from it must work

SHORT, FILENAME = "short", "filename"

# The whole ``[[…]]`` token; the Markdown extension and the source scanner share it, so
# whatever renders as a short link is also what gets checked.
SHORT_LINK_PATTERN = r"\[\[([^\[\]\n]+)\]\]"
_SHORT_LINK = re.compile(SHORT_LINK_PATTERN)
_FILENAME_LINK = re.compile(r"(?:\{filename\}|\|filename\|)([^\s)\"'>\]]+)")
_ID = r"[a-z0-9][a-z0-9-]{0,62}"
_STEM = r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}"
_POST_TARGET = re.compile(rf"^(?:(?P<owner>{_ID})/)?(?P<name>{_STEM})$")
_PROFILE_TARGET = re.compile(rf"^@(?P<author>{_ID})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")

SHORT_FORMS = "[[author-id/slug]], [[slug]] or [[@author-id]]"


class LinkError(ValueError):
    """A link that cannot be followed; the message is ready to show after ``path:line:``."""


@dataclass(frozen=True)
class PostRef:
    """What linking needs to know about one post (any status)."""

    source: str  # path relative to the content root, with '/': "li-wei/field-repairs.md"
    owner: str
    slug: str
    stem: str  # the file name without '.md'
    status: str  # PUBLISHED, HIDDEN, DRAFT or FUTURE
    url: str
    title: str = ""
    date: str = ""  # ISO date, for messages about scheduled posts

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.slug}"


@dataclass(frozen=True)
class Link:
    """One link as written: ``form`` SHORT (``target`` is what stands in ``[[…]]`` before
    any ``|``) or FILENAME (``target`` is what follows ``{filename}``)."""

    form: str
    target: str

    @property
    def written(self) -> str:
        return f"[[{self.target}]]" if self.form == SHORT else f"{{filename}}{self.target}"


@dataclass(frozen=True)
class Resolved:
    """Where a link goes: a post, a profile, or another file Pelican resolves (page, image)."""

    post: PostRef | None = None
    author: str | None = None
    file: str | None = None
    fragment: str = ""


@dataclass(frozen=True)
class SourceLink:
    line: int
    link: Link
    text: str | None = None  # the ``|text`` of a short link


def split_short(inner: str) -> tuple[str, str | None]:
    """``target|text`` -> (target, text or None)."""
    target, bar, text = inner.partition("|")
    return target.strip(), (text.strip() or None) if bar else None


def scan_markdown(text: str, first_line: int = 1) -> list[SourceLink]:
    """Every link in Markdown source, with its line (``first_line`` is the first line's
    number). Fenced code blocks, code spans and ``\\[[`` are skipped, as Markdown does."""
    found = []
    fence = None
    for number, line in enumerate(text.split("\n"), start=first_line):
        opening = _FENCE.match(line) if line.lstrip(" ")[:3] in ("```", "~~~") else None
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if "[[" not in line and "filename" not in line:
            continue  # most lines: nothing to look at
        line = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        for match in _SHORT_LINK.finditer(line):
            if match.start() and line[match.start() - 1] == "\\":
                continue
            target, label = split_short(match.group(1))
            found.append(SourceLink(number, Link(SHORT, target), label))
        for match in _FILENAME_LINK.finditer(line):
            found.append(SourceLink(number, Link(FILENAME, match.group(1))))
    return found


def _closest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(suggestion: str | None) -> str:
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


class LinkIndex:
    """Every post (drafts included, so a link to one is named as such) and every author."""

    def __init__(self, posts: Iterable[PostRef], authors: Mapping[str, str], files: Iterable[str] = ()):
        """``authors``: author id -> display name. ``files``: other files under the content
        root (pages, images), relative with '/', which ``{filename}`` may also name."""
        self.posts = sorted(posts, key=lambda p: p.source)
        self.authors = dict(authors)
        self.files = set(files)
        self.by_source = {p.source: p for p in self.posts}
        self.by_key: dict[str, PostRef] = {}
        self.by_name: dict[str, list[PostRef]] = {}
        for post in self.posts:
            for name in dict.fromkeys((post.slug, post.stem)):
                self.by_key.setdefault(f"{post.owner}/{name}", post)
                self.by_name.setdefault(name, []).append(post)

    # -- the two link forms ---------------------------------------------------------------

    def resolve(self, link: Link, from_source: str) -> Resolved:
        """Where ``link`` (written in the file ``from_source``) goes; LinkError if nowhere."""
        if link.form == SHORT:
            return self._short(link)
        return self._filename(link, from_source)

    def _short(self, link: Link) -> Resolved:
        target, _, fragment = link.target.partition("#")
        profile = _PROFILE_TARGET.match(target)
        if profile:
            author = profile.group("author")
            if author not in self.authors:
                suggestion = _closest(author, self.authors)
                raise LinkError(
                    f"unknown author '{link.written}'" + _did_you_mean(suggestion and "@" + suggestion)
                )
            return Resolved(author=author, fragment=fragment)
        return Resolved(post=self._post(target, f"'{link.written}'"), fragment=fragment)

    def post(self, target: str) -> PostRef:
        """The post named ``author-id/slug`` or ``slug`` (as in ``Related:``); LinkError if none."""
        return self._post(target, f"'{target}'")

    def _post(self, target: str, shown: str) -> PostRef:
        match = _POST_TARGET.match(target)
        if not match:
            raise LinkError(
                f"{shown} is not a link target (expected {SHORT_FORMS})" + _did_you_mean(self._guess(target))
            )
        owner, name = match.group("owner"), match.group("name")
        if owner:
            post = self.by_key.get(f"{owner}/{name}")
            if post is None:
                raise LinkError(f"unknown post {shown}" + _did_you_mean(self._guess(target)))
            return post
        candidates = self.by_name.get(name, [])
        if len({p.source for p in candidates}) > 1:
            keys = ", ".join(sorted({p.key for p in candidates}))
            raise LinkError(f"{shown} is ambiguous: {keys} (write [[author-id/slug]])")
        if not candidates:
            hint = f"@{name}" if name in self.authors else self._guess(target)
            raise LinkError(f"unknown post {shown}" + _did_you_mean(hint))
        return candidates[0]

    def _guess(self, target: str) -> str | None:
        """The closest ``author-id/slug`` to what was written (or to its slugified form)."""
        normal = re.sub(r"[^a-z0-9/]+", "-", target.lower()).strip("-")
        if "/" in normal:
            return _closest(normal, (p.key for p in self.posts))
        by_slug = {p.slug: p.key for p in reversed(self.posts)}
        slug = _closest(normal, by_slug)
        return by_slug[slug] if slug else None

    def _filename(self, link: Link, from_source: str) -> Resolved:
        parts = urlsplit(link.target)
        for path in dict.fromkeys((parts.path, unquote(parts.path))):
            relative = _content_relative(path, from_source)
            if relative in self.by_source:
                return Resolved(post=self.by_source[relative], fragment=parts.fragment)
            if relative in self.files:
                return Resolved(file=relative, fragment=parts.fragment)
        candidates = [p.source for p in self.posts] + sorted(self.files)
        wanted = _content_relative(unquote(parts.path), from_source) or parts.path.lstrip("/")
        suggestion = _closest(wanted, candidates)
        raise LinkError(
            f"'{link.written}' does not name a file in the content folder"
            + _did_you_mean(suggestion and "{filename}/" + suggestion)
        )

    # -- rules that depend on who links ---------------------------------------------------

    @staticmethod
    def publication_problem(written: str, target: PostRef, from_status: str) -> str | None:
        """A page that is written may only link posts that are written too."""
        if from_status not in WRITTEN or target.status in WRITTEN:
            return None
        if target.status == FUTURE:
            when = f"scheduled for {target.date}" if target.date else "scheduled for a later date"
            return f"'{written}' links to a post {when}, which is not published yet (add the link once it is)"
        return f"'{written}' links to a draft, which is never published (publish it first or remove the link)"

    def check(self, link: Link, from_source: str, from_status: str) -> tuple[Resolved | None, str | None]:
        """(where the link goes, None) or (None, the problem)."""
        try:
            resolved = self.resolve(link, from_source)
        except LinkError as exc:
            return None, str(exc)
        problem = resolved.post and self.publication_problem(link.written, resolved.post, from_status)
        return (None, problem) if problem else (resolved, None)


def check_related(
    written: Iterable[str], own_source: str, from_status: str, index: LinkIndex, limit: int
) -> tuple[list[PostRef], list[str]]:
    """The posts a ``Related:`` header names, and the problems with it (messages without location).

    Entries are link targets (``author-id/slug``, ``slug``, optionally in ``[[…]]``); they
    must be posts (not profiles), not the post itself, not hidden (never listed), and
    published wherever the linking post is."""
    written = list(written)
    picks: list[PostRef] = []
    problems: list[str] = []
    if len(written) > limit:
        names = f"{len(written)} post" + ("s" if len(written) != 1 else "")
        problems.append(f"'Related' names {names}; at most {limit} are shown (CROSSLINKS_RELATED_COUNT)")
    for text in written:
        target = text[2:-2].strip() if text.startswith("[[") and text.endswith("]]") else text
        if target.startswith("@"):
            problems.append(f"'Related' names posts, not profiles: '{text}'")
            continue
        try:
            post = index.post(target)
        except LinkError as exc:
            problems.append(f"'Related': {exc}")
            continue
        if post.source == own_source:
            problems.append(f"'Related' names the post itself: '{text}'")
        elif post.status == HIDDEN:
            problems.append(f"'Related': '{text}' is a hidden post, and hidden posts are never listed")
        elif message := index.publication_problem(text, post, from_status):
            problems.append(f"'Related': {message}")
        elif post not in picks:
            picks.append(post)
    return picks, problems


def _content_relative(path: str, from_source: str) -> str | None:
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


__all__ = [
    "DRAFT", "FILENAME", "FUTURE", "HIDDEN", "PUBLISHED", "SHORT", "SHORT_LINK_PATTERN", "WRITTEN",
    "Link", "LinkError", "LinkIndex", "PostRef", "Resolved", "SourceLink", "check_related", "scan_markdown", "split_short",
]  # fmt: skip
