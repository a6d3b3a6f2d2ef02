"""The company's "what not to say" policy: loading ``policy.yml`` and matching text against it.

``policy.yml`` at the site root lists rules: literal terms (whole words, in any case, with
or without white space, hyphens, dots or underscores between their words) and regular
expressions, each with an id, a severity and a message telling the author what to write
instead. A rule may be limited to guests or experts, to departments, and to fields.

Everything is matched on normalised text (``plugins.network.normalise``), so a term that
reads the same to a person matches however its characters are disguised. The source rule
(``plugins.network.rules.policy``) and the build's output gate (``chorus.gate``) load the
policy here and match it here.

A post may carry a reviewed exception, ``Policy-Allow: rule-id — reason``, and an author
registry entry ``policy-allow: rule-id — reason``; ``chorus check`` lists each allowed match
so the reviewer sees it. Messages never echo the matched text (a reason that names it is
shown with the term left out): CI logs of a public repository must not repeat it.
"""

from __future__ import annotations

import functools
import re
import re._constants as sre_constants  # the parsed form of a pattern: nested repeats
import re._parser as sre_parser
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ERROR, INFO, WARNING, Problem, ProblemList, display_path
from .load import _Fields, suggest
from .model import Author, Department
from .normalise import Normalised, attribute_values, normalise, normalised_text
from .postmeta import POST_FIELDS
from .sourcefile import read_source_text
from .timelimit import TimeLimitExceeded, time_limit
from .yamlfile import MAX_REGISTRY_BYTES, load_yaml

# What a rule's `fields:` may name: the keys as written in posts, pages and registry files,
# the body's parts, and the names of files and folders.
HEADER_FIELDS = tuple(key for key in POST_FIELDS if key != "policy-allow")
BODY_FIELDS = ("body", "alt", "links")
REGISTRY_FIELDS = ("name", "affiliation", "bio", "expertise", "email", "contact", "description")
FIELDS = tuple(dict.fromkeys((*HEADER_FIELDS, *BODY_FIELDS, "file-name", *REGISTRY_FIELDS)))
AUDIENCES = ("all", "guests", "experts")
PATTERN_SECONDS = 0.2  # a pattern slower than this on the test strings is refused

_ALT = re.compile(r"!\[([^\]]*)\]")
_LINK_URL = re.compile(
    r"\]\(\s*<?([^)\s>]+)|<((?:https?|mailto|ftp):[^>\s]+)>|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M
)
_ALLOW = re.compile(r"^(?P<ids>[a-z0-9][a-z0-9, -]*?)\s*(?:—|–|--| - )\s*(?P<reason>.+)$")
_LINK_ATTRIBUTES = re.compile(r"(?:href|src|srcset|cite|action|poster)\s*=\s*[\"']?$", re.I)
_SEPARATOR = r"[\s_./-]*"  # between a term's words: 'Rivermouth-Valley_Water' is the term too


