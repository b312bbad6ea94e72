"""The answer to each outcome on the facts given, how firm it is, what could change it, and what to ask.

`guide(ev, result)` adds to an explained result what a practitioner needs: for every outcome the
kind answers, its value on the facts given and its firmness (see `firmness.py`); for a provisional
value, the fewest facts that could still turn it open; the questions worth asking, best first
(see `questions.py`); and the facts not worth asking. The status follows the answers.

The completion diagrams of a kind are built once per process. Everything this module derives from
them depends only on the case's restriction (which facts it gives, as the rules tell their values
apart), so it is computed once per distinct restriction and reused: a caseload repeats a few
thousand patterns, not a new one per case.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mappa_rules.evaluator import Evaluation, show
from mappa_rules.firmness import FIRM, INVALID, NEEDS_ANSWER, OPEN, PROVISIONAL, CompletionSpace, Firmness, Result, classify, to_json_value
from mappa_rules.ruleset import Rulebook
from mappa_rules.space import Given

MAX_CHANGES = 6  # could_change_if entries per outcome: enough to see every way, short enough to read
MAX_PATTERNS = 20_000  # analyses kept per kind: a few KB each

_SPACES: dict[tuple[str, str], CompletionSpace] = {}
_ANALYSES: dict[tuple[str, str], "OrderedDict[Any, Analysis]"] = {}


@dataclass(frozen=True)
class Analysis:
    """Everything firmness says of one restriction: per outcome, and the questions."""

    firm: dict[str, Firmness]
    changes: dict[str, list[dict[str, Any]]]
    questions: list[dict[str, Any]]
    effects: dict[str, str]
    not_asked: list[dict[str, Any]]


def completion_space(book: Rulebook) -> CompletionSpace:
    """The completion diagrams of a kind's rulebook view (built on first use in this process)."""
    key = (book.sha256, book.kind or "case")
    space = _SPACES.get(key)
    if space is None:
        space = _SPACES[key] = CompletionSpace.stored(book)
    return space


def guide(ev: Evaluation, result: dict[str, Any]) -> None:
    """Add `answers`, `next_question`, `questions` and `not_asked` to a result, give each missing fact
    its `effect`, and set `status` (decided / provisional / ambiguous / undetermined) from the answers."""
    analysis = analyse_case(ev, result)
    book = ev.book
    scope = _scope(result)  # the outcomes the case asks about, once
    found: dict[str, Any] = {}
    for name, f in analysis.firm.items():
        key = _key(book, name)
        entry: dict[str, Any] = {"firmness": f.firmness, "applies": f.applies, "in_scope": key in scope,
                                 "value": None, "candidates": [], "could_change_if": analysis.changes.get(name, [])}
        if f.firmness in (FIRM, PROVISIONAL) and f.applies:
            entry["value"] = result["outcomes"][key] if key in result["outcomes"] else to_json_value(f.value)
            if name == INVALID and key not in result["outcomes"]:
                entry["value"] = [show(r) for r in f.value] if isinstance(f.value, tuple) else f.value
        if f.firmness == OPEN:
            entry["candidates"] = [to_json_value(c) for c in f.candidates]
        elif f.firmness == NEEDS_ANSWER:
            entry["candidates"] = _reachable_answers(f.reachable)
        found[key] = entry
    result["answers"] = found
    result["status"] = status(found, result)
    result["questions"] = analysis.questions
    result["next_question"] = analysis.questions[0] if analysis.questions else None
    result["not_asked"] = analysis.not_asked
    for entry in result["missing_facts"]:
        fact = entry["fact"]
        entry["effect"] = "asked: not known" if fact in ev.case.uncertain else analysis.effects.get(fact, "none")


def analyse_case(ev: Evaluation, result: dict[str, Any]) -> Analysis:
    """The analysis of this case's restriction (computed once per distinct restriction)."""
    space = completion_space(ev.book)
    given = set(ev.case.facts) | ({"area"} if ev.case.area is not None else set())
    allowed = space.allowed(ev)
    current_open: dict[str, tuple[Any, ...]] = {}
    for ambiguity in result["ambiguities"]:
        seen = current_open.get(ambiguity["outcome"], ())
        current_open[ambiguity["outcome"]] = seen + tuple(c for c in ambiguity["candidates"] if c not in seen)
    asked_about = _scope(result)
    scope = frozenset(name for name in space.roots if _key(ev.book, name) in asked_about)
    signature = (tuple(allowed), frozenset(given), frozenset(ev.case.uncertain), tuple(sorted(current_open.items(), key=repr)), scope)
    cache = _ANALYSES.setdefault((ev.book.sha256, ev.book.kind or "case"), OrderedDict())
    try:
        key = hash(signature) and signature
    except TypeError:  # a candidate that cannot be hashed (never expected): no reuse
        return _analyse(space, given, allowed, current_open, scope, frozenset(ev.case.uncertain))
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
        return hit
    analysis = _analyse(space, given, allowed, current_open, scope, frozenset(ev.case.uncertain))
    cache[key] = analysis
    if len(cache) > MAX_PATTERNS:
        cache.popitem(last=False)
    return analysis


