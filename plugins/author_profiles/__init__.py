"""Author profiles: avatars, a profile page for every registry author, the expert directory
and the expertise index (see docs/profiles.md)."""

from .plugin import register

__all__ = ["register"]
