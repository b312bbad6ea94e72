@CAT-2a @CAT-THRESH
Feature: Category 2 - a custodial sentence of 12 months or more for murder or a Schedule 15 offence
  LIVERPOOL §1 (Category 2 and "relevant sexual or violent offenders") and CHESHIRE "Who can be
  Referred to MAPPA?": Category 2 covers people convicted of murder or of a sexual or violent
  offence in Schedule 15 of the Criminal Justice Act 2003 who receive a sentence of imprisonment
  of 12 months or more (CJA 2003 s.327(3)). Exactly 12 months qualifies; 11 months does not.

  Scenario Outline: The 12-month threshold
    Given a person convicted of a Schedule 15 offence
    And sentenced to <months> months' immediate custody
    And no other category applies
    And the licence or order is still in force
    When the case is assessed
    Then the category is <category>
    And the rationale cites <clause>

    Examples:
      | months | category | clause   |
      | 12     | 2        | CAT-2a   |
      | 24     | 2        | CAT-2a   |
      | 11     | none     | CAT-NONE |

  @CAT-NONE
  Scenario: Eleven months is not Category 2, and the rationale says which criterion failed
    Given a person convicted of a Schedule 15 offence
    And sentenced to 11 months' immediate custody
    And no other category applies
    When the case is assessed
    Then the person is not MAPPA-eligible
    And CAT-2a is unmet because "custody_months >= 12 (case has 11)"

  @CAT-2x @CAT-PREC
  Scenario: A registered sex offender with a separate violent sentence is left to the co-ordinator
    Given a person convicted of a Schedule 15 offence
    And sentenced to 18 months' immediate custody
    And no other category applies
    And the licence or order is still in force
    And the person is registered, with the notification period still running
    And the fact offence_type is violent
    When the case is assessed
    Then the status is ambiguous
    And the category candidates are 1 and 2

  Scenario: A missing custodial term is reported, never assumed
    Given a person convicted of a Schedule 15 offence
    And the fact sentence_type is immediate_custody
    And no other category applies
    And the licence or order is still in force
    When the case is assessed
    Then the status is undetermined
    And the missing facts include custody_months

  @CAT-2b
  Scenario Outline: A suspended sentence counts by the custodial term suspended
    Given a person convicted of a Schedule 15 offence
    And sentenced to <months> months' suspended sentence
    And no other category applies
    And the licence or order is still in force
    When the case is assessed
    Then the category is <category>

    Examples:
      | months | category |
      | 12     | 2        |
      | 11     | none     |

  @CAT-2c
  Scenario Outline: A Detention and Training Order of 12 months or more
    Given a person convicted of a Schedule 15 offence
    And sentenced to <months> months' detention and training order
    And no other category applies
    And the licence or order is still in force
    When the case is assessed
    Then the category is <category>

    Examples:
      | months | category |
      | 12     | 2        |
      | 11     | none     |

  @CAT-2d
  Scenario: Detention during His Majesty's pleasure has no length threshold
    Given a person convicted of a Schedule 15 offence
    And the fact sentence_type is hmp_or_life
    And no other category applies
    And the licence or order is still in force
    When the case is assessed
    Then the category is 2
    And the rationale cites CAT-2d

  @CAT-2e
  Scenario Outline: A hospital order qualifies with or without a restriction order
    Given a person convicted of a Schedule 15 offence
    And the fact sentence_type is hospital_order
    And the fact hospital_restriction_order is <restricted>
    And no other category applies
    And the licence or order is still in force
    When the case is assessed
    Then the category is 2
    And the rationale cites CAT-2e

    Examples:
      | restricted |
      | true       |
      | false      |

  @CAT-2f
  Scenario Outline: Not guilty by insanity, or under a disability, counts only with a hospital or guardianship order
    Given a case
    And the fact outcome is not_guilty_by_insanity
    And the fact offence_schedule15 is true
    And the fact sentence_type is <disposal>
    And no other category applies
    And the licence or order is still in force
    And the licence or order is still in force
    When the case is assessed
    Then the category is <category>

    Examples:
      | disposal           | category |
      | hospital_order     | 2        |
      | guardianship_order | 2        |
      | discharge          | none     |

  @CAT-2-END @decision-1
  Scenario: Category 2 ends when the licence ends
    Given a person convicted of a Schedule 15 offence
    And sentenced to 24 months' immediate custody
    And no other category applies
    And the licence or order has ended
    When the case is assessed
    Then the person is not MAPPA-eligible
    And CAT-2a is unmet because "licence_or_order_in_force is true (case has false)"

  @CAT-2g
  Scenario: A disqualification order is left to the co-ordinator, because the statute changed
    Given a case
    And the fact outcome is conviction
    And the fact sentence_type is fine
    And no other category applies
    And the fact disqualification_order is true
    When the case is assessed
    Then the status is ambiguous
    And the category is open between 2 and none

  @CAT-2g @CAT-3-LVL
  Scenario: A disqualification order alongside Category 3 is MAPPA-eligible either way
    Given a case
    And none of the other category routes applies
    And the fact outcome is conviction
    And the fact offence_schedule15 is false
    And the fact sentence_type is community_order
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact rosh_level is high
    And the fact formal_meetings_add_value is true
    And the fact active_multiagency_involvement_required is true
    And the fact senior_oversight_required is false
    And the fact disqualification_order is true
    When the case is assessed
    Then the status is ambiguous
    And the eligible is true
    And the category is open between 2 and 3
    And the rule CAT-2g.with-category-3 fires

  @CAT-2g @CAT-3-LVL
  Scenario: A disqualification order with Category 3 conditions that come out at Level 1 is the disputed route alone
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
    And the fact disqualification_order is true
    When the case is assessed
    Then the status is ambiguous
    And the category is open between 2 and none
    And the rule CAT-2g fires
    And the rule CAT-3-LVL.comes-out-at-level-1 fires
