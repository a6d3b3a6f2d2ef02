"""authors/*.yml + departments.yml -> Network, reporting every problem with file and line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ProblemList, SourceError, display_path
from .images import check_image
from .model import AUTHOR_KINDS, GUEST, Author, Department, Link, Network
from .rendering import MarkdownRenderer, RenderError
from .sourcefile import read_source_text
from .yamlfile import MAX_REGISTRY_BYTES, MAX_YAML_DEPTH, Located, describe, load_yaml

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[a-z]{2,}$", re.I)
# A GitHub user name: letters and digits, single hyphens between them, at most 39 characters.
_GITHUB_USER = re.compile(r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$")
REGISTRY_SUFFIXES = (".yml", ".yaml")

DEFAULT_LINK_KINDS = {
    "website": "Website",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "x": "X",
    "github": "GitHub",
}


def suggest(word: str, choices) -> str:
    """' (did you mean …?)' for the closest choice, else the list of choices."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (expected one of: {', '.join(choices)})" if choices else ""


def suggest_id(written: str, names: Mapping[str, str]) -> str:
    """' (did you mean …?)' for the registry id a writer meant by ``written``: the id whose
    name it spells in any case ('R&D', 'Li Wei'), else the closest id or name; with no close
    one, the ids when there are few enough to list. ``names``: each id's registry name."""
    by_spelling: dict[str, str] = {}
    for ident, name in names.items():
        by_spelling.setdefault(ident, ident)
        by_spelling.setdefault(name.casefold(), ident)
    folded = written.strip().casefold()
    meant = by_spelling.get(folded)
    if meant is None:
        close = difflib.get_close_matches(folded, sorted(by_spelling), n=1)
        meant = by_spelling[close[0]] if close else None
    if meant is not None:
        return f" (did you mean '{meant}'?)"
    return suggest(written, names) if len(names) <= _LISTED_CHOICES else ""


_LISTED_CHOICES = 12  # more ids than this are not listed in a message: the registry lists them


class _Fields:
    """Checks one YAML mapping field by field, collecting problems instead of stopping."""

    def __init__(self, mapping: dict[str, Located], path: str, line: int, problems: ProblemList):
        self.mapping, self.path, self.line, self.problems = mapping, path, line, problems

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for key, located in self.mapping.items():
            if key not in allowed:
                self.problems.add(self.path, located.line, f"unknown field '{key}'" + suggest(key, allowed))

    def _get(self, key: str, required: bool) -> Located | None:
        located = self.mapping.get(key)
        if located is None or located.value is None:
            if required:
                self.problems.add(self.path, self.line, f"missing required field '{key}'")
            return None
        return located

    def _bad(self, located: Located, key: str, expected: str) -> None:
        self.problems.add(
            self.path, located.line, f"'{key}' must be {expected}, found {describe(located.value)}"
        )

    def text(
        self, key: str, required: bool = True, check: Callable[[str], str | None] | None = None
    ) -> str | None:
        located = self._get(key, required)
        if located is None:
            return None
        if not isinstance(located.value, str) or not located.value.strip():
            self._bad(located, key, "non-empty text (quote it if YAML reads it as something else)")
            return None
        value = located.value.strip()
        if check and (message := check(value)):
            self.problems.add(self.path, located.line, f"'{key}': {message}")
            return None
        return value

    def text_list(self, key: str, required: bool = True) -> list[tuple[str, int]]:
        located = self._get(key, required)
        if located is None:
            return []
        items = located.value if isinstance(located.value, list) else None
        if items is None or not all(isinstance(i.value, str) and i.value.strip() for i in items):
            self._bad(located, key, "a list of text, like [a, b]")
            return []
        return [(i.value.strip(), i.line) for i in items]

    def date(self, key: str) -> dt.date | None:
        located = self._get(key, False)
        if located is None:
            return None
        value = located.value
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            self._bad(located, key, "a date like 2025-06-30")
            return None
        return value

    def mapping_of_text(self, key: str) -> list[tuple[str, str, int]]:
        located = self._get(key, False)
        if located is None:
            return []
        if not isinstance(located.value, dict):
            self._bad(located, key, "a mapping of names to text")
            return []
        result = []
        for name, item in located.value.items():
            if not isinstance(item.value, str) or not item.value.strip():
                self.problems.add(self.path, item.line, f"'{key}.{name}' must be non-empty text")
                continue
            result.append((name, item.value.strip(), item.line))
        return result


