"""Drawing one social card (1200×630 PNG) from a description of what is on it.

``CardContent`` is everything that appears on a card; ``card_key`` hashes exactly that (plus
the fonts' bytes and the drawing code's version), so a cached card is reused only when it
would be drawn the same. ``draw_card`` turns the content into pixels.

  ┌──────────────────────────────────────────────────────────────┐
  │▌ DEPARTMENT                            Company name or logo  │
  │▌ Title, wrapped and sized to fit                             │
  │▌ Subtitle (profiles and departments), in the space left      │
  │▌ ───────────────────────── (in the brand's accent, when set) │
  │▌ (avatar)  Name                                              │
  │▌           Role                                              │
  │▌           with co-authors                                   │
  └──────────────────────────────────────────────────────────────┘

A post with a cover gets it as a panel on the right, the full height of the card, cropped
to fill it; everything else keeps to the narrower space on its left.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

import PIL
from PIL import Image, ImageDraw, ImageOps

from plugins.network.images import open_raster
from plugins.network.portraits import square_crop

from .layout import Box, Fonts, TextBlock, fit_line, fit_names, fit_title, line_height

# Bumped whenever the drawing (or the encoding) changes, so cards drawn by older code are not reused.
DRAWING_VERSION = "3"

WIDTH, HEIGHT = 1200, 630
BAND = 24  # the department-coloured band on the left edge
LEFT, RIGHT, TOP = BAND + 64, 72, 56
TITLE_BOX = Box(LEFT, 132, WIDTH - LEFT - RIGHT, 300)
COVER_WIDTH = 420  # the cover's panel; the text then ends COVER_GAP before it
COVER_GAP = 48
COMPANY_MIN_ROOM = 300
TITLE_SIZES = tuple(range(72, 30, -2))
SUBTITLE_SIZES = (30, 28, 26, 24)
SUBTITLE_GAP = 16
RULE_Y = 452
AVATAR = 112
FOOTER_Y = 478
KICKER_SIZE, COMPANY_SIZE = 28, 28
LOGO_HEIGHT = 56
LOGO_TOP = TOP - (LOGO_HEIGHT - COMPANY_SIZE) // 2
FOOTER_SIZES = (34, 26, 24)  # first line (bold), other lines, co-authors
FOOTER_ROWS = 3

RGB = tuple[int, int, int]

BACKGROUND = (255, 255, 255)
INK = (26, 27, 30)
MUTED = (73, 80, 87)
RULE = (222, 226, 230)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Portrait:
    """A photo (path to an already checked source image) or initials on a colour."""

    initials: str
    colour: str
    photo: Path | None = None
    shown_as: str = ""  # the registry file, for messages about a photo that fails to decode


@dataclass(frozen=True)
class CardContent:
    kicker: str
    title: str
    company: str
    colour: str
    subtitle: str = ""  # a bio or a description, under the title in the space it leaves
    lines: tuple[str, ...] = ()  # footer, beside the portrait: the first line bold, at most three
    coauthors: tuple[str, ...] = ()
    portrait: Portrait | None = None
    accent: str = ""  # the brand's accent (readable on white): the rule under the title
    logo: Path | None = None  # the brand's raster logo, in place of the company name
    cover: Path | None = None  # the post's cover image (an already checked source image)


def right_edge(content: CardContent) -> int:
    """Where text and rules end on the right: before the cover's panel, if there is one."""
    return WIDTH - (COVER_WIDTH + COVER_GAP if content.cover is not None else RIGHT)


def _company_room(content: CardContent) -> int:
    """The width the company's name or logo may take at the top right: at most 40 % (but
    300 px beside a cover, where 40 % would cut a name like "Halvard Instruments")."""
    return max(int((right_edge(content) - LEFT) * 0.4), COMPANY_MIN_ROOM)


def title_box(content: CardContent) -> Box:
    return Box(TITLE_BOX.x, TITLE_BOX.y, right_edge(content) - TITLE_BOX.x, TITLE_BOX.height)


