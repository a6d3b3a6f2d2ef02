"""Strict YAML for hand-edited registry files: safe types only, no aliases, no duplicate keys,
bounded size and nesting.

Values come back with the line they were written on, so every later check can name it.
A file YAML cannot read is reported in plain words (a tab, a ':' that needs quotes, a
bracket or quote never closed) at the line where the person has to look, not in the
parser's own vocabulary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Problem, SourceError

MAX_REGISTRY_BYTES = 64 * 1024
# Characters on which libyaml and PyYAML may read a file differently (and YAML 1.1's line breaks).
_PYYAML_ONLY = re.compile("[\t?\ufeff\x85\u2028\u2029]")
MAX_YAML_DEPTH = 20


@dataclass(frozen=True)
class Located:
    """A YAML value and its 1-based line (for a mapping entry, the line of its key)."""

    value: Any
    line: int


class _NestedTooDeep(yaml.MarkedYAMLError):
    """Lists and mappings nested deeper than the limit (PyYAML's composer would recurse on)."""


class _StrictComposer:
    """A composer that refuses aliases (billion laughs) and deep nesting (duplicate mapping
    keys are refused by ``_located``); mixed into a loader before its Composer."""

    max_depth = MAX_YAML_DEPTH
    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases are not allowed in registry files",
                problem_mark=event.start_mark,
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases are not allowed in registry files",
                problem_mark=event.start_mark,
            )
        collection = isinstance(event, yaml.CollectionStartEvent)
        if collection:
            self._depth += 1
            if self._depth > self.max_depth:
                raise _NestedTooDeep(
                    problem=f"lists and mappings are nested more than {self.max_depth} levels deep here;"
                    " registry files need only a few (look for a stray '[' or '{' or a wrong indentation)",
                    problem_mark=event.start_mark,
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1


class _StrictLoader(_StrictComposer, yaml.SafeLoader):
    """SafeLoader with the strict composer, in pure Python: its error messages are the ones
    ``_plain_problem`` puts into words."""


# libyaml's parser, when PyYAML was built with it.
_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _CParser = None

if _CParser is not None:

    class _StrictCLoader(
        _StrictComposer,
        yaml.composer.Composer,
        _CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """The same loader on libyaml's scanner and parser (C), about three times as fast:
        the composer, with the checks above, stays Python's, so it sees the same events.

        A document libyaml cannot read is read again by :class:`_StrictLoader`, whose
        messages ``_plain_problem`` knows how to put into words.
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)

    _LOADERS: tuple[Any, ...] = (_StrictCLoader, _StrictLoader)
else:  # pragma: no cover - PyYAML without libyaml
    _LOADERS = (_StrictLoader,)


# After 'key:' (or 'key :'), only a comment that reads like a value ('#1864ab', '#tag': no
# space after the '#', as a comment has by custom): YAML reads the value as empty (null).
_COMMENT_AS_VALUE = re.compile(r"[ \t]*:[ \t]+#\S")


def _located(node: yaml.Node, loader: Any, path: str, lines: list[str]) -> Any:
    """Turn a composed node into plain values, with mappings as dicts of Located."""
    expected_tag = {yaml.MappingNode: "map", yaml.SequenceNode: "seq"}.get(type(node))  # type: ignore[arg-type]
    if expected_tag and node.tag != f"tag:yaml.org,2002:{expected_tag}":
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise yaml.MarkedYAMLError(problem=f"tag '{tag}' is not allowed", problem_mark=node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = _constructed(key_node, loader, path)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise SourceError(
                    Problem(
                        path,
                        key_line,
                        f"names before ':' must be text, found {describe(key)}",
                        rule="registry",
                    )
                )
            if key in result:
                raise SourceError(
                    Problem(
                        path,
                        key_line,
                        f"'{key}' is given twice (first on line {result[key].line})",
                        rule="registry",
                    )
                )
            if (comment := _commented_out(key_node, value_node, lines)) is not None:
                raise SourceError(
                    Problem(
                        path,
                        key_line,
                        f"'{key}' is empty: YAML reads '{comment}' as a comment, since it starts with"
                        f" '#'; if it is the value, quote it: {key}: \"{comment}\" (empty on purpose: {key}: null)",
                        rule="registry",
                    )
                )
            result[key] = Located(_located(value_node, loader, path, lines), key_line)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [Located(_located(item, loader, path, lines), item.start_mark.line + 1) for item in node.value]
    return _constructed(node, loader, path)


def _commented_out(key_node: yaml.Node, value_node: yaml.Node, lines: list[str]) -> str | None:
    """``colour: #1864ab``: the comment that left a value empty (silently null), or None.
    ``lead:  # which one?`` is a comment meant as one (the wordpress import writes such)."""
    if not (
        isinstance(value_node, yaml.ScalarNode)
        and value_node.tag == "tag:yaml.org,2002:null"
        and value_node.value == ""
        and key_node.end_mark.line < len(lines)
    ):
        return None
    line, column = lines[key_node.end_mark.line], key_node.end_mark.column
    if not _COMMENT_AS_VALUE.match(line, column):
        return None
    return line[line.index("#", column) :].strip()


def _constructed(node: yaml.Node, loader: Any, path: str) -> Any:
    """A scalar's value; a value its type refuses (the date 2026-02-30, a number too large
    for a date) is a problem at its place, not an exception."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        tag = node.tag.replace("tag:yaml.org,2002:", "")
        kind = {"timestamp": "date", "int": "number", "float": "number"}.get(tag, tag)
        mark = node.start_mark
        message = f"'{node.value}' is not a {kind} ({exc})"
        raise SourceError(
            Problem(path, mark.line + 1, message, col=mark.column + 1, rule="registry")
        ) from None


def load_yaml(
    text: str, path: str, *, max_bytes: int = MAX_REGISTRY_BYTES, max_depth: int = MAX_YAML_DEPTH
) -> Any:
    """Parse one YAML document; raise SourceError naming path and line on any problem."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise SourceError(
            Problem(path, None, f"file is {size:,} bytes; the limit is {max_bytes:,} bytes", rule="file-size")
        )
    # Where libyaml and PyYAML are known to disagree (libyaml accepts a tab after a value,
    # a '?' inside a [...] list, a byte order mark inside the text), PyYAML reads alone, so
    # both paths accept exactly the same files (tests/test_registry.py compares them).
    for loader_class in _LOADERS if not _PYYAML_ONLY.search(text) else (_StrictLoader,):
        loader = loader_class(text)
        loader.max_depth = max_depth
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            return _located(node, loader, path, text.split("\n"))
        except yaml.YAMLError as exc:
            if loader_class is not _StrictLoader:
                continue  # reported in the words of the pure-Python parser
            if isinstance(exc, yaml.MarkedYAMLError):
                raise SourceError(_plain_problem(exc, text, path)) from None
            raise SourceError(Problem(path, None, f"invalid YAML: {exc}", rule="registry")) from None
        finally:
            loader.dispose()
    raise AssertionError("the pure-Python loader comes last")


def _plain_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    """What went wrong, in words a person who never read the YAML spec can act on."""
    problem = exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    lines = text.split("\n")

    def at(where: yaml.Mark | None, message: str) -> Problem:
        if where is None:
            return Problem(path, None, message, rule="registry")
        return Problem(path, where.line + 1, message, col=where.column + 1, rule="registry")

    if "could not determine a constructor for the tag" in problem:
        tag = problem.rpartition(" ")[2].strip("'").replace("tag:yaml.org,2002:", "!!")
        return at(mark, f"invalid YAML: tag '{tag}' is not allowed")
    if isinstance(exc, _NestedTooDeep) or "anchors and aliases" in problem or "is not allowed" in problem:
        prefix = "" if isinstance(exc, _NestedTooDeep) else "invalid YAML: "
        return at(mark, prefix + problem)
    if mark is not None and mark.line < len(lines):
        line = lines[mark.line]
        char = line[mark.column : mark.column + 1]
        if char == "\t":
            if not line[: mark.column].strip():
                return at(mark, "YAML does not allow tabs for indentation; use spaces")
            return at(mark, "YAML does not allow a tab here; use spaces")
        if "cannot start any token" in problem:
            return at(
                mark, f"a value cannot start with '{char}'; put the whole value in quotes, like \"{char}…\""
            )
    if "mapping values are not allowed here" in problem:
        return at(
            mark,
            "unexpected ':' here: put a value that contains ': ' in quotes, like title: \"Engineer: Service\""
            " (or the line is indented too far)",
        )
    if "could not find expected ':'" in problem:
        return at(exc.context_mark or mark, "expected 'name: value' on this line (is the ':' missing?)")
    if "quoted scalar" in context and "end of stream" in problem:
        return at(exc.context_mark or mark, "this quote is never closed")
    if ("flow sequence" in context or "flow mapping" in context) and problem.startswith("expected ','"):
        bracket, closing = ("[", "]") if "sequence" in context else ("{", "}")
        return at(exc.context_mark or mark, f"this '{bracket}' is never closed with '{closing}'")
    if "flow" in context and "<stream end>" in problem and (unclosed := _unclosed_bracket(lines)):
        line_number, col, bracket = unclosed
        closing = "]" if bracket == "[" else "}"
        return Problem(
            path, line_number, f"this '{bracket}' is never closed with '{closing}'", col=col, rule="registry"
        )
    if "expected <block end>" in problem:
        return at(mark, "this does not fit the lines above it: check its indentation and brackets")
    readable = problem.replace("'<stream end>'", "the end of the file").replace(
        "<block end>", "the end of a block"
    )
    return at(mark, f"invalid YAML: {readable}")


def _unclosed_bracket(lines: list[str]) -> tuple[int, int, str] | None:
    """The last '[' or '{' left open (line, column, bracket), skipping quotes and comments."""
    stack: list[tuple[int, int, str]] = []
    for number, line in enumerate(lines, 1):
        quote = ""
        for col, char in enumerate(line, 1):
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "#" and (col == 1 or line[col - 2] in " \t"):
                break
            elif char in "[{":
                stack.append((number, col, char))
            elif char in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def describe(value: Any) -> str:
    """A YAML value as a person wrote it, for 'found …' in messages (never an internal object)."""
    value = plain(value)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a yes/no value (YAML reads yes, no, true, false, on and off that way; put text in quotes)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping (indented 'name: value' lines or {…})"
    if isinstance(value, list):
        return "a list ([…] or '- ' lines)"
    if isinstance(value, str):
        return repr(value)
    return type(value).__name__


def plain(value: Any) -> Any:
    """Strip the Located wrappers (for values whose lines no longer matter)."""
    if isinstance(value, Located):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
