"""Gate: the sample network in a real browser (Debian's Chromium, driven by Playwright).

Search finds a post by a phrase of its text, at the root and from a sub-path; no main page
moves what it has drawn as its scripts and search results arrive; the directory filter
narrows the list, also to people who accept questions; feeds are discoverable; no page asks
another host for anything or logs an error; a post stays within its performance budget.
Screenshots of the main pages at 390 px and 1280 px, light and dark, go to
test-artifacts/screenshots/, the README's to docs/screenshots/.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote_plus, urlsplit

import pytest

from .support import (
    ARTIFACTS,
    MAIN_PAGES,
    README_SCREENSHOTS,
    READY_WHEN,
    ServedSite,
    SiteHandler,
    build_sample,
    open_main_page,
    open_page,
)

WIDTHS = {390: 844, 1280: 900}  # screenshot width -> viewport height (a phone, a laptop)
SCHEMES = ("light", "dark")
# The pages the README shows, each at both widths in both schemes (docs/screenshots/).
README_PAGES = ("home", "post", "directory", "profile", "subscribe", "search")
FEED_TYPES = {"application/atom+xml", "application/rss+xml", "application/feed+json"}
BUDGET_BYTES = 100 * 1024  # everything a post page transfers, images excepted
SCHEME_INIT_BYTES = 1024  # the one render-blocking script: the remembered colour scheme


# -- helpers ---------------------------------------------------------------------------------


def indexed_words(site: ServedSite, path) -> list[str]:
    """The words Pagefind indexes on a page: the text of its data-pagefind-body element,
    less what it ignores (a post's header and footer)."""
    bodies = site.page(str(path)).cssselect("[data-pagefind-body]")
    for body in bodies:
        for ignored in body.cssselect("[data-pagefind-ignore]"):
            ignored.drop_tree()
    return re.findall(r"[a-z]+", " ".join(b.text_content() for b in bodies).lower())


def distinctive_phrase(site: ServedSite, post_path: str) -> str:
    """Three words of the post's text, starting at a long word no other indexed page has."""
    others: set[str] = set()
    for page in site.output.rglob("*.html"):
        if page.parent != site.output / post_path.strip("/"):
            others.update(indexed_words(site, page.relative_to(site.output)))
    words = indexed_words(site, post_path)
    start = next(i for i, word in enumerate(words) if len(word) >= 7 and word not in others)
    return " ".join(words[start : start + 3])


def search_results(page) -> list[str]:
    """The URLs Pagefind's UI lists, once it has listed any."""
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
    return page.eval_on_selector_all(".pagefind-ui__result-link", "links => links.map(a => a.href)")


def search_from_header(context, site: ServedSite, phrase: str):
    """Type the phrase into the header's search box on the home page and submit it."""
    page, log = open_page(context, site.url("/"))
    page.fill("header [role=search] input[name=q]", phrase)
    with page.expect_navigation():
        page.press("header [role=search] input[name=q]", "Enter")
    return page, log


def hosts(urls: list[str]) -> set[str]:
    return {urlsplit(url).hostname for url in urls if urlsplit(url).scheme in ("http", "https")}


# -- search --------------------------------------------------------------------------------


def test_search_finds_a_post_by_a_phrase_of_its_text(context, sample_site, main_pages):
    post = main_pages["post"]
    phrase = distinctive_phrase(sample_site, post)
    page, log = search_from_header(context, sample_site, phrase)
    assert urlsplit(page.url).path == "/search/" and f"q={quote_plus(phrase)}" in page.url
    assert sample_site.url(post) in search_results(page), f"searched {phrase!r}"
    assert not log.errors


def test_search_works_when_the_site_is_served_from_a_sub_path(context, subpath_site, main_pages):
    post = main_pages["post"]
    phrase = distinctive_phrase(subpath_site, post)
    page, log = search_from_header(context, subpath_site, phrase)
    results = search_results(page)
    assert subpath_site.url(post) in results, f"searched {phrase!r}; results: {results}"
    outside = [url for url in log.requests if not url.startswith(subpath_site.base)]
    assert not outside, f"requests outside {subpath_site.base}: {outside}"
    with page.expect_navigation():
        page.click(f'.pagefind-ui__result-link[href="{urlsplit(subpath_site.url(post)).path}"]')
    assert page.url == subpath_site.url(post)
    assert not log.errors


def test_load_more_keeps_the_keyboard_where_it_was(context, sample_site):
    """Pressing "Load more" with the keyboard adds results and leaves the focus on the
    button, though the theme hides it with the placeholders of results still loading.
    (A word most posts have, so that more results remain after the second page.)"""
    page, log = open_page(context, sample_site.url("/search/?q=the"))
    page.wait_for_selector(READY_WHEN["search"], state="visible", timeout=15_000)
    shown = page.locator(".pagefind-ui__result").count()
    page.focus(".pagefind-ui__button")
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.pagefind-ui__result').length > {shown}")
    page.wait_for_selector(READY_WHEN["search"], state="visible", timeout=15_000)
    assert page.evaluate("document.activeElement.matches('.pagefind-ui__button')"), "focus lost"
    page.keyboard.press("Enter")  # and once more, from where the keyboard still is
    page.wait_for_function(f"document.querySelectorAll('.pagefind-ui__result').length > {2 * shown}")
    assert not log.errors


# Where each part of the search results was when it was first seen, kept on every frame, and
# the parts whose place has changed since (scrolling aside).
RECORD_FIRST_SEEN = """
window.firstSeen = [];
(function watch() {
  for (const part of document.querySelectorAll("#search .pagefind-ui__results-area, #search .pagefind-ui__result")) {
    if (part.firstSeenAt || !part.checkVisibility({visibilityProperty: true})) continue;
    const box = part.getBoundingClientRect();
    if (box.width && box.height) {
      part.firstSeenAt = [box.x, box.y + window.scrollY];
      window.firstSeen.push(part);
    }
  }
  requestAnimationFrame(watch);
})();
window.movedSinceSeen = () => window.firstSeen.filter(part => part.isConnected).map(part => {
  const box = part.getBoundingClientRect();
  return {part: part.className.split(" ")[0], text: part.textContent.slice(0, 40),
          seen: part.firstSeenAt, now: [box.x, box.y + window.scrollY]};
}).filter(move => Math.abs(move.seen[0] - move.now[0]) > 1 || Math.abs(move.seen[1] - move.now[1]) > 1);
"""


class SlowFiltersHandler(SiteHandler):
    """The site, with each of Pagefind's filter files 1.5 s late (a slow connection)."""

    def do_GET(self) -> None:
        if "/pagefind/filter/" in self.path:
            time.sleep(1.5)
        super().do_GET()


def test_search_waits_for_late_filters_without_moving(browser, sample_site, main_pages, serve):
    """On a slow connection the filters can come well after the results: the results area
    waits for them (search.js, a few seconds at most), so nothing in it moves when they come,
    on a phone (filters above the results) or a desktop (beside them)."""
    slow = ServedSite(sample_site.output, serve(sample_site.output, handler_class=SlowFiltersHandler))
    for width, height in LOAD_VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(RECORD_FIRST_SEEN)
        try:
            page, _ = open_main_page(context, slow, main_pages, "search")
            page.wait_for_selector(".pagefind-ui__filter-panel")
            page.wait_for_timeout(200)  # the frames after the filters came
            moved = page.evaluate("window.movedSinceSeen()")
            seen = page.evaluate("window.firstSeen.length")
        finally:
            context.close()
        assert seen, "the results were never seen"
        assert not moved, f"at {width} px, results moved as the filters came: {moved}"


VISIBLE_RESULT_LINKS = """() => [...document.querySelectorAll("#search .pagefind-ui__result-link")]
    .filter(link => link.checkVisibility({visibilityProperty: true})).length"""


def test_search_shows_the_other_results_when_one_never_arrives(context, sample_site, main_pages):
    """A result whose data is lost (a dropped connection, a site redeployed under an open
    tab) stays a placeholder: the results after it and "Load more" are shown all the same."""
    asked: list[str] = []

    def drop_the_second(route):
        asked.append(route.request.url)
        if len(asked) == 2:
            route.abort()
        else:
            route.continue_()

    context.route("**/pagefind/fragment/**", drop_the_second)
    page, _ = open_page(context, sample_site.url(main_pages["search"]))
    page.wait_for_function(f"({VISIBLE_RESULT_LINKS})() >= 4", timeout=15_000)
    assert page.locator(".pagefind-ui__button").is_visible(), "Load more stayed hidden"


# Every layout shift of the page as it loads (the Layout Instability API Lighthouse scores),
# with the elements that moved. A node Pagefind has since removed is described all the same.
RECORD_LAYOUT_SHIFTS = """
window.layoutShifts = [];
new PerformanceObserver(list => { for (const entry of list.getEntries()) {
  if (entry.hadRecentInput) continue;
  window.layoutShifts.push({score: entry.value, moved: entry.sources.map(source => {
    const node = source.node;
    const search = document.getElementById("search");
    return {
      element: node ? `${node.nodeName.toLowerCase()}.${String(node.className).split(" ")[0]}` : "?",
      inSearch: !!node && (!!search && search.contains(node) || String(node.className).includes("pagefind-ui")),
      from: [source.previousRect.x, source.previousRect.y], to: [source.currentRect.x, source.currentRect.y],
    };
  })});
}}).observe({type: "layout-shift", buffered: true});
"""


# Lighthouse calls a layout shift under 0.1 good; under this a reader sees nothing move. What
# is left below it: Chromium sometimes paints a page before it has parsed the whole header,
# and the right-aligned menu moves over when the search box arrives (0.004 seen).
UNSEEN_LAYOUT_SHIFT = 0.005
LOAD_VIEWPORTS = [(1350, 940), (390, 844)]  # Lighthouse's desktop, a phone


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_pages_load_without_moving_what_the_reader_sees(name, browser, sample_site, main_pages):
    """What scripts add after the first paint (the colour-scheme toggle, the directory's and
    the feeds' filters, copy buttons, search filters and results, each result first as a
    placeholder) must not push what is already on screen (Lighthouse scores layout shift;
    a jump under the pointer is a wrong click). Search is loaded several times, as the
    order in which Pagefind's pieces arrive varies, and nothing in its area may move."""
    for width, height in LOAD_VIEWPORTS:
        for attempt in range(3 if name == "search" else 1):
            context = browser.new_context(viewport={"width": width, "height": height})
            context.add_init_script(RECORD_LAYOUT_SHIFTS)
            try:
                page, _ = open_main_page(context, sample_site, main_pages, name)
                page.wait_for_timeout(200)  # a last frame for the observer to report
                shifts = page.evaluate("window.layoutShifts")
            finally:
                context.close()
            where = f"{main_pages[name]} at {width} px, load {attempt + 1}"
            in_search = [shift for shift in shifts if any(moved["inSearch"] for moved in shift["moved"])]
            assert not in_search, f"{where}: search moved {in_search}"
            assert sum(shift["score"] for shift in shifts) < UNSEEN_LAYOUT_SHIFT, f"{where}: {shifts}"


# The box of every element the page renders, in document order, and whether it is unseen
# (visibility: hidden, room kept for what a script will show); the search area aside
# (Pagefind's results are its scripts' to show), and null for what is not rendered (inside a
# closed disclosure, display: none).
ELEMENT_BOXES = """() => [...document.querySelectorAll("body *")]
  .filter(element => !element.closest("#search, script, noscript"))
  .map(element => {
    if (!element.checkVisibility()) return null;
    const box = element.getBoundingClientRect();
    return {element: element.nodeName.toLowerCase() + "." + String(element.className).split(" ")[0],
            box: [box.x, box.y, box.width, box.height],
            unseen: !element.checkVisibility({visibilityProperty: true}) && box.width * box.height > 0};
  })"""


def unseen_room(boxes: list) -> list:
    return [box for box in boxes if box and box["unseen"]]


@pytest.mark.parametrize("name", [name for name in MAIN_PAGES if name != "search"])
def test_script_controls_have_their_room_before_their_scripts_run(name, browser, sample_site, main_pages):
    """Each control a script shows (the colour-scheme toggle, filters, copy buttons) is laid
    out before the script runs, and what it replaces is gone: the page with its scripts held
    back (all but the one that runs before the first paint) is laid out exactly as once they
    have run. The layout-shift gate above sees a late script only when the browser happens
    to paint first; this sees it every time. Once the scripts ran no room is left empty, and
    with JavaScript off none is kept: the links the controls replace are shown instead."""
    url = sample_site.url(main_pages[name])
    for width, height in LOAD_VIEWPORTS:
        held_back, run, off = (
            element_boxes(browser, url, width, height, scripts) for scripts in ("held back", "run", "off")
        )
        assert len(held_back) == len(run)
        moved = [
            (before, after)
            for before, after in zip(held_back, run, strict=True)
            if (before and before["box"]) != (after and after["box"])
        ]
        assert not moved, f"{url} at {width} px: boxes before and after the scripts ran: {moved[:5]}"
        assert not unseen_room(run), f"{url} at {width} px: left unseen by its script: {unseen_room(run)}"
        assert not unseen_room(off), f"{url} at {width} px without JavaScript: {unseen_room(off)}"


def element_boxes(browser, url: str, width: int, height: int, scripts: str) -> list:
    """ELEMENT_BOXES of the page with its scripts "run", "held back" (all but the colour
    scheme's, which runs before the first paint) or "off" (JavaScript disabled)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=scripts != "off"
    )
    if scripts == "held back":
        context.route(
            re.compile(r".*\.js(\?.*)?$"),
            lambda route: (
                route.continue_() if route.request.url.endswith("/scheme-init.js") else route.abort()
            ),
        )
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        return page.evaluate(ELEMENT_BOXES)
    finally:
        context.close()


# -- the directory ---------------------------------------------------------------------------


VISIBLE_PEOPLE = """() => new Set([...document.querySelectorAll('[data-directory] .person')]
    .filter(person => person.offsetParent !== null).map(person => person.dataset.author)).size"""


def test_directory_filter_narrows_the_list(context, sample_site):
    page, log = open_page(context, sample_site.url("/authors/"))
    total = page.evaluate(VISIBLE_PEOPLE)  # people, not cards: one may sit in two departments
    department = page.locator("[data-directory-filter] select[name=department]")
    assert department.is_visible(), "the in-place filter should be shown when JavaScript runs"
    choice = department.locator("option").nth(1).get_attribute("value")
    department.select_option(choice)
    shown = page.evaluate(VISIBLE_PEOPLE)
    assert 0 < shown < total, (choice, shown, total)
    groups = page.eval_on_selector_all(
        "[data-directory] .directory-group:not([hidden])", "groups => groups.map(g => g.dataset.department)"
    )
    assert groups == [choice]
    assert f"{shown} of {total}" in page.locator("[data-directory-filter] [role=status]").inner_text()
    assert f"department={choice}" in page.url, "the filtered view should be shareable"
    page.click("[data-directory-filter] button[type=reset]")
    page.wait_for_function(f"({VISIBLE_PEOPLE})() === {total}")
    assert not log.errors


VISIBLE_IN = """selector => [...document.querySelectorAll(selector)]
    .filter(item => item.offsetParent !== null).map(item => item.dataset.author)"""


def test_directory_filter_narrows_former_contributors_and_who_accepts_questions(context, sample_site):
    """The two lists below the departments' groups stayed whole: a filter for R&D still
    showed a former Service guest and everyone who accepts questions."""
    directory = sample_site.page("/authors/")
    everyone = {
        p.get("data-author"): p.get("data-departments").split() for p in directory.cssselect(".person")
    }
    former = [p.get("data-author") for p in directory.cssselect("#former-contributors .person")]
    asking = [li.get("data-author") for li in directory.cssselect("#accepts-questions li")]
    assert former and asking
    page, log = open_page(context, sample_site.url("/authors/"))
    assert sorted(page.evaluate(VISIBLE_IN, "#former-contributors .person")) == sorted(former)
    for department in sorted({d for ds in everyone.values() for d in ds}):
        page.locator("[data-directory-filter] select[name=department]").select_option(department)
        shown = set(page.evaluate(VISIBLE_IN, "[data-directory] .person"))
        assert page.evaluate(VISIBLE_IN, "#former-contributors .person") == [
            a for a in former if department in everyone[a]
        ], department
        assert page.evaluate(VISIBLE_IN, "#accepts-questions li") == [a for a in asking if a in shown], (
            department
        )
    assert not log.errors


def test_directory_filter_shows_people_who_accept_questions(context, sample_site):
    page, log = open_page(context, sample_site.url("/authors/"))
    total = page.evaluate(VISIBLE_PEOPLE)
    page.locator("[data-directory-filter] select[name=questions]").select_option("yes")
    shown = page.evaluate(VISIBLE_PEOPLE)
    listed = len(sample_site.page("/authors/").cssselect("#accepts-questions li"))
    assert 0 < shown == listed < total, (shown, listed, total)
    kinds = page.eval_on_selector_all(
        "[data-directory] .person:not([hidden])", "people => people.map(p => p.dataset.questions)"
    )
    assert set(kinds) == {"yes"}
    assert "questions=yes" in page.url, "the filtered view should be shareable"
    assert not log.errors


@pytest.mark.parametrize("query", ["department=sales", "questions=yes"])
def test_a_shared_filtered_directory_opens_filtered_without_a_flash(query, browser, sample_site):
    """An address that filters the directory (shared from the form) opens with the list
    already filtered: it is not drawn whole first and then collapsed (a layout shift of
    0.46 before)."""
    context = browser.new_context(viewport={"width": 1350, "height": 940})
    context.add_init_script(RECORD_LAYOUT_SHIFTS)

    def late(route):
        time.sleep(0.5)  # the page is drawn before directory.js runs, as on a slow connection
        route.continue_()

    context.route("**/js/directory.js", late)
    try:
        page, log = open_page(context, sample_site.url(f"/authors/?{query}"))
        page.wait_for_function("!document.documentElement.classList.contains('js-filtering')")
        page.wait_for_timeout(200)  # a last frame for the observer to report
        shifts = page.evaluate("window.layoutShifts")
        shown, everyone = page.evaluate(VISIBLE_PEOPLE), len(sample_site.network()["authors"])
        visible = page.locator("[data-directory]").is_visible()
    finally:
        context.close()
    assert visible and 0 < shown < everyone, (shown, everyone)
    assert sum(shift["score"] for shift in shifts) < UNSEEN_LAYOUT_SHIFT, shifts
    assert not log.errors


# -- feeds -----------------------------------------------------------------------------------


FETCH_ALL = """hrefs => Promise.all(hrefs.map(href => fetch(href).then(async response =>
    [href, response.status, (await response.text()).slice(0, 400)])))"""


@pytest.mark.parametrize("name", ["home", "post", "profile", "department", "tag"])
def test_pages_announce_their_feeds(name, context, sample_site, main_pages):
    page, _ = open_page(context, sample_site.url(main_pages[name]))
    links = page.eval_on_selector_all(
        "head link[rel=alternate][type]", "links => links.map(l => [l.type, l.href])"
    )
    assert {kind for kind, _ in links} >= FEED_TYPES, f"autodiscovery links: {links}"
    fetched = page.evaluate(FETCH_ALL, [href for kind, href in links if kind in FEED_TYPES])
    assert all(status == 200 for _, status, _ in fetched), [(href, status) for href, status, _ in fetched]


def test_subscribe_page_offers_the_network_opml(context, sample_site):
    page, _ = open_page(context, sample_site.url("/subscribe/"))
    opml_links = page.eval_on_selector_all('a[href$=".opml"]', "links => links.map(a => a.href)")
    assert sample_site.url("/feeds/network.opml") in opml_links, opml_links
    ((_, status, text),) = page.evaluate(FETCH_ALL, [sample_site.url("/feeds/network.opml")])
    assert status == 200 and "<opml" in text


# -- every main page: own host only, no errors, screenshots ----------------------------------


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_page_stays_local_and_error_free(name, browser, sample_site, main_pages):
    context = browser.new_context(viewport={"width": 1280, "height": WIDTHS[1280]}, color_scheme="light")
    try:
        page, log = open_main_page(context, sample_site, main_pages, name)
        screenshot(page, name)
        assert hosts(log.requests) == {"127.0.0.1"}, f"requests to other hosts: {log.requests}"
        assert not log.errors, log.errors
    finally:
        context.close()


def screenshot(page, name: str) -> None:
    """Full-page PNGs at each width in each scheme; for the README's pages also what the
    first screen shows (docs/screenshots/NAME-WIDTH-SCHEME.png)."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for width, height in sorted(WIDTHS.items(), reverse=True):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_load_state("networkidle")  # a narrower layout may pick other images
            shot = f"{name}-{width}-{scheme}.png"
            page.screenshot(path=folder / shot, full_page=True, animations="disabled")
            if name in README_PAGES:
                README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=README_SCREENSHOTS / shot, animations="disabled")


