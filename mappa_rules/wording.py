"""Answers and their firmness in plain words, for reports and the interview.

A person reads "Category: 1 on the facts given (provisional)", "could become open between 1 and 4,
if “Convicted of a relevant terrorism offence” is yes", never a fact id, a Python value or code
notation. Everything here turns data a result already holds into words; nothing decides anything.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from mappa_rules.conditions import Atom
from mappa_rules.plain import show
from mappa_rules.ruleset import Rulebook
from mappa_rules.space import MISSING, Given, Variable

OUTCOME_LABELS = {
    "eligible": "MAPPA-eligible", "category": "Category", "category4_kind": "Category 4 kind",
    "allowed_levels": "Allowed levels", "recommended_level": "Recommended level",
    "risk_level": "Risk of serious harm", "cppc_referral_to_consider": "Consider CPPC referral",
    "referral_valid": "Referral can proceed", "complaint_route": "Complaint route", "appeal_to": "Appeal to",
    "escalation_level": "Escalation level", "escalate_same_working_day": "Escalate same working day",
    "escalate_to": "Escalate to", "deadline": "Deadline", "within_deadline": "Within deadline",
    "spoc_notice_compliant": "SPOC notice follows the procedure", "invalid_reason": "Rejected",
}


def outcome_label(key: str) -> str:
    """An outcome's name as a person reads it ('Recommended level')."""
    return OUTCOME_LABELS.get(key, str(key).replace("_", " "))


PROVISIONAL_WORDS = "on the facts given (provisional)"
EFFECT_WORDS = {  # what asking a fact can do (a question's and a missing fact's `effect`)
    "decides": "could change an answer",
    "confirms": "could only leave an answer open",
    "asked: not known": "asked: not known",
    "none": "cannot change any answer on these facts",
}


def value_words(key: str, value: Any) -> str:
    """One value of an outcome in words: `{"open": [1, 4]}` is 'open between 1 and 4', null is 'does not apply'."""
    if isinstance(value, dict) and "open" in value:
        return "open between " + either(value["open"], "and")
    if value is None:
        return "none (not MAPPA-eligible)" if key == "category" else "does not apply"
    if isinstance(value, list):
        return either(value, "and")
    return show(value)


def either(values: list[Any], joiner: str = "or") -> str:
    """'1, 2 or 4' (or 'and'), each value in words; '…; or …' when a value is itself a list."""
    words = [show(v) if isinstance(v, str) else value_words("", v) for v in values]
    if len(words) <= 1:
        return "".join(words)
    if any("," in w or " and " in w for w in words):
        return "; ".join(words[:-1]) + f"; {joiner} " + words[-1]
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def answer_words(key: str, entry: dict[str, Any]) -> str:
    """An outcome's answer with its firmness: '1 on the facts given (provisional)', 'not yet known: 1, 2 or 3'."""
    firmness = entry["firmness"]
    if firmness in ("firm", "provisional"):
        value = value_words(key, entry["value"]) if entry["applies"] else "does not apply"
        return value if firmness == "firm" else f"{value} {PROVISIONAL_WORDS}"
    candidates = [value_words(key, c) for c in entry["candidates"]]
    if firmness == "open":
        if not candidates:
            rests = " and ".join(outcome_label(k).lower() for k in entry.get("rests_on") or [])
            return f"open until the {rests} is settled: a co-ordinator decides" if rests else \
                "open until the answers it rests on are settled: a co-ordinator decides"
        return f"open between {either(candidates, 'and')}: a co-ordinator decides"
    if not candidates:
        return "not yet known: needs an answer"
    plain = sorted((c for c in entry["candidates"] if not isinstance(c, dict)), key=_candidate_order)
    opened = [c for c in entry["candidates"] if isinstance(c, dict)]
    if not opened:
        return f"not yet known: {either([value_words(key, c) for c in plain])}, depending on the answers still to come"
    if not plain:
        return "not yet known: it may be left open between some answers, depending on the answers still to come"
    return (f"not yet known: {either([value_words(key, c) for c in plain])}, or left open between some of them, "
            "depending on the answers still to come")


