"""Post HTML made fit for a feed reader: every URL absolute, notices a reader would see on the page.

A feed reader shows the HTML away from the site, so ``images/x.png``, ``/posts/...`` and
``../other/`` would point nowhere. The HTML is already sanitised; it is parsed (never
searched with regular expressions) and serialised again, so nothing can break out.
"""

from __future__ import annotations

from html import escape
from typing import cast
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html
from lxml.html import builder as E

URL_ATTRIBUTES = ("href", "src")


def _absolute(url: str, base: str) -> str:
    return urljoin(base, url.strip())


def _absolute_srcset(srcset: str, base: str) -> str:
    """``a.png 1x, /b.png 2x`` -> absolute URLs, descriptors kept."""
    candidates = []
    for candidate in srcset.split(","):
        parts = candidate.split()
        if parts:
            candidates.append(" ".join([_absolute(parts[0], base), *parts[1:]]))
    return ", ".join(candidates)


_WITH_URLS = etree.XPath(".//*[@href or @src or @srcset]")


def _elements_with_urls(wrapper) -> list[etree._Element]:
    """The elements under ``wrapper`` with a URL (elements only: never a comment); an
    XPath of elements answers a list of elements, which its type cannot say."""
    return cast(list[etree._Element], _WITH_URLS(wrapper))


def _parse(fragment: str):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def _serialise(wrapper) -> str:
    """The wrapper's inside: its leading text, then each child with its tail."""
    inner = escape(wrapper.text or "", quote=False)
    return inner + "".join(lxml_html.tostring(child, encoding="unicode") for child in wrapper)


def absolutise(fragment: str, base_url: str) -> str:
    """Rewrite href, src and srcset in an HTML fragment against ``base_url`` (the post's own URL)."""
    if not fragment.strip():
        return fragment
    wrapper = _parse(fragment)
    # Only the elements with a URL: a post's other elements (most of them) are not visited.
    for element in _elements_with_urls(wrapper):
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None:
                element.set(attribute, _absolute(value, base_url))
        srcset = element.get("srcset")
        if srcset is not None:
            element.set("srcset", _absolute_srcset(srcset, base_url))
    return _serialise(wrapper)


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
