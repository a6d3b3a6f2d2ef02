"""How an author is pictured, wherever a picture is drawn (avatars, social cards).

Pure functions on the model and on Pillow images; nothing here writes files. Both the
avatars of ``author_profiles`` and the cards of ``social_cards`` use them, so an author
without a photo shows the same initials on the same colour everywhere.
"""

from __future__ import annotations

import colorsys
import hashlib

from PIL import Image, ImageOps


def initials(name: str) -> str:
    """First letters of the first and last name ('Alice Field' -> 'AF'); '?' without letters.

    Abbreviated titles ('Dr.', 'Prof.') are skipped: 'Dr. Elena Vogt' -> 'EV'."""
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha() and not p.endswith(".")]
    letters = (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")) if parts else "?"
    return letters.upper()


def colour_for(author_id: str) -> tuple[int, int, int]:
    """A colour derived from the id alone, dark enough for white initials (contrast >= 4.5)."""
    digest = hashlib.sha256(author_id.encode()).digest()
    r, g, b = colorsys.hls_to_rgb(digest[0] / 255, 0.33, 0.55)
    return int(r * 255), int(g * 255), int(b * 255)


def square_crop(image: Image.Image) -> Image.Image:
    """The centred square of a photo, turned upright from its EXIF orientation, in RGB(A)."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB")
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))
