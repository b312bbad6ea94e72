@DL-WD
Feature: Working days in England and Wales
  Catalogue "Deadlines" (DL-WD). Working days are Monday to Friday except England and Wales bank
  holidays, substitute days included. "Within N working days of D" does not count D. When the clock
  starts on a weekend or bank holiday the sources do not settle the count; it is a setting, and
  the result names the convention used.

  Background:
    Given a referral in Cheshire
    And a person convicted of a Schedule 15 offence
    And sentenced to 24 months' immediate custody
    And none of the other category routes applies
    And the fact referral_form is MAPPA_A
    And the fact referrer_agency is police
    And the fact requested_level is 2

  @DL-REF
  Scenario Outline: Ten working days across weekends and bank holidays in 2026 and 2027
    Given the fact referral_received_date is <received>
    When the referral is assessed
    Then the deadline is <due>

    Examples:
      | received   | due        |
      | 2026-12-23 | 2027-01-11 |
      | 2026-04-01 | 2026-04-17 |
      | 2026-05-22 | 2026-06-08 |
      | 2026-08-28 | 2026-09-14 |
      | 2027-03-24 | 2027-04-09 |
      | 2027-12-24 | 2028-01-12 |

  @DL-REF
  Scenario Outline: A clock that starts on a Saturday follows the convention
    Given the fact referral_received_date is 2026-10-24
    And the start convention is <convention>
    When the referral is assessed
    Then the deadline is <due>
    And the report says "convention <convention>"

    Examples:
      | convention          | due        |
      | count_from_next_day | 2026-11-06 |
      | next_working_day    | 2026-11-09 |
