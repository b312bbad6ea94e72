"""Category eligibility (CAT-*): every route at its boundaries, precedence and the open questions."""

from __future__ import annotations

import pytest

from support import fired, missing, unmet

VIOLENT_CONVICTION = {"outcome": "conviction", "offence_schedule15": True, "offence_type": "violent",
                      "licence_or_order_in_force": True}
NO_CAT3 = {"offence_indicates_serious_harm_capacity": False}


@pytest.mark.parametrize(
    ("sentence_type", "months", "rule", "category"),
    [
        ("immediate_custody", 12, "CAT-2a", 2),
        ("immediate_custody", 11, None, None),
        ("immediate_custody", 11.99, None, None),
        ("suspended_sentence", 12, "CAT-2b", 2),
        ("suspended_sentence", 11, None, None),
        ("dto", 12, "CAT-2c", 2),
        ("dto", 11, None, None),
        ("hmp_or_life", 0, "CAT-2d", 2),
        ("community_order", 0, None, None),
    ],
)
def test_category_2_custodial_thresholds(run, sentence_type, months, rule, category) -> None:
    result = run(**VIOLENT_CONVICTION, **NO_CAT3, sentence_type=sentence_type, custody_months=months)
    assert "category" not in result["undetermined"]
    assert result["outcomes"]["category"] == category
    assert result["outcomes"]["eligible"] is (category is not None)
    if rule:
        assert rule in fired(result)
        assert "CAT-THRESH" in next(f for f in result["fired"] if f["rule"] == rule)["cites"] or rule == "CAT-2d"
    else:
        assert "CAT-NONE" in fired(result)


def test_eleven_months_explains_the_threshold_it_missed(run) -> None:
    result = run(**VIOLENT_CONVICTION, **NO_CAT3, sentence_type="immediate_custody", custody_months=11)
    assert unmet(result)["CAT-2a"] == ["custody_months >= 12 (case has 11)"]


def test_non_schedule_15_offence_is_not_category_2(run) -> None:
    result = run(outcome="conviction", offence_schedule15=False, sentence_type="immediate_custody", custody_months=48, **NO_CAT3)
    assert result["outcomes"] == {"category": None, "eligible": False}
    assert "offence_schedule15 is true (case has false)" in unmet(result)["CAT-2a"]


@pytest.mark.parametrize("restriction", [True, False])
def test_hospital_order_qualifies_with_or_without_restriction(run, restriction) -> None:
    result = run(**VIOLENT_CONVICTION, sentence_type="hospital_order", hospital_restriction_order=restriction)
    assert result["outcomes"]["category"] == 2
    assert "CAT-2e" in fired(result)


def test_guardianship_order_qualifies(run) -> None:
    assert run(**VIOLENT_CONVICTION, sentence_type="guardianship_order")["outcomes"]["category"] == 2


@pytest.mark.parametrize("finding", ["not_guilty_by_insanity", "disability_finding"])
def test_insanity_or_disability_finding_with_hospital_order_is_category_2(run, finding) -> None:
    result = run(outcome=finding, offence_schedule15=True, sentence_type="hospital_order", licence_or_order_in_force=True)
    assert result["outcomes"]["category"] == 2
    assert "CAT-2f" in fired(result)


@pytest.mark.parametrize("finding", ["not_guilty_by_insanity", "disability_finding"])
def test_insanity_finding_without_a_hospital_order_is_not_category_2(run, finding) -> None:
    result = run(outcome=finding, offence_schedule15=True, sentence_type="discharge", **NO_CAT3)
    assert result["outcomes"] == {"category": None, "eligible": False}
    assert "CAT-2f" in unmet(result)


def test_caution_only_is_not_eligible_without_level_2_need(run) -> None:
    result = run(outcome="formal_caution", offence_schedule15=True, sentence_type="none",
                 offence_indicates_serious_harm_capacity=True, requires_level2_or_3_management=False)
    assert result["outcomes"] == {"category": None, "eligible": False}
    assert "requires_level2_or_3_management is true (case has false)" in unmet(result)["CAT-3"]


def test_category_2_ends_with_the_licence(run) -> None:
    result = run(**{**VIOLENT_CONVICTION, "licence_or_order_in_force": False}, **NO_CAT3, sentence_type="immediate_custody",
                 custody_months=24)
    assert result["outcomes"]["eligible"] is False
    assert "licence_or_order_in_force is true (case has false)" in unmet(result)["CAT-2a"]
    assert result["assumed"] == []


