"""The author and department registries: every mistake named with file and line."""

from __future__ import annotations

import dataclasses
import json

import pytest
from gates.support import require

from conftest import ALICE, DEPARTMENTS, GINA, png_bytes


def test_valid_registry_builds_and_lists_everyone(site):
    site.build()
    index = site.index()
    assert [a["id"] for a in index["authors"]] == ["alice", "bob", "gina"]
    gina = next(a for a in index["authors"] if a["id"] == "gina")
    assert gina["kind"] == "guest" and gina["affiliation"] == "Nordlicht University"
    assert [d["id"] for d in index["departments"]] == ["service", "sales"]


def test_missing_required_field(site):
    site.write("authors/bob.yml", "name: Bob\nkind: expert\ndepartment: sales\nexpertise: [x]\nbio: hi\n")
    assert site.problems() == ["authors/bob.yml:1: error: missing required field 'title'"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-02-30", "'2026-02-30' is not a date (day is out of range for month)"),
        ("2019-03-04 25:00:00", "'2019-03-04 25:00:00' is not a date (hour must be in 0..23)"),
    ],
)
def test_a_date_yaml_cannot_make_is_named_at_its_place_by_check_and_build(site, value, expected):
    site.write("authors/alice.yml", ALICE + f"until: {value}\n")
    line = f"authors/alice.yml:9:8: error: {expected}"
    assert site.check() == [line]
    assert site.problems() == [line]


def test_unknown_field_suggests_the_closest(site):
    site.write("authors/bob.yml", BOB_WITH("titel: Boss\n"))
    assert site.problems() == ["authors/bob.yml:7: error: unknown field 'titel' (did you mean 'title'?)"]


def BOB_WITH(extra: str) -> str:
    from conftest import BOB

    return BOB + extra


def test_unknown_department_in_author(site):
    site.write("authors/bob.yml", BOB_WITH("").replace("department: sales", "department: slaes"))
    assert site.problems() == [
        "authors/bob.yml:4: error: 'department': unknown department 'slaes' (did you mean 'sales'?)"
    ]


def test_unknown_kind(site):
    site.write("authors/bob.yml", BOB_WITH("").replace("kind: expert", "kind: staff"))
    assert site.problems() == [
        "authors/bob.yml:2: error: 'kind': 'staff' is not a kind (expected one of: expert, guest)"
    ]


def test_guest_needs_affiliation(site):
    registry = (site.root / "authors/gina.yml").read_text().splitlines()
    site.write(
        "authors/gina.yml", "\n".join(line for line in registry if not line.startswith("affiliation")) + "\n"
    )
    assert site.problems() == ["authors/gina.yml:1: error: missing required field 'affiliation'"]


def test_duplicate_key_is_an_error_not_a_silent_override(site):
    site.write("authors/bob.yml", BOB_WITH("kind: guest\n"))
    assert site.problems() == ["authors/bob.yml:7: error: 'kind' is given twice (first on line 2)"]


def test_yaml_aliases_are_refused(site):
    site.write("authors/bob.yml", BOB_WITH("links: &a {website: 'https://a.example'}\n"))
    assert site.problems() == [
        "authors/bob.yml:7:8: error: invalid YAML: anchors and aliases are not allowed in registry files"
    ]


def test_python_object_tags_are_refused(site):
    site.write("authors/bob.yml", BOB_WITH('website: !!python/object/apply:os.system ["echo pwned"]\n'))
    problems = site.problems()
    assert len(problems) == 1 and problems[0].startswith("authors/bob.yml:7:")
    assert "python/object/apply:os.system" in problems[0] and "is not allowed" in problems[0]


def test_link_must_be_known_and_http(site):
    site.write(
        "authors/bob.yml", BOB_WITH("links:\n  linkedn: https://x.example\n  website: javascript:alert(1)\n")
    )
    assert site.problems() == [
        "authors/bob.yml:8: error: unknown link 'linkedn' (did you mean 'linkedin'?)",
        "authors/bob.yml:9: error: link 'website' must be an http(s) URL, found 'javascript:alert(1)'",
    ]


def test_id_field_must_match_file_name(site):
    site.write("authors/bob.yml", BOB_WITH("id: robert\n"))
    assert site.problems() == ["authors/bob.yml:7: error: 'id': must equal the file name 'bob'"]


def test_avatar_missing(site):
    site.remove("authors/alice.png")
    assert site.problems() == ["authors/alice.png: error: image file not found"]


