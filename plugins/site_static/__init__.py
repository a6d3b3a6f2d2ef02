"""The network's own files (its static/ folder), published as they are at the site root."""

from .plugin import register

__all__ = ["register"]
