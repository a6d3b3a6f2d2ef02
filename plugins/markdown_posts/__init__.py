"""Strict, safe Markdown reading: header schema with line numbers, sanitised HTML."""

from .reader import register

__all__ = ["register"]
