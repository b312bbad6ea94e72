Feature: The answer on the facts given, how firm it is, and the question that matters next
  Catalogue, policy decision 12 (VAL-1): a fact an outcome needs and the case lacks is a question,
  never a default and never an error. An offender manager states a case in a handful of facts. The
  tool answers on those facts and says how firm each answer is: firm (no answer to the questions
  left can change it), provisional (the questions left can only add doubt, never give another
  answer), open (the sources conflict on the facts given: a co-ordinator decides) or not yet known
  (it needs an answer). It asks only what can still change an answer, one question at a time, and
  keeps "not asked yet" apart from "asked, nobody knows".

  @VAL-1 @CAT-1 @CAT-PREC
  Scenario: A registered sexual offender is Category 1 on the facts given, whatever the sentence
    Given a case
    And the person is registered, with the notification period still running
    When the case is assessed
    Then the category is 1 on the facts given, provisionally
    And the MAPPA-eligible is true on the facts given, firmly
    And it could become open only if terrorism_offence_conviction is true
    And the status is undetermined
    And the next question is about formal_meetings_add_value
    And the recommended level is not yet known: it needs an answer

  @VAL-1 @CAT-2a @CAT-2-END
  Scenario: Twelve months' custody for a violent Schedule 15 offence, licence in force, is Category 2 on the facts given
    Given a person convicted of a Schedule 15 offence
    And sentenced to 12 months' immediate custody
    And the fact offence_type is violent
    And the licence or order is still in force
    When the case is assessed
    Then the category is 2 on the facts given, provisionally
    And it could become open only if subject_to_notification_requirements is true
    And it could become open only if terrorism_offence_conviction is true

  @VAL-1 @LVL-2 @LVL-3
  Scenario: Once the level facts are given, the level is firm and nothing more is asked about it
    Given a case
    And the person is registered, with the notification period still running
    And the fact offence_type is sexual
    And the fact rosh_level is high
    And the fact formal_meetings_add_value is true
    And the fact senior_oversight_required is false
    When the case is assessed
    Then the recommended level is 2 on the facts given, firmly
    And the category is 1 on the facts given, provisionally
    And the status is provisional

  @VAL-1 @ESC-IMM
  Scenario: Outside Merseyside an imminent risk is open: the sources do not settle it on the facts given
    Given a disagreement in Cheshire
    And the fact imminent_risk_of_serious_harm is true
    When the disagreement is assessed
    Then the status is ambiguous
    And the escalate same working day is open between "the same working day" and "the area's own timescale"

  @VAL-1 @CMP-2 @CMP-3
  Scenario: A complaint about a licence condition is firm at once: nothing left to ask
    Given a complaint in Merseyside
    And the fact complaint_subject is licence_condition
    And the fact complaint_in_writing is true
    When the complaint is assessed
    Then the complaint route is single_agency:probation on the facts given, firmly
    And the status is decided
    And there is no question left to ask

  @VAL-1 @CAT-3 @VAL-3
  Scenario: "Asked, nobody knows" is never asked again
    Given a case
    And none of the other category routes applies
    And the fact outcome is conviction
    And the fact offence_schedule15 is false
    And the fact sentence_type is community_order
    And the fact offence_indicates_serious_harm_capacity is true
    And the fact requires_level2_or_3_management is true
    And the fact formal_meetings_add_value is true
    And the fact active_multiagency_involvement_required is true
    And the fact senior_oversight_required is false
    And the fact rosh_level is uncertain
    When the case is assessed
    Then the category is 3 on the facts given, provisionally
    And rosh_level is not asked, because "asked: not known"

  @VAL-1 @RISK-LOW @RISK-SH
  Scenario: The OASys level and the five indicators are alternatives: one is enough
    Given a case
    And the fact rosh_level is medium
    When the case is assessed
    Then the risk of serious harm is medium on the facts given, firmly
    And identifiable_indicators is not asked, because "an alternative to"

  @VAL-1 @ESC-IMM @ESC-L1
  Scenario: A ladder step that an imminent risk would change is not given as the answer until that is asked
    Given a disagreement in Merseyside
    And the fact issue_type is rosh_disagreement
    And the fact unresolved_after_level is 0
    When the disagreement is assessed
    Then the escalation level is 1 on the facts given, firmly
    And the escalate to is not yet known: it needs an answer
    And the next question is about imminent_risk_of_serious_harm

  @VAL-1 @ESC-IMM @ESC-L3
  Scenario: How far the escalation has gone is asked before the date a Level 3 report was made
    Given a disagreement in Merseyside
    And the fact imminent_risk_of_serious_harm is true
    And the fact concern_date is 2026-11-23
    When the disagreement is assessed
    Then the next question is about unresolved_after_level
    And the question about unresolved_after_level comes before the question about level3_report_date

  @VAL-1 @LVL-2 @LVL-3
  Scenario: Whether meetings would add value is asked before whether senior oversight is needed
    Given a case
    And the person is registered, with the notification period still running
    When the case is assessed
    Then the question about formal_meetings_add_value comes before the question about senior_oversight_required

  @VAL-1 @REF-2
  Scenario: A referral not on the MAPPA A form is rejected firmly, whatever else is found
    Given a referral in Telford
    And the fact referral_form is other
    When the referral is assessed
    Then it is rejected on the facts given, firmly

  @VAL-1 @CAT-PREC @CAT-4a
  Scenario: Once the category is open, the sentence is not asked: no answer to it can settle the category
    Given a case
    And the person is registered, with the notification period still running
    And the fact outcome is conviction
    And the fact terrorism_offence_conviction is true
    When the case is assessed
    Then the category is open between 1 and 4
    And sentence_type is not asked, because "stays open whatever the answer"
    And the allowed levels is open until the category is settled
