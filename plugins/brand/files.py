"""The files the brand adds to the site: logo, favicon and app icons, stylesheet, fonts.

Pillow cannot render SVG: an SVG logo is published as it is and is the favicon; the PNG
app icons are then the company's initials on the accent colour.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from plugins.network.brand import logo_path
from plugins.network.images import open_raster
from plugins.network.urls import UrlScheme

from .views import ICON_SIZES, Brand, font_files, icon_initials

FAVICON_SIZE = 32
PADDING = 0.1  # of the icon's side, around a raster logo
WHITE = (255, 255, 255, 255)
CLEAR = (255, 255, 255, 0)

Writer = Callable[[Path], None]  # writes one file at the path given


def _fitted(logo: Image.Image, size: int, background: tuple[int, int, int, int]) -> Image.Image:
    icon = Image.new("RGBA", (size, size), background)
    inner = round(size * (1 - 2 * PADDING))
    scaled = logo.copy()
    scaled.thumbnail((inner, inner), Image.Resampling.LANCZOS)
    icon.alpha_composite(scaled, ((size - scaled.width) // 2, (size - scaled.height) // 2))
    return icon


def _initials_icon(initials: str, colour: str, size: int, bold_font: Path) -> Image.Image:
    icon = Image.new("RGBA", (size, size), colour)
    font = ImageFont.truetype(str(bold_font), round(size * 0.42))
    ImageDraw.Draw(icon).text((size / 2, size / 2), initials, fill=WHITE, font=font, anchor="mm")
    return icon


def _saver(image: Image.Image) -> Writer:
    def write(target: Path) -> None:
        image.save(target, "PNG", optimize=True)

    return write


def _text(text: str) -> Writer:
    def write(target: Path) -> None:
        target.write_text(text, encoding="utf-8")

    return write


def _copier(source: Path) -> Writer:
    def write(target: Path) -> None:
        shutil.copyfile(source, target)

    return write


def stylesheet(brand: Brand, settings: dict[str, Any]) -> str:
    """The CSS that sets the theme's custom properties from the brand (and its @font-face rules)."""
    lines = []
    for font in font_files(settings):
        lines.append(
            f'@font-face {{ font-family: "{font.family}"; src: url("fonts/{font.published.name}") format("{font.css_format}");'
            f" font-weight: {font.weight}; font-style: {font.style}; font-display: swap; }}"
        )
    family = f'font-family: "{brand.font}", system-ui, sans-serif; ' if brand.font else ""
    lines.append(
        f":root {{ --accent: {brand.accent_light}; --link: {brand.accent_light}; --on-accent: #ffffff; {family}}}"
    )
    # Dark: chosen with the header's toggle, or the system's setting when no light was chosen.
    dark = f"--accent: {brand.accent_dark}; --link: {brand.accent_dark}; --on-accent: #14171a;"
    lines.append(f':root[data-theme="dark"] {{ {dark} }}')
    lines.append(f'@media (prefers-color-scheme: dark) {{ :root:not([data-theme="light"]) {{ {dark} }} }}')
    return "\n".join(lines) + "\n"


def brand_files(brand: Brand, settings: dict[str, Any], urls: UrlScheme) -> dict[str, Writer]:
    """Each file the brand writes (its path in the output) and how to write it."""
    files: dict[str, Writer] = {}
    source = logo_path(settings)
    if source is not None:
        bold = Path(settings["THEME"]) / "fonts" / "DejaVuSans-Bold.ttf"
        if source.suffix.lower() == ".svg":
            files[urls.brand_file("logo.svg").save_as] = _copier(source)
            files[urls.brand_file("favicon.svg").save_as] = _copier(source)
            initials = icon_initials(settings)
            for name, size in ICON_SIZES.items():
                files[urls.brand_file(name).save_as] = _saver(
                    _initials_icon(initials, brand.accent_light, size, bold)
                )
        else:
            with open_raster(source) as image:
                logo = image.convert("RGBA")  # re-encoded from its pixels: no metadata ships
            files[urls.brand_file("logo.png").save_as] = _saver(logo)
            files[urls.brand_file("favicon-32.png").save_as] = _saver(_fitted(logo, FAVICON_SIZE, CLEAR))
            for name, size in ICON_SIZES.items():
                background = WHITE if name == "apple-touch-icon.png" else CLEAR  # iOS fills clear with black
                files[urls.brand_file(name).save_as] = _saver(_fitted(logo, size, background))
    if brand.stylesheet is not None:
        files[urls.brand_file("brand.css").save_as] = _text(stylesheet(brand, settings))
        for font in font_files(settings):
            files[urls.brand_file(f"fonts/{font.published.name}").save_as] = _copier(font.published)
    return files
