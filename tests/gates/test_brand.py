"""Gate: a branded site (logo, accent, font, footer links) stays valid HTML and passes axe, light and dark."""

from __future__ import annotations

import pytest

from conftest import png_bytes

from .test_accessibility import axe_violations
from .test_html_validity import check_html
from .test_html_validity import describe as describe_html

BRAND = {
    "BRAND_LOGO": "logo.png",
    "BRAND_COLOR": "#e8590c",  # too light for text on white as it is: the darker variant must be used
    "BRAND_FONT": "DejaVu Sans",
    "BRAND_FOOTER_LINKS": {"Imprint": "https://acme.example/imprint"},
}


@pytest.fixture
def branded(site, serve):
    site.write("logo.png", png_bytes((300, 100), (20, 60, 140)))
    output = site.build(**BRAND)
    return output, serve(output)


def test_a_branded_site_is_valid_html(vnu_command, branded):
    output, _ = branded
    pages = sorted(output.rglob("*.html"))
    errors = [describe_html(m, output) for m in check_html(vnu_command, pages)]
    assert not errors, f"{len(errors)} Nu Html Checker errors:\n" + "\n".join(errors)


def test_a_branded_site_has_no_axe_violations_in_light_and_dark(axe_script, context, branded):
    _, base = branded
    violations = []
    for path in ("", "posts/alice/hello/", "authors/alice/", "authors/"):
        page = context.new_page()
        try:
            page.goto(base + path)
            violations += [f"/{path} {line}" for line in axe_violations(page, axe_script)]
        finally:
            page.close()
    assert not violations, "\n".join(violations)
