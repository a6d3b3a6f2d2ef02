"""The company's "what not to say" policy, and matching it against a post's source.

``policy.yml`` at the site root lists rules: literal terms (matched case-insensitively, any
run of white space between words, so a term split across a line break still matches) and
regular expressions, each with an id, a severity and a message telling the author what to
write instead. A rule may be limited to guests or experts, to departments, and to fields.

A post may carry a reviewed exception, ``Policy-Allow: rule-id — reason``; it is listed by
``chorus check`` so the reviewer sees it. Messages never echo the matched text: CI logs of
a public repository must not repeat the confidential term.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import ERROR, INFO, WARNING, Problem, ProblemList, display_path
from .load import _Fields, suggest
from .sourcefile import read_source_text
from .yamlfile import MAX_REGISTRY_BYTES, load_yaml

FIELDS = ("title", "summary", "body", "tags", "alt", "links")
AUDIENCES = ("all", "guests", "experts")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ALT = re.compile(r"!\[([^\]]*)\]")
_LINK_URL = re.compile(
    r"\]\(\s*<?([^)\s>]+)|<((?:https?|mailto|ftp):[^>\s]+)>|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M
)
_ALLOW = re.compile(r"^(?P<ids>[a-z0-9][a-z0-9, -]*?)\s*(?:—|–|--| - )\s*(?P<reason>.+)$")


@dataclass(frozen=True)
class PolicyRule:
    id: str
    severity: str
    message: str
    pattern: re.Pattern
    audience: str = "all"
    departments: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset(FIELDS)
    line: int | None = None

    def applies_to(self, kind: str, department: str) -> bool:
        if self.audience == "guests" and kind != "guest":
            return False
        if self.audience == "experts" and kind != "expert":
            return False
        return not self.departments or department in self.departments


@dataclass(frozen=True)
class Policy:
    rules: tuple[PolicyRule, ...] = ()
    source: str = ""

    @property
    def ids(self) -> set[str]:
        return {r.id for r in self.rules}


def _term_pattern(term: str) -> str:
    return r"(?<!\w)" + r"\s+".join(re.escape(word) for word in term.split()) + r"(?!\w)"


def load_policy(path: Path, root: Path, departments: set[str]) -> Policy:
    """Read policy.yml (a missing file is an empty policy); SourceError lists every problem."""
    shown = display_path(path, root)
    if not path.is_file():
        return Policy(source=shown)
    data = load_yaml(read_source_text(path, shown, MAX_REGISTRY_BYTES), shown)
    problems = ProblemList(rule="policy-file")
    if not isinstance(data, dict) or "rules" not in data or not isinstance(data["rules"].value, list):
        problems.add(
            shown, 1, "expected 'rules:' with a list of rules (id, severity, message, terms or patterns)"
        )
        problems.raise_if_errors()
    for key, located in data.items():
        if key != "rules":
            problems.add(shown, located.line, f"unknown field '{key}' (expected: rules)")
    rules, seen = [], set()
    for item in data["rules"].value:
        if not isinstance(item.value, dict):
            problems.add(
                shown,
                item.line,
                "each rule must be a mapping with id, severity, message and terms or patterns",
            )
            continue
        fields = _Fields(item.value, shown, item.line, problems)
        fields.unknown(
            ("id", "severity", "message", "terms", "patterns", "audience", "departments", "fields")
        )
        rule_id = fields.text(
            "id",
            check=lambda v: (
                None
                if re.match(r"^[a-z0-9][a-z0-9-]*$", v)
                else "must be lower-case letters, digits and hyphens"
            ),
        )
        severity = fields.text(
            "severity", check=lambda v: None if v in (ERROR, WARNING) else "must be error or warning"
        )
        message = fields.text("message")
        audience = (
            fields.text(
                "audience",
                required=False,
                check=lambda v: None if v in AUDIENCES else "must be one of " + ", ".join(AUDIENCES),
            )
            or "all"
        )
        scoped_departments = []
        for dep, line in fields.text_list("departments", required=False):
            if dep not in departments:
                problems.add(shown, line, f"unknown department '{dep}'" + suggest(dep, departments))
            scoped_departments.append(dep)
        rule_fields = []
        for name, line in fields.text_list("fields", required=False):
            if name not in FIELDS:
                problems.add(shown, line, f"unknown field '{name}'" + suggest(name, FIELDS))
            rule_fields.append(name)
        alternatives = [_term_pattern(t) for t, _ in fields.text_list("terms", required=False)]
        for pattern, line in fields.text_list("patterns", required=False):
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.add(shown, line, f"pattern is not a valid regular expression: {exc}")
                continue
            alternatives.append(f"(?:{pattern})")
        if not alternatives and "terms" not in item.value and "patterns" not in item.value:
            problems.add(shown, item.line, "a rule needs 'terms' or 'patterns'")
        if rule_id in seen:
            problems.add(shown, item.line, f"rule id '{rule_id}' is used twice")
        seen.add(rule_id)
        if rule_id and severity and message and alternatives:
            rules.append(
                PolicyRule(
                    id=rule_id,
                    severity=severity,
                    message=message,
                    pattern=re.compile("|".join(alternatives), re.IGNORECASE),
                    audience=audience,
                    departments=frozenset(scoped_departments),
                    fields=frozenset(rule_fields) if rule_fields else frozenset(FIELDS),
                    line=item.line,
                )
            )
    problems.raise_if_errors()
    return Policy(tuple(rules), shown)


@dataclass(frozen=True)
class Snippet:
    """A piece of a post's text and where it starts in the file (1-based line, column)."""

    field: str
    text: str
    line: int
    col: int = 1


