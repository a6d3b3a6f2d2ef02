"""Conversation, not broadcast: share links on every post."""

from .plugin import register

__all__ = ["register"]
