"""Forward chaining by strata: each stratum is evaluated by durable-rules, then its derived facts settle.

Stratum k sees the case's facts plus every derived fact settled by strata below k. A derived fact
settles to the value its fired rules set; to false/null when every rule that could set it is
definitely false (closed world over the rules, never over the case's facts); stays unknown when no
rule fired and one that could set it depends on a missing fact; and is ambiguous when an ambiguity
rule fires or two rules set different values. Rules that settle a value are written to exclude the
ambiguity rules for the same fact, so a settled value never hides an ambiguity that could still hold. Each rule's durable verdict is checked against the condition
interpreter: any disagreement is an EvaluationError, never a silent answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mappa_rules import calendar
from mappa_rules.calendar import Computed
from mappa_rules.case import Case
from mappa_rules.engine import engine_for
from mappa_rules.errors import CaseError, EvaluationError
from mappa_rules.plain import render_because
from mappa_rules.ruleset import Rule, Rulebook


@dataclass(frozen=True)
class Ambiguity:
    """A derived fact the rules leave open: the candidates, the rules behind them and why."""

    derived: str
    candidates: tuple[Any, ...]
    rules: tuple[str, ...]
    reason: str


@dataclass
class Evaluation:
    """The raw outcome of chaining: verdicts per rule, settled facts, ambiguities and assumptions."""

    case: Case
    book: Rulebook
    known: dict[str, Any]
    verdicts: dict[str, bool | None]
    ambiguities: list[Ambiguity] = field(default_factory=list)
    assumed: list[dict[str, Any]] = field(default_factory=list)
    computed: dict[str, Computed] = field(default_factory=dict)
    convention: str = "count_from_next_day"

    def fired(self) -> list[Rule]:
        """Fired rules in evaluation order (stratum, then ruleset order)."""
        return [r for stratum in self.book.strata for r in stratum if self.verdicts.get(r.id) is True]


def run(case: Case, book: Rulebook, convention: str | None = None) -> Evaluation:
    """Evaluate one case through every stratum of its kind's rules.

    `convention` overrides the ruleset's setting for a clock that starts on a non-working day.
    """
    book = book.for_kind(case.kind)
    engine = engine_for(book)
    known: dict[str, Any] = dict(case.facts)
    if case.area is not None:
        known["area"] = case.area
    assumed = []
    for name, spec in book.facts.items():
        if name not in known and spec.default is not None:
            known[name] = spec.default
            assumed.append({"fact": name, "value": spec.default, "reason": spec.default_reason or "vocabulary default"})
    evaluation = Evaluation(case=case, book=book, known=known, verdicts={}, assumed=assumed,
                            convention=convention or book.start_convention)
    for name, spec in book.computed.items():  # declared order: each reads inputs or earlier ones
        function, args = spec.function
        result = calendar.compute(function, args, known, evaluation.convention)  # type: ignore[arg-type]
        if result is not None:
            known[name] = result.value
            evaluation.computed[name] = result
    settled: set[str] = set()
    with engine.session():
        for number, stratum in enumerate(book.strata):
            ready = [d for d in book.derived if d not in settled and book.settled_after(d) < number]
            _settle(evaluation, ready)
            settled.update(ready)
            fired = set(engine.fire(number, known))
            for rule in stratum:
                verdict = rule.holds(known)
                if (verdict is True) != (rule.id in fired):
                    said = "fired" if rule.id in fired else "did not fire"
                    raise EvaluationError(f"engine disagreement on rule {rule.id}: durable-rules {said}, the interpreter says {verdict}")
                evaluation.verdicts[rule.id] = verdict
            for rule in stratum:
                if evaluation.verdicts[rule.id] and rule.then.reject:
                    raise CaseError(case.source, f"facts.{rule.then.reject}", render_because(rule, known), rule.cites)
    _settle(evaluation, [d for d in book.derived if d not in settled])
    return evaluation


def _settle(evaluation: Evaluation, names: list[str]) -> None:
    """Settle derived facts whose every setter has been evaluated."""
    book, known, verdicts = evaluation.book, evaluation.known, evaluation.verdicts
    for name in names:
        setters = book.setters(name)
        ambiguous = [r for r in setters if name in (r.then.ambiguous or {})]
        if any(verdicts[r.id] is True for r in ambiguous):
            for rule in (r for r in ambiguous if verdicts[r.id] is True):
                reason = render_because(rule, known)
                candidates = tuple(resolve(c, known) for c in rule.then.ambiguous[name])
                evaluation.ambiguities.append(Ambiguity(name, candidates, (rule.id,), reason))
            continue
        setting = [r for r in setters if name in r.sets]
        values: dict[str, tuple[Any, list[str]]] = {}
        for rule in (r for r in setting if verdicts[r.id] is True):
            value = resolve(rule.sets[name], known)
            values.setdefault(json.dumps(value, default=str), (value, []))[1].append(rule.id)
        combine = book.derived[name].combine
        if combine == "union" and values:
            known[name] = list(dict.fromkeys(v for value, _ in values.values() for v in value))
        elif combine == "earliest" and values:
            known[name] = min(value for value, _ in values.values())
        elif len(values) > 1:
            candidates = tuple(v for v, _ in values.values())
            rules = tuple(rid for _, ids in values.values() for rid in ids)
            said = "; ".join(f"{', '.join(ids)} give {json.dumps(v)}" for v, ids in values.values())
            reason = f"the rules conclude different values ({said}); the tool does not choose between them"
            declared = book.derived[name].disagreement
            if declared and book.derived[name].declares({rid: key for key, (_, ids) in values.items() for rid in ids}):
                reason = f"{declared.because.strip()} ({said})"
            evaluation.ambiguities.append(Ambiguity(name, candidates, rules, reason))
        elif values:
            known[name] = next(iter(values.values()))[0]
        elif all(verdicts[r.id] is False for r in setters):
            known[name] = False if book.derived[name].type == "bool" else None


def resolve(value: Any, known: dict[str, Any]) -> Any:
    """A conclusion's value: a literal, `{fact: name}` (that fact's value) or `{format: text}`."""
    if isinstance(value, dict) and "fact" in value:
        return known[value["fact"]]
    if isinstance(value, dict) and "format" in value:
        return value["format"].format(**{k: v for k, v in known.items() if isinstance(k, str)})
    return value
