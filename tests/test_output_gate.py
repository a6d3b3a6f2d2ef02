"""The output gate: no error-level policy term leaves the build, whatever produced it.

Most tests write a few built files by hand and run the gate on them; a handful build.
"""

from __future__ import annotations

import gzip
import io
import json

import pytest
from PIL import Image, PngImagePlugin

from chorus.build import load_settings
from chorus.check import run_check
from chorus.conf import PROJECT_ROOT
from chorus.gate import OutputGate
from conftest import GINA, NOW, SAMPLE_AS_OF, post
from plugins.network.policy import load_policy
from plugins.network.state import BuildState

POLICY = """\
rules:
  - id: customer-names
    severity: error
    message: name customers only with written consent
    terms: [Acme Water Works, Nordchem]
  - id: forecasts
    severity: warning
    message: forecasts need sign-off
    terms: [revenue forecast]
  - id: guest-pricing
    severity: error
    audience: guests
    message: guests do not quote prices
    terms: [discount]
"""
CUSTOMER = "error: name customers only with written consent"
UNTRACED = "not from a post, page or registry entry: look in the settings and the theme"


@pytest.fixture
def gated(site):
    site.write("policy.yml", POLICY)
    return site


def gate_problems(site, files: dict[str, str | bytes], owners: dict[str, str] | None = None) -> list[str]:
    """Run the gate on hand-written built files, shown as if they were in output/."""
    built = site.root / "built"
    for relative, data in files.items():
        path = built / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    state = BuildState(load_settings(site.root, None, {"CHORUS_NOW": NOW}))
    policy = load_policy(site.root / "policy.yml", site.root, set(state.site.network.departments))
    gate = OutputGate(state.site, policy, owners or {})
    return sorted(str(p) for p in gate.check(built, site.output, site.root))


def page(body: str) -> str:
    return f'<!doctype html>\n<html lang="en"><head><title>T</title></head><body>{body}</body></html>\n'


# --- What the gate reads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "<p>We met Nordchem.</p>",
        "<p>We met Nord<b></b>chem.</p>",  # empty element inside the word
        "<p>We met Nord<!-- -->chem.</p>",
        "<p>We met Nord&#99;hem.</p>",
        "<p>We met Nord&shy;chem.</p>",
        "<p>We met Nord\u200bchem.</p>",
        "<p>We met \uff2e\uff4f\uff52\uff44\uff43\uff48\uff45\uff4d.</p>",
        "<table><tr><td>Acme<br>Water Works</td></tr></table>",  # a term across a <br> in a cell
        '<p><img src="x.png" alt="Nord&#99;hem plant"></p>',  # an attribute value
        '<p><a href="https://nordchem.example/">a partner</a></p>',
        '<script type="application/ld+json">{"name": "Acme Water Works"}</script>',
    ],
)
def test_html_text_and_attributes_are_read(gated, body):
    assert gate_problems(gated, {"index.html": page(body)}) == [
        f"output/index.html: {CUSTOMER} (in the text of the built file, {UNTRACED})"
    ]


def test_escaped_markup_in_feeds_is_read_as_markup(gated):
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        '<content type="html">&lt;p&gt;Nord&lt;b&gt;&lt;/b&gt;chem&lt;/p&gt;</content></entry></feed>'
    )
    assert gate_problems(gated, {"feeds/all.atom.xml": feed}) == [
        f"output/feeds/all.atom.xml: {CUSTOMER} (in the text of the built file, {UNTRACED})"
    ]


def test_json_strings_are_read(gated):
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [{"content_html": "<p>Nord<i></i>chem</p>"}],
    }
    assert gate_problems(gated, {"feeds/all.json": json.dumps(feed)}) == [
        f"output/feeds/all.json: {CUSTOMER} (in the text of the built file, {UNTRACED})"
    ]


def test_search_fragments_are_decompressed_and_read(gated):
    fragment = {"url": "/about/", "content": "Our partners. Acme Water Works.", "meta": {"title": "About"}}
    data = gzip.compress(b"pagefind_dcd" + json.dumps(fragment).encode())
    assert gate_problems(gated, {"pagefind/fragment/en_1.pf_fragment": data}) == [
        f"output/pagefind/fragment/en_1.pf_fragment: {CUSTOMER} (in the search index of the built file, {UNTRACED})"
    ]