def _candidate_order(value: Any) -> tuple[int, Any]:
    """Possible answers as a person lists them: numbers in order, then yes before no, then words, then none."""
    if value is None:
        return (3, "")
    if isinstance(value, bool):
        return (1, not value)
    if isinstance(value, (int, float)):
        return (0, value)
    return (2, str(value))


def change_lines(label: str, entry: dict[str, Any]) -> tuple[str, list[str]] | None:
    """How a provisional answer could still become open: a lead line and one line per way,
    ('Category could become open only in these ways; nothing else can change it:',
     ['between 1 and 4, if “Convicted of a relevant terrorism offence” is yes', ...])."""
    ways = []
    for change in entry.get("could_change_if") or []:
        becomes = change["becomes"]
        between = "between " + either(becomes["open"], "and") if becomes["open"] else "open"
        if becomes.get("or_also"):
            between += f" (and possibly {either(becomes['or_also'], 'or')})"
        ways.append(f"{between}, if {change['said']}")
    if not ways:
        return None
    return f"{label} could become open only in these ways; nothing else can change it:", ways


def condition_words(book: Rulebook, variable: Variable, positions: frozenset[int]) -> str:
    """One fact's values on a way to change: '“Custodial term (months)” is 12 or more'."""
    spec = book.facts.get(variable.name)
    label = spec.label if spec is not None and spec.label else variable.name.replace("_", " ")
    return f"“{label}” is {values_words(variable, positions)}"


def values_words(variable: Variable, positions: frozenset[int]) -> str:
    """A set of a fact's values in words; a run of numbers to the top as 'N or more', to the bottom as 'less than N'."""
    ordered = sorted(positions)
    numbers = [at for at, v in enumerate(variable.values)
               if isinstance(v, (int, float)) and not isinstance(v, bool)]
    chosen = [at for at in ordered if at in numbers]
    if variable.fact_type in ("int", "number") and len(chosen) > 1 and chosen == numbers[numbers.index(chosen[0]):]:
        said = [f"{_number(variable.values[chosen[0]])} or more"]
    elif variable.fact_type in ("int", "number") and len(chosen) > 1 and chosen == numbers[: len(chosen)] \
            and len(chosen) < len(numbers):
        said = [f"less than {_number(variable.values[numbers[len(chosen)]])}"]
    else:
        said = [_value_label(variable, at) for at in chosen]
    said += [_value_label(variable, at) for at in ordered if at not in numbers]
    return either(said) if len(said) > 1 else said[0]


def _value_label(variable: Variable, at: int) -> str:
    value = variable.values[at]
    if value is MISSING:
        return "not given"
    if isinstance(value, Given) or variable.fact_type in ("number", "int", "date", "text"):
        return variable.labels[at]
    return show(value)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


_COMPARED = {"gt": "more than {}", "gte": "{} or more", "lt": "less than {}", "lte": "at most {}"}


def criterion_words(book: Rulebook) -> Callable[[Atom, Any], str]:
    """How an unmet criterion reads to a person: '“Custodial term (months)” is 12 or more (the case gives 11)';
    a criterion on a fact the rules conclude says so ('… (the rules give no)')."""

    def say(atom: Atom, got: Any) -> str:
        source = "the case gives" if atom.fact in book.facts else "the rules give"
        label = label_of(atom.fact, book) or atom.fact.replace("_", " ")
        return f"“{label}” {_wanted(atom)} ({source} {show(got)})"

    return say


def _wanted(atom: Atom) -> str:
    if atom.op in _COMPARED:
        return "is " + _COMPARED[atom.op].format(_number(atom.value))
    if atom.op == "in":
        return "is " + either(list(atom.value))
    if atom.op == "not_in":
        return "is not " + either(list(atom.value))
    if atom.value is None:
        return "is none" if atom.op == "is" else "is given"
    return ("is " if atom.op == "is" else "is not ") + show(atom.value)


