"""Levels of management (LVL-*): the recommended-level algorithm, allowed levels and proposals."""

from __future__ import annotations

import pytest

from support import fired, missing, unmet

CAT2 = {"outcome": "conviction", "offence_schedule15": True, "offence_type": "violent",
        "sentence_type": "immediate_custody", "custody_months": 24, "licence_or_order_in_force": True}


def test_high_rosh_can_still_be_level_1_when_the_lead_agency_can_manage(run) -> None:
    result = run(**CAT2, rosh_level="high", formal_meetings_add_value=False, lead_agency_can_manage=True,
                 unresolvable_barriers=False)
    assert result["status"] == "decided"
    assert result["outcomes"]["recommended_level"] == 1
    assert "LVL-1-HIGH" in fired(result)
    assert "formal_meetings_add_value is true (case has false)" in unmet(result)["LVL-2"]


def test_level_2_by_high_rosh(run) -> None:
    result = run(**CAT2, rosh_level="very_high", formal_meetings_add_value=True, senior_oversight_required=False)
    assert result["outcomes"]["recommended_level"] == 2
    assert "senior_oversight_required is true (case has false)" in unmet(result)["LVL-3"]


def test_level_2_by_active_multiagency_involvement_at_medium_rosh(run) -> None:
    result = run(**CAT2, rosh_level="medium", formal_meetings_add_value=True, active_multiagency_involvement_required=True,
                 senior_oversight_required=False)
    assert result["outcomes"]["recommended_level"] == 2


def test_previously_level_3_steps_down_to_level_2(run) -> None:
    result = run(**CAT2, rosh_level="medium", formal_meetings_add_value=True, active_multiagency_involvement_required=False,
                 previously_level3_no_longer_needed=True, senior_oversight_required=False)
    assert result["outcomes"]["recommended_level"] == 2
    assert result["fired"][[f["rule"] for f in result["fired"]].index("LVL-2")]["facts"] == {
        "formal_meetings_add_value": True, "previously_level3_no_longer_needed": True}


def test_level_3_needs_level_2_and_senior_oversight_but_not_imminence(run) -> None:
    result = run(**CAT2, rosh_level="high", formal_meetings_add_value=True, senior_oversight_required=True,
                 national_notoriety=False)
    assert result["outcomes"]["recommended_level"] == 3
    assert result["outcomes"]["cppc_referral_to_consider"] is False


def test_cppc_referral_for_very_high_rosh_with_national_notoriety(run) -> None:
    result = run(**CAT2, rosh_level="very_high", formal_meetings_add_value=True, senior_oversight_required=True,
                 national_notoriety=True)
    assert result["outcomes"]["cppc_referral_to_consider"] is True
    assert "LVL-CPPC" in fired(result)


def test_senior_oversight_without_level_2_criteria_is_not_level_3(run) -> None:
    result = run(**CAT2, rosh_level="low", formal_meetings_add_value=False, senior_oversight_required=True,
                 lead_agency_can_manage=True, unresolvable_barriers=False)
    assert result["outcomes"]["recommended_level"] == 1


@pytest.mark.parametrize("facts", [{"lead_agency_can_manage": False, "unresolvable_barriers": False},
                                   {"lead_agency_can_manage": True, "unresolvable_barriers": True}])
def test_barriers_rule_out_level_1_and_give_level_2_with_the_advice_to_refer(run, facts) -> None:
    """Decision 6: such barriers require a referral to Level 2 or 3; not 'open between 1 and 2'."""
    result = run(**CAT2, rosh_level="low", formal_meetings_add_value=False, senior_oversight_required=False, **facts)
    assert result["status"] == "decided" and result["ambiguities"] == []
    assert result["outcomes"]["recommended_level"] == 2
    [barrier] = [f for f in result["fired"] if f["rule"] == "LVL-1-BARRIER"]
    assert barrier["concludes"] == {"recommended_level": 2, "advice": True}
    assert "refer the case to Level 2 or 3" in barrier["because"]


