"""The "what not to say" policy: matched in check and enforced by the build."""

from __future__ import annotations

import pytest

from chorus.cli import main
from conftest import GINA, NOW, png_bytes, post
from plugins.network.normalise import normalise, normalised_text

POLICY = """\
rules:
  - id: customer-names
    severity: error
    message: name customers only with written consent
    terms: [Acme Water Works, Nordchem]
  - id: internal-hosts
    severity: error
    message: no internal host names
    patterns: ['\\b[a-z0-9-]+\\.corp\\.example\\b']
    fields: [body, links, alt]
  - id: forecasts
    severity: warning
    message: forecasts need sign-off
    patterns: ['revenue\\s+forecast']
  - id: guest-pricing
    severity: error
    audience: guests
    message: guests do not quote prices
    patterns: ['\\bdiscount\\b']
"""


@pytest.fixture
def policy_site(site):
    site.write("policy.yml", POLICY)
    assert main(["codeowners", "--root", str(site.root)]) == 0
    return site


# Reminders of other rules that every tiny post and author here triggers (no summary, no
# GitHub handle): not what these tests are about.
OTHER_REMINDERS = (": warning: summary: ", ": warning: codeowners: ")


def check_lines(site, capsys):
    capsys.readouterr()
    code = main(["check", "--root", str(site.root), "--now", NOW])
    lines = capsys.readouterr().out.splitlines()
    return code, [line for line in lines if not any(r in line for r in OTHER_REMINDERS)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            post("About Nordchem"),
            "content/bob/x.md:1:14: error: customer-names: name customers only with written consent (in title)",
        ),
        (
            post(Summary="we helped nordchem"),
            "content/bob/x.md:3:20: error: customer-names: name customers only with written consent (in summary)",
        ),
        (
            post(Tags="nordchem, meters"),
            "content/bob/x.md:3:7: error: customer-names: name customers only with written consent (in tags)",
        ),
        (
            post(body="We visited Acme\nWater   Works last week."),
            "content/bob/x.md:4:12: error: customer-names: name customers only with written consent (in body)",
        ),
        (
            post(body="See ![the ACME WATER WORKS plant](p.png)."),
            "content/bob/x.md:4:11: error: customer-names: name customers only with written consent (in alt)",
        ),
        (
            post(body="[docs](https://wiki.corp.example/x)"),
            "content/bob/x.md:4:16: error: internal-hosts: no internal host names (in links)",
        ),
        (
            post(body="Our revenue\nforecast is up."),
            "content/bob/x.md:4:5: warning: forecasts: forecasts need sign-off (in body)",
        ),
        (
            post(body="Nord\u200bchem"),
            "content/bob/x.md:4:1: error: customer-names: name customers only with written consent (in body)",
        ),
    ],
)
def test_rules_match_where_authors_write(policy_site, capsys, text, expected):
    policy_site.write("content/bob/x.md", text)
    code, lines = check_lines(policy_site, capsys)
    assert expected in lines
    assert code == (1 if ": error: " in expected else 0)


def test_rule_scoped_to_guests(policy_site, capsys):
    policy_site.write("content/bob/x.md", post(body="Ask about our discount."))
    policy_site.write("content/gina/y.md", post(body="Ask about a discount."))
    code, lines = check_lines(policy_site, capsys)
    assert lines == ["content/gina/y.md:4:13: error: guest-pricing: guests do not quote prices (in body)"]


def test_words_inside_other_words_do_not_match(policy_site, capsys):
    policy_site.write("content/bob/x.md", post(body="Nordchemistry is not a customer."))
    assert check_lines(policy_site, capsys) == (0, [])


def test_reviewed_exception_is_listed(policy_site, capsys):
    policy_site.write(
        "content/bob/x.md",
        post(Policy_Allow="customer-names — consent on file (ED-12)", body="Nordchem said yes."),
    )
    code, lines = check_lines(policy_site, capsys)
    assert code == 0
    assert lines == [
        "content/bob/x.md:5:1: info: customer-names: allowed by Policy-Allow: consent on file (ED-12)"
    ]


def test_exception_needs_a_known_rule_and_a_reason(policy_site, capsys):
    policy_site.write("content/bob/x.md", post(Policy_Allow="customer-name — ok"))
    policy_site.write("content/bob/y.md", post(Policy_Allow="customer-names"))
    code, lines = check_lines(policy_site, capsys)
    assert code == 1
    assert (
        "content/bob/x.md:3: error: policy-allow: Policy-Allow names unknown rule 'customer-name' (did you mean 'customer-names'?)"
        in lines
    )
    assert (
        "content/bob/y.md:3: error: policy-allow: Policy-Allow needs rule ids and a reason, like 'Policy-Allow: customer-names — consent on file (ticket ED-12)'"
        in lines
    )


