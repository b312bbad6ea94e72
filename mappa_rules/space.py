"""The finite input space of a ruleset: each fact a kind reads, with the values worth distinguishing.

Booleans and enums take each of their values; numbers are split at the values the conditions
compare them with (each compared value, and one value in every interval between and beyond);
text takes each value the conditions name and one other; a date is given or not. Every fact may
also be *not given* (unless the vocabulary defaults it) and *none* where it is nullable. A date
computed by the calendar is given when its inputs are; a yes/no computed from dates is a variable
of its own, given when its inputs are (the order of dates is not modelled, so a combination of
computed yes/no values may be one no real dates give).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from mappa_rules import conditions
from mappa_rules.plain import show
from mappa_rules.ruleset import FactSpec, Rulebook

# Calendar functions that give yes/no (the others give dates).
YES_NO_FUNCTIONS = frozenset({"is_working_day", "on_or_before", "before"})
# Enumerate an integer range whole when it is this small; split larger ones at the compared values.
SMALL_RANGE = 16
# The text a case document gives for "any other" value of a text fact (e.g. an area with no local procedure).
OTHER_TEXT = "Elsewhere"


class _Missing:
    """The value of a fact the case does not give."""

    _instance: "_Missing | None" = None

    def __new__(cls) -> "_Missing":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING = _Missing()


@dataclass(frozen=True)
class Given:
    """A value the rules never compare, only test for presence: a date, or text the conditions do not name."""

    fact: str
    label: str

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Variable:
    """One input of the space: a fact (or a computed yes/no) and the values it takes, each with words."""

    name: str
    values: tuple[Any, ...]
    labels: tuple[str, ...]
    computed_from: tuple[str, ...] = ()
    fact_type: str = "bool"  # the vocabulary type: bool, enum, int, number, date, text
    top_level: bool = False  # given beside `facts` in a case file (the area)

    def index(self, value: Any) -> int:
        """The position of a value (1 and True, 1 and 1.0 are told apart)."""
        for at, candidate in enumerate(self.values):
            if candidate is value or (type(candidate) is type(value) and candidate == value):
                return at
        raise KeyError(f"{self.name}: {value!r} is not one of its values")

    def label(self, value: Any) -> str:
        """The value in words."""
        return self.labels[self.index(value)]


@dataclass(frozen=True)
class Space:
    """The variables of one kind's rules, in diagram order, and the size of the space."""

    kind: str
    variables: tuple[Variable, ...]

    @property
    def combinations(self) -> int:
        total = 1
        for variable in self.variables:
            total *= len(variable.values)
        return total

    def case_document(self, choice: Sequence[int], date_for: Callable[[str], str]) -> dict[str, Any]:
        """A case document for one combination (`choice[i]`: the position of variable i's value).

        A fact not given is left out; a date is `date_for(fact)`, text the rules do not name is
        'Elsewhere', and a yes/no computed from dates is left to the dates.
        """
        data: dict[str, Any] = {"kind": self.kind, "facts": {}}
        for variable, at in zip(self.variables, choice):
            value = variable.values[at]
            if variable.computed_from or value is MISSING:
                continue
            if isinstance(value, Given):
                value = date_for(variable.name) if variable.fact_type == "date" else OTHER_TEXT
            if variable.top_level:
                data[variable.name] = value
            else:
                data["facts"][variable.name] = value
        return data


def input_space(book: Rulebook) -> Space:
    """The space of a kind's rules (`book` is a kind view: `Rulebook.for_kind`)."""
    compared = _compared_values(book)
    variables = [_variable(name, book.facts[name], compared.get(name, [])) for name in book.facts_used]
    for name, spec in book.computed.items():
        function, _ = spec.function
        if function in YES_NO_FUNCTIONS:
            variables.append(Variable(name, (True, False), ("yes", "no"), tuple(spec.inputs)))
    return Space(book.kind or "case", tuple(variables))


def _compared_values(book: Rulebook) -> dict[str, list[Any]]:
    """Every value each fact is compared with, across the rules' conditions."""
    out: dict[str, list[Any]] = {}
    for rule in book.rules:
        for atom in conditions.atoms(rule.when):
            values = atom.value if atom.op in conditions.LIST_OPERATORS else (atom.value,)
            out.setdefault(atom.fact, []).extend(v for v in values if v is not None)
    return out


def _variable(name: str, spec: FactSpec, compared: list[Any]) -> Variable:
    values: list[Any]
    labels: list[str]
    if spec.type == "bool":
        values, labels = [True, False], ["yes", "no"]
    elif spec.type == "enum":
        values = list(spec.values or [])
        labels = [show(v) for v in values]
    elif spec.type in ("int", "number"):
        values, labels = _numbers(spec, compared)
    elif spec.type == "text":
        named = list(dict.fromkeys(v for v in compared if isinstance(v, str)))
        values = [*named, Given(name, f"any other {name}" if named else f"any {name}")]
        labels = [*named, values[-1].label]
    else:  # a date: the rules read it only through the calendar, or take it as a value
        values, labels = [Given(name, "a date")], ["a date"]
    if spec.nullable:
        values.append(None)
        labels.append("none")
    if spec.default is None:
        values.append(MISSING)
        labels.append("not given")
    else:
        at = next(i for i, v in enumerate(values) if type(v) is type(spec.default) and v == spec.default)
        labels[at] += " (or not given: the vocabulary default)"
    return Variable(name, tuple(values), tuple(labels), fact_type=spec.type, top_level=spec.top_level)


def _numbers(spec: FactSpec, compared: list[Any]) -> tuple[list[Any], list[str]]:
    """Representative numbers: the declared values, a small range whole, or a split at the compared values."""
    whole = spec.type == "int"
    if spec.values:
        return list(spec.values), [str(v) for v in spec.values]
    low, high = spec.min, spec.max
    if whole and low is not None and high is not None and high - low < SMALL_RANGE:
        values = list(range(int(low), int(high) + 1))
        return values, [str(v) for v in values]
    points = sorted({v for v in compared if isinstance(v, (int, float)) and not isinstance(v, bool)
                     and (low is None or v >= low) and (high is None or v <= high)})
    if not points:
        start = low if low is not None else 0
        return [int(start) if whole else start], [f"any number (e.g. {_num(start)})"]
    values: list[Any] = []
    labels: list[str] = []
    first = points[0]
    if low is None or low < first:
        example = first - 1 if low is None else low
        values.append(int(example) if whole else example)
        labels.append(f"less than {_num(first)} (e.g. {_num(example)})")
    for i, point in enumerate(points):
        values.append(point)
        labels.append(_num(point))
        if i + 1 < len(points):
            nxt = points[i + 1]
            middle = (point + nxt) / 2
            if whole:
                middle = int(point) + 1
                if middle >= nxt:
                    continue
            values.append(middle)
            labels.append(f"between {_num(point)} and {_num(nxt)} (e.g. {_num(middle)})")
    last = points[-1]
    if high is None or high > last:
        example = last + 1 if high is None else min(high, last + 1)
        values.append(int(example) if whole else example)
        labels.append(f"more than {_num(last)} (e.g. {_num(example)})")
    return values, labels


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