def contact_problem(route: str) -> str | None:
    """What is wrong with a contact route, or None: 'mailto:' and one address, or an https:// URL.

    Nothing else: the route becomes a link on every byline, so no other scheme (javascript:,
    data:, tel:…) and no characters that could leave the attribute get through.
    """
    if route.startswith("mailto:") and _EMAIL.match(route.removeprefix("mailto:")):
        return None
    parts = urlsplit(route) if route.startswith("https://") else None
    if parts and parts.hostname and not any(c in route for c in " <>\"'`\\") and route.isprintable():
        return None
    return (
        "must be 'mailto:' and an address, like mailto:li.wei@example.com,"
        f" or an https:// URL of a contact form, found {route!r}"
    )


def _safe_url(url: str) -> str | None:
    lowered = url.lower()
    if lowered.startswith(("https://", "http://")) and not any(c in url for c in " <>\"'"):
        return None
    return "must be an http(s) URL"


def reserved_id_problem(author_id: str, page_paths: Iterable[str]) -> str | None:
    """Why ``author_id`` cannot be an author's id, or None: an author's posts live in
    content/<id>/, and a folder of PAGE_PATHS holds the site's pages, not posts."""
    folders = {str(path).strip("/").split("/")[0] for path in page_paths}
    if author_id in folders:
        return f"author id '{author_id}' is the folder of the site's pages (PAGE_PATHS); choose another id"
    return None


def email_problem(value: str) -> str | None:
    """What is wrong with an author's e-mail address, or None."""
    return None if _EMAIL.match(value) else "must be an e-mail address like name@example.com"


def github_user_problem(value: str) -> str | None:
    name = value.removeprefix("@")
    if _GITHUB_USER.match(name) and len(name) <= 39:
        return None
    return (
        f"must be a GitHub user name like 'li-wei-halvard' (letters, digits, single hyphens), found {value!r}"
    )


def load_departments(
    path: Path,
    root: Path,
    problems: ProblemList,
    limits: tuple[int, int] = (MAX_REGISTRY_BYTES, MAX_YAML_DEPTH),
) -> tuple[dict[str, Department], set[str] | None]:
    """The valid departments, and every id declared (so one bad entry does not make every
    author of that department fail too); None instead of the ids when the registry itself
    could not be read, so that one root cause is reported once, not once per author."""
    shown = display_path(path, root)
    if not path.exists() and not path.is_symlink():
        problems.add(
            shown,
            None,
            "department registry not found (expected a YAML mapping of department id to name and description)",
        )
        return {}, None
    try:
        data = read_yaml(path, shown, limits)
    except SourceError as exc:
        problems.extend(exc.problems)
        return {}, None
    if data is None:
        problems.add(
            shown,
            None,
            "the department registry is empty: give each department as 'service: {name: Service, description: …}'",
        )
        return {}, None
    if not isinstance(data, dict) or not data:
        problems.add(
            shown,
            1,
            f"expected a mapping of department id to its fields, like 'service: {{name: Service, …}}', found {describe(data)}",
        )
        return {}, None
    departments = {}
    for dep_id, located in data.items():
        if not ID_PATTERN.match(dep_id):
            problems.add(
                shown,
                located.line,
                f"department id '{dep_id}' must be lower-case letters, digits and hyphens",
            )
            continue
        if not isinstance(located.value, dict):
            problems.add(
                shown, located.line, f"department '{dep_id}' must be a mapping with name and description"
            )
            continue
        fields = _Fields(located.value, shown, located.line, problems)
        fields.unknown(("name", "description", "lead", "colour"))
        name = fields.text("name")
        description = fields.text("description")
        colour = fields.text(
            "colour", required=False, check=lambda v: None if _COLOUR.match(v) else "must look like #0b7285"
        )
        lead = fields.text("lead", required=False)
        if name and description:
            departments[dep_id] = Department(
                dep_id, name, description, lead, colour, shown, located.line, field_lines(located.value)
            )
    return departments, set(data)


