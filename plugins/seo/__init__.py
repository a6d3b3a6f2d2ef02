"""SEO and sharing: Article JSON-LD, sitemap.xml and robots.txt (head tags: partials/head_seo.html)."""

from .plugin import register

__all__ = ["register"]
