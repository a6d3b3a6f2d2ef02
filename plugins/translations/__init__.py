"""Translations: the interface in the site's language (DEFAULT_LANG), in every template."""

from .plugin import register

__all__ = ["register"]
