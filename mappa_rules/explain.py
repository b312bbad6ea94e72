"""Turn an Evaluation into the explained result: outcomes, fired rules, unmet criteria, missing facts.

The result is plain data in the stable JSON shape of `mappa assess --format json`; every report
renders this object and nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mappa_rules import MARKING, conditions
from mappa_rules.calendar import CONVENTIONS
from mappa_rules.case import Case
from mappa_rules.evaluator import Evaluation, run
from mappa_rules.plain import render_because, show
from mappa_rules.ruleset import Rule, Rulebook
from mappa_rules.wording import criterion_words

INVALID = "invalid_reason"


def assess(case: Case, book: Rulebook, convention: str | None = None, firmness: bool = True, unmet_words: bool = True) -> dict[str, Any]:
    """Evaluate a case and explain the answer (`convention`: see `calendar.CONVENTIONS`).

    With `firmness` (the default) the result also says how firm each answer is on the facts given
    and which questions could still change it (`answers.guide`). Without `unmet_words` each unmet
    entry is its rule id alone (what a compact line keeps: `compact.py`)."""
    return explain(run(case, book, convention), firmness, unmet_words)


def explain(ev: Evaluation, firmness: bool = False, unmet_words: bool = True) -> dict[str, Any]:
    """The result object of one evaluation (with `firmness`: answers, status and questions too)."""
    book, known = ev.book, ev.known
    outcomes: dict[str, Any] = {}
    undetermined: list[str] = []
    ambiguous_names = {a.derived for a in ev.ambiguities}
    fired_rules = ev.fired()
    set_by_fired = {name for r in fired_rules for name in r.sets}
    for name, decl in book.derived.items():
        if decl.outcome is None:
            continue
        in_scope = _in_scope(ev, name)
        if name in known:
            optional_none = known[name] is None and decl.required == "optional" and name not in book.required_when
            if name in set_by_fired or (in_scope and not optional_none):
                outcomes[decl.outcome] = known[name]
        elif name not in ambiguous_names and in_scope:
            undetermined.append(name)
    if not outcomes and not undetermined and not ambiguous_names:
        # nothing the case gives brings an outcome into scope (an empty meeting notice): its kind still
        # asks its outcomes, those its rules can give in the case's area, so they are not yet known
        # (and the questions that decide them are asked) rather than the case reading as decided
        undetermined = [name for name, decl in book.derived.items() if decl.outcome and name not in known and _can_apply(ev, name)]
    invalid = [r for r in fired_rules if r.then.invalid]
    if invalid:
        outcomes[INVALID] = "; ".join(render_because(r, known) for r in invalid)
    elif _proposal_undetermined(ev):
        undetermined.append(INVALID)

    missing: dict[str, dict[str, list[str]]] = {}
    add_missing(ev, undetermined, missing)
    for name in dict.fromkeys(a.derived for a in ev.ambiguities):  # an open outcome may have more candidates
        widening = [r for r in book.setters(name) if name in (r.then.ambiguous or {})]
        _collect_missing(ev, widening, book.derived[name].outcome or name, missing, set())
    status = "ambiguous" if ev.ambiguities else "undetermined" if undetermined else "decided"
    fired = [_fired_entry(ev, rule) for rule in fired_rules]
    unmet_rules = _unmet_rules(ev)
    cited = sorted({cid for entry in fired for cid in entry["cites"]} | {cid for r in unmet_rules for cid in r.cites})
    result = {
        "marking": MARKING,
        "case_id": ev.case.case_id,
        "kind": ev.case.kind,
        "area": ev.case.area,
        "as_of": ev.case.as_of.isoformat() if ev.case.as_of else None,
        "status": status,
        "outcomes": {key: _iso(outcomes[key]) for key in sorted(outcomes)},
        "undetermined": [book.derived[n].outcome if n in book.derived else INVALID for n in undetermined],
        "fired": fired,
        "unmet": _unmet_entries(ev, unmet_rules) if unmet_words else [{"rule": r.id} for r in unmet_rules],
        "missing_facts": [{"fact": fact, **detail} for fact, detail in missing.items()],
        "ambiguities": [_ambiguity_entry(ev, a) for a in ev.ambiguities],
        "supplied": {**({"area": ev.case.area} if ev.case.area else {}), **{k: _iso(v) for k, v in ev.case.facts.items()}},
        "assumed": ev.assumed,
        "citations": {cid: {"title": book.clauses[cid].title, "sources": book.clauses[cid].sources} for cid in cited},
        "ruleset": {"name": book.name, "version": book.version, "sha256": book.sha256,
                    "effective_from": _iso(book.effective_from), "effective_to": _iso(book.effective_to)},
    }
    question = book.open_question_on(ev.case.as_of or dt.date.today())
    if question:
        result["open_questions"] = [question]
    steps = _next_steps(ev, fired_rules)
    if steps:
        result["next_steps"] = steps
    deadlines = _deadlines(ev, fired_rules)
    if deadlines:
        result["deadlines"] = deadlines
        result["calendar"] = {"start_convention": ev.convention, "meaning": CONVENTIONS[ev.convention],
                              "bank_holidays": "England and Wales, substitute days included",
                              "holiday_source": "holidays.UK, subdiv ENG"}
    local = _local_procedure(ev)
    if local:
        result["local_procedure"] = local
    if ev.case.uncertain:
        result["uncertain"] = sorted(ev.case.uncertain)
    if firmness:
        from mappa_rules.answers import guide

        guide(ev, result)
    return result


def _next_steps(ev: Evaluation, fired: list[Rule]) -> list[dict[str, Any]]:
    """Fired step rules in their declared order: what happens next, each with its clause."""
    steps = [r for r in fired if r.then.next_step is not None]
    steps.sort(key=lambda r: r.then.next_step)
    return [{"order": n, "step": render_because(r, ev.known), "rule": r.id, "cites": list(r.cites)}
            for n, r in enumerate(steps, start=1)]


def _deadlines(ev: Evaluation, fired: list[Rule]) -> list[dict[str, Any]]:
    """Every computed date a fired rule used, with how it was computed."""
    used = {f for r in fired for f in (*r.reads, *r.takes_from)}
    out = []
    for name, computed in ev.computed.items():
        if name in used and isinstance(computed.value, dt.date):
            spec = ev.book.computed[name]
            out.append({"name": name, "date": computed.value.isoformat(), "how": computed.how, "meaning": spec.meaning,
                        "cites": list(spec.cites)})
    return out


def _local_procedure(ev: Evaluation) -> dict[str, Any] | None:
    """Whether the case's area has a local procedure for this kind; said plainly when it has none."""
    local = ev.book.local_areas()
    if not local:
        return None
    area, named = ev.case.area, ev.book.local_procedures
    if area is None:
        return {"area": None, "encoded": False, "note": f"No area given: local procedures ({', '.join(named)}) cannot apply."}
    if area in local:
        applied = [name for name in named if area == name or area in ev.book.areas[name].includes]
        shown = ", ".join(name if name == area else f"{name} (covers {area})" for name in applied)
        return {"area": area, "encoded": True, "note": f"Local procedure for this area: {shown}."}
    return {"area": area, "encoded": False,
            "note": f"No local procedure is encoded for {area}: national rules only (local procedures are encoded for {', '.join(local)})."}


