"""``chorus init``, ``chorus new author`` and ``chorus new post``: the right files in the
right place, never an overwrite."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml

from chorus import __version__
from plugins.network import ChorusError, Problem, ProblemList
from plugins.network.codeowners import hand_written_problem, write_codeowners
from plugins.network.files import path_name_problem
from plugins.network.i18n import catalogue_language, supported_languages
from plugins.network.load import ID_PATTERN, email_problem, github_user_problem, reserved_id_problem, suggest
from plugins.network.model import Department
from plugins.network.postmeta import MAX_SLUG_LENGTH, SUMMARY_PLACEHOLDER
from plugins.network.state import BuildState
from plugins.network.urls import file_stem_of, siteurl_problem


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
    bio: str | None = None,
) -> list[Path]:
    network = state.network
    problems = ProblemList(rule="scaffold")
    id_problem = None
    if not ID_PATTERN.match(author_id):
        id_problem = f"author id '{author_id}' must be lower-case letters, digits and hyphens, like 'li-wei'"
    elif found := path_name_problem(f"{author_id}.yml", state.settings["CHORUS_MAX_FILE_NAME_LENGTH"]):
        id_problem = f"author id '{author_id[:20]}…': {found[1]}"
    else:
        id_problem = reserved_id_problem(author_id, state.settings["PAGE_PATHS"])
    if id_problem:
        problems.add("chorus new", None, id_problem)
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
    if email and (message := email_problem(email)):
        problems.add("chorus new", None, f"--email {message}")
    if not name.strip() or not title.strip():
        problems.add("chorus new", None, "--name and --title must not be empty")
    for option, value in (("--name", name), ("--title", title), ("--affiliation", affiliation or "")):
        if value.splitlines() not in ([value], []):
            problems.add("chorus new", None, f"{option} must be one line")
    registry_file = state.authors_path / f"{author_id}.yml"
    folder = state.content_path / author_id
    # The file system is asked about the id's files only once the id is a name it accepts.
    for existing in (registry_file, folder) if id_problem is None else ():
        if existing.exists():
            problems.add(state.shown(existing), None, "already exists; chorus new never overwrites")
    if hand_written := hand_written_problem(state.root):  # known before anything is written
        problems.extend([hand_written])
    if problems.errors:
        raise ScaffoldError(problems.errors)
    write_registry_entry(
        registry_file,
        _author_entry(
            name.strip(),
            title.strip(),
            network.departments[department],
            state.settings["CHORUS_COMPANY"],
            expertise=expertise or [],
            email=email,
            github=github,
            affiliation=affiliation if guest else None,
            bio=bio,
        ),
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
    bio: str | None = None,
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
        entry["bio"] = bio or f"{name} writes for {company} as a guest from {affiliation}."
    else:
        entry["bio"] = bio or f"{name} works in {department.name} at {company} as {title}."
    return registry_text(entry)


_REGISTRY_HINTS = {
    "expertise:": "# Two to five topics you write about, like [flow meters, field repairs]:",
    "bio:": "# Two to four sentences about your work, in Markdown:",
}


def registry_text(entry: dict[str, object], comment: str = "") -> str:
    """An author registry file: the entry, with a hint above the fields a person fills in
    and ``comment`` (lines starting with '#') under the first line."""
    lines = ["# Author profile: see docs/formats.md.", *comment.splitlines()]
    dumped = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=None)
    for line in dumped.splitlines():
        lines += [hint for key, hint in _REGISTRY_HINTS.items() if line.startswith(key)] + [line]
    return "\n".join(lines) + "\n"


def write_registry_entry(path: Path, text: str) -> None:
    """Write one author registry file (``authors/<id>.yml``); refuse to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)


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
    if not title or title.splitlines() != [title]:  # \r, U+2028… end a header line too
        raise _fail("the title must be one non-empty line")
    author = author or infer_author(state)
    if author not in state.network.authors:
        raise _fail(f"unknown author '{author}'" + suggest(author, state.network.authors))
    slug = file_stem_of(title, state.settings)
    if not slug:
        raise _fail("the title needs letters or digits to make a file name from")
    longest = min(state.settings["CHORUS_MAX_FILE_NAME_LENGTH"] - len(".md"), MAX_SLUG_LENGTH)
    if len(slug) > longest:  # a long title makes a shorter name, cut between words (the title stays whole)
        slug = slug[: longest + 1].rsplit("-", 1)[0] if "-" in slug[: longest + 1] else slug[:longest]
    if found := path_name_problem(f"{slug}.md", state.settings["CHORUS_MAX_FILE_NAME_LENGTH"]):
        shown = f"{slug[:40]}….md" if len(slug) > 40 else f"{slug}.md"
        raise _fail(f"the file name made from the title, '{shown}': {found[1]}; change the title")
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


