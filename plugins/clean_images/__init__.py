"""Post images are published re-encoded: pixels only, upright, no metadata, same name and URL."""

from .plugin import register

__all__ = ["register"]
