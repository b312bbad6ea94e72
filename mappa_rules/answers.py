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

from mappa_rules import conditions
from mappa_rules.conditions import atoms
from mappa_rules.evaluator import Evaluation
from mappa_rules.explain import add_missing, invalid_rules
from mappa_rules.firmness import (FIRM, NEEDS_ANSWER, OPEN, PROVISIONAL, CompletionSpace, Firmness, classify, ordered, plain_value,
                                  reachable_answers, to_json_value)
from mappa_rules.ruleset import Rulebook
from mappa_rules.space import Given
from mappa_rules.wording import condition_words

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
    keys = {name: _key(book, name) for name in analysis.firm}
    for name, f in analysis.firm.items():
        key = keys[name]
        entry: dict[str, Any] = {"firmness": f.firmness, "applies": f.applies, "in_scope": key in scope,
                                 "value": None, "candidates": [], "could_change_if": analysis.changes.get(name, [])}
        if f.firmness in (FIRM, PROVISIONAL) and f.applies:
            entry["value"] = result["outcomes"][key] if key in result["outcomes"] else plain_value(book, f.value)
        if f.firmness == OPEN:
            entry["candidates"] = ordered([plain_value(book, c) for c in f.candidates])
            if not entry["candidates"]:
                entry["rests_on"] = _rests_on(book, name, analysis.firm)
        elif f.firmness == NEEDS_ANSWER:
            entry["candidates"] = reachable_answers(book, name, f.reachable)
        found[key] = entry
    for name, f in analysis.firm.items():
        entry = found[keys[name]]
        if entry["in_scope"] and f.firmness == FIRM and f.applies and keys[name] not in result["outcomes"]:
            follows = follows_from(ev, name, f.value)  # reached by no rule on the facts given, yet the only answer
            if follows:
                entry["follows_from"] = follows
                cited = {cid for route in follows["routes"] for rule in route for cid in rule["cites"]} - result["citations"].keys()
                if cited:  # the result's citations stay in clause order
                    result["citations"] = dict(sorted({**result["citations"], **{cid: {"title": book.clauses[cid].title,
                                                       "sources": book.clauses[cid].sources} for cid in cited}}.items()))
    _keep_firm_outcomes(ev, result, keys, found)
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


def _rests_on(book: Rulebook, name: str, firm: dict[str, Firmness]) -> list[str]:
    """The open outcomes an outcome is read from (it stays open until they are settled)."""
    setters = book.setters(name) if name in book.derived else invalid_rules(book)
    conditions_read = [r.when for r in setters]
    if name in book.required_when:
        conditions_read.append(book.required_when[name])
    read = dict.fromkeys(a.fact for c in conditions_read for a in atoms(c))
    return [_key(book, other) for other in read if other in firm and other != name and firm[other].firmness == OPEN]


def _keep_firm_outcomes(ev: Evaluation, result: dict[str, Any], keys: dict[str, str], found: dict[str, Any]) -> None:
    """`outcomes` holds firm values only: a value the rules reached on the facts given that a fact not
    given could still change (or leave open) moves to `undetermined`, with the facts it waits on."""
    opened = {a["outcome"] for a in result["ambiguities"]}
    moved = [name for name, key in keys.items() if key in result["outcomes"] and found[key]["firmness"] != FIRM]
    for name in moved:
        key = keys[name]
        del result["outcomes"][key]
        if key not in result["undetermined"] and key not in opened:
            result["undetermined"].append(key)
    if moved:
        missing = {entry["fact"]: entry for entry in result["missing_facts"]}
        add_missing(ev, moved, missing)
        result["missing_facts"] = [{**detail, "fact": fact} for fact, detail in missing.items()]


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


ROUTES = 24  # at most this many ways listed for one answer


