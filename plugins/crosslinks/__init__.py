"""Links between posts that never break, backlinks, related posts that cross departments,
and previous/next and series navigation."""

from .plugin import register

__all__ = ["register"]
