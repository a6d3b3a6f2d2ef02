"""The post page: task lists, headings a reader can link to, code to copy, images that fit."""

from __future__ import annotations

import re

from lxml import html as lxml_html
from PIL import Image

from conftest import png_bytes, post


def test_task_lists_render_as_disabled_checkboxes_labelled_by_their_text(site):
    body = """
    Before the visit:

    - [x] Order the **spare** seal
    - [ ] Book the crane
        - [X] Ask the site manager

    1. [ ] Numbered too

    - A plain item stays plain
    """
    site.write("content/alice/hello.md", post("Checklist", body=body))
    site.build()
    prose = site.page("posts/alice/hello/index.html").cssselect(".prose")[0]
    labels = prose.cssselect("li.task-list-item > label")
    assert [label.text_content().strip() for label in labels] == [
        "Order the spare seal",
        "Book the crane",
        "Ask the site manager",
        "Numbered too",
    ]
    boxes = [label.cssselect("input")[0] for label in labels]
    assert all(box.get("type") == "checkbox" and box.get("disabled") is not None for box in boxes)
    assert [box.get("checked") is not None for box in boxes] == [True, False, True, False]
    assert "[ ]" not in prose.text_content() and "[x]" not in prose.text_content()
    assert len(prose.cssselect("ul.task-list, ol.task-list")) == 3
    plain = prose.cssselect("ul:not(.task-list) > li")
    assert [li.text_content() for li in plain] == ["A plain item stays plain"]


LONG_POST = """
Intro.

## Before the visit

Plan.

### Tools & parts

A list.

## On site

Work.

## After the *repair*

Report.
"""


def test_long_post_gets_contents_and_every_heading_a_link_to_itself(site):
    site.write("content/alice/hello.md", post("Field repairs", body=LONG_POST))
    site.build()
    page = site.page("posts/alice/hello/index.html")
    toc = page.cssselect("nav.toc")[0]
    assert toc.get("aria-labelledby") == "toc-heading"
    top = [(a.text_content(), a.get("href")) for a in toc.cssselect(":scope > ol > li > a")]
    assert top == [
        ("Before the visit", "#h-before-the-visit"),
        ("On site", "#h-on-site"),
        ("After the repair", "#h-after-the-repair"),
    ]
    nested = [(a.text_content(), a.get("href")) for a in toc.cssselect("ol ol a")]
    assert nested == [("Tools & parts", "#h-tools-parts")]
    # each target exists, and its anchor is named by the heading, outside the heading's own name
    for _, href in top + nested:
        heading = page.cssselect(href.replace("#", "#", 1))[0]
        anchor = heading.getnext()
        assert anchor.get("href") == href and anchor.text_content() == "#"
        label, target = anchor.get("aria-labelledby").split()
        assert target == heading.get("id") and page.get_element_by_id(label).text == "Link to this section:"
        assert "#" not in heading.text_content()
    # the contents come before the text, so a narrow screen shows them first
    post_children = [child.get("class") for child in page.cssselect("article.post")[0]]
    assert post_children.index("toc") < post_children.index("prose")
    assert "has-toc" in page.cssselect("article.post")[0].get("class")


def test_short_post_has_no_contents_and_the_threshold_is_a_setting(site):
    site.write("content/alice/hello.md", post("Field repairs", body=LONG_POST))
    site.write("content/alice/short.md", post("Short", body="## Only one\n\nText."))
    site.build(POST_PAGE_TOC_MIN_HEADINGS=5)
    for path in ("posts/alice/hello/index.html", "posts/alice/short/index.html"):
        page = site.page(path)
        assert not page.cssselect(".toc") and "has-toc" not in page.cssselect("article.post")[0].get("class")
    assert site.page("posts/alice/short/index.html").cssselect("h2#h-only-one + a.heading-anchor")


def test_feeds_keep_the_plain_text_without_anchors(site):
    site.write("content/alice/hello.md", post("Field repairs", body=LONG_POST))
    site.build()
    atom = (site.output / "feeds/network/atom.xml").read_text(encoding="utf-8")
    assert "Before the visit" in atom and "heading-anchor" not in atom


def test_toc_threshold_setting_is_checked(site):
    assert any("POST_PAGE_TOC_MIN_HEADINGS" in line for line in site.problems(POST_PAGE_TOC_MIN_HEADINGS="3"))


def _scripts(page) -> list[str]:
    return [script.get("src") for script in page.cssselect("script[src]")]


