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

from pelican import signals

from plugins.network.i18n import install_interface, language

from .views import versions


def install(generator) -> None:
    install_interface(generator.env, generator.settings)


def link_translations(generator) -> None:
    default = language(generator.settings).tag
    found = versions(generator.articles, default)
    for article in [*generator.articles, *generator.hidden_articles]:
        article.versions = found.get(id(article), ())
    generator.context["post_languages"] = sorted({a.post.language(default) for a in generator.articles})


def register() -> None:
    signals.generator_init.connect(install)
    signals.article_generator_finalized.connect(link_translations)
