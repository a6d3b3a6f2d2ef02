"""Post HTML made fit for a feed reader: every URL absolute, notices a reader would see on the page.

A feed reader shows the HTML away from the site, so ``images/x.png``, ``/posts/...`` and
``../other/`` would point nowhere. The HTML is already sanitised; its URLs are rewritten
by the sanitiser as it sanitises it again (never by searching it with regular
expressions), so nothing a rewrite does can bring a link to life.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urljoin

from lxml import html as lxml_html
from lxml.html import builder as E

from plugins.network.rendering import sanitize_html


def absolute_html(fragment: str, base_url: str) -> str:
    """The page's sanitised HTML for a feed: sanitised again, with every ``href`` and ``src``
    made absolute against ``base_url`` (the post's own URL) as the sanitiser hands each to
    its rewrite, after judging its scheme. One pass: parsing and serialising the HTML to
    rewrite it first cost as much again as sanitising it (3 s of a 10,000-post build). URLs
    stay as the page writes them, not percent-encoded (a feed reader reads an IRI as a
    browser does)."""
    return sanitize_html(fragment, rewrite_url=partial(_absolute, base_url))


def _absolute(base_url: str, url: str) -> str:
    try:
        return urljoin(base_url, url)
    except ValueError:  # a host Python refuses to resolve ('//a℀b.example/'): as the page has it
        return url


def _parse(fragment: str):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment, whitespace collapsed (for JSON Feed's plain-text summary)."""
    if not fragment.strip():
        return ""
    return " ".join(_parse(fragment).text_content().split())


def notices(article) -> str:
    """The notices the post page shows above the text: guest contributors, first publication elsewhere."""
    paragraphs = []
    for author in article.authors:
        profile = getattr(author, "profile", None)
        if profile is not None and profile.is_guest:
            origin = f" from {profile.affiliation}" if profile.affiliation else ""
            paragraphs.append(
                E.P(E.EM(f"{author.name} is a guest contributor{origin} — views are their own."))
            )
    canonical = getattr(article, "canonical", None)
    if canonical:
        paragraphs.append(E.P(E.EM("First published at ", E.A(canonical, href=canonical), ".")))
    return "".join(lxml_html.tostring(p, encoding="unicode") for p in paragraphs)
