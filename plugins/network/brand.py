"""The company's brand: its settings, the accent colour's readable variants, the logo.

Shared by the ``brand`` feature (which publishes the files and fills the template context)
and ``social_cards`` (which draws the logo and accent on cards), so both read one
validated value. Nothing here connects a signal.

The accent colours text (links) on the theme's backgrounds in both schemes. A variant is
the accent mixed toward black (light scheme) or white (dark scheme) by the least amount
that reaches WCAG AA (4.5:1) on every background of that scheme, and by at most
``MAX_MIX``: a colour that needs more is not the company's colour any more, so the build
fails and names the setting instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import ImageFont

from .images import ImageDecodeError, open_raster
from .settings import Setting, SettingsSpec, is_optional_text

RGB = tuple[int, int, int]

AA_TEXT = 4.5
MAX_MIX = 0.5  # at most half-way to black or white
# The theme's backgrounds (theme/static/css/chorus.css: --bg and --card) per scheme.
LIGHT_BACKGROUNDS = ("#ffffff", "#f6f8fa")
DARK_BACKGROUNDS = ("#14171a", "#1d2126")
SYSTEM_FONT = "system"
LOGO_EXTENSIONS = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
MAX_LOGO_BYTES = 2_000_000


# --- colours ----------------------------------------------------------------------------------


def parse_hex(value: str) -> RGB:
    """``#rgb`` or ``#rrggbb`` as an (r, g, b) tuple."""
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance (0 black to 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(rgb: RGB, toward: RGB, amount: float) -> RGB:
    r, g, b = (round(c + (t - c) * amount) for c, t in zip(rgb, toward, strict=True))
    return r, g, b


@dataclass(frozen=True)
class Variant:
    """The accent as text on one scheme: the colour, its worst contrast, whether it passes."""

    colour: str
    contrast: float  # on the scheme's least favourable background
    ok: bool


def readable_variant(accent: str, backgrounds: tuple[str, ...], toward: str) -> Variant:
    """The accent mixed toward ``toward`` just enough for AA text on every background
    (steps of 1%, up to MAX_MIX); when even MAX_MIX is not enough, that last mix, not ok."""
    base, target = parse_hex(accent), parse_hex(toward)
    grounds = [parse_hex(b) for b in backgrounds]
    steps = round(MAX_MIX * 100)
    candidate, worst = base, 0.0
    for step in range(steps + 1):
        candidate = mix(base, target, step / 100)
        worst = min(contrast(candidate, g) for g in grounds)
        if worst >= AA_TEXT:
            return Variant(to_hex(candidate), worst, True)
    return Variant(to_hex(candidate), worst, False)


def light_variant(accent: str) -> Variant:
    return readable_variant(accent, LIGHT_BACKGROUNDS, "#000000")


def dark_variant(accent: str) -> Variant:
    return readable_variant(accent, DARK_BACKGROUNDS, "#ffffff")


def colour_problem(value: Any) -> str | None:
    """Why ``value`` cannot be the accent: not a hex colour, or no readable variant."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        return "expected None or a CSS hex colour like '#0b7285'"
    for scheme, variant, hint in (
        ("light", light_variant(value), "darker"),
        ("dark", dark_variant(value), "lighter"),
    ):
        if not variant.ok:
            return (
                f"accent {value} cannot be made readable as text on the {scheme} scheme: mixed"
                f" {round(MAX_MIX * 100)}% toward {'black' if scheme == 'light' else 'white'}"
                f" ({variant.colour}) it reaches {variant.contrast:.2f}:1, and WCAG AA needs"
                f" {AA_TEXT}:1; choose a {hint} colour"
            )
    return None


# --- fonts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontFile:
    path: Path
    family: str
    weight: int  # 400 or 700
    style: str  # normal or italic
    web: Path | None = None  # a WOFF2 subset for pages (fonts/web/<name>.woff2), when the theme has one

    @property
    def published(self) -> Path:
        """The file pages download: the small web subset if there is one, else the TrueType file."""
        return self.web or self.path

    @property
    def css_format(self) -> str:
        return "woff2" if self.web else "truetype"


def bundled_fonts(theme_dir: Path) -> dict[str, list[FontFile]]:
    """The font families of the theme's ``fonts/`` folder, by family name (read from each file)."""
    families: dict[str, list[FontFile]] = {}
    for path in sorted((theme_dir / "fonts").glob("*.ttf")):
        family, style = ImageFont.truetype(str(path), 12).getname()
        if family is None or style is None:
            continue
        families.setdefault(family, []).append(
            FontFile(
                path,
                family,
                700 if "bold" in style.lower() else 400,
                "italic" if ("italic" in style.lower() or "oblique" in style.lower()) else "normal",
                web if (web := path.parent / "web" / f"{path.stem}.woff2").is_file() else None,
            )
        )
    return families


# --- settings ---------------------------------------------------------------------------------


def _is_footer_links(value: Any) -> str | list[str] | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.strip() for k in value):
        return "expected a dict of label to https URL, like {'Imprint': 'https://example.com/imprint'}"
    problems = []
    for label, url in value.items():
        if not isinstance(url, str) or urlsplit(url).scheme != "https" or not urlsplit(url).netloc:
            problems.append(f"link '{label}': expected an https:// URL, found {url!r}")
    return problems


