"""Author profiles: avatars in every size a page needs (more profile pages build on this)."""

from .plugin import register

__all__ = ["register"]