def parse_colour(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on(background: tuple[int, int, int], colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """``colour``, darkened just enough for text on ``background`` (WCAG AA, 4.5:1)."""
    while contrast(colour, background) < 4.5:
        colour = tuple(int(c * 0.9) for c in colour)  # type: ignore[assignment]
    return colour


def font_digest(fonts: Fonts) -> str:
    digest = hashlib.sha256()
    for path in fonts.paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card_key(content: CardContent, fonts_digest: str, photo_digest: str | None = None) -> str:
    """A hash of everything that decides the card's pixels.

    ``photo_digest`` is the portrait photo's ``file_digest`` (callers that draw many cards
    of one author hash the photo once); it is computed here when not given.
    """
    described = asdict(content)
    if content.logo is not None:
        described["logo"] = file_digest(content.logo)
    if content.cover is None:
        described.pop("cover")  # cards without a cover keep the keys they had before covers
    else:
        described["cover"] = file_digest(content.cover)
    portrait = content.portrait
    if portrait is not None:
        described["portrait"].pop("shown_as")
        if portrait.photo is not None:
            described["portrait"]["photo"] = photo_digest or file_digest(portrait.photo)
    recipe = {
        "content": described,
        "fonts": fonts_digest,
        "size": [WIDTH, HEIGHT],
        "drawing": DRAWING_VERSION,
        "pillow": PIL.__version__,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def _photo(path: Path, size: int) -> Image.Image:
    with open_raster(path) as source:
        source.draft("RGB", (size * 2, size * 2))  # JPEG: decode at a fraction of the size
        square = square_crop(source).convert("RGB")
    return square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _portrait_image(portrait: Portrait, fonts: Fonts, size: int) -> Image.Image:
    if portrait.photo is not None:
        return _photo(portrait.photo, size)
    image = Image.new("RGB", (size, size), parse_colour(portrait.colour))
    draw = ImageDraw.Draw(image)
    draw.text(
        (size / 2, size / 2), portrait.initials, fill=WHITE, font=fonts.bold(int(size * 0.4)), anchor="mm"
    )
    return image


def _cover(path: Path) -> Image.Image:
    """The cover cropped to fill the panel, upright, in RGB."""
    with open_raster(path) as source:
        source.draft("RGB", (COVER_WIDTH * 2, HEIGHT * 2))  # JPEG: decode at a fraction of the size
        upright = ImageOps.exif_transpose(source).convert("RGB")
    return ImageOps.fit(upright, (COVER_WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def _logo(path: Path, max_width: int) -> Image.Image:
    """The logo as RGBA, at most LOGO_HEIGHT high and ``max_width`` wide."""
    with open_raster(path) as source:
        logo = source.convert("RGBA")
    logo.thumbnail((max_width, LOGO_HEIGHT), Image.Resampling.LANCZOS)
    return logo


@lru_cache(maxsize=4)
def _round_mask(size: int) -> Image.Image:
    # Drawn at 4x and scaled down, so the circle's edge is smooth.
    big = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(big).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def layout_text(content: CardContent, fonts: Fonts) -> tuple[TextBlock, TextBlock | None]:
    """Where the title and the subtitle go: the title first, as large as fits."""
    box = title_box(content)
    title = fit_title(content.title, fonts.bold, box, TITLE_SIZES)
    if not content.subtitle or not title.lines:
        return title, None
    top = title.lines[-1].y + title.lines[-1].height + SUBTITLE_GAP
    space = Box(box.x, top, box.width, box.bottom - top)
    if space.height < line_height(SUBTITLE_SIZES[-1]):
        return title, None
    return title, fit_title(content.subtitle, fonts.regular, space, SUBTITLE_SIZES)


def draw_card(content: CardContent, fonts: Fonts) -> Image.Image:
    """The card as an RGB image of WIDTH×HEIGHT pixels."""
    colour = parse_colour(content.colour)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAND - 1, HEIGHT - 1), fill=colour)
    right = right_edge(content)
    if content.cover is not None:
        image.paste(_cover(content.cover), (WIDTH - COVER_WIDTH, 0))

    # Header: kicker on the left, company on the right.
    inner = right - LEFT
    company_room = _company_room(content)
    if content.logo is not None:
        logo = _logo(content.logo, company_room)
        image.paste(logo, (right - logo.width, LOGO_TOP), logo)
        company_width = float(logo.width)
    else:
        company_font = fonts.regular(COMPANY_SIZE)
        company = fit_line(content.company, company_font, company_room)
        company_width = company_font.getlength(company)
        draw.text((right, TOP), company, fill=MUTED, font=company_font, anchor="ra")
    kicker_font = fonts.bold(KICKER_SIZE)
    kicker = fit_line(content.kicker.upper(), kicker_font, int(inner - company_width - 32))
    draw.text((LEFT, TOP), kicker, fill=readable_on(BACKGROUND, colour), font=kicker_font, anchor="la")

    title, subtitle = layout_text(content, fonts)
    for block, font_for, fill in ((title, fonts.bold, INK), (subtitle, fonts.regular, MUTED)):
        if block is None:
            continue
        for line in block.lines:
            draw.text((line.x, line.y), line.text, fill=fill, font=font_for(block.size), anchor="la")

    if content.accent:
        draw.rectangle((LEFT, RULE_Y - 1, right, RULE_Y + 2), fill=parse_colour(content.accent))
    else:
        draw.rectangle((LEFT, RULE_Y, right, RULE_Y + 1), fill=RULE)
    text_x = LEFT
    if content.portrait is not None:
        portrait = _portrait_image(content.portrait, fonts, AVATAR)
        image.paste(portrait, (LEFT, FOOTER_Y), _round_mask(AVATAR))
        text_x = LEFT + AVATAR + 28
    _draw_footer(draw, content, fonts, text_x, right - text_x)
    return image


# A card is flat colours, the anti-aliased edges of text and circles drawn on them, and
# maybe pictures (a photo, a cover, a logo). Its palette PNG is about a third of the RGB
# one (~16 KB against ~52 KB) and looks the same: each flat colour stays exact, each edge
# gets a ramp of RAMP_STEPS steps (at most 32 values a channel apart: side by side at twice
# the size, edges with 8 and with 16 steps and the RGB drawing could not be told apart),
# and each picture gets colours picked from its own pixels.
RAMP_STEPS = 8
# Pillow maps a pixel to a palette through a cache whose slots span 4 values a channel, so
# a flat colour's pixels go to the entry nearest its slot: no ramp step may come within
# this distance of a flat colour, or it could take them.
FLAT_MARGIN = 12
PALETTE_SIZE = 256
MIN_PICTURE_COLOURS = 48  # a photo beside a cover still gets enough for a face


def _distance_below(one: RGB, other: RGB, limit: int) -> bool:
    return sum((a - b) ** 2 for a, b in zip(one, other, strict=True)) < limit**2


def _ramp(start: RGB, end: RGB) -> list[RGB]:
    return [
        cast(RGB, tuple(round(a + (b - a) * step / RAMP_STEPS) for a, b in zip(start, end, strict=True)))
        for step in range(1, RAMP_STEPS)
    ]


def drawn_colours(content: CardContent) -> list[RGB]:
    """Every colour the card is drawn with (exact), then the steps of each edge between
    ink and white: text, the portrait's circle and the white initials on it."""
    colour = parse_colour(content.colour)
    inks = [INK, MUTED, readable_on(BACKGROUND, colour)]
    if content.portrait is not None and content.portrait.photo is None:
        inks.append(parse_colour(content.portrait.colour))
    flats: list[RGB] = []
    for flat in (BACKGROUND, colour, parse_colour(content.accent) if content.accent else RULE, *inks):
        if flat not in flats:
            flats.append(flat)
    # One step per cube of 8 values a channel: ramps that cross (ink and grey near white)
    # share their steps, and fewer entries make the edges compress better.
    steps: dict[RGB, RGB] = {}
    for ink in inks:
        for step in _ramp(BACKGROUND, ink):
            if not any(_distance_below(step, flat, FLAT_MARGIN) for flat in flats):
                steps.setdefault(cast(RGB, tuple(value // 8 for value in step)), step)
    return flats + list(steps.values())  # at most 7 + 4 × 7: the rest of the palette is the pictures'


def picture_boxes(content: CardContent) -> list[tuple[int, int, int, int]]:
    """The box of each picture on the card (photo, cover, logo), as (left, top, right, bottom)."""
    boxes = []
    if content.portrait is not None and content.portrait.photo is not None:
        boxes.append((LEFT, FOOTER_Y, LEFT + AVATAR, FOOTER_Y + AVATAR))
    if content.cover is not None:
        boxes.append((WIDTH - COVER_WIDTH, 0, WIDTH, HEIGHT))
    if content.logo is not None:
        right = right_edge(content)
        boxes.append((right - _company_room(content), LOGO_TOP, right, LOGO_TOP + LOGO_HEIGHT))
    return boxes


def _indices(image: Image.Image) -> Image.Image:
    """A palette image's indices, as a greyscale image (to paste and shift them)."""
    return Image.frombytes("L", image.size, image.tobytes())


def to_palette(content: CardContent, image: Image.Image) -> Image.Image:
    """The card ``image`` drawn from ``content``, as a palette image (see RAMP_STEPS).

    Everything but the pictures is mapped to :func:`drawn_colours` in one pass; each
    picture's box gets its own colours (Pillow's fast octree: MIN_PICTURE_COLOURS each, and
    the palette's room left shared by area), any within FLAT_MARGIN of white made white, so
    the white around a round photo or a logo stays the card's white. 2 to 5 ms a card,
    where picking 256 colours from all of the card's pixels took 10 to 25.
    """
    colours = drawn_colours(content)
    boxes = picture_boxes(content)
    shapes = image
    if boxes:
        shapes = image.copy()
        for box in boxes:
            shapes.paste(BACKGROUND, box)
    drawn = Image.new("P", (1, 1))
    drawn.putpalette([value for rgb in colours for value in rgb])
    indices = _indices(shapes.quantize(palette=drawn, dither=Image.Dither.NONE))
    areas = [(right - left) * (bottom - top) for left, top, right, bottom in boxes]
    spare = PALETTE_SIZE - len(colours) - MIN_PICTURE_COLOURS * len(boxes)
    for box, box_area in zip(boxes, areas, strict=True):
        share = MIN_PICTURE_COLOURS + spare * box_area // sum(areas)
        picked = image.crop(box).quantize(share, method=Image.Quantize.FASTOCTREE)
        found = (picked.getpalette() or [])[: 3 * share]
        offset = len(colours)
        for index in range(len(found) // 3):
            rgb = cast(RGB, tuple(found[3 * index : 3 * index + 3]))
            colours.append(BACKGROUND if _distance_below(rgb, BACKGROUND, FLAT_MARGIN) else rgb)
        indices.paste(_indices(picked).point(lambda index, offset=offset: index + offset), box)
    result = Image.frombytes("P", image.size, indices.tobytes())
    result.putpalette([value for rgb in colours for value in rgb])
    return result


def _draw_footer(draw: ImageDraw.ImageDraw, content: CardContent, fonts: Fonts, x: int, width: int) -> None:
    rows = []
    for index, text in enumerate(content.lines[:FOOTER_ROWS]):
        font = fonts.bold(FOOTER_SIZES[0]) if index == 0 else fonts.regular(FOOTER_SIZES[1])
        rows.append((fit_line(text, font, width), font, INK if index == 0 else MUTED))
    if content.coauthors and len(rows) < FOOTER_ROWS:
        font = fonts.regular(FOOTER_SIZES[2])
        rows.append((fit_names(content.coauthors, font, width), font, MUTED))
    heights = [round(font.size * 1.25) for _, font, _ in rows]
    y = FOOTER_Y + (AVATAR - sum(heights)) / 2  # centred on the avatar
    for (text, font, fill), height in zip(rows, heights, strict=False):
        draw.text((x, y), text, fill=fill, font=font, anchor="la")
        y += height
