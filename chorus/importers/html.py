"""Blog HTML to Markdown, with markdownify (on BeautifulSoup): what WordPress stores, made
into text an author can edit.

Only conversion happens here. What must never run (scripts, styles, forms, embedded
frames) is dropped before converting, but safety does not rest on it: the Markdown goes
through the normal pipeline and the sanitiser at build time, like every post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment
from markdownify import ATX, MarkdownConverter

# Elements whose content is never text a reader should get.
_DROPPED = ("script", "style", "noscript", "object", "embed", "form", "input", "button", "select", "textarea")
# What WordPress's own "autop" treats as a block: other paragraphs get <p> (below).
_BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|pre|blockquote|table|thead|tbody|tr|td|th|figure|figcaption|hr|dl|section|!--|/)\b",
    re.IGNORECASE,
)
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
_CAPTION = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
_URL_SCHEMES = ("", "http", "https", "mailto")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LANGUAGE_CLASS = re.compile(r"^(?:language|lang)-([A-Za-z0-9_+-]+)$")
# WordPress shortcodes that carry content a converter cannot know (galleries, embeds, …).
SHORTCODES = re.compile(
    r"\[(gallery|embed|video|audio|playlist|contact-form(?:-7)?|youtube|vimeo|soundcloud)\b[^\]]*\]",
    re.IGNORECASE,
)


class _Converter(MarkdownConverter):  # markdownify ships no type information
    def escape(self, text, parent_tags):
        text = super().escape(text, parent_tags)
        # Text that looks like markup stays text: "a < b", "&amp;" written out, "[[" (a
        # Chorus short link).
        text = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
        return text.replace("[[", "\\[[")


def _code_language(element) -> str:
    for node in (element, *element.find_all("code", limit=1)):
        for name in node.get("class") or ():
            if match := _LANGUAGE_CLASS.match(name):
                return match.group(1)
    return ""


def autop(html: str) -> str:
    """Paragraphs as WordPress shows them: text separated by blank lines (the classic
    editor stores no <p>) becomes <p>…</p>, single line breaks <br>; <pre> is left alone."""
    html = html.replace("\r\n", "\n")
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    html = _PRE.sub(keep, html)
    chunks = []
    for chunk in re.split(r"\n\s*\n", html):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk) or re.fullmatch(r"\x00\d+\x00", chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    html = "\n".join(chunks)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], html)


def html_to_markdown(html: str, rewrite: Callable[[str, str], str] | None = None) -> str:
    """Markdown for ``html``; ``rewrite(kind, url)`` may change every link ('a') and image
    ('img') URL (to a copied attachment, to another imported post)."""
    html = _CAPTION.sub(r"\1", html)
    soup = BeautifulSoup(autop(html), "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(_DROPPED):
        element.decompose()
    for frame in soup.find_all("iframe"):
        source = str(frame.get("src") or "")
        if urlsplit(source).scheme in ("http", "https"):
            paragraph = soup.new_tag("p")
            link = soup.new_tag("a", href=source)
            link.string = f"Embedded content from {urlsplit(source).hostname}"
            paragraph.append(link)
            frame.replace_with(paragraph)
        else:
            frame.decompose()
    for tag, attribute in (("a", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            url = str(element.get(attribute) or "").strip()
            if urlsplit(url).scheme.lower() not in _URL_SCHEMES:
                del element[attribute]  # javascript:, data:, …: the text stays, the link goes
            elif url and rewrite is not None:
                element[attribute] = rewrite(tag, url)
    converter = _Converter(
        heading_style=ATX,
        bullets="-",
        code_language_callback=_code_language,
        keep_inline_images_in=["a", "td", "th"],
    )
    markdown = converter.convert_soup(soup)
    # Two trailing spaces are a line break (<br>); only blank runs are squeezed.
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", markdown).strip()


def text_of(html: str) -> str:
    """The plain text of a short piece of HTML (a title), entities decoded, on one line."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


__all__ = ["SHORTCODES", "autop", "html_to_markdown", "text_of"]
