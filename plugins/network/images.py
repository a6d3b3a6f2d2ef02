"""Checking images before anything decodes them in full."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import Problem, SourceError
from .sourcefile import not_regular_message, special_kind

RASTER_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


class ImageDecodeError(Exception):
    """The file is not a raster image Chorus accepts, or does not decode safely."""


@contextmanager
def open_raster(path: Path) -> Iterator[Image.Image]:
    """Open an image for decoding: allowlisted formats only, decompression bombs refused.

    Every place that decodes author-supplied pixels (checks, avatars, cards) opens them
    here, so the safety rules are written once.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=RASTER_FORMATS) as image:
                yield image
    except UnidentifiedImageError:
        raise ImageDecodeError(
            f"not a decodable image (expected one of {', '.join(RASTER_FORMATS)})"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageDecodeError(f"image refused as a decompression bomb ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageDecodeError(f"image does not decode: {exc}") from None


def check_image(path: Path, shown_as: str, max_bytes: int, max_pixels: int) -> tuple[int, int]:
    """Return (width, height) of a safe raster image; raise SourceError naming the file otherwise."""

    def fail(message: str) -> SourceError:
        return SourceError(Problem(shown_as, None, message, rule="image"))

    if path.is_symlink():
        raise fail("symbolic links are not allowed for images")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise fail("image file not found") from None
    kind = special_kind(info.st_mode)
    if kind is not None:
        raise SourceError(Problem(shown_as, None, not_regular_message(kind), rule="file-type"))
    size = info.st_size
    if size > max_bytes:
        raise fail(f"image is {size:,} bytes; the limit is {max_bytes:,} bytes")
    with path.open("rb") as fh:
        if fh.read(len(_LFS_POINTER)) == _LFS_POINTER:
            raise fail("this is a Git LFS pointer, not an image: fetch LFS objects before building")
    try:
        with open_raster(path) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise fail(f"image is {width}x{height} pixels; the limit is {max_pixels:,} pixels")
            image.load()
    except ImageDecodeError as exc:
        raise fail(str(exc)) from None
    return width, height
