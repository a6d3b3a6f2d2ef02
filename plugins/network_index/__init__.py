"""network.json: the published network as data, for integrations and tests."""

from .plugin import register

__all__ = ["register"]
