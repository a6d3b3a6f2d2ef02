"""Social cards: a 1200×630 PNG per post, profile and department, for link previews."""

from .plugin import register

__all__ = ["register"]
