"""Process rules: complaints (CMP), escalation (ESC), referrals (REF), SPOC notice (SPOC), deadlines."""

from __future__ import annotations

import pytest

from mappa_rules.case import case_from_data
from mappa_rules.errors import CaseError
from mappa_rules.explain import assess

from support import NEUTRAL, fired, missing


def steps(result: dict) -> list[str]:
    return [s["rule"] for s in result.get("next_steps", [])]


# --- Complaints -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("subject", "agency", "route", "rule"), [
    ("mappa_meeting_decision", None, "mappa", "CMP-2"),
    ("mappa_process", None, "mappa", "CMP-2"),
    (("disclosure_decision", "mappa_meeting"), None, "mappa", "CMP-2.disclosure-by-mappa"),
    (("disclosure_decision", "single_agency"), "police", "single_agency:police", "CMP-2.disclosure-by-agency"),
    ("denied_access_to_meeting_or_minutes", None, "mappa", "CMP-2"),
    ("licence_condition", None, "single_agency:probation", "CMP-3"),
    ("police_operations", None, "single_agency:police", "CMP-4.police"),
    ("prison_operations", None, "single_agency:prison", "CMP-4.prison"),
    ("agency_case_management", "housing", "single_agency:housing", "CMP-2.agency"),
])
def test_complaint_routes(process, subject, agency, route, rule) -> None:
    subject, decided_by = subject if isinstance(subject, tuple) else (subject, None)
    facts = {"complaint_subject": subject, "complaint_in_writing": True, **({"subject_agency": agency} if agency else {}),
             **({"disclosure_decided_by": decided_by} if decided_by else {})}
    result = process("complaint", "Merseyside", **facts)
    assert result["outcomes"]["complaint_route"] == route
    assert rule in fired(result)


def test_mappa_complaint_steps_in_order(process) -> None:
    result = process("complaint", "Cheshire", complaint_subject="mappa_process", complaint_in_writing=True)
    assert steps(result) == ["CMP-7", "CMP-8", "CMP-8.investigation", "CMP-9", "CMP-11"]
    investigation = next(s["step"] for s in result["next_steps"] if s["rule"] == "CMP-8.investigation")
    assert "three" in investigation and "none of whom was involved in the case" in investigation


def test_agency_complaint_goes_to_the_agency(process) -> None:
    result = process("complaint", "Merseyside", complaint_subject="licence_condition", complaint_in_writing=True)
    assert steps(result) == ["CMP-7.agency", "CMP-5", "CMP-11"]


def test_a_mappa_complaint_not_in_writing_is_flagged_but_keeps_its_route(process) -> None:
    result = process("complaint", "Merseyside", complaint_subject="mappa_meeting_decision", complaint_in_writing=False)
    assert result["outcomes"]["complaint_route"] == "mappa"
    assert "in writing" in result["outcomes"]["invalid_reason"]
    assert steps(result)[0] == "CMP-6"


@pytest.mark.parametrize(("area", "appeal"), [("Merseyside", True), ("Sefton", True), ("Cheshire", False)])
def test_appeal_routes_are_merseyside_only(process, area, appeal) -> None:
    result = process("complaint", area, complaint_subject="disclosure_decision", disclosure_decided_by="mappa_meeting",
                     complaint_in_writing=True,
                     complaint_outcome_issued=True, complainant_dissatisfied=True, complainant_type="legal_adviser")
    assert ("appeal_to" in result["outcomes"]) is appeal
    if appeal:
        assert result["outcomes"]["appeal_to"] == ["Chief Constable", "Deputy Head of the Probation Service",
                                                  "Prison North West Strategic Lead"]
    else:
        assert result["local_procedure"]["encoded"] is False
        assert "No local procedure is encoded for Cheshire" in result["local_procedure"]["note"]
    assert "CMP-1" in fired(result)


def test_an_agency_complaint_without_the_agency_is_undetermined(process) -> None:
    result = process("complaint", "Merseyside", complaint_subject="agency_case_management")
    assert result["status"] == "undetermined" and missing(result) == ["subject_agency"]


def test_an_unknown_agency_is_bad_input(book) -> None:
    with pytest.raises(CaseError, match="facts.subject_agency: 'council' is not allowed"):
        case_from_data({"kind": "complaint", "facts": {"complaint_subject": "agency_case_management",
                                                       "subject_agency": "council"}}, book)


