"""Fail the build when a published post or page says what the policy forbids.

The same rules run in ``chorus check`` before merging; this is the backstop, so a mistake
that slips through review still never reaches a page, a feed, ``network.json`` or a search
index. It runs when every article is read and before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from plugins.network import ProblemList, SourceError, get_state
from plugins.network.errors import ERROR
from plugins.network.policy import load_site_policy, parse_allowances, post_snippets, scan
from plugins.network.posts import parse_post_file


def load_policy(pelican) -> None:
    state = get_state(pelican.settings)
    state.policy = load_site_policy(state)


def _enforce(state, contents, kind_of, department_of) -> None:
    policy = state.policy
    if not policy.rules:
        return
    problems = ProblemList(rule="policy")
    for content in contents:
        parsed = parse_post_file(
            Path(content.source_path),
            state.content_path,
            state.shown(content.source_path),
            state.settings["PAGE_PATHS"],
            state.settings["CHORUS_MAX_POST_BYTES"],
        )
        allow_value, allow_line = parsed.header.fields.get("policy-allow", (None, None))
        allowed = parse_allowances(allow_value, allow_line, parsed.shown, policy, problems)
        snippets = post_snippets(parsed.header.fields, parsed.header.body, parsed.header.body_line)
        for problem in scan(
            policy,
            snippets,
            kind=kind_of(content),
            department=department_of(content),
            allowed=allowed,
            shown=parsed.shown,
        ):
            if problem.level == ERROR:
                problems.items.append(problem)
    if problems.errors:
        raise SourceError(problems.errors)


def check_articles(generator) -> None:
    state = get_state(generator.settings)
    _enforce(
        state,
        list(generator.articles) + list(generator.hidden_articles),
        kind_of=lambda a: "guest" if any(author.profile.is_guest for author in a.authors) else "expert",
        department_of=lambda a: a.department.id,
    )


def check_pages(generator) -> None:
    state = get_state(generator.settings)
    _enforce(
        state,
        list(generator.pages) + list(generator.hidden_pages),
        kind_of=lambda p: "expert",
        department_of=lambda p: "",
    )


def register() -> None:
    signals.initialized.connect(load_policy)
    signals.article_generator_finalized.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
