"""The company's brand from settings: logo, favicon and app icons, accent colour, font, footer, head hook."""

from .plugin import register

__all__ = ["register"]
