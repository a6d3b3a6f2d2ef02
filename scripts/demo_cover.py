"""Draw the demo network's one cover image (content/claire-dubois/images/measuring-marketing.png).

The sample network ships no photographs; this illustration is drawn with Pillow so its
source is in the repository. Run from the repository root:

    .venv/bin/python scripts/demo_cover.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 900
TARGET = Path(__file__).resolve().parent.parent / "content/claire-dubois/images/measuring-marketing.png"


def draw() -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    top, bottom = (14, 61, 84), (11, 114, 133)
    for y in range(HEIGHT):  # a calm vertical gradient
        t = y / (HEIGHT - 1)
        draw.line(
            [(0, y), (WIDTH, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    # A long sales cycle as a funnel: many contacts at the top, few orders at the bottom.
    rows = [(1080, "#ffd8a8"), (880, "#ffc078"), (680, "#ffa94d"), (480, "#ff922b"), (280, "#f76707")]
    for index, (width, colour) in enumerate(rows):
        y = 130 + index * 128
        left = 260 + (1080 - width) // 2
        draw.rounded_rectangle((left, y, left + width, y + 96), radius=18, fill=colour)
    # Months passing on the right: a column of dots, most of them quiet.
    for month in range(12):
        x, y = 1450, 120 + month * 58
        lit = month in (2, 9, 11)
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill="#ffffff" if lit else "#5c8a99")
    return image


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    draw().save(TARGET, "PNG", optimize=True)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