def test_policy_file_errors(site, capsys):
    site.write("policy.yml", "rules:\n  - id: x\n    severity: fatal\n    message: m\n    patterns: ['(']\n")
    assert main(["codeowners", "--root", str(site.root)]) == 0
    code, lines = check_lines(site, capsys)
    assert code == 1
    assert "policy.yml:3: error: policy-file: 'severity': must be error or warning" in lines
    assert any(
        line.startswith("policy.yml:5: error: policy-file: pattern is not a valid regular expression")
        for line in lines
    )


def test_error_match_blocks_the_build_so_nothing_is_published(policy_site):
    policy_site.write("content/bob/x.md", post("Fine title", body="We visited Nordchem."))
    problems = policy_site.problems()
    assert problems == ["content/bob/x.md:4:12: error: name customers only with written consent (in body)"]
    assert not policy_site.output.exists(), "no page, feed or network.json was written"


def test_error_match_in_a_page_blocks_the_build(policy_site):
    policy_site.write("content/pages/about.md", "Title: About\n\nServer: build.corp.example\n")
    assert policy_site.problems() == ["content/pages/about.md:3:9: error: no internal host names (in body)"]


def test_allowed_and_warning_matches_publish(policy_site):
    policy_site.write(
        "content/bob/x.md",
        post(Policy_Allow="customer-names — consent on file", body="Nordchem and our revenue forecast."),
    )
    policy_site.build()
    assert "Nordchem" in (policy_site.output / "posts/bob/x/index.html").read_text()


def test_messages_never_repeat_the_term(policy_site):
    policy_site.write("content/bob/x.md", post(body="Nordchem"))
    assert all("Nordchem" not in p for p in policy_site.problems())


def test_drafts_are_checked_and_block_check_and_build_alike(policy_site, capsys):
    # A draft is never published, but its source already sits in the repository: the term
    # must go (or be allowed by review) before it merges, and check and build agree on that.
    policy_site.write("content/bob/x.md", post(Status="draft", body="Nordchem"))
    code, lines = check_lines(policy_site, capsys)
    expected = (
        "content/bob/x.md:5:1: error: customer-names: name customers only with written consent (in body)"
    )
    assert code == 1 and expected in lines
    assert policy_site.problems() == [expected.replace("error: customer-names: ", "error: ")]


# --- Normalised matching: a term disguised in the source is the term ----------------------

CUSTOMER = "error: customer-names: name customers only with written consent"


@pytest.mark.parametrize(
    "body, col",
    [
        ("We met Nord&#99;hem.", 8),  # decimal character reference
        ("We met &#x4E;ordchem.", 8),  # hexadecimal character reference
        ("We met Nord&shy;chem.", 8),  # named reference to a soft hyphen
        ("We met Nord\u00adchem.", 8),  # soft hyphen
        ("We met Acme\u00a0Water\u202fWorks.", 8),  # no-break and narrow no-break spaces
        ("We met Nord\u200bchem.", 8),  # zero-width space
        ("We met Nord\u2060chem.", 8),  # word joiner
        ("We met Nord\u200e\u200fchem.", 8),  # bidi marks
        ("We met Nord\ufe0fchem\U000e0041.", 8),  # variation selector, tag character
        ("We met Nord<!-- x -->chem.", 8),  # HTML comment inside the word
        ("We met Nord<b></b>chem.", 8),  # empty element inside the word
        ("We met Nord<span class='x'>chem</span>.", 8),  # inline element inside the word
        ("We met Nord**chem**.", 8),  # emphasis inside the word
        ("We met *Nord*chem.", 9),  # emphasis around a part of the word
        ("We met Nord_chem_.", 8),
        ("We met \uff2e\uff4f\uff52\uff44\uff43\uff48\uff45\uff4d.", 8),  # fullwidth letters
        ("We met \U0001d40d\U0001d428\U0001d42b\U0001d41d\U0001d41c\U0001d421\U0001d41e\U0001d426.", 8),
        ("We met NORDCHEM.", 8),
        ("We met Acme-Water-Works.", 8),  # a term's words joined by hyphens
        ("We met AcmeWaterWorks.", 8),
    ],
)
def test_disguised_terms_are_found_at_their_place_in_the_source(policy_site, capsys, body, col):
    policy_site.write("content/bob/x.md", post(body=body))
    code, lines = check_lines(policy_site, capsys)
    assert lines == [f"content/bob/x.md:4:{col}: {CUSTOMER} (in body)"]
    assert code == 1