def test_an_unknown_licence_is_asked_for_never_assumed(run) -> None:
    facts = {k: v for k, v in VIOLENT_CONVICTION.items() if k != "licence_or_order_in_force"}
    result = run(**facts, **NO_CAT3, sentence_type="immediate_custody", custody_months=24)
    assert "category" in result["undetermined"]
    assert missing(result) == ["licence_or_order_in_force"]
    assert result["assumed"] == []


def test_registered_offender_whose_later_licence_ended_is_category_1(run) -> None:
    """Decision 1: the notification clock keeps Category 1 when the licence clock has run out."""
    result = run(**{**VIOLENT_CONVICTION, "licence_or_order_in_force": False}, sentence_type="immediate_custody",
                 custody_months=18, subject_to_notification_requirements=True)
    assert result["outcomes"]["category"] == 1 and result["outcomes"]["eligible"] is True
    assert "CAT-2a" in unmet(result) and "CAT-1" in fired(result)


def test_category_1_registered(run) -> None:
    result = run(subject_to_notification_requirements=True, outcome="conviction", offence_type="sexual",
                 offence_schedule15=True, sentence_type="community_order")
    assert result["outcomes"]["category"] == 1
    assert {"CAT-1", "CAT-2x"} <= set(fired(result))


def test_registered_sexual_offender_with_category_2_sentence_is_category_1(run) -> None:
    result = run(subject_to_notification_requirements=True, outcome="conviction", offence_type="sexual",
                 offence_schedule15=True, sentence_type="immediate_custody", custody_months=36, licence_or_order_in_force=True)
    assert result["outcomes"]["category"] == 1
    assert {"CAT-1", "CAT-2a", "CAT-2x"} <= set(fired(result))


def test_registered_offender_with_separate_violent_sentence_is_ambiguous(run) -> None:
    result = run(subject_to_notification_requirements=True, **VIOLENT_CONVICTION,
                 sentence_type="immediate_custody", custody_months=18)
    assert result["status"] == "ambiguous"
    assert "category" not in result["outcomes"]
    assert result["outcomes"]["eligible"] is True
    [ambiguity] = result["ambiguities"]
    assert ambiguity["outcome"] == "category" and ambiguity["candidates"] == [1, 2]
    assert "CAT-2x" in ambiguity["cites"]


def test_category_4_automatic_by_conviction(run) -> None:
    result = run(**{**CAT3, "offence_type": "terrorism", "sentence_type": "immediate_custody", "custody_months": 36,
                    "terrorism_offence_conviction": True}, rosh_level="high")
    assert result["outcomes"]["category"] == 4
    assert result["outcomes"]["category4_kind"] == "automatic"


def test_category_4_automatic_by_court_found_connection(run) -> None:
    result = run(outcome="conviction", offence_schedule15=False, sentence_type="fine", **NO_CAT3,
                 **{"terrorist_connection_found_by_court": True})
    assert (result["outcomes"]["category"], result["outcomes"]["category4_kind"]) == (4, "automatic")


def test_category_4_discretionary_needs_ct_identification(run) -> None:
    facts = {"outcome": "youth_reprimand_or_warning", "offence_schedule15": False, "sentence_type": "none", **NO_CAT3,
             "ra_believes_terrorism_risk": True}
    decided = run(**facts, identified_by_ct=True)
    assert (decided["outcomes"]["category"], decided["outcomes"]["category4_kind"]) == (4, "discretionary")
    needs_level_2 = run(**{**facts, **CAT3, "outcome": "youth_reprimand_or_warning", "sentence_type": "none"}, rosh_level="high",
                        identified_by_ct=True)
    assert (needs_level_2["status"], needs_level_2["outcomes"]["category"]) == ("decided", 4)
    pending = run(**facts, identified_by_ct=False)
    assert pending["status"] == "ambiguous"
    assert {"CAT-4-ID", "CAT-4-ID.pending"} <= set(fired(pending))
    assert "category" not in pending["outcomes"]


def test_terrorism_concern_without_any_conviction_is_not_category_4(run) -> None:
    result = run(outcome="none", sentence_type="none", ra_believes_terrorism_risk=True, identified_by_ct=True,
                 **{"subject_to_notification_requirements": False})
    assert result["outcomes"] == {"category": None, "eligible": False}


