"""Search with Pagefind: an index of posts, profiles and department pages, built offline."""

from .plugin import register

__all__ = ["register"]