def test_avatar_not_an_image(site):
    site.write("authors/alice.png", b"<html><script>alert(1)</script></html>")
    assert site.problems() == [
        "authors/alice.png: error: not a decodable image (expected one of PNG, JPEG, WEBP, GIF)"
    ]


def test_avatar_truncated(site):
    site.write("authors/alice.png", png_bytes(size=(400, 400))[:300])
    problems = site.problems()
    assert len(problems) == 1 and problems[0].startswith("authors/alice.png: error: image does not decode:")


def test_avatar_decompression_bomb(site):
    site.write("authors/alice.png", png_bytes(size=(6000, 5000), colour=(0, 0, 0)))
    assert site.problems() == [
        "authors/alice.png: error: image is 6000x5000 pixels; the limit is 24,000,000 pixels"
    ]


def test_avatar_path_traversal_refused(site):
    site.write("authors/alice.yml", ALICE.replace("avatar: alice.png", "avatar: ../../etc/passwd"))
    assert site.problems() == [
        "authors/alice.yml:6: error: 'avatar' must be a file name next to authors/alice.yml, found '../../etc/passwd'"
    ]


def test_department_registry_errors(site):
    site.write(
        "departments.yml",
        "service:\n  name: Service\n  colour: teal\nsales:\n  name: Sales\n  description: s\n",
    )
    assert site.problems() == [
        "departments.yml:1: error: missing required field 'description'",
        "departments.yml:3: error: 'colour': must look like #0b7285",
    ]


def test_department_lead_must_be_an_author(site):
    """Named at its own line (it was the department's first)."""
    site.write(
        "departments.yml",
        "service:\n  name: Service\n  description: d\n  lead: alise\nsales:\n  name: Sales\n  description: s\n",
    )
    assert site.problems() == [
        "departments.yml:4: error: department 'service': unknown lead 'alise' (did you mean 'alice'?)"
    ]


def test_every_registry_problem_is_reported_at_once(site):
    site.write("authors/bob.yml", BOB_WITH("titel: x\n"))
    site.write("authors/gina.yml", "name: Gina\n")
    problems = site.problems()
    assert any(p.startswith("authors/bob.yml:7:") for p in problems)
    assert any(p.startswith("authors/gina.yml:1:") for p in problems)


def test_contact_route_is_a_mailto_address_or_an_https_form(site):
    from conftest import load_model

    site.write("authors/bob.yml", BOB_WITH("contact: mailto:bob@example.com\n"))
    site.write("authors/alice.yml", ALICE + "contact: https://forms.example.com/ask?expert=alice\n")
    authors = load_model(site).network.authors
    assert authors["bob"].contact == "mailto:bob@example.com"
    assert authors["alice"].contact == "https://forms.example.com/ask?expert=alice"
    assert authors["gina"].contact is None


@pytest.mark.parametrize(
    "route",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "http://forms.example.com/ask",  # a question may carry personal data: https only
        "bob@example.com",  # the scheme is required
        "mailto:not-an-address",
        "mailto:bob@example.com?cc=x@evil.example",
        "https://",
        'https://forms.example.com/"onmouseover="x',
        "tel:+4912345",
    ],
)
def test_contact_route_refuses_everything_else_with_its_line(site, route):
    from conftest import load_model

    site.write("authors/bob.yml", BOB_WITH(f"contact: {json.dumps(route)}\n"))
    [problem] = [str(p) for p in load_model(site).unreadable]
    assert problem == (
        "authors/bob.yml:7: error: 'contact': must be 'mailto:' and an address, like mailto:li.wei@example.com,"
        f" or an https:// URL of a contact form, found {route!r}"
    )


def test_first_name_skips_abbreviations():
    from plugins.network.model import Author

    def named(name: str) -> str:
        return Author("x", name, "expert", "t", "d", ("d",), (), "", "").first_name

    assert [named(n) for n in ("Li Wei", "Dr. Elena Vogt", "Prof. Dr. Ana Lima", "Cher")] == [
        "Li",
        "Elena",
        "Ana",
        "Cher",
    ]


def test_former_contributors_take_no_more_questions():
    import datetime as dt

    from plugins.network.model import Author

    author = Author("x", "X", "expert", "t", "d", ("d",), (), "", "", contact="mailto:x@example.com")
    assert author.ask_route(dt.date(2026, 1, 1)) == "mailto:x@example.com"
    leaving = dataclasses.replace(author, until=dt.date(2026, 6, 30))
    assert leaving.ask_route(dt.date(2026, 6, 30)) == "mailto:x@example.com"  # until the last day
    assert leaving.ask_route(dt.date(2026, 7, 1)) is None


