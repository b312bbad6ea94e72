"""`mappa verify`: the features pass, every clause is accounted for, and a broken rule is named."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.cli import main
from mappa_rules.verify import features_dir, load_scenarios, run_scenarios, traceability


def test_the_shipped_features_pass_and_every_normative_clause_is_accounted_for(book) -> None:
    scenarios = load_scenarios()
    trace = traceability(book, run_scenarios(book, scenarios), scenarios)
    assert trace["failed"] == 0, trace["failures"]
    assert trace["without_rule"] == [] and trace["without_scenario"] == []
    assert trace["unknown_tags"] == [] and trace["scenarios_citing_unencoded"] == []
    assert len(scenarios) >= 70


def test_every_feature_names_its_source(book) -> None:
    for path in sorted(features_dir().glob("*.feature")):
        text = path.read_text()
        assert any(source in text for source in ("LIVERPOOL", "CHESHIRE", "MERSEY", "TELFORD", "Catalogue")), path.name


def test_verify_writes_the_traceability_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["verify", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "0 failed; 0 normative clauses unaccounted for" in result.output
    html = (tmp_path / "traceability.html").read_text()
    markdown = (tmp_path / "traceability.md").read_text()
    for clause in ("CAT-2a", "ESC-REPEAT", "DL-WD", "VAL-1"):
        assert clause in html and clause in markdown
    assert html.count("OFFICIAL-SENSITIVE") >= 2


def test_breaking_one_rule_fails_verify_naming_the_scenario_and_clause(draft: Path, tmp_path: Path) -> None:
    path = draft / "categories.yaml"
    path.write_text(path.read_text().replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 13}", 1))
    result = CliRunner().invoke(main, ["verify", "--rulesets", str(draft), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "FAILED categories.feature:" in result.output and "The 12-month threshold" in result.output
    assert "CAT-2a" in result.output and "expected category 2, got None" in result.output
    assert "Scenarios that failed" in (tmp_path / "traceability.md").read_text()


def test_a_new_scenario_with_only_the_generic_steps_needs_no_python(tmp_path: Path) -> None:
    (tmp_path / "lead.feature").write_text('''Feature: A policy lead's own scenario
  @CAT-2e
  Scenario: A guardianship order on conviction is Category 2
    Given a case in Liverpool
    And the fact outcome is conviction
    And the fact offence_schedule15 is true
    And the fact sentence_type is guardianship_order
    And the fact licence_or_order_in_force is true
    And the fact subject_to_notification_requirements is false
    And the fact disqualification_order is false
    And the fact terrorism_offence_conviction is false
    And the fact terrorist_connection_found_by_court is false
    And the fact ra_believes_terrorism_risk is false
    When the case is assessed
    Then the category is 2
    And the MAPPA-eligible is true
    And the rationale cites CAT-2e
    And CAT-1 is unmet because "subject_to_notification_requirements is true (case has false)"
''')
    result = CliRunner().invoke(main, ["verify", "--features", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output


def test_a_step_nothing_matches_fails_loudly_with_its_text(tmp_path: Path) -> None:
    (tmp_path / "typo.feature").write_text('''Feature: A typo
  Scenario: An unknown step
    Given a case
    And the person was sentenced to a very long time
    When the case is assessed
''')
    result = CliRunner().invoke(main, ["verify", "--features", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no step definition matches: 'the person was sentenced to a very long time'" in result.output


def test_verify_selects_by_clause_and_area(tmp_path: Path) -> None:
    by_clause = CliRunner().invoke(main, ["verify", "--clause", "CAT-2b", "-o", str(tmp_path)])
    assert "Running 2 scenarios" in by_clause.output and by_clause.exit_code == 0
    by_area = CliRunner().invoke(main, ["verify", "--area", "Liverpool", "-o", str(tmp_path)])
    assert by_area.exit_code == 0 and "Running" in by_area.output
    none = CliRunner().invoke(main, ["verify", "--clause", "NOPE-1", "-o", str(tmp_path)])
    assert none.exit_code == 1 and "no scenario matches" in none.output


def test_a_malformed_feature_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.feature").write_text("Feature: x\n  Scenario: y\n    Given a case\n  this line is not gherkin\n")
    result = CliRunner().invoke(main, ["verify", "--features", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "bad.feature: malformed feature: (4:3): expected" in result.output


def test_the_traceability_report_lists_every_policy_decision_with_rules_and_scenarios(book, tmp_path: Path) -> None:
    from mappa_rules.decisions import load_decisions

    decisions = load_decisions(book)
    assert [d.number for d in decisions] == list(range(1, 13))
    scenarios = load_scenarios()
    trace = traceability(book, run_scenarios(book, scenarios), scenarios, decisions)
    rows = {row["decision"]: row for row in trace["decisions"]}
    for number in range(1, 12):
        assert rows[number]["rules"] or rows[number]["enforced_by"]
        assert rows[number]["scenarios"] and rows[number]["failed"] == 0, number
    result = CliRunner().invoke(main, ["verify", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "traceability.md").read_text()
    assert "Policy decisions of 2026-11-23" in markdown
    for number in range(1, 13):
        assert f"Decision {number}: " in markdown
    assert "LVL-1-BARRIER" in markdown.split("Decision 6: ")[1].split("Decision 7: ")[0]


def test_a_decision_naming_a_rule_the_rulebook_lacks_is_refused(draft: Path) -> None:
    from mappa_rules.decisions import load_decisions
    from mappa_rules.errors import RulesetError
    from mappa_rules.loader import load_rulebook

    path = draft / "decisions.yaml"
    path.write_text(path.read_text().replace("rules: [LVL-1-BARRIER]", "rules: [LVL-1-BARRIERS]"))
    with pytest.raises(RulesetError, match="decision 6: no rule 'LVL-1-BARRIERS'"):
        load_decisions(load_rulebook(draft))
    result = CliRunner().invoke(main, ["verify", "--rulesets", str(draft), "-o", str(draft / "out")])
    assert result.exit_code == 2 and "decision 6: no rule 'LVL-1-BARRIERS'" in result.output


def test_a_selection_never_replaces_the_whole_traceability_report(tmp_path: Path) -> None:
    (tmp_path / "traceability.html").write_text("the full report")
    result = CliRunner().invoke(main, ["verify", "--clause", "CAT-2a", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "traceability.html").read_text() == "the full report"
    assert "CAT-2a" in (tmp_path / "traceability-selection.html").read_text()
    assert "traceability-selection.html" in result.output
