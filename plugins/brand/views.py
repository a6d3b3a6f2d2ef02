"""What templates read as ``brand``, and the files it names, decided once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from plugins.network.brand import (
    SYSTEM_FONT,
    FontFile,
    bundled_fonts,
    company_initials,
    dark_variant,
    is_template_name,
    light_variant,
    logo_path,
)
from plugins.network.images import open_raster
from plugins.network.urls import UrlScheme

# The theme's accent (chorus.css --accent) when BRAND_COLOR is None.
THEME_ACCENT = "#0b7285"
ICON_SIZES = {"apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}


@dataclass(frozen=True)
class Logo:
    url: str  # relative to SITEURL
    width: int | None  # pixels of a raster logo; None for SVG (it scales)
    height: int | None
    is_svg: bool


@dataclass(frozen=True)
class Icon:
    """One ``<link>`` of the page's icons: ``url`` relative to SITEURL, or a ``data:`` URI when ``inline``."""

    rel: str
    url: str
    type: str
    sizes: str = ""
    inline: bool = False


@dataclass(frozen=True)
class FooterLink:
    label: str
    url: str


@dataclass(frozen=True)
class Brand:
    """The brand of the site, for templates (documented in docs/theme.md)."""

    logo: Logo | None  # None: the header shows the site's name as text
    icons: tuple[Icon, ...]  # favicon and app icons, in <head>
    accent: str  # the accent as set (or the theme's)
    accent_light: str  # the accent readable as text on the light scheme
    accent_dark: str  # the accent readable as text on the dark scheme
    font: str | None  # the bundled family used for text, or None for the system font
    stylesheet: str | None  # the generated CSS (accent, font), relative to SITEURL; None when unset
    # The font's WOFF2 files, relative to SITEURL, asked for with the page (<link rel=preload>)
    # rather than once the stylesheet is read: text is then rarely drawn in the system font
    # first and moved when the brand's arrives. A TrueType file is too large to ask for early.
    font_preloads: tuple[str, ...]
    footer_text: str | None
    footer_links: tuple[FooterLink, ...]
    extra_head_template: str | None  # a template name to include in <head>
    extra_head_html: Markup | None  # raw HTML for <head>, as the settings file wrote it


def _inline_circle(colour: str) -> str:
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>"
        f"<circle cx='16' cy='16' r='15' fill='{colour}'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="='/:")


def font_files(settings: dict[str, Any]) -> list[FontFile]:
    font = settings["BRAND_FONT"]
    if font == SYSTEM_FONT:
        return []
    return bundled_fonts(Path(settings["THEME"]))[font]


def brand_view(settings: dict[str, Any], urls: UrlScheme) -> Brand:
    accent = settings["BRAND_COLOR"] or THEME_ACCENT
    light, dark = light_variant(accent).colour, dark_variant(accent).colour
    source = logo_path(settings)
    logo = None
    if source is None:
        icons: tuple[Icon, ...] = (Icon("icon", _inline_circle(light), "image/svg+xml", inline=True),)
    else:
        if source.suffix.lower() == ".svg":
            logo = Logo(urls.brand_file("logo.svg").url, None, None, True)
            favicon = Icon("icon", urls.brand_file("favicon.svg").url, "image/svg+xml")
        else:
            with open_raster(source) as image:
                width, height = image.size
            logo = Logo(urls.brand_file("logo.png").url, width, height, False)
            favicon = Icon("icon", urls.brand_file("favicon-32.png").url, "image/png", "32x32")
        icons = (
            favicon,
            *(
                Icon(
                    "apple-touch-icon" if name == "apple-touch-icon.png" else "icon",
                    urls.brand_file(name).url,
                    "image/png",
                    f"{size}x{size}",
                )
                for name, size in ICON_SIZES.items()
            ),
        )
    styled = bool(settings["BRAND_COLOR"]) or settings["BRAND_FONT"] != SYSTEM_FONT
    extra = settings["BRAND_EXTRA_HEAD"] or None
    return Brand(
        logo=logo,
        icons=icons,
        accent=accent,
        accent_light=light,
        accent_dark=dark,
        font=None if settings["BRAND_FONT"] == SYSTEM_FONT else settings["BRAND_FONT"],
        stylesheet=urls.brand_file("brand.css").url if styled else None,
        font_preloads=tuple(
            urls.brand_file(f"fonts/{font.published.name}").url
            for font in font_files(settings)
            if font.css_format == "woff2"
        ),
        footer_text=settings["BRAND_FOOTER_TEXT"],
        footer_links=tuple(FooterLink(k, v) for k, v in settings["BRAND_FOOTER_LINKS"].items()),
        extra_head_template=extra if extra and is_template_name(extra) else None,
        # The settings file is the site owner's own code, like a template: trusted as HTML.
        extra_head_html=Markup(extra) if extra and not is_template_name(extra) else None,
    )


def icon_initials(settings: dict[str, Any]) -> str:
    return company_initials(settings.get("CHORUS_COMPANY") or settings.get("SITENAME") or "")
