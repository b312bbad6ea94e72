"""The condition language of the rulesets, its three-valued evaluation and its explanations.

A condition is `{all: [...]}`, `{any: [...]}` or an atom `{fact: NAME, OP: VALUE}`. Evaluation
is three-valued (Kleene): an atom over a fact the case does not give is *unknown*; an atom over a
fact whose value is null holds only for `is: null`. durable-rules matches exactly the conditions
that evaluate to True here, which the evaluator checks on every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Union

OPERATORS: dict[str, str] = {
    "is": "is",
    "is_not": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
}
def _equal(got: Any, want: Any) -> bool:
    """Equality that keeps booleans apart from numbers (True is not 1 here) but 12 == 12.0."""
    if isinstance(got, bool) or isinstance(want, bool):
        return type(got) is type(want) and got == want
    return got == want


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "is": _equal,
    "is_not": lambda got, want: not _equal(got, want),
    "in": lambda got, want: any(_equal(got, w) for w in want),
    "not_in": lambda got, want: not any(_equal(got, w) for w in want),
    "gt": lambda got, want: got > want,
    "gte": lambda got, want: got >= want,
    "lt": lambda got, want: got < want,
    "lte": lambda got, want: got <= want,
}
NUMERIC_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})
LIST_OPERATORS = frozenset({"in", "not_in"})


@dataclass(frozen=True)
class Atom:
    """One comparison of a fact with a value."""

    fact: str
    op: str
    value: Any

    def describe(self) -> str:
        """The comparison in words, e.g. `custody_months >= 12`."""
        shown = ", ".join(_show(v) for v in self.value) if self.op in LIST_OPERATORS else _show(self.value)
        return f"{self.fact} {OPERATORS[self.op]} {shown}"


@dataclass(frozen=True)
class All:
    """Every item must hold."""

    items: tuple["Condition", ...]


@dataclass(frozen=True)
class Any_:
    """At least one item must hold."""

    items: tuple["Condition", ...]


Condition = Union[Atom, All, Any_]


def parse(raw: Any, where: str = "when") -> Condition:
    """Parse a condition from its YAML form; raise ValueError naming the path on a bad one."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a condition must be a mapping, got {type(raw).__name__}")
    if "all" in raw or "any" in raw:
        if len(raw) != 1:
            raise ValueError(f"{where}: 'all'/'any' must stand alone, got keys {sorted(raw)}")
        key = next(iter(raw))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ValueError(f"{where}.{key}: must be a non-empty list of conditions")
        parsed = tuple(parse(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))
        return All(parsed) if key == "all" else Any_(parsed)
    if "fact" not in raw:
        raise ValueError(f"{where}: expected 'all', 'any' or 'fact', got keys {sorted(raw)}")
    ops = [k for k in raw if k != "fact"]
    if len(ops) != 1:
        raise ValueError(f"{where}: an atom needs exactly one operator of {sorted(OPERATORS)}, got {sorted(ops)}")
    op = ops[0]
    if op not in OPERATORS:
        raise ValueError(f"{where}: unknown operator '{op}' (known: {', '.join(sorted(OPERATORS))})")
    value = raw[op]
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            raise ValueError(f"{where}.{op}: must be a non-empty list")
        value = tuple(value)
    elif op in NUMERIC_OPERATORS and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"{where}.{op}: must be a number, got {value!r}")
    if not isinstance(raw["fact"], str):
        raise ValueError(f"{where}.fact: must be a fact name")
    return Atom(raw["fact"], op, value)


def atoms(node: Condition) -> list[Atom]:
    """Every atom of a condition, in order."""
    if isinstance(node, Atom):
        return [node]
    return [a for item in node.items for a in atoms(item)]


def truth(node: Condition, facts: dict[str, Any]) -> bool | None:
    """True, False or None (unknown: it depends on a fact the case lacks)."""
    if isinstance(node, Atom):
        if node.fact not in facts:
            return None
        got = facts[node.fact]
        if got is None:
            return node.op == "is" and node.value is None
        if node.value is None:  # `is_not: null` tests that the fact is given and not null
            return node.op == "is_not"
        return _COMPARE[node.op](got, node.value)
    values = [truth(item, facts) for item in node.items]
    if isinstance(node, All):
        if False in values:
            return False
        return None if None in values else True
    if True in values:
        return True
    return None if None in values else False


_ABSENT = object()


def compiled(node: Condition) -> Callable[[dict[str, Any]], bool | None]:
    """`truth` of this condition as one function of the facts, built once: the same answers, without
    walking the condition on every call (the evaluator asks it of every rule for every case)."""
    if isinstance(node, Atom):
        fact, op, value = node.fact, node.op, node.value
        compare, null_holds, when_null_wanted = _COMPARE[op], op == "is" and value is None, op == "is_not"

        def atom(facts: dict[str, Any]) -> bool | None:
            got = facts.get(fact, _ABSENT)
            if got is _ABSENT:
                return None
            if got is None:
                return null_holds
            if value is None:
                return when_null_wanted
            return compare(got, value)

        return atom
    return _first_deciding(tuple(compiled(item) for item in node.items), decides=isinstance(node, Any_))


