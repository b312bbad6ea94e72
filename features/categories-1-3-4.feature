@CAT-PREC
Feature: Categories 1, 3 and 4 - registered offenders, other dangerous offenders, terrorism
  LIVERPOOL §1 and CHESHIRE "Who can be Referred to MAPPA?". Category 1 is registered sexual
  offenders while their notification period runs. Category 3 is other dangerous offenders:
  cautioned or convicted of an offence showing a capacity to cause serious harm, needing Level 2
  or 3 multi-agency management, and not in Category 1 or 2; Category 3 can only be managed at
  Level 2 or 3. Category 4 (CHESHIRE) is automatic for a terrorism conviction or court-found
  terrorist connection, and discretionary when the Responsible Authority believes the person may
  become involved in terrorism and CT Police or the Probation CT network identify them.

  @CAT-1 @CAT-2x
  Scenario: A registered sexual offender is Category 1, whatever the sentence
    Given a person convicted of a Schedule 15 offence
    And sentenced to 36 months' immediate custody
    And none of the other category routes applies
    And the fact subject_to_notification_requirements is true
    And the fact offence_type is sexual
    When the case is assessed
    Then the category is 1
    And the rationale cites CAT-1
    And the rationale cites CAT-2x

  @CAT-3 @CAT-3-LVL
  Scenario: A cautioned stalker with high RoSH needing Level 2 is Category 3, at Level 2 or 3 only
    Given a case
    And none of the other category routes applies
    And the fact outcome is formal_caution
    And the fact offence_schedule15 is false
    And the fact sentence_type is none
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact rosh_level is high
    And the fact formal_meetings_add_value is true
    And the fact active_multiagency_involvement_required is true
    And the fact senior_oversight_required is false
    When the case is assessed
    Then the category is 3
    And the allowed levels is [2, 3]
    And the recommended level is 2

  @CAT-3-LVL
  Scenario: Category 3 conditions that come out at Level 1 are not Category 3
    Given a case
    And none of the other category routes applies
    And the fact outcome is conviction
    And the fact offence_schedule15 is false
    And the fact sentence_type is community_order
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact rosh_level is medium
    And the fact formal_meetings_add_value is true
    And the fact active_multiagency_involvement_required is false
    And the fact previously_level3_no_longer_needed is false
    When the case is assessed
    Then the person is not MAPPA-eligible
    And the rule CAT-3-LVL.comes-out-at-level-1 fires

  @CAT-3 @decision-4
  Scenario Outline: Category 3 at medium RoSH is left to the co-ordinator (low RoSH is not Category 3: decision 4)
    Given a case
    And none of the other category routes applies
    And the fact outcome is conviction
    And the fact offence_schedule15 is false
    And the fact sentence_type is community_order
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact rosh_level is <rosh>
    And the fact formal_meetings_add_value is true
    And the fact active_multiagency_involvement_required is true
    And the fact senior_oversight_required is false
    When the case is assessed
    Then the status is ambiguous
    And the category is open between 3 and none

    Examples:
      | rosh   |
      | medium |

  @CAT-3-PREV
  Scenario: A former Category 2 case whose licence has ended can stay as Category 3
    Given a person convicted of a Schedule 15 offence
    And sentenced to 30 months' immediate custody
    And none of the other category routes applies
    And the licence or order has ended
    And the fact previous_category is 2
    And the fact previous_level is 2
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact rosh_level is very_high
    And the fact formal_meetings_add_value is true
    And the fact senior_oversight_required is false
    When the case is assessed
    Then the category is 3
    And the rule CAT-3-PREV fires

  @CAT-4a @decision-2
  Scenario: A terrorism conviction is automatic Category 4, at the level the risk needs
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

  @CAT-4b @CAT-4-ID @decision-2
  Scenario Outline: Discretionary Category 4 needs identification by CT; until then Category 3 holds
    Given a case
    And none of the other category routes applies
    And the fact outcome is youth_reprimand_or_warning
    And the fact offence_schedule15 is false
    And the fact sentence_type is none
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact rosh_level is high
    And the fact formal_meetings_add_value is true
    And the fact active_multiagency_involvement_required is true
    And the fact senior_oversight_required is false
    And the fact ra_believes_terrorism_risk is true
    And the fact identified_by_ct is <identified>
    When the case is assessed
    Then the category is <category>
    And the status is decided
    And the rationale cites <clause>

    Examples:
      | identified | category | clause   |
      | true       | 4        | CAT-4b   |
      | false      | 3        | CAT-4-ID |

  @CAT-4b @CAT-4-ID
  Scenario: A terrorism concern with no other category is open until CT identify the person
    Given a case
    And none of the other category routes applies
    And the fact outcome is formal_caution
    And the fact offence_schedule15 is false
    And the fact sentence_type is none
    And the fact offence_indicates_serious_harm_capacity is false
    And the fact ra_believes_terrorism_risk is true
    And the fact identified_by_ct is false
    When the case is assessed
    Then the status is ambiguous
    And the category is open between 4 and none
    And the rationale cites CAT-4-ID

  Scenario: Category 1 and Category 4 together are left to the co-ordinator
    Given a case
    And none of the other category routes applies
    And the fact subject_to_notification_requirements is true
    And the fact outcome is conviction
    And the fact offence_type is sexual
    And the fact offence_schedule15 is true
    And the fact sentence_type is fine
    And the fact terrorist_connection_found_by_court is true
    When the case is assessed
    Then the category is open between 1 and 4
