"""Translations: a thin adapter between DEFAULT_LANG's catalogue and Pelican's Jinja environments.

- ``generator_init``: every generator's environment (each has its own) gets the gettext
  functions of the build's language (``{% trans %}``, ``_()``, ``ngettext()``, new-style:
  values are escaped and filled in by name) and Babel's date and number filters:
  ``date_long``, ``date_short`` ('1 Dec' / '1. Dez.'), ``month``, ``number``, ``percent``.

DEFAULT_LANG itself is validated with the core settings (plugins.network.state).
"""

from __future__ import annotations

from pelican import signals

from plugins.network.i18n import language


def install(generator) -> None:
    lang = language(generator.settings)
    env = generator.env
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(lang.translations, newstyle=True)
    env.filters.update(
        {
            "date_long": lang.date,
            "date_short": lambda value: lang.date_skeleton(value, "dMMM"),
            "month": lang.month,
            "number": lang.number,
            "percent": lang.percent,
        }
    )
    env.globals["interface_lang"] = lang.tag


def register() -> None:
    signals.generator_init.connect(install)
