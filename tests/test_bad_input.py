"""Bad case files: one clear line naming the field and the reason, exit status 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.case import case_from_data
from mappa_rules.cli import main
from mappa_rules.errors import CaseError

BAD_CASES = [
    # (file suffix, content, field named, words in the reason, clause cited)
    ("yaml", "facts: {custdy_months: 12}", "facts.custdy_months", "did you mean 'custody_months'", "VAL-2"),
    ("yaml", "facts: {outcome: convicted}", "facts.outcome", "'convicted' is not allowed", "VAL-2"),
    ("yaml", "facts: {offence_schedule15: 'yes'}", "facts.offence_schedule15", 'must be true or false, got "yes"', "VAL-2"),
    ("yaml", "facts: {offence_schedule15: yes}", "facts.offence_schedule15", 'must be true or false, got "yes"', "VAL-2"),
    ("yaml", "facts: {in_custody: off}", "facts.in_custody", 'must be true or false, got "off"', "VAL-2"),
    ("yaml", "facts: {offence_schedule15: 1}", "facts.offence_schedule15", "must be true or false, got 1", "VAL-2"),
    ("yaml", "facts: {custody_months: -3}", "facts.custody_months", "must be at least 0, got -3", "VAL-2"),
    ("yaml", "facts: {custody_months: '12'}", "facts.custody_months", "must be a number", "VAL-2"),
    ("yaml", "facts: {proposed_level: 4}", "facts.proposed_level", "must be at most 3, got 4", "VAL-2"),
    ("yaml", "facts: {proposed_level: true}", "facts.proposed_level", "must be a whole number, got true", "VAL-2"),
    ("yaml", "facts: {previous_category: 0}", "facts.previous_category", "must be at least 1", "VAL-2"),
    ("yaml", "facts: {rosh_level: severe}", "facts.rosh_level", "'severe' is not allowed", "VAL-2"),
    ("yaml", "facts: {rosh_level: null}", "facts.rosh_level", "must not be null", "VAL-2"),
    ("yaml", "as_of: 2026-02-30\nfacts: {}", "as_of", "'2026-02-30' is not a real date", "VAL-2"),
    ("yaml", "as_of: 20261123\nfacts: {}", "as_of", "must be an ISO date", "VAL-2"),
    ("yaml", "facts: {concern_date: 2026-11-02}", "facts.concern_date", "not used by a 'case'", "VAL-2"),
    ("yaml", "kind: complaynt\nfacts: {}", "kind", "unknown kind 'complaynt' (did you mean 'complaint'?)", "VAL-2"),
    ("yaml", "fact: {}", "fact", "did you mean 'facts'", "VAL-2"),
    ("yaml", "facts: {area: Merseyside}", "facts.area", "belongs at the top level", "VAL-2"),
    ("yaml", "facts: [1, 2]", "facts", "must be a mapping", "VAL-2"),
    ("yaml", "facts: {outcome: none, sentence_type: fine}", "facts.sentence_type", "outcome is 'none' but a sentence", "VAL-3"),
    ("yaml", "facts: {outcome: none, custody_months: 6}", "facts.custody_months", "outcome is 'none'", "VAL-3"),
    ("yaml", "facts: {sentence_type: fine, custody_months: 6}", "facts.custody_months", "non-custodial sentence", "VAL-3"),
    ("yaml", "facts: {hospital_restriction_order: true, sentence_type: immediate_custody}",
     "facts.hospital_restriction_order", "restriction order accompanies a hospital order", "VAL-3"),
    ("yaml", "facts: {outcome: none, subject_to_notification_requirements: true}",
     "facts.subject_to_notification_requirements", "notification requirements", "VAL-3"),
    ("yaml", "facts: {identifiable_indicators: false, harm_more_likely_than_not_imminently: true}",
     "facts.harm_more_likely_than_not_imminently", "contradict each other", "VAL-3"),
    ("yaml", "facts: {identifiable_indicators: false, harm_could_happen_any_time: true}",
     "facts.harm_could_happen_any_time", "contradict each other", "VAL-3"),
    ("yaml", "facts: {harm_unlikely_without_change: true, harm_could_happen_any_time: true}",
     "facts.harm_could_happen_any_time", "contradict each other", "VAL-3"),
    ("yaml", "facts: {harm_unlikely_without_change: true, harm_more_likely_than_not_imminently: true}",
     "facts.harm_more_likely_than_not_imminently", "contradict each other", "VAL-3"),
    ("yaml", "facts: {outcome: conviction\n  sentence: x", None, "malformed YAML: line 2", None),
    ("yaml", "facts: {outcome: conviction, outcome: none}", None, "duplicate key 'outcome'", None),
    ("yaml", "- a list", None, "must be a mapping", None),
    ("json", '{"facts": {"outcome": "conviction",}}', None, "malformed JSON: line 1", None),
    ("json", '{"facts": {"custody_months": NaN}}', None, "NaN is not a number", None),
    ("json", '{"facts": {}, "facts": {}}', None, "duplicate key 'facts'", None),
]


@pytest.mark.parametrize(("suffix", "content", "field", "words", "cites"), BAD_CASES)
def test_bad_case_file_is_one_clear_line_and_exit_2(tmp_path: Path, suffix, content, field, words, cites) -> None:
    path = tmp_path / f"case.{suffix}"
    path.write_text(content)
    result = CliRunner().invoke(main, ["assess", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"mappa: error: {path}: ")
    assert words in line
    if field:
        assert f": {field}: " in line
    if cites:
        assert line.endswith(f"({cites})")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("suffix", "content", "field", "words", "cites"), [c for c in BAD_CASES if c[2]])
def test_bad_case_file_as_json_names_field_and_clause(tmp_path: Path, suffix, content, field, words, cites) -> None:
    path = tmp_path / f"case.{suffix}"
    path.write_text(content)
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert set(error) == {"error", "field", "cites"}
    assert error["field"] == field and error["cites"] == [cites] and words in error["error"]


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["assess", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "cannot be read: No such file or directory" in result.output


def test_errors_are_raised_by_the_package_not_only_the_cli(book) -> None:
    with pytest.raises(CaseError) as caught:
        case_from_data({"facts": {"custody_months": -1}}, book, "x.yaml")
    assert (caught.value.field, caught.value.cites) == ("facts.custody_months", ("VAL-2",))


def test_a_valid_null_is_accepted_where_the_vocabulary_allows_it(run) -> None:
    result = run(outcome="conviction", offence_schedule15=True, sentence_type="community_order", custody_months=None,
                 offence_indicates_serious_harm_capacity=False)
    assert result["outcomes"]["eligible"] is False


def test_a_case_still_using_the_retired_fact_names_the_two_that_replace_it(tmp_path: Path) -> None:
    """Decision 1: one line, exit 2, naming subject_to_notification_requirements and licence_or_order_in_force."""
    case = tmp_path / "old.yaml"
    case.write_text("facts:\n  outcome: conviction\n  statutory_period_active: false\n")
    done = CliRunner().invoke(main, ["assess", str(case)])
    assert done.exit_code == 2 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith(f"mappa: error: {case}: facts.statutory_period_active: retired on 2026-11-23 (policy decision 1)")
    assert "subject_to_notification_requirements" in line and "licence_or_order_in_force" in line and "Traceback" not in line
