Feature: Referral to Level 2 or 3 - who may refer, on what, and the decision deadline
  CHESHIRE "How to Make Referral to MAPPA". Any Responsible Authority or Duty to Co-operate
  agency may refer an individual for Level 2 or 3 management on the MAPPA A form, emailed to the
  co-ordinator; a referral can be made at any time. In Cheshire every referrer gets a decision
  within 10 working days of receipt. A referral is assessed for category and level as well.

  Background:
    Given a referral in Cheshire
    And a person convicted of a Schedule 15 offence
    And sentenced to 24 months' immediate custody
    And none of the other category routes applies
    And the licence or order is still in force
    And the fact rosh_level is high
    And the fact formal_meetings_add_value is true
    And the fact senior_oversight_required is false
    And the fact referral_form is MAPPA_A
    And the fact referrer_agency is children_services
    And the fact requested_level is 2

  @REF-1 @REF-2 @REF-5 @REF-3 @DL-REF @DL-WD @area-Cheshire
  Scenario: A referral received before Christmas is decided by Wed 6 Jan 2027
    Given the fact referral_received_date is 2026-12-18
    And the fact decision_date is 2027-01-06
    When the referral is assessed
    Then the referral can proceed is true
    And the deadline is 2027-01-06
    And the within deadline is true
    And the deadline is computed as "10 working days after Fri 18 Dec 2026, skipping 25 Dec (Christmas Day), 28 Dec (Boxing Day, substitute), 1 Jan (New Year's Day): Wed 6 Jan 2027"
    And the rule REF-5 fires

  @REF-4
  Scenario: A referral for Level 1 is rejected
    Given the fact requested_level is 1
    And the fact referral_received_date is 2026-11-23
    When the referral is assessed
    Then the referral can proceed is false
    And the report says "Level 1 needs no referral"

  @REF-2
  Scenario: A referral not on the MAPPA A form is rejected
    Given the fact referral_form is other
    And the fact referral_received_date is 2026-11-23
    When the referral is assessed
    Then the referral can proceed is false

  @REF-1
  Scenario: A referral from a body outside the RA and DTC agencies is left open
    Given the fact referrer_agency is faith_community
    And the fact referral_received_date is 2026-11-23
    When the referral is assessed
    Then the referral can proceed is open between true and false

  @VAL-3
  Scenario: A decision dated before the referral was received is refused
    Given the fact referral_received_date is 2026-11-23
    And the fact decision_date is 2026-11-20
    When the referral is assessed
    Then the case is refused because "is before the referral was received"
