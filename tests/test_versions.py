"""Ruleset versions by date: the three-category scheme before Category 4, the open question about when it changed."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.cli import main
from mappa_rules.diff import diff_caseload
from mappa_rules.errors import RulesetError
from mappa_rules.loader import load_library, shipped_rulesets_dir

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"
TERRORISM = {"kind": "case", "case_id": "T", "facts": {
    "outcome": "conviction", "offence_type": "terrorism", "offence_schedule15": False, "sentence_type": "immediate_custody",
    "custody_months": 36, "terrorism_offence_conviction": True, "terrorist_connection_found_by_court": False,
    "ra_believes_terrorism_risk": True, "identified_by_ct": True, "subject_to_notification_requirements": False,
    "disqualification_order": False, "offence_indicates_serious_harm_capacity": True,
    "requires_level2_or_3_management": True, "rosh_level": "high", "formal_meetings_add_value": True,
    "senior_oversight_required": False}}


def assess_dated(tmp_path: Path, as_of: str | None) -> dict:
    data = dict(TERRORISM, **({"as_of": as_of} if as_of else {}))
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_version_in_force_on_the_date_is_used() -> None:
    library = load_library()
    assert [b.version for b in library.versions] == ["2026.11-1-three-categories", "2026.11-1"]
    assert library.for_date(dt.date(2019, 6, 1)).version == "2026.11-1-three-categories"
    assert library.for_date(dt.date(2022, 1, 1)).version == "2026.11-1"
    assert library.for_date(None) is library.current


def test_a_terrorism_case_before_category_4_is_evaluated_under_three_categories(tmp_path: Path) -> None:
    before = assess_dated(tmp_path, "2019-06-01")
    assert before["ruleset"]["version"] == "2026.11-1-three-categories" and before["ruleset"]["effective_to"] == "2022-01-01"
    assert before["outcomes"]["category"] == 3 and "category4_kind" not in before["outcomes"]
    assert "CAT-PREC.before-category-4" in [f["rule"] for f in before["fired"]]
    after = assess_dated(tmp_path, "2026-11-23")
    assert after["ruleset"]["version"] == "2026.11-1"
    # Category 3 is residual to Category 4 (policy decision 2): Category 4, not "open between 3 and 4"
    assert (after["outcomes"]["category"], after["outcomes"]["category4_kind"]) == (4, "automatic")
    assert after["ambiguities"] == []


@pytest.mark.parametrize(("as_of", "open_question"), [("2019-06-01", True), ("2023-06-01", True), ("2017-01-01", False),
                                                       ("2025-01-01", False), (None, False)])
def test_results_that_depend_on_the_open_date_say_so(tmp_path: Path, as_of, open_question) -> None:
    result = assess_dated(tmp_path, as_of)
    assert ("open_questions" in result) is open_question
    if open_question:
        assert "The date Category 4 took effect is not given by the sources" in result["open_questions"][0]


def test_versions_that_overlap_are_refused(draft: Path) -> None:
    index = draft / "versions" / "three-categories" / "index.yaml"
    index.write_text(index.read_text().replace("effective_to: 2022-01-01", "effective_to: 2023-01-01"))
    with pytest.raises(RulesetError, match="starts 2022-01-01 while version 2026.11-1-three-categories is still in force"):
        load_library(draft)


def test_batch_picks_the_version_by_each_cases_date(tmp_path: Path) -> None:
    rows = [dict(TERRORISM, case_id="OLD", as_of="2019-06-01"), dict(TERRORISM, case_id="NEW", as_of="2026-06-01")]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    CliRunner().invoke(main, ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")])
    got = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["ruleset"]["version"] for r in got] == ["2026.11-1-three-categories", "2026.11-1"]


def test_diff_between_the_three_and_four_category_versions_names_the_terrorism_cases(tmp_path: Path) -> None:
    caseload = tmp_path / "c.jsonl"
    subprocess.run([sys.executable, str(GENERATE), "1500", str(caseload), "--seed", "5"], check=True)
    old = shipped_rulesets_dir() / "versions" / "three-categories"
    diff = diff_caseload(caseload, old, shipped_rulesets_dir(), jobs=2)
    moved = [c for c in diff["cases"] if c["after"].get("category") == 4]
    assert moved and diff["transitions"]["Category none (not eligible) → 4"] == len([c for c in moved if c["before"].get("category", "open") is None])
    rows = [json.loads(line) for line in caseload.read_text().splitlines()]
    for case in moved:
        facts = rows[case["row"] - 1]["facts"]
        assert facts.get("terrorism_offence_conviction") or facts.get("ra_believes_terrorism_risk")
        assert {"CAT-4a", "CAT-4b"} & set(case["fired_only_after"])
        assert "CAT-PREC.before-category-4" in case["fired_only_before"]


def test_lint_is_clean_on_every_shipped_version() -> None:
    from mappa_rules.lint import lint

    assert lint(shipped_rulesets_dir() / "versions" / "three-categories") == []
