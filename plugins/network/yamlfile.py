"""Strict YAML for hand-edited registry files: safe types only, no aliases, no duplicate keys,
bounded size and nesting.

Values come back with the line they were written on, so every later check can name it.
A file YAML cannot read is reported in plain words (a tab, a ':' that needs quotes, a
bracket or quote never closed) at the line where the person has to look, not in the
parser's own vocabulary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Problem, SourceError

MAX_REGISTRY_BYTES = 64 * 1024
MAX_YAML_DEPTH = 20


@dataclass(frozen=True)
class Located:
    """A YAML value and its 1-based line (for a mapping entry, the line of its key)."""

    value: Any
    line: int


class _NestedTooDeep(yaml.MarkedYAMLError):
    """Lists and mappings nested deeper than the limit (PyYAML's composer would recurse on)."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (billion laughs), duplicate mapping keys and deep nesting."""

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


def _located(node: yaml.Node, loader: _StrictLoader, path: str) -> Any:
    """Turn a composed node into plain values, with mappings as dicts of Located."""
    expected_tag = {yaml.MappingNode: "map", yaml.SequenceNode: "seq"}.get(type(node))  # type: ignore[arg-type]
    if expected_tag and node.tag != f"tag:yaml.org,2002:{expected_tag}":
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise yaml.MarkedYAMLError(problem=f"tag '{tag}' is not allowed", problem_mark=node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
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
            result[key] = Located(_located(value_node, loader, path), key_line)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [Located(_located(item, loader, path), item.start_mark.line + 1) for item in node.value]
    return loader.construct_object(node, deep=True)


def load_yaml(
    text: str, path: str, *, max_bytes: int = MAX_REGISTRY_BYTES, max_depth: int = MAX_YAML_DEPTH
) -> Any:
    """Parse one YAML document; raise SourceError naming path and line on any problem."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise SourceError(
            Problem(path, None, f"file is {size:,} bytes; the limit is {max_bytes:,} bytes", rule="file-size")
        )
    loader = _StrictLoader(text)
    loader.max_depth = max_depth
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _located(node, loader, path)
    except yaml.MarkedYAMLError as exc:
        raise SourceError(_plain_problem(exc, text, path)) from None
    except yaml.YAMLError as exc:
        raise SourceError(Problem(path, None, f"invalid YAML: {exc}", rule="registry")) from None
    finally:
        loader.dispose()


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
