"""``chorus new author`` and ``chorus new post``: the right files in the right place, never an overwrite."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import yaml

from plugins.network import ChorusError, Problem, ProblemList
from plugins.network.codeowners import write_codeowners
from plugins.network.load import ID_PATTERN, github_user_problem, suggest
from plugins.network.model import Department
from plugins.network.postmeta import SUMMARY_PLACEHOLDER
from plugins.network.state import BuildState
from plugins.network.urls import slug_of


class ScaffoldError(ChorusError):
    """The scaffold was asked for something it must refuse."""


def _fail(message: str, path: str = "chorus new") -> ScaffoldError:
    return ScaffoldError(Problem(path, None, message, rule="scaffold"))


def new_author(
    state: BuildState,
    author_id: str,
    *,
    name: str,
    department: str,
    title: str,
    guest: bool = False,
    affiliation: str | None = None,
    expertise: list[str] | None = None,
    email: str | None = None,
    github: str | None = None,
) -> list[Path]:
    network = state.network
    problems = ProblemList(rule="scaffold")
    if not ID_PATTERN.match(author_id):
        problems.add(
            "chorus new",
            None,
            f"author id '{author_id}' must be lower-case letters, digits and hyphens, like 'li-wei'",
        )
    if department not in network.departments:
        problems.add(
            "chorus new",
            None,
            f"unknown department '{department}'" + suggest(department, network.departments),
        )
    if guest and not affiliation:
        problems.add("chorus new", None, "a guest needs --affiliation (the organisation they write from)")
    if affiliation and not guest:
        problems.add("chorus new", None, "--affiliation is for guests; add --guest or drop it")
    if github and (message := github_user_problem(github)):
        problems.add("chorus new", None, f"--github {message}")
    if not name.strip() or not title.strip():
        problems.add("chorus new", None, "--name and --title must not be empty")
    registry_file = state.authors_path / f"{author_id}.yml"
    folder = state.content_path / author_id
    for existing in (registry_file, folder):
        if existing.exists():
            problems.add(state.shown(existing), None, "already exists; chorus new never overwrites")
    if problems.errors:
        raise ScaffoldError(problems.errors)
    registry_file.parent.mkdir(parents=True, exist_ok=True)
    registry_file.write_text(
        _author_entry(
            name.strip(),
            title.strip(),
            network.departments[department],
            state.settings["CHORUS_COMPANY"],
            expertise=expertise or [],
            email=email,
            github=github,
            affiliation=affiliation if guest else None,
        ),
        encoding="utf-8",
    )
    folder.mkdir(parents=True)
    (folder / ".gitkeep").write_text("")
    state._network = None  # the registry changed: CODEOWNERS follows the new one
    return [registry_file, folder, write_codeowners(state)]


def _author_entry(
    name: str,
    title: str,
    department: Department,
    company: str,
    *,
    expertise: list[str],
    email: str | None,
    github: str | None,
    affiliation: str | None,
) -> str:
    """The registry file of a new author: valid as written, and saying what to fill in.

    Expertise stays empty rather than guessed (a department is not a topic), and the bio is
    a sentence that reads well on the profile until the author writes their own."""
    entry: dict[str, object] = {
        "name": name,
        "kind": "guest" if affiliation else "expert",
        "title": title,
        "department": department.id,
        "expertise": expertise,
    }
    if email:
        entry["email"] = email
    if github:
        entry["github"] = github.removeprefix("@")
    if affiliation:
        entry["affiliation"] = affiliation
        entry["bio"] = f"{name} writes for {company} as a guest from {affiliation}."
    else:
        entry["bio"] = f"{name} works in {department.name} at {company} as {title}."
    hints = {
        "expertise:": "# Two to five topics you write about, like [flow meters, field repairs]:",
        "bio:": "# Two to four sentences about your work, in Markdown:",
    }
    lines = ["# Author profile: see docs/formats.md."]
    dumped = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
    for line in dumped.splitlines():
        lines += [hint for key, hint in hints.items() if line.startswith(key)] + [line]
    return "\n".join(lines) + "\n"


def _git_identity(root: Path) -> tuple[str, str]:
    def config(key: str) -> str:
        result = subprocess.run(["git", "config", key], cwd=root, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    return config("user.email"), config("user.name")


def infer_author(state: BuildState) -> str:
    """The registry author matching the git user (by e-mail, then by name), when unambiguous."""
    email, name = _git_identity(state.root)
    authors = state.network.authors.values()
    by_email = [a.id for a in authors if email and a.email and a.email.lower() == email.lower()]
    by_name = [a.id for a in authors if name and a.name.casefold() == name.casefold()]
    for candidates in (by_email, by_name):
        if len(candidates) == 1:
            return candidates[0]
    who = f"git user '{name or '?'} <{email or '?'}>'"
    raise _fail(f"cannot tell which author you are from the {who}; pass --author ID")


def new_post(
    state: BuildState, title: str, *, author: str | None = None, today: dt.date | None = None
) -> Path:
    title = title.strip()
    if not title or "\n" in title:
        raise _fail("the title must be one non-empty line")
    author = author or infer_author(state)
    if author not in state.network.authors:
        raise _fail(f"unknown author '{author}'" + suggest(author, state.network.authors))
    slug = slug_of(title, state.settings)
    if not slug:
        raise _fail("the title needs letters or digits to make a file name from")
    path = state.content_path / author / f"{slug}.md"
    if path.exists():
        raise _fail("already exists; chorus new never overwrites (choose another title)", state.shown(path))
    date = (today or state.now.date()).isoformat()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": refuse to overwrite, even in a race
        handle.write(
            f"Title: {title}\nDate: {date}\nSummary: {SUMMARY_PLACEHOLDER}\nTags:\nStatus: draft\n\n"
            "Write your post here in Markdown. Before you publish it, replace the summary above,\n"
            "add two to five tags, and remove the line `Status: draft`.\n"
        )
    return path