def _first_deciding(items: tuple[Callable[[dict[str, Any]], bool | None], ...], decides: bool) -> Callable[[dict[str, Any]], bool | None]:
    """Kleene `all` (an item False decides) or `any` (an item True decides): else unknown if any item is."""

    def combined(facts: dict[str, Any]) -> bool | None:
        unknown = False
        for item in items:
            verdict = item(facts)
            if verdict is decides:
                return decides
            unknown = unknown or verdict is None
        return None if unknown else not decides

    return combined


def witness(node: Condition, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts (with values) that make a true condition true: all of an `all`, the true items of an `any`."""
    if isinstance(node, Atom):
        return {node.fact: facts[node.fact]}
    used: dict[str, Any] = {}
    for item in node.items:
        if isinstance(node, All) or truth(item, facts) is True:
            used.update(witness(item, facts))
    return used


def unmet(node: Condition, facts: dict[str, Any], derived: dict[str, str] | None = None,
          say: "Callable[[Atom, Any], str] | None" = None) -> list[str]:
    """The criteria of a false condition that do not hold, with the values found.

    By default in the rules' own notation (`custody_months >= 12 (case has 11)`), for JSON and the
    auditor's appendix; `derived` maps derived-fact names to their meaning, so a criterion on a concluded
    fact says the rules (not the case) gave its value. `say(atom, value)` words an atom instead (the
    plain words a person reads: see `wording.criterion_words`).
    """
    return said(failing(node, facts), facts, say or notation(derived or {}))


def notation(derived: dict[str, str]) -> Callable[[Atom, Any], str]:
    """An unmet atom in the rules' own notation, with the value found."""

    def say(atom: Atom, got: Any) -> str:
        if atom.fact in derived:
            return f"{atom.describe()} ({derived[atom.fact]}: the rules give {_show(got)})"
        return f"{atom.describe()} (case has {_show(got)})"

    return say


Failing = list  # of Atom, ("and", Failing) or ("none of", tuple of Failing): see `failing`


def failing(node: Condition, facts: dict[str, Any]) -> Failing:
    """What makes a false condition false, grouped as `unmet` words it: the atoms that fail, and for an
    `any` its parts (every one fails). Computed once, then worded in any notation by `said`."""
    if isinstance(node, Atom):
        return [node]
    if isinstance(node, All):
        return [part for item in node.items if truth(item, facts) is False for part in failing(item, facts)]
    parts = tuple(failing(item, facts) for item in node.items)
    return [("and", parts[0])] if len(parts) == 1 else [("none of", parts)]


def said(found: Failing, facts: dict[str, Any], say: Callable[[Atom, Any], str]) -> list[str]:
    """`failing`'s result in words, one line per criterion."""
    lines = []
    for part in found:
        if isinstance(part, Atom):
            lines.append(say(part, facts[part.fact]))
        elif part[0] == "and":
            lines.append(" and ".join(said(part[1], facts, say)))
        else:
            lines.append("none of: " + "; or ".join(" and ".join(said(p, facts, say)) for p in part[1]))
    return lines


def failed_atoms(found: Failing) -> list[Atom]:
    """Every atom in `failing`'s result."""
    atoms_found: list[Atom] = []
    for part in found:
        if isinstance(part, Atom):
            atoms_found.append(part)
        else:
            for group in ([part[1]] if part[0] == "and" else part[1]):
                atoms_found.extend(failed_atoms(group))
    return atoms_found


def missing(node: Condition, facts: dict[str, Any]) -> list[str]:
    """The absent facts on which an unknown condition depends (in order, without repeats)."""
    if isinstance(node, Atom):
        return [node.fact] if node.fact not in facts else []
    names: list[str] = []
    for item in node.items:
        if truth(item, facts) is None:
            names.extend(n for n in missing(item, facts) if n not in names)
    return names


def to_durable(node: Condition) -> dict:
    """The durable-rules JSON expression for a condition (durable has no `$in`: `$or` of equalities)."""
    if isinstance(node, All):
        return {"$and": [to_durable(item) for item in node.items]}
    if isinstance(node, Any_):
        return {"$or": [to_durable(item) for item in node.items]}
    fact, value = node.fact, node.value
    if node.op == "is":
        return {fact: value}
    if node.op == "is_not":
        return {"$neq": {fact: value}}
    if node.op == "in":
        return {"$or": [{fact: v} for v in value]}
    if node.op == "not_in":
        return {"$and": [{"$neq": {fact: v}} for v in value]}
    return {"$" + node.op: {fact: value}}


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
