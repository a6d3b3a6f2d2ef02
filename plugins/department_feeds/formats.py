"""Serialise one scope's entries as Atom 1.0, RSS 2.0 (both with feedgen) or JSON Feed 1.1 (json).

feedgen builds the XML with lxml, so no metadata can break the markup. RSS 2.0's own
<author> must be an e-mail address, which Chorus does not publish; every author of a post
is a Dublin Core <dc:creator> instead, which feed readers show as the byline.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from html import escape
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from plugins.network.urls import ATOM, AUTHORS, JSON, RSS

from .catalog import Feed, Scope
from .entries import Entry, Person

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "Chorus"


@dataclass(frozen=True)
class FeedHeader:
    """What every format says about the feed itself."""

    scope: Scope
    feed: Feed
    language: str
    updated: dt.datetime  # the newest entry's update, so an unchanged site writes unchanged feeds
    owner: Person | None  # the author of an author's feed


class _NoFeedLevelFields(BaseExtension):
    pass


class _OriginalLink(BaseEntryExtension):
    """A republished post's original URL as ``<link rel="via">`` in Atom.

    feedgen 1.0 drops ``rel`` and ``type`` of entry links (it reads them back from the
    element it just created), so a second link would become a second "alternate" link,
    which Atom forbids; this extension writes the element itself.
    """

    def __init__(self) -> None:
        self.url: str | None = None

    def set(self, url: str) -> None:
        self.url = url

    def extend_atom(self, entry):
        if self.url:
            etree.SubElement(entry, "link", href=self.url, rel="via", type="text/html")
        return entry


def _feed_generator(
    header: FeedHeader, entries: list[Entry], html_description: bool = False
) -> FeedGenerator:
    """``html_description``: RSS readers show the channel's <description> as HTML, so the
    registry's plain text goes in escaped; Atom's <subtitle> is declared text already."""
    scope = header.scope
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.register_extension("original", _NoFeedLevelFields, _OriginalLink, atom=True, rss=False)
    generator.id(header.feed.url)
    generator.title(scope.title)
    generator.subtitle(escape(scope.description) if html_description else scope.description)
    # feedgen takes the RSS channel's <link> from the last link given: the page, not the feed.
    generator.link(href=header.feed.url, rel="self", type=header.feed.media_type)
    generator.link(href=scope.page_url, rel="alternate", type="text/html")
    generator.language(header.language)
    generator.updated(header.updated)
    generator.lastBuildDate(header.updated)  # feedgen's default is the build's wall clock
    generator.generator(GENERATOR)
    if header.owner:
        generator.author({"name": header.owner.name, "uri": header.owner.url})
    for entry in entries:
        _add_entry(generator, entry)
    return generator


def _add_entry(generator: FeedGenerator, entry: Entry) -> None:
    item = generator.add_entry(order="append")
    item.id(entry.id)  # also the RSS <guid isPermaLink="false">
    item.title(entry.title)
    item.link(href=entry.url, rel="alternate", type="text/html")
    if entry.canonical:
        item.original.set(entry.canonical)
    item.content(entry.content_html, type="html")
    if entry.summary_html:
        item.summary(entry.summary_html, type="html")
    item.published(entry.published)
    item.updated(entry.updated)
    item.author([{"name": p.name, "uri": p.url} for p in entry.authors])
    item.dc.dc_creator([p.name for p in entry.authors])
    item.category([{"term": c.term, "label": c.label, "scheme": c.scheme} for c in entry.categories])


def atom_bytes(header: FeedHeader, entries: list[Entry]) -> bytes:
    return _feed_generator(header, entries).atom_str(pretty=True)


def rss_bytes(header: FeedHeader, entries: list[Entry]) -> bytes:
    return _feed_generator(header, entries, html_description=True).rss_str(pretty=True)


def _json_person(person: Person) -> dict:
    data = {"name": person.name, "url": person.url}
    if person.avatar:
        data["avatar"] = person.avatar
    return data


def _json_item(entry: Entry) -> dict:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "content_html": entry.content_html,
    }
    if entry.canonical:
        item["external_url"] = entry.canonical
    if entry.summary_text:
        item["summary"] = entry.summary_text
    item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    item["authors"] = [_json_person(p) for p in entry.authors]
    item["tags"] = [c.label for c in entry.categories]
    return item


def json_bytes(header: FeedHeader, entries: list[Entry]) -> bytes:
    scope = header.scope
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": scope.title,
        "home_page_url": scope.page_url,
        "feed_url": header.feed.url,
        "description": scope.description,
        "language": header.language,
    }
    if header.owner:
        feed["authors"] = [_json_person(header.owner)]
    feed["items"] = [_json_item(entry) for entry in entries]
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


RENDERERS = {ATOM: atom_bytes, RSS: rss_bytes, JSON: json_bytes}


def render(header: FeedHeader, entries: list[Entry]) -> bytes:
    return RENDERERS[header.feed.format](header, entries)


def owner_of(scope: Scope, entries: list[Entry]) -> Person | None:
    """The person an author's feed belongs to (as named on their own posts)."""
    if scope.kind != AUTHORS:
        return None
    return next((p for e in entries for p in e.authors if p.url == scope.page_url), None)
