"""Firmness is exact: on cases small enough to enumerate, it equals evaluating every completion through the engine."""

from __future__ import annotations

import datetime as dt
import json
import itertools
import random
from typing import Any

import pytest

from mappa_rules import conditions
from mappa_rules.answers import completion_space, firmness_of
from mappa_rules.case import case_from_data
from mappa_rules.errors import CaseError
from mappa_rules.evaluator import run
from mappa_rules.explain import explain
from mappa_rules.firmness import FIRM, OPEN, PROVISIONAL, Result, classify
from mappa_rules.space import MISSING, Given, OTHER_TEXT

# Concrete dates for an unknown date fact: enough to give every order the rules compare
# (before / on or before / after a deadline; a working day and a Saturday).
DATE_OPTIONS = {
    "concern_date": ["2026-11-23", "2026-12-26"],
    "decision_date": ["2026-11-10", "2026-12-10", "2027-01-06", "2027-01-12", None],
    "spoc_notification_date": ["2026-11-01", "2026-12-20", "2027-01-25", None],
    "meeting_date": ["2027-01-08", "2026-12-10", "2027-01-30"],
    "referral_received_date": ["2026-12-18", "2026-11-02"],
}
FIXED_DATES = {"level3_report_date": "2026-12-23"}
MAX_COMPLETIONS = 400


def _real_values(variable: Any) -> list[Any]:
    """The values a completion gives an unknown fact, as a case file would state them."""
    if variable.fact_type == "date":
        return DATE_OPTIONS.get(variable.name, [FIXED_DATES.get(variable.name, "2026-12-01")])
    out = []
    for value in variable.values:
        if value is MISSING:
            continue
        out.append(OTHER_TEXT if isinstance(value, Given) else value)
    return out


