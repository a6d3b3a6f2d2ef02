"""``chorus check``: validate the network without rendering it, fast enough for every pull request.

It applies the build's own rules through the same shared functions (registries, post
headers, ownership, output paths, images, the policy, CODEOWNERS), reports every problem
rather than the first, and lists drafts, future posts and reviewed policy exceptions as
information for the reviewer.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from chorus.build import load_settings
from chorus.settings_doc import all_specs
from plugins.network import ChorusError, Problem, ProblemList, SourceError, links
from plugins.network.codeowners import codeowners_problems
from plugins.network.errors import ERROR, INFO
from plugins.network.ownership import resolve_ownership
from plugins.network.policy import Policy, load_site_policy, parse_allowances, post_snippets, scan
from plugins.network.posts import ParsedPost, parse_post_file
from plugins.network.publication import publication_state
from plugins.network.state import BuildState
from plugins.network.tree import post_sources, scan_source_tree
from plugins.network.urls import (
    TagSpellings,
    page_save_as,
    post_save_as,
    reserved_slug_message,
    reserved_top_level,
    slug_of,
)

_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)")
_STATIC = "{static}"


class UsageError(Exception):
    """Wrong command-line use (exit code 2)."""


@dataclass
class CheckedPost:
    parsed: ParsedPost
    owner: str | None = None
    authors: tuple[str, ...] = ()
    department: str | None = None
    state: str = "published"


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]


def run_check(
    root: Path,
    *,
    settings_file: Path | None = None,
    paths: list[str] | None = None,
    changed_since: str | None = None,
    overrides: dict | None = None,
) -> CheckReport:
    root = root.resolve()
    problems = ProblemList()
    try:
        settings = load_settings(root, settings_file, dict(overrides or {}))
        state = BuildState(settings)
        for _, spec in all_specs([p for p in settings.get("PLUGINS") or [] if isinstance(p, str)]):
            spec.apply(settings)  # the same validation each plugin runs when the build starts
    except ChorusError as exc:
        return CheckReport(list(exc.problems))
    except ImportError as exc:
        return CheckReport(
            [Problem("pelicanconf.py", None, f"plugin failed to load: {exc}", rule="settings")]
        )
    try:
        network = state.network
    except SourceError as exc:
        # Without a valid registry, posts cannot be checked against it: report what we have.
        return CheckReport(exc.problems + scan_source_tree(state))
    problems.extend(scan_source_tree(state))
    try:
        policy = load_site_policy(state)
    except SourceError as exc:
        problems.extend(exc.problems)
        policy = Policy()

    posts = [_check_post(path, state, network, policy, problems) for path in post_sources(state)]
    _check_links(posts, state, network, problems)
    _check_outputs(posts, state, problems)
    _check_tags(posts, state.settings, problems)
    problems.extend(codeowners_problems(state))

    report = CheckReport(
        sorted(problems.items, key=lambda p: (p.path, p.line or 0, p.col or 0, p.rule)), len(posts)
    )
    selected = _selected_paths(root, paths, changed_since, posts, state)
    if selected is not None:
        report.problems = [p for p in report.problems if p.path in selected or _under(p.path, selected)]
    return report


def _check_post(path: Path, state: BuildState, network, policy: Policy, problems: ProblemList) -> CheckedPost:
    settings = state.settings
    parsed = parse_post_file(
        path, state.content_path, state.shown(path), settings["PAGE_PATHS"], settings["CHORUS_MAX_POST_BYTES"]
    )
    checked = CheckedPost(parsed)
    problems.extend(parsed.problems)
    if parsed.problems:
        return checked
    values, lines = parsed.fields.values, parsed.fields.lines
    kind, department = "expert", ""
    if not parsed.is_page:
        ownership = resolve_ownership(
            parsed.relative,
            claim=values.get("author"),
            coauthor_ids=values.get("co-authors", ()),
            department_id=values.get("department"),
            lines=lines,
            network=network,
            shown=parsed.shown,
            problems=problems,
        )
        if ownership is None:
            return checked
        checked.owner, checked.authors, checked.department = (
            ownership.owner,
            ownership.authors,
            ownership.department,
        )
        kind = "guest" if any(network.authors[a].is_guest for a in ownership.authors) else "expert"
        department = ownership.department
        date = _aware(values["date"], state)
        checked.state = publication_state(values.get("status", "published"), date, state.now)
        if checked.state == "draft":
            reason = (
                "is a draft"
                if values.get("status") == "draft"
                else f"is dated {values['date']:%Y-%m-%d %H:%M}, after the build's 'now'"
            )
            problems.add(
                parsed.shown,
                lines.get("status") or lines.get("date"),
                f"not published: {reason}",
                level=INFO,
                rule="unpublished",
            )
    _check_images(parsed, state, problems)
    allow_value, allow_line = parsed.header.fields.get("policy-allow", (None, None))
    allowed = parse_allowances(allow_value, allow_line, parsed.shown, policy, problems)
    snippets = post_snippets(parsed.header.fields, parsed.header.body, parsed.header.body_line)
    problems.extend(
        scan(policy, snippets, kind=kind, department=department, allowed=allowed, shown=parsed.shown)
    )
    return checked


def _aware(value, state: BuildState):
    if value.tzinfo is None:
        return value.replace(tzinfo=state.now.tzinfo)
    return value


def _check_images(parsed: ParsedPost, state: BuildState, problems: ProblemList) -> None:
    body, first = parsed.header.body, parsed.header.body_line
    for match in _IMAGE.finditer(body):
        line = first + body.count("\n", 0, match.start())
        col = match.start() - (body.rfind("\n", 0, match.start()) + 1) + 1
        if not match.group("alt").strip():
            problems.add(
                parsed.shown,
                line,
                "image without alt text: describe what it shows, like ![Lead times by part family](...)",
                rule="image-alt",
                col=col,
            )
        src = match.group("src")
        if src.startswith(_STATIC):
            target = src[len(_STATIC) :]
            base = state.content_path if target.startswith("/") else parsed.path.parent
            resolved = (base / target.lstrip("/")).resolve()
            if not resolved.is_file() or state.content_path not in resolved.parents:
                problems.add(parsed.shown, line, f"image not found: {src}", rule="image", col=col)


def _link_status(post: CheckedPost) -> str:
    if post.state != "draft":
        return post.state
    return links.DRAFT if post.parsed.fields.values.get("status") == "draft" else links.FUTURE


def _check_links(posts: list[CheckedPost], state: BuildState, network, problems: ProblemList) -> None:
    """Every {filename} and [[…]] link and every Related: entry, by the build's own rules."""
    settings = state.settings
    refs = [
        links.PostRef(
            source=str(post.parsed.relative),
            owner=post.owner,
            slug=post.parsed.slug,
            stem=post.parsed.path.stem,
            status=_link_status(post),
            url=settings["ARTICLE_URL"].format(
                author_id=post.owner, slug=post.parsed.slug, author=post.owner
            ),
            title=str(post.parsed.fields.values.get("title", "")),
            date=post.parsed.fields.values["date"].date().isoformat(),
        )
        for post in posts
        if post.owner and post.parsed.slug and not post.parsed.problems
    ]
    sources = {str(p.parsed.relative) for p in posts}
    files = [
        path.relative_to(state.content_path).as_posix()
        for path in sorted(state.content_path.rglob("*"))
        if path.is_file()
        and not path.name.startswith(".")
        and path.relative_to(state.content_path).as_posix() not in sources
    ]
    files += [str(p.parsed.relative) for p in posts if p.parsed.is_page]
    index = links.LinkIndex(refs, {a.id: a.name for a in network.authors.values()}, files)
    for post in posts:
        parsed = post.parsed
        if parsed.problems or (not parsed.is_page and not post.owner):
            continue
        source = str(parsed.relative)
        status = (
            "published"
            if parsed.is_page and parsed.fields.values.get("status") != "draft"
            else _link_status(post)
        )
        found = []
        if "summary" in parsed.header.fields:
            summary, line = parsed.header.fields["summary"]
            found += links.scan_markdown(summary, line)
        found += links.scan_markdown(parsed.header.body, parsed.header.body_line)
        for item in found:
            _, message = index.check(item.link, source, status)
            if message:
                problems.add(parsed.shown, item.line, message, rule="links")
        related = parsed.fields.values.get("related")
        if related:
            _, messages = links.check_related(
                related, source, status, index, settings["CROSSLINKS_RELATED_COUNT"]
            )
            for message in messages:
                problems.add(parsed.shown, parsed.fields.lines.get("related"), message, rule="links")