# --- Escalation ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tried", "level", "to"), [
    (0, 1, ["MAPPA Chair"]),
    (1, 2, ["Operational/strategic lead named as the organisation's MAPPA SPOC"]),
    (2, 3, ["SMB Chair", "MAPPA co-ordinator"]),
])
def test_the_escalation_ladder(process, tried, level, to) -> None:
    result = process("disagreement", "Merseyside", issue_type="rosh_disagreement", unresolved_after_level=tried,
                     imminent_risk_of_serious_harm=False)
    assert result["outcomes"]["escalation_level"] == level
    assert result["outcomes"]["escalate_to"] == to
    assert "ESC-L1.record" in steps(result)


def test_non_attendance_at_level_1_means_a_phone_call(process) -> None:
    result = process("disagreement", "Knowsley", issue_type="non_attendance", unresolved_after_level=0)
    assert {"ESC-0", "ESC-L1.phone-call"} <= set(steps(result))


def test_level_3_is_progressed_within_one_working_week(process) -> None:
    result = process("disagreement", "Merseyside", issue_type="communication", unresolved_after_level=2,
                     level3_report_date="2026-12-23", imminent_risk_of_serious_harm=False)
    assert result["outcomes"]["deadline"] == "2027-01-04"
    assert "5 working days after Wed 23 Dec 2026" in result["deadlines"][0]["how"]
    assert "DL-ESC3" in result["deadlines"][0]["cites"]


def test_imminent_risk_is_escalated_the_same_working_day(process) -> None:
    result = process("disagreement", "Wirral", imminent_risk_of_serious_harm=True, concern_date="2026-11-23",
                     unresolved_after_level=0, issue_type="rosh_disagreement")
    assert result["outcomes"]["escalate_same_working_day"] is True
    assert result["outcomes"]["deadline"] == "2026-11-23"
    # alongside the ladder, not instead of it: the Level 1 step still goes to the MAPPA Chair
    assert result["outcomes"]["escalate_to"] == ["Probation strategic lead", "Police strategic lead", "MAPPA co-ordinator",
                                                 "MAPPA Chair"]
    assert {"ESC-PARA", "ESC-IMM"} <= set(fired(result))


@pytest.mark.parametrize("day", ["2026-11-21", "2026-12-28", "2027-12-27"])
def test_imminent_risk_on_a_non_working_day_is_ambiguous_not_invented(process, day) -> None:
    result = process("disagreement", "Merseyside", imminent_risk_of_serious_harm=True, concern_date=day)
    assert result["status"] == "ambiguous"
    assert "deadline" not in result["outcomes"]
    assert [a["outcome"] for a in result["ambiguities"]] == ["deadline"]


def test_imminent_risk_and_the_ladder_run_together(process) -> None:
    result = process("disagreement", "Merseyside", imminent_risk_of_serious_harm=True, concern_date="2026-11-23",
                     issue_type="rosh_disagreement", unresolved_after_level=2, level3_report_date="2026-11-23")
    assert result["outcomes"]["escalation_level"] == 3
    assert result["outcomes"]["deadline"] == "2026-11-23"  # the earliest of the two
    assert [d["name"] for d in result["deadlines"]] == ["level3_progress_due"]
    assert set(result["outcomes"]["escalate_to"]) >= {"SMB Chair", "Police strategic lead"}


@pytest.mark.parametrize(("tried", "candidates"), [(0, [1, 3]), (1, [2, 3])])
def test_repeat_non_attendance_in_liverpool_is_ambiguous(process, tried, candidates) -> None:
    result = process("disagreement", "Liverpool", issue_type="repeat_non_attendance", unresolved_after_level=tried,
                     non_attendance_explained=False)
    [ambiguity] = result["ambiguities"]
    assert ambiguity["candidates"] == candidates and "ESC-REPEAT" in ambiguity["cites"]
    assert "ESC-REPEAT.contact" in steps(result)


def test_repeat_non_attendance_after_level_2_is_level_3_everywhere(process) -> None:
    result = process("disagreement", "Liverpool", issue_type="repeat_non_attendance", unresolved_after_level=2,
                     imminent_risk_of_serious_harm=False, level3_report_date="2026-11-23")
    assert result["outcomes"]["escalation_level"] == 3 and result["status"] == "decided"


