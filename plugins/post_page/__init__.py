"""The post page: a table of contents, headings to link to, code to copy, images that fit."""

from .plugin import register

__all__ = ["register"]
