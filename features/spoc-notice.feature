@area-Merseyside
Feature: SPOC notification to Children's Services (the five Merseyside local authorities)
  LIVERPOOL §2: "the safeguarding boards of the five local authority areas have a duty to engage"
  (policy decision 8). Notify the nominated single point of contact of the local authority area (in
  Liverpool, the Quality Assurance, Safeguarding and Review Unit), with the children at risk and a
  confirmation-of-attendance reply slip, at least 14 days before the MAPPA meeting as far as
  possible; at short notice, in exceptional circumstances, telephone the SPOC directly, which then
  follows the procedure even when the written notice is under 14 days (policy decision 9). Always
  consider the likelihood of harm to children.

  @SPOC-1 @SPOC-4 @DL-SPOC @SPOC-7 @area-Liverpool
  Scenario Outline: At least 14 calendar days before the meeting
    Given a meeting notice in Liverpool
    And the fact meeting_date is 2027-01-08
    And the fact spoc_notification_date is <sent>
    And the fact short_notice_meeting is false
    And the fact reply_slip_included is true
    And the fact children_at_risk_details_included is true
    When it is assessed
    Then the SPOC notice <verdict> the procedure
    And the deadline is 2026-12-25
    And the next steps include SPOC-1.liverpool
    And the report says "Quality Assurance, Safeguarding and Review Unit"
    And the rule SPOC-7 fires

    Examples:
      | sent       | verdict         |
      | 2026-12-24 | follows         |
      | 2026-12-25 | follows         |
      | 2026-12-26 | does not follow |

  @SPOC-1 @SPOC-4 @DL-SPOC @decision-8
  Scenario: In Knowsley the notice goes to Knowsley's own single point of contact
    Given a meeting notice in Knowsley
    And the fact meeting_date is 2027-01-08
    And the fact spoc_notification_date is 2026-12-21
    And the fact short_notice_meeting is false
    And the fact reply_slip_included is true
    And the fact children_at_risk_details_included is true
    When it is assessed
    Then the SPOC notice follows the procedure
    And the next steps include SPOC-1
    And the report says "relevant local authority area (Knowsley)"

  @SPOC-5 @SPOC-2 @SPOC-3 @area-Liverpool
  Scenario: A short-notice meeting, the SPOC not yet telephoned, without the reply slip or the children's details
    Given a meeting notice in Liverpool
    And the fact meeting_date is 2026-11-30
    And the fact spoc_notification_date is 2026-11-27
    And the fact short_notice_meeting is true
    And the fact spoc_telephoned is false
    And the fact reply_slip_included is false
    And the fact children_at_risk_details_included is false
    When it is assessed
    Then the SPOC notice does not follow the procedure
    And the next steps include SPOC-5
    And the next steps include SPOC-2
    And the next steps include SPOC-3
    And the report says "reply slip"

  @SPOC-4 @SPOC-5 @decision-9
  Scenario: Whether a late notice was for a short-notice meeting is asked, never assumed
    Given a meeting notice in Sefton
    And the fact meeting_date is 2026-11-30
    And the fact spoc_notification_date is 2026-11-27
    When it is assessed
    Then whether the SPOC notice follows the procedure is undetermined
    And the missing facts include short_notice_meeting