def read_yaml(path: Path, shown: str, limits: tuple[int, int]) -> Any:
    """A registry file, read strictly: ``limits`` are its largest size in bytes and nesting depth."""
    max_bytes, max_depth = limits
    return load_yaml(
        read_source_text(path, shown, max_bytes), shown, max_bytes=max_bytes, max_depth=max_depth
    )


def field_lines(mapping: dict[str, Located]) -> dict[str, int]:
    """The line of each field, of each list item ('expertise[0]') and mapping entry ('links.x')."""
    lines = {}
    for key, located in mapping.items():
        lines[key] = located.line
        if isinstance(located.value, list):
            lines.update((f"{key}[{i}]", item.line) for i, item in enumerate(located.value))
        elif isinstance(located.value, dict):
            lines.update((f"{key}.{name}", item.line) for name, item in located.value.items())
    return lines


AUTHOR_FIELDS = (
    "id", "name", "kind", "title", "department", "departments", "expertise", "avatar",
    "email", "links", "bio", "affiliation", "until", "contact", "github", "policy-allow",
)  # fmt: skip


def load_author(
    path: Path,
    root: Path,
    departments: set[str] | None,
    problems: ProblemList,
    renderer: MarkdownRenderer,
    link_kinds: dict[str, str],
    image_limits: tuple[int, int],
    render_seconds: float | None = None,
    yaml_limits: tuple[int, int] = (MAX_REGISTRY_BYTES, MAX_YAML_DEPTH),
    bio_urls: Callable[[str], str] | None = None,
) -> Author | None:
    """One author's registry entry, or None (with its problems added). ``departments`` is
    None when the department registry could not be read: that is reported once, there."""
    shown = display_path(path, root)
    author_id = path.stem
    if not ID_PATTERN.match(author_id):
        problems.add(
            shown,
            None,
            f"author id '{author_id}' (the file name) must be lower-case letters, digits and hyphens, like 'li-wei'",
        )
        return None
    try:
        data = read_yaml(path, shown, yaml_limits)
    except SourceError as exc:
        problems.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        found = "the file is empty" if data is None else f"found {describe(data)}"
        problems.add(
            shown,
            1,
            f"expected 'name: value' lines (name, kind, title, department, expertise, bio, …); {found}",
        )
        return None
    before = len(problems.errors)
    fields = _Fields(data, shown, 1, problems)
    fields.unknown(AUTHOR_FIELDS)
    fields.text(
        "id",
        required=False,
        check=lambda v: None if v == author_id else f"must equal the file name '{author_id}'",
    )
    name = fields.text("name")
    kind = fields.text(
        "kind",
        check=lambda v: (
            None if v in AUTHOR_KINDS else f"'{v}' is not a kind (expected one of: {', '.join(AUTHOR_KINDS)})"
        ),
    )
    title = fields.text("title")

    def known_departments(value: str) -> str | None:
        if departments is None or value in departments:
            return None
        return f"unknown department '{value}'" + suggest(value, departments)

    department = fields.text("department", check=known_departments)
    extra_departments = []
    for dep, line in fields.text_list("departments", required=False):
        if departments is not None and dep not in departments:
            problems.add(shown, line, f"unknown department '{dep}'" + suggest(dep, departments))
        elif dep != department and dep not in extra_departments:
            extra_departments.append(dep)
    expertise = [topic for topic, _ in fields.text_list("expertise")]
    bio = fields.text("bio")
    email = fields.text("email", required=False, check=email_problem)
    contact = fields.text("contact", required=False, check=contact_problem)
    github = fields.text("github", required=False, check=github_user_problem)
    links = []
    for link_kind, url, line in fields.mapping_of_text("links"):
        if link_kind not in link_kinds:
            problems.add(shown, line, f"unknown link '{link_kind}'" + suggest(link_kind, link_kinds))
        elif message := _safe_url(url):
            problems.add(shown, line, f"link '{link_kind}' {message}, found {url!r}")
        else:
            links.append(Link(link_kind, link_kinds[link_kind], url))
    affiliation = fields.text("affiliation", required=kind == GUEST)
    policy_allow = fields.text("policy-allow", required=False)  # judged by the policy rule
    until = fields.date("until")
    avatar = None
    avatar_name = fields.text("avatar", required=False)
    if avatar_name is not None:
        if "/" in avatar_name or "\\" in avatar_name or avatar_name.startswith("."):
            problems.add(
                shown,
                data["avatar"].line,
                f"'avatar' must be a file name next to {shown}, found {avatar_name!r}",
            )
        else:
            avatar = path.parent / avatar_name
            try:
                check_image(avatar, display_path(avatar, root), *image_limits)
            except SourceError as exc:
                problems.extend(exc.problems)
    bio_html = ""
    if bio:
        try:
            bio_html = renderer.render(bio, time_limit=render_seconds, rewrite_url=bio_urls)
        except RenderError as exc:
            problems.add(shown, data["bio"].line, f"'bio': {exc}")
    if len(problems.errors) > before:
        return None
    assert name and kind and title and department and bio
    return Author(
        id=author_id,
        name=name,
        kind=kind,
        title=title,
        department=department,
        departments=(department, *extra_departments),
        expertise=tuple(expertise),
        bio=bio,
        bio_html=bio_html,
        avatar=avatar,
        email=email,
        links=tuple(links),
        affiliation=affiliation,
        until=until,
        contact=contact,
        github=github.removeprefix("@") if github else None,
        source=shown,
        bio_line=data["bio"].line,
        expertise_line=data["expertise"].line,
        field_lines=field_lines(data),
        policy_allow=policy_allow,
    )


