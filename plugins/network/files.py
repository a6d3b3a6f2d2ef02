"""What a file under ``content/`` may be: its name, and a type its content proves.

Names come from a small alphabet that every file system, URL and shell takes as it is.
Each allowed extension has a check of the bytes: an image must decode as the format its
extension names, a PDF must start like one. Anything else under that name (HTML renamed
``.pdf``, a PNG named ``.jpg``) is refused, so what the site serves is what it claims to be.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .images import LFS_POINTER, check_image

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
# Names Windows refuses whatever the extension: a checkout there would fail.
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


@dataclass(frozen=True)
class FileType:
    """An attachment type Chorus can verify by content."""

    label: str  # as a person names it: "PNG image"
    image_format: str | None = None  # Pillow's name: the content must decode as this
    magic: bytes | None = None  # the content must start with these bytes


FILE_TYPES: dict[str, FileType] = {
    "png": FileType("PNG image", image_format="PNG"),
    "jpg": FileType("JPEG image", image_format="JPEG"),
    "jpeg": FileType("JPEG image", image_format="JPEG"),
    "gif": FileType("GIF image", image_format="GIF"),
    "webp": FileType("WebP image", image_format="WEBP"),
    "pdf": FileType("PDF document", magic=b"%PDF-"),
}
IMAGE_EXTENSIONS = frozenset(ext for ext, kind in FILE_TYPES.items() if kind.image_format)


def printable(text: str) -> str:
    """``text`` with invisible and control characters written as \\u escapes (\\u200b), so a file name with a
    newline or a zero-width space cannot break or hide in a one-line message."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text)


def name_problem(name: str, max_length: int) -> str | None:
    """Why a file or folder name is not allowed in content/, or None."""
    if len(name) > max_length:
        return f"name is {len(name)} characters long; the limit is {max_length} (CHORUS_MAX_FILE_NAME_LENGTH)"
    bad = sorted({ch for ch in name if ch not in _NAME_CHARS})
    if bad:
        listed = ", ".join(
            "a space" if ch == " " else f"'{ch}'" if ch.isprintable() else f"U+{ord(ch):04X}" for ch in bad
        )
        return (
            f"name has characters that are not allowed ({listed}); use only letters a-z and A-Z,"
            " digits, '-', '_' and '.', like 'pump-curve.png'"
        )
    if name[0] in "-.":
        return f"name starts with '{name[0]}'; start it with a letter or a digit"
    if name.endswith("."):
        return "name ends with '.'; end it with a letter or a digit"
    if name.split(".")[0].lower() in _WINDOWS_DEVICES:
        return f"'{name.split('.')[0]}' is a reserved name on Windows; choose another name"
    return None


def content_problem(
    path: Path, extension: str, *, max_image_bytes: int, max_image_pixels: int, max_other_bytes: int
) -> str | None:
    """Why the file's bytes are not what its extension says (or are too large), or None.

    ``extension`` must be one of FILE_TYPES."""
    kind = FILE_TYPES[extension]
    if kind.image_format:
        try:
            check_image(path, "", max_image_bytes, max_image_pixels, expected_format=kind.image_format)
        except SourceError as exc:
            return exc.problems[0].message
        return None
    size = path.lstat().st_size
    if size > max_other_bytes:
        return f"file is {size:,} bytes; the limit is {max_other_bytes:,} bytes (CHORUS_MAX_ATTACHMENT_BYTES)"
    head = read_head(path, 1024)
    if head.startswith(LFS_POINTER):
        return f"this is a Git LFS pointer, not a {kind.label}: fetch LFS objects before building"
    if kind.magic and not head.startswith(kind.magic):
        return f"the content is not a {kind.label} ({looks_like(head)}); only a real {kind.label} may be named .{extension}"
    return None


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes, opened without following a link or blocking on a pipe."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(size)


def looks_like(head: bytes) -> str:
    """What the first bytes of a file suggest it is, in words."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(
        (b"<!doctype html", b"<html", b"<script", b"<head", b"<body", b"<svg", b"<?xml", b"<")
    ):
        return "it looks like HTML or XML"
    if head.startswith(b"\x89PNG"):
        return "it is a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "it is a JPEG image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "it is a GIF image"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive (Word and Excel files are too)"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "it is a program"
    if not head:
        return "it is empty"
    return "its first bytes are not those of one"


def path_name_problem(relative: str, max_length: int) -> tuple[str, str] | None:
    """The first folder or file name on ``relative`` (with '/') that is not allowed, and why."""
    parts = relative.split("/")
    for index, part in enumerate(parts):
        message = name_problem(part, max_length)
        if message:
            return "/".join(parts[: index + 1]), message
    return None
