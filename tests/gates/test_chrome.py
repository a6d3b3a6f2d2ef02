"""Gate: the site's chrome in Debian's Chromium — the header on a phone and on a laptop, with
and without JavaScript, and the light / dark / auto toggle that is remembered across pages."""

from __future__ import annotations

import re

import pytest

from .support import MAIN_PAGES, open_main_page, open_page

PHONE = {"width": 390, "height": 844}
# WCAG 2.1, 1.4.10 Reflow: content reads at 320 CSS pixels wide without scrolling sideways.
NARROWEST = {"width": 320, "height": 640}
# What sticks out past the viewport's right edge, for the message (code blocks scroll in
# their own box and do not widen the page).
STICKING_OUT = """() => {
  const edge = document.documentElement.clientWidth + 0.5;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > edge && !e.closest('pre, .visually-hidden')
      && e.checkVisibility({visibilityProperty: true}))
    .slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} (${Math.round(e.getBoundingClientRect().right)} px)`);
}"""
LAPTOP = {"width": 1280, "height": 900}
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"
LIGHT_BG, DARK_BG = "rgb(255, 255, 255)", "rgb(20, 23, 26)"
# The scheme <html> has when the parser reaches <body>: before anything can be painted.
THEME_WHEN_BODY_STARTS = """new MutationObserver((changes, observer) => {
  if (document.body) {
    window.themeWhenBodyStarts = document.documentElement.dataset.theme || null;
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});"""


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('.site-header').getBoundingClientRect().height")


def test_on_a_phone_the_header_is_one_line_with_a_menu_button(browser, sample_site):
    for javascript in (True, False):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
        try:
            page, log = open_page(context, sample_site.url("/"))
            assert header_height(page) < 70, (javascript, header_height(page))
            button = page.locator("summary.site-menu-button")
            assert button.is_visible() and button.inner_text().strip() == "Menu"
            experts = page.get_by_role("navigation", name="Main").get_by_role("link", name="Experts")
            assert not experts.is_visible(), "the menu starts closed on a phone"
            button.click()
            assert experts.is_visible()
            assert page.locator("header [role=search] input[name=q]").is_visible()
            with page.expect_navigation():
                experts.click()
            assert page.url.endswith("/authors/")
            assert not log.errors
        finally:
            context.close()


def test_on_a_laptop_the_navigation_shows_without_a_menu_button(browser, sample_site):
    context = browser.new_context(viewport=LAPTOP)
    try:
        page, log = open_page(context, sample_site.url("/"))
        assert not page.locator("summary.site-menu-button").is_visible()
        nav = page.get_by_role("navigation", name="Main")
        for name in ("Departments", "Experts", "Topics", "Archive"):
            assert nav.get_by_role("link", name=name).is_visible(), name
        assert page.locator("header a.brand .brand-name").is_visible()
        assert header_height(page) < 90
        # The demo sets BRAND_FONT: its bundled web subsets are the ones in use.
        loaded = page.evaluate(
            "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.weight)"
        )
        assert {"DejaVu Sans 400", "DejaVu Sans 700"} <= {f.replace('"', "") for f in loaded}, loaded
        assert not log.errors
    finally:
        context.close()


def test_the_colour_scheme_toggle_is_remembered_and_applied_before_paint(browser, sample_site):
    context = browser.new_context(viewport=LAPTOP, color_scheme="light")
    try:
        page, log = open_page(context, sample_site.url("/"))
        toggle = page.get_by_role("button", name="Colour scheme: Auto")
        assert toggle.is_visible() and page.evaluate(BACKGROUND) == LIGHT_BG
        toggle.click()  # Auto -> Light
        page.get_by_role("button", name="Colour scheme: Light").click()  # Light -> Dark
        assert page.get_attribute("html", "data-theme") == "dark"
        assert page.evaluate(BACKGROUND) == DARK_BG
        # Another page: dark from its first paint (scheme-init.js runs before the body exists).
        other = context.new_page()
        other.add_init_script(THEME_WHEN_BODY_STARTS)
        other.goto(sample_site.url("/authors/"))
        assert other.evaluate("window.themeWhenBodyStarts") == "dark"
        assert other.evaluate(BACKGROUND) == DARK_BG
        other.get_by_role("button", name="Colour scheme: Dark").click()  # Dark -> Auto
        other.reload()
        assert other.get_attribute("html", "data-theme") is None
        assert other.evaluate(BACKGROUND) == LIGHT_BG, "auto follows the system's light setting"
        assert not log.errors
    finally:
        context.close()


def test_without_javascript_the_system_scheme_is_followed_and_no_toggle_shows(browser, sample_site):
    context = browser.new_context(viewport=LAPTOP, color_scheme="dark", java_script_enabled=False)
    try:
        page, _ = open_page(context, sample_site.url("/"))
        assert page.evaluate(BACKGROUND) == DARK_BG
        assert not page.locator("[data-scheme-toggle]").is_visible()
    finally:
        context.close()


# -- the Subscribe page ----------------------------------------------------------------------


def visible_rows(page) -> list[str]:
    return page.eval_on_selector_all(
        ".feed-row", "rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.name)"
    )