def test_copy_buttons_script_only_on_posts_with_code(site):
    site.write("content/alice/hello.md", post("Code", body="Run:\n\n```sh\nmeterctl zero --all\n```\n"))
    site.write("content/alice/words.md", post("Words", body="Only `inline code` here."))
    site.build()
    code_page = site.page("posts/alice/hello/index.html")
    copy = [src for src in _scripts(code_page) if src.endswith("/js/code-copy.js")]
    assert copy == ["/theme/js/code-copy.js"]
    tag = code_page.cssselect('script[src$="code-copy.js"]')[0]
    assert tag.get("defer") is not None
    # its words come from the template, where they are translated
    assert (tag.get("data-copy"), tag.get("data-copied")) == ("Copy", "Copied")
    assert tag.get("data-done") == "Code block {n} copied to the clipboard."
    # without the script the code is all there, as text to select
    assert code_page.cssselect(".prose pre")[0].text_content().strip() == "meterctl zero --all"
    assert not code_page.cssselect("button.code-copy")
    script = (site.output / "theme/js/code-copy.js").read_text(encoding="utf-8")
    assert 'querySelectorAll(".prose pre")' in script and 'setAttribute("role", "status")' in script
    words = site.page("posts/alice/words/index.html")
    assert not [src for src in _scripts(words) if "code-copy" in src]


def test_post_images_come_in_widths_with_their_size_and_load_lazily(site):
    site.write("content/alice/pump.png", png_bytes((1600, 900)))
    site.write("content/alice/photos/site.jpg", png_bytes((2400, 1600), fmt="JPEG"))
    site.write("content/alice/icon.png", png_bytes((300, 200)))
    body = "![Pump curve](pump.png)\n\n![The site]({static}photos/site.jpg)\n\n![Icon](icon.png)"
    site.write("content/alice/hello.md", post("Images", body=body))
    site.build()
    images = site.page("posts/alice/hello/index.html").cssselect(".prose img")
    pump, photo, icon = (dict(img.attrib) for img in images)
    assert pump == {
        "src": "/media/alice/pump.png",
        "alt": "Pump curve",
        "width": "1600",
        "height": "900",
        "srcset": "/media-widths/alice/pump-480w.png 480w, /media-widths/alice/pump-960w.png 960w, /media/alice/pump.png 1600w",
        "sizes": "(min-width: 46rem) 44rem, calc(100vw - 2rem)",
        "loading": "eager",  # the first thing in the text: above the fold, not lazy
        "decoding": "async",
    }
    assert photo["loading"] == "lazy"
    # wider than the widest width: the 1600 px copy is the largest served, never the original
    assert photo["src"] == "/media-widths/alice/photos/site-1600w.jpg"
    assert (photo["width"], photo["height"]) == ("1600", "1067")
    assert "/media/alice/photos/site.jpg" not in photo["srcset"]
    # narrower than every width: as it is, with its size
    assert (icon["src"], icon["width"], icon["height"]) == ("/media/alice/icon.png", "300", "200")
    assert "srcset" not in icon and icon["loading"] == "lazy"
    for name, fmt, size in [
        ("pump-480w.png", "PNG", (480, 270)),
        ("pump-960w.png", "PNG", (960, 540)),
        ("photos/site-480w.jpg", "JPEG", (480, 320)),
        ("photos/site-1600w.jpg", "JPEG", (1600, 1067)),
    ]:
        with Image.open(site.output / "media-widths/alice" / name) as image:
            assert (image.format, image.size) == (fmt, size), name
            assert not image.getexif() and "icc_profile" not in image.info
    assert not (site.output / "media-widths/alice/icon-480w.png").exists()


def test_an_image_in_raw_html_over_two_lines_comes_in_widths_too(site):
    """The images that get widths are those the scan of the source finds, wherever the
    author breaks the tag's lines."""
    site.write("content/alice/pump.png", png_bytes((1600, 900)))
    site.write(
        "content/alice/hello.md", post("Images", body='Intro.\n\n<img alt="Pump curve"\n     src="pump.png">')
    )
    site.build()
    (pump,) = site.page("posts/alice/hello/index.html").cssselect(".prose img")
    assert pump.get("srcset", "").startswith("/media-widths/alice/pump-480w.png 480w")
    assert (pump.get("width"), pump.get("height")) == ("1600", "900")


def test_a_warm_build_draws_no_width_again(site, monkeypatch):
    from plugins.clean_images import plugin

    site.write("content/alice/pump.png", png_bytes((1000, 500)))
    site.write("content/alice/hello.md", post("Images", body="![Pump curve](pump.png)"))
    site.build()
    drawn: list[str] = []
    original = plugin.encode
    monkeypatch.setattr(
        plugin, "encode", lambda image, fmt, target: drawn.append(target.name) or original(image, fmt, target)
    )
    site.build()
    assert drawn == []
    assert (site.output / "media-widths/alice/pump-960w.png").is_file()
    site.write("content/alice/pump.png", png_bytes((1000, 500), colour=(0, 90, 200)))
    site.build()
    assert sorted(drawn) == ["480.png", "960.png"]


def test_image_widths_setting_is_checked(site):
    problems = site.problems(CLEAN_IMAGES_WIDTHS=[480, "big"])
    assert any("CLEAN_IMAGES_WIDTHS" in line and "between 100 and 4000" in line for line in problems)