def test_category_1_and_4_is_ambiguous(run) -> None:
    result = run(subject_to_notification_requirements=True, outcome="conviction", offence_type="sexual",
                 offence_schedule15=True, sentence_type="fine", **{"terrorist_connection_found_by_court": True})
    assert result["status"] == "ambiguous"
    assert result["ambiguities"][0]["candidates"] == [1, 4]


CAT3 = {
    "outcome": "conviction", "offence_schedule15": False, "sentence_type": "community_order",
    "offence_indicates_serious_harm_capacity": True, "requires_level2_or_3_management": True,
    "formal_meetings_add_value": True, "active_multiagency_involvement_required": True, "senior_oversight_required": False,
}


def test_category_3_residual_at_level_2(run) -> None:
    result = run(**CAT3, rosh_level="high")
    assert result["outcomes"]["category"] == 3
    assert result["outcomes"]["allowed_levels"] == [2, 3]
    assert result["outcomes"]["recommended_level"] == 2
    assert {"CAT-3", "CAT-3-LVL", "CAT-3-LVL.allowed-levels"} <= set(fired(result))


def test_category_3_is_never_level_1(run) -> None:
    result = run(**{**CAT3, "active_multiagency_involvement_required": False, "previously_level3_no_longer_needed": False,
                    "lead_agency_can_manage": True, "unresolvable_barriers": False}, rosh_level="medium")
    assert (result["outcomes"]["category"], result["outcomes"]["eligible"]) == (None, False)
    assert "recommended_level" not in result["outcomes"]
    assert "CAT-3-LVL.comes-out-at-level-1" in fired(result)


def test_category_3_is_residual_to_category_2(run) -> None:
    result = run(**{**CAT3, "offence_schedule15": True, "sentence_type": "immediate_custody", "custody_months": 12},
                 rosh_level="high", licence_or_order_in_force=True)
    assert result["outcomes"]["category"] == 2
    assert any("cat2_met is false" in criterion for criterion in unmet(result)["CAT-3"])


def test_category_3_at_medium_rosh_is_ambiguous(run) -> None:
    result = run(**CAT3, rosh_level="medium")
    assert result["status"] == "ambiguous"
    assert "CAT-3.rosh-below-high" in fired(result)
    assert {a["outcome"] for a in result["ambiguities"]} == {"category", "eligible"}


def test_category_3_at_low_risk_from_the_indicators_is_not_met(run) -> None:
    """Decision 4: low RoSH means no indicated likelihood of serious harm, so CAT-3 is not met."""
    result = run(**CAT3, identifiable_indicators=False)
    assert result["status"] == "decided"
    assert result["outcomes"]["eligible"] is False and result["outcomes"]["risk_level"] == "low"
    assert any("risk_level" in criterion for criterion in unmet(result)["CAT-3"])


@pytest.mark.parametrize(("facts", "named"), [
    ({"requires_level2_or_3_management": True, "formal_meetings_add_value": False},
     ("requires_level2_or_3_management", "formal_meetings_add_value")),
    ({"rosh_level": "low", "requires_level2_or_3_management": True}, ("rosh_level", "requires_level2_or_3_management")),
])
def test_contradictory_level_facts_are_refused_naming_both(book, facts, named) -> None:
    """Decision 5: one clear error naming both facts."""
    from mappa_rules.case import case_from_data
    from mappa_rules.errors import CaseError
    from mappa_rules.explain import assess

    with pytest.raises(CaseError) as refused:
        assess(case_from_data({"facts": facts}, book, "case.yaml"), book)
    message = str(refused.value)
    assert message.startswith("case.yaml: facts.") and "(VAL-3" in message and "\n" not in message
    assert all(name in message for name in named)


def test_terrorism_offender_needing_level_2_is_category_4_not_3(run) -> None:
    """Decision 2: Category 3 is residual to Category 4."""
    result = run(**CAT3, rosh_level="high", terrorism_offence_conviction=True)
    assert (result["status"], result["outcomes"]["category"], result["outcomes"]["recommended_level"]) == ("decided", 4, 2)
    assert "cat4_automatic is false" in " ".join(unmet(result)["CAT-3"])


