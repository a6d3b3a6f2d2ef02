"""Fitting text into boxes: whole words only, never wider or taller than the box.

Pure measuring, no drawing: ``fit_title`` tries font sizes from large to small and keeps
the first one at which the words wrap into the box; ``fit_line`` shortens one line at a
word boundary. Both return what they decided, so tests check the geometry directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

ELLIPSIS = "…"
# No line of a 1200-pixel card holds this many visible characters, even at the smallest size.
MAX_LINE_CHARACTERS = 1000


class Fonts:
    """A regular and a bold TrueType face, loaded once per size."""

    def __init__(self, regular: Path, bold: Path):
        self.paths = (Path(regular), Path(bold))
        self._load = lru_cache(maxsize=None)(self._truetype)

    @staticmethod
    def _truetype(path: Path, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(path), size)

    def regular(self, size: int) -> ImageFont.FreeTypeFont:
        return self._load(self.paths[0], size)

    def bold(self, size: int) -> ImageFont.FreeTypeFont:
        return self._load(self.paths[1], size)


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.y + self.height


@dataclass(frozen=True)
class Line:
    """One line of text as drawn: its words, and its box (top-left corner, size)."""

    words: tuple[str, ...]
    x: int
    y: int
    width: float
    height: int

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class TextBlock:
    size: int
    lines: tuple[Line, ...]
    truncated: bool  # True only when even the smallest size could not hold every word


def measure(font: ImageFont.FreeTypeFont, text: str) -> float:
    """Width of ``text`` in pixels; text longer than any line of a card counts as too wide.

    Pillow refuses to measure very long strings, and a title may be one enormous word.
    """
    return font.getlength(text) if len(text) <= MAX_LINE_CHARACTERS else math.inf


def line_height(size: int) -> int:
    # DejaVu's ascender plus descender is about 1.17 em: 1.2 em keeps lines from touching.
    return round(size * 1.2)


def _wrap(
    words: Sequence[str], font: ImageFont.FreeTypeFont, width: int, max_lines: int
) -> list[list[str]] | None:
    """Greedy word wrap; None when a word is wider than the box or the lines do not fit.

    Stops at the first line too many, so a title of a million characters costs no more
    than one that fills the box.
    """
    lines: list[list[str]] = []
    for word in words:
        if measure(font, word) > width:
            return None
        if lines and measure(font, " ".join([*lines[-1], word])) <= width:
            lines[-1].append(word)
        elif len(lines) == max_lines:
            return None
        else:
            lines.append([word])
    return lines


def _place(lines: list[list[str]], font: ImageFont.FreeTypeFont, size: int, box: Box) -> tuple[Line, ...]:
    step = line_height(size)
    return tuple(
        Line(tuple(words), box.x, box.y + index * step, measure(font, " ".join(words)), step)
        for index, words in enumerate(lines)
    )


def _truncated_lines(
    words: Sequence[str], font: ImageFont.FreeTypeFont, width: int, max_lines: int
) -> list[list[str]]:
    """As many whole words as fit in max_lines, the last line ending in an ellipsis."""
    lines: list[list[str]] = [[]]
    for word in words:
        candidate = [*lines[-1], word]
        if measure(font, " ".join(candidate)) <= width:
            lines[-1] = candidate
        elif len(lines) < max_lines and lines[-1] and measure(font, word) <= width:
            lines.append([word])
        else:
            break
    last = lines[-1]
    while last and measure(font, " ".join(last) + ELLIPSIS) > width:
        last.pop()
    last.append(ELLIPSIS)
    if len(last) > 1:
        # The ellipsis belongs to the last word ("before…"), not a word of its own.
        last[-2:] = [last[-2] + ELLIPSIS]
    return [line for line in lines if line]


def fit_title(
    text: str,
    font_for: Callable[[int], ImageFont.FreeTypeFont],
    box: Box,
    sizes: Sequence[int],
) -> TextBlock:
    """The largest size at which ``text`` wraps into ``box`` by whole words.

    ``sizes`` go from largest to smallest. When not even the smallest fits (a title of
    hundreds of characters, or one enormous word), the text is cut after the last whole
    word that fits and ends with an ellipsis: still nothing overflows or splits a word.
    """
    words = text.split()
    for size in sizes:
        font = font_for(size)
        max_lines = box.height // line_height(size)
        lines = _wrap(words, font, box.width, max_lines)
        if lines is not None:
            return TextBlock(size, _place(lines, font, size, box), truncated=False)
    size = sizes[-1]
    font = font_for(size)
    lines = _truncated_lines(words, font, box.width, max(1, box.height // line_height(size)))
    return TextBlock(size, _place(lines, font, size, box), truncated=True)


def fit_line(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """``text`` if it fits on one line of ``width``; else its longest word prefix plus '…'."""
    shown: list[str] = []
    for word in text.split():
        if measure(font, " ".join([*shown, word])) > width:
            break
        shown.append(word)
    else:
        return " ".join(shown)
    while shown and measure(font, " ".join(shown) + ELLIPSIS) > width:
        shown.pop()
    return (" ".join(shown) + ELLIPSIS) if shown else ELLIPSIS


def _names_text(prefix: str, names: Sequence[str], total: int) -> str:
    rest = total - len(names)
    if rest:
        return prefix + ", ".join(names) + f" and {rest} more"
    if len(names) > 1:
        return prefix + ", ".join(names[:-1]) + " and " + names[-1]
    return prefix + names[0]


def fit_names(names: Sequence[str], font: ImageFont.FreeTypeFont, width: int, prefix: str = "with ") -> str:
    """'with A, B and C' when it fits; else as many names as fit and 'and N more'."""
    if not names:
        return ""
    everyone = _names_text(prefix, names, len(names))
    if measure(font, everyone) <= width:
        return everyone
    best = None
    for shown in range(1, len(names)):  # more names only make the line longer: stop at the first misfit
        text = _names_text(prefix, names[:shown], len(names))
        if measure(font, text) > width:
            break
        best = text
    return best or fit_line(f"{prefix}{len(names)} co-authors", font, width)
