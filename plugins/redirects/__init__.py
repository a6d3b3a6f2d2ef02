"""Old URLs keep working: a redirect page at each one, and `_redirects` for hosts that read it."""

from .plugin import register

__all__ = ["register"]
