"""Profiles for every registry author, the expert directory and the expertise index.

- Avatars for every author are written once per build (cached across builds) and attached
  to the Pelican Author wrappers as ``avatar_images``.
- Pelican writes ``author.html`` only for authors with posts, paginating every post that
  names them. Here every registry author gets a profile, and the paginated list is the
  author's *own* posts; co-written posts and most-written topics come as
  ``author.profile_page`` (a :class:`~.views.ProfilePage`). For that, ``generator.authors``
  (what Pelican's author pages iterate) is replaced by one entry per registry author; the
  ``authors`` template variable keeps Pelican's meaning.
- The directory (``AUTHORS_SAVE_AS``, written by Pelican from ``authors.html``), one
  directory per author kind and the expertise index are described by ``author_directory``
  in the template context; the last two are written here.

Every file written is claimed in the run's output registry first, so an author whose id
would put their profile where the directory writes fails with both named.
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.paginator import Paginator
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Tag

from plugins.network import ProblemList, get_state
from plugins.network.errors import display_path
from plugins.network.i18n import N_, autonym, language
from plugins.network.model import AUTHOR_KINDS, EXPERT, GUEST
from plugins.network.settings import switch_off_pages
from plugins.network.state import OutputRegistry

from .avatars import make_avatars
from .contributions import contributions, department_groups, expertise_index, topics_by_author
from .settings import SETTINGS
from .views import DepartmentLink, Directory, DirectoryKind, profile_page

KIND_LABELS = {EXPERT: N_("In-house experts"), GUEST: N_("Guest contributors")}
DIRECTORY_TEMPLATE = "authors"
EXPERTISE_TEMPLATE = "expertise"


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)
    if not pelican.settings["AUTHOR_PROFILES_DIRECTORY"]:
        # Profiles stay; the directory (Pelican's "authors" direct template) and its script go.
        switch_off_pages(pelican.settings, ["authors"], ["directory.js"])


def _wrappers(generator, network) -> dict:
    """One Pelican Author per registry author: the ones on posts, new ones for the rest."""
    settings = generator.settings
    wrappers: dict[str, PelicanAuthor] = {}
    for article in list(generator.articles) + list(generator.hidden_articles) + list(generator.drafts):
        for wrapper in getattr(article, "authors", []):
            wrappers.setdefault(wrapper.slug, wrapper)
    for author in network.authors.values():
        if author.id not in wrappers:
            wrapper = PelicanAuthor(author.name, settings)
            wrapper.slug = author.id
            wrapper.profile = author
            wrappers[author.id] = wrapper
    return wrappers


def write_avatars(generator, state, wrappers: dict) -> dict:
    settings = generator.settings
    cache_dir = state.cache_dir("avatars")
    avatars = {}
    for author in state.network.authors.values():
        shown = display_path(author.avatar, state.root) if author.avatar else author.source
        avatar_set = make_avatars(
            author,
            list(settings["AUTHOR_PROFILES_AVATAR_SIZES"]),
            cache_dir,
            Path(generator.output_path),
            state.urls,
            list(settings["AUTHOR_PROFILES_AVATAR_FORMATS"]),
            shown,
        )
        for image in avatar_set.images:
            state.outputs.claim_or_raise(image.url, author.source)
        avatars[author.id] = avatar_set
    # Pelican may hold more than one wrapper per author (equal by slug): attach to each.
    for article in list(generator.articles) + list(generator.hidden_articles):
        for wrapper in article.authors:
            wrapper.avatar_images = avatars.get(wrapper.slug)
    for author_id, wrapper in wrappers.items():
        wrapper.avatar_images = avatars.get(author_id)
    return avatars


def _topic_slug(settings: dict):
    """The slug a tag with this text would get, so listed expertise meets written topics."""

    def slug(text: str) -> str:
        return Tag(text, settings).slug if text.strip() else ""

    return slug


def _profile_outputs(wrapper, own_posts, settings) -> list[str]:
    """Every file Pelican writes for this author's profile, pagination included."""
    if not wrapper.save_as:
        return []
    if "author" not in settings["PAGINATED_TEMPLATES"]:
        return [wrapper.save_as]
    per_page = settings["PAGINATED_TEMPLATES"]["author"] or settings["DEFAULT_PAGINATION"]
    paginator = Paginator(wrapper.save_as, wrapper.url, list(own_posts), settings, per_page)
    return [paginator.page(n).save_as for n in paginator.page_range]


