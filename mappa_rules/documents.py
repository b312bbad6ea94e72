"""Strict reading of YAML and JSON documents: duplicate keys, NaN and parse errors are refused."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

import yaml


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (pydantic validates them), reads only true/false as
    booleans, and refuses duplicate keys."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Booleans as in YAML 1.2 and JSON: only true/false. YAML 1.1 also reads yes/no/on/off as booleans,
# which would silently turn a mistyped value into a fact.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}' (line {line})", key_node.start_mark)
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def parse_text(text: str, json_only: bool, fail: Callable[[str], Exception]) -> Any:
    """Parse YAML (or JSON, a subset of it); `fail(reason)` builds the exception to raise."""
    if json_only:
        return _parse_json(text, fail)
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "unreadable"
        raise fail(f"malformed YAML: {where}{problem}") from None
    except yaml.YAMLError as exc:
        raise fail(f"malformed YAML: {exc}") from None
    if isinstance(data, float) and not math.isfinite(data):
        raise fail("malformed YAML: not a document")
    return data


def _parse_json(text: str, fail: Callable[[str], Exception]) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                raise ValueError(f"duplicate key '{key}'")
            seen[key] = value
        return seen

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise fail(f"malformed JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise fail(f"malformed JSON: {exc}") from None
