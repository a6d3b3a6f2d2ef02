"""Posts belong to the author whose folder holds them; departments, co-authors and outputs are checked."""

from .plugin import register

__all__ = ["register"]