def test_a_disguise_on_a_later_line_keeps_its_line_and_column(policy_site, capsys):
    policy_site.write("content/bob/x.md", post(body="First line.\n\nSecond: **Nord**&#99;hem."))
    assert check_lines(policy_site, capsys)[1] == [f"content/bob/x.md:6:11: {CUSTOMER} (in body)"]


def test_html_attributes_in_a_body_are_read(policy_site, capsys):
    policy_site.write("content/bob/p.png", png_bytes())
    policy_site.write("content/bob/x.md", post(body='Plant:\n<img src="p.png" alt="Nord&#99;hem plant">'))
    assert check_lines(policy_site, capsys)[1] == [f"content/bob/x.md:5:23: {CUSTOMER} (in alt)"]


def test_disguised_terms_never_appear_in_messages(policy_site, capsys):
    policy_site.write("content/bob/x.md", post("Nord\u00adchem", body="Nord&#99;hem"))
    code, lines = check_lines(policy_site, capsys)
    assert code == 1 and len(lines) == 2
    assert not any("nord" in line.lower() for line in lines)


# --- Every field of every source ------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"Tags": "meters, Nordchem"}, "content/bob/x.md:3:15: {} (in tags)"),
        ({"Series": "Visits to Nordchem"}, "content/bob/x.md:3:19: {} (in series)"),
        ({"Slug": "nordchem-visit"}, "content/bob/x.md:3:7: {} (in slug)"),
        ({"Canonical": "https://nordchem.example/x"}, "content/bob/x.md:3:20: {} (in canonical)"),
        ({"Feed_Id": "tag:nordchem.example,2020:x"}, "content/bob/x.md:3:14: {} (in feed-id)"),
        ({"Summary": "About Acme Water\u00adWorks"}, "content/bob/x.md:3:16: {} (in summary)"),
    ],
)
def test_every_header_field_is_read(policy_site, capsys, fields, expected):
    policy_site.write("content/bob/x.md", post(**fields))
    assert check_lines(policy_site, capsys)[1] == [expected.format(CUSTOMER)]


def test_file_and_folder_names_are_read(policy_site, capsys):
    policy_site.write("content/bob/nordchem-visit.md", post())
    policy_site.write("content/bob/acme_water_works.png", png_bytes())
    policy_site.write("content/bob/nordchem/plant.png", png_bytes())
    policy_site.write("authors/bob.png", png_bytes())  # registry files are read too, by name
    code, lines = check_lines(policy_site, capsys)
    assert lines == [
        f"content/bob/acme_water_works.png: {CUSTOMER} (in file-name)",
        f"content/bob/nordchem: {CUSTOMER} (in file-name)",
        f"content/bob/nordchem-visit.md: {CUSTOMER} (in file-name)",
    ]


GUEST = """\
name: Gina Guest
kind: guest
title: Researcher at Nordchem
department: service
expertise:
  - sensor drift
  - Acme Water Works pumps
links:
  website: https://nordchem.example/gina
affiliation: Nord&#99;hem Research
email: gina@nordchem.example
contact: https://nordchem.example/ask-gina
bio: |
  Gina studies sensor drift.

  She used to work for ACME WATER WORKS.
"""


def test_every_registry_field_is_read_with_its_line(policy_site, capsys):
    policy_site.write("authors/gina.yml", GUEST)
    assert main(["codeowners", "--root", str(policy_site.root)]) == 0  # the e-mail owns her folder
    code, lines = check_lines(policy_site, capsys)
    assert lines == [
        f"authors/gina.yml:3: {CUSTOMER} (in title)",
        f"authors/gina.yml:7: {CUSTOMER} (in expertise)",
        f"authors/gina.yml:9: {CUSTOMER} (in links)",
        f"authors/gina.yml:10: {CUSTOMER} (in affiliation)",
        f"authors/gina.yml:11: {CUSTOMER} (in email)",
        f"authors/gina.yml:12: {CUSTOMER} (in contact)",
        f"authors/gina.yml:16: {CUSTOMER} (in bio)",
    ]


def test_author_name_is_read(policy_site, capsys):
    policy_site.write("authors/bob.yml", BOB_AS_CUSTOMER)
    assert check_lines(policy_site, capsys)[1] == [f"authors/bob.yml:1: {CUSTOMER} (in name)"]


BOB_AS_CUSTOMER = """\
name: Bob Nordchem
kind: expert
title: Account Manager
department: sales
expertise: [tenders]
bio: Bob scopes projects.
"""


def test_departments_are_read(policy_site, capsys):
    policy_site.write(
        "departments.yml",
        "service:\n  name: Service\n  description: Keeps meters running.\n"
        "sales:\n  name: Sales\n  description: |\n    Quotes.\n    Our best customer is Nordchem.\n",
    )
    assert check_lines(policy_site, capsys)[1] == [f"departments.yml:8: {CUSTOMER} (in description)"]


