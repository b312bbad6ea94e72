"""Every example file gives the answer the policy gives, with a rationale citing its clauses."""

from __future__ import annotations

import pytest

from mappa_rules.case import read_case
from mappa_rules.explain import assess

from support import EXAMPLES

EXPECTED = {
    # file: (status, outcomes that must hold, clause ids the rationale must cite)
    "cat1-registered-sex-offender.yaml": ("decided", {"category": 1, "recommended_level": 1}, {"CAT-1", "CAT-2x"}),
    "cat1-registered-licence-ended.yaml": ("decided", {"category": 1, "eligible": True, "recommended_level": 1}, {"CAT-1", "CAT-PREC"}),
    "cat2-violent-12-months.yaml": ("decided", {"category": 2, "recommended_level": 2}, {"CAT-2a", "CAT-THRESH", "LVL-2"}),
    "not-eligible-violent-11-months.yaml": ("decided", {"eligible": False, "category": None}, {"CAT-NONE"}),
    "cat2-hospital-order-without-restriction.yaml": ("decided", {"category": 2, "recommended_level": 3}, {"CAT-2e", "LVL-3"}),
    "cat3-other-dangerous-offender.yaml": ("decided", {"category": 3, "allowed_levels": [2, 3], "recommended_level": 2},
                                           {"CAT-3", "CAT-3-LVL"}),
    "cat4-automatic-terrorism.yaml": ("decided", {"category": 4, "category4_kind": "automatic", "recommended_level": 3,
                                                  "cppc_referral_to_consider": True}, {"CAT-4a", "LVL-CPPC"}),
    "cat4-discretionary.yaml": ("decided", {"category": 4, "category4_kind": "discretionary", "recommended_level": 1},
                                {"CAT-4b", "CAT-4-ID"}),
    "ambiguous-registered-and-violent.yaml": ("ambiguous", {"eligible": True}, {"CAT-2x", "CAT-PREC"}),
    "missing-custody-term.yaml": ("undetermined", {}, set()),
    "rejected-proposal-cat3-level1.yaml": ("decided", {"category": 3, "recommended_level": 2}, {"CAT-3-LVL"}),
    "referral-decision-across-christmas.yaml": ("decided", {"referral_valid": True, "deadline": "2027-01-06",
                                                            "within_deadline": True, "category": 3}, {"REF-3", "DL-WD"}),
    "referral-rejected-level-1.json": ("decided", {"referral_valid": False, "category": 2}, {"REF-4"}),
    "complaint-licence-condition.yaml": ("decided", {"complaint_route": "single_agency:probation"}, {"CMP-3", "CMP-5"}),
    "complaint-mappa-appeal-merseyside.yaml": ("decided", {"complaint_route": "mappa", "appeal_to": [
        "Chief Constable", "Deputy Head of the Probation Service", "Prison North West Strategic Lead"]}, {"CMP-2", "CMP-10"}),
    "disagreement-imminent-risk-on-boxing-day.yaml": ("ambiguous", {"escalate_same_working_day": True},
                                                      {"ESC-IMM", "ESC-REPEAT"}),
    "disagreement-imminent-risk-cheshire.yaml": ("ambiguous", {}, {"ESC-IMM", "ESC-PARA"}),
    "disagreement-level3-wirral.yaml": ("decided", {"escalation_level": 3, "deadline": "2027-01-04"}, {"ESC-L3", "DL-ESC3"}),
    "meeting-notice-short-notice-liverpool.yaml": ("decided", {"spoc_notice_compliant": True, "within_deadline": False,
                                                               "deadline": "2026-11-16"}, {"SPOC-5", "SPOC-4"}),
    "meeting-notice-late-wirral.yaml": ("decided", {"spoc_notice_compliant": False, "deadline": "2026-11-25"}, {"SPOC-4", "SPOC-1"}),
    "risk-from-indicators.json": ("decided", {"category": 2, "risk_level": "high", "recommended_level": 1},
                                  {"CAT-2b", "RISK-HIGH", "LVL-1-HIGH"}),
}


def test_there_are_at_least_ten_examples_and_each_is_checked() -> None:
    files = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json")}
    assert len(files) >= 10
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(book, name) -> None:
    status, outcomes, cites = EXPECTED[name]
    result = assess(read_case(EXAMPLES / name, book), book)
    assert result["status"] == status, result
    for key, value in outcomes.items():
        assert result["outcomes"].get(key, "absent") == value, f"In example {name}: {key}"
    cited = {cid for f in result["fired"] for cid in f["cites"]}
    assert cites <= cited, f"In example {name}: missing citations {cites - cited}"
    assert set(result["citations"]) >= cited


def test_missing_example_names_the_missing_fact(book) -> None:
    result = assess(read_case(EXAMPLES / "missing-custody-term.yaml", book), book)
    assert [m["fact"] for m in result["missing_facts"]] == ["custody_months"]


def test_rejected_proposal_example(book) -> None:
    result = assess(read_case(EXAMPLES / "rejected-proposal-cat3-level1.yaml", book), book)
    assert "Category 3 cases can only be managed at Level 2 or 3" in result["outcomes"]["invalid_reason"]


def test_imminent_risk_outside_merseyside_never_reads_no(book) -> None:
    result = assess(read_case(EXAMPLES / "disagreement-imminent-risk-cheshire.yaml", book), book)
    assert "escalate_same_working_day" not in result["outcomes"]
    [open_question] = result["ambiguities"]
    assert open_question["outcome"] == "escalate_same_working_day"
    advice = [f["because"] for f in result["fired"] if f["concludes"].get("advice")]
    assert advice[0].startswith("Act on the imminent risk of serious harm now, under Cheshire's own procedure")


def test_boxing_day_concern_shows_the_next_working_day(book) -> None:
    result = assess(read_case(EXAMPLES / "disagreement-imminent-risk-on-boxing-day.yaml", book), book)
    [deadline] = [a for a in result["ambiguities"] if a["outcome"] == "deadline"]
    assert deadline["candidates"] == ["2026-12-26", "2026-12-29"]
    assert "Tue 29 Dec 2026" in deadline["reason"]
    assert any(d["date"] == "2026-12-29" and "skipping 28 Dec (Boxing Day, substitute)" in d["how"] for d in result["deadlines"])


def test_examples_no_longer_use_the_retired_fact() -> None:
    for path in EXAMPLES.iterdir():
        assert "statutory_period_active" not in path.read_text(), path.name