# -- performance budget ----------------------------------------------------------------------


RENDER_BLOCKING = """() => ({
  stylesheets: [...document.head.querySelectorAll('link[rel~=stylesheet]')]
    .filter(l => !l.media || matchMedia(l.media).matches).map(l => l.href),
  scripts: [...document.head.querySelectorAll('script[src]:not([async]):not([defer]):not([type=module])')]
    .map(s => s.src),
})"""


def largest_post(site: ServedSite) -> str:
    pages = [site.output / post["url"].strip("/") / "index.html" for post in site.network()["posts"]]
    return "/" + str(max(pages, key=lambda p: p.stat().st_size).parent.relative_to(site.output)) + "/"


def test_post_page_meets_its_performance_budget(context, sample_site):
    post = largest_post(sample_site)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(sample_site.url(post), wait_until="networkidle")
    blocking = page.evaluate(RENDER_BLOCKING)
    # One blocking script is allowed: the colour scheme's, which must run before the first
    # paint (docs/theme.md) and stays tiny. One stylesheet, and the brand's (accent, font)
    # beside it on a branded network such as the demo.
    scripts = [s for s in blocking["scripts"] if not s.endswith("/theme/js/scheme-init.js")]
    sheets = [s for s in blocking["stylesheets"] if not s.endswith("/theme/brand/brand.css")]
    assert len(sheets) <= 1 and not scripts, f"{post}: render-blocking {blocking}"
    assert (sample_site.output / "theme/js/scheme-init.js").stat().st_size < SCHEME_INIT_BYTES
    sizes = {
        r.url: r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
        for r in finished
        if r.resource_type != "image"
    }
    total = sum(sizes.values())
    assert total < BUDGET_BYTES, f"{post}: {total} bytes without images (budget {BUDGET_BYTES}): {sizes}"


def test_search_merges_the_bundles_of_a_network_indexed_in_batches(context, tmp_path, serve):
    """A network larger than one Pagefind batch is indexed in several bundles; the search page
    finds posts in every one of them (and each batch's memory stays bounded)."""
    output = tmp_path / "output"
    base = serve(output)
    build_sample(output, SITE_SEARCH_BATCH_PAGES=20)
    site = ServedSite(output, base)
    parts = sorted(p.name for p in (output / "pagefind").glob("part-*"))
    assert parts == ["part-1", "part-2", "part-3"], parts
    last_bundle_post = max(
        str(p.relative_to(output).parent) + "/" for p in (output / "posts").glob("*/*/index.html")
    )
    phrase = distinctive_phrase(site, last_bundle_post)
    page, log = search_from_header(context, site, phrase)
    assert site.url(last_bundle_post) in search_results(page), f"searched {phrase!r}"
    assert not log.errors
