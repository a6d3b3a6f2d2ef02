"""Conversation, not broadcast: share links on every post, and comments readers opt into."""

from .plugin import register

__all__ = ["register"]