# Messages a non-programmer acts on: plain words, one line per root cause (issue #11, point 7).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: Bob\n\tkind: expert\n",
            "authors/bob.yml:2:1: error: YAML does not allow tabs for indentation; use spaces",
        ),
        ("name: Bob\t\n", "authors/bob.yml:1:10: error: YAML does not allow a tab here; use spaces"),
        (
            "name: Bob\ntitle: Engineer: Service\n",
            "authors/bob.yml:2:16: error: unexpected ':' here: put a value that contains ': ' in quotes,"
            ' like title: "Engineer: Service" (or the line is indented too far)',
        ),
        ("name: 'Bob\nkind: expert\n", "authors/bob.yml:1:7: error: this quote is never closed"),
        (
            "expertise: [a, b\nkind: expert\n",
            "authors/bob.yml:1:12: error: this '[' is never closed with ']'",
        ),
        (
            "name: @bob\n",
            "authors/bob.yml:1:7: error: a value cannot start with '@'; put the whole value in quotes, like \"@…\"",
        ),
        (
            "name: Bob\nkind\n",
            "authors/bob.yml:2:1: error: expected 'name: value' on this line (is the ':' missing?)",
        ),
        (
            "name: {first: Bob}\nkind: expert\ntitle: T\ndepartment: sales\nexpertise: [x]\nbio: b\n",
            "authors/bob.yml:1: error: 'name' must be non-empty text (quote it if YAML reads it as something else),"
            " found a mapping (indented 'name: value' lines or {…})",
        ),
        (
            "name: Bob\nkind: expert\ntitle: T\ndepartment: sales\nexpertise: [{a: 1}]\nbio: b\n",
            "authors/bob.yml:5: error: 'expertise' must be a list of text, like [a, b], found a list ([…] or '- ' lines)",
        ),
        (
            "name: yes\nkind: expert\ntitle: T\ndepartment: sales\nexpertise: [x]\nbio: b\n",
            "authors/bob.yml:1: error: 'name' must be non-empty text (quote it if YAML reads it as something else),"
            " found a yes/no value (YAML reads yes, no, true, false, on and off that way; put text in quotes)",
        ),
        (
            "",
            "authors/bob.yml:1: error: expected 'name: value' lines (name, kind, title, department, expertise, bio, …); the file is empty",
        ),
    ],
)
def test_yaml_mistakes_in_plain_words(site, text, expected):
    site.write("authors/bob.yml", text)
    assert site.check() == [expected]


def _yaml_outcome(text: str, loaders: tuple) -> tuple:
    from plugins.network import yamlfile
    from plugins.network.errors import SourceError

    saved, yamlfile._LOADERS = yamlfile._LOADERS, loaders
    try:
        return ("read", yamlfile.load_yaml(text, "x.yml"))
    except SourceError as exc:
        return ("refused", [str(p) for p in exc.problems])
    finally:
        yamlfile._LOADERS = saved


def test_libyaml_and_pyyaml_read_every_file_alike():
    """Registries are parsed by libyaml when PyYAML has it: it must accept, refuse and read
    exactly what the pure-Python parser does (whose messages are put into words)."""
    import random

    from plugins.network import yamlfile

    # PyYAML's wheels ship libyaml; a PyYAML built without it reads every file with the
    # pure-Python parser alone, and there is nothing to compare. CI must compare (as the gates
    # must run there): the same rule as tests/gates/support.require.
    require(None if len(yamlfile._LOADERS) > 1 else "PyYAML without libyaml: nothing to compare")
    python_only = (yamlfile._StrictLoader,)
    seeds = [
        ALICE,
        GINA,
        DEPARTMENTS,
        "a: [x, {b: c}, 'd']\nb: {e: [1, 2], f: \"g\"}\nc: |\n  lit\n  eral\nd: >\n  fold\n",
        "- a\n- b: c\n  d: e\n- [f, g]\n",
        "a: 'x''y'\nb: \"\\u00e9\\n\"\nc: !!str 3\nd: 2024-01-02\ne: 0x1F\nf: 1e3\ng: ~\nh: yes\n",
    ]
    # Where libyaml alone accepts: a tab after a value, '?' in a flow list, a BOM inside.
    known = ["name: Bob\t\n", "tags: [a, b?c]\n", "a: b\n\ufeff  c: d\n"]
    pieces = list(":-[]{}'\"#&*!|>?%@`, \n\t.0123456789abxe\\~") + [
        "\n  ",
        ": ",
        "- ",
        "\n- ",
        "...",
        "---",
        " #",
        "é",
        "\u00a0",
        "\ufeff",
        "\x85",
        "\u2028",
        "!!",
        "<<: ",
    ]
    rng = random.Random(20261201)
    texts = list(known)
    for _ in range(1500):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at:]
        texts.append(text)
    for text in texts:
        assert _yaml_outcome(text, yamlfile._LOADERS) == _yaml_outcome(text, python_only), repr(text)


