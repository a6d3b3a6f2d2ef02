"""The company's "what not to say" policy (``policy.yml``), applied to every post and page."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem, ProblemList, SourceError
from ..model import GUEST, Page, Post, Site
from ..policy import Policy, load_policy, parse_allowances, post_snippets, scan


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
        yield from _scan(source, rules, site)


def _scan(source: Page, rules: Policy, site: Site) -> Iterator[Problem]:
    kind, department = "expert", ""
    if isinstance(source, Post):
        authors = [site.network.authors.get(a) for a in source.authors]
        kind = GUEST if any(a is not None and a.is_guest for a in authors) else "expert"
        department = source.department
    problems = ProblemList(rule="policy-allow")
    allow = source.header.get("policy-allow")
    allowed = parse_allowances(
        allow.raw if allow else None, allow.line if allow else None, source.path, rules, problems
    )
    yield from problems.items
    header = {key: (field.raw, field.line) for key, field in source.header.items()}
    snippets = post_snippets(header, source.body, source.body_line)
    yield from scan(rules, snippets, kind=kind, department=department, allowed=allowed, shown=source.path)
