"""Social cards: one 1200×630 PNG per post, profile and department; text that fits; cached."""

from __future__ import annotations

import pytest
from PIL import Image

from chorus.conf import THEME_DIR
from conftest import post
from plugins.network.portraits import colour_for
from plugins.social_cards import plugin as cards_plugin
from plugins.social_cards.draw import (
    AVATAR,
    COVER_WIDTH,
    FOOTER_Y,
    HEIGHT,
    LEFT,
    RIGHT,
    TITLE_BOX,
    TITLE_SIZES,
    WIDTH,
    CardContent,
    Portrait,
    draw_card,
    layout_text,
    parse_colour,
    to_palette,
)
from plugins.social_cards.layout import ELLIPSIS, Fonts, fit_names

FONTS = Fonts(THEME_DIR / "fonts/DejaVuSans.ttf", THEME_DIR / "fonts/DejaVuSans-Bold.ttf")

# 140 characters of ordinary words, some of them long.
TITLE_140 = (
    "Commissioning electromagnetic flow meters in brewery wastewater plants: "
    "seventeen lessons our field engineers learned the hard way, in 2025."
)


def _content(title: str, **fields) -> CardContent:
    return CardContent(
        kicker="Service", title=title, company="Halvard Instruments", colour="#0b7285", **fields
    )


def _words_of(lines) -> list[str]:
    return [word for line in lines for word in line.words]


def _assert_inside_title_box(block) -> None:
    for line in block.lines:
        assert line.x >= TITLE_BOX.x and line.width <= TITLE_BOX.width, line
        assert line.y >= TITLE_BOX.y and line.y + line.height <= TITLE_BOX.bottom, line


def _card(site, relative: str) -> Image.Image:
    image = Image.open(site.output / "cards" / relative)
    image.load()
    return image


def test_a_140_character_title_fits_by_whole_words():
    assert len(TITLE_140) == 140
    title, _ = layout_text(_content(TITLE_140), FONTS)
    assert not title.truncated
    assert _words_of(title.lines) == TITLE_140.split(), "every word drawn whole, none split or dropped"
    _assert_inside_title_box(title)
    assert len(title.lines) >= 2 and title.size >= TITLE_SIZES[-1]


def test_a_short_title_is_drawn_large():
    short, _ = layout_text(_content("Hello"), FONTS)
    long, _ = layout_text(_content(TITLE_140), FONTS)
    assert short.size == TITLE_SIZES[0] > long.size


@pytest.mark.parametrize(
    "title",
    [
        " ".join(["calibration"] * 80),  # far more than fits at the smallest size
        "x" * 300,  # one word wider than the card at any size
        "Short start " + "y" * 120 + " end",
    ],
)
def test_a_title_too_long_for_the_card_ends_in_an_ellipsis_at_a_word(title):
    block, _ = layout_text(_content(title), FONTS)
    assert block.truncated
    _assert_inside_title_box(block)
    words = _words_of(block.lines)
    assert words[-1].endswith(ELLIPSIS)
    shown = words[:-1] + ([words[-1][: -len(ELLIPSIS)]] if words[-1] != ELLIPSIS else [])
    assert shown == title.split()[: len(shown)], "a prefix of whole words, nothing cut inside a word"


def test_subtitle_uses_only_the_space_the_title_leaves():
    title, subtitle = layout_text(
        _content("Service", subtitle="Field engineers who keep meters running. " * 20), FONTS
    )
    assert subtitle is not None and subtitle.truncated
    assert subtitle.lines[0].y >= title.lines[-1].y + title.lines[-1].height
    _assert_inside_title_box(subtitle)


def test_coauthor_names_fit_or_are_counted():
    font = FONTS.regular(24)
    assert fit_names(["Alice Field", "Bob Quote"], font, 900) == "with Alice Field and Bob Quote"
    many = [f"Person Number {n}" for n in range(30)]
    text = fit_names(many, font, 600)
    assert font.getlength(text) <= 600 and text.endswith("more") and "Person Number 0" in text


def test_every_post_profile_and_department_gets_a_card(site):
    site.write("content/gina/drift.md", post("Sensor drift", Co_Authors="alice, bob"))
    site.build(SITEURL="https://voices.example")
    for relative in (
        "posts/alice/hello.png",
        "posts/gina/drift.png",
        "authors/alice.png",
        "authors/bob.png",
        "authors/gina.png",
        "departments/service.png",
        "departments/sales.png",
    ):
        with _card(site, relative) as image:
            assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (1200, 630), relative