def _iso(value: Any) -> Any:
    """Dates as ISO text, so that the result is plain JSON data."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _in_scope(ev: Evaluation, name: str) -> bool:
    """Whether an outcome matters for this case: required (always, or when its condition holds), or,
    for an optional outcome, fed by a fact the case gives (or a date computed from facts it gives).
    An outcome only another area's local procedure concludes is not this case's: it is never
    reported, rather than reported as a silent 'no'."""
    decl, setters = ev.book.derived[name], ev.book.setters(name)
    # only rules that conclude a value bring an outcome into scope: an ambiguity rule alone never
    # makes its outcome a silent "no" where the procedure that answers it is not encoded
    applicable = [rule for rule in setters if name in rule.sets and ev.book.applies_in(rule, ev.case.area)]
    if setters and not applicable:
        return False
    if decl.required == "always":
        return True
    if name in ev.book.required_when:
        return conditions.truth(ev.book.required_when[name], ev.known) is True
    given = set(ev.case.facts) | set(ev.computed)
    return any(fact in given for rule in applicable for fact in rule.reads)


def _can_apply(ev: Evaluation, name: str) -> bool:
    """Whether a rule that concludes this outcome (or leaves it open) can apply to the case: in its
    area, or in some area when the case gives none."""
    return any((name in rule.sets or name in (rule.then.ambiguous or {})) and (ev.case.area is None or ev.book.applies_in(rule, ev.case.area))
               for rule in ev.book.setters(name))


def invalid_rules(book: Rulebook) -> list[Rule]:
    """The rules that reject a proposal (a stated category or level)."""
    return [r for r in book.rules if r.then.invalid]


def _proposal_undetermined(ev: Evaluation) -> bool:
    """A proposal the case makes (a stated category or level) that the rules cannot yet check."""
    rules = invalid_rules(ev.book)
    given = {r.then.invalid for r in rules} & set(ev.case.facts)
    return bool(given) and any(ev.verdicts.get(r.id) is None and r.then.invalid in given for r in rules)


def add_missing(ev: Evaluation, names: list[str], missing: dict[str, dict[str, Any]]) -> None:
    """Add to `missing` the facts not given that the rules setting each named outcome still need."""
    for name in names:
        label = ev.book.derived[name].outcome if name in ev.book.derived else INVALID
        rules = invalid_rules(ev.book) if name == INVALID else ev.book.setters(name)
        _collect_missing(ev, rules, label, missing, set())


def _collect_missing(ev: Evaluation, rules: list[Rule], outcome: str, out: dict, seen: set[str]) -> None:
    for rule in rules:
        if ev.verdicts.get(rule.id) is not None or rule.id in seen:
            continue
        seen.add(rule.id)
        for fact in ev.book.computed_inputs(conditions.missing(rule.when, ev.known), ev.known):
            if fact in ev.book.derived:
                _collect_missing(ev, ev.book.setters(fact), outcome, out, seen)
                continue
            spec = ev.book.facts[fact]
            entry = out.setdefault(fact, {"label": spec.label or spec.meaning, "needed_by": [], "for": [], "meaning": spec.meaning})
            if rule.id not in entry["needed_by"]:
                entry["needed_by"].append(rule.id)
            if outcome not in entry["for"]:
                entry["for"].append(outcome)


def _concludes(book: Rulebook, rule: Rule) -> dict[str, Any]:
    then = rule.then
    out: dict[str, Any] = {}
    for name, value in (then.set or {}).items():
        out[book.derived[name].outcome or name] = value
    if then.ambiguous:
        out["ambiguous"] = {book.derived[n].outcome: c for n, c in then.ambiguous.items()}
    if then.invalid:
        out[INVALID] = then.invalid
    if then.advice:
        out["advice"] = True
    return out


def _fired_entry(ev: Evaluation, rule: Rule) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "title": rule.title,
        "cites": list(rule.cites),
        "because": render_because(rule, ev.known),
        "facts": {k: _iso(v) for k, v in conditions.witness(rule.when, ev.known).items()},
        "concludes": _concludes(ev.book, rule),
        **({"urgent": True} if rule.urgent else {}),
    }


def _unmet_rules(ev: Evaluation) -> list[Rule]:
    """Rules that definitely do not hold and whose conclusion the case did not reach another way."""
    chosen = []
    for rule in ev.book.rules:
        if not rule.report_unmet or ev.verdicts.get(rule.id) is not False:
            continue
        if any(ev.known.get(name, _ABSENT) != value for name, value in rule.sets.items()):
            chosen.append(rule)
    return chosen


_ABSENT = object()


def _unmet_entries(ev: Evaluation, rules: list[Rule]) -> list[dict[str, Any]]:
    """Each rule not met: its failing criteria found once, said in the rules' notation (`unmet`) and in plain
    words (`criteria`); `context_only` when it is another area's procedure, or every criterion that fails is
    on a fact other rules conclude (nothing a practitioner could check in the case itself)."""
    notation = conditions.notation({n: d.meaning for n, d in ev.book.derived.items()})
    plain = criterion_words(ev.book)
    concluded = ev.book.derived.keys() | ev.book.computed.keys()
    entries = []
    for rule in rules:
        found = conditions.failing(rule.when, ev.known)
        failed = conditions.failed_atoms(found)
        context_only = any(a.fact == "area" for a in failed) or all(a.fact in concluded for a in failed)
        entries.append({
            "rule": rule.id,
            "title": rule.title,
            "cites": list(rule.cites),
            "unmet": conditions.said(found, ev.known, notation),
            "criteria": conditions.said(found, ev.known, plain),
            **({"context_only": True} if context_only else {}),
            "would_conclude": _concludes(ev.book, rule),
        })
    return entries


def _ambiguity_entry(ev: Evaluation, ambiguity: Any) -> dict[str, Any]:
    rules = [ev.book.rule(rid) for rid in ambiguity.rules]
    return {
        "outcome": ev.book.derived[ambiguity.derived].outcome,
        "candidates": [_iso(c) for c in ambiguity.candidates],
        "rules": list(ambiguity.rules),
        "cites": sorted({cid for r in rules for cid in r.cites}),
        "reason": ambiguity.reason,
    }


__all__ = ["assess", "explain", "show"]
