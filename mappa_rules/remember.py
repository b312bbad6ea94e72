"""Within one batch run, the result line of a case identical to an earlier one but for its id.

Outputs are deterministic: the same case under the same ruleset gives the same result. A caseload
repeats a few thousand fact patterns, so a row whose case (kind, area, date, facts, facts nobody
knows) matches an earlier row's under the same ruleset version, start convention and detail takes
that row's line with its own case id. Each distinct case is still evaluated by the engine, in a
clean state. Lines are kept least recently used first out, within a byte budget.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from typing import Callable

from mappa_rules.case import Case
from mappa_rules.ruleset import Rulebook

BUDGET_BYTES = 32_000_000  # per process
_SENTINEL = "\x00mappa-case-id\x00"  # stands for the case id while a line is split; a line holding it elsewhere is not kept
_SENTINEL_JSON = json.dumps(_SENTINEL)


class Remembered:
    """Result lines by case (less its id); counts how many rows took a remembered line."""

    def __init__(self, budget_bytes: int = BUDGET_BYTES) -> None:
        self.budget = budget_bytes
        self.size = 0
        self.hits = 0
        self._lines: OrderedDict[str, tuple[str, str, str]] = OrderedDict()

    def line(self, case: Case, book: Rulebook, convention: str | None, detail: str,
             result_of: Callable[[], tuple[str, dict]]) -> tuple[str, str]:
        """(status, JSON line) for the case: remembered, or from `result_of()` (status, result) and kept."""
        key = self.key(case, book, convention, detail)
        kept = self._lines.get(key)
        if kept is not None:
            self._lines.move_to_end(key)
            self.hits += 1
            status, head, tail = kept
            return status, head + json.dumps(case.case_id, ensure_ascii=False) + tail
        status, result = result_of()
        result["case_id"] = _SENTINEL
        parts = dumps(result).split(_SENTINEL_JSON)
        result["case_id"] = case.case_id
        if len(parts) != 2:  # the sentinel elsewhere in the line: never expected; not kept
            return status, dumps(result)
        self._keep(key, (status, parts[0], parts[1]))
        return status, parts[0] + json.dumps(case.case_id, ensure_ascii=False) + parts[1]

    @staticmethod
    def key(case: Case, book: Rulebook, convention: str | None, detail: str) -> str:
        """Everything a result depends on but the case id (today's date when the case gives none)."""
        as_of = case.as_of or dt.date.today()
        return json.dumps([book.sha256, case.kind, case.area, as_of.isoformat(), case.as_of is None, case.facts,
                           sorted(case.uncertain), convention, detail], sort_keys=True, default=_typed, ensure_ascii=False)

    def _keep(self, key: str, entry: tuple[str, str, str]) -> None:
        self._lines[key] = entry
        self.size += len(entry[1]) + len(entry[2]) + len(key)
        while self.size > self.budget and self._lines:
            old_key, (_, head, tail) = self._lines.popitem(last=False)
            self.size -= len(head) + len(tail) + len(old_key)


def _typed(value: object) -> str:
    """A date in a key, marked so that it never equals the same text given as text."""
    if isinstance(value, dt.date):
        return "date:" + value.isoformat()
    raise TypeError(f"{type(value).__name__} in a case's facts")


def dumps(result: dict) -> str:
    """A result as one JSON line, keys sorted: the same result always gives the same bytes."""
    return json.dumps(result, sort_keys=True, ensure_ascii=False) + "\n"
