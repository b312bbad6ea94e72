"""Step definitions in business language; they call the library, not the CLI."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pytest_bdd import given, parsers, then, when

from mappa_rules.case import case_from_data
from mappa_rules.explain import assess

from support import NEUTRAL


@pytest.fixture()
def facts() -> dict[str, Any]:
    """The facts a scenario states, step by step."""
    return {}


@given("a person convicted of a Schedule 15 offence")
def convicted_schedule_15(facts: dict) -> None:
    facts.update(outcome="conviction", offence_schedule15=True)


@given(parsers.parse("sentenced to {months:d} months' immediate custody"))
def immediate_custody(facts: dict, months: int) -> None:
    facts.update(sentence_type="immediate_custody", custody_months=months)


@given("no other category applies")
def no_other_category(facts: dict) -> None:
    facts.update({**NEUTRAL, "offence_indicates_serious_harm_capacity": False})


@given(parsers.parse("the fact {name} is {value}"))
def a_fact(facts: dict, name: str, value: str) -> None:
    facts[name] = yaml.safe_load(value)


@when("the case is assessed", target_fixture="result")
def assessed(book, facts: dict) -> dict:
    return assess(case_from_data({"case_id": "scenario", "facts": facts}, book, "scenario"), book)


@then(parsers.parse("the category is {category}"))
def category_is(result: dict, category: str) -> None:
    expected = None if category == "none" else int(category)
    assert result["outcomes"].get("category", "absent") == expected, result["outcomes"]


@then("the person is not MAPPA-eligible")
def not_eligible(result: dict) -> None:
    assert result["outcomes"].get("eligible") is False, result["outcomes"]


@then(parsers.parse("the rationale cites {clause}"))
def rationale_cites(result: dict, clause: str) -> None:
    cited = {cid for fired in result["fired"] for cid in fired["cites"]}
    assert clause in cited, f"{clause} not cited; cited: {sorted(cited)}"


@then(parsers.parse('{rule} is unmet because "{criterion}"'))
def unmet_because(result: dict, rule: str, criterion: str) -> None:
    unmet = {u["rule"]: u["unmet"] for u in result["unmet"]}
    assert criterion in unmet.get(rule, []), unmet.get(rule)


@then(parsers.parse("the status is {status}"))
def status_is(result: dict, status: str) -> None:
    assert result["status"] == status


@then(parsers.parse("the category candidates are {first:d} and {second:d}"))
def category_candidates(result: dict, first: int, second: int) -> None:
    assert [a["candidates"] for a in result["ambiguities"] if a["outcome"] == "category"] == [[first, second]]


@then(parsers.parse("the missing facts include {fact}"))
def missing_fact(result: dict, fact: str) -> None:
    assert fact in [m["fact"] for m in result["missing_facts"]]