def test_messages_never_show_internal_objects(site):
    bad_values = ["{a: 1}", "[{a: 1}]", "[[x]]", "2024-01-02", "12", "~", "on"]
    fields = (
        "name",
        "kind",
        "title",
        "department",
        "departments",
        "expertise",
        "bio",
        "email",
        "links",
        "until",
    )
    for value in bad_values:
        site.write("authors/bob.yml", "\n".join(f"{field}: {value}" for field in fields) + "\n")
        site.write(
            "departments.yml", DEPARTMENTS + f"rnd: {value}\nhr:\n  name: {value}\n  description: {value}\n"
        )
        for line in site.check():
            assert "Located" not in line and "tag:yaml.org" not in line and "<stream end>" not in line, line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            "departments.yml: error: the department registry is empty: give each department as 'service: {name: Service, description: …}'",
        ),
        ("service: [\n", "departments.yml:1:10: error: this '[' is never closed with ']'"),
        (
            "- service\n- sales\n",
            "departments.yml:1: error: expected a mapping of department id to its fields, like 'service: {name: Service, …}',"
            " found a list ([…] or '- ' lines)",
        ),
    ],
)
def test_a_broken_department_registry_is_one_error_not_one_per_author(site, text, expected):
    site.write("departments.yml", text)
    assert site.check() == [expected]


