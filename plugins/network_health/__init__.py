"""The network health page and network-stats.json: the network as a whole, for its editors."""

from .plugin import register

__all__ = ["register"]
