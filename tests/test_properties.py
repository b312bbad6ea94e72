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


def evaluated(facts: dict) -> dict:
    try:
        return assess(case_from_data({"case_id": "P", "facts": facts}, BOOK), BOOK)
    except CaseError as exc:
        assert exc.cites == ("VAL-3",), exc  # only contradictions are refused among valid values
        assume(False)
        raise


@SETTINGS
@given(FACTS)
def test_valid_input_never_raises_and_status_is_consistent(facts: dict) -> None:
    result = evaluated(facts)
    assert result["status"] in ("decided", "ambiguous", "undetermined")
    if result["status"] == "decided":
        assert not result["undetermined"] and not result["ambiguities"]


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


@SETTINGS
@given(FACTS, st.data())
def test_removing_a_fact_never_turns_undetermined_into_decided(facts: dict, data) -> None:
    result = evaluated(facts)
    assume(result["status"] == "undetermined" and facts)
    smaller = dict(facts)
    smaller.pop(data.draw(st.sampled_from(sorted(smaller))))
    try:
        again = assess(case_from_data({"case_id": "P", "facts": smaller}, BOOK), BOOK)
    except CaseError:
        return
    assert again["status"] != "decided"


@SETTINGS
@given(FACTS)
def test_the_same_case_always_gives_the_same_json(facts: dict) -> None:
    first = json.dumps(evaluated(facts), sort_keys=True)
    assert json.dumps(evaluated(facts), sort_keys=True) == first


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
