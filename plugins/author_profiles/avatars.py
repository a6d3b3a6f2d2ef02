"""Square, centre-cropped avatars in modern formats with a fallback, and no metadata left in them.

The source is turned upright from its EXIF orientation, then re-encoded from pixels only,
so EXIF (GPS positions of someone's home), XMP and ICC text never reach the site, and a
polyglot file loses its payload. Initials, their colour and the square crop come from
``plugins.network.portraits``, so avatars and social cards picture an author alike.
Results are cached by a hash of the source bytes, the sizes and the formats, so an
unchanged avatar is never processed twice.

The source was already checked by the registry loader (``plugins.network.images``: size
limits, decompression bombs, truncated and non-image files); opening it here still uses
the same format allowlist, so nothing else is ever decoded.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from plugins.network.errors import Problem, SourceError
from plugins.network.images import (
    FALLBACK_FORMATS,
    FORMATS,
    Format,
    ImageDecodeError,
    cached_files,
    encode,
    open_raster,
    pixels_only,
)
from plugins.network.model import Author
from plugins.network.portraits import colour_for, initials, square_crop
from plugins.network.urls import UrlScheme

# Bumped whenever the processing changes, so cached results of older code are not reused.
_PIPELINE_VERSION = b"v2"


@dataclass(frozen=True)
class AvatarImage:
    size: int
    url: str
    format: str


@dataclass(frozen=True)
class AvatarSource:
    """One <source> of a <picture>: a modern format in every size."""

    mime: str
    images: tuple[AvatarImage, ...]


@dataclass(frozen=True)
class AvatarSet:
    sources: tuple[AvatarSource, ...]
    fallback: tuple[AvatarImage, ...]
    generated: bool

    @property
    def webp(self) -> tuple[AvatarImage, ...]:
        return next((s.images for s in self.sources if s.mime == "image/webp"), ())

    @property
    def images(self) -> tuple[AvatarImage, ...]:
        return tuple(i for s in self.sources for i in s.images) + self.fallback

    def fallback_for(self, size: int) -> AvatarImage:
        """The smallest fallback image at least ``size`` wide (for the plain <img src>)."""
        for image in self.fallback:
            if image.size >= size:
                return image
        return self.fallback[-1]


def draw_initials(author: Author, size: int = 512) -> Image.Image:
    image = Image.new("RGB", (size, size), colour_for(author.id))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size * 0.42))
    draw.text((size / 2, size / 2), initials(author.name), fill=(255, 255, 255), font=font, anchor="mm")
    return image


def _open_source(path: Path, shown_as: str) -> Image.Image:
    try:
        with open_raster(path) as source:
            return square_crop(source)
    except ImageDecodeError as exc:
        raise SourceError(
            Problem(shown_as, None, f"avatar could not be processed: {exc}", rule="image")
        ) from None


def _file_name(size: int, fmt: Format) -> str:
    return f"{size}.{fmt.extension}"


def _render_into(
    folder: Path, author: Author, shown_as: str, sizes: list[int], formats: list[Format]
) -> None:
    square = draw_initials(author) if author.avatar is None else _open_source(author.avatar, shown_as)
    for size in sizes:
        resized = pixels_only(square.resize((size, size), Image.Resampling.LANCZOS))
        for fmt in formats:
            encode(resized, fmt, folder / _file_name(size, fmt))


def cache_key(author: Author, sizes: list[int], format_names: list[str]) -> str:
    """Identifies the result: the source's bytes (or the initials' inputs), sizes, formats."""
    if author.avatar is not None:
        source = author.avatar.read_bytes()
    else:
        source = f"initials:{author.id}:{author.name}".encode()
    recipe = repr((sorted(sizes), list(format_names))).encode()
    return hashlib.sha256(source + b"\0" + recipe + _PIPELINE_VERSION).hexdigest()[:16]


def make_avatars(
    author: Author,
    sizes: list[int],
    cache_dir: Path,
    output_root: Path,
    urls: UrlScheme,
    format_names: list[str] = ("webp", "jpeg"),  # type: ignore[assignment]
    shown_as: str = "",
) -> AvatarSet:
    """Write the author's avatars where ``urls.avatar`` puts them under output_root (from the
    cache when the source is unchanged)."""
    format_names = list(format_names)
    formats = [FORMATS[name] for name in format_names]
    sizes = sorted(sizes)
    expected = [_file_name(size, fmt) for size in sizes for fmt in formats]
    cached = cached_files(
        cache_dir / author.id,
        cache_key(author, sizes, format_names),
        expected,
        lambda folder: _render_into(folder, author, shown_as or author.source, sizes, formats),
    )
    by_format: dict[str, list[AvatarImage]] = {name: [] for name in format_names}
    for size in sizes:
        for name, fmt in zip(format_names, formats, strict=False):
            place = urls.avatar(author.id, f"{author.id}-{size}.{fmt.extension}")
            target = output_root / place.save_as
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached / _file_name(size, fmt), target)
            by_format[name].append(AvatarImage(size, place.url, fmt.extension))
    fallback_name = next(n for n in format_names if n in FALLBACK_FORMATS)
    sources = tuple(
        AvatarSource(FORMATS[name].mime, tuple(images))
        for name, images in by_format.items()
        if name != fallback_name
    )
    return AvatarSet(sources, tuple(by_format[fallback_name]), author.avatar is None)
