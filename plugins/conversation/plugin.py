"""Share links on every post, and comments readers opt into (docs/conversation.md).

- ``initialized``: the COMMENTS_* settings are checked (``settings.SETTINGS``).
- ``article_generator_finalized`` (every post read, nothing written): what the settings say
  about the content is checked (departments exist, the comment policy page is written),
  then every written post gets ``article.conversation``, a
  :class:`~.views.Conversation`: its share links, and its comments section or None.

Threads are keyed by the post's stable id, the one its feed entries carry
(``plugins.network.postid``), so a post that moves or is renamed keeps its conversation.
"""

from __future__ import annotations

from pelican import signals

from plugins.network import get_state
from plugins.network.errors import ConfigError, Problem
from plugins.network.load import suggest
from plugins.network.postid import id_domain, stable_id
from plugins.network.settings import SETTINGS_FILE

from .settings import SETTINGS
from .views import CommentsSetup, Conversation, share_links


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def check_against_site(settings, state) -> str | None:
    """Raise ConfigError for settings that name what the content lacks; answer the
    comment policy page's URL (None without one)."""
    problems = []
    departments = state.network.departments
    for department in settings["COMMENTS_OFF_DEPARTMENTS"]:
        if department not in departments:
            problems.append(
                f"COMMENTS_OFF_DEPARTMENTS: unknown department {department!r}"
                + suggest(department, departments)
            )
    slug = settings["COMMENTS_POLICY_PAGE"]
    policy_url = None
    if settings["COMMENTS_PROVIDER"] is not None and slug is not None:
        page = next((p for p in state.site.pages if p.slug == slug and p.status.written), None)
        if page is None:
            problems.append(
                f"COMMENTS_POLICY_PAGE: no page {slug!r} in content/pages/ (write content/pages/{slug}.md,"
                " saying what gets published and how comments are moderated, or set COMMENTS_POLICY_PAGE = None)"
            )
        else:
            policy_url = state.urls.source(page).url
    if problems:
        raise ConfigError([Problem(SETTINGS_FILE, None, message) for message in problems])
    return policy_url


def attach_conversations(generator) -> None:
    settings = generator.settings
    state = get_state(settings)
    setup = CommentsSetup.from_settings(settings, check_against_site(settings, state))
    domain = id_domain(settings, state.urls)
    authors = state.network.authors
    for article in [*generator.articles, *generator.hidden_articles]:
        post = article.post
        url = state.urls.absolute(state.urls.source(post).url)
        article.conversation = Conversation(
            share=share_links(post.title, url),
            comments=setup.comments(
                post, stable_id(post, domain), [authors[a] for a in post.authors], state.today
            ),
        )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(attach_conversations)
