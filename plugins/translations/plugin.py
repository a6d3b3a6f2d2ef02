"""Translations: the interface in DEFAULT_LANG, and posts linked to their translations.

- ``generator_init``: every generator's environment (each has its own) gets the gettext
  functions of the build's language (``{% trans %}``, ``_()``, ``ngettext()``, new-style:
  values are escaped and filled in by name) and Babel's date and number filters:
  ``date_long``, ``date_short`` ('1 Dec' / '1. Dez.'), ``month``, ``number``, ``percent``,
  and ``autonym`` (a language code by its own name: 'de' is 'Deutsch').

- ``article_generator_finalized``: each published post with translations gets
  ``article.versions``, every version (``views.Version``) with the original first, for
  the ``hreflang`` links and the language switcher; posts without translations get ``()``.
  ``post_languages`` (every template) holds the languages of the published posts: with more
  than one, every post gets a Pagefind ``language`` filter.

DEFAULT_LANG itself is validated with the core settings (plugins.network.state); a
translation that names no post is the ``translations`` rule's (plugins.network.rules).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import signals

from plugins.network.i18n import autonym, language

from .views import versions


def install(generator) -> None:
    lang = language(generator.settings)
    env = generator.env
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(lang.translations, newstyle=True)
    env.globals["gettext"] = remembered_gettext(env.globals["gettext"])
    filters: dict[str, Callable[..., str]] = {
        "date_long": lang.date,
        "date_short": lambda value: lang.date_skeleton(value, "dMMM"),
        "month": lang.month,
        "number": lang.number,
        "percent": lang.percent,
        "autonym": autonym,
    }
    env.filters.update(filters)


def remembered_gettext(gettext: Callable[..., str]) -> Callable[..., str]:
    """Jinja's new-style ``gettext`` (``_()`` and ``{% trans %}``), remembering each message
    without values it has answered: every page asks for the same labels ("Skip to content",
    "Menu"…), 750,000 times at 10,000 posts, and each answer was looked up, made Markup and
    %-formatted again. A message with values is formatted on every call, as before; the
    answer depends on the template's autoescaping, so that is part of the key. The
    environment has one language for its life (``install`` runs once per generator)."""
    answers: dict[tuple[str, bool], str] = {}

    @pass_context
    def remembered(context: Context, message: str, **values: Any) -> str:
        if values:
            return gettext(context, message, **values)
        key = (message, context.eval_ctx.autoescape)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = gettext(context, message)
        return answer

    return remembered


def link_translations(generator) -> None:
    default = language(generator.settings).tag
    found = versions(generator.articles, default)
    for article in [*generator.articles, *generator.hidden_articles]:
        article.versions = found.get(id(article), ())
    generator.context["post_languages"] = sorted({a.post.language(default) for a in generator.articles})


def register() -> None:
    signals.generator_init.connect(install)
    signals.article_generator_finalized.connect(link_translations)
