"""The rulesets really drive the answers: changing a rule's YAML changes the decision and its rationale."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mappa_rules.cli import main
from mappa_rules.loader import load_rulebook

from support import fired

ELEVEN_MONTHS = {"outcome": "conviction", "offence_schedule15": True, "sentence_type": "immediate_custody",
                 "custody_months": 11, "licence_or_order_in_force": True, "offence_indicates_serious_harm_capacity": False}


def test_lowering_the_threshold_in_yaml_changes_the_category(draft: Path, run) -> None:
    assert run(**ELEVEN_MONTHS)["outcomes"]["eligible"] is False
    text = (draft / "categories.yaml").read_text()
    (draft / "categories.yaml").write_text(text.replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 11}", 1))
    result = run(rulebook=load_rulebook(draft), **ELEVEN_MONTHS)
    assert result["outcomes"]["category"] == 2
    assert "CAT-2a" in fired(result)


def test_editing_a_because_changes_the_rationale(draft: Path, run) -> None:
    path = draft / "risk.yaml"
    path.write_text(path.read_text().replace("which is the definition of Low.", "LOW BY DEFINITION."))
    result = run(neutral=False, rulebook=load_rulebook(draft), identifiable_indicators=False)
    assert result["fired"][0]["because"].endswith("LOW BY DEFINITION.")


def test_cli_runs_a_draft_ruleset_folder(draft: Path, tmp_path: Path) -> None:
    text = (draft / "categories.yaml").read_text()
    (draft / "categories.yaml").write_text(text.replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 11}", 1))
    case = tmp_path / "case.yaml"
    case.write_text("facts: {outcome: conviction, offence_schedule15: true, sentence_type: immediate_custody, custody_months: 11,"
                    " licence_or_order_in_force: true, subject_to_notification_requirements: false, terrorism_offence_conviction: false,"
                    " terrorist_connection_found_by_court: false, ra_believes_terrorism_risk: false}")
    shipped = CliRunner().invoke(main, ["assess", str(case), "--format", "json"])
    drafted = CliRunner().invoke(main, ["assess", str(case), "--format", "json", "--rulesets", str(draft)])
    assert '"category": 2' not in shipped.output
    assert '"category": 2' in drafted.output