@pytest.mark.parametrize("area", ["St Helens", "Wirral", "Knowsley", "Sefton"])
def test_repeat_non_attendance_goes_to_the_smb_across_merseyside(process, area) -> None:
    """Decision 8: LIVERPOOL's repeat non-attendance rule applies to all five local authorities."""
    result = process("disagreement", area, issue_type="repeat_non_attendance", unresolved_after_level=0,
                     non_attendance_explained=False)
    assert [a["candidates"] for a in result["ambiguities"]] == [[1, 3]]
    assert "ESC-REPEAT.contact" in steps(result)


def test_no_escalation_procedure_outside_merseyside(process) -> None:
    result = process("disagreement", "Telford", issue_type="rosh_disagreement", unresolved_after_level=1,
                     imminent_risk_of_serious_harm=True, concern_date="2026-11-23")
    assert "escalation_level" not in result["outcomes"]
    assert result["local_procedure"]["encoded"] is False
    assert fired(result) == ["ESC-IMM.elsewhere", "ESC-PARA"]


@pytest.mark.parametrize("area", ["Telford", "Cheshire", "Kent"])
def test_an_imminent_risk_outside_merseyside_is_never_no(process, area) -> None:
    """Decision 7: open, not decided, and the first advice is to act now under the area's own procedure."""
    result = process("disagreement", area, imminent_risk_of_serious_harm=True, concern_date="2026-11-23")
    assert "escalate_same_working_day" not in result["outcomes"] and result["status"] == "ambiguous"
    [question] = result["ambiguities"]
    assert question["outcome"] == "escalate_same_working_day"
    first_advice = next(f["because"] for f in result["fired"] if f["concludes"].get("advice"))
    assert first_advice.startswith(f"Act on the imminent risk of serious harm now, under {area}'s own procedure")


def test_an_imminent_risk_with_no_area_asks_for_the_area(process) -> None:
    result = process("disagreement", None, imminent_risk_of_serious_harm=True, concern_date="2026-11-23")
    assert "escalate_same_working_day" not in result["outcomes"]
    assert "escalate_same_working_day" in result["undetermined"] and "area" in [m["fact"] for m in result["missing_facts"]]


# --- Referrals -------------------------------------------------------------------------------------

CATEGORY_2_LEVEL_2 = {**NEUTRAL, "outcome": "conviction", "offence_schedule15": True, "sentence_type": "immediate_custody",
                      "custody_months": 24, "licence_or_order_in_force": True, "rosh_level": "high", "formal_meetings_add_value": True,
                      "senior_oversight_required": False}
REFERRAL = {"referrer_agency": "children_services", "referral_form": "MAPPA_A", "requested_level": 2,
            "referral_received_date": "2026-12-23", **CATEGORY_2_LEVEL_2}


def test_a_valid_referral_is_also_assessed_for_category_and_level(process) -> None:
    result = process("referral", "Cheshire", **REFERRAL, decision_date=None)
    assert result["outcomes"]["referral_valid"] is True
    assert (result["outcomes"]["category"], result["outcomes"]["recommended_level"]) == (2, 2)
    assert result["outcomes"]["deadline"] == "2027-01-11"
    assert "within_deadline" not in result["outcomes"]
    assert steps(result) == ["REF-2.review", "REF-3"]


@pytest.mark.parametrize(("decided", "on_time"), [("2027-01-11", True), ("2027-01-12", False), ("2026-12-24", True)])
def test_the_referral_decision_deadline(process, decided, on_time) -> None:
    result = process("referral", "Cheshire", **REFERRAL, decision_date=decided)
    assert result["outcomes"]["within_deadline"] is on_time


def test_a_decision_before_the_referral_is_refused(book) -> None:
    data = {"kind": "referral", "area": "Cheshire", "facts": {**REFERRAL, "decision_date": "2026-12-22"}}
    with pytest.raises(CaseError, match="facts.decision_date: the decision date .* is before the referral was received") as caught:
        assess(case_from_data(data, book), book)
    assert caught.value.cites == ("VAL-3",)


def test_a_missing_start_date_is_reported_as_missing(process) -> None:
    result = process("disagreement", "Merseyside", issue_type="communication", unresolved_after_level=2)
    assert result["outcomes"]["escalation_level"] == 3
    assert "level3_report_date" in missing(result)


@pytest.mark.parametrize(("convention", "due"), [(None, "2026-11-06"), ("count_from_next_day", "2026-11-06"),
                                                 ("next_working_day", "2026-11-09")])