def test_subscribe_page_fits_two_screens_filters_as_you_type_and_copies(browser, sample_site):
    context = browser.new_context(viewport=LAPTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page, log = open_page(context, sample_site.url("/subscribe/"))
        main_bottom = page.evaluate("() => document.querySelector('main').getBoundingClientRect().bottom")
        assert main_bottom <= 2 * LAPTOP["height"], main_bottom
        everything = len(visible_rows(page))
        page.get_by_label("Find a feed").fill("sensor")
        found = visible_rows(page)
        assert found and len(found) < everything and all("sensor" in name for name in found), found
        assert f"{len(found)} feed" in page.locator(".feed-filter [role=status]").inner_text()
        hidden_groups = page.eval_on_selector_all("[data-feed-group][hidden]", "groups => groups.length")
        assert hidden_groups >= 1, "a group with no match is hidden"
        page.get_by_label("Find a feed").fill("")
        assert len(visible_rows(page)) == everything
        row = page.locator(".feed-row", has=page.locator(".feed-name", has_text="Service")).first
        row.get_by_role("button").click()
        expected = row.get_by_role("button").get_attribute("data-copy")
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert expected.startswith("http") and expected.endswith("/atom.xml")
        assert not log.errors
    finally:
        context.close()


def test_subscribe_page_without_javascript_is_plain_links(browser, sample_site):
    context = browser.new_context(viewport=LAPTOP, java_script_enabled=False)
    try:
        page, _ = open_page(context, sample_site.url("/subscribe/"))
        assert not page.locator(".copy-button").first.is_visible()
        assert not page.locator("[data-feed-filter]").is_visible()
        assert page.get_by_role("link", name="Atom feed of Service").is_visible()
    finally:
        context.close()


# -- the directory ---------------------------------------------------------------------------


def test_the_directory_shows_one_filter_control_with_or_without_javascript(browser, sample_site):
    for javascript in (True, False):
        context = browser.new_context(viewport=LAPTOP, java_script_enabled=javascript)
        try:
            page, _ = open_page(context, sample_site.url("/authors/"))
            form = page.locator("[data-directory-filter]")
            links = page.get_by_role("navigation", name="Filter the directory")
            assert form.is_visible() is javascript, javascript
            assert links.is_visible() is not javascript, javascript
        finally:
            context.close()


# -- search ----------------------------------------------------------------------------------


def result_links(page) -> list[str]:
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
    return page.eval_on_selector_all(".pagefind-ui__result-link", "links => links.map(a => a.href)")


def test_search_filters_are_kept_in_the_address_and_restored_on_reload(context, sample_site):
    page, log = open_page(context, sample_site.url("/search/?q=sensor"))
    everything = result_links(page)
    # A department some but not all results belong to (each option shows its count).
    options = page.eval_on_selector_all(
        "input.pagefind-ui__filter-checkbox[name=department]",
        "boxes => boxes.map(b => [b.value, b.id, b.parentElement.textContent])",
    )
    counts = {v: (i, int(re.findall(r"\d+", t)[-1])) for v, i, t in options if re.findall(r"\d+", t)}
    value = next(v for v, (_, n) in counts.items() if 0 < n < len(everything))
    label = page.locator(f"label[for='{counts[value][0]}']")
    if not label.is_visible():  # the department filter's group is closed
        page.locator("summary", has_text="department").first.click()
    label.click()
    page.wait_for_function("location.search.includes('department=')")
    assert "q=sensor" in page.url
    page.wait_for_function(
        f"document.querySelectorAll('.pagefind-ui__result-link').length < {len(everything)}"
    )
    narrowed = result_links(page)
    page.reload(wait_until="networkidle")
    assert page.locator(".pagefind-ui__search-input").input_value() == "sensor"
    checked = page.locator("input.pagefind-ui__filter-checkbox:checked")
    checked.first.wait_for(state="attached", timeout=15_000)
    assert [checked.nth(i).get_attribute("value") for i in range(checked.count())] == [value]
    page.wait_for_function(
        f"document.querySelectorAll('.pagefind-ui__result-link').length === {len(narrowed)}"
    )
    assert sorted(result_links(page)) == sorted(narrowed)
    assert not log.errors


def test_search_ignores_address_parameters_that_are_not_its_filters(context, sample_site):
    """A newsletter's ?utm_source=… or a social site's ?fbclid=… was read as a filter that
    no page has: 'No results' for a search that has some."""
    page, log = open_page(context, sample_site.url("/search/?q=sensor"))
    everything = result_links(page)
    page, log = open_page(context, sample_site.url("/search/?q=sensor&utm_source=newsletter&fbclid=abc"))
    page.wait_for_function(
        f"document.querySelectorAll('.pagefind-ui__result-link').length === {len(everything)}"
    )
    assert sorted(result_links(page)) == sorted(everything)
    assert not log.errors


def test_a_search_address_with_a_department_keeps_the_footer_shown(context, sample_site):
    """The directory hides its list and the footer while it filters as its address asks
    (?department=…); the search page's address names a department too, and its footer was
    hidden for 3 s, until the directory's time-out, on a page with no directory."""
    page = context.new_page()
    page.goto(sample_site.url("/search/?q=sensor&department=Service"), wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.classList.contains('js-filtering')")  # the early guess
    footer = "getComputedStyle(document.querySelector('.site-footer')).visibility"
    assert page.evaluate(footer) == "visible"
    directory = context.new_page()
    directory.route("**/directory.js", lambda route: route.abort())  # as if it had not run yet
    directory.goto(sample_site.url("/authors/?department=rnd"), wait_until="domcontentloaded")
    assert directory.evaluate(footer) == "hidden"


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_no_main_page_scrolls_sideways_on_the_narrowest_phone(name, browser, sample_site, main_pages):
    context = browser.new_context(viewport=NARROWEST)
    try:
        page, _ = open_main_page(context, sample_site, main_pages, name)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= NARROWEST["width"], f"{name}: {width} px wide: {page.evaluate(STICKING_OUT)}"
    finally:
        context.close()