# --- chorus init ----------------------------------------------------------------------------

SKELETON = Path(__file__).with_name("skeleton")
EDITOR_ID = "editor"
DEPARTMENT_ID = "editorial"
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# Skeleton file -> where it goes in the new network; ".tmpl" files get the network's values.
SKELETON_FILES = {
    "pelicanconf.py.tmpl": "pelicanconf.py",
    "publishconf.py.tmpl": "publishconf.py",
    "policy.yml.tmpl": "policy.yml",
    "README.md.tmpl": "README.md",
    "requirements.txt.tmpl": "requirements.txt",
    "gitignore": ".gitignore",
    "network.yml": ".github/workflows/network.yml",
}


def _python(value: str) -> str:
    """A Python string literal (JSON's escapes are Python's)."""
    return json.dumps(value, ensure_ascii=False)


def init_network(
    directory: Path,
    *,
    name: str,
    url: str | None = None,
    lang: str = "en",
    today: dt.date | None = None,
) -> list[Path]:
    """A new network repository in ``directory``, ready to commit: it checks and builds at once."""
    problems = ProblemList(rule="scaffold")
    name = name.strip()
    url = (url or "").strip().rstrip("/")
    if not name or not name.isprintable():
        problems.add(
            "chorus init",
            None,
            f"--name must be one line of text, like 'Halvard Instruments', found {name!r}",
        )
    if url and siteurl_problem(url):
        problems.add(
            "chorus init",
            None,
            f"--url must be an absolute http(s) URL like 'https://voices.example.com', found {url!r}",
        )
    if not _LANGUAGE.match(lang):
        problems.add(
            "chorus init", None, f"--lang must be a language code like 'en', 'de' or 'pt-BR', found {lang!r}"
        )
    elif catalogue_language(lang) is None:
        problems.add(
            "chorus init",
            None,
            f"--lang: no translation of the interface for {lang!r}"
            f" (expected one of {', '.join(supported_languages())})",
        )
    if directory.exists() and not directory.is_dir():
        problems.add(str(directory), None, "is a file: chorus init writes into a new or empty folder")
    elif directory.exists() and any(entry.name != ".git" for entry in directory.iterdir()):
        problems.add(str(directory), None, "is not empty: chorus init only writes into a new or empty folder")
    if problems.errors:
        raise ScaffoldError(problems.errors)

    site_name = f"{name} Voices"
    host = urlsplit(url).hostname if url else None
    values = {
        "sitename": _python(site_name),
        "sitename_plain": site_name,
        "company_literal": _python(name),
        "company_plain": name,
        "lang": _python(lang),
        "siteurl": _python(url),
        "id_domain_line": f"DEPARTMENT_FEEDS_ID_DOMAIN = {_python(host)}"
        if host
        else '# DEPARTMENT_FEEDS_ID_DOMAIN = "voices.example.com"',
        "version": __version__,
        # The welcome post is published at once: its date is in pelicanconf.py's TIMEZONE, UTC.
        "today": (today or dt.datetime.now(dt.UTC).date()).isoformat(),
    }
    shown = directory
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    created = []
    for source, target in SKELETON_FILES.items():
        text = (SKELETON / source).read_text(encoding="utf-8")
        if source.endswith(".tmpl"):
            text = Template(text).substitute(values)
        created.append(_create(directory / target, text))
    department: dict[str, str] = {
        "name": "Editorial",
        "description": f"The editors who look after {site_name}: what it publishes and how it reads.",
    }
    departments_file = _create(directory / "departments.yml", _departments_yaml(department))
    for folder in ("content", "authors"):
        (directory / folder).mkdir(exist_ok=True)
    from chorus.build import load_settings

    state = BuildState(load_settings(directory, None, {}))
    created += [
        departments_file,
        *new_author(
            state,
            EDITOR_ID,
            name="The editors",
            department=DEPARTMENT_ID,
            title=f"Editors of {site_name}",
            expertise=["editorial guidelines", "writing"],
            bio=f"The editors of {site_name} help the experts of {name} find their voice, and look after the network's guidelines.",
        ),
    ]
    # The lead must be a registry author, so the department names it once the editor exists.
    departments_file.write_text(_departments_yaml({**department, "lead": EDITOR_ID}), encoding="utf-8")
    welcome = Template((SKELETON / "welcome.md.tmpl").read_text(encoding="utf-8")).substitute(values)
    created.append(_create(state.content_path / EDITOR_ID / "welcome.md", welcome))
    return sorted(shown / path.relative_to(directory) for path in created if path.is_file())


def _departments_yaml(department: dict[str, str]) -> str:
    return "# The department registry: see docs/formats.md. Every author belongs to one or more.\n" + (
        yaml.safe_dump({DEPARTMENT_ID: department}, sort_keys=False, allow_unicode=True, width=1000)
    )


def _create(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path