def test_a_weekend_receipt_follows_the_convention_and_says_so(process, convention, due) -> None:
    result = process("referral", "Cheshire", convention, **{**REFERRAL, "referral_received_date": "2026-10-24"})
    assert result["outcomes"]["deadline"] == due
    assert result["calendar"]["start_convention"] == (convention or "count_from_next_day")


def test_the_ten_working_days_are_cheshire_practice_only(process) -> None:
    result = process("referral", "Merseyside", **REFERRAL)
    assert "deadline" not in result["outcomes"]
    assert "No local procedure is encoded for Merseyside" in result["local_procedure"]["note"]


@pytest.mark.parametrize(("change", "words"), [
    ({"requested_level": 1}, "Level 1 needs no referral"),
    ({"referral_form": "other"}, "MAPPA A form"),
    ({"requested_level": 3}, "Level 3 requires the Level 2 criteria"),
    ({"custody_months": 6, "offence_indicates_serious_harm_capacity": False}, "not MAPPA-eligible"),
])
def test_invalid_referrals(process, change, words) -> None:
    facts = {**REFERRAL, **change}
    if change.get("requested_level") == 3:
        facts.update(formal_meetings_add_value=False, lead_agency_can_manage=True, unresolvable_barriers=False)
    result = process("referral", "Cheshire", **facts)
    assert result["outcomes"]["referral_valid"] is False
    assert words in result["outcomes"]["invalid_reason"]


@pytest.mark.parametrize("referrer", ["faith_community", "idva_womens_aid", "fire_and_rescue", "other"])
def test_a_referral_from_outside_ra_and_dtc_is_ambiguous(process, referrer) -> None:
    result = process("referral", "Cheshire", **{**REFERRAL, "referrer_agency": referrer})
    assert [a["outcome"] for a in result["ambiguities"]] == ["referral_valid"]
    assert "route the referral through" in result["ambiguities"][0]["reason"]


def test_referrals_can_be_made_at_any_time(process) -> None:
    assert "REF-5" in fired(process("referral", "Cheshire", **REFERRAL))


# --- SPOC notice -----------------------------------------------------------------------------------

NOTICE = {"meeting_date": "2027-01-08", "reply_slip_included": True, "children_at_risk_details_included": True,
          "short_notice_meeting": False}


@pytest.mark.parametrize(("sent", "compliant"), [("2026-12-25", True), ("2026-12-24", True), ("2026-12-26", False)])
def test_spoc_notice_14_calendar_days(process, sent, compliant) -> None:
    result = process("meeting_notice", "Liverpool", **NOTICE, spoc_notification_date=sent)
    assert result["outcomes"]["spoc_notice_compliant"] is compliant
    assert result["outcomes"]["deadline"] == "2026-12-25"  # calendar days: Christmas Day counts
    assert "14 calendar days before Fri 8 Jan 2027" in result["deadlines"][0]["how"]


def test_a_late_notice_is_a_flag_not_a_bar(process) -> None:
    result = process("meeting_notice", "Liverpool", **NOTICE, spoc_notification_date="2027-01-04")
    because = next(f["because"] for f in result["fired"] if f["rule"] == "SPOC-4.late")
    assert "not a bar to holding the meeting" in because
    assert "invalid_reason" not in result["outcomes"]


def test_a_notice_not_yet_sent_gives_its_due_date(process) -> None:
    result = process("meeting_notice", "Liverpool", **NOTICE, spoc_notification_date=None)
    assert result["outcomes"]["deadline"] == "2026-12-25"
    assert steps(result) == ["SPOC-1.liverpool", "SPOC-4.due"]


def test_short_notice_reply_slip_and_children_details(process) -> None:
    result = process("meeting_notice", "Liverpool", meeting_date="2026-11-30", spoc_notification_date="2026-11-27",
                     short_notice_meeting=True, spoc_telephoned=False, reply_slip_included=False,
                     children_at_risk_details_included=False)
    assert steps(result) == ["SPOC-1.liverpool", "SPOC-5", "SPOC-2", "SPOC-3"]
    # "should", as the procedure says: steps to take, not a rejection (decision 8)
    assert "invalid_reason" not in result["outcomes"]
    assert "reply slip" in result["next_steps"][3]["step"] and "children at risk" in result["next_steps"][2]["step"]
    assert "SPOC-7" in fired(result)


