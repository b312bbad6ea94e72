Feature: Risk of serious harm - the Low, Medium, High and Very High definitions
  TELFORD "Level of Risk" and Probation Circular 36/2006. Low: no significant current indicators.
  Medium: identifiable indicators, but harm is unlikely unless circumstances change. High: the
  event could happen at any time and the impact would be serious. Very High: the event is more
  likely than not to happen imminently and the impact would be serious. The assessor's OASys level
  is never overridden silently; a person in custody is assessed as if release could be imminent.

  @RISK-LOW
  Scenario: No identifiable indicators is Low
    Given a case
    And the fact identifiable_indicators is false
    When the case is assessed
    Then the risk of serious harm is low

  @RISK-MEDIUM
  Scenario: Harm unlikely unless circumstances change is Medium
    Given a case
    And the fact identifiable_indicators is true
    And the fact harm_unlikely_without_change is true
    When the case is assessed
    Then the risk of serious harm is medium

  @RISK-HIGH
  Scenario: Harm could happen at any time with a serious impact is High
    Given a case
    And the fact identifiable_indicators is true
    And the fact harm_could_happen_any_time is true
    And the fact impact_serious is true
    And the fact harm_more_likely_than_not_imminently is false
    When the case is assessed
    Then the risk of serious harm is high

  @RISK-VERYHIGH
  Scenario: Imminent and serious is Very High
    Given a case
    And the fact identifiable_indicators is true
    And the fact harm_more_likely_than_not_imminently is true
    And the fact impact_serious is true
    When the case is assessed
    Then the risk of serious harm is very_high

  @RISK-HIGH @RISK-MEDIUM
  Scenario: The assessor's level and the indicators disagree - reported, not overridden
    Given a case
    And the fact rosh_level is medium
    And the fact identifiable_indicators is true
    And the fact harm_could_happen_any_time is true
    And the fact impact_serious is true
    And the fact harm_more_likely_than_not_imminently is false
    When the case is assessed
    Then the status is ambiguous
    And the risk of serious harm is open between high and medium

  @RISK-CUSTODY
  Scenario: Custody is not a reason to lower the risk
    Given a case
    And the fact rosh_level is high
    And the fact in_custody is true
    When the case is assessed
    Then the risk of serious harm is high
    And the rule RISK-CUSTODY fires
