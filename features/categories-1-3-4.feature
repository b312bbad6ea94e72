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
    And the fact rosh_level is high
    And the fact formal_meetings_add_value is false
    When the case is assessed
    Then the person is not MAPPA-eligible
    And the rule CAT-3-LVL.comes-out-at-level-1 fires

  @CAT-3
  Scenario Outline: Category 3 below high RoSH is left to the co-ordinator
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
      | low    |
      | medium |

  @CAT-3-PREV
  Scenario: A former Category 2 case whose licence has ended can stay as Category 3
    Given a person convicted of a Schedule 15 offence
    And sentenced to 30 months' immediate custody
    And none of the other category routes applies
    And the fact statutory_period_active is false
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

  @CAT-4a
  Scenario: A terrorism conviction is automatic Category 4
    Given a case
    And none of the other category routes applies
    And the fact outcome is conviction
    And the fact offence_schedule15 is false
    And the fact sentence_type is immediate_custody
    And the fact custody_months is 8
    And the fact offence_indicates_serious_harm_capacity is false
    And the fact terrorism_offence_conviction is true
    When the case is assessed
    Then the category is 4
    And the category 4 kind is automatic

  @CAT-4b @CAT-4-ID
  Scenario Outline: Discretionary Category 4 needs identification by CT
    Given a case
    And none of the other category routes applies
    And the fact outcome is youth_reprimand_or_warning
    And the fact offence_schedule15 is false
    And the fact sentence_type is none
    And the fact offence_indicates_serious_harm_capacity is false
    And the fact ra_believes_terrorism_risk is true
    And the fact identified_by_ct is <identified>
    When the case is assessed
    Then the status is <status>
    And the rationale cites <clause>

    Examples:
      | identified | status       | clause   |
      | true       | undetermined | CAT-4b   |
      | false      | ambiguous    | CAT-4-ID |

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
