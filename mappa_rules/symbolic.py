"""The evaluator's semantics over every input combination at once, as decision diagrams.

This mirrors `evaluator.run` exactly (three-valued conditions, strata, `_settle`, the vocabulary
default, computed facts), but where the evaluator holds one case's values, a diagram here holds a
value for every combination of the input space. `mappa check` asks these diagrams its questions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from mappa_rules import conditions
from mappa_rules.conditions import All, Atom, Condition
from mappa_rules.diagram import MAX_NODES, Diagram, Node, key_of
from mappa_rules.ruleset import PLACEHOLDER, Rule, Rulebook
from mappa_rules.space import MISSING, Given, Space, input_space


@dataclass(frozen=True)
class State:
    """What settling gives a derived fact on one combination (mirrors `evaluator._settle`).

    how: `set` (fired rules give `value`), `closed` (every rule that could set it is false: false or
    none), `unknown` (a rule that could set it depends on a missing fact), `open` (an ambiguity rule
    fired: a declared open question) or `conflict` (fired rules give different values).
    """

    how: str
    value: Any = None
    rules: tuple[str, ...] = ()
    values: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def diagram_key(self) -> Any:
        """Distinct for distinct states, even where Python says 1 == True (see `diagram.key_of`)."""
        return (self.how, key_of(self.value), self.rules, tuple((key_of(v), ids) for v, ids in self.values))

    def by_rule(self) -> dict[str, str]:
        """For a conflict: each fired rule and the value it gives (as JSON text)."""
        return {rid: json.dumps(value, default=str, sort_keys=True) for value, ids in self.values for rid in ids}

    @property
    def known(self) -> bool:
        """Whether later rules see a value (the evaluator puts it in `known`)."""
        return self.how in ("set", "closed")


class Symbolic:
    """Diagrams of one kind's facts, rule verdicts and derived-fact states, built on demand."""

    def __init__(self, book: Rulebook, max_nodes: int = MAX_NODES) -> None:
        self.book = book
        self.space: Space = input_space(book)
        self.diagram = Diagram([v.values for v in self.space.variables], max_nodes)
        self._levels = {v.name: i for i, v in enumerate(self.space.variables)}
        self._values: dict[str, Node] = {}
        self._verdicts: dict[str, Node] = {}
        self._states: dict[str, Node] = {}
        self._truths: dict[str, Node] = {}

    # --- facts -------------------------------------------------------------------------------
    def value(self, name: str) -> Node:
        """The value the evaluator's `known` holds for a fact, or MISSING."""
        if name not in self._values:
            self._values[name] = self._value(name)
        return self._values[name]

    def _value(self, name: str) -> Node:
        d = self.diagram
        if name in self.book.derived:
            return d.apply(lambda s: s.value if s.known else MISSING, [self.state(name)], ("known", name))
        if name in self.book.computed:
            inputs = self.book.computed[name].inputs
            present = self.all_of([self.present(i) for i in inputs])
            inner = d.test(self._levels[name], lambda v: v) if name in self._levels else d.const(Given(name, "a computed date"))
            return d.apply(lambda p, v: v if p else MISSING, [present, inner], ("computed", name))
        return d.test(self._levels[name], lambda v: v)

    def present(self, name: str) -> Node:
        """True where the fact has a value that is not null (what the calendar needs to compute)."""
        return self.diagram.apply(lambda v: v is not MISSING and v is not None, [self.value(name)], ("present",))

    # --- conditions and rules ----------------------------------------------------------------
    def truth(self, node: Condition) -> Node:
        """True / False / None (unknown) for every combination, as `conditions.truth` gives."""
        key = repr(node)  # not the node: Atom(x, is, 1) == Atom(x, is, True) in Python
        if key not in self._truths:
            self._truths[key] = self._truth(node)
        return self._truths[key]

    def _truth(self, node: Condition) -> Node:
        d = self.diagram
        if isinstance(node, Atom):
            def atom_truth(value: Any, atom: Atom = node) -> bool | None:
                return conditions.truth(atom, {} if value is MISSING else {atom.fact: value})
            return d.apply(atom_truth, [self.value(node.fact)], ("atom", repr(node)))
        items = [self.truth(item) for item in node.items]
        if isinstance(node, All):
            return d.apply(_kleene_all, items, ("all", len(items)))
        return d.apply(_kleene_any, items, ("any", len(items)))

    def verdict(self, rule: Rule) -> Node:
        """The rule's verdict (True fires, False does not, None unknown) on every combination."""
        if rule.id not in self._verdicts:
            self._verdicts[rule.id] = self.truth(rule.when)
        return self._verdicts[rule.id]

    def fires(self, rule: Rule) -> Node:
        return self.diagram.apply(lambda v: v is True, [self.verdict(rule)], ("is-true",))

    # --- derived facts ---------------------------------------------------------------------
    def state(self, name: str) -> Node:
        """The State a derived fact settles to on every combination."""
        if name not in self._states:
            self._states[name] = self._settle(name)
        return self._states[name]

    def _settle(self, name: str) -> Node:
        setters = self.book.setters(name)
        ambiguous = [r for r in setters if name in (r.then.ambiguous or {})]
        setting = [r for r in setters if name in r.sets]
        takes = [list(_takes(r.sets[name])) for r in setting]
        decl = self.book.derived[name]
        args = [self.verdict(r) for r in setters] + [self.value(f) for names in takes for f in names]
        setter_ids = [r.id for r in setters]
        closed = False if decl.type == "bool" else None

        def settle(*values: Any) -> State:
            verdicts = dict(zip(setter_ids, values[: len(setters)]))
            fired_open = tuple(r.id for r in ambiguous if verdicts[r.id] is True)
            if fired_open:
                return State("open", rules=fired_open)
            taken = iter(values[len(setters):])
            found: dict[str, tuple[Any, list[str]]] = {}
            for rule, names in zip(setting, takes):
                given = {n: next(taken) for n in names}
                if verdicts[rule.id] is True:
                    value = _resolve(rule.sets[name], given)
                    found.setdefault(json.dumps(value, default=str, sort_keys=True), (value, []))[1].append(rule.id)
            if decl.combine == "union" and found:
                return State("set", tuple(dict.fromkeys(v for value, _ in found.values() for v in _as_tuple(value))))
            if decl.combine == "earliest" and found:
                options = [value for value, _ in found.values()]
                if len(options) == 1:
                    return State("set", options[0])
                return State("set", ("earliest of",) + tuple(sorted(options, key=repr)))
            if len(found) > 1:
                pairs = tuple((_as_tuple(value), tuple(ids)) for value, ids in found.values())
                return State("conflict", values=pairs, rules=tuple(i for _, ids in pairs for i in ids))
            if found:
                value, ids = next(iter(found.values()))
                return State("set", _as_tuple(value), rules=tuple(ids))
            if all(verdicts[r] is False for r in setter_ids):
                return State("closed", closed)
            return State("unknown")

        return self.diagram.apply(settle, args, ("settle", name))

    # --- helpers -----------------------------------------------------------------------------
    def all_of(self, nodes: list[Node]) -> Node:
        if not nodes:
            return self.diagram.const(True)
        return self.diagram.apply(lambda *v: all(v), nodes, ("and", len(nodes)))

    def any_of(self, nodes: list[Node]) -> Node:
        if not nodes:
            return self.diagram.const(False)
        return self.diagram.apply(lambda *v: any(v), nodes, ("or", len(nodes)))

    def where(self, function: Callable[..., bool], nodes: list[Node], key: Any) -> Node:
        """A yes/no diagram from a test of other diagrams' values (`key` names the test)."""
        return self.diagram.apply(lambda *v: bool(function(*v)), nodes, key)


def takes_from(rule: Rule) -> dict[str, list[str]]:
    """For each fact a rule sets, the facts its value is taken from."""
    return {name: list(_takes(value)) for name, value in rule.sets.items()}


def _takes(value: Any) -> list[str]:
    if isinstance(value, dict) and "fact" in value:
        return [value["fact"]]
    if isinstance(value, dict) and "format" in value:
        return list(dict.fromkeys(PLACEHOLDER.findall(value["format"])))
    return []


def _resolve(value: Any, given: dict[str, Any]) -> Any:
    """A conclusion's value, as `evaluator.resolve` gives it (a taken fact that is missing stays MISSING)."""
    if isinstance(value, dict) and "fact" in value:
        return given[value["fact"]]
    if isinstance(value, dict) and "format" in value:
        if any(v is MISSING for v in given.values()):
            return MISSING
        return value["format"].format(**{k: str(v) for k, v in given.items()})
    return value


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _kleene_all(*values: bool | None) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def _kleene_any(*values: bool | None) -> bool | None:
    if True in values:
        return True
    return None if None in values else False


__all__ = ["MISSING", "Given", "State", "Symbolic", "takes_from"]
