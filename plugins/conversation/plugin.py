"""Share links on every post, and comments readers opt into (docs/conversation.md).

- ``initialized``: the COMMENTS_* settings are checked (``settings.SETTINGS``).
- ``article_generator_finalized`` (every post read, nothing written): every written post gets ``article.conversation``, a
  :class:`~.views.Conversation`: its share links, and its comments section or None.

Threads are keyed by the post's stable id, the one its feed entries carry
(``plugins.network.postid``), so a post that moves or is renamed keeps its conversation.
"""

from __future__ import annotations

from pelican import signals

from plugins.network import get_state
from plugins.network.i18n import language
from plugins.network.postid import id_domain, stable_id
from plugins.network.rules.comments import policy_page

from .settings import SETTINGS
from .views import CommentsSetup, Conversation, share_links


def apply_settings(pelican) -> None:
    SETTINGS.apply(pelican.settings)


def attach_conversations(generator) -> None:
    settings = generator.settings
    state = get_state(settings)
    setup = CommentsSetup.from_settings(settings, policy_page(state.site))
    domain = id_domain(settings, state.urls)
    authors = state.network.authors
    lang = language(settings)
    for article in [*generator.articles, *generator.hidden_articles]:
        post = article.post
        url = state.urls.absolute(state.urls.source(post).url)
        article.conversation = Conversation(
            share=share_links(post.title, url, lang),
            comments=setup.comments(
                post, stable_id(post, domain), [authors[a] for a in post.authors], state.today
            ),
        )


def register() -> None:
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(attach_conversations)