def test_card_shows_department_colour_and_the_avatar_or_initials(site):
    site.build()
    with _card(site, "posts/alice/hello.png") as card:
        image = card.convert("RGB")
        assert image.getpixel((5, HEIGHT // 2)) == parse_colour("#0b7285"), "service's colour"
        centre = image.getpixel((LEFT + AVATAR // 2, FOOTER_Y + AVATAR // 2))
        assert max(abs(a - b) for a, b in zip(centre, (200, 40, 40), strict=False)) < 12, (
            "alice's avatar (a red square)"
        )
    with _card(site, "authors/bob.png") as card:
        image = card.convert("RGB")
        # sales has no colour: the fallback; bob has no avatar: initials on his colour
        assert image.getpixel((5, HEIGHT // 2)) == parse_colour("#364fc7")
        assert image.getpixel((LEFT + 14, FOOTER_Y + AVATAR // 2)) == colour_for("bob")


def _palette_of(content: CardContent) -> tuple[Image.Image, Image.Image]:
    """(the card drawn in RGB, the same card as the palette image the build writes)."""
    drawn = draw_card(content, FONTS)
    palette = to_palette(content, drawn)
    assert palette.mode == "P" and palette.size == drawn.size
    assert len(palette.getpalette() or []) <= 3 * 256
    return drawn, palette.convert("RGB")


def _differences(one: Image.Image, other: Image.Image, box=None) -> list[int]:
    """The largest difference of a channel, pixel by pixel (in ``box`` only, if given)."""
    if box is not None:
        one, other = one.crop(box), other.crop(box)
    return [
        max(abs(a - b) for a, b in zip(p, q, strict=True))
        for p, q in zip(one.get_flattened_data(), other.get_flattened_data(), strict=True)
    ]


@pytest.mark.parametrize("portrait_colour", ["#c92a2a", "#f1f3f5"])
def test_cards_are_palette_pngs_that_keep_every_drawn_colour(portrait_colour):
    # A light portrait colour is the hard case: the edge's steps between it and white
    # must not take the pixels of the portrait or of the white around it.
    content = _content(
        TITLE_140, lines=("Bob Quote", "Sales Engineer"), portrait=Portrait("BQ", portrait_colour)
    )
    drawn, rgb = _palette_of(content)
    differences = _differences(drawn, rgb)
    assert sum(d == 0 for d in differences) / (WIDTH * HEIGHT) > 0.97, "only the anti-aliased edges may move"
    assert max(differences) <= 32, "an edge pixel moves by less than a step of its ramp"
    for point in ((5, HEIGHT // 2), (WIDTH - 5, HEIGHT - 5), (LEFT + 14, FOOTER_Y + AVATAR // 2)):
        assert rgb.getpixel(point) == drawn.getpixel(point), f"band, background and portrait exact at {point}"


def test_flat_colours_a_few_values_apart_may_swap_but_nothing_shows():
    # Pillow maps colours in slots of 4 values a channel: a portrait colour next to white
    # may take the white's pixels or give its own, at most 3 values off.
    content = _content("Hello", lines=("Bob Quote",), portrait=Portrait("BQ", "#fefefe"))
    drawn, rgb = _palette_of(content)
    differences = _differences(drawn, rgb)
    flat = [
        d
        for d, p in zip(differences, drawn.get_flattened_data(), strict=True)
        if p in ((255,) * 3, (254,) * 3)
    ]
    assert max(flat) <= 3


def _gradient(path, size=(600, 400)):
    """A photo-like picture: smooth gradients in every channel."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [
            (255 * x // width, 255 * y // height, 255 - 128 * (x + y) // (width + height))
            for y in range(height)
            for x in range(width)
        ]
    )
    image.save(path)
    return path


def _mean_difference(one: Image.Image, other: Image.Image, box) -> float:
    differences = _differences(one, other, box)
    return sum(differences) / len(differences)


PHOTO_BOX = (LEFT, FOOTER_Y, LEFT + AVATAR, FOOTER_Y + AVATAR)
COVER_BOX = (WIDTH - COVER_WIDTH, 0, WIDTH, HEIGHT)


def test_photos_covers_and_logos_get_colours_of_their_own(tmp_path):
    # Gradients in every channel are harder than any photo: the old palette (256 colours
    # picked from the whole card) was 9.7 off on average for the photo alone, 13.5 beside
    # a cover and a logo, and 7.2 for the cover.
    photo = _gradient(tmp_path / "photo.png", (300, 300))
    portrait = Portrait("BQ", "#000000", photo=photo)
    drawn, rgb = _palette_of(_content(TITLE_140, lines=("Bob Quote", "Sales Engineer"), portrait=portrait))
    assert _mean_difference(drawn, rgb, PHOTO_BOX) < 8, "the photo's pixels stay close to the drawing"
    assert rgb.getpixel((LEFT + 2, FOOTER_Y + 2)) == (255, 255, 255), (
        "white around the round photo stays white"
    )

    logo = tmp_path / "logo.png"
    Image.new("RGBA", (240, 56), (230, 90, 12, 255)).save(logo)
    content = CardContent(
        kicker="Service",
        title=TITLE_140,
        company="",
        colour="#0b7285",
        lines=("Bob Quote", "Sales Engineer"),
        portrait=portrait,
        cover=_gradient(tmp_path / "cover.png"),
        logo=logo,
        accent="#e8590c",
    )
    drawn, rgb = _palette_of(content)
    assert _mean_difference(drawn, rgb, COVER_BOX) < 8, "the cover's pixels stay close to the drawing"
    assert _mean_difference(drawn, rgb, PHOTO_BOX) < 16, "the photo keeps colours of its own beside a cover"
    assert rgb.getpixel((LEFT + 2, FOOTER_Y + 2)) == (255, 255, 255)
    assert rgb.getpixel((5, HEIGHT // 2)) == drawn.getpixel((5, HEIGHT // 2)), "the band stays exact"
    header = rgb.crop((LEFT, 0, WIDTH - COVER_WIDTH, 120)).get_flattened_data()
    assert (230, 90, 12) in header, "the logo's colour is kept"


def test_written_cards_are_palette_pngs(site):
    site.build()
    with _card(site, "posts/alice/hello.png") as card:
        assert card.mode == "P"
        assert (site.output / "cards/posts/alice/hello.png").stat().st_size < 30_000


def test_a_140_character_title_stays_inside_the_drawn_card(site):
    site.write("content/alice/long.md", post(TITLE_140))
    site.build()
    with _card(site, "posts/alice/long.png") as image:
        rgb = image.convert("RGB")
        margin = [
            rgb.getpixel((x, y))
            for x in range(WIDTH - RIGHT + 2, WIDTH)
            for y in range(TITLE_BOX.y, TITLE_BOX.bottom, 3)
        ]
        assert set(margin) == {(255, 255, 255)}, "no title pixels in the right margin"


def test_unpublished_posts_get_no_card_and_hidden_ones_do(site):
    site.write("content/alice/draft.md", post("Draft", Status="draft"))
    site.write("content/alice/later.md", post("Later", date="2027-01-01"))
    site.write("content/alice/unlisted.md", post("Unlisted", Status="hidden"))
    site.build()
    cards = {p.relative_to(site.output / "cards").as_posix() for p in (site.output / "cards").rglob("*.png")}
    assert "posts/alice/unlisted.png" in cards
    assert not {"posts/alice/draft.png", "posts/alice/later.png"} & cards


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Titles of the cards drawn (not taken from the cache) during the test."""
    titles: list[str] = []
    original = cards_plugin.draw_card

    def counting(content, fonts):
        titles.append(content.title)
        return original(content, fonts)

    monkeypatch.setattr(cards_plugin, "draw_card", counting)
    return titles


def test_a_rebuild_draws_only_the_cards_that_changed(site, drawn):
    site.write("content/bob/deal.md", post("How we scope"))
    site.build()
    assert sorted(drawn) == sorted(
        ["Hello from service", "How we scope", "Alice Field", "Bob Quote", "Gina Guest", "Service", "Sales"]
    )
    drawn.clear()
    site.build()
    assert drawn == [], "nothing changed, nothing drawn"
    with _card(site, "posts/bob/deal.png") as image:
        assert image.size == (WIDTH, HEIGHT), "cached cards are still written to the output"
    site.write("content/bob/deal.md", post("How we scope a project"))
    site.build()
    assert drawn == ["How we scope a project"]


def test_a_new_avatar_redraws_that_authors_cards(site, drawn):
    from conftest import png_bytes

    site.build()
    drawn.clear()
    site.write("authors/alice.png", png_bytes(colour=(0, 200, 0)))
    site.build()
    assert sorted(drawn) == ["Alice Field", "Hello from service"]


def test_card_url_reaches_the_page_head(site):
    site.build(SITEURL="https://voices.example")
    for page, card in (
        ("posts/alice/hello/index.html", "cards/posts/alice/hello.png"),
        ("authors/alice/index.html", "cards/authors/alice.png"),
        ("departments/service/index.html", "cards/departments/service.png"),
        # pages written by other features with wrappers of their own: the social_cards context key
        ("authors/bob/index.html", "cards/authors/bob.png"),
        ("departments/sales/index.html", "cards/departments/sales.png"),
    ):
        image = site.page(page).cssselect('meta[property="og:image"]')[0].get("content")
        assert image.startswith(f"https://voices.example/{card}?v="), (page, image)


def test_font_settings_are_checked_before_reading(site):
    problems = site.problems(SOCIAL_CARDS_COLOR="#ffffff", SOCIAL_CARDS_COLOUR="blue")
    assert any(
        p.startswith(
            "pelicanconf.py: error: SOCIAL_CARDS_COLOR: unknown setting (did you mean SOCIAL_CARDS_COLOUR?)"
        )
        for p in problems
    )
    assert any("SOCIAL_CARDS_COLOUR: expected a colour like '#364fc7'" in p for p in problems)
    site.write("fonts/not-a-font.ttf", b"not a font")
    problems = site.problems(SOCIAL_CARDS_FONT_BOLD="fonts/not-a-font.ttf")
    assert len(problems) == 1 and problems[0].startswith(
        "pelicanconf.py: error: SOCIAL_CARDS_FONT_BOLD: cannot load font"
    )


def test_fonts_ship_with_their_licence_and_are_the_default(tmp_path):
    fonts = THEME_DIR / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file() and (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream Vera" in (fonts / "LICENSE").read_text()
    settings = {"THEME": str(THEME_DIR), "SOCIAL_CARDS_FONT": None, "SOCIAL_CARDS_FONT_BOLD": None}
    assert cards_plugin._font_paths(settings, tmp_path) == [
        fonts / "DejaVuSans.ttf",
        fonts / "DejaVuSans-Bold.ttf",
    ]


def test_a_cover_fills_the_right_of_the_post_card_and_the_title_keeps_left_of_it(site, drawn):
    from conftest import png_bytes
    from plugins.social_cards.draw import COVER_GAP, COVER_WIDTH, title_box

    site.write("content/alice/cover.png", png_bytes((800, 600), colour=(20, 160, 60)))
    site.write("content/alice/long.md", post(TITLE_140, Cover="cover.png", Cover_Alt="A green field"))
    site.build()
    with _card(site, "posts/alice/long.png") as image:
        rgb = image.convert("RGB")
        for x, y in [
            (WIDTH - COVER_WIDTH + 5, 5),
            (WIDTH - 5, HEIGHT // 2),
            (WIDTH - COVER_WIDTH // 2, HEIGHT - 5),
        ]:
            assert max(abs(a - b) for a, b in zip(rgb.getpixel((x, y)), (20, 160, 60), strict=True)) < 12
        gap = {
            rgb.getpixel((x, y))
            for x in range(WIDTH - COVER_WIDTH - COVER_GAP + 2, WIDTH - COVER_WIDTH)
            for y in range(TITLE_BOX.y, TITLE_BOX.bottom, 3)
        }
        assert gap == {(255, 255, 255)}, "no title pixels between the text and the cover"
    title, _ = layout_text(_content(TITLE_140, cover=site.root / "content/alice/cover.png"), FONTS)
    box = title_box(_content(TITLE_140, cover=site.root / "content/alice/cover.png"))
    assert box.width == WIDTH - COVER_WIDTH - COVER_GAP - LEFT
    assert all(line.x + line.width <= box.x + box.width for line in title.lines)
    # a new cover redraws the post's card, and only it
    drawn.clear()
    site.write("content/alice/cover.png", png_bytes((800, 600), colour=(200, 160, 20)))
    site.build()
    assert drawn == [TITLE_140]
    # cards without a cover are drawn as before
    with _card(site, "posts/alice/hello.png") as image:
        assert image.convert("RGB").getpixel((WIDTH - 5, HEIGHT // 2)) == (255, 255, 255)


def test_beside_a_cover_the_company_name_is_not_cut(tmp_path):
    from conftest import png_bytes
    from plugins.social_cards.draw import COMPANY_SIZE, TOP, draw_card, right_edge

    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes((800, 600)))
    content = _content("A title", cover=cover)
    company = FONTS.regular(COMPANY_SIZE)
    width = company.getlength("Halvard Instruments")
    assert width > (right_edge(content) - LEFT) * 0.4, "the case this guards: 40% would cut it"
    image = draw_card(content, FONTS)
    start = right_edge(content) - int(width)
    ink = [image.getpixel((x, y)) for x in range(start, start + 12) for y in range(TOP, TOP + COMPANY_SIZE)]
    assert min(sum(pixel) for pixel in ink) < 400, "the name's first letter is drawn where it starts"