def test_no_spoc_procedure_outside_merseyside(process) -> None:
    """Never a silent 'no': the SPOC outcome of another area's procedure is not reported at all."""
    for notice in (NOTICE, {**NOTICE, "short_notice_meeting": True, "spoc_telephoned": False}):
        result = process("meeting_notice", "Cheshire", **notice, spoc_notification_date="2026-12-26")
        assert result["outcomes"] == {} and result["status"] == "decided"
        assert fired(result) == ["SPOC-7"]
        assert result["local_procedure"]["encoded"] is False


@pytest.mark.parametrize("area", ["Wirral", "Knowsley", "Sefton", "St Helens", "Merseyside"])
def test_the_spoc_procedure_applies_across_merseyside(process, area) -> None:
    """Decision 8: all five local authorities; only the contact point is Liverpool's own."""
    result = process("meeting_notice", area, **NOTICE, spoc_notification_date="2026-12-26")
    assert result["outcomes"]["spoc_notice_compliant"] is False and result["status"] == "decided"
    assert steps(result)[0] == "SPOC-1" and "Quality Assurance" not in result["next_steps"][0]["step"]


def test_short_notice_with_the_spoc_telephoned_follows_the_procedure(process) -> None:
    """Decision 9: not flagged, though the written notice missed the 14 days."""
    result = process("meeting_notice", "Liverpool", **{**NOTICE, "short_notice_meeting": True}, spoc_telephoned=True,
                     spoc_notification_date="2027-01-04")
    assert result["outcomes"]["spoc_notice_compliant"] is True and result["outcomes"]["within_deadline"] is False
    assert "SPOC-4.late" not in fired(result) and "SPOC-4.written-late" in fired(result)
    assert "follows the SPOC procedure" in next(f["because"] for f in result["fired"] if f["rule"] == "SPOC-5.telephoned")


def test_short_notice_without_saying_whether_the_spoc_was_telephoned_asks(process) -> None:
    result = process("meeting_notice", "Wirral", **{**NOTICE, "short_notice_meeting": True}, spoc_notification_date="2027-01-04")
    assert "spoc_notice_compliant" in result["undetermined"]
    assert "spoc_telephoned" in [m["fact"] for m in result["missing_facts"]]
    # what is certain either way is answered, and the step to telephone is given
    assert (result["outcomes"]["deadline"], result["outcomes"]["within_deadline"]) == ("2026-12-25", False)
    assert "SPOC-5" in steps(result)


def test_an_ambiguity_alone_never_brings_an_outcome_in_as_a_silent_no(process) -> None:
    """Outside Merseyside with no imminent risk, 'escalate the same working day' is not reported at all."""
    result = process("disagreement", "Telford", issue_type="rosh_disagreement", imminent_risk_of_serious_harm=False)
    assert "escalate_same_working_day" not in result["outcomes"] and result["undetermined"] == []


def test_an_open_category_asks_for_the_fact_that_could_add_a_candidate(process, book) -> None:
    """Registered, a Category 2 sentence, a terrorist connection, the kind of offence not given: open between 1
    and 4, and offence_type is asked for the category (a violent offence would add Category 2)."""
    result = process("case", None, **{**NEUTRAL, "subject_to_notification_requirements": True, "outcome": "conviction",
                                      "offence_schedule15": True, "sentence_type": "immediate_custody", "custody_months": 24,
                                      "licence_or_order_in_force": True, "terrorist_connection_found_by_court": True})
    assert [a["candidates"] for a in result["ambiguities"]] == [[1, 4]]
    offence_type = next(m for m in result["missing_facts"] if m["fact"] == "offence_type")
    assert "category" in offence_type["for"]


# --- Kinds -----------------------------------------------------------------------------------------

def test_a_fact_a_kind_does_not_use_is_an_error(book) -> None:
    with pytest.raises(CaseError, match="facts.custody_months: not used by a 'complaint'"):
        case_from_data({"kind": "complaint", "facts": {"complaint_subject": "mappa_process", "custody_months": 12}}, book)


def test_an_impossible_date_in_a_process_fact(book) -> None:
    with pytest.raises(CaseError, match="facts.meeting_date: '2027-02-29' is not a real date"):
        case_from_data({"kind": "meeting_notice", "facts": {"meeting_date": "2027-02-29"}}, book)


def test_area_spelling_is_normalised(process) -> None:
    assert process("complaint", "merseyside", complaint_subject="mappa_process")["area"] == "Merseyside"