def _site_pages(urls, settings) -> list[tuple[str, str, str]]:
    """(save_as, setting, what) of the pages this plugin adds to the author folder."""
    if not settings["AUTHOR_PROFILES_DIRECTORY"]:
        return []
    pages = [(urls.expertise_index().save_as, "AUTHOR_PROFILES_EXPERTISE_SAVE_AS", "the expertise index")]
    for kind in AUTHOR_KINDS:
        pages.append(
            (urls.author_directory(kind).save_as, "AUTHOR_PROFILES_KIND_SAVE_AS", f"the directory of {kind}s")
        )
    if urls.author_directory().save_as:
        pages.append((urls.author_directory().save_as, "AUTHORS_SAVE_AS", "the expert directory"))
    return pages


def _claim_outputs(state, settings, wrappers, own_by_author) -> None:
    """Claim every profile and directory file; an author id that lands on a directory page
    gets a message naming the setting to change, not only the clash."""
    problems = ProblemList()
    site_pages = []
    for save_as, setting, what in _site_pages(state.urls, settings):
        alone = OutputRegistry()  # compares paths as the run's registry does (case, Unicode)
        alone.claim(save_as, setting)
        site_pages.append((alone, setting, what))
    for author_id, wrapper in sorted(wrappers.items()):
        source = state.network.authors[author_id].source
        for output in _profile_outputs(wrapper, own_by_author[author_id], settings):
            taken = next(((setting, what) for alone, setting, what in site_pages if output in alone), None)
            if taken:
                problems.add(
                    source,
                    None,
                    f"the profile of '{author_id}' would be written to '{output}', where {taken[1]} is written (rename the author, or change {taken[0]})",
                )
            elif problem := state.outputs.claim(output, source):
                problems.items.append(problem)
    if not problems.errors:
        for save_as, setting, _ in _site_pages(state.urls, settings):
            if problem := state.outputs.claim(save_as, setting):
                problems.items.append(problem)
    problems.raise_if_errors()


def _check_expertise(network, slug_of) -> None:
    problems = ProblemList()
    for author in network.authors.values():
        for topic in author.expertise:
            if not slug_of(topic):
                problems.add(
                    author.source,
                    None,
                    f"expertise topic {topic!r} has no letters or digits to link it with; write it out, like 'flow meters'",
                )
    problems.raise_if_errors()


def prepare_profiles(generator) -> None:
    """After the articles are read and published: avatars, profiles, directory, claims."""
    settings = generator.settings
    state = get_state(settings)
    network = state.network
    slug_of = _topic_slug(settings)
    _check_expertise(network, slug_of)
    wrappers = _wrappers(generator, network)
    avatars = write_avatars(generator, state, wrappers)
    contributed = contributions(network.authors, state.published)
    current = [a for a in network.authors.values() if not a.is_former(state.today)]
    topics = expertise_index(
        current, lambda i: contributed[i].topics, slug_of, settings["AUTHOR_PROFILES_TOPIC_WRITERS"]
    )
    indexed = {topic.slug for topic in topics}
    department_link = _department_links(generator, state)
    for author_id, wrapper in wrappers.items():
        author = network.authors[author_id]
        wrapper.profile = author
        wrapper.profile_page = profile_page(
            author,
            contributed[author_id],
            avatars.get(author_id),
            settings,
            state.urls,
            # Only topics the index has a section for get a link (a former contributor's
            # expertise may be nobody's current one).
            topic_slug=lambda text: slug if (slug := slug_of(text)) in indexed else "",
            department_link=department_link,
            today=state.today,
        )
    own_by_author = {author_id: list(c.own) for author_id, c in contributed.items()}
    _claim_outputs(state, settings, wrappers, own_by_author)
    # Pelican writes author pages from generator.authors: every registry author, own posts only.
    generator.authors = sorted(
        ((wrappers[i], own_by_author[i]) for i in network.authors), key=lambda pair: pair[0].name.casefold()
    )
    generator.context["author_directory"] = _directory(settings, state, current, topics, wrappers)


