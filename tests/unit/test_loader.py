"""Loading rulesets: a defect is one clear error naming file and rule, and nothing is evaluated."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.cli import main
from mappa_rules.errors import RulesetError
from mappa_rules.loader import load_rulebook

CAT_2A_WHEN = """        - {fact: custody_months, gte: 12}"""


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, count))


BROKEN = [
    # (file, old text, new text, words in the error, rule id named)
    ("categories.yaml", "  - id: CAT-2b\n", "  - id: CAT-2a\n", "duplicate rule id", "CAT-2a"),
    ("categories.yaml", CAT_2A_WHEN, "        - {fact: custody_monthz, gte: 12}", "unknown fact 'custody_monthz'", "CAT-2a"),
    ("categories.yaml", CAT_2A_WHEN, "        - {fact: custody_months, at_least: 12}", "unknown operator 'at_least'", "CAT-2a"),
    ("categories.yaml", CAT_2A_WHEN, "        - {fact: custody_months, gte: twelve}", "must be a number", "CAT-2a"),
    ("categories.yaml", "        - {fact: sentence_type, is: immediate_custody}",
     "        - {fact: sentence_type, is: prison}", "'prison' is not a valid value", "CAT-2a"),
    ("categories.yaml", "    cites: [CAT-2a, CAT-THRESH, CAT-2-END]\n", "", "cites: Field required", "CAT-2a"),
    ("categories.yaml", "    cites: [CAT-2a, CAT-THRESH, CAT-2-END]", "    cites: []", "cites", "CAT-2a"),
    ("categories.yaml", "    cites: [CAT-2a, CAT-THRESH, CAT-2-END]", "    cites: [CAT-2a, CAT-9z]", "unknown clause 'CAT-9z'", "CAT-2a"),
    ("categories.yaml", "    cites: [CAT-2a, CAT-THRESH, CAT-2-END]", "    cites: [CAT-THRESH]", "'cites' does not include it", "CAT-2a"),
    ("categories.yaml", "  - id: CAT-2b\n", "  - id: CAT-99\n", "'CAT-99' is not a clause", "CAT-99"),
    ("categories.yaml", "    then: {set: {cat2_met: true, eligible: true}}\n    because: \"Convicted of murder",
     "    then: {set: {cat2_done: true}}\n    because: \"Convicted of murder", "'cat2_done' is not a declared derived fact", "CAT-2a"),
    ("categories.yaml", "    then: {set: {cat2_met: true, eligible: true}}\n    because: \"Convicted of murder",
     "    then: {set: {cat2_met: maybe}}\n    because: \"Convicted of murder", "not a valid bool value", "CAT-2a"),
    ("categories.yaml", "sentenced to {custody_months} months'", "sentenced to {custody_term} months'", "'{custody_term}' is not a fact", "CAT-2a"),
    ("categories.yaml", "    title: 12 months or more immediate custody for murder or a Schedule 15 offence\n", "", "title: Field required", "CAT-2a"),
    ("categories.yaml", "  - id: CAT-2a\n", "  - id: CAT-2a\n    salience: 3\n", "salience: Extra inputs are not permitted", "CAT-2a"),
    ("categories.yaml", "    when:\n      all:\n        - {fact: outcome, is: conviction}\n        - {fact: offence_schedule15, is: true}\n        - {fact: sentence_type, is: immediate_custody}",
     "    when:\n      all: []\n      any:\n        - {fact: sentence_type, is: immediate_custody}", "must stand alone", "CAT-2a"),
    ("categories.yaml", "ruleset: categories", "ruleset: categories\n  bad: [indent", "malformed YAML", None),
    ("levels.yaml", "        - {fact: senior_oversight_required, is: true}",
     "        - {fact: senior_oversight_required, is: true}\n        - {fact: recommended_level, is: 3}",
     "cycle", "LVL-3"),
]


@pytest.mark.parametrize(("file", "old", "new", "words", "rule_id"), BROKEN)
def test_broken_ruleset_is_refused_with_file_and_rule(draft: Path, file, old, new, words, rule_id) -> None:
    replace(draft / file, old, new)
    with pytest.raises(RulesetError) as caught:
        load_rulebook(draft)
    message = str(caught.value)
    assert message.startswith(str(draft / file)), message
    assert words in message
    if rule_id:
        assert f"rule {rule_id}" in message


def test_cli_refuses_a_broken_ruleset_and_evaluates_nothing(draft: Path) -> None:
    replace(draft / "categories.yaml", CAT_2A_WHEN, "        - {fact: custody_monthz, gte: 12}")
    case = Path(__file__).resolve().parents[2] / "examples" / "cat2-violent-12-months.yaml"
    result = CliRunner().invoke(main, ["assess", str(case), "--rulesets", str(draft)])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert "categories.yaml: rule CAT-2a: when: unknown fact 'custody_monthz'" in line
    assert "OFFICIAL-SENSITIVE" not in result.output


def test_index_naming_a_missing_file_is_refused(draft: Path) -> None:
    replace(draft / "index.yaml", "levels.yaml]", "levels.yaml, housing.yaml]")
    with pytest.raises(RulesetError, match="lists 'housing.yaml', which does not exist"):
        load_rulebook(draft)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesetError, match="not a ruleset folder"):
        load_rulebook(tmp_path / "nowhere")


def test_derived_fact_declared_twice_is_refused(draft: Path) -> None:
    replace(draft / "levels.yaml", "derived:\n", "derived:\n  cat1_met: {type: bool, meaning: again}\n")
    with pytest.raises(RulesetError, match="derived fact 'cat1_met' is declared twice"):
        load_rulebook(draft)


def test_too_many_properties_for_one_engine_fact_is_refused(draft: Path) -> None:
    extra = "".join(f"extra_fact_{i}:\n  type: bool\n  meaning: padding\n" for i in range(200))
    (draft / "facts.yaml").write_text((draft / "facts.yaml").read_text() + extra)
    with pytest.raises(RulesetError, match="exceed the engine's limit of 250 properties"):
        load_rulebook(draft)


def test_rulebook_is_stratified_so_derived_facts_feed_later_rules(book) -> None:
    level = {r.id: r.stratum for r in book.rules}
    assert level["LVL-2"] > level["RISK-HIGH.oasys"]
    assert level["CAT-3-LVL"] > level["LVL-2"]  # the Level 2 criteria feed Category 3 ...
    assert level["LVL-0.level-2"] > level["LVL-2"]  # ... and the recommended level
    assert level["LVL-0.level-1"] > level["CAT-NONE"]


def test_content_hash_changes_with_any_rule(draft: Path, book) -> None:
    assert load_rulebook(draft).sha256 == book.sha256
    replace(draft / "risk.yaml", "which is the definition of Low.", "the definition of Low.")
    assert load_rulebook(draft).sha256 != book.sha256


def test_a_kind_must_include_the_files_that_settle_what_its_rules_read(draft: Path) -> None:
    replace(draft / "index.yaml", "kinds:\n", "kinds:\n  levels_only: [levels.yaml]\n")
    with pytest.raises(RulesetError, match="kind 'levels_only': rule LVL-2 .* reads derived fact 'risk_level', which no file of this kind sets"):
        load_rulebook(draft)


def test_an_unknown_area_on_a_rule_is_refused(draft: Path) -> None:
    replace(draft / "risk.yaml", "  - id: RISK-CUSTODY\n", "  - id: RISK-CUSTODY\n    area: Atlantis\n")
    with pytest.raises(RulesetError, match="rule RISK-CUSTODY: area: 'Atlantis' is not an area"):
        load_rulebook(draft)


DISAGREEMENT = "        - [RISK-LOW, RISK-MEDIUM, RISK-HIGH, RISK-VERYHIGH]"


@pytest.mark.parametrize(("new", "words"), [
    ("        - [RISK-LOW, RISK-MEDIUM, RISK-HIGH, RISK-VERYHIGH, RISK-CUSTODY]", "'RISK-CUSTODY' is not a rule that sets risk_level"),
    ("        - [RISK-LOW, RISK-MEDIUM, RISK-HIGH, RISK-HIGH.oasys]", "'RISK-HIGH.oasys' is in more than one group"),
    ("        - [RISK-LOW, RISK-NOPE]", "'RISK-NOPE' is not a rule that sets risk_level"),
])
def test_a_bad_disagreement_declaration_is_refused(draft: Path, new: str, words: str) -> None:
    replace(draft / "risk.yaml", DISAGREEMENT, new)
    with pytest.raises(RulesetError, match="derived.risk_level.disagreement") as caught:
        load_rulebook(draft)
    assert words in str(caught.value) and caught.value.path.endswith("risk.yaml")


def test_a_disagreement_citing_an_unknown_clause_is_refused(draft: Path) -> None:
    replace(draft / "risk.yaml", "      cites: [RISK-SH]", "      cites: [RISK-XX]")
    with pytest.raises(RulesetError, match="cites unknown clause 'RISK-XX'"):
        load_rulebook(draft)


def test_a_disagreement_is_declared_only_between_groups_whose_rules_agree(book) -> None:
    risk = book.derived["risk_level"]
    assert risk.declares({"RISK-LOW.oasys": '"low"', "RISK-HIGH": '"high"'})
    assert risk.declares({"RISK-LOW.oasys": '"low"', "RISK-HIGH": '"high"', "RISK-HIGH.oasys": '"high"'}) is False
    assert risk.declares({"RISK-MEDIUM": '"medium"', "RISK-VERYHIGH": '"very_high"'}) is False
    assert risk.declares({"RISK-LOW": '"low"', "RISK-CUSTODY": '"low"'}) is False
    assert book.derived["assessed_category"].declares({"CAT-PREC.category-1": "1", "CAT-PREC.category-2": "2"}) is False


def test_outside_an_unknown_area_is_refused(draft: Path) -> None:
    replace(draft / "escalation.yaml", "    outside: Merseyside\n", "    outside: Mersyside\n")
    with pytest.raises(RulesetError, match="rule ESC-IMM.elsewhere: outside: 'Mersyside' is not an area of areas.yaml"):
        load_rulebook(draft)


def test_a_candidate_taken_from_a_fact_the_rule_does_not_read_is_refused(draft: Path) -> None:
    replace(draft / "escalation.yaml", "{fact: concern_next_working_day}]}}", "{fact: level3_report_date}]}}")
    with pytest.raises(RulesetError, match="rule ESC-IMM.non-working-day: then.ambiguous.deadline: a candidate is a literal or"):
        load_rulebook(draft)


@pytest.mark.parametrize(("new", "words"), [
    ("  replaced_by: [subject_to_notification_requirements, licence_in_force]\n", "'licence_in_force', which is not a fact"),
    ("  replaced_by: []\n", "replaced_by"),
])
def test_a_bad_retired_fact_is_refused(draft: Path, new: str, words: str) -> None:
    replace(draft / "retired-facts.yaml", "  replaced_by: [subject_to_notification_requirements, licence_or_order_in_force]\n", new)
    with pytest.raises(RulesetError, match=words):
        load_rulebook(draft)


def test_a_retired_fact_still_in_the_vocabulary_is_refused(draft: Path) -> None:
    path = draft / "facts.yaml"
    path.write_text(path.read_text() + "statutory_period_active:\n  type: bool\n  meaning: old\n")
    with pytest.raises(RulesetError, match="'statutory_period_active' is retired but is still a fact"):
        load_rulebook(draft)
