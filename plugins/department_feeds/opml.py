"""OPML 2.0 subscription lists a feed reader imports in one step (built with lxml, never by hand)."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

from lxml import etree

from .catalog import OpmlFile

OPML_DOCS = "http://opml.org/spec2.opml"


def opml_bytes(opml: OpmlFile, owner: str, created: dt.datetime) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = opml.title
    etree.SubElement(head, "dateCreated").text = format_datetime(created)
    etree.SubElement(head, "ownerName").text = owner
    etree.SubElement(head, "docs").text = OPML_DOCS
    body = etree.SubElement(root, "body")
    for label, scopes in opml.groups:
        group = etree.SubElement(body, "outline", text=label, title=label)
        for scope in scopes:
            feed = scope.feeds[0]  # the first configured format
            etree.SubElement(
                group,
                "outline",
                type="rss",  # OPML's type for every feed reader subscription, Atom and JSON Feed included
                text=scope.title,
                title=scope.title,
                description=scope.description,
                xmlUrl=feed.url,
                htmlUrl=scope.page_url,
            )
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
