"""Risk of serious harm (RISK-*): the four definitions, the assessor's level, gaps and conflicts."""

from __future__ import annotations

import pytest

from support import fired

INDICATORS = {
    "low": {"identifiable_indicators": False},
    "medium": {"identifiable_indicators": True, "harm_unlikely_without_change": True},
    "high": {"identifiable_indicators": True, "harm_could_happen_any_time": True, "impact_serious": True,
             "harm_more_likely_than_not_imminently": False},
    "very_high": {"identifiable_indicators": True, "harm_more_likely_than_not_imminently": True, "impact_serious": True},
}
RULE = {"low": "RISK-LOW", "medium": "RISK-MEDIUM", "high": "RISK-HIGH", "very_high": "RISK-VERYHIGH"}


@pytest.mark.parametrize("level", list(INDICATORS))
def test_each_definition(run, level) -> None:
    result = run(neutral=False, **INDICATORS[level])
    assert result["outcomes"] == {"risk_level": level}
    assert fired(result) == [RULE[level]]
    assert "RISK-SH" in result["fired"][0]["cites"]


@pytest.mark.parametrize("level", list(INDICATORS))
def test_the_assessors_level_agrees_with_the_indicators(run, level) -> None:
    result = run(neutral=False, rosh_level=level, **INDICATORS[level])
    assert result["outcomes"] == {"risk_level": level}
    assert result["ambiguities"] == []


def test_a_conflict_with_the_assessors_level_is_reported_not_overridden(run) -> None:
    result = run(neutral=False, rosh_level="medium", **INDICATORS["high"])
    assert result["status"] == "ambiguous"
    assert "risk_level" not in result["outcomes"]
    [conflict] = result["ambiguities"]
    assert conflict["outcome"] == "risk_level"
    assert conflict["candidates"] == ["high", "medium"]
    assert set(conflict["rules"]) == {"RISK-HIGH", "RISK-MEDIUM.oasys"}
    assert conflict["reason"].startswith("The assessor's OASys level and the level the indicators give differ")
    assert 'RISK-HIGH give "high"' in conflict["reason"]


@pytest.mark.parametrize(("facts", "rule"), [
    ({"identifiable_indicators": True, "harm_could_happen_any_time": True, "impact_serious": False},
     "RISK-HIGH.gap-impact-not-serious"),
    ({"identifiable_indicators": True, "harm_unlikely_without_change": False, "harm_could_happen_any_time": False,
      "harm_more_likely_than_not_imminently": False}, "RISK-MEDIUM.gap-no-likelihood"),
    ({"identifiable_indicators": True, "harm_more_likely_than_not_imminently": True, "impact_serious": False},
     "RISK-VERYHIGH.gap-impact-not-serious"),
])
def test_indicators_no_definition_covers_are_ambiguous(run, facts, rule) -> None:
    result = run(neutral=False, **facts)
    assert result["status"] == "ambiguous"
    assert rule in fired(result)


def test_custody_is_not_a_reason_to_lower_the_risk(run) -> None:
    result = run(neutral=False, in_custody=True, rosh_level="high")
    assert result["outcomes"] == {"risk_level": "high"}
    assert "RISK-CUSTODY" in fired(result)


def test_risk_is_not_reported_when_the_case_gives_nothing_about_it(run) -> None:
    result = run(neutral=False, outcome="none", sentence_type="none", subject_to_notification_requirements=False)
    assert "risk_level" not in result["outcomes"] and "risk_level" not in result["undetermined"]
