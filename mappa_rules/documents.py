"""Strict reading of YAML and JSON documents: duplicate keys, NaN and parse errors are refused, and so
is anything past the limits a case document never needs (README "Limits and guarantees")."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

import yaml


MAX_DOCUMENT_CHARACTERS = 1_000_000  # one case; a caseload is many documents, each held to this
MAX_DEPTH = 20  # mappings and lists inside one another; a case needs 3
MAX_TEXT = 2_000  # characters in any one value
MAX_KEY = 100  # characters in any one key (fact names are far shorter)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (pydantic validates them), reads only true/false as
    booleans, and refuses duplicate keys and aliases (a case never needs one; an alias bomb does)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a case file", event.start_mark)
        return super().compose_node(parent, index)


_REREAD = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REREAD]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Booleans as in YAML 1.2 and JSON: only true/false. YAML 1.1 also reads yes/no/on/off as booleans,
# which would silently turn a mistyped value into a fact.
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# Numbers as JSON writes them. YAML 1.1 reads 012 as octal (10), 1:0 as sixty and 1_2 as 12, which
# would silently change a term in months or a case reference; such text stays text, so a number fact
# given it is refused by name, and a reference keeps its leading zeros.
_WHOLE = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)$")
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", _WHOLE, list("-0123456789"))
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _DECIMAL, list("-0123456789"))


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str) and type(key) is not int:  # a whole number numbers the policy decisions
            raise yaml.constructor.ConstructorError(None, None, "a key must be a name (a field or fact), not a "
                                                    f"{_KINDS.get(type(key), 'value of another kind')}", key_node.start_mark)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}' (line {line})", key_node.start_mark)
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_KINDS = {int: "number", float: "number", bool: "true or false", type(None): "blank", list: "list", dict: "mapping"}
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)
# Only what JSON has: text, numbers, true/false, null, lists and mappings. Explicit tags for anything
# else (!!timestamp, !!binary, !!set, !!omap, !!pairs) are refused as unknown tags.
_StrictLoader.yaml_constructors = {tag: made for tag, made in _StrictLoader.yaml_constructors.items()
                                   if tag is not None and tag.rsplit(":", 1)[-1] in ("null", "bool", "str", "seq", "map")}


def _number(kind: type, pattern: re.Pattern[str]) -> Callable[[Any, yaml.ScalarNode], Any]:
    """A number as JSON writes it, also under an explicit tag (!!int '012' is not octal here)."""
    def construct(loader: Any, node: yaml.ScalarNode) -> Any:
        text = loader.construct_scalar(node)
        if not pattern.fullmatch(text):
            raise yaml.constructor.ConstructorError(None, None, f"'{text[:40]}' is not a number written in decimal", node.start_mark)
        try:
            return kind(text)
        except ValueError:  # more digits than Python reads as a whole number
            raise yaml.constructor.ConstructorError(None, None, f"a number of {len(text):,} digits is too long", node.start_mark) from None
    return construct


def _unknown_tag(loader: Any, node: yaml.Node) -> Any:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise yaml.constructor.ConstructorError(None, None, f"the tag {tag[:40]} is not allowed: a case holds text, numbers, "
                                            "true or false, lists and mappings", node.start_mark)


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _number(int, _WHOLE))
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _number(float, re.compile(f"(?:{_WHOLE.pattern})|(?:{_DECIMAL.pattern})")))
_StrictLoader.add_constructor(None, _unknown_tag)


class _AliasFound(Exception):
    """A node reached twice: the document uses an alias."""


if yaml.__with_libyaml__:
    class _CStrictLoader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        """The same rules as _StrictLoader, parsed by libyaml (about ten times faster). Aliases are found
        after composing: libyaml shares an aliased node, it never copies it, so a bomb costs nothing."""

        yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers
        yaml_constructors = _StrictLoader.yaml_constructors

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            _refuse_shared_nodes(node)
            return self.construct_document(node)
else:  # pragma: no cover - PyYAML built without libyaml
    _CStrictLoader = None


def _refuse_shared_nodes(root: yaml.Node) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _AliasFound
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def decode_utf8(raw: bytes, fail: Callable[[str], Exception], bom_allowed: bool = True) -> str:
    """UTF-8 text, a byte-order mark at the start dropped (Excel writes one); other bytes: `fail(reason)`
    naming the first bad byte."""
    if bom_allowed and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 text (byte {raw[exc.start]:#04x} at byte {exc.start + 1}); save the file as UTF-8") from None


def parse_text(text: str, json_only: bool, fail: Callable[[str], Exception]) -> Any:
    """Parse YAML (or JSON, a subset of it); `fail(reason)` builds the exception to raise."""
    if len(text) > MAX_DOCUMENT_CHARACTERS:
        raise fail(f"too large: {len(text):,} characters (at most {MAX_DOCUMENT_CHARACTERS:,} in one case)")
    try:
        data = _parse_json(text, fail) if json_only else _parse_yaml(text, fail)
    except RecursionError:
        raise fail(f"nested too deeply (at most {MAX_DEPTH} levels)") from None
    _check_shape(data, fail)
    return data


def _check_shape(data: Any, fail: Callable[[str], Exception]) -> None:
    """Refuse nesting deeper than MAX_DEPTH and any text longer than MAX_TEXT (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str) and len(item) > MAX_TEXT:
            raise fail(f"a text of {len(item):,} characters (at most {MAX_TEXT:,}): '{item[:40]}...'")
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise fail(f"nested too deeply (at most {MAX_DEPTH} levels)")
            values = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
            for key, value in values:
                if isinstance(key, str) and len(key) > MAX_KEY:
                    raise fail(f"a key of {len(key):,} characters (at most {MAX_KEY}): '{key[:40]}...'")
                stack.append((value, depth + 1))


def _parse_yaml(text: str, fail: Callable[[str], Exception]) -> Any:
    """libyaml where it is built in; on any problem the pure-Python loader reads it again, so every
    error names the same line, column and reason whichever parser found it."""
    if _CStrictLoader is not None:
        try:
            data = yaml.load(text, Loader=_CStrictLoader)  # noqa: S506 - SafeConstructor, no Python objects
        except (yaml.YAMLError, _AliasFound, RecursionError):
            pass
        else:
            if not (isinstance(data, float) and not math.isfinite(data)):
                return data
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
