"""The site model meets Pelican: the rules run before any post is read, and every article
gets its post.

- ``initialized``: the run's state, and a log filter for render failures reported here.
- ``article_generator_init`` (every plugin's settings applied, nothing read yet): the sources
  are read into the site model and every rule runs (``plugins.network.rules``, the list
  ``chorus check`` runs). Any error stops the build, listing every problem. Templates get
  the URL scheme (``urls``) and a new ``once`` (``plugins.network.once``).
- ``article_generator_pretaxonomy``: each Pelican article gets ``article.post`` (its
  :class:`~plugins.network.model.Post`), its authors (the folder's first), its department as
  category, its URL from the URL scheme, and the one publication status: drafts and
  scheduled posts leave every list.
- ``article_generator_finalized``: with CHORUS_PAGE_WORKERS above one, the generator's post
  and listing pages will be rendered by that many processes (``plugins.network.parallel_pages``);
  otherwise, in ``chorus serve``, they take what they can from the last build
  (``plugins.network.reuse``).
- ``all_generators_finalized``: each topic's, department's and author's list of posts
  becomes a :class:`PostList`; ``article_writer_finalized``: ``once`` lets go of what it kept.
- ``static_generator_finalized``: of the files of content/, only those a written source
  links are published (``publish_linked_files``).
- Output paths are claimed in the run's registry, so another feature that would write the
  same file fails instead of overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Category

from plugins.network import Problem, ProblemList, SourceError, get_state
from plugins.network.errors import ERROR
from plugins.network.links import linked_files
from plugins.network.once import RenderedOnce
from plugins.network.parallel import worker_count
from plugins.network.parallel_pages import render_pages_on_every_core
from plugins.network.posts import is_page_source
from plugins.network.reuse import reuse_pages
from plugins.network.rules import run_rules
from plugins.network.state import install_log_filter
from plugins.network.urls import Output


def start(pelican) -> None:
    install_log_filter(get_state(pelican.settings))


def run_site_rules(generator) -> None:
    """Read the sources and run every rule before Pelican reads a post."""
    state = get_state(generator.settings)
    generator.context["urls"] = state.urls  # the one URL scheme, for templates (docs/theme.md)
    # A card or avatar rendered once a build; with relative URLs they differ by page.
    generator.context["once"] = RenderedOnce(remember=not generator.settings.get("RELATIVE_URLS"))
    # Warnings and information are for reviewers, who see them in `chorus check`; they
    # never block publishing (docs/editorial.md), so the build acts on errors only.
    errors = [p for p in run_rules(state.site) if p.level == ERROR]
    if errors:
        raise SourceError(errors)


def _render_failures(state, keep) -> list[Problem]:
    return [p for path, items in state.reader_problems.items() if keep(path) for p in items]


def assign_authors(generator) -> None:
    """Each article's post, authors, department and publication status, from the site model."""
    settings = generator.settings
    state = get_state(settings)
    site, network = state.site, state.site.network
    problems = ProblemList()
    problems.extend(_render_failures(state, lambda p: not is_page_source(p, settings["PAGE_PATHS"])))
    problems.raise_if_errors()
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

    published: list = []
    hidden: list = []
    drafts: list = []
    for article in [*generator.articles, *generator.drafts, *generator.hidden_articles]:
        post = site.posts_by_source[article.relative_source_path]
        article.post = post
        article.authors = [author_wrapper(a) for a in post.authors]
        article.author = article.authors[0]
        article.category = category(post.department)
        article.department = network.departments[post.department]
        # Pelican knows three states; a scheduled or expired post is a draft to it.
        article.status = post.status.value if post.status.written else "draft"
        if post.status.written:
            _place(article, state.urls.source(post))
        {"published": published, "hidden": hidden, "draft": drafts}[article.status].append(article)
    generator.articles[:] = sorted(published, key=lambda a: (a.date, a.source_path), reverse=True)
    generator.hidden_articles[:] = hidden
    generator.drafts[:] = drafts
    state.published = list(generator.articles)
    for article in sorted(published + hidden, key=lambda a: a.source_path):
        state.outputs.claim_or_raise(article.save_as, state.shown(article.source_path))


def _place(content, output: Output) -> None:
    """Give Pelican's post or page the URL the site's URL scheme gives it.

    Pelican would format ARTICLE_URL from the metadata on every read of ``url`` (about
    30 reads a post in a build: links, feeds, cards, listings); the scheme says the same
    once. Only the URL: Pelican takes an ``override_save_as`` to mean that the page may
    overwrite another file (``override_output``), which no post may."""
    content.override_url = output.url


def order_departments(generator) -> None:
    """Pelican sorts its categories by name; list the departments in registry order, as the
    home page, directory, feeds and health page do (the same list is the template's
    ``categories``)."""
    network = get_state(generator.settings).network
    generator.categories.sort(key=lambda item: network.department_rank(item[0].slug))


