"""Checking images before anything decodes them in full, re-encoding them clean, and
making the sizes pages offer.

Every place that decodes author-supplied pixels (checks, avatars, cards, post images)
opens them with :func:`open_raster`, so the safety rules are written once. Every place
that writes derived images (avatars, the widths of post images) encodes them with
:func:`encode` in one of :data:`FORMATS` and keeps them with :func:`cached_files`.
"""

from __future__ import annotations

import io
import shutil
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageSequence, UnidentifiedImageError, features

from .errors import Problem, SourceError
from .sourcefile import not_regular_message, special_kind

RASTER_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
FORMAT_EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
LFS_POINTER = b"version https://git-lfs.github.com/spec/"

# What survives re-encoding besides the pixels: how to show them, never what was said about them.
_KEPT_INFO = ("transparency", "duration", "loop", "background")
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 90},
    "PNG": {},
    "WEBP": {"quality": 90},
    "GIF": {},
}
_ORIENTATION = 0x0112  # the EXIF tag
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class ImageDecodeError(Exception):
    """The file is not a raster image Chorus accepts, or does not decode safely."""


@contextmanager
def open_raster(path: Path) -> Iterator[Image.Image]:
    """Open an image for decoding: allowlisted formats only, decompression bombs refused."""
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
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageDecodeError(f"image does not decode: {exc}") from None


def check_image(
    path: Path, shown_as: str, max_bytes: int, max_pixels: int, *, expected_format: str | None = None
) -> tuple[int, int]:
    """Return (width, height) of a safe raster image; raise SourceError naming the file otherwise.

    Every frame is decoded (an animation is limited to ``max_pixels`` in all), so what
    passes here also re-encodes. With ``expected_format``, the content must be that format."""

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
    if info.st_size > max_bytes:
        raise fail(f"image is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes")
    with path.open("rb") as fh:
        if fh.read(len(LFS_POINTER)) == LFS_POINTER:
            raise fail("this is a Git LFS pointer, not an image: fetch LFS objects before building")
    try:
        with open_raster(path) as image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            if width * height > max_pixels:
                raise fail(f"image is {width}x{height} pixels; the limit is {max_pixels:,} pixels")
            if width * height * frames > max_pixels:
                raise fail(
                    f"animation is {frames} frames of {width}x{height} pixels; the limit is {max_pixels:,} pixels in all"
                )
            if expected_format and image.format != expected_format:
                found = image.format or "another"
                raise fail(
                    f"the content is a {found} image, not {expected_format}:"
                    f" rename the file to end in {FORMAT_EXTENSIONS.get(found, '.' + found.lower())}"
                    " (and the links to it)"
                )
            for frame in ImageSequence.Iterator(image):
                frame.load()
    except ImageDecodeError as exc:
        raise fail(str(exc)) from None
    return width, height


def clean_image(path: Path, shown_as: str) -> bytes:
    """The image re-encoded in its own format from its pixels alone, turned upright.

    EXIF (camera, GPS position), XMP, ICC profiles (converted to sRGB first, so colours
    stay), PNG text chunks and GIF comments are all left behind; an animation keeps its
    frames and timing. The image was checked by :func:`check_image` first."""
    try:
        with open_raster(path) as image:
            image_format = str(image.format)
            transpose = _TRANSPOSE.get(image.getexif().get(_ORIENTATION, 1))
            profile = image.info.get("icc_profile")
            kept = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
            frames = []
            durations = []
            for frame in ImageSequence.Iterator(image):
                durations.append(frame.info.get("duration", kept.get("duration", 100)))
                clean = _pixels_only(frame, profile)
                frames.append(clean.transpose(transpose) if transpose is not None else clean)
        buffer = io.BytesIO()
        options = dict(_SAVE_OPTIONS[image_format])
        if "transparency" in kept and frames[0].mode in ("P", "L", "RGB"):
            options["transparency"] = kept["transparency"]
        if len(frames) > 1:
            options.update(save_all=True, append_images=frames[1:], duration=durations)
            options["loop"] = kept.get("loop", 0)
        if image_format == "JPEG" and frames[0].mode not in ("L", "RGB", "CMYK"):
            frames[0] = frames[0].convert("RGB")
        frames[0].save(buffer, image_format, **options)
    except ImageDecodeError as exc:
        raise SourceError(Problem(shown_as, None, str(exc), rule="image")) from None
    except (OSError, ValueError) as exc:
        raise SourceError(
            Problem(shown_as, None, f"image could not be re-encoded: {exc}", rule="image")
        ) from None
    return buffer.getvalue()


