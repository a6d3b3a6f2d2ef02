"""sitemap.xml and robots.txt as bytes and text: pure functions, no Pelican.

The sitemaps protocol (https://www.sitemaps.org/protocol.html) wants absolute URLs,
W3C date-times for ``lastmod`` and at most 50,000 URLs per file; a bigger site gets
numbered files and a sitemap index under the configured name.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from plugins.network.urls import Output, UrlScheme

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000


@dataclass(frozen=True)
class Entry:
    """One page: its URL relative to SITEURL, the file that holds it, its last change."""

    url: str
    save_as: str
    lastmod: dt.datetime | None = None

    @classmethod
    def of(cls, output: Output, lastmod: dt.datetime | None) -> Entry:
        return cls(output.url, output.save_as, lastmod)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _document(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def urlset(entries: list[Entry], urls: UrlScheme) -> bytes:
    root = ET.Element("urlset", xmlns=NAMESPACE)
    for entry in entries:
        item = ET.SubElement(root, "url")
        ET.SubElement(item, "loc").text = urls.absolute(entry.url)
        if entry.lastmod is not None:
            ET.SubElement(item, "lastmod").text = _stamp(entry.lastmod)
    return _document(root)


def sitemap_files(entries: list[Entry], urls: UrlScheme) -> dict[str, bytes]:
    """File name -> content: one sitemap, or numbered parts and an index where the sitemap goes."""
    save_as = urls.sitemap().save_as
    if len(entries) <= MAX_URLS:
        return {save_as: urlset(entries, urls)}
    files: dict[str, bytes] = {}
    index = ET.Element("sitemapindex", xmlns=NAMESPACE)
    for number, start in enumerate(range(0, len(entries), MAX_URLS), 1):
        chunk = entries[start : start + MAX_URLS]
        part = urls.sitemap(part=number)
        files[part.save_as] = urlset(chunk, urls)
        item = ET.SubElement(index, "sitemap")
        ET.SubElement(item, "loc").text = urls.absolute(part.url)
        stamps = [e.lastmod for e in chunk if e.lastmod is not None]
        if stamps:
            ET.SubElement(item, "lastmod").text = _stamp(max(stamps))
    files[save_as] = _document(index)
    return files


def robots_txt(sitemap_url: str | None) -> str:
    """Every crawler may read everything the build wrote (drafts are written nowhere)."""
    lines = ["User-agent: *", "Allow: /"]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return "\n".join(lines) + "\n"
