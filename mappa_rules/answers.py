"""The answer to each outcome on the facts given, how firm it is, and what could still change it.

`answers(ev, result)` adds to an explained result what a practitioner needs: for every outcome the
kind answers, its value on the facts given, its firmness (see `firmness.py`) and, for a provisional
value, the facts that could still turn it open. The completion diagrams of a kind are built once
per process and shared by every case of that kind.
"""

from __future__ import annotations

from typing import Any

from mappa_rules.evaluator import Evaluation, show
from mappa_rules.firmness import FIRM, INVALID, NEEDS_ANSWER, OPEN, PROVISIONAL, CompletionSpace, Firmness, Result, classify, to_json_value
from mappa_rules.ruleset import Rulebook
from mappa_rules.space import MISSING, Given

MAX_CHANGES = 6  # could_change_if entries per outcome: enough to see every way, short enough to read

_SPACES: dict[tuple[str, str], CompletionSpace] = {}


def completion_space(book: Rulebook) -> CompletionSpace:
    """The completion diagrams of a kind's rulebook view (built on first use in this process)."""
    key = (book.sha256, book.kind or "case")
    space = _SPACES.get(key)
    if space is None:
        space = _SPACES[key] = CompletionSpace(book)
    return space


def firmness_of(ev: Evaluation, result: dict[str, Any]) -> tuple[CompletionSpace, list, dict[str, Firmness]]:
    """Each outcome's firmness on this case's facts, with the restriction used."""
    space = completion_space(ev.book)
    allowed = space.allowed(ev)
    current_open: dict[str, list[Any]] = {}
    for ambiguity in result["ambiguities"]:
        current_open.setdefault(ambiguity["outcome"], []).extend(
            c for c in ambiguity["candidates"] if c not in current_open.get(ambiguity["outcome"], []))
    firm: dict[str, Firmness] = {}
    for name, results in space.reachable(allowed, space.unknown(ev)).items():
        key = _key(ev.book, name)
        firm[name] = classify(key, results, current_open.get(key))
    return space, allowed, firm


def answers(ev: Evaluation, result: dict[str, Any]) -> dict[str, Any]:
    """`answers` and the status they give: every outcome with its value, firmness and what could change it."""
    space, allowed, firm = firmness_of(ev, result)
    out: dict[str, Any] = {}
    for name, f in firm.items():
        key = _key(ev.book, name)
        entry: dict[str, Any] = {"firmness": f.firmness, "applies": f.applies, "value": None, "candidates": [],
                                 "could_change_if": []}
        if f.firmness in (FIRM, PROVISIONAL) and f.applies:
            entry["value"] = result["outcomes"][key] if key in result["outcomes"] else to_json_value(f.value)
            if name == INVALID and key not in result["outcomes"]:
                entry["value"] = [show(r) for r in f.value] if isinstance(f.value, tuple) else f.value
        if f.firmness == OPEN:
            entry["candidates"] = [to_json_value(c) for c in f.candidates]
        elif f.firmness == NEEDS_ANSWER:
            entry["candidates"] = _reachable_answers(f.reachable)
        if f.firmness == PROVISIONAL:
            entry["could_change_if"] = _changes(ev, space, allowed, name, f)
        out[key] = entry
    return out


def status(found: dict[str, Any], result: dict[str, Any]) -> str:
    """decided / provisional / ambiguous / undetermined, from the answers that apply."""
    applying = [a for a in found.values() if a["applies"] or a["firmness"] != FIRM]
    if result["ambiguities"] or any(a["firmness"] == OPEN for a in applying):
        return "ambiguous"
    if any(a["firmness"] == NEEDS_ANSWER for a in applying):
        return "undetermined"
    if any(a["firmness"] == PROVISIONAL for a in applying):
        return "provisional"
    return "decided"


def _key(book: Rulebook, name: str) -> str:
    return book.derived[name].outcome or name if name in book.derived else name


def _reachable_answers(results: list[Result]) -> list[Any]:
    """The distinct values a needs_answer outcome can still take ('does not apply' as null)."""
    seen: dict[Any, Any] = {}
    for r in results:
        if r.how == "value":
            seen.setdefault(r.answer, to_json_value(r.value))
        elif r.how == "not_reported":
            seen.setdefault(r.answer, None)
    return list(seen.values())


def _changes(ev: Evaluation, space: CompletionSpace, allowed: list, name: str, f: Firmness) -> list[dict[str, Any]]:
    """Ways the unknown facts could turn a provisional value open: for each, the fewest facts that make
    it open whatever the other unknown facts are, and what it then becomes."""
    d, root = space.symbolic.diagram, space.roots[name]
    changes: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for path, _ in d.paths(root, allowed, lambda r: r.how == "open", limit=8 * MAX_CHANGES):
        fixed = {level: at for level, at in path.items() if allowed[level] is None or len(allowed[level]) > 1}
        for level in sorted(fixed):  # drop every fact the change does not need
            trial = {lv: at for lv, at in fixed.items() if lv != level}
            if _always_open(d, root, allowed, trial):
                fixed = trial
        signature = tuple(sorted(fixed.items()))
        if signature in seen:
            continue
        seen.add(signature)
        [reached] = d.reachable([root], _narrowed(allowed, fixed))
        opened = [r for r in reached if r.how == "open"]
        rules = list(dict.fromkeys(rid for r in opened for rid in r.rules))
        facts = {space.variables[level].name: _shown(space.variables[level], at) for level, at in sorted(fixed.items())}
        changes.append({"facts": facts,
                         "becomes": {"open": [to_json_value(c) for c in dict.fromkeys(c for r in opened for c in r.candidates)]},
                         "rules": rules, "cites": sorted({cid for rid in rules for cid in ev.book.rule(rid).cites})})
        if len(changes) >= MAX_CHANGES:
            break
    return changes


def _narrowed(allowed: list, fixed: dict[int, int]) -> list:
    return [frozenset({fixed[level]}) if level in fixed else positions for level, positions in enumerate(allowed)]


def _always_open(d: Any, root: int, allowed: list, fixed: dict[int, int]) -> bool:
    [reached] = d.reachable([root], _narrowed(allowed, fixed))
    return bool(reached) and all(r.how == "open" or r.how == "refused" for r in reached) and any(r.how == "open" for r in reached)


def _shown(variable: Any, at: int) -> Any:
    """A value on a way to change: the value itself, or in words where it stands for a range or any date."""
    value = variable.values[at]
    if isinstance(value, Given) or (variable.fact_type == "number" and not isinstance(value, bool)):
        return variable.label(value)
    return value
