"""Within one batch run, the result line of a row identical to an earlier one but for its case id.

Outputs are deterministic: the same case document under the same rulesets, start convention,
detail and day gives the same result. A caseload repeats a few thousand fact patterns, so a row
whose document, less its `case_id`, equals an earlier row's takes that row's line with its own id
(a JSON line that begins with a plain case id is compared by its text after the id, unparsed: see
`line_key`). Only a valid id is put in (a string of 1 to 64 printable characters, or a whole number,
exactly what validation accepts); any other row is assessed in full. Each distinct case is still evaluated by the
engine, in a clean state. The run's process keeps the lines, so every worker's answers serve every
row; least recently used lines go first once a byte budget is reached.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import OrderedDict
from typing import Any

from mappa_rules.case import MAX_CASE_ID

BUDGET_BYTES = 48_000_000
SENTINEL = "\x00mappa-case-id\x00"  # stands for the case id while a line is split; a line holding it elsewhere is not kept
_SENTINEL_JSON = json.dumps(SENTINEL)

Parts = tuple[bytes, bytes]  # a result line, UTF-8, before and after its case id


class Remembered:
    """Result lines by row document (less its case id); `hits` counts the rows that took one."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self.budget = budget_bytes
        self.size = 0
        self.hits = 0
        self._lines: OrderedDict[str | bytes, tuple[str, bytes, bytes, Any, int]] = OrderedDict()

    def line(self, key: str | bytes | None, case_id: Any) -> tuple[str, bytes, Any] | None:
        """(status, UTF-8 line, its record meta) of an earlier row with this key, with this row's id; None if
        there is none."""
        kept = self._lines.get(key) if key is not None else None
        if kept is None:
            return None
        self._lines.move_to_end(key)  # type: ignore[arg-type]
        self.hits += 1
        status, head, tail, meta, _ = kept
        shown = case_id if isinstance(case_id, str) or case_id is None else str(case_id)
        return status, head + json.dumps(shown, ensure_ascii=False).encode("utf-8") + tail, meta and (shown, *meta[1:])

    def keep(self, key: str | bytes | None, status: str, parts: Parts | None, meta: Any = None) -> None:
        """Keep a result line's parts under its row's key (nothing for an error or an unkeyable row); the
        budget counts their bytes as held (UTF-8, so a line with a curly quote is not held at 2 bytes a character)."""
        if key is None or parts is None or key in self._lines:
            return
        size = len(parts[0]) + len(parts[1]) + len(key) + (len(meta[4]) if meta else 0)
        self._lines[key] = (status, *parts, meta, size)
        self.size += size
        while self.size > self.budget and self._lines:
            self.size -= self._lines.popitem(last=False)[1][-1]


def row_key(document: Any, is_record: bool) -> tuple[str | None, Any]:
    """(key, case id) of a row's document: the key None unless the id is one validation accepts as it is."""
    if not isinstance(document, dict):
        return None, None
    case_id = document.get("case_id")
    if is_record and case_id is not None:  # a CSV cell: text, stripped, empty = no id (see batch.csv_case)
        case_id = case_id.strip() or None
    if not _valid_id(case_id):
        return None, case_id
    try:  # repr tells 12 from 12.0 and True, and a date from its text
        rest = repr([is_record, dt.date.today().toordinal(), [(k, v) for k, v in document.items() if k != "case_id"]])
    except RecursionError:
        return None, case_id
    return rest, case_id


_LEADING_ID = re.compile(rb'\{"case_id": "([^"\\\x00-\x1f]+)", ')
LINE_KEY_LIMIT = 100_000  # bytes: longer lines are parsed (a case is held to 1,000,000 characters)


def line_key(raw: bytes) -> tuple[bytes | None, Any]:
    """(key, case id) of a JSON line from its text, when it begins `{"case_id": "<id>", ` with an id
    that needs no unescaping: two such lines with the same text after the id parse to the same
    document but for the id (the text after it is tokenised alike, so duplicate keys, limits and
    UTF-8 are found alike). Otherwise (None, None): the line is parsed and keyed by `row_key`."""
    found = _LEADING_ID.match(raw)
    if found is None or len(raw) > LINE_KEY_LIMIT:
        return None, None
    try:
        case_id = found.group(1).decode("utf-8")
    except UnicodeDecodeError:
        return None, None
    if not _valid_id(case_id):
        return None, None
    return raw[found.end():] + b"\x00" + str(dt.date.today().toordinal()).encode(), case_id


def _valid_id(case_id: Any) -> bool:
    if case_id is None or (type(case_id) is int):
        return True
    return type(case_id) is str and 1 <= len(case_id) <= MAX_CASE_ID and case_id.isprintable()


def split(result: dict[str, Any]) -> tuple[str, Parts | None]:
    """A result's JSON line, and the line's parts around its case id (None if it cannot be split)."""
    case_id = result["case_id"]
    result["case_id"] = SENTINEL
    parts = dumps(result).split(_SENTINEL_JSON)
    result["case_id"] = case_id
    if len(parts) != 2:
        return dumps(result), None
    return parts[0] + json.dumps(case_id, ensure_ascii=False) + parts[1], (parts[0].encode("utf-8"), parts[1].encode("utf-8"))


def dumps(result: dict) -> str:
    """A result as one JSON line, keys sorted: the same result always gives the same bytes."""
    return json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n"
