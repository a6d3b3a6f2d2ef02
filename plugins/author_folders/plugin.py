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
  Topic, department and author pages get their posts by date without Pelican's scan of the
  network per page (``group_pages_by_date_rank``).
- ``article_writer_finalized``: ``once`` lets go of what it kept.
- ``static_generator_finalized``: of the files of content/, only those a written source
  links are published (``publish_linked_files``).
- Output paths are claimed in the run's registry, so another feature that would write the
  same file fails instead of overwriting it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from pelican import signals
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Category
from pelican.writers import FileOverwriteFailedError

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


def group_pages_by_date_rank(generator) -> None:
    """Pelican's topic, department and author pages, each given its posts by date (``dates``)
    from one ranking of the network's posts.

    Pelican makes each page's ``dates`` by asking, for each of the network's posts, whether
    it is ``in`` the page's list (``generate_tags`` and its siblings): a list scan per post,
    or 8 million lookups at 10,000 posts with a set behind each list. Here each list is
    sorted by the post's place in ``generator.dates``, which is the same subsequence."""
    for method, template, groups, keyword in (
        ("generate_tags", "tag", lambda: generator.tags.items(), "tag"),
        ("generate_categories", "category", lambda: generator.categories, "category"),
        ("generate_authors", "author", lambda: generator.authors, "author"),
    ):
        setattr(generator, method, partial(_write_groups, generator, template, groups, keyword))


def _write_groups(generator, template_name: str, groups: Any, keyword: str, write: Any) -> None:
    """One of ``ArticlesGenerator.generate_tags``, ``generate_categories``, ``generate_authors``
    (Pelican 4.12), with the page's ``dates`` sorted by rank instead of filtered."""
    template = generator.get_template(template_name)
    rank = {id(post): place for place, post in enumerate(generator.dates)}
    for group, posts in groups():
        # Each post once (as Pelican's filter gives it), in the order of generator.dates.
        ranked = {id(post): post for post in posts if id(post) in rank}
        dates = sorted(ranked.values(), key=lambda post: rank[id(post)])
        try:
            write(
                group.save_as,
                template,
                generator.context,
                url=group.url,
                articles=posts,
                dates=dates,
                template_name=template_name,
                blog=True,
                page_name=group.page_name,
                all_articles=generator.articles,
                **{keyword: group},
            )
        except FileOverwriteFailedError:
            # Pelican logs before it raises; here chorus.build reports the raised error as a
            # problem naming the file. A group whose name makes no slug is skipped, as
            # Pelican skips it.
            if group.slug:
                raise


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
    signals.article_generator_finalized.connect(group_pages_by_date_rank)
    signals.article_writer_finalized.connect(forget_rendered_once)
    signals.article_generator_finalized.connect(pages_on_every_core)
    signals.page_generator_finalized.connect(claim_pages)
    signals.static_generator_finalized.connect(publish_linked_files)  # before claim_static, clean_images
    signals.static_generator_finalized.connect(claim_static)
