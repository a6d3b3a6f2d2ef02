"""Gate: axe-core reports no WCAG 2.1 A/AA violations on the main pages, light and dark."""

from __future__ import annotations

import pytest

from .support import LANGUAGES, MAIN_PAGES, open_main_page

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only violations: collecting the passing checks too doubles the run on long pages.
    "resultTypes": ["violations"],
}


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}" + (
        f" (+{more} more)" if more > 0 else ""
    )


def axe_violations(page, axe_script, schemes=("light", "dark")) -> list[str]:
    """axe's violations on an open page in each colour scheme, restyled in place (one load),
    each line starting with its scheme."""
    page.add_script_tag(path=str(axe_script))
    violations = []
    for scheme in schemes:
        page.emulate_media(color_scheme=scheme)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        violations += [f"{scheme}: {describe(v)}" for v in results["violations"]]
    return violations


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", MAIN_PAGES)
def test_no_axe_violations_in_light_and_dark(name, lang, axe_script, context, site_in):
    # One load per page, both colour schemes: the page is re-styled in place, not reloaded.
    site, main_pages = site_in(lang)
    page, _ = open_main_page(context, site, main_pages, name)
    page.add_script_tag(path=str(axe_script))
    violations, backgrounds = [], set()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        violations += [f"{scheme}: {describe(v)}" for v in results["violations"]]
    assert len(backgrounds) == 2, "the dark scheme should restyle the page"
    assert not violations, f"{main_pages[name]}:\n" + "\n".join(violations)
