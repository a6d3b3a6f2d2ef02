"""Ownership GitHub honours: registry handles in CODEOWNERS, editors where a handle is missing."""

from __future__ import annotations

import yaml

from chorus.conf import PROJECT_ROOT
from conftest import BOB, load_model
from plugins.network.codeowners import render_codeowners
from plugins.network.rules import run_rules

EDITORS = {"CHORUS_EDITORS": ["@acme/editors"], "CHORUS_DEPARTMENT_EDITORS": {"sales": ["@acme/sales"]}}


def test_a_handle_must_be_a_github_user_name(site):
    site.write("authors/bob.yml", BOB + "github: bob_quote\n")
    problems = [str(p) for p in load_model(site).unreadable]
    assert problems == [
        "authors/bob.yml:7: error: 'github': must be a GitHub user name like 'li-wei-halvard' (letters, digits, single hyphens), found 'bob_quote'"
    ]
    for bad in ("-bob", "bob--quote", "b" * 40):
        site.write("authors/bob.yml", BOB + f"github: {bad}\n")
        assert load_model(site).unreadable, bad
    site.write("authors/bob.yml", BOB + 'github: "@Bob-Quote2"\n')  # YAML needs quotes around '@'
    assert load_model(site).network.authors["bob"].github == "Bob-Quote2"


def test_codeowners_names_handles_and_falls_back_to_editors(site):
    site.write("authors/bob.yml", BOB + "github: bob-quote\n")
    model = load_model(site, **EDITORS)
    text = render_codeowners(model.network, model.settings)
    assert (
        "/content/bob/ @bob-quote @acme/sales\n" in text and "/authors/bob.* @bob-quote @acme/sales\n" in text
    )
    # alice has no handle and her department no editors: the site's editors review her folder
    assert "/content/alice/ @acme/editors\n" in text
    # e-mail addresses and profile links are not handles GitHub asks for reviews
    assert "@example.com" not in text


def test_a_leaving_author_hands_their_folder_to_the_editors(site):
    site.write("authors/bob.yml", BOB + "github: bob-quote\nuntil: 2026-12-31\n")
    model = load_model(site, **EDITORS)
    text = render_codeowners(model.network, model.settings)
    assert "/content/bob/ @acme/sales\n" in text and "@bob-quote" not in text


def test_check_warns_about_each_current_author_without_a_handle(site):
    site.write("authors/bob.yml", BOB + "github: bob-quote\n")
    site.write("authors/gina.yml", (site.root / "authors/gina.yml").read_text() + "until: 2026-01-31\n")
    model = load_model(site, **EDITORS)
    warnings = [str(p) for p in run_rules(model) if p.rule == "codeowners" and p.level == "warning"]
    assert warnings == [
        "authors/alice.yml: warning: no 'github:' handle, so CODEOWNERS asks @acme/editors to review content/alice/ instead; add 'github: <their GitHub user name>'"
    ]
    # a site that does not use CODEOWNERS is not nagged
    assert not [p for p in run_rules(load_model(site)) if p.rule == "codeowners"]


def test_the_networks_codeowners_names_every_current_author_by_handle():
    text = (PROJECT_ROOT / ".github/CODEOWNERS").read_text()
    for path in sorted((PROJECT_ROOT / "authors").glob("*.yml")):
        entry = yaml.safe_load(path.read_text())
        line = next(line for line in text.splitlines() if line.startswith(f"/content/{path.stem}/ "))
        if "until" in entry:
            assert "@example-" not in line, line
        else:
            assert line.split()[1] == "@" + entry["github"], line
