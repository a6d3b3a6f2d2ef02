"""Absolute links, the one way every SEO output builds them."""

from __future__ import annotations

from urllib.parse import quote


def site_base(settings: dict) -> str:
    """SITEURL when it is absolute (http or https), else '' (a local preview build)."""
    site_url = (settings.get("SITEURL") or "").rstrip("/")
    return site_url if site_url.startswith(("http://", "https://")) else ""


def join(base: str, url: str) -> str:
    """``base`` plus a site-relative URL, percent-encoded where a URL needs it.

    With an empty base the result is root-relative ('/authors/alice/').
    """
    return f"{base.rstrip('/')}/{quote(url.lstrip('/'), safe='/-._~%?=&')}"
