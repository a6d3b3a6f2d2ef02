"""schema.org ``Article`` data for a post: every author, the publisher, dates, the card.

Returns a plain dict; the template writes it with ``|tojson``, which escapes ``<``, ``>``,
``&`` and ``'`` so no title or name can close the ``<script>`` element.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from plugins.network.model import Author
from plugins.network.urls import UrlScheme


def organization(name: str, url: str | None = None) -> dict:
    data = {"@type": "Organization", "name": name}
    if url:
        data["url"] = url
    return data


def person(author: Author, profile_url: str, company: str) -> dict:
    data: dict[str, Any] = {
        "@type": "Person",
        "name": author.name,
        "url": profile_url,
        "jobTitle": author.title,
    }
    if author.is_guest:
        if author.affiliation:
            data["affiliation"] = organization(author.affiliation)
    else:
        data["worksFor"] = organization(company)
    return data


def article_json_ld(article, settings: dict, urls: UrlScheme) -> dict:
    """URLs as the page links them (``urls.link``): absolute once SITEURL is set, root-relative before."""
    company = settings["CHORUS_COMPANY"]
    url = urls.link(article.url)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "url": url,
        # A republished post's main page is the original (the same URL as rel=canonical).
        "mainEntityOfPage": {"@type": "WebPage", "@id": getattr(article, "canonical", None) or url},
        "datePublished": article.date.isoformat(),
        "dateModified": (getattr(article, "modified", None) or article.date).isoformat(),
        "author": [person(wrapper.profile, urls.link(wrapper.url), company) for wrapper in article.authors],
        "publisher": organization(company, None if urls.is_local else urls.link("")),
        "articleSection": article.department.name,
        "inLanguage": article.post.language(settings.get("DEFAULT_LANG") or "en"),
    }
    if article.post.expires is not None:  # 'Expires:': the page is taken down then
        data["expires"] = article.post.expires.isoformat()
    summary = Markup(getattr(article, "summary", "") or "").striptags()
    if summary:
        data["description"] = summary
    tags = [tag.name for tag in getattr(article, "tags", [])]
    if tags:
        data["keywords"] = tags
    card = getattr(article, "social_card", None)
    if card and not urls.is_local:
        data["image"] = urls.link(card)
    return data