def _pixels_only(frame: Image.Image, profile: bytes | None) -> Image.Image:
    """A copy of one frame with nothing but its pixels (and palette): colours in sRGB."""
    clean = frame.copy()
    clean.info = {}
    if profile and clean.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            mode = "RGBA" if clean.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(
                clean, source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # an unreadable profile: the pixels stay as they are, without it
        if converted is not None:
            clean = converted
            clean.info = {}
    return clean


# --- what a page needs to show an image -----------------------------------------------------


@dataclass(frozen=True)
class ImageWidth:
    """One file of an image at one width (``url`` relative to SITEURL)."""

    url: str
    width: int


@dataclass(frozen=True)
class ResponsiveImage:
    """An image of content/ as published: its URL and size (upright, as re-encoded), and the
    widths a browser may choose from, narrowest first, the largest being ``url`` itself or
    a smaller copy of it (none for an animation)."""

    url: str
    width: int
    height: int
    widths: tuple[ImageWidth, ...] = ()

    @property
    def largest(self) -> ImageWidth:
        """The file to name in ``src``: the widest offered."""
        return self.widths[-1] if self.widths else ImageWidth(self.url, self.width)

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))


# --- derived images: encoded without metadata, cached between builds ------------------------


@dataclass(frozen=True)
class Format:
    """One output format: file extension, Pillow encoder, MIME type, encoder options."""

    extension: str
    pillow: str
    mime: str
    options: tuple[tuple[str, object], ...]
    alpha: bool


FORMATS = {
    "webp": Format("webp", "WEBP", "image/webp", (("quality", 82), ("method", 4)), True),
    "avif": Format("avif", "AVIF", "image/avif", (("quality", 60),), True),
    "jpeg": Format("jpg", "JPEG", "image/jpeg", (("quality", 85), ("optimize", True)), False),
    "png": Format("png", "PNG", "image/png", (("optimize", True),), True),
}
# Every browser shows these; one of them is always the <img> fallback.
FALLBACK_FORMATS = ("jpeg", "png")
# The format a still image is resized in: its own.
FORMAT_OF = {"PNG": FORMATS["png"], "JPEG": FORMATS["jpeg"], "WEBP": FORMATS["webp"]}


def unsupported_formats(names: Iterable[str]) -> list[str]:
    """Formats this Pillow build cannot encode (AVIF needs libavif)."""
    return [n for n in names if n == "avif" and not features.check("avif")]


def pixels_only(image: Image.Image) -> Image.Image:
    """A fresh image holding only the pixels: nothing of the source's info or EXIF survives."""
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette() or [])
    clean.paste(image)
    return clean


def encode(image: Image.Image, fmt: Format, target: Path) -> None:
    """Write the pixels of ``image`` as ``fmt`` (transparency put on white where it cannot stay)."""
    if image.mode in ("RGBA", "LA", "P") and not fmt.alpha:
        # JPEG has no transparency: put transparent parts on white, not on black.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    image.save(target, fmt.pillow, **dict(fmt.options))


def resized_to_width(image: Image.Image, width: int) -> Image.Image:
    """``image`` scaled to ``width`` pixels, its proportions kept, its pixels only."""
    height = max(1, round(image.height * width / image.width))
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "P" else "RGB")
    return pixels_only(image.resize((width, height), Image.Resampling.LANCZOS))


def cached_files(slot: Path, key: str, names: Iterable[str], render: Callable[[Path], None]) -> Path:
    """The cache folder ``slot/key`` holding every file of ``names``: made by ``render(folder)``
    when any is missing (into a staging folder renamed into place, so a build stopped half
    way leaves nothing behind), older keys of the same slot removed. An unchanged source
    is therefore never drawn twice."""
    cached = slot / key
    if all((cached / name).is_file() for name in names):
        return cached
    staging = slot / f".{key}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    render(staging)
    for old in slot.iterdir():
        if old.is_dir() and old != staging:
            shutil.rmtree(old, ignore_errors=True)
    staging.rename(cached)
    return cached