_CODE = re.compile(r"`([^`]*)`")
_SIMPLE = re.compile(r"^(?P<name>[a-z][a-z0-9_]*)\s*(?P<op>==|!=|>=|<=|=|>|<| in )\s*(?P<value>.+)$")
_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b(?:category|outcome|deadline|holidays)\b")
_OPS = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}  # the clauses' notation -> the rules' operators
_OPERATOR_WORDS = {"==": "is", "=": "is", "!=": "is not", ">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}
_OUTSIDE = [(re.compile(r"\s*->\s*"), " → "), (re.compile(r"\bAND\b"), "and"), (re.compile(r"\bOR\b"), "or"),
            (re.compile(r"\bNOT\b"), "not"), (re.compile(r"\bALL\b"), "all"), (re.compile(r"\bthe engine\b"), "the tool"),
            (re.compile(r"\bThe engine\b"), "The tool"), (re.compile(r"(?<=[a-z])_(?=[a-z])"), " ")]


def clause_words(text: str, book: Rulebook) -> str:
    """A clause of the catalogue in plain words: `custody_months >= 12` reads '“Custodial term (months)” is 12
    or more', `->` an arrow, and fact names read as their labels."""
    parts = _CODE.split(text)  # prose and code alternate: code at the odd places
    for at in range(0, len(parts), 2):
        for pattern, words in _OUTSIDE:
            parts[at] = pattern.sub(words, parts[at])
    return "".join(part if at % 2 == 0 else _code_words(part, book) for at, part in enumerate(parts))


def _code_words(code: str, book: Rulebook) -> str:
    code = re.sub(r'holidays\.UK\(subdiv="ENG"\)', "the England and Wales bank-holiday calendar", code)
    code = re.sub(r"add_working_days\((\w+), (\d+)\)", r"\2 working days after \1", code)
    code = re.sub(r"single_agency:<?(\w+)>?", r"a single agency (\1)", code)
    simple = _SIMPLE.match(code)
    plain_value = simple and not re.search(r"[(<=]|\w \w", simple["value"].strip("{}[]").replace(", ", ","))
    if simple and plain_value:
        value = simple["value"].strip()
        listed = [v.strip() for v in value.strip("{}[]").split(",")] if value[:1] in "{[" else [value]
        op = simple["op"].strip()
        shown = either([_code_value(v) for v in listed], "or" if op == "in" else "and")
        said = "is " + (_COMPARED[_OPS[op]].format(shown) if op in _OPS else f"not {shown}" if op == "!=" else shown)
        return f"{_named(simple['name'], book)} {said}"
    code = code.replace(" in {", " is one of ").replace("{", "").replace("}", "")
    leading = re.match(r"^(>=|<=|>|<)\s*(\S+)$", code)  # `>= 12` after a name given before it
    if leading:
        return "is " + _COMPARED[_OPS[leading.group(1)]].format(leading.group(2))
    for op, words in _OPERATOR_WORDS.items():
        code = code.replace(f" {op} ", f" {words} ")
    return _NAME.sub(lambda match: _named(match.group(0), book), code)


def _code_value(value: str) -> str:
    return {"true": "yes", "false": "no", "null": "none"}.get(value, value.replace("_", " "))


def _named(name: str, book: Rulebook) -> str:
    """A name in a clause: a fact or outcome the rulebook knows by its label, in quotes; anything else (a
    value such as `police_operations`) in words."""
    label = label_of(name, book, outcome_first=True)
    return f"“{label}”" if label else name.replace("_", " ")


def label_of(name: str, book: Rulebook, outcome_first: bool = False) -> str | None:
    """A fact, derived or computed fact, or outcome by its label, what a person reads instead of its id; None
    if the rulebook does not know the name. `outcome_first`: where a name is both an input fact and an
    outcome (`category`), the outcome (as clause texts mean it)."""
    spec = book.facts.get(name)
    concluded = book.derived.get(name) or book.computed.get(name)
    found = [OUTCOME_LABELS.get(name), spec and (spec.label or spec.meaning), concluded and concluded.meaning]
    if not outcome_first:
        found = found[1:] + found[:1]
    return next((label for label in found if label), None)
