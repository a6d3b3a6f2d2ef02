"""The knowledge hub's overview pages: home sections per department, department pages, topics."""

from .plugin import register

__all__ = ["register"]
