"""How firm each answer is: every way the case's unknown facts could turn out, evaluated exactly.

A case rarely gives every fact its kind reads. For each outcome this module takes every completion
of the facts the case does not give (each unknown fact taking each of its values; no fact is ever
defaulted), drops the completions the rules refuse as contradictory, and looks at what the outcome
would then be. It does not list completions one by one: the decision diagrams of `symbolic.py`
hold every combination at once, and a walk restricted to the case's known values finds the
outcomes still reachable.

- `firm`: every completion gives the same answer (a value, or "does not apply");
- `provisional`: one value v is reachable and every other completion leaves the outcome open
  with v among the candidates: the unknowns can only add doubt, never give another answer;
- `open`: the sources conflict on the facts already given (an ambiguity, with candidates), or
  on every completion;
- `needs_answer`: two or more different answers are still reachable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from mappa_rules import conditions
from mappa_rules.cache import cache_dir, write_privately
from mappa_rules.diagram import Diagram, Node, key_of
from mappa_rules.evaluator import Evaluation
from mappa_rules.ruleset import Rule, Rulebook
from mappa_rules.space import MISSING, Given, Variable, input_space
from mappa_rules.symbolic import State, Symbolic

FIRM, PROVISIONAL, OPEN, NEEDS_ANSWER = "firm", "provisional", "open", "needs_answer"
INVALID = "invalid_reason"
REJECTED = "rejected"  # what `invalid_reason` answers, whatever the reasons: the proposal is rejected


@dataclass(frozen=True)
class Result:
    """What a result would report for one outcome on one complete combination of facts.

    how: `value` (reported with `value`), `not_reported` (the outcome does not apply), `open`
    (ambiguous: `candidates`, from `rules`), `unknown` (undetermined: on a complete combination,
    only because it rests on another outcome that is open) or `refused` (the combination
    contradicts itself, VAL-3: not a case at all).
    """

    how: str
    value: Any = None
    candidates: tuple[Any, ...] = ()
    rules: tuple[str, ...] = ()

    def diagram_key(self) -> Any:
        return (self.how, key_of(self.value), tuple(key_of(c) for c in self.candidates), self.rules)

    @property
    def doubt(self) -> bool:
        """An open result, or one blocked by another open outcome: it adds doubt, never another answer."""
        return self.how in ("open", "unknown")

    def admits(self, value: Any) -> bool:
        """Whether this doubtful result keeps `value` among its possibilities."""
        return self.how == "unknown" or _includes(self.candidates, value)

    @property
    def answer(self) -> Any:
        """The answer this result gives, comparable across results: a value, or 'does not apply'."""
        return key_of(self.value) if self.how == "value" else ("not_reported",)


REFUSED = Result("refused")


@dataclass
class Firmness:
    """One outcome's firmness on the facts given."""

    outcome: str
    firmness: str
    value: Any = None
    applies: bool = True
    candidates: list[Any] = field(default_factory=list)
    reachable: list[Result] = field(default_factory=list)