def _analyse(space: CompletionSpace, given: set[str], allowed: list, current_open: dict[str, Any], scope: frozenset[str],
             uncertain: frozenset[str]) -> Analysis:
    from mappa_rules.questions import analyse, as_json

    book = space.book
    firm: dict[str, Firmness] = {}
    for name, results in space.reachable(allowed, space.unknown(given, uncertain)).items():
        key = _key(book, name)
        firm[name] = classify(key, results, list(current_open[key]) if key in current_open else None)
    changes = {name: _changes(space, allowed, name) for name, f in firm.items() if f.firmness == PROVISIONAL}
    asked, not_asked = analyse(space, given, allowed, firm, uncertain, set(scope))
    return Analysis(
        firm=firm, changes=changes, questions=[as_json(space, q) for q in asked], effects={q.fact: q.effect for q in asked},
        not_asked=[{"fact": name, "label": book.facts[name].label, "why": why} for name, why in not_asked.items()],
    )


def status(found: dict[str, Any], result: dict[str, Any]) -> str:
    """decided / provisional / ambiguous / undetermined, from the answers the case asks about."""
    applying = [a for a in found.values() if a["in_scope"]]
    if result["ambiguities"] or any(a["firmness"] == OPEN for a in applying):
        return "ambiguous"
    if any(a["firmness"] == NEEDS_ANSWER for a in applying):
        return "undetermined"
    if any(a["firmness"] == PROVISIONAL for a in applying):
        return "provisional"
    return "decided"


def _scope(result: dict[str, Any]) -> set[str]:
    """The outcomes this case asks about as given: reported, undetermined or open now."""
    return set(result["outcomes"]) | set(result["undetermined"]) | {a["outcome"] for a in result["ambiguities"]}


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


def _changes(space: CompletionSpace, allowed: list, name: str) -> list[dict[str, Any]]:
    """Ways the unknown facts could turn a provisional value open: for each, the fewest facts that make
    it open whatever the other unknown facts are, and what it then becomes."""
    d, root, book = space.diagram, space.roots[name], space.book
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
        said = "; ".join(f"{book.facts[fact].label or fact}: {show(value)}" for fact, value in facts.items())
        changes.append({"facts": facts, "said": said,
                        "becomes": {"open": _ordered([to_json_value(c) for c in dict.fromkeys(c for r in opened for c in r.candidates)])},
                        "rules": rules, "cites": sorted({cid for rid in rules for cid in book.rule(rid).cites})})
        if len(changes) >= MAX_CHANGES:
            break
    return changes


def _ordered(values: list[Any]) -> list[Any]:
    """Candidates in their natural order where they have one (1, 2, 4), else as found."""
    try:
        return sorted(values)
    except TypeError:
        return values


def _narrowed(allowed: list, fixed: dict[int, int]) -> list:
    return [frozenset({fixed[level]}) if level in fixed else positions for level, positions in enumerate(allowed)]


def _always_open(d: Any, root: int, allowed: list, fixed: dict[int, int]) -> bool:
    [reached] = d.reachable([root], _narrowed(allowed, fixed))
    return bool(reached) and all(r.how in ("open", "refused") for r in reached) and any(r.how == "open" for r in reached)


def _shown(variable: Any, at: int) -> Any:
    """A value on a way to change: the value itself, or in words where it stands for a range or any date."""
    value = variable.values[at]
    if isinstance(value, Given) or (variable.fact_type == "number" and not isinstance(value, bool)):
        return variable.label(value)
    return value


def firmness_of(ev: Evaluation, result: dict[str, Any]) -> tuple[CompletionSpace, list, dict[str, Firmness]]:
    """Each outcome's firmness on this case's facts, with the space and restriction used."""
    space = completion_space(ev.book)
    return space, space.allowed(ev), analyse_case(ev, result).firm
