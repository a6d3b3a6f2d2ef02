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
    site.write(
        "authors/alice.yml", (site.root / "authors/alice.yml").read_text().replace("alice.png", "alice.jpg")
    )
    site.build()
    for size in (64, 128, 256):
        for extension, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
            with Image.open(site.output / f"avatars/alice/alice-{size}.{extension}") as image:
                assert image.format == fmt and image.size == (size, size)
                assert not image.getexif(), "EXIF (GPS, camera) must be stripped"
                assert (
                    "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
                )
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
    original = avatars.square_crop
    monkeypatch.setattr(avatars, "square_crop", lambda image: calls.append(1) or original(image))
    site.build()
    assert calls == []
    site.write("authors/alice.png", png_bytes(colour=(0, 200, 0)))
    site.build()
    assert calls == [1]


def test_formats_are_configurable_with_png_fallback(site):
    site.build(AUTHOR_PROFILES_AVATAR_FORMATS=["webp", "png"], AUTHOR_PROFILES_AVATAR_SIZES=[48, 96])
    for size in (48, 96):
        with Image.open(site.output / f"avatars/alice/alice-{size}.png") as image:
            assert image.format == "PNG" and image.size == (size, size)
    assert not list((site.output / "avatars/alice").glob("*.jpg"))
    img = site.page("posts/alice/hello/index.html").cssselect(".byline img.avatar")[0]
    assert img.get("src") == "/avatars/alice/alice-48.png"
    assert img.get("srcset") == "/avatars/alice/alice-48.png 48w, /avatars/alice/alice-96.png 96w"


def test_single_format_has_no_source_element(site):
    site.build(AUTHOR_PROFILES_AVATAR_FORMATS=["jpeg"])
    byline = site.page("posts/alice/hello/index.html").cssselect(".byline")[0]
    assert not byline.cssselect("source") and byline.cssselect("picture img.avatar")
    assert not list((site.output / "avatars/alice").glob("*.webp"))


def test_transparent_source_gets_a_white_jpeg_background(site):
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(buffer, "PNG")
    site.write("authors/alice.png", buffer.getvalue())
    site.build()
    with Image.open(site.output / "avatars/alice/alice-64.jpg") as image:
        assert min(image.getpixel((2, 2))) > 240, "transparent corners are white, not black"
    with Image.open(site.output / "avatars/alice/alice-64.webp") as image:
        assert image.mode == "RGBA" and image.getpixel((2, 2))[3] == 0


def test_png_text_chunks_and_icc_profile_are_dropped(site):
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 12 Example Street")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS</x:xmpmeta>")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    site.write("authors/alice.png", png_bytes(size=(90, 90), pnginfo=info, icc_profile=profile))
    site.build(AUTHOR_PROFILES_AVATAR_FORMATS=["webp", "png"])
    for name in ("alice-64.png", "alice-256.webp"):
        with Image.open(site.output / "avatars/alice" / name) as image:
            assert not {"Comment", "XML:com.adobe.xmp", "icc_profile", "exif", "xmp"} & set(image.info), (
                image.info
            )
            assert b"Example Street" not in (site.output / "avatars/alice" / name).read_bytes()


def test_square_centre_crop_of_a_wide_image(site):
    image = Image.new("RGB", (300, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))  # the middle third is blue
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    site.write("authors/alice.png", buffer.getvalue())
    site.build()
    with Image.open(site.output / "avatars/alice/alice-128.jpg") as avatar:
        left, right = avatar.getpixel((3, 64)), avatar.getpixel((124, 64))
        assert left[2] > 200 and right[2] > 200, "only the centre square is kept"


def test_initials_avatar_is_the_same_wherever_the_author_is_pictured(site):
    from plugins.network.portraits import colour_for

    site.build()
    with Image.open(site.output / "avatars/bob/bob-256.jpg") as image:
        corner = image.convert("RGB").getpixel((3, 3))
    assert all(abs(a - b) <= 6 for a, b in zip(corner, colour_for("bob"), strict=False)), (
        "background colour derived from the id"
    )
    assert colour_for("bob") == colour_for("bob") != colour_for("gina")


def test_generated_avatar_is_cached_too(site, monkeypatch):
    from plugins.author_profiles import avatars

    site.build()
    encoded = []
    original = avatars.encode
    monkeypatch.setattr(
        avatars,
        "encode",
        lambda image, fmt, target: encoded.append(target.name) or original(image, fmt, target),
    )
    site.build()
    assert encoded == [], "second build re-encodes nothing"
    site.build(AUTHOR_PROFILES_AVATAR_FORMATS=["webp", "png"])
    assert sorted(set(encoded)) == ["128.png", "128.webp", "256.png", "256.webp", "64.png", "64.webp"]
    assert len(encoded) == 3 * 6, "a format change re-encodes every author (alice, bob, gina)"


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size without the pixels: what a decompression bomb looks like."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_real_decompression_bomb_is_refused(site):
    site.write("authors/alice.png", _png_header_only(40_000, 40_000))
    [problem] = site.problems()
    assert problem.startswith("authors/alice.png: error: image refused as a decompression bomb")


def test_image_over_the_configured_byte_limit(site):
    site.write("authors/alice.png", png_bytes(size=(200, 200)))
    size = (site.root / "authors/alice.png").stat().st_size
    assert site.problems(CHORUS_MAX_IMAGE_BYTES=100) == [
        f"authors/alice.png: error: image is {size:,} bytes; the limit is 100 bytes"
    ]


def test_image_over_the_configured_pixel_limit(site):
    assert site.problems(CHORUS_MAX_IMAGE_PIXELS=1000) == [
        "authors/alice.png: error: image is 80x60 pixels; the limit is 1,000 pixels"
    ]


def test_git_lfs_pointer_is_named_as_such(site):
    site.write(
        "authors/alice.png", b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n"
    )
    assert site.problems() == [
        "authors/alice.png: error: this is a Git LFS pointer, not an image: fetch LFS objects before building"
    ]


def test_other_image_formats_are_refused(site):
    site.write("authors/alice.png", png_bytes(fmt="BMP"))
    assert site.problems() == [
        "authors/alice.png: error: not a decodable image (expected one of PNG, JPEG, WEBP, GIF)"
    ]


def test_avatar_that_fails_while_processing_names_the_file(tmp_path):
    import pytest

    from chorus.conf import chorus_settings
    from plugins.author_profiles.avatars import make_avatars
    from plugins.network import SourceError
    from plugins.network.model import Author
    from plugins.network.urls import UrlScheme

    broken = tmp_path / "alice.png"
    broken.write_bytes(png_bytes(size=(300, 300))[:120])
    author = Author(
        "alice",
        "Alice",
        "expert",
        "T",
        "d",
        ("d",),
        (),
        "b",
        "<p>b</p>",
        avatar=broken,
        source="authors/alice.yml",
    )
    with pytest.raises(SourceError, match=r"^authors/alice\.png: error: avatar could not be processed: "):
        make_avatars(
            author,
            [64],
            tmp_path / "cache",
            tmp_path / "out",
            UrlScheme(chorus_settings(tmp_path)),
            ["webp", "jpeg"],
            "authors/alice.png",
        )