def _check_outputs(posts: list[CheckedPost], state: BuildState, problems: ProblemList) -> None:
    reserved = reserved_top_level(state.settings)
    for post in sorted(posts, key=lambda p: str(p.parsed.relative)):
        parsed = post.parsed
        if parsed.problems or post.state == "draft" or parsed.slug is None:
            continue
        if parsed.is_page:
            if message := reserved_slug_message(parsed.slug, reserved):
                problems.add(parsed.shown, parsed.fields.lines.get("slug"), message, rule="url-collision")
                continue
            output = page_save_as(state.settings, parsed.slug)
        elif post.owner:
            output = post_save_as(state.settings, post.owner, parsed.slug)
        else:
            continue
        problem = state.outputs.claim(output, parsed.shown)
        if problem:
            problems.items.append(problem)


def _check_tags(posts: list[CheckedPost], settings: dict, problems: ProblemList) -> None:
    spellings = TagSpellings()
    for post in sorted(posts, key=lambda p: str(p.parsed.relative)):
        parsed = post.parsed
        if parsed.problems or parsed.is_page:
            continue
        for tag in parsed.fields.values.get("tags", []):
            slug = slug_of(tag, settings, "TAG")
            if not slug:
                problems.add(
                    parsed.shown,
                    parsed.fields.lines["tags"],
                    f"tag {tag!r} has no letters or digits",
                    rule="tags",
                )
            elif message := spellings.clash(tag, slug, parsed.shown):
                problems.add(parsed.shown, parsed.fields.lines["tags"], message, rule="tags")


