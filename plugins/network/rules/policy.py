"""The company's "what not to say" policy (``policy.yml``), applied to every post and page:
every header field, the body, alt texts, link URLs and HTML attribute values."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Problem, ProblemList, SourceError
from ..model import GUEST, Page, Post, Site
from ..policy import (
    Policy,
    body_snippets,
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
