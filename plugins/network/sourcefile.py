"""Reading hand-written files the same strict way everywhere.

Only regular files are opened, and never in a way that can block (a named pipe in a pull
request must not hang the build). Bytes must be UTF-8 (a leading BOM is dropped); a file
saved as UTF-16 or in an older 8-bit encoding is named as such, with the fix. CRLF and lone
CR become LF before anything looks for a header, so a file saved on Windows cannot turn
its header into body text; control characters that break XML feeds or hide text, and
Unicode noncharacters, are refused with their line and column.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import unicodedata
from pathlib import Path

from .errors import Problem, SourceError

# C0 controls except tab and newline, DEL, and the bidi overrides used in "Trojan Source".
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
# They are not text (XML refuses U+FFFE and U+FFFF outright), so feeds would fail on them.
_NONCHARACTER = re.compile(
    "[\ufdd0-\ufdef"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17))
    + "]"
)
# Every byte an ASCII file may hold: what is left once these are deleted is a control
# character. Deleting bytes is a tenth of the cost of searching the text with _CONTROL.
_ASCII_TEXT = bytes(range(0x20, 0x7F)) + b"\t\n\r"

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device file",
    stat.S_IFBLK: "a device file",
    stat.S_IFLNK: "a symbolic link",
}


def special_kind(mode: int) -> str | None:
    """What a file is when it is not a regular file ('a named pipe', …); None for a regular one."""
    if stat.S_ISREG(mode):
        return None
    return _KINDS.get(stat.S_IFMT(mode), "not an ordinary file")


def not_regular_message(kind: str) -> str:
    return f"this is {kind}, not an ordinary file; only ordinary files can be published or read"


def read_regular_bytes(path: Path, shown_as: str, max_bytes: int, *, rule: str = "file-size") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; SourceError naming the file otherwise.

    The file is opened without following a symbolic link and without blocking, and is
    checked to be a regular file on the open descriptor, so nothing can be swapped in
    between the check and the read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            message, rule = "symbolic links are not allowed in content or authors", "symlink"
        elif exc.errno == errno.ENOENT:
            message, rule = "file not found", "reading"
        else:
            message, rule = f"cannot be read ({exc.strerror})", "reading"
        raise SourceError(Problem(shown_as, None, message, rule=rule)) from None
    try:  # the descriptor itself, not a file object: a tenth of reading 10,000 small posts
        info = os.fstat(fd)
        kind = special_kind(info.st_mode)
        if kind is not None:
            raise SourceError(Problem(shown_as, None, not_regular_message(kind), rule="file-type"))
        if info.st_size > max_bytes:
            raise SourceError(
                Problem(
                    shown_as,
                    None,
                    f"file is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes",
                    rule=rule,
                )
            )
        chunks = []
        left = max_bytes + 1
        piece = info.st_size + 1  # the whole file, and one byte to see it grew since
        while left > 0 and (chunk := os.read(fd, min(left, piece))):
            chunks.append(chunk)
            left -= len(chunk)
            piece = 65536
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # grew after the check
        raise SourceError(
            Problem(shown_as, None, f"file is larger than the limit of {max_bytes:,} bytes", rule=rule)
        )
    return data


def read_source_text(path: Path, shown_as: str, max_bytes: int) -> str:
    """Return the file's text, normalised; raise SourceError naming file and line otherwise."""
    return decode_source(read_regular_bytes(path, shown_as, max_bytes), shown_as)


def decode_source(data: bytes, shown_as: str) -> str:
    """Strict UTF-8 text with LF line ends, NFC, and no control characters or noncharacters."""
    wide = _wide_encoding(data)
    if wide:
        raise SourceError(
            Problem(shown_as, None, f"the file is saved as {wide}; save it as UTF-8", rule="encoding")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        start_of_line = before.rfind(b"\n") + 1
        col = len(before[start_of_line:].decode("utf-8", errors="replace")) + 1
        raise SourceError(
            Problem(
                shown_as,
                line,
                f"not UTF-8: the byte 0x{data[exc.start]:02X} here comes from another encoding"
                " (often Windows-1252 or Latin-1); save the file as UTF-8",
                col=col,
                rule="encoding",
            )
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    checks = []
    if not (data.isascii() and not data.translate(None, _ASCII_TEXT)):
        checks.append((_CONTROL, "control character U+{code} is not allowed; delete it"))
    if not text.isascii():  # a class with astral code points is slow to search: only when it can match
        checks.append((_NONCHARACTER, "U+{code} is a noncharacter, not text; delete it"))
    for pattern, message in checks:
        bad = pattern.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
            code = f"{ord(bad.group()):04X}"
            raise SourceError(Problem(shown_as, line, message.format(code=code), col=col, rule="encoding"))
    return unicodedata.normalize("NFC", text)


def _wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are text in one of them (with or without a BOM)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    # Without a BOM: mostly-ASCII text in UTF-16 has a zero byte in every other place.
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        for encoding, name in (("utf-32", "UTF-32"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16")):
            if _decodes_as_text(sample, encoding):
                return name
    return None


def _decodes_as_text(sample: bytes, encoding: str) -> bool:
    width = 4 if encoding == "utf-32" else 2
    sample = sample[: len(sample) - len(sample) % width]
    try:
        text = sample.decode(encoding if width == 2 else "utf-32-le")
    except UnicodeDecodeError:
        return False
    return bool(text) and all(ch.isprintable() or ch in "\t\n\r" for ch in text)
