@area-Liverpool
Feature: SPOC notification to Children's Services (Liverpool)
  LIVERPOOL §2. Notify the nominated single point of contact (in Liverpool, the Quality Assurance,
  Safeguarding and Review Unit), with the children at risk and a confirmation-of-attendance reply
  slip, at least 14 days before the MAPPA meeting as far as possible; at short notice, telephone.
  Always consider the likelihood of harm to children.

  @SPOC-1 @SPOC-4 @DL-SPOC @SPOC-7
  Scenario Outline: At least 14 calendar days before the meeting
    Given a meeting notice in Liverpool
    And the fact meeting_date is 2027-01-08
    And the fact spoc_notification_date is <sent>
    And the fact reply_slip_included is true
    And the fact children_at_risk_details_included is true
    When it is assessed
    Then the SPOC notice in time is <compliant>
    And the deadline is 2026-12-25
    And the next steps include SPOC-1
    And the rule SPOC-7 fires

    Examples:
      | sent       | compliant |
      | 2026-12-24 | true      |
      | 2026-12-25 | true      |
      | 2026-12-26 | false     |

  @SPOC-5 @SPOC-2 @SPOC-3
  Scenario: A short-notice meeting, without the reply slip or the children's details
    Given a meeting notice in Liverpool
    And the fact meeting_date is 2026-11-30
    And the fact spoc_notification_date is 2026-11-27
    And the fact short_notice_meeting is true
    And the fact reply_slip_included is false
    And the fact children_at_risk_details_included is false
    When it is assessed
    Then the next steps include SPOC-5
    And the next steps include SPOC-2
    And the next steps include SPOC-3
    And the report says "reply slip"