def test_cover_heads_the_post_and_its_cards_in_widths(site):
    site.write("content/alice/images/cover.jpg", png_bytes((2000, 1000), fmt="JPEG"))
    site.write(
        "content/alice/hello.md",
        post("With a cover", Cover="images/cover.jpg", Cover_Alt="A flow meter opened on site", Tags="pumps"),
    )
    site.build()
    page = site.page("posts/alice/hello/index.html")
    cover = page.cssselect("article.post figure.post-cover img")[0]
    assert cover.get("alt") == "A flow meter opened on site"
    assert cover.get("src") == "/media-widths/alice/images/cover-1600w.jpg"
    assert (cover.get("width"), cover.get("height")) == ("1600", "800")
    assert cover.get("srcset").split(", ")[0] == "/media-widths/alice/images/cover-480w.jpg 480w"
    assert cover.get("loading") == "eager"  # the first thing a reader sees
    # before the text, after the title
    order = [
        child.tag for child in page.cssselect("article.post")[0] if child.tag != "div" or child.get("class")
    ]
    assert order.index("header") < order.index("figure")
    for listing in (
        "index.html",
        "departments/service/index.html",
        "authors/alice/index.html",
        "topics/pumps/index.html",
    ):
        cards = site.page(listing).cssselect("article.card.has-cover")
        assert cards, listing
        image = cards[0].cssselect("img.card-cover")[0]
        assert image.get("alt") == "" and image.get("loading") == "lazy", listing
        assert "cover-480w.jpg 480w" in image.get("srcset") and image.get("width") == "1600", listing


def test_post_without_cover_has_none(site):
    site.build()
    assert not site.page("posts/alice/hello/index.html").cssselect(".post-cover")
    assert not site.page("index.html").cssselect(".card-cover, .card.has-cover")


def test_cover_is_checked_like_any_image_by_check_and_build_alike(site):
    site.write("content/bob/cover.png", png_bytes((600, 300)))
    site.write("content/bob/a.md", post("A", Cover="covr.png", Cover_Alt="A pump"))
    site.write("content/bob/b.md", post("B", Cover="cover.png"))
    site.write("content/bob/c.md", post("C", Cover="https://cdn.example/c.png", Cover_Alt="x"))
    site.write("content/bob/d.md", post("D", Cover_Alt="Nothing to describe"))
    site.write("content/bob/e.md", post("E", Cover="a.md", Cover_Alt="x"))
    expected = [
        "content/bob/a.md:3:8: error: image not found: covr.png (did you mean 'cover.png'?)",
        "content/bob/b.md:3: error: cover image without alt text: add 'Cover-Alt:' saying what it shows, like 'Cover-Alt: A technician at an open flow meter'",
        "content/bob/c.md:3: error: 'cover' must be an image in content/, written relative to the post like 'images/cover.jpg' or as {static}/author-id/cover.jpg, found 'https://cdn.example/c.png'",
        "content/bob/d.md:3: error: 'Cover-Alt' describes a cover image, but there is no 'Cover:'",
        "content/bob/e.md:3:8: error: 'Cover' must name an image in content/ (gif, jpeg, jpg, png, webp), found bob/a.md",
    ]
    assert site.check() == expected
    assert site.problems() == expected


def test_only_an_image_at_the_top_of_a_post_without_cover_loads_at_once():
    from plugins.network.images import ResponsiveImage
    from plugins.post_page.body import post_body

    images = {"/media/a.png": ResponsiveImage("media/a.png", 800, 400)}
    top = '<p>Intro.</p><p><img src="/media/a.png" alt="A"></p><p><img src="/media/a.png" alt="B"></p>'
    far = "<p>" + "Long intro. " * 200 + '</p><p><img src="/media/a.png" alt="A"></p>'

    def loading(html: str, **options) -> list[str]:
        body = post_body(html, 3, images, **options)
        return re.findall(r'loading="(\w+)"', str(body.html))

    assert loading(top) == ["eager", "lazy"]
    assert loading(top, first_in_view=False) == ["lazy", "lazy"], "a cover is above it"
    assert loading(far) == ["lazy"], "below the fold"


def test_quotes_and_angle_brackets_in_attributes_stay_inside_their_tags():
    from plugins.network.images import ResponsiveImage
    from plugins.post_page.body import post_body

    raw = (
        '<h2 id="h-a" title="x > y">A &gt; B</h2>'
        '<p><img alt="a > &quot;b&quot;" src="/media/x.png" title="t > u"></p>'
    )
    body = str(post_body(raw, 1, {"/media/x.png": ResponsiveImage("media/x.png", 100, 50)}).html)
    fragment = lxml_html.fragment_fromstring(body, create_parent="div")
    image = fragment.cssselect("img")[0]
    assert (image.get("alt"), image.get("title"), image.get("width")) == ('a > "b"', "t > u", "100")
    assert fragment.cssselect("h2")[0].get("title") == "x > y"
    assert fragment.cssselect("a.heading-anchor")[0].get("aria-labelledby") == "heading-anchor-label h-a"