def post_snippets(header_fields: dict[str, tuple[str, int]], body: str, body_line: int) -> list[Snippet]:
    """The texts a policy looks at, each with its position in the source file."""
    snippets = []
    for field in ("title", "summary", "tags"):
        if field in header_fields:
            value, line = header_fields[field]
            snippets.append(Snippet(field, value, line, len(field) + 3))
    # Alt text and link URLs come before the body that contains them, so a match is
    # reported under the most specific field (and once: see scan()).
    for regex, field in ((_ALT, "alt"), (_LINK_URL, "links")):
        for match in regex.finditer(body):
            group = next(i for i in range(1, (match.lastindex or 1) + 1) if match.group(i) is not None)
            start = match.start(group)
            line = body.count("\n", 0, start)
            col = start - (body.rfind("\n", 0, start) + 1) + 1
            snippets.append(Snippet(field, match.group(group), body_line + line, col))
    snippets.append(Snippet("body", body, body_line))
    return snippets


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFC text without zero-width characters, and where each character came from."""
    kept, origin = [], []
    for index, char in enumerate(text):
        if not _ZERO_WIDTH.match(char):
            kept.append(char)
            origin.append(index)
    return unicodedata.normalize("NFC", "".join(kept)), origin


def parse_allowances(
    value: str | None, line: int | None, shown: str, policy: Policy, problems: ProblemList
) -> dict[str, str]:
    """``Policy-Allow: rule-a, rule-b — reason`` -> {rule id: reason}."""
    if not value:
        return {}
    match = _ALLOW.match(value.strip())
    if not match or not match.group("reason").strip():
        problems.add(
            shown,
            line,
            "Policy-Allow needs rule ids and a reason, like 'Policy-Allow: customer-names — consent on file (ticket ED-12)'",
            rule="policy-allow",
        )
        return {}
    allowed = {}
    for rule_id in (r.strip() for r in match.group("ids").split(",")):
        if rule_id not in policy.ids:
            problems.add(
                shown,
                line,
                f"Policy-Allow names unknown rule '{rule_id}'" + suggest(rule_id, policy.ids),
                rule="policy-allow",
            )
        else:
            allowed[rule_id] = match.group("reason").strip()
    return allowed


def scan(
    policy: Policy,
    snippets: list[Snippet],
    *,
    kind: str,
    department: str,
    allowed: dict[str, str],
    shown: str,
) -> list[Problem]:
    """Every rule match as a Problem at its severity; allowed matches as info for reviewers."""
    found: dict[tuple[str, int, int], Problem] = {}
    for rule in policy.rules:
        if not rule.applies_to(kind, department):
            continue
        for snippet in snippets:
            if snippet.field not in rule.fields:
                continue
            text, origin = _normalised(snippet.text)
            for match in rule.pattern.finditer(text):
                start = origin[match.start()] if match.start() < len(origin) else 0
                line = snippet.line + snippet.text.count("\n", 0, start)
                col = (
                    (snippet.col if line == snippet.line else 1)
                    + start
                    - (snippet.text.rfind("\n", 0, start) + 1)
                )
                key = (rule.id, line, col)
                if key in found:
                    continue
                if rule.id in allowed:
                    found[key] = Problem(
                        shown,
                        line,
                        f"allowed by Policy-Allow: {allowed[rule.id]}",
                        level=INFO,
                        rule=rule.id,
                        col=col,
                    )
                else:
                    found[key] = Problem(
                        shown,
                        line,
                        f"{rule.message} (in {snippet.field})",
                        level=rule.severity,
                        rule=rule.id,
                        col=col,
                    )
    return sorted(found.values(), key=lambda p: (p.line or 0, p.col or 0, p.rule))
