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
    And the fact subject_to_notification_requirements is true
    And the fact offence_type is violent
    When the case is assessed
    Then the status is ambiguous
    And the category candidates are 1 and 2

  Scenario: A missing custodial term is reported, never assumed
    Given a person convicted of a Schedule 15 offence
    And the fact sentence_type is immediate_custody
    And no other category applies
    When the case is assessed
    Then the status is undetermined
    And the missing facts include custody_months
