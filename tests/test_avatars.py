"""Avatars: sizes and formats, metadata stripped, upright, initials fallback, cached."""

from __future__ import annotations

import io

from PIL import Image

from conftest import png_bytes


def _jpeg_with_exif_and_rotation() -> bytes:
    image = Image.new("RGB", (300, 200), (10, 120, 200))
    image.paste((255, 255, 0), (0, 0, 150, 200))  # left half yellow
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPS info
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_avatar_sizes_formats_and_no_metadata(site):
    site.write("authors/alice.jpg", _jpeg_with_exif_and_rotation())
    site.write("authors/alice.yml", (site.root / "authors/alice.yml").read_text().replace("alice.png", "alice.jpg"))
    site.build()
    for size in (64, 128, 256):
        for extension, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
            with Image.open(site.output / f"avatars/alice/alice-{size}.{extension}") as image:
                assert image.format == fmt and image.size == (size, size)
                assert not image.getexif(), "EXIF (GPS, camera) must be stripped"
                assert "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
    with Image.open(site.output / "avatars/alice/alice-256.jpg") as image:
        # rotated upright: the yellow half of the source is now on top
        top = image.getpixel((128, 20))
        bottom = image.getpixel((128, 235))
        assert top[0] > 200 and top[1] > 200 and bottom[2] > 150


def test_author_without_image_gets_initials(site):
    site.write("content/bob/x.md", "Title: T\nDate: 2026-01-01\n\nx\n")
    site.build()
    with Image.open(site.output / "avatars/bob/bob-128.webp") as image:
        assert image.size == (128, 128)
        colours = image.convert("RGB").getcolors(128 * 128)
        assert len(colours) > 2, "initials drawn on a coloured background"
    page = site.page("posts/bob/x/index.html")
    assert page.cssselect(".byline picture source[type='image/webp']")
    img = page.cssselect(".byline img.avatar")[0]
    assert img.get("width") == "48" and img.get("height") == "48"


def test_unchanged_avatar_is_not_processed_again(site, monkeypatch):
    site.build()
    from plugins.author_profiles import avatars

    calls = []
    original = avatars._square
    monkeypatch.setattr(avatars, "_square", lambda image: calls.append(1) or original(image))
    site.build()
    assert calls == []
    site.write("authors/alice.png", png_bytes(colour=(0, 200, 0)))
    site.build()
    assert calls == [1]