def _directory(settings, state, current, topics, wrappers) -> Directory:
    network, urls = state.network, state.urls
    former = [a for a in network.authors.values() if a.is_former(state.today)]
    lang = language(settings)
    kinds = (DirectoryKind("", lang.gettext("Everyone"), urls.author_directory().url),) + tuple(
        DirectoryKind(kind, lang.gettext(KIND_LABELS[kind]), urls.author_directory(kind).url)
        for kind in AUTHOR_KINDS
    )
    return Directory(
        groups=department_groups(network, current),
        former=tuple(sorted(former, key=lambda a: a.name.casefold()))
        if settings["AUTHOR_PROFILES_DIRECTORY_FORMER"]
        else (),
        topics=topics,
        topics_of=topics_by_author(topics),
        people=wrappers,
        kinds=kinds,
        expertise_url=urls.expertise_index().url if settings["AUTHOR_PROFILES_DIRECTORY"] else None,
        current_count=len(current),
        languages_of=_languages(state.published, lang.tag),
    )


def _languages(published, default: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Who writes in which languages (co-written posts count for every author), the most
    written first; nothing when every post is in one language."""
    counts: dict[str, dict[str, int]] = {}
    for article in published:
        code = article.post.language(default)
        for author_id in article.post.authors:
            per_author = counts.setdefault(author_id, {})
            per_author[code] = per_author.get(code, 0) + 1
    if len({code for per_author in counts.values() for code in per_author}) < 2:
        return {}
    return {
        author_id: tuple(
            (code, autonym(code)) for code in sorted(per_author, key=lambda c: (-per_author[c], c))
        )
        for author_id, per_author in counts.items()
    }


def _department_links(generator, state):
    """A department as a profile names it: linked while it has a page (Pelican writes one only
    for departments with posts; another feature may write the rest and claim them)."""
    written = {category.slug for category, _ in generator.categories}

    def link(department_id: str) -> DepartmentLink:
        page = state.urls.department(department_id)
        has_page = department_id in written or (page.save_as and page.save_as in state.outputs)
        return DepartmentLink(state.network.departments[department_id], page.url if has_page else None)

    return link


def write_directory_pages(generator, writer) -> None:
    """The directory of each author kind and the expertise index (the full directory is
    Pelican's AUTHORS_SAVE_AS direct template)."""
    settings = generator.settings
    directory = generator.context.get("author_directory")
    if directory is None or not directory.enabled:
        return
    urls = get_state(settings).urls
    relative = settings["RELATIVE_URLS"]
    for kind in directory.kinds[1:]:
        page = urls.author_directory(kind.kind)
        writer.write_file(
            page.save_as,
            generator.get_template(DIRECTORY_TEMPLATE),
            generator.context,
            relative,
            url=page.url,
            directory_kind=kind,
            page_name=page.save_as.rsplit(".", 1)[0],
        )
    page = urls.expertise_index()
    writer.write_file(
        page.save_as,
        generator.get_template(EXPERTISE_TEMPLATE),
        generator.context,
        relative,
        url=page.url,
        page_name=page.save_as.rsplit(".", 1)[0],
    )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(prepare_profiles)
    signals.article_writer_finalized.connect(write_directory_pages)
