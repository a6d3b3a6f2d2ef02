"""A link checker over a built site: every site-internal reference resolves to a written file.

References are what a browser, crawler or sharing preview follows: ``href``, ``src``,
``srcset``, ``action``, Open Graph and Twitter ``<meta>`` URLs, URLs inside JSON-LD, and the
sitemap's ``<loc>``s. A reference is site-internal when it is relative or starts with the
site's own address (SITEURL).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

URL_ATTRIBUTES = ("href", "src", "action", "poster", "data")
LOCAL_SITE = "http://site.invalid"  # where a local build (SITEURL '') is imagined to live


def _urls(element) -> list[str]:
    found = [element.get(name) for name in URL_ATTRIBUTES if element.get(name)]
    for srcset in (element.get("srcset"), element.get("imagesrcset")):
        if srcset:
            found += [part.strip().split()[0] for part in srcset.split(",") if part.strip()]
    if element.tag == "meta" and (element.get("property") or element.get("name") or "").startswith(
        ("og:", "twitter:", "article:author")
    ):
        content = element.get("content") or ""
        if content.startswith(("http://", "https://", "/")):
            found.append(content)
    if element.tag == "script" and element.get("type") == "application/ld+json" and element.text:
        found += _json_urls(json.loads(element.text))
    return found


def _json_urls(value) -> list[str]:
    if isinstance(value, dict):
        return [u for v in value.values() for u in _json_urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _json_urls(v)]
    return [value] if isinstance(value, str) and value.startswith(("http://", "https://")) else []


def _written(output: Path, path: str) -> bool:
    relative = unquote(path).lstrip("/")
    candidate = output / relative
    if path.endswith("/") or not relative:
        candidate = candidate / "index.html"
    return candidate.is_file()


def broken_links(output: Path, siteurl: str = "") -> list[str]:
    """``page: url`` for every site-internal reference that resolves to no written file.

    Other hosts, data: and mailto: are skipped; fragments and queries are dropped.
    """
    site = (siteurl or LOCAL_SITE).rstrip("/")
    root = urlsplit(site + "/")
    broken = []

    def check(name: str, page_url: str, url: str) -> None:
        parts = urlsplit(urljoin(page_url, url.strip()))
        if (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
            return  # another host, data:, mailto:
        if not parts.path.startswith(root.path):
            broken.append(f"{name}: {url} (outside the site)")
        elif not _written(output, parts.path.removeprefix(root.path)):
            broken.append(f"{name}: {url}")

    for page in sorted(output.rglob("*.html")):
        name = page.relative_to(output).as_posix()
        page_url = f"{site}/{name.removesuffix('index.html')}"
        for element in lxml_html.fromstring(page.read_bytes()).iter():
            if isinstance(element.tag, str):
                for url in _urls(element):
                    check(name, page_url, url)
    sitemap = output / "sitemap.xml"
    if sitemap.is_file():
        for loc in etree.parse(str(sitemap)).iter("{*}loc"):
            check("sitemap.xml", site + "/", loc.text or "")
    return broken