def test_registered_sexual_offender_with_terrorist_connection_is_open_between_1_and_4_only(run) -> None:
    """Decision 3: CAT-2x keeps a registered sexual offender out of Category 2 in every precedence rule."""
    result = run(subject_to_notification_requirements=True, outcome="conviction", offence_type="sexual",
                 offence_schedule15=True, sentence_type="immediate_custody", custody_months=30, licence_or_order_in_force=True,
                 terrorist_connection_found_by_court=True)
    assert [a["candidates"] for a in result["ambiguities"]] == [[1, 4]]


def test_a_rule_reading_offence_type_must_cite_cat_2x(draft) -> None:
    """Decision 11: offence_type decides nothing but CAT-2x; the loader refuses any other use."""
    from mappa_rules.errors import RulesetError
    from mappa_rules.loader import load_rulebook

    path = draft / "categories.yaml"
    path.write_text(path.read_text().replace("        - {fact: terrorism_offence_conviction, is: true}\n",
                                             "        - {fact: offence_type, is: terrorism}\n", 1))
    with pytest.raises(RulesetError, match="rule CAT-4a: when: reads 'offence_type', which only rules citing CAT-2x may read"):
        load_rulebook(draft)


def test_category_3_without_a_risk_level_is_provisional_and_asks_for_it(run) -> None:
    """High or very high RoSH gives Category 3, medium leaves it open between 3 and none, low is refused
    with 'needs Level 2/3' (VAL-3): Category 3 on the facts given, provisionally; the level is asked next."""
    result = run(**CAT3)
    assert result["status"] == "provisional"
    assert result["answers"]["category"]["firmness"] == "provisional" and result["answers"]["category"]["value"] == 3
    assert "rosh_level" in missing(result) and result["next_question"]["fact"] == "rosh_level"


def test_category_3_by_insanity_finding_is_ambiguous(run) -> None:
    result = run(**{**CAT3, "outcome": "not_guilty_by_insanity", "sentence_type": "discharge"}, rosh_level="high")
    assert result["status"] == "ambiguous"
    assert "CAT-3.finding-not-conviction" in fired(result)


def test_former_category_2_after_licence_can_stay_as_category_3(run) -> None:
    result = run(**{**CAT3, "offence_schedule15": True, "sentence_type": "immediate_custody", "custody_months": 30},
                 rosh_level="very_high", licence_or_order_in_force=False, previous_category=2, previous_level=2)
    assert result["outcomes"]["category"] == 3
    assert "CAT-3-PREV" in fired(result)


def test_disqualification_order_is_ambiguous(run) -> None:
    result = run(**{"outcome": "conviction", "offence_schedule15": False, "sentence_type": "fine", **NO_CAT3,
                    "disqualification_order": True})
    assert result["status"] == "ambiguous"
    assert result["ambiguities"][0]["cites"] == ["CAT-2g"]


def test_missing_fact_is_reported_never_defaulted(run) -> None:
    result = run(**VIOLENT_CONVICTION, **NO_CAT3, sentence_type="immediate_custody")
    assert result["status"] == "undetermined"
    assert result["outcomes"] == {}
    assert missing(result) == ["custody_months"]
    assert set(result["missing_facts"][0]["needed_by"]) == {"CAT-2a"}


def test_without_terrorism_facts_category_is_undetermined(run) -> None:
    result = run(neutral=False, **VIOLENT_CONVICTION, **NO_CAT3, sentence_type="immediate_custody", custody_months=12,
                 subject_to_notification_requirements=False)
    assert result["outcomes"]["eligible"] is True
    assert "category" in result["undetermined"]
    assert {"terrorism_offence_conviction", "terrorist_connection_found_by_court", "ra_believes_terrorism_risk"} <= set(missing(result))


@pytest.mark.parametrize("stated", [1, 3, 4])
def test_a_stated_category_the_rules_do_not_give_is_rejected(run, stated) -> None:
    result = run(**VIOLENT_CONVICTION, sentence_type="immediate_custody", custody_months=12, category=stated)
    assert result["outcomes"]["category"] == 2
    assert f"states Category {stated}" in result["outcomes"]["invalid_reason"]


def test_a_stated_category_the_rules_give_is_accepted(run) -> None:
    result = run(**VIOLENT_CONVICTION, sentence_type="immediate_custody", custody_months=12, category=2)
    assert "invalid_reason" not in result["outcomes"]
