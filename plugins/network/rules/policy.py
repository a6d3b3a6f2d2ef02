"""The company's "what not to say" policy (``policy.yml``), applied to every source text.

Posts and pages (every header field, the body, alt texts, link URLs), the names of files
and folders under ``content/`` and of registry files, every author registry field and
every department field. Posts and author entries may carry a reviewed exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from ..errors import Problem, ProblemList, SourceError
from ..model import GUEST, Author, Page, Post, Site
from ..policy import (
    Policy,
    author_snippets,
    body_snippets,
    department_snippets,
    file_name_snippet,
    header_snippets,
    load_policy,
    parse_allowances,
    scan,
)


def policy(site: Site) -> Iterator[Problem]:
    try:
        rules = load_policy(
            site.root / str(site.settings["CHORUS_POLICY_FILE"]), site.root, set(site.network.departments)
        )
    except SourceError as exc:
        yield from exc.problems
        return
    if not rules.rules:
        return
    for source in (*site.posts, *site.pages):
        yield from _scan_source(source, rules, site)
    for author in site.network.authors.values():
        yield from _scan_author(author, rules)
    for department in site.network.departments.values():
        yield from scan(
            rules,
            department_snippets(department),
            kind="",
            departments=(department.id,),
            allowed={},
            shown=department.source,
        )
    yield from _scan_names(site, rules)


def _scan_source(source: Page, rules: Policy, site: Site) -> Iterator[Problem]:
    kind = "expert"  # pages are the company's own
    departments: tuple[str, ...] = ()
    if isinstance(source, Post):
        authors = [site.network.authors.get(a) for a in source.authors]
        kind = GUEST if any(a is not None and a.is_guest for a in authors) else "expert"
        departments = (source.department,)
    problems = ProblemList(rule="policy-allow")
    allow = source.header.get("policy-allow")
    allowed = parse_allowances(
        allow.raw if allow else None, allow.line if allow else None, source.path, rules, problems
    )
    yield from problems.items
    header = {key: (field.raw, field.line) for key, field in source.header.items()}
    snippets = [*header_snippets(header), *body_snippets(source.body, source.body_line)]
    yield from scan(rules, snippets, kind=kind, departments=departments, allowed=allowed, shown=source.path)
    name = file_name_snippet(PurePosixPath(source.source).name)
    yield from scan(rules, [name], kind=kind, departments=departments, allowed=allowed, shown=source.path)


def author_allowances(author: Author, rules: Policy, problems: ProblemList) -> dict[str, str]:
    """The rules an author entry's ``policy-allow`` names, with its reason."""
    return parse_allowances(
        author.policy_allow,
        author.field_lines.get("policy-allow"),
        author.source,
        rules,
        problems,
        key="policy-allow",
    )


def _scan_author(author: Author, rules: Policy) -> Iterator[Problem]:
    problems = ProblemList(rule="policy-allow")
    allowed = author_allowances(author, rules, problems)
    yield from problems.items
    yield from scan(
        rules,
        author_snippets(author),
        kind=author.kind,
        departments=author.departments,
        allowed=allowed,
        shown=author.source,
        allow_key="policy-allow",
    )


def _scan_names(site: Site, rules: Policy) -> Iterator[Problem]:
    """Names of static files, of folders under content/, and of registry files: each is
    published (in a URL, or as the file itself). A post's name is scanned with the post."""
    sources = {source.path for source in (*site.posts, *site.pages)}
    folders: dict[str, str] = {}
    for file in site.files:
        parts = PurePosixPath(file.relative).parts
        top = file.shown[: len(file.shown) - len(file.relative)]
        for depth in range(1, len(parts)):
            folders.setdefault(top + "/".join(parts[:depth]), parts[0] if file.in_content else "")
        if file.shown not in sources:
            owner = parts[0] if file.in_content and len(parts) > 1 else PurePosixPath(file.relative).stem
            yield from _scan_name(site, rules, file.shown, parts[-1], owner)
    for shown, owner in folders.items():
        yield from _scan_name(site, rules, shown, PurePosixPath(shown).name, owner)


def _scan_name(site: Site, rules: Policy, shown: str, name: str, owner: str) -> Iterator[Problem]:
    author = site.network.authors.get(owner)
    yield from scan(
        rules,
        [file_name_snippet(name)],
        kind=author.kind if author else "",
        departments=author.departments if author else (),
        allowed={},
        shown=shown,
    )
