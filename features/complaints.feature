Feature: Complaints - a MAPPA complaint, or one agency's
  MERSEY "Dealing with MAPPA complaints" and NAT-29. MAPPA is not a body in its own right: first
  decide whether a complaint is about MAPPA or about how one agency manages the case. A licence
  condition is a Probation matter; police and prison operations go to those services. MAPPA
  complaints are made in writing to the co-ordinator, who consults the SMB Chair; an investigation
  may use a sub-group of three, none involved in the case; the outcome goes in writing to the
  complainant. In Merseyside a dissatisfied complainant may appeal to the Chief Constable, the
  Deputy Head of the Probation Service or the Prison North West Strategic Lead.

  @CMP-2 @CMP-7 @CMP-8 @CMP-9 @CMP-11
  Scenario: A complaint about a MAPPA meeting's decision is a MAPPA complaint
    Given a complaint in Cheshire
    And the fact complaint_subject is mappa_meeting_decision
    And the fact complaint_in_writing is true
    When the complaint is assessed
    Then the complaint route is mappa
    And the next steps include CMP-7
    And the next steps include CMP-8.investigation
    And the next steps include CMP-9
    And the next steps include CMP-11
    And the report says "none of whom was involved in the case"

  @CMP-3 @CMP-5
  Scenario: A licence condition is a Probation matter
    Given a complaint in Merseyside
    And the fact complaint_subject is licence_condition
    When the complaint is assessed
    Then the complaint route is single_agency:probation
    And the next steps include CMP-5

  @CMP-4
  Scenario Outline: Police and prison operations go to those services
    Given a complaint
    And the fact complaint_subject is <subject>
    When the complaint is assessed
    Then the complaint route is <route>

    Examples:
      | subject           | route                  |
      | police_operations | single_agency:police   |
      | prison_operations | single_agency:prison   |

  @CMP-2 @CMP-7
  Scenario: A complaint about how one agency manages the case goes to that agency
    Given a complaint
    And the fact complaint_subject is agency_case_management
    And the fact subject_agency is housing
    When the complaint is assessed
    Then the complaint route is single_agency:housing
    And the next steps include CMP-7.agency

  @CMP-6
  Scenario: A MAPPA complaint not in writing is flagged and keeps its route
    Given a complaint in Wirral
    And the fact complaint_subject is mappa_process
    And the fact complaint_in_writing is false
    When the complaint is assessed
    Then the complaint route is mappa
    And the next steps include CMP-6

  @CMP-10 @area-Merseyside @decision-10
  Scenario: A dissatisfied complainant in Merseyside may appeal
    Given a complaint in Merseyside
    And the fact complaint_subject is disclosure_decision
    And the fact disclosure_decided_by is mappa_meeting
    And the fact complaint_in_writing is true
    And the fact complaint_outcome_issued is true
    And the fact complainant_dissatisfied is true
    When the complaint is assessed
    Then the appeal to is [Chief Constable, Deputy Head of the Probation Service, Prison North West Strategic Lead]

  @CMP-10
  Scenario: No appeal route is encoded outside Merseyside
    Given a complaint in Telford
    And the fact complaint_subject is disclosure_decision
    And the fact disclosure_decided_by is mappa_meeting
    And the fact complaint_outcome_issued is true
    And the fact complainant_dissatisfied is true
    When the complaint is assessed
    Then the appeal to is not reported
    And the report says "No local procedure is encoded for Telford"
