"""The `mappa` command line through its front door."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mappa_rules import __version__
from mappa_rules.cli import main

from support import EXAMPLES
from support import MAPPA

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_assess_text_is_marked_and_cites_clauses(name) -> None:
    result = CliRunner().invoke(main, ["assess", str(EXAMPLES / name)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE" and lines[-1] == "OFFICIAL-SENSITIVE"
    assert "does not replace, professional judgement" in result.output
    assert "CLAUSES CITED" in result.output


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_assess_json_has_the_stable_shape(name) -> None:
    result = CliRunner().invoke(main, ["assess", str(EXAMPLES / name), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"case_id", "kind", "status", "outcomes", "fired", "unmet", "missing_facts", "ambiguities", "ruleset"} <= set(data)
    assert data["status"] in {"decided", "ambiguous", "undetermined"}
    assert set(data["ruleset"]) >= {"version", "sha256"}
    for entry in data["fired"]:
        assert {"rule", "cites", "because", "facts"} <= set(entry) and entry["cites"]
    for entry in data["unmet"]:
        assert {"rule", "cites", "unmet"} <= set(entry) and entry["unmet"]


def test_assess_reads_standard_input() -> None:
    text = (EXAMPLES / "cat2-violent-12-months.yaml").read_text()
    result = CliRunner().invoke(main, ["assess", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcomes"]["category"] == 2


def test_rules_lists_ids_titles_and_cites(book) -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == len(book.rules)
    assert "CAT-2a" in result.output and "[CAT-2a, CAT-THRESH, CAT-2-END]" in result.output
    rows = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)
    assert {r["id"] for r in rows} == {r.id for r in book.rules}


def test_schema_describes_a_case_file() -> None:
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.output)
    facts = schema["$defs"]["Facts"]["properties"]
    assert "custody_months" in facts and schema["additionalProperties"] is False
    assert schema["$defs"]["Facts"]["additionalProperties"] is False


def test_version_and_help_on_every_command() -> None:
    assert __version__ in CliRunner().invoke(main, ["--version"]).output
    for command in ([], ["assess"], ["rules"], ["schema"]):
        result = CliRunner().invoke(main, [*command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_the_installed_console_script_and_module_run() -> None:
    for argv in ([MAPPA], [sys.executable, "-m", "mappa_rules"]):
        done = subprocess.run([*argv, "assess", str(EXAMPLES / "cat1-registered-sex-offender.yaml"), "--format", "json"],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["outcomes"]["category"] == 1


def test_the_installed_tool_runs_outside_the_checkout(tmp_path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text((EXAMPLES / "cat3-other-dangerous-offender.yaml").read_text())
    done = subprocess.run([MAPPA, "assess", "case.yaml", "--format", "json"], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcomes"]["category"] == 3


def test_a_bad_case_exits_2_without_a_traceback_in_a_real_process(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("facts: {custody_months: many}")
    done = subprocess.run([MAPPA, "assess", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr


def test_start_convention_is_a_setting_the_report_names(tmp_path) -> None:
    case = tmp_path / "referral.yaml"
    text = (EXAMPLES / "referral-decision-across-christmas.yaml").read_text()
    case.write_text(text.replace("referral_received_date: 2026-12-18", "referral_received_date: 2026-10-24")
                    .replace("decision_date: 2027-01-06", "decision_date: null"))
    default = CliRunner().invoke(main, ["assess", str(case)])
    moved = CliRunner().invoke(main, ["assess", str(case), "--start-convention", "next_working_day"])
    assert default.exit_code == moved.exit_code == 0, default.output + moved.output
    assert "Fri 6 Nov 2026" in default.output and "on a non-working day is not moved: count the working days" in default.output
    assert "Mon 9 Nov 2026" in moved.output and "on a non-working day is treated as the next working day" in moved.output
    bad = CliRunner().invoke(main, ["assess", str(case), "--start-convention", "sometimes"])
    assert bad.exit_code == 2 and "Invalid value for '--start-convention'" in bad.output
