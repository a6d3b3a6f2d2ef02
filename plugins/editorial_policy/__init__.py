"""The company's "what not to say" policy, enforced by the build (and by `chorus check`)."""

from .plugin import register

__all__ = ["register"]