def test_a_lead_whose_file_is_broken_is_reported_once(site):
    site.write("departments.yml", DEPARTMENTS.replace("  colour:", "  lead: bob\n  colour:"))
    site.write("authors/bob.yml", "name: Bob\n\tkind: expert\n")
    assert site.check() == [
        "authors/bob.yml:2:1: error: YAML does not allow tabs for indentation; use spaces"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_registry_saved_as_utf16_is_named_as_such(site, encoding):
    site.write("authors/bob.yml", BOB_WITH("").encode(encoding))
    name = "UTF-32" if "32" in encoding else "UTF-16"
    assert site.check() == [f"authors/bob.yml: error: the file is saved as {name}; save it as UTF-8"]


# Identity (issue #11, point 6): readers can tell authors apart; a guest cannot pass for staff.


def test_a_name_confusable_with_another_authors_is_refused_naming_both(site):
    site.write("authors/gina.yml", GINA.replace("Gina Guest", "\u0410lice Field"))  # Cyrillic А
    expected = [
        "authors/gina.yml:1: error: name 'Аlice Field' looks the same as 'Alice Field' (authors/alice.yml):"
        " readers could not tell these authors apart (here 'А' is U+0410 CYRILLIC CAPITAL LETTER A)"
    ]
    assert site.check() == expected
    assert site.problems() == expected


@pytest.mark.parametrize(
    "name", ["AIice Field", "ALICE FIELD", "Alice  Field", "Ａlice Field", "Alice Fie\u200bld"]
)
def test_look_alike_spellings_of_a_name(site, name):
    site.write("authors/bob.yml", BOB_WITH("").replace("Bob Quote", name))
    [problem] = site.check()
    assert problem.startswith(
        f"authors/bob.yml:1: error: name '{name}' looks the same as 'Alice Field' (authors/alice.yml)"
    )


def test_an_expert_keeps_their_name_next_to_a_guest(site):
    # alphabetically the guest's file comes first; the expert is still the one who keeps the name
    site.write("authors/aaron.yml", GINA.replace("Gina Guest", "Bob Quote"))
    [problem] = site.check()
    assert problem.startswith(
        "authors/aaron.yml:1: error: name 'Bob Quote' looks the same as 'Bob Quote' (authors/bob.yml)"
    )


def test_ids_that_look_alike_are_refused(site):
    site.write("authors/a1ice.yml", GINA.replace("Gina Guest", "Robert Zed"))
    assert site.check() == [
        "authors/a1ice.yml: error: author id 'a1ice' looks the same as 'alice' (authors/alice.yml):"
        " choose an id that cannot be mistaken for it"
    ]


def test_a_name_hiding_letters_of_another_script_is_refused(site):
    site.write("authors/gina.yml", GINA.replace("Gina Guest", "Gina G\u0443est"))  # Cyrillic у
    assert site.check() == [
        "authors/gina.yml:1: error: name 'Gina Gуest' hides look-alike letters of another script"
        " ('у' is U+0443 CYRILLIC SMALL LETTER U); type the name in one script"
    ]


def test_a_name_in_two_scripts_side_by_side_is_flagged_for_the_reviewer(site):
    from chorus.check import run_check
    from conftest import NOW

    site.write("authors/gina.yml", GINA.replace("Gina Guest", "Gina 田中"))
    problems = [
        p.format(with_rule=True) for p in run_check(site.root, overrides={"CHORUS_NOW": NOW}).problems
    ]
    assert (
        "authors/gina.yml:1: warning: identity: name 'Gina 田中' is written in Latin and Han letters; check that is how it is spelled"
        in problems
    )
    site.build()  # a warning is for the reviewer; it does not stop publishing


def test_a_guest_cannot_lead_a_department(site):
    site.write("departments.yml", DEPARTMENTS.replace("sales:\n", "sales:\n  lead: gina\n"))
    expected = [
        "departments.yml:6: error: department 'sales': lead 'gina' is a guest (authors/gina.yml);"
        " a department is led by in-house staff (kind: expert)"
    ]
    assert site.check() == expected
    assert site.problems() == expected


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "company"),
    [
        ("title: Researcher", "title: Researcher at Halvard", 3, "title", "Halvard"),
        (
            "affiliation: Nordlicht University",
            "affiliation: HALVARD INSTRUMENTS",
            6,
            "affiliation",
            "Halvard Instruments",
        ),
        (
            "affiliation: Nordlicht University",
            "affiliation: Ha1vard Instruments",
            6,
            "affiliation",
            "Halvard Instruments",
        ),
    ],
)
def test_a_guest_cannot_claim_to_be_staff(site, old, new, line, field, company):
    site.write("authors/gina.yml", GINA.replace(old, new))
    assert site.check(CHORUS_COMPANY="Halvard Instruments", CHORUS_COMPANY_ALIASES=["Halvard"]) == [
        f"authors/gina.yml:{line}: error: a guest's {field} cannot name {company}: guests write as themselves,"
        " not as staff (someone employed there is kind: expert)"
    ]


def test_an_author_id_that_is_the_pages_folder_is_refused(site, capsys):
    from chorus.cli import main

    # content/pages/ holds the site's pages: an author 'pages' would have their posts read as pages.
    site.write("authors/pages.yml", ALICE)
    expected = (
        "authors/pages.yml: error: author id 'pages' is the folder of the site's pages (PAGE_PATHS);"
        " choose another id"
    )
    assert expected in site.check()
    site.remove("authors/pages.yml")
    capsys.readouterr()
    argv = ["new", "author", "pages", "--name", "P", "--department", "sales", "--title", "T"]
    assert main([*argv, "--root", str(site.root)]) == 1
    assert "author id 'pages' is the folder of the site's pages (PAGE_PATHS)" in capsys.readouterr().err
    assert not (site.root / "content/pages").exists()


def test_a_value_yaml_reads_as_a_comment_is_named_not_dropped(site):
    """`colour: #1864ab` is a comment to YAML: the colour was silently empty (null) in the
    site and network.json. Now it is an error at its line, saying how to write it."""
    from conftest import DEPARTMENTS

    site.write("departments.yml", DEPARTMENTS.replace('colour: "#0b7285"', "colour: #0b7285"))
    expected = [
        "departments.yml:4: error: 'colour' is empty: YAML reads '#0b7285' as a comment, since it"
        " starts with '#'; if it is the value, quote it: colour: \"#0b7285\" (empty on purpose: colour: null)"
    ]
    assert site.check() == expected
    assert site.problems() == expected
    site.write("departments.yml", DEPARTMENTS.replace('colour: "#0b7285"', "colour : #0b7285"))
    assert site.check() == expected  # a space before the colon too
    site.write("departments.yml", DEPARTMENTS.replace('colour: "#0b7285"', "colour: null  # none yet"))
    assert site.check() == []
