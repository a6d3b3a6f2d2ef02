"""Turn ``content/<author-id>/*.md`` into posts owned by registry authors.

- The author comes from the folder, never from metadata; a contradicting ``Author:`` fails.
- Co-authors and the department are checked against the registries.
- Drafts and future-dated posts are moved out of every listing by one predicate.
- Every output path is claimed once: two sources that would write the same file fail,
  naming both, instead of one silently overwriting the other.

All checks run in ``*_init``/``*_pretaxonomy``/``*_finalized`` handlers: Pelican skips an
article silently when a ``*_context`` handler raises.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from pelican import signals
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Category

from plugins.network import Problem, ProblemList, SourceError, get_state
from plugins.network.ownership import resolve_ownership
from plugins.network.posts import is_page_source
from plugins.network.publication import publication_state
from plugins.network.state import install_log_filter
from plugins.network.tree import scan_source_tree
from plugins.network.urls import TagSpellings, reserved_slug_message, reserved_top_level


def check_sources(pelican) -> None:
    """Before reading: registries load, no symlinks, only allowed file types in content/."""
    state = get_state(pelican.settings)
    install_log_filter(state)
    problems = ProblemList()
    try:
        state.network  # noqa: B018  (loads and validates both registries)
    except SourceError as exc:
        problems.extend(exc.problems)
    problems.extend(scan_source_tree(state))
    problems.raise_if_errors()


def _reader_problems(state, prefix_filter) -> list[Problem]:
    return [p for path, items in state.reader_problems.items() if prefix_filter(path) for p in items]


def assign_authors(generator) -> None:
    """Owner from the folder, co-authors and department from the registries, publication state."""
    settings = generator.settings
    state = get_state(settings)
    network = state.network
    problems = ProblemList()
    problems.extend(_reader_problems(state, lambda p: not is_page_source(p, settings["PAGE_PATHS"])))
    wrappers: dict[str, PelicanAuthor] = {}
    categories: dict[str, Category] = {}

    def author_wrapper(author_id: str) -> PelicanAuthor:
        # One Pelican Author per author for the whole run: Pelican groups by these objects.
        if author_id not in wrappers:
            profile = network.authors[author_id]
            wrapper = PelicanAuthor(profile.name, settings)
            wrapper.slug = author_id
            wrapper.profile = profile
            wrappers[author_id] = wrapper
        return wrappers[author_id]

    def category(department_id: str) -> Category:
        if department_id not in categories:
            department = network.departments[department_id]
            wrapper = Category(department.name, settings)
            wrapper.slug = department_id
            wrapper.department = department
            categories[department_id] = wrapper
        return categories[department_id]

    everything = list(generator.articles) + list(generator.drafts) + list(generator.hidden_articles)
    valid = []
    for article in everything:
        shown = state.shown(article.source_path)
        lines = article.metadata.get("meta_lines", {})
        relative = PurePosixPath(
            Path(article.source_path).resolve().relative_to(state.content_path).as_posix()
        )
        ownership = resolve_ownership(
            relative,
            claim=article.metadata.get("author_claim"),
            coauthor_ids=article.metadata.get("coauthor_ids", ()),
            department_id=article.metadata.get("department_id"),
            lines=lines,
            network=network,
            shown=shown,
            problems=problems,
        )
        if ownership is None:
            continue
        owner, department_id = ownership.owner, ownership.department
        article.authors = [author_wrapper(a) for a in ownership.authors]
        article.author = article.authors[0]
        article.category = category(department_id)
        article.department = network.departments[department_id]
        article.owner_id = owner
        valid.append(article)

    spellings = TagSpellings()
    for article in sorted(valid, key=lambda a: a.source_path):
        shown = state.shown(article.source_path)
        for tag in getattr(article, "tags", []):
            if message := spellings.clash(tag.name, tag.slug, shown):
                problems.add(shown, article.metadata["meta_lines"].get("tags"), message, rule="tags")
    problems.raise_if_errors()

    # Publication: one predicate, applied before any listing, feed or index is derived.
    published, hidden, drafts = [], [], []
    for article in valid:
        article.status = publication_state(article.status, article.date, state.now)
        {"published": published, "hidden": hidden, "draft": drafts}[article.status].append(article)
    generator.articles[:] = sorted(published, key=lambda a: (a.date, a.source_path), reverse=True)
    generator.hidden_articles[:] = hidden
    generator.drafts[:] = drafts
    state.published = list(generator.articles)
    for article in sorted(published + hidden, key=lambda a: a.source_path):
        problem = state.outputs.claim(article.save_as, state.shown(article.source_path))
        if problem:
            problems.items.append(problem)
    problems.raise_if_errors()


def check_pages(generator) -> None:
    settings = generator.settings
    state = get_state(settings)
    problems = ProblemList()
    problems.extend(_reader_problems(state, lambda p: is_page_source(p, settings["PAGE_PATHS"])))
    reserved = reserved_top_level(settings)
    for page in list(generator.pages) + list(generator.hidden_pages) + list(generator.draft_pages):
        shown = state.shown(page.source_path)
        if message := reserved_slug_message(page.slug, reserved):
            problems.add(
                shown, page.metadata.get("meta_lines", {}).get("slug"), message, rule="url-collision"
            )
            continue
        if page.status != "draft":
            problem = state.outputs.claim(page.save_as, shown)
            if problem:
                problems.items.append(problem)
    problems.raise_if_errors()


def claim_static(generator) -> None:
    state = get_state(generator.settings)
    problems = ProblemList()
    for static in generator.staticfiles:
        problem = state.outputs.claim(static.save_as, state.shown(static.source_path))
        if problem:
            problems.items.append(problem)
    problems.raise_if_errors()


def register() -> None:
    signals.initialized.connect(check_sources)
    signals.article_generator_pretaxonomy.connect(assign_authors)
    signals.page_generator_finalized.connect(check_pages)
    signals.static_generator_finalized.connect(claim_static)
