"""The "what not to say" policy: matched in check and enforced by the build."""

from __future__ import annotations

import pytest

from chorus.cli import main
from conftest import NOW, post

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
