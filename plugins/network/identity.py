"""Telling authors apart: confusable skeletons (Unicode UTS #39) and the scripts of a name.

Two names whose skeletons are equal look alike to a reader ("Аlice Field" with a Cyrillic
А and "Alice Field"; "a1ice" and "alice"). The skeleton is UTS #39's: the text in NFD,
default-ignorable characters removed, every character replaced by the prototype of its
confusable class, NFD again. The classes come from Unicode's ``confusables.txt`` as the
``confusable-homoglyphs`` package ships it (as pairs in both directions; each class is a
star around its prototype, so the prototype is the centre, or the one multi-character
member). Script names come from the same package (Unicode ``Scripts.txt``).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache

from confusable_homoglyphs import categories, confusables

_LRM = "\u200e"  # the package keeps the marks that displayed right-to-left characters in its source
_NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED", "UNKNOWN"})


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character (or sequence) -> the prototype of its class."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for key, glyphs in confusables.confusables_data.items():
        source = key.replace(_LRM, "")
        for glyph in glyphs:
            target = str(glyph["c"]).replace(_LRM, "")
            if target and source and target != source:
                neighbours[source].add(target)
                neighbours[target].add(source)
    prototype: dict[str, str] = {}
    for start in sorted(neighbours):
        if start in prototype:
            continue
        members, stack = {start}, [start]
        while stack:
            for other in neighbours[stack.pop()]:
                if other not in members:
                    members.add(other)
                    stack.append(other)
        centre = (
            [m for m in members if len(neighbours[m]) > 1]
            or [m for m in members if len(m) > 1]
            or [min(members)]
        )[0]
        for member in members:
            prototype[member] = centre
    return prototype


def skeleton(text: str) -> str:
    """UTS #39's skeleton of ``text`` (whitespace runs collapsed to one space)."""
    prototypes = _prototypes()

    def one(char: str) -> str:
        found = prototypes.get(char, char)
        return found if len(found) == 1 else "".join(prototypes.get(c, c) for c in found)

    decomposed = unicodedata.normalize("NFD", " ".join(text.split()))
    mapped = "".join(one(c) for c in decomposed if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFD", mapped)


def look_alike(text: str) -> frozenset[str]:
    """Keys under which two texts a reader cannot tell apart collide: the skeleton as
    written (capital I and small l look alike) and of the case-folded text."""
    return frozenset({"=" + skeleton(text), "~" + skeleton(text.casefold())})


def scripts(text: str) -> list[str]:
    """The scripts of the letters in ``text``, in order of first use ('LATIN', 'CYRILLIC', …)."""
    found: list[str] = []
    for char in text:
        script = categories.alias(char)
        if script not in _NEUTRAL_SCRIPTS and script not in found:
            found.append(script)
    return found


def mixed_script_intruders(text: str) -> list[tuple[str, str]]:
    """Letters of a minority script that look like letters of the text's main script:
    (the letter, its script). Empty when the text is in one script, or when its scripts
    simply sit side by side (a name in Latin and Han letters)."""
    used = scripts(text)
    if len(used) < 2:
        return []
    counts = {s: sum(1 for c in text if categories.alias(c) == s) for s in used}
    main = max(used, key=lambda s: (counts[s], -used.index(s)))
    intruders = []
    for char in dict.fromkeys(text):
        script = categories.alias(char)
        if script in _NEUTRAL_SCRIPTS or script == main:
            continue
        proto = skeleton(char)
        if proto != char and all(categories.alias(c) in (main, *_NEUTRAL_SCRIPTS) for c in proto):
            intruders.append((char, script))
    return intruders


def describe_char(char: str) -> str:
    """For a message: "'А' is U+0410 CYRILLIC CAPITAL LETTER A"."""
    name = unicodedata.name(char, "")
    return f"'{char}' is U+{ord(char):04X}{' ' + name if name else ''}"
