@VAL-3
Feature: Contradictory facts are refused, never evaluated
  Catalogue §9 (VAL-3): a case that contradicts itself is refused with the field and the reason.

  Scenario Outline: Contradictions
    Given a case
    And the fact <first> is <a>
    And the fact <second> is <b>
    When the case is assessed
    Then the case is refused because "<words>"

    Examples:
      | first                      | a     | second                               | b                 | words                         |
      | outcome                    | none  | sentence_type                        | fine              | outcome is 'none'             |
      | hospital_restriction_order | true  | sentence_type                        | immediate_custody | restriction order accompanies |
      | outcome                    | none  | subject_to_notification_requirements | true              | notification requirements     |
      | identifiable_indicators    | false | harm_more_likely_than_not_imminently | true              | contradict each other         |
