Feature: Policy decisions of 2026-11-23 - the open points the policy team has settled
  Catalogue, "Policy decisions of 2026-11-23": made by the policy team after a domain
  review of the encoded rules against the seeds. They override the older catalogue text that
  disagrees with them. Each Rule below is one decision, in the team's words, and each scenario is a
  case a co-ordinator disputed, with the answer the co-ordinator gives.

  @decision-1 @CAT-1 @CAT-2-END
  Rule: Two clocks, two facts. Category 1 reads only whether the notification period runs; Category 2 continues only while the licence or order is in force

    Example: A registered sex offender whose licence for a later violent sentence has ended is still Category 1
      Given a person convicted of a Schedule 15 offence
      And sentenced to 18 months' immediate custody
      And none of the other category routes applies
      And the fact offence_type is violent
      And the person is registered, with the notification period still running
      And the licence or order has ended
      When the case is assessed
      Then the category is 1
      And the MAPPA-eligible is true
      And the rationale cites CAT-1

    Example: Category 2 ends with the licence, whatever the notification clock says
      Given a person convicted of a Schedule 15 offence
      And sentenced to 18 months' immediate custody
      And none of the other category routes applies
      And the fact offence_indicates_serious_harm_capacity is false
      And the licence or order has ended
      When the case is assessed
      Then the person is not MAPPA-eligible
      And the rationale cites CAT-NONE

    Example: A case file that still uses the retired fact is refused, naming the two facts that replace it
      Given a case
      And the fact statutory_period_active is true
      When the case is assessed
      Then the case is refused because "subject_to_notification_requirements"
      And the case is refused because "licence_or_order_in_force"

  @decision-2 @CAT-4a @CAT-4b @CAT-3 @CAT-PREC
  Rule: Category 3 is residual to Categories 1, 2 and 4. Terrorism convictions and court-found connections give Category 4 even when the person needs Level 2 or 3 management

    Example: A terrorism offender who needs Level 2 management is Category 4, not "open between 3 and 4"
      Given a case
      And none of the other category routes applies
      And the fact outcome is conviction
      And the fact offence_type is terrorism
      And the fact offence_schedule15 is false
      And the fact sentence_type is immediate_custody
      And the fact custody_months is 36
      And the fact terrorism_offence_conviction is true
      And the fact offence_indicates_serious_harm_capacity is true
      And the fact requires_level2_or_3_management is true
      And the fact rosh_level is high
      And the fact formal_meetings_add_value is true
      And the fact active_multiagency_involvement_required is true
      And the fact senior_oversight_required is false
      When the case is assessed
      Then the category is 4
      And the category 4 kind is automatic
      And the recommended level is 2
      And the status is decided

    Example: A person identified by CT whose risk needs Level 2 management is discretionary Category 4
      Given a case
      And none of the other category routes applies
      And the fact outcome is formal_caution
      And the fact offence_schedule15 is false
      And the fact sentence_type is none
      And the fact ra_believes_terrorism_risk is true
      And the fact identified_by_ct is true
      And the fact offence_indicates_serious_harm_capacity is true
      And the fact requires_level2_or_3_management is true
      And the fact rosh_level is high
      And the fact formal_meetings_add_value is true
      And the fact active_multiagency_involvement_required is true
      And the fact senior_oversight_required is false
      When the case is assessed
      Then the category is 4
      And the category 4 kind is discretionary
      And the status is decided

  @decision-3 @CAT-2x @CAT-PREC
  Rule: CAT-2x applies to every precedence rule. A registered offender whose Category 2 route is a sexual offence is never a Category 2 candidate

    Example: A registered sexual offender with a terrorist connection is open between Category 1 and 4 only
      Given a person convicted of a Schedule 15 offence
      And sentenced to 30 months' immediate custody
      And none of the other category routes applies
      And the fact offence_type is sexual
      And the person is registered, with the notification period still running
      And the fact terrorist_connection_found_by_court is true
      When the case is assessed
      Then the category is open only between 1 and 4
      And the MAPPA-eligible is true

    Example: A registered offender with a separate violent custodial sentence stays open between Category 1 and 2
      Given a person convicted of a Schedule 15 offence
      And sentenced to 18 months' immediate custody
      And none of the other category routes applies
      And the fact offence_type is violent
      And the person is registered, with the notification period still running
      And the licence or order is still in force
      When the case is assessed
      Then the category is open only between 1 and 2

  @decision-4 @CAT-3 @RISK-LOW
  Rule: A low risk of serious harm is not Category 3: current evidence does not indicate a likelihood of serious harm. Medium stays open

    Example: No identifiable indicators of serious harm - not Category 3, so not MAPPA-eligible
      Given a case
      And none of the other category routes applies
      And the fact outcome is conviction
      And the fact offence_schedule15 is false
      And the fact sentence_type is community_order
      And the fact offence_indicates_serious_harm_capacity is true
      And the fact requires_level2_or_3_management is true
      And the fact identifiable_indicators is false
      And the fact formal_meetings_add_value is true
      And the fact active_multiagency_involvement_required is true
      When the case is assessed
      Then the person is not MAPPA-eligible
      And the category is none
      And the status is decided

    Example: A medium risk of serious harm is still left to the co-ordinator
      Given a case
      And none of the other category routes applies
      And the fact outcome is conviction
      And the fact offence_schedule15 is false
      And the fact sentence_type is community_order
      And the fact offence_indicates_serious_harm_capacity is true
      And the fact requires_level2_or_3_management is true
      And the fact rosh_level is medium
      And the fact formal_meetings_add_value is true
      And the fact active_multiagency_involvement_required is true
      And the fact senior_oversight_required is false
      When the case is assessed
      Then the status is ambiguous
      And the category is open between 3 and none

  @decision-5 @VAL-3
  Rule: Contradictions are refused, each with one clear error naming both facts

    Example: Needing Level 2 or 3 management, yet formal meetings would add no value
      Given a case
      And the fact requires_level2_or_3_management is true
      And the fact formal_meetings_add_value is false
      When the case is assessed
      Then the case is refused because "requires_level2_or_3_management"
      And the case is refused because "formal_meetings_add_value"

    Example: A low risk of serious harm, yet needing Level 2 or 3 management
      Given a case
      And the fact rosh_level is low
      And the fact requires_level2_or_3_management is true
      When the case is assessed
      Then the case is refused because "rosh_level"
      And the case is refused because "requires_level2_or_3_management"

  @decision-6 @LVL-1-BARRIER @LVL-1 @LVL-2
  Rule: Barriers that line management cannot resolve rule out Level 1 and call for a referral to Level 2 or 3: Level 2 unless Level 3 holds

    Example: Unresolvable barriers without the Level 2 criteria - Level 2, with the advice to refer
      Given a case
      And none of the other category routes applies
      And the person is registered, with the notification period still running
      And the fact outcome is conviction
      And the fact offence_type is sexual
      And the fact rosh_level is medium
      And the fact formal_meetings_add_value is false
      And the fact lead_agency_can_manage is true
      And the fact unresolvable_barriers is true
      And the fact senior_oversight_required is false
      When the case is assessed
      Then the category is 1
      And the recommended level is 2
      And the status is decided
      And the rule LVL-1-BARRIER fires
      And the report says "refer the case to Level 2 or 3"

    Example: The lead agency cannot manage alone, and the Level 3 criteria hold - Level 3
      Given a case
      And none of the other category routes applies
      And the person is registered, with the notification period still running
      And the fact outcome is conviction
      And the fact offence_type is sexual
      And the fact rosh_level is high
      And the fact formal_meetings_add_value is true
      And the fact lead_agency_can_manage is false
      And the fact senior_oversight_required is true
      When the case is assessed
      Then the recommended level is 3

  @decision-7 @ESC-IMM @DL-IMM @ESC-PARA
  Rule: Imminent risk everywhere. Outside Merseyside the same-working-day rule is not encoded, but the answer never reads "no"

    Scenario Outline: An imminent risk in <area> - not "no", and act on it now under the area's own procedure
      Given a disagreement in <area>
      And the fact issue_type is rosh_disagreement
      And the fact imminent_risk_of_serious_harm is true
      And the fact concern_date is 2026-11-23
      When the disagreement is assessed
      Then the escalate same working day is not reported
      And the escalate same working day is open between "the same working day" and "the area's own timescale"
      And the status is ambiguous
      And the first advice says "Act on the imminent risk of serious harm now, under <area>'s own procedure"

      Examples:
        | area     |
        | Cheshire |
        | Telford  |

    Example: In Merseyside, an imminent risk raised on Boxing Day shows the next working day's date beside the open question
      Given a disagreement in Liverpool
      And the fact imminent_risk_of_serious_harm is true
      And the fact concern_date is 2026-12-26
      When the disagreement is assessed
      Then the escalate same working day is true
      And the status is ambiguous
      And the deadline is open between 2026-12-26 and 2026-12-29
      And the report says "Tue 29 Dec 2026"

  @decision-8 @SPOC-1 @SPOC-4 @ESC-REPEAT @SPOC-6 @area-Merseyside
  Rule: The SPOC procedure and the repeat non-attendance rule apply across all five Merseyside local authorities; only the contact point is Liverpool's own

    Example: A Wirral meeting notice sent late is flagged, with the Wirral SPOC to notify
      Given a meeting notice in Wirral
      And the fact meeting_date is 2026-12-09
      And the fact spoc_notification_date is 2026-11-30
      And the fact short_notice_meeting is false
      And the fact reply_slip_included is true
      And the fact children_at_risk_details_included is true
      When it is assessed
      Then the SPOC notice does not follow the procedure
      And the deadline is 2026-11-25
      And the status is decided
      And the next steps include SPOC-1
      And the report says "Wirral"

    Example: Repeat non-attendance in Sefton after Level 1 - the Level 2 ladder or the SMB
      Given a disagreement in Sefton
      And the fact issue_type is repeat_non_attendance
      And the fact unresolved_after_level is 1
      And the fact non_attendance_explained is false
      When the disagreement is assessed
      Then the escalation level is open between 2 and 3
      And the next steps include ESC-REPEAT.contact

  @decision-9 @SPOC-5 @SPOC-4 @area-Liverpool
  Rule: A meeting convened at short notice in exceptional circumstances, with the SPOC telephoned directly, follows the SPOC procedure even when the written notice is under 14 days

    Example: Short notice, SPOC telephoned - not flagged
      Given a meeting notice in Liverpool
      And the fact meeting_date is 2026-11-30
      And the fact spoc_notification_date is 2026-11-20
      And the fact short_notice_meeting is true
      And the fact spoc_telephoned is true
      And the fact reply_slip_included is true
      And the fact children_at_risk_details_included is true
      When it is assessed
      Then the SPOC notice follows the procedure
      And the status is decided

    Example: Short notice, SPOC not yet telephoned - flagged, and telephone now
      Given a meeting notice in Liverpool
      And the fact meeting_date is 2026-11-30
      And the fact spoc_notification_date is 2026-11-20
      And the fact short_notice_meeting is true
      And the fact spoc_telephoned is false
      And the fact reply_slip_included is true
      And the fact children_at_risk_details_included is true
      When it is assessed
      Then the SPOC notice does not follow the procedure
      And the next steps include SPOC-5

  @decision-10 @CMP-2
  Rule: A disclosure complaint routes by who made the decision: a MAPPA meeting's decision is a MAPPA complaint; one agency's own decision is that agency's

    Scenario Outline: A complaint about a disclosure decided by <who>
      Given a complaint in Merseyside
      And the fact complaint_subject is disclosure_decision
      And the fact disclosure_decided_by is <decided_by>
      And the fact subject_agency is police
      And the fact complaint_in_writing is true
      When the complaint is assessed
      Then the complaint route is <route>

      Examples:
        | who                 | decided_by    | route                |
        | a MAPPA meeting     | mappa_meeting | mappa                |
        | the Police alone    | single_agency | single_agency:police |

    Example: Who made the disclosure decision is asked, never assumed
      Given a complaint in Merseyside
      And the fact complaint_subject is disclosure_decision
      When the complaint is assessed
      Then the complaint route is undetermined
      And the missing facts include disclosure_decided_by

  @decision-11 @CAT-2x
  Rule: The kind of offence only tells a sexual offence from a violent one, for CAT-2x; no other outcome depends on it

    Scenario Outline: A non-registered person's category does not depend on the kind of offence (<kind>)
      Given a person convicted of a Schedule 15 offence
      And sentenced to 24 months' immediate custody
      And none of the other category routes applies
      And the licence or order is still in force
      And the fact offence_type is <kind>
      When the case is assessed
      Then the category is 2

      Examples:
        | kind    |
        | sexual  |
        | violent |

  @SPOC-2 @SPOC-3 @RISK-VERYHIGH
  Rule: Smaller corrections found by the same review

    @area-Liverpool
    Example: The children's details and the reply slip are things the notification "should" include, as the procedure says
      Given a meeting notice in Liverpool
      And the fact meeting_date is 2027-01-08
      And the fact spoc_notification_date is 2026-12-20
      And the fact reply_slip_included is false
      And the fact children_at_risk_details_included is false
      When it is assessed
      Then the report says "should include the names, addresses and dates of birth of the children at risk"
      And the report says "should be accompanied by a 'confirmation of attendance' reply slip"

    Example: Harm imminent but not serious: neither High nor Very High, so the candidates are the levels its reason leaves
      Given a case
      And the fact identifiable_indicators is true
      And the fact harm_more_likely_than_not_imminently is true
      And the fact impact_serious is false
      When the case is assessed
      Then the risk of serious harm is open only between low and medium