def test_barriers_with_the_level_3_criteria_give_level_3(run) -> None:
    result = run(**CAT2, rosh_level="high", formal_meetings_add_value=True, senior_oversight_required=True,
                 lead_agency_can_manage=False)
    assert result["outcomes"]["recommended_level"] == 3 and "LVL-1-BARRIER" not in fired(result)


def test_barriers_need_the_level_3_answer_before_giving_level_2(run) -> None:
    result = run(**CAT2, rosh_level="high", formal_meetings_add_value=True, unresolvable_barriers=True)
    assert "recommended_level" in result["undetermined"] and "senior_oversight_required" in missing(result)


def test_missing_level_facts_are_listed(run) -> None:
    result = run(**CAT2, rosh_level="high")
    assert result["status"] == "undetermined"
    assert result["undetermined"] == ["recommended_level"]
    assert "formal_meetings_add_value" in missing(result)


def test_not_eligible_has_no_level(run) -> None:
    result = run(outcome="conviction", offence_schedule15=False, sentence_type="fine",
                 offence_indicates_serious_harm_capacity=False, formal_meetings_add_value=True, rosh_level="high")
    assert "recommended_level" not in result["outcomes"] and "allowed_levels" not in result["outcomes"]


CAT3 = {"outcome": "conviction", "offence_schedule15": False, "sentence_type": "community_order",
        "offence_indicates_serious_harm_capacity": True, "requires_level2_or_3_management": True,
        "formal_meetings_add_value": True, "active_multiagency_involvement_required": True,
        "senior_oversight_required": False, "rosh_level": "high"}


def test_category_3_at_level_1_is_rejected(run) -> None:
    result = run(**CAT3, proposed_level=1)
    assert result["outcomes"]["category"] == 3
    assert "only be managed at Level 2 or 3" in result["outcomes"]["invalid_reason"]
    assert {"CAT-3-LVL.proposal", "LVL-0.proposal-below-recommended"} <= set(fired(result))


def test_stated_category_3_at_level_1_is_rejected_without_category_facts(run) -> None:
    result = run(neutral=False, category=3, proposed_level=1)
    assert "only be managed at Level 2 or 3" in result["outcomes"]["invalid_reason"]


def test_level_3_without_level_2_criteria_is_rejected(run) -> None:
    result = run(**CAT2, rosh_level="low", formal_meetings_add_value=False, lead_agency_can_manage=True,
                 unresolvable_barriers=False, proposed_level=3)
    assert "Level 3 requires the Level 2 criteria" in result["outcomes"]["invalid_reason"]


def test_a_proposal_the_rules_support_is_accepted(run) -> None:
    result = run(**CAT3, proposed_level=2)
    assert "invalid_reason" not in result["outcomes"]
    assert result["status"] == "decided"


def test_a_proposal_that_cannot_yet_be_checked_is_undetermined(run) -> None:
    result = run(**CAT2, proposed_level=3, rosh_level="high")
    assert "invalid_reason" in result["undetermined"]
    assert "formal_meetings_add_value" in missing(result)


@pytest.mark.parametrize(("category_facts", "allowed"), [
    ({**CAT2}, [1, 2, 3]),
    ({**CAT3}, [2, 3]),
])
def test_allowed_levels_by_category(run, category_facts, allowed) -> None:
    facts = {"rosh_level": "high", "formal_meetings_add_value": True, "senior_oversight_required": False, **category_facts}
    assert run(**facts)["outcomes"]["allowed_levels"] == allowed


def test_category_4_levels_are_unrestricted_but_flagged(run) -> None:
    result = run(outcome="conviction", offence_schedule15=False, sentence_type="immediate_custody", custody_months=30,
                 offence_indicates_serious_harm_capacity=True, requires_level2_or_3_management=True,
                 **{"terrorism_offence_conviction": True}, rosh_level="high", formal_meetings_add_value=True,
                 senior_oversight_required=False)
    assert result["outcomes"]["allowed_levels"] == [1, 2, 3]
    assert "Confirm this against the national guidance" in next(
        f["because"] for f in result["fired"] if f["rule"] == "LVL-0.allowed-levels-category-4")
