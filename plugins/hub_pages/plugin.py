"""What the home and department pages summarise, computed once per build.

For every department: its lead, current experts, newest posts and most written-about
topics; for the network: featured posts and the most active topics. Departments that have
no post yet still get their page, so every department in ``network.json`` resolves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pelican import signals
from pelican.urlwrappers import Category

from plugins.network import get_state
from plugins.network.model import Author, Department
from plugins.network.settings import Setting, SettingsSpec, is_positive_int

SETTINGS = SettingsSpec(
    "HUB_PAGES_",
    Setting(
        "HUB_PAGES_LATEST_PER_DEPARTMENT",
        3,
        "Newest posts shown per department on the home page.",
        is_positive_int,
    ),
    Setting("HUB_PAGES_FEATURED", 3, "Featured posts shown on the home page.", is_positive_int),
    Setting(
        "HUB_PAGES_TOPICS", 12, "Most active topics shown on the home and department pages.", is_positive_int
    ),
    Setting(
        "HUB_PAGES_HERO_PEOPLE",
        12,
        "Faces shown in the home page's hero, each linking to a profile (the rest behind '+N').",
        is_positive_int,
    ),
)


@dataclass
class DepartmentSummary:
    department: Department
    url: str
    lead: Author | None
    experts: list = field(default_factory=list)  # current model Authors
    latest: list = field(default_factory=list)  # published articles
    topics: list = field(default_factory=list)  # (Tag, count)
    post_count: int = 0


@dataclass
class HubSummary:
    departments: list[DepartmentSummary]
    featured: list
    topics: list  # (Tag, count)
    people: list = field(
        default_factory=list
    )  # current writers (model Authors), experts first, registry order
    post_count: int = 0  # published posts in the network


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def _top_tags(articles, limit: int) -> list:
    counts = Counter(tag for article in articles for tag in getattr(article, "tags", []))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].name.casefold()))[:limit]


def summarise(generator) -> None:
    settings = generator.settings
    state = get_state(settings)
    network = state.network
    published = list(generator.articles)
    by_department: dict[str, list] = {}
    for article in published:
        by_department.setdefault(article.department.id, []).append(article)
    summaries = []
    for department in network.departments.values():
        articles = by_department.get(department.id, [])
        experts = [a for a in network.members(department.id) if not a.is_former(state.today)]
        summaries.append(
            DepartmentSummary(
                department=department,
                url=state.urls.department(department.id).url,
                lead=network.authors.get(department.lead) if department.lead else None,
                experts=experts,
                latest=articles[: settings["HUB_PAGES_LATEST_PER_DEPARTMENT"]],
                topics=_top_tags(articles, settings["HUB_PAGES_TOPICS"]),
                post_count=len(articles),
            )
        )
    people: dict[str, Author] = {}
    for summary in summaries:
        for author in summary.experts:
            people.setdefault(author.id, author)
    hub = HubSummary(
        people=sorted(people.values(), key=lambda author: author.is_guest),
        post_count=len(published),
        departments=summaries,
        featured=[a for a in published if getattr(a, "featured", False)][: settings["HUB_PAGES_FEATURED"]],
        topics=_top_tags(published, settings["HUB_PAGES_TOPICS"]),
    )
    generator.context["hub"] = hub
    for category, _ in generator.categories:
        category.hub = next((s for s in summaries if s.department.id == category.slug), None)


def write_empty_departments(generator, writer) -> None:
    """Pelican writes a department page only when it has posts; write the others too."""
    state = get_state(generator.settings)
    written = {category.slug for category, _ in generator.categories}
    template = generator.get_template("category")
    for summary in generator.context["hub"].departments:
        if summary.department.id in written:
            continue
        category = Category(summary.department.name, generator.settings)
        category.slug = summary.department.id
        category.department = summary.department
        category.hub = summary
        page = state.urls.department(category.slug)
        state.outputs.claim_or_raise(
            page.save_as, state.network.departments[category.slug].source or "departments.yml"
        )
        writer.write_file(
            page.save_as,
            template,
            generator.context,
            # As Pelican passes a department's lists (which it also pages through): a
            # template reading articles or dates must not get the whole network's.
            articles=[],
            dates=[],
            template_name="category",
            url=page.url,
            category=category,
            page_name=page.save_as.removesuffix("/index.html"),
        )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(summarise)
    signals.article_writer_finalized.connect(write_empty_departments)
