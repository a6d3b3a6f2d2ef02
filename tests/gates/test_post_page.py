"""Gate: the post page in a real browser (Debian's Chromium): contents beside the text on a
wide screen and before it on a phone, the copy button and what it announces, the image
width a phone is sent, the page without JavaScript, and the page on paper. The post uses
every feature of the page (cover, contents, anchors, code, task list) and passes the Nu
Html Checker and axe, with its script's buttons in place."""

from __future__ import annotations

import pytest

from conftest import png_bytes, post

from .test_accessibility import axe_violations
from .test_html_validity import check_html
from .test_html_validity import describe as describe_message

BODY = (
    """
Intro with [the vendor's manual](https://vendor.example/manual) and [a colleague](/authors/).

## Before the visit

Plan the visit.

```sh
meterctl zero --all
```

## On site

"""
    + "Work on site, step by step. " * 120
    + """

## After the repair

- [x] Write the report
- [ ] Order the spare seal
"""
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("post-page") / "site")
    site.write("content/alice/images/cover.png", png_bytes((1600, 800), colour=(20, 120, 160)))
    site.write(
        "content/alice/hello.md",
        post("Field repairs", Cover="images/cover.png", Cover_Alt="A blue flow meter", body=BODY),
    )
    return site.build()


@pytest.fixture(scope="module")
def post_url(built, serve) -> str:
    return serve(built) + "posts/alice/hello/"


def test_the_post_is_valid_html(vnu_command, built):
    errors = [
        describe_message(m, built) for m in check_html(vnu_command, [built / "posts/alice/hello/index.html"])
    ]
    assert not errors, "\n".join(errors)


def test_the_post_has_no_axe_violations_with_its_buttons_in_place(axe_script, context, post_url):
    page = context.new_page()
    page.goto(post_url)
    page.wait_for_selector("button.code-copy")
    violations = axe_violations(page, axe_script)
    assert not violations, "\n".join(violations)


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_contents_stand_beside_the_text_on_a_wide_screen_and_stay_in_view(context, post_url):
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(post_url)
    toc, prose = _box(page, "nav.toc"), _box(page, ".prose")
    assert toc["x"] >= prose["x"] + prose["width"], "the contents are in a column right of the text"
    assert 600 <= prose["width"] <= 720, "the text keeps its measure (44rem)"
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(200)
    assert 0 <= page.locator("nav.toc").bounding_box()["y"] <= 40, "sticky: still in view after scrolling"


def test_each_heading_anchor_is_named_after_its_heading(context, post_url):
    page = context.new_page()
    page.goto(post_url)
    for heading in ("Before the visit", "On site", "After the repair"):
        anchor = page.get_by_role("link", name=f"Link to this section: {heading}", exact=True)
        assert anchor.get_attribute("href") == "#" + page.get_by_role(
            "heading", name=heading, exact=True
        ).get_attribute("id")
    anchor = page.get_by_role("link", name="Link to this section: On site")
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "0", "hidden until hover or focus"
    anchor.focus()
    page.wait_for_timeout(50)
    assert anchor.evaluate("a => getComputedStyle(a).opacity") == "1", "shown on keyboard focus"


def test_contents_come_before_the_text_on_a_phone_and_the_phone_gets_a_narrow_image(context, post_url):
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(post_url)
    toc, prose = _box(page, "nav.toc"), _box(page, ".prose")
    assert toc["y"] + toc["height"] <= prose["y"] and toc["width"] <= 375
    cover = page.locator(".post-cover img")
    cover.evaluate("img => img.decode()")
    assert cover.evaluate("img => img.currentSrc").endswith("/media-widths/alice/images/cover-480w.png")


def test_copy_button_copies_the_code_and_says_so(browser, post_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(post_url)
        button = page.locator("button.code-copy")
        assert button.count() == 1 and button.inner_text().startswith("Copy")
        button.click()
        page.wait_for_function("() => document.querySelector('.code-copy').textContent.startsWith('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == "meterctl zero --all"
        status = page.locator('[role="status"]').filter(has_text="copied")
        assert status.inner_text() == "Code block 1 copied to the clipboard."
    finally:
        context.close()


def test_without_javascript_the_code_is_there_and_no_button_is(browser, post_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(post_url)
        assert page.locator("button.code-copy").count() == 0
        assert page.locator(".prose pre").inner_text().strip() == "meterctl zero --all"
        assert page.locator("nav.toc a").count() == 3 and page.locator(".heading-anchor").count() == 3
    finally:
        context.close()


def test_printed_post_is_dark_on_white_without_navigation_with_link_addresses(context, post_url):
    page = context.new_page()
    page.goto(post_url)
    page.emulate_media(media="print", color_scheme="dark")
    for selector in ("header nav", "[role=search]", "nav.toc", ".share", ".heading-anchor"):
        locator = page.locator(selector)
        assert all(not locator.nth(i).is_visible() for i in range(locator.count())), selector
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    after = page.evaluate(
        """() => [...document.querySelectorAll('.prose p a')].map(
            a => getComputedStyle(a, '::after').content)"""
    )
    assert after == ['" (https://vendor.example/manual)"', "none"], "external links only"
    assert page.locator(".prose").is_visible() and page.locator(".post-cover img").is_visible()