class PostList(list):
    """The posts of one topic, department or author, whose ``in`` is a set lookup.

    For each topic, department and author page Pelican keeps the network's posts that are
    ``in`` its list (``generate_tags`` and its siblings): a scan of a list for each of
    10,000 posts, 800 times at 10,000 posts (5 s of a warm build). The set is made again
    before a lookup when the list may have changed since: another length, an item set,
    or a copy (whose ids are its own)."""

    __slots__ = ("_ids", "_made")

    def __init__(self, posts: Iterable[Any] = ()) -> None:
        super().__init__(posts)
        self._index()

    def _index(self) -> None:
        self._ids, self._made = frozenset(map(id, self)), (id(self), len(self))

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._made = (0, -1)  # made again before the next lookup

    def __contains__(self, item: object) -> bool:
        if self._made != (id(self), len(self)):
            self._index()
        return id(item) in self._ids  # Pelican's posts are equal only to themselves


def index_groupings(generators: list) -> None:
    """Make each topic's, department's and author's list of posts a :class:`PostList`, once
    every generator is done with them (author_profiles makes the authors' lists anew)."""
    for generator in generators:
        if not isinstance(generator, ArticlesGenerator):
            continue
        for tag, posts in generator.tags.items():
            generator.tags[tag] = PostList(posts)
        for groups in (generator.categories, generator.authors):
            groups[:] = [(key, PostList(posts)) for key, posts in groups]


def forget_rendered_once(generator, writer) -> None:
    """Post pages and listings are written: what ``once`` kept (every post's card: 1.3
    million characters at 1,000 posts) is freed before feeds, profiles and the search
    index; the few pieces rendered after this are rendered again."""
    generator.context["once"].forget()


def pages_on_every_core(generator) -> None:
    workers = worker_count(generator.settings["CHORUS_PAGE_WORKERS"])
    if workers > 1:  # one: Pelican's own loop, untouched
        render_pages_on_every_core(generator, workers)
    elif (state := get_state(generator.settings)).preview:
        # `chorus serve`: the next build takes the pages nothing it changes reaches.
        reuse_pages(generator, state)


def claim_pages(generator) -> None:
    settings = generator.settings
    state = get_state(settings)
    problems = ProblemList()
    problems.extend(_render_failures(state, lambda p: is_page_source(p, settings["PAGE_PATHS"])))
    problems.raise_if_errors()
    for page in [*generator.pages, *generator.hidden_pages]:
        _place(page, state.urls.source(state.site.by_source[page.relative_source_path]))
        state.outputs.claim_or_raise(page.save_as, state.shown(page.source_path))


def publish_linked_files(generator) -> None:
    """Pelican publishes every file of content/ it finds, and every file a source it read
    links, drafts included: an image that only a draft shows would be online before the
    post. Of the files it found, only those the written posts and pages link in their
    rendered HTML (or a bio, or redirects.yml) are kept (``links.linked_files``)."""
    context = generator.context
    written = [
        *context.get("articles", ()),
        *context.get("hidden_articles", ()),
        *context.get("pages", ()),
        *context.get("hidden_pages", ()),
    ]  # translations are articles of their own (ARTICLE_TRANSLATION_ID is None)
    rendered = [
        (content.relative_source_path, markup)
        for content in written
        for markup in (content._content, getattr(content, "_summary", None))
        if markup
    ]
    state = get_state(generator.settings)
    unresolved: list[tuple[str, str]] = []
    linked = linked_files(state.site, rendered, unresolved)
    if unresolved:  # never a page linking nowhere, even where chorus check could not see the link
        raise SourceError(
            [
                Problem(
                    state.site.by_source[source].path,
                    None,
                    f"links '{url}', which is neither a file of content/ nor a page of the site"
                    " (chorus check did not find this link in the source, so its line cannot be"
                    " named; please report the way it is written to the maintainers of Chorus)",
                    rule="links",
                )
                for source, url in dict.fromkeys(unresolved)
            ]
        )
    generator.staticfiles[:] = [f for f in generator.staticfiles if f.relative_source_path in linked]


def claim_static(generator) -> None:
    state = get_state(generator.settings)
    for static in generator.staticfiles:
        state.outputs.claim_or_raise(static.save_as, state.shown(static.source_path))


def register() -> None:
    signals.initialized.connect(start)
    signals.article_generator_init.connect(run_site_rules)
    signals.article_generator_pretaxonomy.connect(assign_authors)
    signals.article_generator_finalized.connect(order_departments)
    signals.all_generators_finalized.connect(index_groupings)
    signals.article_writer_finalized.connect(forget_rendered_once)
    signals.article_generator_finalized.connect(pages_on_every_core)
    signals.page_generator_finalized.connect(claim_pages)
    signals.static_generator_finalized.connect(publish_linked_files)  # before claim_static, clean_images
    signals.static_generator_finalized.connect(claim_static)
