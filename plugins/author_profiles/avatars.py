"""Square, centre-cropped avatars in WebP and JPEG, with no metadata left in them.

The source is turned upright from its EXIF orientation, then re-encoded from pixels only,
so EXIF (GPS positions of someone's home), XMP and ICC text never reach the site, and a
polyglot file loses its payload. Results are cached by a hash of the source bytes and the
sizes, so an unchanged avatar is never processed twice.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from plugins.network.model import Author

FORMATS = {"webp": ("WEBP", {"quality": 82, "method": 4}), "jpg": ("JPEG", {"quality": 85, "optimize": True})}


@dataclass(frozen=True)
class AvatarImage:
    size: int
    url: str
    format: str


@dataclass(frozen=True)
class AvatarSet:
    webp: tuple[AvatarImage, ...]
    fallback: tuple[AvatarImage, ...]
    generated: bool

    def fallback_for(self, size: int) -> AvatarImage:
        """The smallest fallback image at least ``size`` wide (for the plain <img src>)."""
        for image in self.fallback:
            if image.size >= size:
                return image
        return self.fallback[-1]


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    letters = (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")) if parts else "?"
    return letters.upper()


def colour_for(author_id: str) -> tuple[int, int, int]:
    """A colour derived from the id alone, dark enough for white initials (contrast >= 4.5)."""
    digest = hashlib.sha256(author_id.encode()).digest()
    import colorsys

    r, g, b = colorsys.hls_to_rgb(digest[0] / 255, 0.33, 0.55)
    return int(r * 255), int(g * 255), int(b * 255)


def draw_initials(author: Author, size: int = 512) -> Image.Image:
    image = Image.new("RGB", (size, size), colour_for(author.id))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=int(size * 0.42))
    draw.text((size / 2, size / 2), initials(author.name), fill=(255, 255, 255), font=font, anchor="mm")
    return image


def _square(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))


def _pixels_only(image: Image.Image) -> Image.Image:
    """A fresh image holding only the pixels: nothing of the source's info or EXIF survives."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def make_avatars(author: Author, sizes: list[int], cache_dir: Path, output_dir: Path, url_prefix: str) -> AvatarSet:
    """Write the author's avatars into output_dir (from the cache when the source is unchanged)."""
    if author.avatar is not None:
        source_bytes = author.avatar.read_bytes()
        generated = False
    else:
        source_bytes = f"initials:{author.id}:{author.name}".encode()
        generated = True
    key = hashlib.sha256(source_bytes + repr(sorted(sizes)).encode() + b"v1").hexdigest()[:16]
    cached = cache_dir / author.id / key
    if not cached.is_dir():
        staging = cache_dir / author.id / f".{key}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if generated:
            square = draw_initials(author)
        else:
            with Image.open(author.avatar) as source:
                square = _square(source)
        for size in sizes:
            resized = _pixels_only(square.resize((size, size), Image.Resampling.LANCZOS))
            for extension, (fmt, options) in FORMATS.items():
                frame = resized.convert("RGB") if fmt == "JPEG" else resized
                frame.save(staging / f"{size}.{extension}", fmt, **options)
        for old in (cache_dir / author.id).glob("*"):
            if old.is_dir() and old != staging:
                shutil.rmtree(old, ignore_errors=True)
        staging.rename(cached)
    target = output_dir / author.id
    target.mkdir(parents=True, exist_ok=True)
    webp, fallback = [], []
    for size in sorted(sizes):
        for extension, bucket in (("webp", webp), ("jpg", fallback)):
            name = f"{author.id}-{size}.{extension}"
            shutil.copyfile(cached / f"{size}.{extension}", target / name)
            bucket.append(AvatarImage(size, f"{url_prefix}/{author.id}/{name}", extension))
    return AvatarSet(tuple(webp), tuple(fallback), generated)