@dataclass(frozen=True)
class PolicyRule:
    id: str
    severity: str
    message: str
    terms: str | None = None  # one regular expression for all of the rule's terms
    needles: tuple[tuple[str, ...], ...] = ()  # the words of each term: no match without them
    patterns: tuple[re.Pattern[str], ...] = ()  # each compiled on its own
    audience: str = "all"
    departments: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset(FIELDS)
    line: int | None = None

    @property
    def everywhere(self) -> bool:
        """Whether the rule holds for any text (so the output gate enforces it)."""
        return self.audience == "all" and not self.departments and self.fields == frozenset(FIELDS)

    def applies_to(self, kind: str, departments: Iterable[str]) -> bool:
        """Whether the rule holds for text by ``kind`` ('guest', 'expert' or '') in these departments."""
        if self.audience == "guests" and kind != "guest":
            return False
        if self.audience == "experts" and kind != "expert":
            return False
        return not self.departments or bool(self.departments & set(departments))

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Start and end of every match in normalised ``text``."""
        if self.terms is not None and _may_match(self.needles, text):
            for match in _compiled(self.terms).finditer(text):
                yield match.span()
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                yield match.span()


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


@dataclass(frozen=True)
class Policy:
    rules: tuple[PolicyRule, ...] = ()
    source: str = ""

    @property
    def ids(self) -> set[str]:
        return {r.id for r in self.rules}

    def gate(self) -> Matcher:
        """What the output gate looks for: error-level rules that hold for any text."""
        return Matcher(tuple(r for r in self.rules if r.severity == ERROR and r.everywhere))


@dataclass(frozen=True)
class Matcher:
    """Several rules matched in one pass: their terms as one regular expression (a named
    group per rule), and each pattern on its own (patterns cannot be combined safely)."""

    rules: tuple[PolicyRule, ...]
    terms: re.Pattern[str] | None = field(init=False)
    needles: tuple[tuple[str, ...], ...] = field(init=False)  # the words of each term
    patterns: tuple[tuple[PolicyRule, re.Pattern[str]], ...] = field(init=False)

    def __post_init__(self) -> None:
        groups = [f"(?P<r{i}>{r.terms})" for i, r in enumerate(self.rules) if r.terms is not None]
        object.__setattr__(self, "terms", re.compile("|".join(groups)) if groups else None)
        object.__setattr__(self, "needles", tuple({n for r in self.rules for n in r.needles}))
        object.__setattr__(self, "patterns", tuple((r, p) for r in self.rules for p in r.patterns))

    def __bool__(self) -> bool:
        return bool(self.rules)

    def find(self, text: str) -> Iterator[tuple[PolicyRule, int, int]]:
        """Every match in normalised ``text``: the rule, start and end."""
        # Looking for the words of each term first is many times faster than the expression.
        if self.terms is not None and _may_match(self.needles, text):
            for match in self.terms.finditer(text):
                assert match.lastgroup is not None
                yield self.rules[int(match.lastgroup[1:])], match.start(), match.end()
        for rule, pattern in self.patterns:
            for match in pattern.finditer(text):
                yield rule, match.start(), match.end()


def _may_match(needles: tuple[tuple[str, ...], ...], text: str) -> bool:
    """Whether every word of some term is in ``text`` (each term's longest word first)."""
    return any(words[0] in text and all(word in text for word in words[1:]) for words in needles)


def term_pattern(term: str) -> tuple[str, tuple[str, ...]] | None:
    """The regular expression of one literal term, and its words (None: nothing left after
    normalising)."""
    words = normalise(term, markup=False).text.split()
    if not words:
        return None
    pattern = r"(?<![^\W_])" + _SEPARATOR.join(re.escape(w) for w in words) + r"(?![^\W_])"
    return pattern, tuple(sorted(set(words), key=len, reverse=True))


def _nested_repeat(items: Any, inside_unbounded: bool = False) -> bool:
    """Whether a parsed pattern repeats, without bound, something that itself repeats:
    ``(a+)+`` or ``(\\w+\\s?)*`` try exponentially many ways to fail."""
    for op, value in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, sub = value
            if inside_unbounded and high > 1:
                return True
            if _nested_repeat(sub, inside_unbounded or high == sre_constants.MAXREPEAT):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested_repeat(value[-1], inside_unbounded):
                return True
        elif op == sre_constants.BRANCH:
            if any(_nested_repeat(branch, inside_unbounded) for branch in value[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _nested_repeat(
            value[1], inside_unbounded
        ):
            return True
        # Possessive repeats and atomic groups never backtrack into: nothing to check inside.
    return False


def _test_strings(pattern: str) -> list[str]:
    letters = sorted({c for c in pattern if c.isalnum()})[:8] or ["a"]
    strings = [c * 40 + "\u0000" for c in letters]
    strings.append(("".join(letters) + " ") * 40 + "\u0000")
    strings.append("Aa1 .-_,;:\n\t" * 2000)
    return strings


def check_pattern(pattern: str) -> tuple[re.Pattern[str] | None, str | None]:
    """Compile one policy pattern on its own; (None, why) when it is not safe to run."""
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
        parsed = sre_parser.parse(pattern, re.IGNORECASE)
    except (re.error, OverflowError) as exc:
        return None, f"pattern is not a valid regular expression: {exc}"
    except RecursionError:
        return None, "pattern is not a valid regular expression: groups are nested too deeply"
    if _nested_repeat(parsed):
        return None, (
            "pattern repeats a group that itself repeats, like (a+)+, which can take hours on"
            " some text; make the inner repeat possessive (a++) or the group atomic (?>...)"
        )
    try:
        with time_limit(PATTERN_SECONDS):
            for text in _test_strings(pattern):
                if any(m.end() == m.start() for m in compiled.finditer(text)):
                    return None, "pattern matches empty text, so it would match everywhere"
    except TimeLimitExceeded:
        return None, (
            f"pattern took longer than {PATTERN_SECONDS:g} s on a test string (it backtracks"
            " too much); simplify it"
        )
    return compiled, None


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
        terms, needles = [], []
        for term, line in fields.text_list("terms", required=False):
            if (compiled_term := term_pattern(term)) is None:
                problems.add(shown, line, "term has no visible characters")
            else:
                terms.append(compiled_term[0])
                needles.append(compiled_term[1])
        patterns = []
        for pattern, line in fields.text_list("patterns", required=False):
            compiled, why = check_pattern(pattern)
            if compiled is None:
                problems.add(shown, line, why or "invalid pattern")
            else:
                patterns.append(compiled)
        if not terms and not patterns and "terms" not in item.value and "patterns" not in item.value:
            problems.add(shown, item.line, "a rule needs 'terms' or 'patterns'")
        if rule_id in seen:
            problems.add(shown, item.line, f"rule id '{rule_id}' is used twice")
        seen.add(rule_id)
        if rule_id and severity and message and (terms or patterns):
            rules.append(
                PolicyRule(
                    id=rule_id,
                    severity=severity,
                    message=message,
                    terms="|".join(terms) if terms else None,
                    needles=tuple(needles),
                    patterns=tuple(patterns),
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
    """A piece of a source's text, where it starts in the file, and which field it is.

    ``line`` None: not in the file's text (a file name). ``col`` None: the column is not
    known (YAML values). A snippet's own line breaks are the file's unless ``folded``.
    """

    field: str
    text: str
    line: int | None
    col: int | None = 1
    markup: bool = True
    folded: bool = False

    def position(self, offset: int) -> tuple[int | None, int | None]:
        """Line and column in the file of ``text[offset]``."""
        if self.line is None or self.folded:
            return self.line, None
        line = self.line + self.text.count("\n", 0, offset)
        if self.col is None:
            return line, None
        first = self.text.rfind("\n", 0, offset) + 1
        return line, (self.col if first == 0 else 1) + offset - first


def body_snippets(body: str, body_line: int) -> list[Snippet]:
    """A Markdown body, and its alt texts, link URLs and HTML attribute values on their own,
    so that a match is reported under the most specific field (once: see scan())."""
    snippets = []

    def at(field: str, text: str, start: int) -> Snippet:
        line = body.count("\n", 0, start)
        col = start - (body.rfind("\n", 0, start) + 1) + 1
        return Snippet(field, text, body_line + line, col, markup=False)

    for regex, field_name in ((_ALT, "alt"), (_LINK_URL, "links")):
        for match in regex.finditer(body):
            group = next(i for i in range(1, (match.lastindex or 1) + 1) if match.group(i) is not None)
            snippets.append(at(field_name, match.group(group), match.start(group)))
    for start, value in attribute_values(body):
        before = body[max(0, start - 12) : start]
        name = "links" if _LINK_ATTRIBUTES.search(before) else "alt" if "alt" in before.lower() else "body"
        snippets.append(at(name, value, start))
    snippets.append(Snippet("body", body, body_line))
    return snippets


def header_snippets(header: Mapping[str, tuple[str, int]]) -> list[Snippet]:
    """Every header field but the reviewed exception (its reason is never published)."""
    return [
        Snippet(key, value, line, len(key) + 3, markup=False)
        for key, (value, line) in header.items()
        if key != "policy-allow"
    ]


def file_name_snippet(name: str) -> Snippet:
    return Snippet("file-name", name, None, markup=False)


def _value_snippet(field_name: str, text: str, line: int | None) -> Snippet:
    # A value with line breaks is a literal block ('bio: |'): it starts on the next line.
    if "\n" in text.strip() and line is not None:
        return Snippet(field_name, text, line + 1, None)
    return Snippet(field_name, text, line, None, folded=True)


def author_snippets(author: Author) -> list[Snippet]:
    """The texts an author registry entry publishes, with the lines they stand on."""
    lines = author.field_lines
    snippets = [
        _value_snippet("name", author.name, lines.get("name")),
        _value_snippet("title", author.title, lines.get("title")),
        _value_snippet("bio", author.bio, lines.get("bio")),
    ]
    if author.affiliation:
        snippets.append(_value_snippet("affiliation", author.affiliation, lines.get("affiliation")))
    if author.email:
        snippets.append(_value_snippet("email", author.email, lines.get("email")))
    if author.contact:
        snippets.append(_value_snippet("contact", author.contact, lines.get("contact")))
    for index, topic in enumerate(author.expertise):
        line = lines.get(f"expertise[{index}]", lines.get("expertise"))
        snippets.append(_value_snippet("expertise", topic, line))
    for link in author.links:
        snippets.append(
            _value_snippet("links", link.url, lines.get(f"links.{link.kind}", lines.get("links")))
        )
    return snippets


def department_snippets(department: Department) -> list[Snippet]:
    lines = department.field_lines
    return [
        _value_snippet("name", department.name, lines.get("name", department.line)),
        _value_snippet("description", department.description, lines.get("description", department.line)),
    ]


def parse_allowances(
    value: str | None,
    line: int | None,
    shown: str,
    policy: Policy,
    problems: ProblemList,
    key: str = "Policy-Allow",
) -> dict[str, str]:
    """``Policy-Allow: rule-a, rule-b — reason`` -> {rule id: reason (terms left out)}."""
    if not value:
        return {}
    match = _ALLOW.match(value.strip())
    if not match or not match.group("reason").strip():
        problems.add(
            shown,
            line,
            f"{key} needs rule ids and a reason, like '{key}: customer-names — consent on file (ticket ED-12)'",
            rule="policy-allow",
        )
        return {}
    reason = redact(policy, match.group("reason").strip())
    allowed = {}
    for rule_id in (r.strip() for r in match.group("ids").split(",")):
        if rule_id not in policy.ids:
            problems.add(
                shown,
                line,
                f"{key} names unknown rule '{rule_id}'" + suggest(rule_id, policy.ids),
                rule="policy-allow",
            )
        else:
            allowed[rule_id] = reason
    return allowed


def redact(policy: Policy, text: str) -> str:
    """``text`` with every policy match replaced by '…', so it can be printed."""
    normalised = normalise(text, markup=False, track=True)
    spans = sorted(
        normalised.source_span(start, end)
        for rule in policy.rules
        for start, end in rule.spans(normalised.text)
    )
    pieces, last = [], 0
    for start, end in spans:
        if start >= last:
            pieces += [text[last:start], "…"]
            last = end
        else:
            last = max(last, end)
    return "".join(pieces) + text[last:]


def scan(
    policy: Policy,
    snippets: list[Snippet],
    *,
    kind: str,
    departments: Iterable[str],
    allowed: Mapping[str, str],
    shown: str,
    allow_key: str = "Policy-Allow",
) -> list[Problem]:
    """Every rule match as a Problem at its severity; allowed matches as info for reviewers."""
    departments = tuple(departments)
    rules = [r for r in policy.rules if r.applies_to(kind, departments)]
    found: dict[tuple[str, int | None, int | None, str], Problem] = {}
    for snippet in snippets:
        active = [r for r in rules if snippet.field in r.fields]
        if not active:
            continue
        # Most text matches nothing: only a match needs the edits that place it in the file.
        text = normalised_text(snippet.text, markup=snippet.markup)
        if not any(next(rule.spans(text), None) for rule in active):
            continue
        normalised: Normalised = normalise(snippet.text, markup=snippet.markup, track=True)
        for rule in active:
            for start, end in rule.spans(normalised.text):
                line, col = snippet.position(normalised.source_span(start, end)[0])
                # Within one field, a match is reported once (folded values have no column).
                key = (rule.id, line, col, snippet.field if col is None else "")
                if key in found:
                    continue
                if rule.id in allowed:
                    message = f"allowed by {allow_key}: {allowed[rule.id]}"
                    found[key] = Problem(shown, line, message, level=INFO, rule=rule.id, col=col)
                else:
                    message = f"{rule.message} (in {snippet.field})"
                    found[key] = Problem(shown, line, message, level=rule.severity, rule=rule.id, col=col)
    return sorted(found.values(), key=lambda p: (p.line or 0, p.col or 0, p.rule))