def follows_from(ev: Evaluation, name: str, value: Any) -> dict[str, Any] | None:
    """Why an answer no rule reached on the facts given is still the only one: the ways the rules can
    give it that have not failed, each a rule or rules that must all hold (a rule that only combines
    others' conclusions, like the category precedence, with a way to each of them), and the facts not
    given that they read. Every way those facts can turn out that fits the facts given meets one of
    these ways (the firmness analysis established it)."""
    book = ev.book
    if name not in book.derived:  # a proposal's rejection: its reasons are the rules that fired
        return None

    def ways(fact: str, wanted: Any, path: frozenset[str]) -> list[tuple[str, ...]]:
        """Each way as the ids of the rules it needs."""
        found: list[tuple[str, ...]] = []
        for rule in book.setters(fact):
            if rule.id in path or ev.verdicts.get(rule.id) is False or fact not in rule.sets or rule.sets[fact] != wanted:
                continue
            missing = conditions.missing(rule.when, ev.known)
            needed = [a for a in atoms(rule.when) if a.fact in book.derived and a.fact not in ev.known
                      and a.op == "is" and a.value not in (None, False)]
            if not (needed and all(f in book.derived for f in missing)):
                found.append((rule.id,))
                continue
            combined: list[tuple[str, ...]] = [(rule.id,)]  # the rule itself, with a way to each conclusion it needs
            for atom in needed:
                alternatives = ways(atom.fact, atom.value, path | {rule.id})
                combined = [c + tuple(r for r in alt if r not in c) for c in combined for alt in alternatives][:ROUTES]
            found.extend(combined)
        return list(dict.fromkeys(found))[:ROUTES]

    routes = [[book.rule(rid) for rid in route] for route in ways(name, value, frozenset())]
    if not routes:
        return None
    rules = list({rule.id: rule for route in routes for rule in route}.values())
    facts = list(dict.fromkeys(f for rule in rules for f in book.computed_inputs(conditions.missing(rule.when, ev.known), ev.known)
                               if f in book.facts))
    return {"routes": [[{"rule": r.id, "title": r.title, "cites": list(r.cites)} for r in route] for route in routes],
            "facts": [{"fact": f, "label": book.facts[f].label or book.facts[f].meaning} for f in facts]}


def _scope(result: dict[str, Any]) -> set[str]:
    """The outcomes this case asks about as given: reported, undetermined or open now."""
    return set(result["outcomes"]) | set(result["undetermined"]) | {a["outcome"] for a in result["ambiguities"]}


def _key(book: Rulebook, name: str) -> str:
    return book.derived[name].outcome or name if name in book.derived else name


def _changes(space: CompletionSpace, allowed: list, name: str) -> list[dict[str, Any]]:
    """Ways the unknown facts could turn a provisional value open: for each, the fewest facts that make
    it open whatever the other unknown facts are (each with every value that does so), and what it then
    becomes: open between the candidates every such completion shares (`open`), and possibly more (`or_also`)."""
    d, root, book = space.diagram, space.roots[name], space.book
    changes: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for path, _ in d.paths(root, allowed, lambda r: r.how == "open", limit=8 * MAX_CHANGES):
        fixed = {level: frozenset({at}) for level, at in path.items() if allowed[level] is None or len(allowed[level]) > 1}
        for level in sorted(fixed):  # drop every fact the change does not need
            trial = {lv: at for lv, at in fixed.items() if lv != level}
            if _always_open(d, root, allowed, trial):
                fixed = trial
        for level in sorted(fixed):  # and keep every value of a fact that does the same
            options = allowed[level] if allowed[level] is not None else frozenset(range(len(space.variables[level].values)))
            fixed[level] = frozenset(at for at in options if _always_open(d, root, allowed, {**fixed, level: frozenset({at})}))
        signature = tuple(sorted((level, tuple(sorted(at))) for level, at in fixed.items()))
        if signature in seen:
            continue
        seen.add(signature)
        [reached] = d.reachable([root], _narrowed(allowed, fixed))
        opened = [r for r in reached if r.how == "open"]
        shared = [plain_value(book, c) for c in opened[0].candidates if all(_has(r.candidates, c) for r in opened)]
        every = [plain_value(book, c) for c in dict.fromkeys(c for r in opened for c in r.candidates)]
        more = [c for c in every if c not in shared]
        rules = list(dict.fromkeys(rid for r in opened for rid in r.rules))
        facts = {space.variables[level].name: _values(space.variables[level], at) for level, at in sorted(fixed.items())}
        words = [condition_words(book, space.variables[level], at) for level, at in sorted(fixed.items())]
        changes.append({"facts": facts, "said": " and ".join(words),
                        "becomes": {"open": ordered(shared), **({"or_also": ordered(more)} if more else {})},
                        "rules": rules, "cites": sorted({cid for rid in rules for cid in book.rule(rid).cites})})
        if len(changes) >= MAX_CHANGES:
            break
    return changes


def _has(candidates: tuple[Any, ...], value: Any) -> bool:
    return any(to_json_value(c) == to_json_value(value) for c in candidates)


def _narrowed(allowed: list, fixed: dict[int, frozenset[int]]) -> list:
    return [fixed[level] if level in fixed else positions for level, positions in enumerate(allowed)]


def _always_open(d: Any, root: int, allowed: list, fixed: dict[int, frozenset[int]]) -> bool:
    [reached] = d.reachable([root], _narrowed(allowed, fixed))
    return bool(reached) and all(r.how in ("open", "refused") for r in reached) and any(r.how == "open" for r in reached)


def _values(variable: Any, positions: frozenset[int]) -> Any:
    """The values of a fact on a way to change: one value, or the list of them (a range or a date in words)."""
    shown = [_shown(variable, at) for at in sorted(positions)]
    return shown[0] if len(shown) == 1 else shown


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
