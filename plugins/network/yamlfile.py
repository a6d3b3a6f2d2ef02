"""Strict YAML for hand-edited registry files: safe types only, no aliases, no duplicate keys.

Values come back with the line they were written on, so every later check can name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Problem, SourceError

MAX_REGISTRY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Located:
    """A YAML value and its 1-based line (for a mapping entry, the line of its key)."""

    value: Any
    line: int


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (billion laughs) and duplicate mapping keys."""

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
        return super().compose_node(parent, index)


def _located(node: yaml.Node, loader: _StrictLoader, path: str) -> Any:
    """Turn a composed node into plain values, with mappings as dicts of Located."""
    expected_tag = {yaml.MappingNode: "map", yaml.SequenceNode: "seq"}.get(type(node))  # type: ignore[arg-type]
    if expected_tag and node.tag != f"tag:yaml.org,2002:{expected_tag}":
        raise yaml.MarkedYAMLError(problem=f"tag {node.tag!r} is not allowed", problem_mark=node.start_mark)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Located] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise SourceError(
                    Problem(path, key_line, f"keys must be text, found {key!r}", rule="registry")
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


def load_yaml(text: str, path: str) -> Any:
    """Parse one YAML document; raise SourceError naming path and line on any problem."""
    if len(text.encode("utf-8")) > MAX_REGISTRY_BYTES:
        raise SourceError(
            Problem(path, None, f"file is larger than {MAX_REGISTRY_BYTES // 1024} KiB", rule="file-size")
        )
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _located(node, loader, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}, {problem}"
        raise SourceError(Problem(path, line, f"invalid YAML: {problem}", col=col, rule="registry")) from None
    except yaml.YAMLError as exc:
        raise SourceError(Problem(path, None, f"invalid YAML: {exc}", rule="registry")) from None
    finally:
        loader.dispose()


def plain(value: Any) -> Any:
    """Strip the Located wrappers (for values whose lines no longer matter)."""
    if isinstance(value, Located):
        return plain(value.value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