class CompletionSpace:
    """The diagrams of one kind's outcomes over every combination of its facts (built once, then reused).

    `CompletionSpace(book)` builds them (about a second for a `case`); `stored(book)` reads them from
    the cache folder when an earlier run wrote them for the same rulebook and code, else builds and
    writes them there."""

    def __init__(self, book: Rulebook, build: bool = True) -> None:
        self.book = book
        self.variables: tuple[Variable, ...] = input_space(book).variables
        self.levels = {v.name: i for i, v in enumerate(self.variables)}
        self.outcomes = [name for name, d in book.derived.items() if d.outcome is not None]
        self._atoms = {name: [a for r in book.rules for a in conditions.atoms(r.when) if a.fact == name] for name in self.levels}
        self._located: dict[Any, int] = {}
        if build:
            self._build()

    def _build(self) -> None:
        book = self.book
        self.symbolic = Symbolic(book)
        self.diagram = self.symbolic.diagram
        refusals = [self.symbolic.fires(r) for r in book.rules if r.then.reject]
        self.refused = self.symbolic.any_of(refusals)
        self.roots: dict[str, Node] = {name: self._result(name, self.refused) for name in self.outcomes}
        if any(r.then.invalid for r in book.rules):
            self.roots[INVALID] = self._invalid()
        # the same outcomes ignoring refusals: which facts an outcome itself depends on
        never = self.symbolic.diagram.const(False)
        self.bare: dict[str, Node] = {name: self._result(name, never) for name in self.outcomes}
        if INVALID in self.roots:
            self.bare[INVALID] = self.roots[INVALID]

    # --- the cache ------------------------------------------------------------------------------
    @classmethod
    def stored(cls, book: Rulebook) -> "CompletionSpace":
        """The space from the cache when it holds this rulebook's (same rules, same code), else built and stored."""
        path = _cache_path(book)
        if path is not None and path.is_file():
            try:
                return cls._load(book, json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError, IndexError):
                pass  # a stale or damaged cache file is rebuilt
        space = cls(book)
        if path is not None:
            space._save(path)
        return space

    def _save(self, path: Path) -> None:
        """Only the nodes the roots reach, renumbered; terminals as JSON data."""
        d = self.diagram
        order: dict[int, int] = {}
        stack = [*self.roots.values(), *self.bare.values()]
        while stack:
            node = stack.pop()
            if node in order:
                continue
            order[node] = len(order)
            if not d.is_terminal(node):
                stack.extend(d._children[node])
        nodes = [None] * len(order)
        for node, at in order.items():
            nodes[at] = ["t", _encode(d.value(node))] if d.is_terminal(node) else [d._level[node], [order[c] for c in d._children[node]]]
        data = {"rules": self.book.sha256, "kind": self.book.kind, "code": CODE_VERSION, "nodes": nodes,
                "roots": {n: order[r] for n, r in self.roots.items()}, "bare": {n: order[r] for n, r in self.bare.items()}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return  # no cache folder to write to: the next run builds them again
        write_privately(path, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @classmethod
    def _load(cls, book: Rulebook, data: dict[str, Any]) -> "CompletionSpace":
        if (data["rules"], data["kind"], data["code"]) != (book.sha256, book.kind, CODE_VERSION):
            raise ValueError("the cache holds another rulebook")
        space = cls(book, build=False)
        diagram = Diagram([v.values for v in space.variables])
        built: dict[int, Node] = {}

        def build(at: int) -> Node:
            if at in built:
                return built[at]
            entry = data["nodes"][at]
            node = diagram.const(_decode(entry[1])) if entry[0] == "t" else diagram.node(entry[0], [build(c) for c in entry[1]])
            built[at] = node
            return node

        space.diagram = diagram
        space.roots = {name: build(at) for name, at in data["roots"].items()}
        space.bare = {name: build(at) for name, at in data["bare"].items()}
        return space

    # --- what a complete combination reports ---------------------------------------------------
    def _result(self, name: str, refused: Node) -> Node:
        sym, d = self.symbolic, self.symbolic.diagram
        decl = self.book.derived[name]
        scope = self._scope(name)
        relevance = (sym.truth(self.book.required_when[name]) if name in self.book.required_when else d.const(True))
        optional_none_possible = decl.required == "optional" and name not in self.book.required_when
        candidates = {r.id: tuple(self._candidate(c) for c in r.then.ambiguous[name])
                      for r in self.book.setters(name) if name in (r.then.ambiguous or {})}

        def report(refused: bool, state: State, in_scope: Any, relevant: Any) -> Result:
            if refused:
                return REFUSED
            if relevant is None and state.how == "set":
                return Result("unknown")  # whether it matters rests on an outcome that is open: doubt
            if state.how == "open":
                return Result("open", candidates=tuple(dict.fromkeys(c for rid in state.rules for c in candidates[rid])),
                              rules=state.rules)
            if state.how == "conflict":
                return Result("open", candidates=tuple(v for v, _ in state.values), rules=state.rules)
            if state.how == "set":
                return Result("value", _plain(state.value))
            if state.how == "closed":
                optional_none = state.value is None and optional_none_possible
                return Result("value", state.value) if in_scope is True and not optional_none else Result("not_reported")
            return Result("unknown") if in_scope is True else Result("not_reported")

        return d.apply(report, [refused, sym.state(name), scope, relevance], ("report", name))

    def _candidate(self, value: Any) -> Any:
        """An ambiguity candidate as the diagrams hold values: one taken from a date fact is that date."""
        if isinstance(value, dict) and "fact" in value:
            name = value["fact"]
            return Given(name, "a computed date") if name in self.book.computed else Given(name, "a date")
        return value

    def _scope(self, name: str) -> Node:
        """Whether the outcome matters on each combination (mirrors `explain._in_scope` for a complete case)."""
        sym, d = self.symbolic, self.symbolic.diagram
        decl, all_setters = self.book.derived[name], self.book.setters(name)
        setters = [r for r in all_setters if name in r.sets]  # an ambiguity rule alone brings nothing in scope
        fed = [r for r in setters if any(f in self.book.facts and not self.book.facts[f].proposal or f in self.book.computed
                                         for f in r.reads)]

        def applicable(area: Any, rules: Iterable[Rule]) -> bool:
            # not given: may apply; any other area (Given): no area's local procedure covers it
            where = None if area is MISSING or area is None else "\0other" if isinstance(area, Given) else area
            return any(self.book.applies_in(r, where) for r in rules)

        area_level = self.levels.get("area")
        if area_level is None:
            some_applies = d.const(bool(setters) or not all_setters)
            fed_applies = d.const(bool(fed))
        else:
            some_applies = d.test(area_level, lambda a: applicable(a, setters) or not all_setters)
            fed_applies = d.test(area_level, lambda a: applicable(a, fed))
        if decl.required == "always":
            rest = d.const(True)
        elif name in self.book.required_when:
            rest = sym.where(lambda t: t is True, [sym.truth(self.book.required_when[name])], ("required", name))
        else:
            rest = fed_applies
        return sym.all_of([some_applies, rest])

    def _invalid(self) -> Node:
        """`invalid_reason` on each combination: rejected (by the invalid rules that fire), unknown while a
        proposal cannot be checked, else not reported."""
        sym, d = self.symbolic, self.symbolic.diagram
        rules = [r for r in self.book.rules if r.then.invalid]
        args = [self.refused] + [sym.verdict(r) for r in rules] + [sym.present(r.then.invalid) if r.then.invalid in self.levels
                                                                   else d.const(False) for r in rules]

        def report(refused: bool, *values: Any) -> Result:
            if refused:
                return REFUSED
            verdicts, given = values[: len(rules)], values[len(rules):]
            fired = tuple(r.id for r, v in zip(rules, verdicts) if v is True)
            if fired:  # the answer is the rejection; which reasons it rests on is the rationale
                return Result("value", REJECTED, rules=fired)
            if any(v is None and g for v, g in zip(verdicts, given)):
                return Result("unknown")
            return Result("not_reported")

        return d.apply(report, args, ("report", INVALID))

    # --- one case ---------------------------------------------------------------------------------
    def allowed(self, ev: Evaluation) -> list[frozenset[int] | None]:
        """For each variable, the value positions a completion of this case may take.

        A fact the case gives is fixed; a proposal it does not make stays absent; every other fact
        it does not give takes any real value, never "not given".
        """
        given = dict(ev.case.facts)
        if ev.case.area is not None:
            given["area"] = ev.case.area
        silent = self.silent(set(given), ev.case.uncertain)
        out: list[frozenset[int] | None] = []
        for variable in self.variables:
            name = variable.name
            if variable.computed_from:
                if name in ev.computed:
                    out.append(frozenset({variable.index(ev.computed[name].value)}))
                else:
                    out.append(self._real(variable))
            elif name in given:
                out.append(frozenset({self.locate(variable, given[name])}))
            elif name in silent or name in self.book.facts and self.book.facts[name].proposal:
                out.append(frozenset({variable.index(MISSING)}))
            else:
                out.append(self._real(variable))
        return out

    @staticmethod
    def _real(variable: Variable) -> frozenset[int]:
        return frozenset(i for i, v in enumerate(variable.values) if v is not MISSING)

    def locate(self, variable: Variable, value: Any) -> int:
        """The position of the space value that behaves as a case's value does under every condition."""
        if variable.fact_type in ("date", "text"):
            return self._locate(variable, value)  # cheap, and too many distinct values to keep
        key = (variable.name, type(value).__name__, value)
        found = self._located.get(key)
        if found is None:
            found = self._located[key] = self._locate(variable, value)
        return found

    def _locate(self, variable: Variable, value: Any) -> int:
        if value is None:
            return variable.index(None)
        if variable.fact_type == "date":
            return next(i for i, v in enumerate(variable.values) if isinstance(v, Given))
        if variable.fact_type == "text":
            named = [i for i, v in enumerate(variable.values) if isinstance(v, str) and v == value]
            return named[0] if named else next(i for i, v in enumerate(variable.values) if isinstance(v, Given))
        try:
            return variable.index(value)
        except KeyError:
            pass
        atoms = self._atoms[variable.name]
        wanted = tuple(conditions.truth(a, {variable.name: value}) for a in atoms)
        for at, candidate in enumerate(variable.values):
            if candidate is MISSING or candidate is None:
                continue
            if tuple(conditions.truth(a, {variable.name: candidate}) for a in atoms) == wanted:
                return at
        raise KeyError(f"{variable.name}: no value of the space behaves like {value!r}")

    def unknown(self, given: set[str], uncertain: Iterable[str] = ()) -> set[str]:
        """The facts a case that gives `given` does not give (proposals and unused alternatives aside):
        a completion may give them any value."""
        silent = self.silent(given, uncertain)
        return {v.name for v in self.variables if not v.computed_from and v.name not in given and v.name not in silent
                and not (v.name in self.book.facts and self.book.facts[v.name].proposal)}

    def silent(self, given: set[str], uncertain: Iterable[str] = ()) -> dict[str, str]:
        """Facts a completion leaves out because the case states the same thing another way (or, where it
        states neither, would be asked the other way first), each with the fact it is an alternative to.
        When nobody knows the first way (`uncertain`), the other way is asked instead."""
        uncertain = set(uncertain)
        out: dict[str, str] = {}
        groups: dict[str, list[str]] = {}
        for name, spec in self.book.facts.items():
            if spec.alternative_to and name in self.levels:
                groups.setdefault(spec.alternative_to, []).append(name)
        for primary, others in groups.items():
            if any(o in given for o in others):
                if primary not in given:
                    out[primary] = others[0]
            elif primary in uncertain:
                continue  # not known that way: the alternatives are free, and asked
            else:
                out.update({o: primary for o in others if o not in given})
        return out

    def reachable(self, allowed: list[frozenset[int] | None], free: set[str] | None = None) -> dict[str, list[Result]]:
        """Every result each outcome can still give within `allowed` (refused combinations dropped).

        A value that is a date among the `free` facts (not given by the case), or computed from one,
        is not known yet, whatever the rules say of it: it is reported as `unpinned`, so it needs an answer.
        """
        names = list(self.roots)
        found = self.diagram.reachable([self.roots[n] for n in names], allowed)
        free = free or set()
        out = {}
        for name, results in zip(names, found):
            out[name] = [self._pinned(r, free) for r in results if r.how != "refused"]
        return out

    def _pinned(self, result: Result, free: set[str]) -> Result:
        if result.how == "value" and any(self._free_date(g.fact, free) for g in _givens(result.value)):
            return Result("value", ("unpinned", result.value))
        return result

    def made_of(self, value: Any, date: str) -> bool:
        """Whether a value holds a date fact, or a date computed from it."""
        return any(g.fact == date or self._free_date(g.fact, {date}) for g in _givens(value))

    def _free_date(self, name: str, free: set[str]) -> bool:
        if name in self.book.computed:
            return any(self._free_date(i, free) for i in self.book.computed[name].inputs)
        return name in free


def classify(name: str, results: list[Result], current_open: list[Any] | None) -> Firmness:
    """An outcome's firmness from the results its completions can give (see the module docstring)."""
    if current_open is not None:
        return Firmness(name, OPEN, candidates=list(current_open), reachable=results)
    answers: dict[Any, Result] = {}
    doubts = [r for r in results if r.doubt]
    for result in results:
        if result.how in ("value", "not_reported"):
            answers.setdefault(result.answer, result)
    if not results:
        return Firmness(name, FIRM, applies=False, reachable=results)
    if any(isinstance(r.value, tuple) and r.value[:1] == ("unpinned",) for r in answers.values()):
        return Firmness(name, NEEDS_ANSWER, reachable=results)  # a date the case has not given yet
    if len(answers) == 1:
        only = next(iter(answers.values()))
        value, applies = (only.value, True) if only.how == "value" else (None, False)
        if not doubts:
            return Firmness(name, FIRM, value, applies, reachable=results)
        if all(d.admits(value) if applies else d.how == "unknown" for d in doubts):
            return Firmness(name, PROVISIONAL, value, applies, reachable=results)
    if not answers:
        candidates = list(dict.fromkeys(c for d in doubts for c in d.candidates))
        return Firmness(name, OPEN, candidates=candidates, reachable=results)
    return Firmness(name, NEEDS_ANSWER, reachable=results)


def _givens(value: Any) -> list[Given]:
    """The dates (as the diagrams hold them) a value is made of."""
    if isinstance(value, Given):
        return [value]
    if isinstance(value, tuple):
        return [g for v in value for g in _givens(v)]
    return []


def _includes(candidates: tuple[Any, ...], value: Any) -> bool:
    return any(key_of(_plain(c)) == key_of(_plain(value)) for c in candidates)


def _plain(value: Any) -> Any:
    """Diagram values as results hold them: tuples back to lists for JSON, kept hashable for keys."""
    return tuple(value) if isinstance(value, list) else value


def to_json_value(value: Any) -> Any:
    """A result value as JSON data (a date the case has not given yet is said so)."""
    if isinstance(value, tuple) and value[:1] == ("unpinned",):
        return "a date not given yet"
    if isinstance(value, tuple) and value[:1] == ("earliest of",):
        return "the earliest of its dates"
    if isinstance(value, tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, Given):
        return value.label
    return json.loads(json.dumps(value, default=str))


def reachable_answers(book: Rulebook, name: str, results: list[Result]) -> list[Any]:
    """What a needs_answer outcome can still become, in order: its values, then `{"open": [...]}` for
    each way it could be left open, then 'does not apply' as null (for a proposal: 'not rejected')."""
    values: dict[Any, Any] = {}
    for r in results:
        if r.how == "value":
            values.setdefault(r.answer, plain_value(book, r.value))
    found = ordered(list(values.values()))
    for r in results:
        if r.how == "open":
            opened = {"open": ordered([plain_value(book, c) for c in r.candidates])}
            if opened not in found:
                found.append(opened)
    if any(r.how == "not_reported" for r in results):
        found.append("not rejected" if name == INVALID else None)
    return found


def plain_value(book: Rulebook, value: Any) -> Any:
    """A result value as JSON data, a date the rules name said in words ('the date the imminent-risk
    concern arose'; 'the first working day after it')."""
    if isinstance(value, Given):
        if value.fact in book.computed:
            return _lower_first(book.computed[value.fact].meaning)
        spec = book.facts.get(value.fact)
        return "the " + _lower_first(spec.label) if spec is not None and spec.label and spec.type == "date" else value.label
    if isinstance(value, tuple) and value[:1] not in (("unpinned",), ("earliest of",)):
        return [plain_value(book, v) for v in value]
    return to_json_value(value)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def ordered(values: list[Any]) -> list[Any]:
    """Candidates in their natural order where they have one (1, 2, 4), else as found."""
    try:
        return sorted(values)
    except TypeError:
        return values


# The code the diagrams are built by: a change to any of these files makes the cache rebuild them.
_BUILT_BY = ("firmness.py", "symbolic.py", "space.py", "diagram.py", "conditions.py", "evaluator.py", "ruleset.py", "explain.py")
CODE_VERSION = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in _BUILT_BY)).hexdigest()[:16]


def _cache_path(book: Rulebook) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"space-{book.sha256[:24]}-{book.kind or 'case'}-{CODE_VERSION}.json"


def _encode(value: Any) -> Any:
    """A terminal value as JSON data."""
    if isinstance(value, Result):
        return {"result": [value.how, _encode(value.value), [_encode(c) for c in value.candidates], list(value.rules)]}
    if isinstance(value, Given):
        return {"given": [value.fact, value.label]}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if value is MISSING:
        return {"missing": True}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    raise TypeError(f"cannot store {value!r}")


def _decode(data: Any) -> Any:
    if isinstance(data, dict):
        if "result" in data:
            how, value, candidates, rules = data["result"]
            return Result(how, _decode(value), tuple(_decode(c) for c in candidates), tuple(rules))
        if "given" in data:
            return Given(*data["given"])
        if "tuple" in data:
            return tuple(_decode(v) for v in data["tuple"])
        if "missing" in data:
            return MISSING
    return data
