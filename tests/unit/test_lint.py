"""`mappa lint`: clean on the shipped rulesets; each planted defect found with file, rule and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.cli import main
from mappa_rules.lint import lint


def test_the_shipped_rulesets_are_clean() -> None:
    assert lint() == []
    result = CliRunner().invoke(main, ["lint", "--strict"])
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.output


def plant(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("file", "old", "new", "rule", "words"), [
    ("categories.yaml", "        - {fact: custody_months, gte: 12}",
     "        - {fact: custody_months, gte: 12}\n        - {fact: custody_months, lt: 10}", "CAT-2a", "can never all hold"),
    ("categories.yaml", "        - {fact: sentence_type, is: immediate_custody}",
     "        - {fact: sentence_type, is: immediate_custody}\n        - {fact: sentence_type, is: dto}", "CAT-2a", "can never all hold"),
    ("risk.yaml", "    when: {fact: in_custody, is: true}", "    when:\n      all:\n        - {fact: in_custody, is: true}\n        - {fact: in_custody, is_not: true}",
     "RISK-CUSTODY", "can never all hold"),
    ("categories.yaml", "and the licence is still in force.\"", "and the licence is still in force ({rosh_level}).\"",
     "CAT-2a", "names {rosh_level}, a fact this rule does not use"),
])
def test_a_planted_warning_is_found_with_file_rule_and_line(draft: Path, file, old, new, rule, words) -> None:
    plant(draft / file, old, new)
    [finding] = lint(draft)
    assert (finding.severity, finding.rule) == ("warning", rule) and words in finding.message
    assert finding.file.endswith(file) and finding.line and f"id: {rule}" in (draft / file).read_text().splitlines()[finding.line - 1]


def test_a_dead_derived_fact_and_an_unread_fact_are_warned(draft: Path) -> None:
    plant(draft / "levels.yaml", "derived:\n", "derived:\n  unused_flag: {type: bool, meaning: nothing reads this}\n")
    plant(draft / "levels.yaml", "    then: {advice: true}\n    because: \"Level 1 does not mean",
          "    then: {advice: true, set: {unused_flag: true}}\n    because: \"Level 1 does not mean")
    plant(draft / "facts.yaml", "outcome:\n", "shoe_size:\n  type: int\n  meaning: never read\noutcome:\n")
    messages = [f.message for f in lint(draft)]
    assert "derived fact 'unused_flag' is set but nothing uses it" in messages
    assert "fact 'shoe_size' is in the vocabulary but no rule reads it" in messages


def test_a_loader_error_is_an_error_finding_with_the_line(draft: Path) -> None:
    plant(draft / "categories.yaml", "        - {fact: custody_months, gte: 12}", "        - {fact: custody_months, over: 12}")
    [finding] = lint(draft)
    assert finding.severity == "error" and finding.rule == "CAT-2a" and finding.line
    result = CliRunner().invoke(main, ["lint", str(draft)])
    assert result.exit_code == 1 and "unknown operator 'over'" in result.output and "1 errors" in result.output