def _under(path: str, selected: set[str]) -> bool:
    return any(path.startswith(s.rstrip("/") + "/") for s in selected)


def _selected_paths(
    root: Path,
    paths: list[str] | None,
    changed_since: str | None,
    posts: list[CheckedPost],
    state: BuildState,
) -> set[str] | None:
    """The files whose problems are reported, or None for all of them."""
    selected: set[str] | None = None
    if paths:
        selected = set()
        for given in paths:
            path = Path(given)
            path = path if path.is_absolute() else Path.cwd() / path
            try:
                selected.add(
                    path.resolve().relative_to(root).as_posix()
                    if path.exists()
                    else path.absolute().relative_to(root).as_posix()
                )
            except ValueError:
                raise UsageError(f"{given}: not inside the site folder {root}") from None
    if changed_since:
        changed = _changed_files(root, changed_since)
        affected = set(changed)
        global_inputs = {
            "departments.yml",
            "pelicanconf.py",
            "publishconf.py",
            state.settings["CHORUS_POLICY_FILE"],
            ".github/CODEOWNERS",
        }
        if changed & global_inputs:
            return selected  # every post depends on these
        changed_authors = {
            PurePosixPath(c).stem
            for c in changed
            if c.startswith(state.settings["CHORUS_AUTHORS_PATH"].rstrip("/") + "/")
        }
        changed_posts = {c for c in changed if c.startswith("content/")}
        link_targets = {
            PurePosixPath(c).with_suffix("").as_posix().removeprefix("content/") for c in changed_posts
        }
        for post in posts:
            shown = post.parsed.shown
            if set(post.authors) & changed_authors:
                affected.add(shown)
            body = post.parsed.header.body
            if any(target in body or target.split("/")[-1] in body for target in link_targets):
                affected.add(shown)  # it may link to a changed, renamed or deleted post
        affected.add(".github/CODEOWNERS")
        selected = affected if selected is None else selected & affected
    return selected


def _changed_files(root: Path, revision: str) -> set[str]:
    """Files changed since ``revision`` (committed or not) and new untracked files, relative to root."""

    def git(*args: str) -> list[str]:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        if result.returncode != 0:
            raise UsageError(f"--changed-since {revision}: {result.stderr.strip() or 'git failed'}")
        return [line for line in result.stdout.splitlines() if line]

    # No rename detection: a renamed post is its old path (deleted) plus its new one, so
    # posts that still link to the old path are re-checked.
    changed = git("diff", "--name-only", "--no-renames", "--relative", revision, "--", ".")
    changed += git("ls-files", "--others", "--exclude-standard", "--", ".")
    return set(changed)


def format_github(problem: Problem) -> str:
    """A GitHub Actions workflow command: an annotation on the pull request's diff."""
    command = {"error": "error", "warning": "warning"}.get(problem.level, "notice")

    def escape_data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def escape_property(text: str) -> str:
        return escape_data(text).replace(":", "%3A").replace(",", "%2C")

    properties = [f"file={escape_property(problem.path)}"]
    if problem.line:
        properties.append(f"line={problem.line}")
        if problem.col:
            properties.append(f"col={problem.col}")
    if problem.rule:
        properties.append(f"title={escape_property(problem.rule)}")
    return f"::{command} {','.join(properties)}::{escape_data(problem.message)}"
