"""Every validation Chorus makes, as rules: functions of the :class:`~plugins.network.model.Site`.

``chorus check`` runs ``RULES`` on a site read from the sources; the build runs the same
list on the same kind of site before Pelican reads a single post. A rule therefore exists
once, and the check and the build cannot disagree. Only what rendering alone can find
(Markdown that cannot be rendered in time) is left to the build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import Problem
from ..memory import collection_paused
from ..model import Site
from . import (
    codeowners,
    comments,
    feed_ids,
    links,
    outputs,
    ownership,
    policy,
    publication,
    reading,
    redirects,
    registry,
    summaries,
    templates,
    translations,
    tree,
)


@dataclass(frozen=True)
class Rule:
    name: str
    check: Callable[[Site], Iterable[Problem]]
    # Rules that judge posts against the registries have nothing to say when those failed.
    needs_registry: bool = True


RULES: tuple[Rule, ...] = (
    Rule("reading", reading.unreadable, needs_registry=False),
    Rule("tree", tree.source_tree, needs_registry=False),
    Rule("registry", registry.expertise_topics),
    Rule("identity", registry.identities),
    Rule("reserved-ids", registry.reserved_ids),
    Rule("ownership", ownership.post_ownership),
    Rule("publication", publication.unpublished),
    Rule("summaries", summaries.summaries),
    Rule("links", links.references),
    Rule("related", links.related),
    Rule("translations", translations.translations),
    Rule("bios", links.bio_references),
    Rule("outputs", outputs.output_paths),
    Rule("tags", outputs.tag_spellings),
    Rule("feed-ids", feed_ids.feed_ids),
    Rule("redirects", redirects.redirects),
    Rule("lost-urls", redirects.lost_urls),
    Rule("policy", policy.policy),
    Rule("codeowners", codeowners.codeowners),
    Rule("comments", comments.comments_settings),
    Rule("github-handles", codeowners.github_handles),
    Rule("templates", templates.templates, needs_registry=False),
)


def run_rules(site: Site, rules: Iterable[Rule] = RULES) -> list[Problem]:
    """Every problem every rule finds, in reading order (path, line, column)."""
    found: list[Problem] = []
    with collection_paused():  # the rules' indexes of the site make many objects, no cycles
        for rule in rules:
            if rule.needs_registry and not site.registry_read:
                continue
            found.extend(rule.check(site))
    return sorted(set(found), key=lambda p: (p.path, p.line or 0, p.col or 0, p.rule, p.message))


__all__ = ["RULES", "Rule", "run_rules"]
