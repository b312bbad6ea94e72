@area-Merseyside
Feature: Professional disagreement - the Merseyside escalation process
  MERSEY "Context" and "The Process"; LIVERPOOL §2 bullet 8. The MAPPA Chair raises a concern with
  the other agency as soon as possible. Level 1: the Chair tries to resolve it (for non-attendance,
  a phone call straight after the meeting). Level 2: the operational or strategic lead named as
  the organisation's MAPPA SPOC. Level 3: the SMB Chair and MAPPA co-ordinator, progressed within
  1 working week. Each is recorded in the MAPPA B minutes. An imminent risk of serious harm is
  escalated the same working day to the Probation and Police strategic leads and the co-ordinator.
  Repeat non-attendance goes to the SMB (LIVERPOOL §2, for all five Merseyside local authorities:
  policy decision 8). Outside Merseyside no escalation procedure is encoded, and an imminent risk is
  never answered "no" (policy decision 7).

  @ESC-0 @ESC-L1
  Scenario: Non-attendance with nothing yet tried is Level 1, with a phone call
    Given a disagreement in Knowsley
    And the fact issue_type is non_attendance
    And the fact unresolved_after_level is 0
    When the disagreement is assessed
    Then the escalation level is 1
    And the next steps include ESC-0
    And the next steps include ESC-L1.phone-call
    And the next steps include ESC-L1.record

  @ESC-L2
  Scenario: Unresolved at Level 1 goes to the organisation's SPOC lead
    Given a disagreement in Sefton
    And the fact issue_type is rosh_disagreement
    And the fact unresolved_after_level is 1
    When the disagreement is assessed
    Then the escalation level is 2

  @ESC-L3 @DL-ESC3 @DL-WD
  Scenario: Unresolved at Level 2 goes to the SMB Chair and co-ordinator within 1 working week
    Given a disagreement in Wirral
    And the fact issue_type is action_not_completed
    And the fact unresolved_after_level is 2
    And the fact imminent_risk_of_serious_harm is false
    And the fact level3_report_date is 2026-12-23
    When the disagreement is assessed
    Then the escalation level is 3
    And the escalate to is [SMB Chair, MAPPA co-ordinator]
    And the deadline is 2027-01-04
    And the deadline is computed as "5 working days after Wed 23 Dec 2026, skipping 25 Dec (Christmas Day), 28 Dec (Boxing Day, substitute), 1 Jan (New Year's Day)"

  @ESC-IMM @DL-IMM @ESC-PARA
  Scenario: Imminent risk is escalated the same working day
    Given a disagreement in Merseyside
    And the fact imminent_risk_of_serious_harm is true
    And the fact concern_date is 2026-11-23
    And the fact unresolved_after_level is 0
    When the disagreement is assessed
    Then the escalate same working day is true
    And the deadline is 2026-11-23
    And the rule ESC-PARA fires

  @ESC-IMM @DL-IMM @decision-7
  Scenario: "The same working day" on a bank holiday is left open, not invented, with both dates shown
    Given a disagreement in Merseyside
    And the fact imminent_risk_of_serious_harm is true
    And the fact concern_date is 2026-12-28
    When the disagreement is assessed
    Then the status is ambiguous
    And the deadline is open between 2026-12-28 and 2026-12-29
    And the deadline is computed as "the next working day after Mon 28 Dec 2026: Tue 29 Dec 2026"

  @ESC-REPEAT @SPOC-6 @area-Liverpool
  Scenario Outline: Repeat non-attendance in Liverpool - the sources conflict until Level 2 has been tried
    Given a disagreement in Liverpool
    And the fact issue_type is repeat_non_attendance
    And the fact unresolved_after_level is <tried>
    And the fact non_attendance_explained is false
    When the disagreement is assessed
    Then the escalation level is open between <candidates>
    And the next steps include ESC-REPEAT.contact

    Examples:
      | tried | candidates |
      | 0     | 1 and 3    |
      | 1     | 2 and 3    |
