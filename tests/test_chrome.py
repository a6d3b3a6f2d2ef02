"""The site's chrome on every page: header (brand, menu, scheme toggle), scripts, type."""

from __future__ import annotations

from conftest import png_bytes


def test_header_has_brand_menu_disclosure_and_a_hidden_scheme_toggle(site):
    site.write("logo.png", png_bytes((300, 100)))
    output = site.build(BRAND_LOGO="logo.png", SITENAME="Acme Voices", CHORUS_COMPANY="Acme Meters")
    for path in ("index.html", "authors/index.html", "posts/alice/hello/index.html", "404.html"):
        page = site.page(path)
        brand = page.cssselect("header.site-header a.brand")[0]
        assert brand.cssselect("img.brand-logo")[0].get("alt") == "Acme Meters", path
        assert brand.cssselect(".brand-name")[0].text_content() == "Acme Voices", path
        # The menu works without JavaScript: a native disclosure holding search and navigation.
        menu = page.cssselect("header details.site-menu")[0]
        assert menu.cssselect("summary")[0].text_content().strip() == "Menu"
        assert menu.cssselect('nav[aria-label="Main"] a[href="/authors/"]'), path
        assert menu.cssselect("form[role=search]"), path
        # Without JavaScript the toggle is not offered: the system setting is followed.
        toggle = page.cssselect("header button[data-scheme-toggle]")[0]
        assert toggle.get("hidden") is not None and toggle.get("aria-label") == "Colour scheme: Auto"
    assert (output / "theme/js/scheme-init.js").is_file() and (output / "theme/js/chrome.js").is_file()


def test_no_page_has_an_inline_script_and_the_scheme_is_set_before_the_stylesheet(site):
    output = site.build()
    for path in output.rglob("*.html"):
        page = site.page(path.relative_to(output).as_posix())
        for script in page.cssselect("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path
    head = site.page("index.html").cssselect("head")[0]
    order = [e.get("src") or e.get("href") for e in head if e.tag in ("script", "link")]
    init = order.index("/theme/js/scheme-init.js")
    assert init < order.index("/theme/css/chorus.css")
    init_tag = head.cssselect('script[src="/theme/js/scheme-init.js"]')[0]
    assert init_tag.get("defer") is None and init_tag.get("async") is None  # blocking: before paint


def test_stylesheet_has_a_type_scale_and_dark_rules_for_the_toggle_and_the_system(site):
    output = site.build(BRAND_COLOR="#e8590c")
    css = (output / "theme/css/chorus.css").read_text(encoding="utf-8")
    assert "--step-4" in css and "font-size: var(--step-4)" in css
    assert ':root[data-theme="dark"] {' in css and ':root:not([data-theme="light"]) {' in css
    brand = (output / "theme/brand/brand.css").read_text(encoding="utf-8")
    assert ':root[data-theme="dark"] {' in brand and ':root:not([data-theme="light"])' in brand
