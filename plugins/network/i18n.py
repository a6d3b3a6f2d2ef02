"""The interface language: translated strings, dates and numbers, following DEFAULT_LANG.

Catalogues are the ``.po`` files under ``locale/<lang>/LC_MESSAGES/chorus.po`` (the
repository holds them, the wheel ships them); they are compiled in memory the first time
a language is asked for, so nothing generated is kept in the repository. ``make messages``
re-extracts ``locale/chorus.pot`` from the templates and the Python sources and updates
every ``.po`` (``python -m chorus.messages``).

Everything a reader sees goes through one ``Language``: templates get its ``gettext`` and
``ngettext`` (Jinja's i18n extension) and its date filters; Python code that writes text
for readers (feed titles, social cards, the health page's charts) calls the same object.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "chorus"
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is defined; translate it where it is shown."""
    return message


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def supported_languages() -> list[str]:
    """Every language with a catalogue, sorted."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def catalogue_language(lang: Any) -> str | None:
    """The catalogue for DEFAULT_LANG ('de', 'de_DE', 'de-AT' all take 'de'), or None."""
    if not isinstance(lang, str) or not lang.strip():
        return None
    tag = lang.strip().replace("-", "_")
    languages = supported_languages()
    for candidate in (tag, tag.split("_")[0].lower()):
        if candidate in languages:
            return candidate
    return None


def check_language(settings: Mapping[str, Any]) -> str | None:
    """A settings relation: DEFAULT_LANG must name a language Chorus has a catalogue for."""
    lang = settings.get("DEFAULT_LANG", SOURCE_LANGUAGE)
    if catalogue_language(lang) is None:
        return (
            f"DEFAULT_LANG: no translation of the interface for {lang!r}"
            f" (expected one of {', '.join(supported_languages())}; add a catalogue with `make messages`,"
            " see docs/theme.md)"
        )
    return None


@functools.cache
def _translations(lang: str) -> Translations:
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Language:
    """The interface language of one build: DEFAULT_LANG's catalogue and Babel's locale data."""

    tag: str  # as a page declares it (BCP 47): 'de', 'de-AT' for DEFAULT_LANG 'de_AT'
    catalogue: str  # the catalogue used: 'de'

    @staticmethod
    def of(settings: Mapping[str, Any]) -> Language:
        return _language_of(str(settings.get("DEFAULT_LANG") or SOURCE_LANGUAGE))

    @property
    def locale(self) -> Locale:
        return _locale(self.tag, self.catalogue)

    @property
    def translations(self) -> Translations:
        return _translations(self.catalogue)

    def gettext(self, message: str, **values: Any) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self.translations.ngettext(singular, plural, n)
        return text % {"num": n, **values}

    # Dates and numbers, as the language writes them.

    def date(self, value: dt.date | dt.datetime, format: str = "long") -> str:
        """'1 December 2026', '1. Dezember 2026', '1 décembre 2026' (format: short/medium/long/full)."""
        return _formatted_date(_as_date(value), format, self.locale)

    def date_skeleton(self, value: dt.date | dt.datetime, skeleton: str) -> str:
        """A date with the given fields in the language's order: 'dMMM' is '1 Dec', '1. Dez.'.
        What Babel's format_skeleton writes, with the pattern looked up once per skeleton
        (matching it took most of the time of every listing's dates)."""
        return _formatted_skeleton(_as_date(value), skeleton, self.locale)

    def month(self, value: dt.date | dt.datetime, short: bool = False) -> str:
        """'December 2026' / 'Dezember 2026'; short: 'Dec 26'."""
        return self.date_skeleton(value, "MMMyy" if short else "yMMMM")

    def language_name(self, code: str) -> str:
        """Another language as this one names it: 'de' is 'German' in English, 'allemand' in French."""
        try:
            other = Locale.parse(code.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            return code
        return other.get_display_name(self.locale) or code

    def number(self, value: float) -> str:
        return babel_numbers.format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        return babel_numbers.format_percent(value, locale=self.locale)


@functools.cache
def _locale(tag: str, catalogue: str) -> Locale:
    """Babel's locale of a language (parsing it took a tenth of every date written)."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(catalogue)


# A post's date is written on its page and on every listing, feed and profile that shows it
# (75,000 dates for 10,000 posts); the days are far fewer.
@functools.lru_cache(maxsize=8192)
def _formatted_date(day: dt.date, format: str, locale: Locale) -> str:
    return babel_dates.format_date(day, format=format, locale=locale)


@functools.lru_cache(maxsize=8192)
def _formatted_skeleton(day: dt.date, skeleton: str, locale: Locale) -> str:
    return babel_dates.format_datetime(day, _skeleton_pattern(str(locale), skeleton), locale=locale)


@functools.cache
def _skeleton_pattern(locale_id: str, skeleton: str) -> str:
    """The locale's pattern for a date skeleton, matched as babel.dates.format_skeleton does."""
    skeletons = Locale.parse(locale_id).datetime_skeletons
    if skeleton not in skeletons:
        skeleton = babel_dates.match_skeleton(skeleton, skeletons) or skeleton
    return skeletons[skeleton]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def autonym(lang: str) -> str:
    """The language's name in itself, as a switcher shows it: 'Deutsch', 'Français', 'English'."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return lang
    name = locale.get_display_name(locale) or lang
    return name[:1].upper() + name[1:]


@functools.cache
def _language_of(default_lang: str) -> Language:
    """Once per DEFAULT_LANG: finding the catalogue lists the locale folder, and a build asks
    for its language once per card and per page (11,000 times at 10,000 posts)."""
    tag = default_lang.strip().replace("_", "-")
    catalogue = catalogue_language(tag)
    if catalogue is None:  # settings are validated first; this is a bug if reached
        raise ValueError(check_language({"DEFAULT_LANG": default_lang}))
    return Language(tag, catalogue)


def language(settings: Mapping[str, Any]) -> Language:
    """The build's interface language (DEFAULT_LANG, already validated with the settings)."""
    return Language.of(settings)


def install_interface(env: jinja2.Environment, settings: Mapping[str, Any]) -> None:
    """Give a template environment the interface of the build's language: the gettext
    functions (``{% trans %}``, ``_()``, ``ngettext()``, new-style: values are escaped and
    filled in by name) and Babel's date and number filters. Every generator's environment
    gets it (``plugins.translations``), and so does the one ``chorus check`` compiles the
    site's own templates with (``rules.templates``). Once per environment."""
    if getattr(env, "chorus_interface", False):
        return
    lang = language(settings)
    # {% trans %} blocks are extracted and looked up with their whitespace collapsed.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(lang.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["gettext"] = remembered_gettext(env.globals["gettext"])  # type: ignore[arg-type]
    filters: dict[str, Callable[..., str]] = {
        "date_long": lang.date,
        "date_short": lambda value: lang.date_skeleton(value, "dMMM"),
        "month": lang.month,
        "number": lang.number,
        "percent": lang.percent,
        "autonym": autonym,
    }
    env.filters.update(filters)
    env.extend(chorus_interface=True)  # an attribute of the environment, not a template variable


def remembered_gettext(gettext: Callable[..., str]) -> Callable[..., str]:
    """Jinja's new-style ``gettext`` (``_()`` and ``{% trans %}``), remembering each message
    without values it has answered: every page asks for the same labels ("Skip to content",
    "Menu"…), 750,000 times at 10,000 posts, and each answer was looked up, made Markup and
    %-formatted again. A message with values is formatted on every call, as before; the
    answer depends on the template's autoescaping, so that is part of the key. The
    environment has one language for its life (``install_interface`` runs once per environment)."""
    answers: dict[tuple[str, bool], str] = {}

    @jinja2.pass_context
    def remembered(context: jinja2.runtime.Context, message: str, **values: Any) -> str:
        if values:
            return gettext(context, message, **values)
        key = (message, context.eval_ctx.autoescape)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = gettext(context, message)
        return answer

    return remembered
