"""Text as the policy reads it: what a reader sees, whatever disguise the source wears.

``normalise`` turns source text or a built file into one comparable form, in this order:

1. markup removed (``markup=True``): HTML comments; inline elements (``<b>``, ``<span>``,
   ``<a>``, …) vanish, so ``Nord<b></b>chem`` joins as it does on screen; every other tag
   becomes a space, as a block or line break does;
2. HTML character references decoded (``Nord&#99;hem``);
3. Unicode NFKC and case folding (fullwidth ``Ｎ`` and mathematical ``𝐍`` are ``n``);
4. default-ignorable and format characters removed (zero-width space and joiners, soft
   hyphen, word joiner, bidi marks, variation selectors, tag characters, …);
5. Markdown emphasis markers inside a word removed (``Nord**chem**``);
6. white space, no-break spaces included (step 3 made them spaces), collapsed to one space,
   and none at either end.

With ``track=True`` every character of the result knows where it came from, so a match is
reported at its line and column in the source; the steps, and therefore the result, are the
same either way (tracking only records the edits, for sources, which are small).
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

# Elements a browser shows inline: removing them joins the text around them.
_INLINE = (
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong",
    "sub", "sup", "time", "tt", "u", "var", "wbr",
)  # fmt: skip
# Attributes: quoted values may hold '>'; stopping at the next '<' keeps a stray '<' linear.
_ATTRIBUTES = r"""(?:[^>"'<]++|"[^"<>]*"|'[^'<>]*')*+"""
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_TAG = re.compile(rf"</?(?:{'|'.join(_INLINE)})(?=[\s/>]){_ATTRIBUTES}>", re.I)
_TAG = re.compile(
    rf"</?[A-Za-z][\w.-]*(?::[\w.-]+)?(?=[\s/>]){_ATTRIBUTES}>|<!\[CDATA\[|\]\]>|<![A-Za-z][^<>]*>|<\?[^<>]*\?>"
)
_ATTRIBUTE_VALUE = re.compile(r"""[\s"'][\w:.-]+\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")
_ANY_VALUE = re.compile(r"""=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
# A run of non-ASCII characters, with the ASCII letter a combining mark may follow.
_NON_ASCII = re.compile(r"[A-Za-z0-9]?[^\x00-\x7f]+")
_SPACES = re.compile(r"\s+")
# Default_Ignorable_Code_Point and general category Cf (format), Unicode 14.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
_IGNORABLE = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _IGNORABLE_RANGES) + "]+")
# Markers between two word characters (the look-behind comes second, so that the search
# skips ahead to the next marker).
_EMPHASIS = re.compile(r"[*_~`](?<=\w[*_~`])[*_~`]*(?=\w)")

# One edit of a step: output span [out_start, out_end) replaced input span [in_start, in_end).
_Edit = tuple[int, int, int, int]
# A step's edits, and their output starts (for bisection).
_Step = tuple[tuple[int, ...], tuple[_Edit, ...]]


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, when tracked, the edits that map it back to the source."""

    text: str
    steps: tuple[_Step, ...] = ()  # in the order they were applied

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source text that produced ``text[start:end]``."""
        begin, finish = start, end
        for step in reversed(self.steps):
            begin, finish = _back(step, begin, False), _back(step, finish, True)
        return begin, max(begin, finish)


def _back(step: _Step, position: int, is_end: bool) -> int:
    """Map an output position of one step to its input position (span ends map to span ends)."""
    starts, edits = step
    probe = position - 1 if is_end and position > 0 else position
    index = bisect_right(starts, probe) - 1
    if index < 0:
        return position
    out_start, out_end, in_start, in_end = edits[index]
    if probe < out_end:
        return in_end if is_end else in_start
    return in_end + position - out_end


class _Steps:
    """Applies the steps, recording edits only when tracking."""

    def __init__(self, track: bool):
        self.track = track
        self.recorded: list[_Step] = []

    def record(self, edits: list[_Edit]) -> None:
        if edits:
            self.recorded.append((tuple(edit[0] for edit in edits), tuple(edits)))

    def sub(self, pattern: re.Pattern[str], replace: str | Callable[[str, int], str], text: str) -> str:
        if not self.track:
            if isinstance(replace, str):
                return pattern.sub(replace, text)  # only "" and " ": no escapes to expand
            return pattern.sub(lambda match: replace(match.group(), match.start()), text)
        pieces: list[str] = []
        edits: list[_Edit] = []
        last = out = 0
        for match in pattern.finditer(text):
            start, end = match.span()
            pieces.append(text[last:start])
            out += start - last
            new = replace if isinstance(replace, str) else replace(match.group(), start)
            pieces.append(new)
            edits.append((out, out + len(new), start, end))
            out += len(new)
            last = end
        pieces.append(text[last:])
        self.record(edits)
        return "".join(pieces)

    def fold(self, text: str) -> str:
        """NFKC and case folding; ASCII needs only lower-casing."""
        if text.isascii():
            return text.lower()
        folded = _fold(text)
        if self.track:
            self._track_fold(text, folded)
        return folded

    def _track_fold(self, text: str, folded: str) -> None:
        """Where each folded character came from: character by character, unless characters
        combined with their neighbours (then the whole text is one edit)."""
        pieces: list[str] = []
        edits: list[_Edit] = []
        last = out = 0
        for match in _NON_ASCII.finditer(text):
            pieces.append(text[last : match.start()].lower())
            out += match.start() - last
            for start, end in _clusters(match.group(), match.start()):
                new = _fold(text[start:end])
                pieces.append(new)
                edits.append((out, out + len(new), start, end))
                out += len(new)
            last = match.end()
        pieces.append(text[last:].lower())
        if "".join(pieces) != folded:
            edits = [(0, len(folded), 0, len(text))]
        self.record(edits)

    def space(self, text: str) -> str:
        """Every run of white space one space, and none at either end."""
        if not self.track:
            return " ".join(text.split())
        end = len(text)
        return self.sub(_SPACES, lambda run, at: "" if at == 0 or at + len(run) == end else " ", text)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _clusters(run: str, offset: int) -> list[tuple[int, int]]:
    """Spans of each character with the combining marks that follow it."""
    spans: list[tuple[int, int]] = []
    for index, char in enumerate(run):
        if spans and unicodedata.combining(char):
            spans[-1] = (spans[-1][0], offset + index + 1)
        else:
            spans.append((offset + index, offset + index + 1))
    return spans


def _decode_reference(reference: str, start: int) -> str:
    return html.unescape(reference)


def normalise(text: str, *, markup: bool = True, track: bool = False) -> Normalised:
    """``text`` as the policy matches it (see the module docstring for the steps)."""
    if not track:
        return Normalised(normalised_text(text, markup=markup))
    steps = _Steps(track)
    if markup and "<" in text:
        text = steps.sub(_COMMENT, "", text)
        text = steps.sub(_INLINE_TAG, "", text)
        text = steps.sub(_TAG, " ", text)
    if "&" in text:
        text = steps.sub(_REFERENCE, _decode_reference, text)
    text = steps.fold(text)
    if not text.isascii():
        text = steps.sub(_IGNORABLE, "", text)
    text = steps.sub(_EMPHASIS, "", text)
    text = steps.space(text)
    return Normalised(text, tuple(steps.recorded))


def normalised_text(text: str, *, markup: bool = True) -> str:
    """The steps of ``normalise`` without tracking, in as few passes as possible: the output
    gate reads every built file with it."""
    if markup and "<" in text:
        if "<!--" in text:
            text = _COMMENT.sub("", text)
        text = _INLINE_TAG.sub("", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = _REFERENCE.sub(_decode_match, text)
    if text.isascii():
        text = text.lower()
    else:
        text = _IGNORABLE.sub("", _fold(text))
    return " ".join(_EMPHASIS.sub("", text).split())


def _decode_match(match: re.Match[str]) -> str:
    return html.unescape(match.group())


def attribute_values(markup: str) -> list[tuple[int, str]]:
    """Each quoted attribute value in ``markup`` (which ``normalise`` removes with its tag),
    with its offset; only tags are searched."""
    values: list[tuple[int, str]] = []
    if "=" not in markup:
        return values
    for tag in _TAG.finditer(markup):
        if "=" in tag.group():
            for match in _ATTRIBUTE_VALUE.finditer(tag.group()):
                group = 1 if match.group(1) is not None else 2
                values.append((tag.start() + match.start(group), match.group(group)))
    return values


def attribute_text(markup: str) -> str:
    """Every quoted attribute value in ``markup``, one per line: a quick read for built files
    (a quoted ``= "value"`` in text is read too, which only means more text to match)."""
    if "=" not in markup:
        return ""
    return " \n ".join(double or single for double, single in _ANY_VALUE.findall(markup))
