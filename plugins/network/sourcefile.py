"""Reading hand-written text files the same strict way everywhere.

Bytes must be UTF-8 (a leading BOM is dropped); CRLF and lone CR become LF before anything
looks for a header, so a file saved on Windows cannot turn its header into body text; control
characters that break XML feeds or hide text are refused with their line.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import Problem, SourceError

# C0 controls except tab and newline, DEL, and the bidi overrides used in "Trojan Source".
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def read_source_text(path: Path, shown_as: str, max_bytes: int) -> str:
    """Return the file's text, normalised; raise SourceError naming file and line otherwise."""
    if path.is_symlink():
        raise SourceError(
            Problem(shown_as, None, "symbolic links are not allowed in content or authors", rule="symlink")
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise SourceError(
            Problem(
                shown_as, None, f"file is {size:,} bytes; the limit is {max_bytes:,} bytes", rule="file-size"
            )
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            Problem(
                shown_as, line, f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", rule="encoding"
            )
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _FORBIDDEN.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise SourceError(
            Problem(
                shown_as,
                line,
                f"control character U+{ord(bad.group()):04X} is not allowed; delete it",
                col=col,
                rule="encoding",
            )
        )
    return unicodedata.normalize("NFC", text)
