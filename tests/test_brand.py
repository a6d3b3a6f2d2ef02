"""Brand by settings: the accent's readable variants, and the brand on every page kind and card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

from chorus.build import build_site
from conftest import SAMPLE_AS_OF, png_bytes
from plugins.network.brand import (
    AA_TEXT,
    DARK_BACKGROUNDS,
    LIGHT_BACKGROUNDS,
    colour_problem,
    company_initials,
    contrast,
    dark_variant,
    light_variant,
    parse_hex,
)
from plugins.social_cards.draw import COVER_GAP, COVER_WIDTH, LEFT, RIGHT, RULE_Y, TOP, WIDTH

LOGO_RGB = (20, 60, 140)
ACCENT = "#e8590c"  # an orange too light for text on white: darkened on the light scheme
BRAND = {
    "BRAND_LOGO": "logo.png",
    "BRAND_COLOR": ACCENT,
    "BRAND_FONT": "DejaVu Sans",
    "BRAND_FOOTER_TEXT": "Acme Meters — voices of our engineers.",
    "BRAND_FOOTER_LINKS": {"Imprint": "https://acme.example/imprint"},
    "BRAND_EXTRA_HEAD": '<meta name="acme-analytics" content="on">',
}


# --- the contrast rule, without a build ----------------------------------------------------


def worst(colour: str, backgrounds: tuple[str, ...]) -> float:
    return min(contrast(parse_hex(colour), parse_hex(b)) for b in backgrounds)


def test_contrast_is_the_wcag_ratio():
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert contrast((0, 0, 0), (0, 0, 0)) == pytest.approx(1)
    assert contrast(parse_hex("#767676"), parse_hex("#ffffff")) == pytest.approx(4.54, abs=0.01)


def test_a_readable_accent_is_kept_as_it_is_on_the_light_scheme():
    variant = light_variant("#0b5cad")
    assert variant.ok and variant.colour == "#0b5cad"


@pytest.mark.parametrize("accent", ["#e8590c", "#40c057", "#0b7285", "#364fc7", "#f0c", "#111111"])
def test_variants_reach_aa_on_every_background_of_their_scheme(accent):
    light, dark = light_variant(accent), dark_variant(accent)
    assert light.ok and worst(light.colour, LIGHT_BACKGROUNDS) >= AA_TEXT
    assert dark.ok and worst(dark.colour, DARK_BACKGROUNDS) >= AA_TEXT
    assert colour_problem(accent) is None


def test_a_variant_changes_the_accent_no_more_than_it_must():
    light = light_variant(ACCENT)
    assert light.colour != ACCENT
    assert light.contrast < AA_TEXT + 0.2  # one step less would not pass


def test_near_white_cannot_be_made_readable_on_the_light_scheme():
    message = colour_problem("#f8f8f8")
    assert message is not None
    assert re.search(r"#f8f8f8 cannot be made readable as text on the light scheme", message)
    assert re.search(r"reaches \d\.\d\d:1, and WCAG AA needs 4\.5:1; choose a darker colour", message)


def test_black_cannot_be_made_readable_on_the_dark_scheme():
    message = colour_problem("#000000")
    assert message is not None and "dark scheme" in message and "lighter colour" in message


@pytest.mark.parametrize("value", ["teal", "#12345", "rgb(0,0,0)", 0x0B7285])
def test_the_accent_is_a_hex_colour(value):
    assert colour_problem(value) == "expected None or a CSS hex colour like '#0b7285'"


def test_icon_initials_are_the_company_words_first_letters():
    assert company_initials("Halvard Instruments") == "HI"
    assert company_initials("acme") == "A"


# --- tiny sites ------------------------------------------------------------------------------


def pages(output: Path) -> dict[str, lxml_html.HtmlElement]:
    """Every page that extends base.html (the redirect pages are pages of their own)."""
    found = {}
    for path in sorted(output.rglob("*.html")):
        document = lxml_html.fromstring(path.read_bytes())
        if document.cssselect("header.site-header"):
            found[path.relative_to(output).as_posix()] = document
    return found


def assert_branded(name: str, page, stylesheet: str, favicon: str, logo: str) -> None:
    assert page.cssselect(f'link[rel="stylesheet"][href="/{stylesheet}"]'), name
    # The brand's fonts are asked for with the page, not once its stylesheet is read.
    preloads = page.cssselect('head link[rel="preload"][as="font"][type="font/woff2"][crossorigin]')
    assert sorted(link.get("href") for link in preloads) == [
        "/theme/brand/fonts/DejaVuSans-Bold.woff2",
        "/theme/brand/fonts/DejaVuSans.woff2",
    ], name
    assert page.cssselect(f'link[rel="icon"][href="/{favicon}"]'), name
    assert page.cssselect('link[rel="apple-touch-icon"][sizes="180x180"]'), name
    logo_img = page.cssselect("header a.brand img.brand-logo")
    assert logo_img and logo_img[0].get("src") == f"/{logo}" and logo_img[0].get("alt"), name
    assert page.cssselect('head meta[name="acme-analytics"]'), name  # BRAND_EXTRA_HEAD
    assert page.cssselect('footer a[href="https://acme.example/imprint"]'), name
    assert not page.cssselect('link[rel="icon"][href^="data:"]'), name


def test_a_brand_reaches_every_page_kind_and_the_cards(site):
    site.write("logo.png", png_bytes((300, 100), LOGO_RGB))
    output = site.build(**BRAND)

    found = pages(output)
    kinds = {"index.html", "posts/alice/hello/index.html", "authors/alice/index.html", "authors/index.html"}
    kinds |= {"departments/service/index.html", "search/index.html", "subscribe/index.html", "404.html"}
    kinds |= {"archives/index.html", "topics/index.html", "health/index.html"}
    assert kinds <= set(found)
    for name, page in found.items():
        assert_branded(
            name, page, "theme/brand/brand.css", "theme/brand/favicon-32.png", "theme/brand/logo.png"
        )
    footer = found["index.html"].cssselect("footer p")[0].text_content()
    assert footer == "Acme Meters — voices of our engineers."
    logo = found["index.html"].cssselect("img.brand-logo")[0]
    assert (logo.get("width"), logo.get("height")) == ("300", "100")

    css = (output / "theme/brand/brand.css").read_text(encoding="utf-8")
    light, dark = light_variant(ACCENT).colour, dark_variant(ACCENT).colour
    assert f"--accent: {light}; --link: {light};" in css
    assert re.search(rf"prefers-color-scheme: dark\).*--link: {dark};", css)
    assert 'font-family: "DejaVu Sans"' in css
    # Pages get the small WOFF2 subsets, not the 0.7 MB TrueType files the cards draw with.
    fonts = output / "theme/brand/fonts"
    assert sorted(p.name for p in fonts.iterdir()) == ["DejaVuSans-Bold.woff2", "DejaVuSans.woff2"]
    assert all(p.stat().st_size < 20_000 for p in fonts.iterdir())
    assert 'src: url("fonts/DejaVuSans.woff2") format("woff2"); font-weight: 400' in css
    # What pages preload is what brand.css asks for, at the same address (else fetched twice).
    css_fonts = {"/theme/brand/" + url for url in re.findall(r'url\("([^"]+)"\)', css)}
    preloaded = found["index.html"].cssselect('link[rel="preload"][as="font"]')
    assert {link.get("href") for link in preloaded} == css_fonts

    with Image.open(output / "theme/brand/favicon-32.png") as icon:
        assert (icon.size, icon.mode) == ((32, 32), "RGBA")
        assert icon.getpixel((16, 16)) == (*LOGO_RGB, 255)
    with Image.open(output / "theme/brand/apple-touch-icon.png") as icon:
        assert icon.size == (180, 180) and icon.getpixel((0, 0)) == (255, 255, 255, 255)

    with Image.open(output / "cards/posts/alice/hello.png") as png:
        card = png.convert("RGB")  # cards are palette PNGs
        assert card.getpixel((WIDTH // 2, RULE_Y)) == parse_hex(light)  # the accent rule
        assert card.getpixel((WIDTH - 80, TOP + 10)) == LOGO_RGB  # the logo, where the company name was
        assert card.getpixel((LEFT + 2, RULE_Y)) == parse_hex(light)


def test_an_svg_logo_is_the_favicon_and_app_icons_show_the_initials(site):
    site.write("brand/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect/></svg>')
    output = site.build(BRAND_LOGO="brand/logo.svg", BRAND_COLOR="#364fc7", CHORUS_COMPANY="Acme Meters")

    page = site.page("index.html")
    assert page.cssselect('link[rel="icon"][type="image/svg+xml"][href="/theme/brand/favicon.svg"]')
    assert page.cssselect("img.brand-logo")[0].get("src") == "/theme/brand/logo.svg"
    assert (output / "theme/brand/favicon.svg").read_bytes() == (site.root / "brand/logo.svg").read_bytes()
    with Image.open(output / "theme/brand/icon-192.png") as icon:
        assert icon.size == (192, 192)
        assert icon.getpixel((2, 2))[:3] == parse_hex(light_variant("#364fc7").colour)
        assert len(icon.getcolors(192 * 192)) > 2  # the initials are drawn on it


def test_without_a_brand_the_site_keeps_the_theme_and_one_inline_icon(site):
    output = site.build()
    page = site.page("index.html")
    icons = page.cssselect('link[rel="icon"]')
    assert len(icons) == 1 and icons[0].get("href").startswith("data:image/svg+xml,")
    assert "%230b7285" in icons[0].get("href")
    assert not page.cssselect("img.brand-logo") and not (output / "theme/brand").exists()
    assert not page.cssselect('link[rel="preload"]')


def test_a_low_contrast_accent_fails_at_start_naming_the_setting(site):
    problems = site.problems(BRAND_COLOR="#f8f8f8")
    assert len(problems) == 1
    assert re.match(
        r"pelicanconf\.py: error: BRAND_COLOR: accent #f8f8f8 cannot be made readable as text on the"
        r" light scheme: .* reaches \d\.\d\d:1",
        problems[0],
    )


def test_every_brand_mistake_is_reported_at_once(site):
    site.write("fake.png", "<html>")
    problems = site.problems(
        BRAND_LOGO="fake.png",
        BRAND_FONT="Comic Sans",
        BRAND_EXTRA_HEAD="partials/analytics.html",
    )
    assert sorted(problems) == [
        "pelicanconf.py: error: BRAND_EXTRA_HEAD: template 'partials/analytics.html' not found in templates/"
        " or the theme (raw HTML must contain a tag)",
        "pelicanconf.py: error: BRAND_FONT: expected one of 'system', 'DejaVu Sans', found 'Comic Sans'",
        "pelicanconf.py: error: BRAND_LOGO: 'fake.png': not a decodable image (expected one of PNG, JPEG, WEBP, GIF)",
    ]
    problems = site.problems(BRAND_FOOTER_LINKS={"Imprint": "http://acme.example/"}, BRAND_LOGOS="x")
    assert sorted(problems) == [
        "pelicanconf.py: error: BRAND_FOOTER_LINKS: link 'Imprint': expected an https:// URL,"
        " found 'http://acme.example/'",
        "pelicanconf.py: error: BRAND_LOGOS: unknown setting (did you mean BRAND_LOGO?)",
    ]


def test_brand_extra_head_may_name_a_template_of_the_network(site):
    site.write("templates/partials/analytics.html", '<script src="{{ SITEURL }}/stats.js" defer></script>')
    site.build(BRAND_EXTRA_HEAD="partials/analytics.html")
    for name in ("index.html", "search/index.html", "authors/index.html", "authors/alice/index.html"):
        assert site.page(name).cssselect('head script[src="/stats.js"]'), name


# --- the sample network, once ----------------------------------------------------------------


def test_the_sample_network_with_a_brand(tmp_path):
    from chorus.conf import PROJECT_ROOT

    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes((240, 80), LOGO_RGB))
    output = tmp_path / "output"
    settings = {
        **BRAND,
        "BRAND_LOGO": str(logo),
        "CHORUS_NOW": SAMPLE_AS_OF,
        "CACHE_PATH": str(tmp_path / "cache"),
    }
    build_site(PROJECT_ROOT, output=output, strict=True, overrides=settings)

    found = pages(output)
    assert len(found) > 50
    for name, page in found.items():
        assert_branded(
            name, page, "theme/brand/brand.css", "theme/brand/favicon-32.png", "theme/brand/logo.png"
        )
    light = parse_hex(light_variant(ACCENT).colour)
    cards = sorted((output / "cards").rglob("*.png"))
    assert cards
    for path in cards[:: max(1, len(cards) // 10)]:  # posts, profiles and departments alike
        # the one post of the sample with a cover keeps its logo left of the cover
        right = WIDTH - (COVER_WIDTH + COVER_GAP if path.stem == "measuring-marketing" else RIGHT)
        with Image.open(path) as png:
            card = png.convert("RGB")  # cards are palette PNGs
            assert card.getpixel((LEFT + 100, RULE_Y)) == light, path
            assert card.getpixel((right - 8, TOP + 10)) == LOGO_RGB, path


def test_chorus_check_finds_brand_mistakes_as_the_build_does(site):
    settings = {"BRAND_LOGO": "brand/missing.svg", "BRAND_COLOR": "#fafafa"}
    assert [p for p in site.check(**settings) if "BRAND_" in p] == site.problems(**settings)
    assert site.problems(BRAND_LOGO="brand/missing.svg") == [
        "pelicanconf.py: error: BRAND_LOGO: no logo file at 'brand/missing.svg'"
        " (a regular file, its path relative to the site root)"
    ]
