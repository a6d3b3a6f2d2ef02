"""Feeds of the network, each department, each author and each topic (Atom, RSS, JSON Feed),
with autodiscovery, a Subscribe page and OPML subscription lists."""

from .plugin import register

__all__ = ["register"]