def _document(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    facts = {k: v for k, v in values.items() if k != "area"}
    return {"kind": kind, "area": values.get("area"), "facts": facts}


def _plain(value: Any) -> Any:
    """A reported value as an answer: lists as tuples."""
    return tuple(_plain(v) for v in value) if isinstance(value, list) else value


def _normal(value: Any) -> Any:
    """Values compared between the two ways: any date as one token (the diagrams hold 'that date')."""
    if isinstance(value, (list, tuple)):
        return tuple(_normal(v) for v in value)
    if isinstance(value, (dt.date, Given)) or (isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"):
        return "DATE"
    return value


def _observed(ev: Any, result: dict[str, Any], name: str, key: str) -> Result:
    """What a real evaluation reports for one outcome, as a firmness Result."""
    book = ev.book
    if name in book.required_when and conditions.truth(book.required_when[name], ev.known) is None and key in result["outcomes"]:
        return Result("unknown")
    opened = [a for a in result["ambiguities"] if a["outcome"] == key]
    if opened:
        return Result("open", candidates=tuple(_plain(c) for a in opened for c in a["candidates"]))
    if key in result["outcomes"]:
        value = result["outcomes"][key]
        if key == "invalid_reason":
            return Result("value", "rejected", rules=tuple(f["rule"] for f in result["fired"] if f["concludes"].get("invalid_reason")))
        return Result("value", _plain(value))
    if key in result["undetermined"]:
        return Result("unknown")
    return Result("not_reported")


def brute_force(book: Any, data: dict[str, Any]) -> dict[str, tuple[str, Any]] | None:
    """Each outcome's firmness found by evaluating every completion of the case through the engine."""
    case = case_from_data(data, book, "sample")
    view = book.for_kind(case.kind)
    space = completion_space(view)
    ev = run(case, book)
    base = explain(ev)
    current_open: dict[str, list[Any]] = {}
    for a in base["ambiguities"]:
        current_open.setdefault(a["outcome"], []).extend(a["candidates"])
    given = set(case.facts) | ({"area"} if case.area else set())
    silent = space.silent(given)  # an alternative the case does not use stays unstated in every completion
    unknown = [v for v in space.variables if not v.computed_from and v.name not in given and v.name not in silent
               and not (v.name in view.facts and view.facts[v.name].proposal)]
    options = [_real_values(v) for v in unknown]
    total = 1
    for values in options:
        total *= len(values)
    if total > MAX_COMPLETIONS:
        return None
    seen: dict[str, list[Result]] = {}
    for combination in itertools.product(*options):
        values = {**({"area": case.area} if case.area else {}), **case.facts,
                  **{v.name: value for v, value in zip(unknown, combination)}}
        try:
            cev = run(case_from_data(_document(case.kind, values), book, "completion"), book)
        except CaseError:
            continue  # refused as contradictory: not a case
        result = explain(cev)
        for name in space.roots:
            key = view.derived[name].outcome if name in view.derived else name
            seen.setdefault(name, []).append(_observed(cev, result, name, key))
    out = {}
    for name in space.roots:
        key = view.derived[name].outcome if name in view.derived else name
        results = list({repr(r): r for r in seen.get(name, [])}.values())
        f = classify(key, results, current_open.get(key))
        out[key] = (f.firmness, _normal(f.value) if f.firmness in (FIRM, PROVISIONAL) and f.applies else None)
    return out


def by_diagram(book: Any, data: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    case = case_from_data(data, book, "sample")
    ev = run(case, book)
    _, _, firm = firmness_of(ev, explain(ev))
    view = book.for_kind(case.kind)
    return {(view.derived[n].outcome if n in view.derived else n): (f.firmness, _normal(f.value) if f.firmness in (FIRM, PROVISIONAL) and f.applies else None)
            for n, f in firm.items()}


def samples(book: Any, kind: str, count: int, seed: int) -> list[dict[str, Any]]:
    """Random partial cases of a kind whose completions are few enough to enumerate."""
    rng = random.Random(seed)
    space = completion_space(book.for_kind(kind))
    variables = [v for v in space.variables if not v.computed_from]
    found: list[dict[str, Any]] = []
    attempts = 0
    while len(found) < count and attempts < count * 200:
        attempts += 1
        facts = view_facts(book, kind)
        values = {v.name: rng.choice(_real_values(v)) for v in variables
                  if not (v.name in facts and facts[v.name].proposal)}
        for name in rng.sample(sorted(values), k=min(len(values), rng.choice([1, 2, 3, 4, 5, len(values) // 2]))):
            del values[name]  # the facts the case does not give
        data = _document(kind, values)
        try:
            run(case_from_data(data, book, "sample"), book)
        except CaseError:
            continue
        unknown = [v for v in variables if v.name not in values]
        total = 1
        for v in unknown:
            total *= len(_real_values(v))
        if total <= MAX_COMPLETIONS:
            found.append(data)
    return found


def view_facts(book: Any, kind: str) -> dict[str, Any]:
    return book.for_kind(kind).facts


@pytest.mark.parametrize(("kind", "count"), [("complaint", 25), ("disagreement", 25), ("meeting_notice", 25),
                                             ("case", 12), ("referral", 6)])
def test_firmness_equals_brute_force_on_every_completion(book, kind, count) -> None:
    checked = 0
    for data in samples(book, kind, count, seed=11):
        expected = brute_force(book, data)
        if expected is None:
            continue
        assert by_diagram(book, data) == expected, data
        checked += 1
    assert checked >= count // 2


def test_a_plain_registered_offender_is_category_1_provisionally(book) -> None:
    got = by_diagram(book, {"facts": {"subject_to_notification_requirements": True}})
    assert got["category"] == (PROVISIONAL, 1) and got["eligible"] == (FIRM, True)
    assert got["risk_level"][0] == "needs_answer"


def test_the_current_ambiguity_is_open(book) -> None:
    got = by_diagram(book, {"kind": "disagreement", "area": "Cheshire", "facts": {"imminent_risk_of_serious_harm": True}})
    assert got["escalate_same_working_day"] == (OPEN, None)


def _assessed(book, data):
    from mappa_rules.explain import assess

    return assess(case_from_data(data, book, "t"), book)


def test_a_deadline_from_a_date_not_given_asks_for_that_date(book) -> None:
    """Review finding: the Level 3 deadline is computed from the report date; that date is asked."""
    result = _assessed(book, {"kind": "disagreement", "area": "Merseyside", "facts": {
        "imminent_risk_of_serious_harm": True, "concern_date": "2026-11-23", "unresolved_after_level": 2}})
    assert result["answers"]["deadline"]["firmness"] == "needs_answer"
    assert result["next_question"]["fact"] == "level3_report_date"
    assert "unpinned" not in json.dumps(result)


def test_not_asked_never_holds_a_fact_that_alone_can_change_an_answer(book) -> None:
    """Review finding: with only registration given, the OASys level can change the recommended level."""
    result = _assessed(book, {"facts": {"subject_to_notification_requirements": True}})
    assert "rosh_level" not in {n["fact"] for n in result["not_asked"]}
    assert "rosh_level" in {q["fact"] for q in result["questions"]}
    formal = next(q for q in result["questions"] if q["fact"] == "formal_meetings_add_value")
    assert formal["if"]  # what each answer narrows is said


def test_an_oasys_level_nobody_knows_lets_the_indicators_be_asked(book) -> None:
    result = _assessed(book, {"facts": {"subject_to_notification_requirements": True, "rosh_level": "uncertain"}})
    assert "identifiable_indicators" in {q["fact"] for q in result["questions"]}


def test_an_area_nobody_knows_is_unknown_not_a_place(book) -> None:
    result = _assessed(book, {"kind": "disagreement", "area": "uncertain", "facts": {"imminent_risk_of_serious_harm": True}})
    assert result["area"] is None and result["uncertain"] == ["area"] and result["status"] != "decided"


def test_an_answer_no_rule_reached_says_which_rules_give_it_whatever_the_facts_not_given() -> None:
    """An interview stops asking once an answer is firm: here Category 2, since every sentence that fits a
    12-month custodial term meets a Category 2 route, though no rule fired without the sentence type.
    The report used to say 'No rule reached an outcome' under a decided Category 2, citing nothing."""
    from mappa_rules.compact import compact, expand
    from mappa_rules.explain import assess
    from mappa_rules.loader import load_library
    from mappa_rules.report import render

    library = load_library()
    facts = {"custody_months": 12, "disqualification_order": False, "licence_or_order_in_force": True, "offence_schedule15": True,
             "outcome": "conviction", "ra_believes_terrorism_risk": False, "subject_to_notification_requirements": False,
             "terrorism_offence_conviction": False, "terrorist_connection_found_by_court": False}
    data = {"kind": "case", "case_id": "EX-FIRM", "as_of": "2026-11-23", "facts": facts}
    book = library.for_data(data)
    result = assess(case_from_data(data, book), book)
    category = result["answers"]["category"]
    assert (category["value"], category["firmness"], result["fired"]) == (2, "firm", [])
    ways = [[rule["rule"] for rule in route] for route in category["follows_from"]["routes"]]
    assert ways == [["CAT-PREC.category-2", f"CAT-2{x}"] for x in "abcde"]  # the precedence, with each Category 2 route
    assert [f["fact"] for f in category["follows_from"]["facts"]] == ["sentence_type"]
    assert "CAT-2a" in result["citations"]
    text = render(result, "text")
    assert "No rule reached an outcome" not in text
    assert "Category: 2, whatever the facts not given turn out to be (Sentence or order imposed): every way that fits the facts given meets one of these:" in " ".join(text.split())
    assert "CAT-2a" in text.split("CLAUSES CITED")[1]  # cited, with its sources
    line = compact(result)
    assert line["answers"]["category"]["follows_from"] == {"routes": ways, "facts": ["sentence_type"]}
    assert expand(json.loads(json.dumps(line)), library) == result
    written_before = json.loads(json.dumps(line))  # a line from before answers said why: it still expands
    del written_before["answers"]["category"]["follows_from"], written_before["answers"]["eligible"]["follows_from"]
    again = expand(written_before, library)
    assert "follows_from" not in again["answers"]["category"] and again["answers"]["category"]["value"] == 2


def test_an_answer_not_yet_known_lists_its_possible_values_in_order_once() -> None:
    """With only the outcome given, Category listed seventeen possibilities, unordered, with 'none (not
    MAPPA-eligible)' and 'does not apply' both standing for the same thing."""
    from mappa_rules.wording import answer_words

    entry = {"firmness": "needs_answer", "applies": True, "candidates": [1, 4, None, 3, 2, {"open": [1, 4]}, {"open": [3, None, 2]}]}
    assert answer_words("category", entry) == ("not yet known: 1, 2, 3, 4 or none (not MAPPA-eligible), or left open between "
                                               "some of them, depending on the answers still to come")
    assert answer_words("eligible", {**entry, "candidates": [False, True]}) == \
        "not yet known: yes or no, depending on the answers still to come"
