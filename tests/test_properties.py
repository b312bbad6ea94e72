"""Properties over generated cases (hypothesis): what must hold for every valid case."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mappa_rules.batch import Row, evaluate_row
from mappa_rules.case import case_from_data
from mappa_rules.errors import CaseError
from mappa_rules.explain import assess
from mappa_rules.loader import load_rulebook

BOOK = load_rulebook()
CASE = BOOK.for_kind("case")


def _value(name: str) -> st.SearchStrategy:
    spec = BOOK.facts[name]
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "int":
        return st.integers(int(spec.min), int(spec.max)) | (st.none() if spec.nullable else st.nothing())
    return st.sampled_from([0, 6, 11, 11.99, 12, 12.0, 13, 48]) | (st.none() if spec.nullable else st.nothing())


FACTS = st.fixed_dictionaries({}, optional={name: _value(name) for name in CASE.facts_used})
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Firmness and questions cost a walk of the completion diagrams per case: fewer examples, same properties.
FIRMNESS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def evaluated(facts: dict, firmness: bool = False) -> dict:
    """The result, with firmness and questions when the property is about them (they cost more)."""
    try:
        return assess(case_from_data({"case_id": "P", "facts": facts}, BOOK), BOOK, firmness=firmness)
    except CaseError as exc:
        assert exc.cites == ("VAL-3",), exc  # only contradictions are refused among valid values
        assume(False)
        raise


@FIRMNESS
@given(FACTS)
def test_valid_input_never_raises_and_status_is_consistent(facts: dict) -> None:
    result = evaluated(facts, firmness=True)
    assert result["status"] in ("decided", "provisional", "ambiguous", "undetermined")
    asked = [a for a in result["answers"].values() if a["in_scope"]]
    if result["status"] == "decided":
        assert not result["ambiguities"] and all(a["firmness"] == "firm" for a in asked)
        # an outcome the rules do not settle yet is decided only when no answer can change it
        assert all(result["answers"][key]["firmness"] == "firm" for key in result["undetermined"])
    if result["status"] == "provisional":
        assert not result["ambiguities"] and {a["firmness"] for a in asked} <= {"firm", "provisional"}


@SETTINGS
@given(FACTS)
def test_category_3_is_never_recommended_level_1(facts: dict) -> None:
    outcomes = evaluated(facts)["outcomes"]
    if outcomes.get("category") == 3:
        assert outcomes.get("recommended_level") != 1


@SETTINGS
@given(FACTS)
def test_level_3_implies_the_level_2_criteria(facts: dict) -> None:
    result = evaluated(facts)
    if result["outcomes"].get("recommended_level") == 3:
        assert {"LVL-2", "LVL-3"} <= {f["rule"] for f in result["fired"]}


@FIRMNESS
@given(FACTS, st.data())
def test_removing_a_fact_never_turns_undetermined_into_decided(facts: dict, data) -> None:
    result = evaluated(facts, firmness=True)
    assume(result["status"] == "undetermined" and facts)
    smaller = dict(facts)
    smaller.pop(data.draw(st.sampled_from(sorted(smaller))))
    try:
        again = assess(case_from_data({"case_id": "P", "facts": smaller}, BOOK), BOOK, firmness=True)
    except CaseError:
        return
    assert again["status"] != "decided"


@FIRMNESS
@given(FACTS)
def test_the_same_case_always_gives_the_same_json(facts: dict) -> None:
    first = json.dumps(evaluated(facts, firmness=True), sort_keys=True)
    assert json.dumps(evaluated(facts, firmness=True), sort_keys=True) == first


@settings(max_examples=100, deadline=None)
@given(FACTS)
def test_a_batch_row_gives_the_single_assessment(facts: dict) -> None:
    data = {"case_id": "P", "facts": facts}
    _, status, line = evaluate_row(Row(1, "p", data=json.loads(json.dumps(data))), BOOK)
    try:
        single = assess(case_from_data(data, BOOK), BOOK)
    except CaseError as exc:
        assert status == "invalid" and json.loads(line)["error"] == exc.to_json()["error"].replace("<case>", "p")
        return
    assert json.loads(line) == single


FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _allowed_answers(name: str) -> list:
    spec = BOOK.facts[name]
    if spec.type == "bool":
        return [True, False, "uncertain"]
    if spec.type == "enum":
        return [*spec.values, "uncertain"]
    if spec.type == "int":
        return [*range(int(spec.min), int(spec.max) + 1), "uncertain"]
    return [0, 11, 12, 48, "uncertain"]


@FEW
@given(FACTS, st.data())
def test_answering_the_next_question_never_unsettles_a_firm_answer(facts, data) -> None:
    """Whatever is answered to next_question, every firm answer stays firm, with the same value."""
    before = evaluated(facts, firmness=True)
    question = before["next_question"]
    assume(question is not None)
    answer = data.draw(st.sampled_from(_allowed_answers(question["fact"])))
    try:
        after = assess(case_from_data({"case_id": "P", "facts": {**facts, question["fact"]: answer}}, BOOK), BOOK)
    except CaseError:
        assume(False)  # that answer contradicts the facts given: not a possible answer
    for key, entry in before["answers"].items():
        if entry["firmness"] == "firm":
            assert after["answers"][key]["firmness"] == "firm", key
            assert after["answers"][key]["value"] == entry["value"], key


@FEW
@given(FACTS, st.randoms(use_true_random=False))
def test_the_interview_always_ends_firm_open_or_blocked_by_uncertain(facts, rng) -> None:
    """Answering next_question until there is none ends within the facts the kind reads, with every
    answer the case asks for firm or open, unless a fact nobody knows blocks it."""
    result = evaluated(facts, firmness=True)
    asked = 0
    while result["next_question"] is not None:
        asked += 1
        assert asked <= len(CASE.facts_used)
        name = result["next_question"]["fact"]
        for answer in rng.sample(_allowed_answers(name), k=len(_allowed_answers(name))):
            try:
                result = assess(case_from_data({"case_id": "P", "facts": {**facts, name: answer}}, BOOK), BOOK)
            except CaseError:
                continue
            facts = {**facts, name: answer}
            break
        else:
            raise AssertionError(f"no answer to {name} is accepted")
    unsettled = [k for k, a in result["answers"].items() if a["in_scope"] and a["firmness"] not in ("firm", "open")]
    assert not unsettled or result.get("uncertain"), (unsettled, facts)