def load_network(
    root: Path,
    authors_dir: Path,
    departments_file: Path,
    *,
    link_kinds: dict[str, str] | None = None,
    image_limits: tuple[int, int] = (2 * 1024 * 1024, 16_000_000),
    renderer: MarkdownRenderer | None = None,
    render_seconds: float | None = None,
    yaml_limits: tuple[int, int] = (MAX_REGISTRY_BYTES, MAX_YAML_DEPTH),
    bio_urls: Callable[[str], str] | None = None,
) -> Network:
    """Read both registries; raise SourceError listing every problem found.

    ``yaml_limits`` bound every registry file: its size in bytes and its nesting depth;
    ``bio_urls`` maps each link and image URL of a bio as written to the one published."""
    problems = ProblemList(rule="registry")
    renderer = renderer or MarkdownRenderer()
    link_kinds = link_kinds or DEFAULT_LINK_KINDS
    departments, declared_departments = load_departments(departments_file, root, problems, yaml_limits)
    authors: dict[str, Author] = {}
    author_files: set[str] = set()  # every author id with a file, readable or not
    if not authors_dir.is_dir():
        problems.add(display_path(authors_dir, root), None, "author registry folder not found")
    else:
        seen_casefolded: dict[str, str] = {}
        for path in sorted(authors_dir.iterdir()):
            if path.suffix not in REGISTRY_SUFFIXES or path.name.startswith("."):
                continue
            folded = path.stem.casefold()
            if folded in seen_casefolded:
                first = seen_casefolded[folded]
                problems.add(
                    display_path(path, root), None, f"author id collides with {first}", also=(first,)
                )
                continue
            seen_casefolded[folded] = display_path(path, root)
            author_files.add(path.stem)
            author = load_author(
                path,
                root,
                declared_departments,
                problems,
                renderer,
                link_kinds,
                image_limits,
                render_seconds,
                yaml_limits,
                bio_urls,
            )
            if author:
                authors[author.id] = author
    for dep in departments.values():
        # A lead whose own file has problems is reported there, once.
        if dep.lead and dep.lead not in authors and dep.lead not in author_files:
            problems.add(
                dep.source,
                dep.field_lines.get("lead", dep.line),
                f"department '{dep.id}': unknown lead '{dep.lead}'" + suggest(dep.lead, authors),
            )
    problems.raise_if_errors()
    return Network(authors=authors, departments=departments)
