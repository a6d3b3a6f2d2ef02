"""The links of one rendered post or page: found, checked, pointed at their targets.

Markdown has already turned ``[[target]]`` into ``<a href="{chorus}target">`` (see
``plugins.network.rendering``); ``{filename}`` links are still Pelican's. Both are found
with Pelican's own intrasite-link pattern, so exactly the links Pelican would rewrite are
checked. A short link becomes ``{filename}/<source>`` or ``{author}<id>``, which Pelican
then turns into a URL like any other, honouring SITEURL and RELATIVE_URLS.

Errors name the line in the Markdown file: the n-th failing occurrence of a link in the
HTML is the n-th occurrence of the same link in the source (code blocks skipped, as
Markdown skips them).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from pelican.contents import Content

from plugins.network.links import FILENAME, SHORT, Link, LinkIndex, Resolved, scan_markdown
from plugins.network.rendering import SHORT_LINK_AUTO_TEXT_CLASS, SHORT_LINK_CLASS, SHORT_LINK_PLACEHOLDER
from plugins.network.sourcefile import read_source_text

PLACEHOLDER_KIND = SHORT_LINK_PLACEHOLDER.strip("{}")
BODY, SUMMARY = "body", "summary"

# A short link without |text: its text becomes the target's title (or the author's name).
_AUTO_TEXT = re.compile(
    rf'<a\b(?=[^>]*\bclass="{SHORT_LINK_CLASS} {SHORT_LINK_AUTO_TEXT_CLASS}")'
    rf'[^>]*\bhref="{re.escape(SHORT_LINK_PLACEHOLDER)}(?P<target>[^"]*)"[^>]*>[^<]*</a>'
)


@dataclass
class Failure:
    part: str  # BODY or SUMMARY
    link: Link
    occurrence: int  # 0 for the first time this link appears in that part
    message: str


@dataclass
class CheckedLinks:
    """Every link of one post or page that resolved, and every one that did not."""

    resolved: list[Resolved] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def _links_in(markup: str, pattern: re.Pattern) -> list[Link]:
    links = []
    for match in pattern.finditer(markup):
        what, value = match.group("what"), html.unescape(match.group("value"))
        if what == PLACEHOLDER_KIND:
            links.append(Link(SHORT, unquote(value)))
        elif what == FILENAME:
            links.append(Link(FILENAME, value))
    return links


def _parts(content: Content) -> dict[str, str]:
    parts = {BODY: content._content or ""}
    if content.metadata.get("summary"):
        parts[SUMMARY] = content.metadata["summary"]
    return parts


def check_links(content: Content, source: str, status: str, index: LinkIndex) -> CheckedLinks:
    """Resolve every link of ``content`` (content-relative ``source``, publication ``status``)."""
    pattern = content._get_intrasite_link_regex()  # Pelican's own, so we check what it rewrites
    checked = CheckedLinks()
    answers: dict[Link, tuple[Resolved | None, str | None]] = {}
    for part, markup in _parts(content).items():
        seen: dict[Link, int] = {}
        for link in _links_in(markup, pattern):
            if link not in answers:
                answers[link] = index.check(link, source, status)
            resolved, problem = answers[link]
            if problem:
                checked.failures.append(Failure(part, link, seen.get(link, 0), problem))
            elif resolved is not None:
                checked.resolved.append(resolved)
            seen[link] = seen.get(link, 0) + 1
    return checked


def point_links(content: Content, source: str, index: LinkIndex) -> bool:
    """Rewrite resolved short links in place: Pelican forms for the href, titles for the text.
    Call only once every link of ``content`` has resolved. True if anything changed."""
    pattern = content._get_intrasite_link_regex()

    def resolve(raw: str) -> Resolved:
        return index.resolve(Link(SHORT, unquote(html.unescape(raw))), source)

    def text(match: re.Match) -> str:
        target = resolve(match.group("target"))
        label = target.post.title if target.post else index.authors[target.author]  # type: ignore[index]
        return (
            f'<a class="{SHORT_LINK_CLASS}" href="{SHORT_LINK_PLACEHOLDER}{match.group("target")}">'
            f"{html.escape(label, quote=False)}</a>"
        )

    def href(match: re.Match) -> str:
        if match.group("what") != PLACEHOLDER_KIND:
            return match.group(0)
        target = resolve(match.group("value"))
        if target.post:
            url = "{filename}/" + quote(target.post.source)
        else:
            url = "{author}" + str(target.author)
        if target.fragment:
            url += "#" + quote(target.fragment, safe="-_.~:")
        return match.group("markup") + match.group("quote") + url + match.group("quote")

    changed = False
    for part, markup in _parts(content).items():
        if SHORT_LINK_PLACEHOLDER not in markup:
            continue
        markup = pattern.sub(href, _AUTO_TEXT.sub(text, markup))
        if part == BODY:
            content._content = markup
        else:
            content.metadata["summary"] = content._summary = markup
        changed = True
    return changed


def forget_rendered(contents: list[Content]) -> None:
    """Pelican memoises get_content/get_summary in one dict per method for the whole process;
    drop whatever was computed for ``contents`` before their links were rewritten."""
    changed = {id(content) for content in contents}
    for method in (Content.get_content, Content.get_summary):
        for key in [k for k in method.cache if k and id(k[0]) in changed]:
            del method.cache[key]


def locate(
    failures: list[Failure], path: Path, shown: str, body_line: int, max_bytes: int
) -> list[int | None]:
    """The source line of each failure, in order (None where the source does not show it)."""
    text = read_source_text(path, shown, max_bytes)
    lines: dict[tuple[str, Link], list[int]] = {}
    for found in scan_markdown(text):
        part = BODY if found.line >= body_line else SUMMARY
        lines.setdefault((part, found.link), []).append(found.line)
    result = []
    for failure in failures:
        candidates = lines.get((failure.part, failure.link), [])
        result.append(candidates[min(failure.occurrence, len(candidates) - 1)] if candidates else None)
    return result
