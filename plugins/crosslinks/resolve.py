"""Short links in rendered HTML pointed at their targets.

Markdown has already turned ``[[target]]`` into ``<a href="{chorus}target">`` (see
``plugins.network.rendering``). A short link becomes ``{filename}/<source>`` or
``{author}<id>``, which Pelican then turns into a URL like any other, honouring SITEURL and
RELATIVE_URLS. Whether each link resolves was decided from the Markdown source by the
links rule before any post was read; the rendered HTML holds the same links.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote

from pelican.contents import Content

from plugins.network import Problem, SourceError
from plugins.network.links import URL_ATTRIBUTE, LinkError, LinkIndex, Resolved
from plugins.network.rendering import SHORT_LINK_AUTO_TEXT_CLASS, SHORT_LINK_CLASS, SHORT_LINK_PLACEHOLDER

PLACEHOLDER_KIND = SHORT_LINK_PLACEHOLDER.strip("{}")
BODY, SUMMARY = "body", "summary"

# A short link without |text: its text becomes the target's title (or the author's name).
_AUTO_TEXT = re.compile(
    rf'<a\b(?=[^>]*\bclass="{SHORT_LINK_CLASS} {SHORT_LINK_AUTO_TEXT_CLASS}")'
    rf'[^>]*\bhref="{re.escape(SHORT_LINK_PLACEHOLDER)}(?P<target>[^"]*)"[^>]*>[^<]*</a>'
)


def unresolved_short_link(markup: str, index: LinkIndex) -> str | None:
    """What :func:`point_links` would stop the build at in rendered (sanitised) ``markup``:
    the problem of its first short link that resolves nowhere, or None."""
    for url in URL_ATTRIBUTE.findall(markup):
        if not url.startswith(SHORT_LINK_PLACEHOLDER):
            continue
        try:
            index.short(unquote(html.unescape(url[len(SHORT_LINK_PLACEHOLDER) :])))
        except LinkError as exc:
            return str(exc)
    return None


def _parts(content: Content) -> dict[str, str]:
    parts = {BODY: content._content or ""}
    if content.metadata.get("summary"):
        parts[SUMMARY] = content.metadata["summary"]
    return parts


def point_links(content: Content, source: str, index: LinkIndex, shown: str) -> bool:
    """Rewrite short links in place: Pelican forms for the href, titles for the text.
    True if anything changed."""
    pattern = content._get_intrasite_link_regex()

    def resolve(raw: str) -> Resolved:
        written = unquote(html.unescape(raw))
        try:
            return index.short(written)
        except LinkError as exc:  # the source scan missed a link Markdown rendered: say where
            raise SourceError(Problem(shown, None, str(exc), rule="links")) from None

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
        # list() copies the keys in one step: the preview renders a page while a build runs.
        for key in [k for k in list(method.cache) if k and id(k[0]) in changed]:
            del method.cache[key]