def test_registry_entry_carries_a_reviewed_exception(policy_site, capsys):
    policy_site.write(
        "authors/gina.yml",
        GINA_AT_CUSTOMER + "policy-allow: customer-names — Nordchem consented to being named (ED-7)\n",
    )
    code, lines = check_lines(policy_site, capsys)
    assert (code, lines) == (
        0,
        [
            "authors/gina.yml:6: info: customer-names: allowed by policy-allow: … consented to being named (ED-7)"
        ],
    )


GINA_AT_CUSTOMER = GINA.replace("affiliation: Nordlicht University", "affiliation: Nordchem Research")


def test_registry_exception_needs_a_known_rule(policy_site, capsys):
    policy_site.write("authors/gina.yml", GINA_AT_CUSTOMER + "policy-allow: customer-name — ok\n")
    code, lines = check_lines(policy_site, capsys)
    assert code == 1
    assert lines == [
        "authors/gina.yml:6: error: customer-names: name customers only with written consent (in affiliation)",
        "authors/gina.yml:8: error: policy-allow: policy-allow names unknown rule 'customer-name' (did you mean 'customer-names'?)",
    ]


def test_reasons_are_printed_without_the_term(policy_site, capsys):
    policy_site.write(
        "content/bob/x.md", post(Policy_Allow="customer-names — Nordchem said yes (ED-1)", body="Nordchem")
    )
    assert check_lines(policy_site, capsys)[1] == [
        "content/bob/x.md:5:1: info: customer-names: allowed by Policy-Allow: … said yes (ED-1)"
    ]


# --- Patterns: compiled one by one, refused when unsafe ----------------------------------------


def policy_with_patterns(*patterns: str) -> str:
    listed = "".join(f"      - '{p}'\n" for p in patterns)
    return f"rules:\n  - id: r\n    severity: error\n    message: m\n    patterns:\n{listed}"


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("(", "pattern is not a valid regular expression: missing ), unterminated subpattern at position 0"),
        ("a{99999999999}", "pattern is not a valid regular expression: the repetition number is too large"),
        (
            "(a+)+b",
            "pattern repeats a group that itself repeats, like (a+)+, which can take hours on some text;"
            " make the inner repeat possessive (a++) or the group atomic (?>...)",
        ),
        (
            "(a|aa)*b",
            "pattern took longer than 0.2 s on a test string (it backtracks too much); simplify it",
        ),
        ("x*", "pattern matches empty text, so it would match everywhere"),
    ],
)
def test_unsafe_patterns_are_refused_with_their_line(site, capsys, pattern, message):
    site.write("policy.yml", policy_with_patterns("fine", pattern))
    assert main(["codeowners", "--root", str(site.root)]) == 0
    code, lines = check_lines(site, capsys)
    assert (code, lines) == (1, [f"policy.yml:7: error: policy-file: {message}"])


def test_patterns_with_inline_flags_work_beside_others(site, capsys):
    site.write("policy.yml", policy_with_patterns("(?x) nord chem", "(?i)ACME", r"\bdiscount\b"))
    assert main(["codeowners", "--root", str(site.root)]) == 0
    site.write("content/bob/x.md", post(body="Nordchem, Acme and a discount."))
    code, lines = check_lines(site, capsys)
    assert [line.split(": error")[0] for line in lines] == [
        "content/bob/x.md:4:1",
        "content/bob/x.md:4:11",
        "content/bob/x.md:4:22",
    ]


@pytest.mark.parametrize("markup", [True, False])
def test_tracked_and_fast_normalising_agree(markup):
    # Sources are normalised with every edit tracked, built files without: the text must be
    # the same, or the source rule and the output gate would disagree.
    samples = [
        "  Nord&#99;hem\u00a0and <b>Acme</b> Water\u00adWorks  ",
        "<!-- a -->Nord<span class='x'>chem</span><br>next<p>para</p>",
        "\uff2e\uff4f\uff52\uff44 \U0001d41c\U0001d421\U0001d41e\U0001d426 e\u0301 \u1100\u1161 Stra\u00dfe \ufb01",
        "Nord**chem**, _x_, snake_case, `code`, ~~gone~~\n\n\tTabs\u2003and\u200b\u2060\ufeffjoins",
        "a < b > c &amp;#99; &lt;i&gt; &notanentity; &#x1F600; &#0;",
    ]
    for sample in samples:
        assert normalise(sample, markup=markup, track=True).text == normalised_text(sample, markup=markup)
