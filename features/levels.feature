Feature: Levels of management - the lowest defensible level whose criteria hold
  CHESHIRE chart and NAT-7 §7.1-7.5. Manage every case at the lowest level that gives a defensible
  risk management plan. Level 1: the lead agency can manage, with no barriers line management
  cannot resolve - and Level 1 does not mean low risk; such barriers require a referral to Level 2
  or 3. Level 2: formal multi-agency oversight
  adds value and the RoSH is high or very high, or other agencies must be actively involved, or
  the case steps down from Level 3. Level 3: the Level 2 criteria and senior oversight.

  Background:
    Given a person convicted of a Schedule 15 offence
    And sentenced to 24 months' immediate custody
    And none of the other category routes applies
    And the licence or order is still in force

  @LVL-1 @LVL-1-HIGH @LVL-0
  Scenario: High RoSH is still Level 1 when the lead agency can manage
    Given the fact rosh_level is high
    And the fact formal_meetings_add_value is false
    And the fact lead_agency_can_manage is true
    And the fact unresolvable_barriers is false
    When the case is assessed
    Then the recommended level is 1
    And the rule LVL-1-HIGH fires

  @LVL-2 @LVL-0
  Scenario Outline: Level 2 when formal oversight adds value and one trigger holds
    Given the fact formal_meetings_add_value is true
    And the fact rosh_level is <rosh>
    And the fact active_multiagency_involvement_required is <active>
    And the fact previously_level3_no_longer_needed is <stepdown>
    And the fact senior_oversight_required is false
    When the case is assessed
    Then the recommended level is 2
    And LVL-3 is unmet because "senior_oversight_required is true (case has false)"

    Examples:
      | rosh      | active | stepdown |
      | high      | false  | false    |
      | medium    | true   | false    |
      | low       | false  | true     |

  @LVL-3 @LVL-CPPC
  Scenario: Level 3 with very high RoSH and national notoriety - consider a CPPC referral
    Given the fact rosh_level is very_high
    And the fact formal_meetings_add_value is true
    And the fact senior_oversight_required is true
    And the fact national_notoriety is true
    When the case is assessed
    Then the recommended level is 3
    And the consider CPPC referral is true

  @LVL-1-BARRIER @decision-6
  Scenario: Barriers line management cannot resolve rule out Level 1: Level 2, and refer (decision 6)
    Given the fact rosh_level is low
    And the fact formal_meetings_add_value is false
    And the fact lead_agency_can_manage is false
    And the fact unresolvable_barriers is true
    When the case is assessed
    Then the recommended level is 2
    And the rule LVL-1-BARRIER fires
    And the first advice says "refer the case to Level 2 or 3"

  @LVL-3
  Scenario: A proposal for Level 3 without the Level 2 criteria is rejected
    Given the fact rosh_level is low
    And the fact formal_meetings_add_value is false
    And the fact lead_agency_can_manage is true
    And the fact unresolvable_barriers is false
    And the fact proposed_level is 3
    When the case is assessed
    Then the recommended level is 1
    And the report says "Level 3 requires the Level 2 criteria to be met"

  @CAT-3-LVL
  Scenario: Category 3 proposed at Level 1 is rejected
    Given a case
    And the fact category is 3
    And the fact proposed_level is 1
    When the case is assessed
    Then the report says "Category 3 cases can only be managed at Level 2 or 3"
