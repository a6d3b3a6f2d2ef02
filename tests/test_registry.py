"""The author and department registries: every mistake named with file and line."""

from __future__ import annotations

import dataclasses
import json

import pytest

from conftest import ALICE, png_bytes


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
    site.write(
        "departments.yml",
        "service:\n  name: Service\n  description: d\n  lead: alise\nsales:\n  name: Sales\n  description: s\n",
    )
    assert site.problems() == [
        "departments.yml:1: error: department 'service': unknown lead 'alise' (did you mean 'alice'?)"
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
