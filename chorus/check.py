"""``chorus check``: validate the network without rendering it, fast enough for every pull request.

It reads the sources into the site model and runs the rules (``plugins.network.rules``),
the same list the build runs before it renders anything; it has no rule of its own. Every
problem is reported, not the first; drafts, future posts and reviewed policy exceptions
are listed as information for the reviewer.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from chorus.build import load_settings, located_settings_problems
from chorus.settings_doc import all_specs
from plugins.network import ChorusError, Problem
from plugins.network.codeowners import CODEOWNERS_PATH
from plugins.network.errors import ERROR, WARNING
from plugins.network.links import files_linking_listings
from plugins.network.model import Post, Site
from plugins.network.rules import run_rules
from plugins.network.rules.templates import override_templates
from plugins.network.state import BuildState


class UsageError(Exception):
    """Wrong command-line use (exit code 2)."""


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    files_checked: list[str] = field(default_factory=list)  # as shown, relative to the site root

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]


def run_check(
    root: Path,
    *,
    settings_file: Path | None = None,
    paths: list[str] | None = None,
    changed_since: str | None = None,
    overrides: dict | None = None,
    strict: bool = False,
) -> CheckReport:
    """Run every rule; ``strict`` makes warnings errors (a missing summary blocks the merge)."""
    root = root.resolve()
    try:
        settings = load_settings(root, settings_file, dict(overrides or {}))
        if changed_since and not settings.get("CHORUS_PUBLISHED_REF"):
            # The base a change is checked against is what is live: what it published must stay.
            settings["CHORUS_PUBLISHED_REF"] = changed_since
        state = BuildState(settings)
        plugins = [p for p in settings.get("PLUGINS") or [] if isinstance(p, str)]
        for _, spec in all_specs(plugins, settings.get("PLUGIN_PATHS") or []):
            spec.apply(settings)  # the same validation each plugin runs when the build starts
    except ChorusError as exc:
        return CheckReport(located_settings_problems(exc.problems, root, settings_file))
    except ImportError as exc:
        return CheckReport(
            [Problem("pelicanconf.py", None, f"plugin failed to load: {exc}", rule="settings")]
        )
    site = state.site
    problems = located_settings_problems(run_rules(site), root, settings_file)
    if strict:
        problems = [replace(p, level=ERROR) if p.level == WARNING else p for p in problems]
    report = CheckReport(problems, checked_files(site))
    selected = _selected_paths(root, paths, changed_since, site)
    if selected is not None:
        report.problems = [
            p
            for p in report.problems
            if any(path in selected or _under(path, selected) for path in (p.path, *p.also))
        ]
        report.files_checked = [f for f in report.files_checked if f in selected or _under(f, selected)]
    return report


def checked_files(site: Site) -> list[str]:
    """Every input the rules judge: the files under content/ and the author registry, the
    site's other registries when they exist, and its own templates."""
    shown = [f.shown for f in site.files]
    settings = site.settings
    for name in (
        settings["CHORUS_DEPARTMENTS_FILE"],
        settings["CHORUS_POLICY_FILE"],
        settings["CHORUS_REDIRECTS_FILE"],
        CODEOWNERS_PATH,
    ):
        if (site.root / name).is_file():
            shown.append(site.shown(site.root / name))
    shown += [site.shown(path) for path in override_templates(site)]
    return sorted(set(shown))


def _under(path: str, selected: set[str]) -> bool:
    return any(path.startswith(s.rstrip("/") + "/") for s in selected)


def _given_path(given: str, root: Path) -> Path:
    """A path given on the command line, relative to the working folder or else to the site
    folder: of the two that exist, the first inside the site (``chorus check --root site
    content/x.md`` from the site's parent, or from a folder with a content/ of its own)."""
    path = Path(given)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
    existing = [candidate for candidate in candidates if candidate.exists()]
    for candidate in existing:
        if candidate.resolve().is_relative_to(root):
            return candidate
    if existing:  # outside the site, which _selected_paths says
        return existing[0]
    where = "" if path.is_absolute() else f" in {Path.cwd()} or in the site folder {root}"
    raise UsageError(f"{given}: no such file or folder{where}")


def _selected_paths(
    root: Path,
    paths: list[str] | None,
    changed_since: str | None,
    site: Site,
) -> set[str] | None:
    """The files whose problems are reported, or None for all of them."""
    selected: set[str] | None = None
    if paths:
        selected = set()
        for given in paths:
            path = _given_path(given, root)
            try:
                selected.add(path.resolve().relative_to(root).as_posix())
            except ValueError:
                raise UsageError(f"{given}: not inside the site folder {root}") from None
        if "." in selected:  # the site folder itself: every file
            selected = None
    if changed_since:
        changed = _changed_files(root, changed_since)
        affected = set(changed)
        global_inputs = {
            "departments.yml",
            "pelicanconf.py",
            "publishconf.py",
            str(site.settings["CHORUS_POLICY_FILE"]),
            ".github/CODEOWNERS",
        }
        if changed & global_inputs:
            return selected  # every post depends on these
        changed_authors = {
            PurePosixPath(c).stem
            for c in changed
            if c.startswith(str(site.settings["CHORUS_AUTHORS_PATH"]).rstrip("/") + "/")
        }
        changed_posts = {c for c in changed if c.startswith("content/")}
        # author-id/file-name of each changed source: how it is linked, and its key (a deleted one's too)
        changed_keys = {
            PurePosixPath(c).with_suffix("").as_posix().removeprefix("content/") for c in changed_posts
        }
        link_targets = set(changed_keys)
        # Linked by its address too, which its Slug: may make unlike its file name: the address
        # it has now, and the one it had in the live revision (a post made a draft, or deleted).
        link_targets |= {
            site.urls.source(source).url.strip("/")
            for source in (*site.posts, *site.pages)
            if source.path in changed_posts
        }
        link_targets |= {published.url.strip("/") for published in site.published_before}
        link_targets.discard("")
        # A translation is judged with its original and the original's other translations.
        originals = {post.translation_of or post.key for post in site.posts if post.path in changed_posts}
        originals |= changed_keys

        def names_a_target(text: str) -> bool:
            return any(target in text or target.split("/")[-1] in text for target in link_targets)

        for source in (*site.posts, *site.pages):
            if isinstance(source, Post) and (
                set(source.authors) & changed_authors or (source.translation_of or source.key) in originals
            ):
                affected.add(source.path)
            # It may link to a changed, renamed or deleted post: in its text or its header (Related:).
            if link_targets and (
                names_a_target(source.body)
                or any(names_a_target(field.raw) for field in source.header.values())
            ):
                affected.add(source.path)
        if link_targets:
            for author in site.network.authors.values():
                if names_a_target(author.bio):
                    affected.add(author.source)
        if changed_posts:
            # A change of tags, dates or status can end a topic's or a year's page; and every
            # redirect is judged against every page written (a new post may take its address).
            affected |= files_linking_listings(site)
            affected.update(redirect.path for redirect in site.redirects)
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

    if revision.startswith("-"):  # git would take it for an option ('--output=…' writes a file)
        raise UsageError(f"--changed-since {revision}: a revision, like origin/main, was expected")
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