def _is_font(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"expected '{SYSTEM_FONT}' or the name of a font family in the theme's fonts/ folder"
    return None


def is_template_name(value: str) -> bool:
    return value.endswith(".html") and "<" not in value and "\n" not in value


def logo_path(settings: Mapping[str, Any]) -> Path | None:
    value = settings.get("BRAND_LOGO")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path(settings["CHORUS_ROOT"]) / path


def _logo_problem(path: Path, shown: str) -> str | None:
    if path.suffix.lower() not in LOGO_EXTENSIONS:
        return f"expected a logo file ending in {', '.join(LOGO_EXTENSIONS)}, found '{path.name}'"
    if path.is_symlink() or not path.is_file():
        return f"no logo file at '{shown}' (a regular file, its path relative to the site root)"
    if path.stat().st_size > MAX_LOGO_BYTES:
        return f"logo is {path.stat().st_size:,} bytes; the limit is {MAX_LOGO_BYTES:,} bytes"
    if path.suffix.lower() == ".svg":
        head = path.read_bytes()[:4096].lower()
        if b"<svg" not in head:
            return f"'{path.name}' is not an SVG image (no <svg> element at its start)"
        return None
    try:
        with open_raster(path) as image:
            image.load()
    except ImageDecodeError as exc:
        return f"'{path.name}': {exc}"
    return None


def _logo_relation(settings: Mapping[str, Any]) -> str | None:
    logo = logo_path(settings)
    if logo is not None and (message := _logo_problem(logo, settings["BRAND_LOGO"])):
        return f"BRAND_LOGO: {message}"
    return None


def _font_relation(settings: Mapping[str, Any]) -> str | None:
    font = settings["BRAND_FONT"]
    if font == SYSTEM_FONT:
        return None
    families = bundled_fonts(Path(settings["THEME"]))
    if font not in families:
        known = ", ".join(map(repr, [SYSTEM_FONT, *sorted(families)]))
        return f"BRAND_FONT: expected one of {known}, found {font!r}"
    return None


def _extra_head_relation(settings: Mapping[str, Any]) -> str | None:
    extra = settings["BRAND_EXTRA_HEAD"]
    if not extra or not is_template_name(extra):
        return None
    folders = [*settings.get("THEME_TEMPLATES_OVERRIDES", []), str(Path(settings["THEME"]) / "templates")]
    if any((Path(folder) / extra).is_file() for folder in folders):
        return None
    return (
        f"BRAND_EXTRA_HEAD: template '{extra}' not found in templates/ or the theme"
        " (raw HTML must contain a tag)"
    )


def company_initials(company: str) -> str:
    """Up to two letters for an icon: the first letters of the first two words."""
    words = [w for w in re.split(r"[\s\-]+", company) if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


# Files the settings name are checked as relations (they need CHORUS_ROOT and THEME), so
# `chorus check` finds a missing logo as the build does.
SETTINGS = SettingsSpec(
    "BRAND_",
    Setting(
        "BRAND_LOGO",
        None,
        "The company's logo: an SVG, PNG, JPEG, WebP or GIF file, its path relative to the site root (None: the site's name as text). Favicon and app icons are made from it.",
        is_optional_text,
    ),
    Setting(
        "BRAND_COLOR",
        None,
        "The accent colour, a CSS hex colour like '#0b7285' (None: the theme's teal). Links use a variant of it that reads at WCAG AA (4.5:1) in light and dark schemes; a colour no variant can make readable fails the build.",
        colour_problem,
    ),
    Setting(
        "BRAND_FONT",
        SYSTEM_FONT,
        "The text font: 'system' (the reader's system font) or a family bundled in the theme's fonts/ folder, like 'DejaVu Sans'.",
        _is_font,
    ),
    Setting(
        "BRAND_FOOTER_TEXT",
        None,
        "The footer's first line (None: the site's name and the company's disclaimer).",
        is_optional_text,
    ),
    Setting(
        "BRAND_FOOTER_LINKS",
        {},
        "Links in the footer, label to https URL, in order: {'Imprint': 'https://example.com/imprint'}.",
        _is_footer_links,
    ),
    Setting(
        "BRAND_EXTRA_HEAD",
        None,
        "Added last to every page's <head> (through partials/head_extra.html): a template name ending in .html (looked up in templates/, then the theme), or raw HTML.",
        is_optional_text,
    ),
    relations=(_logo_relation, _font_relation, _extra_head_relation),
)
