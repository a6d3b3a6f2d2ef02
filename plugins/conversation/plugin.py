"""Share links on every post (docs/conversation.md).

- ``article_generator_finalized`` (every post read, nothing written): every written post
  gets ``article.conversation``, a :class:`~.views.Conversation` with its share links, which
  carry the post's absolute URL from the URL scheme.
"""

from __future__ import annotations

from pelican import signals

from plugins.network import get_state

from .views import Conversation, share_links


def attach_conversations(generator) -> None:
    state = get_state(generator.settings)
    for article in [*generator.articles, *generator.hidden_articles]:
        post = article.post
        url = state.urls.absolute(state.urls.source(post).url)
        article.conversation = Conversation(share=share_links(post.title, url))


def register() -> None:
    signals.article_generator_finalized.connect(attach_conversations)