def png_with_text(**chunks: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
    info.add_text("Comment", "compressed: Nordchem", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def test_png_text_chunks_are_read(gated):
    owners = {"media/bob/plant.png": "content/bob/plant.png"}
    gated.write("content/bob/plant.png", png_with_text())
    assert gate_problems(gated, {"media/bob/plant.png": png_with_text()}, owners) == [
        f"output/media/bob/plant.png: {CUSTOMER} (in the image metadata of the built file, written for content/bob/plant.png)"
    ]


def test_jpeg_exif_and_comments_are_read(gated):
    exif = Image.Exif()
    exif[0x010E] = "Plant of Acme Water Works"  # ImageDescription
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG", exif=exif, comment=b"nothing here")
    assert gate_problems(gated, {"media/a.jpg": buffer.getvalue()}) == [
        f"output/media/a.jpg: {CUSTOMER} (in the image metadata of the built file, {UNTRACED})"
    ]


def test_pdf_metadata_is_read(gated):
    utf16 = "Nordchem".encode("utf-16-be").hex().upper()
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Title (Quarterly \\(draft\\)) /Author <FEFF"
        + utf16.encode()
        + b"> >>\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%EOF\n"
    )
    assert gate_problems(gated, {"media/report.pdf": pdf}) == [
        f"output/media/report.pdf: {CUSTOMER} (in the PDF metadata of the built file, {UNTRACED})"
    ]


def test_file_names_are_read(gated):
    assert gate_problems(gated, {"media/acme-water-works/plant.txt": "fine"}) == [
        f"output/media/acme-water-works/plant.txt: {CUSTOMER} (in the file name of the built file, {UNTRACED})"
    ]


def test_only_error_rules_for_everyone_are_enforced(gated):
    # A warning, and a rule for guests only (the gate cannot tell who wrote a built text).
    assert gate_problems(gated, {"index.html": page("<p>Our revenue forecast and a discount.</p>")}) == []


def test_clean_output_passes(gated):
    assert gate_problems(gated, {"index.html": page("<p>Nordchemistry is fine.</p>"), "a.css": "p{}"}) == []


# --- Reviewed exceptions, scoped to what they cover -------------------------------------------------

ALLOWED_POST = post(
    "Our Nordchem visit", Policy_Allow="customer-names — consent on file (ED-12)", body="Nordchem."
)
OWNERS = {"posts/bob/x/index.html": "content/bob/x.md", "posts/bob/y/index.html": "content/bob/y.md"}


def card(url: str, title: str) -> str:
    return f'<article class="card"><h3><a href="{url}">{title}</a></h3><p class="post-meta">…</p></article>'


def test_a_posts_exception_holds_in_its_page_card_feed_entry_and_fragment(gated):
    gated.write("content/bob/x.md", ALLOWED_POST)
    gated.write("content/bob/y.md", post("Other"))
    entry = '<entry><title>Our Nordchem visit</title><link href="https://example.com/posts/bob/x/"/></entry>'
    fragment = {"url": "/posts/bob/x/", "content": "Our Nordchem visit. Nordchem."}
    files = {
        "posts/bob/x/index.html": page("<h1>Our Nordchem visit</h1><p>Nordchem.</p>"),
        "index.html": page(card("/posts/bob/x/", "Our Nordchem visit") + card("/posts/bob/y/", "Other")),
        "feeds/network/atom.xml": f'<feed xmlns="http://www.w3.org/2005/Atom">{entry}</feed>',
        "feeds/all.json": json.dumps(
            {"items": [{"url": "https://example.com/posts/bob/x/", "title": "Nordchem"}]}
        ),
        "pagefind/fragment/en_x.pf_fragment": gzip.compress(b"pagefind_dcd" + json.dumps(fragment).encode()),
    }
    assert gate_problems(gated, files, OWNERS) == []


def test_the_same_term_elsewhere_still_fails(gated):
    gated.write("content/bob/x.md", ALLOWED_POST)
    gated.write("content/bob/y.md", post("Other"))
    files = {
        "index.html": page(card("/posts/bob/x/", "Our visit") + "<p>Nordchem, outside any card.</p>"),
        "topics/a/index.html": page(card("/posts/bob/y/", "Nordchem again")),
        "posts/bob/y/index.html": page("<p>Nordchem</p>"),
    }
    assert gate_problems(gated, files, OWNERS) == [
        f"output/index.html: {CUSTOMER} (in the text of the built file, {UNTRACED})",
        f"output/posts/bob/y/index.html: {CUSTOMER} (in the text of the built file, written for content/bob/y.md)",
        f"output/topics/a/index.html: {CUSTOMER} (in the text of the built file, written for content/bob/y.md)",
    ]


GINA_AT_CUSTOMER = GINA.replace("affiliation: Nordlicht University", "affiliation: Nordchem Research")


def test_a_registry_exception_holds_for_that_entrys_own_values(gated):
    gated.write(
        "authors/gina.yml", GINA_AT_CUSTOMER + "policy-allow: customer-names — consent on file (ED-7)\n"
    )
    files = {
        "authors/gina/index.html": page("<p>Gina Guest, <span>Nordchem&nbsp;Research</span></p>"),
        "network.json": json.dumps({"authors": [{"id": "gina", "affiliation": "Nordchem Research"}]}),
        "index.html": page("<p>Nordchem sponsors us.</p>"),
    }
    assert gate_problems(gated, files) == [
        f"output/index.html: {CUSTOMER} (in the text of the built file, {UNTRACED})"
    ]


def test_a_registry_value_without_an_exception_is_traced_to_its_entry(gated):
    gated.write("authors/gina.yml", GINA_AT_CUSTOMER)
    assert gate_problems(gated, {"authors/gina/index.html": page("<p>Nordchem Research</p>")}) == [
        f"output/authors/gina/index.html: {CUSTOMER} (in the text of the built file, from authors/gina.yml)"
    ]


# --- Builds ---------------------------------------------------------------------------------------


def snapshot(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_setting_that_leaks_fails_the_build_and_keeps_the_previous_output(gated):
    before = snapshot(gated.build())
    problems = gated.problems(SITENAME="Nordchem Voices")
    assert f"output/index.html: {CUSTOMER} (in the text of the built file, {UNTRACED})" in problems
    assert (
        f"output/feeds/network/atom.xml: {CUSTOMER} (in the text of the built file, {UNTRACED})" in problems
    )
    assert all("Nordchem" not in p for p in problems)
    assert snapshot(gated.output) == before, "the previous output is untouched, byte for byte"


def test_an_allowed_post_builds_and_the_term_elsewhere_fails(gated):
    gated.write("content/bob/x.md", ALLOWED_POST)
    output = gated.build()
    assert "Nordchem" in (output / "posts/bob/x/index.html").read_text(encoding="utf-8")
    assert "Nordchem" in (output / "feeds/network/atom.xml").read_text(encoding="utf-8")
    problems = gated.problems(SITESUBTITLE="Notes from Nordchem")
    assert f"output/index.html: {CUSTOMER} (in the text of the built file, {UNTRACED})" in problems
    assert not any(p.startswith("output/posts/bob/x/index.html") for p in problems), "its own page"


def test_the_gate_can_be_turned_off(gated):
    gated.build(SITENAME="Nordchem Voices", CHORUS_OUTPUT_GATE=False)
    assert "Nordchem" in (gated.output / "index.html").read_text(encoding="utf-8")


def test_the_sample_network_passes_check_and_the_gate(sample_output):
    report = run_check(PROJECT_ROOT, overrides={"CHORUS_NOW": SAMPLE_AS_OF})
    assert report.errors == []
    assert [str(p) for p in report.problems if p.path == "authors/gareth-owens.yml"] == [
        "authors/gareth-owens.yml:13: info: allowed by policy-allow: the cooperative consented in writing"
        " to being named as Gareth's employer (editorial ticket ED-2025-014)"
    ]
    # Built strictly with the gate on: the reviewed affiliation is published where it belongs.
    profile = (sample_output / "authors/gareth-owens/index.html").read_text(encoding="utf-8")
    assert "Rivermouth Valley Water Cooperative" in profile
