"""`mappa diff`: a caseload under two rulesets; the changes known in advance are found and explained."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mappa_rules.cli import main
from mappa_rules.diff import diff_caseload

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


def test_the_same_rulesets_change_nothing(tmp_path: Path) -> None:
    caseload = tmp_path / "c.jsonl"
    subprocess.run([sys.executable, str(GENERATE), "300", str(caseload)], check=True)
    diff = diff_caseload(caseload, None, None)
    assert (diff["read"], diff["changed"]) == (300, 0)


def test_a_lowered_threshold_moves_only_eleven_month_cases_each_because_cat_2a_now_fires(draft: Path, tmp_path: Path) -> None:
    caseload = tmp_path / "c.jsonl"
    subprocess.run([sys.executable, str(GENERATE), "1500", str(caseload), "--seed", "11"], check=True)
    path = draft / "categories.yaml"
    path.write_text(path.read_text().replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 11}", 1))
    diff = diff_caseload(caseload, None, draft, jobs=2)
    assert diff["changed"] > 0 and diff["base"]["sha256"] != diff["head"]["sha256"]
    rows = [json.loads(line) for line in caseload.read_text().splitlines()]
    for case in diff["cases"]:
        facts = rows[case["row"] - 1]["facts"]
        assert facts.get("sentence_type") == "immediate_custody" and 11 <= facts.get("custody_months", 0) < 12
        assert "CAT-2a" in case["fired_only_after"]
        assert case["after"].get("category") in (2, "open: 1 or 2") or case["after"]["status"] != case["before"]["status"]
    assert diff["transitions"].get("Category none (not eligible) → 2", 0) >= 1


def test_diff_reports_in_every_format(draft: Path, tmp_path: Path) -> None:
    caseload = tmp_path / "c.jsonl"
    subprocess.run([sys.executable, str(GENERATE), "400", str(caseload), "--seed", "11"], check=True)
    path = draft / "categories.yaml"
    path.write_text(path.read_text().replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 11}", 1))
    for fmt in ("text", "md", "html", "json"):
        out = tmp_path / f"diff.{fmt}"
        result = CliRunner().invoke(main, ["diff", str(caseload), "--head", str(draft), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text()
        if fmt == "json":
            assert json.loads(text)["changed"] >= 1
        else:
            assert text.count("OFFICIAL-SENSITIVE") >= 2 and "CAT-2a" in text and "Category none (not eligible) → 2" in text


def test_rows_that_cannot_be_assessed_are_counted_as_such_and_no_change_reads_x_to_x(draft: Path, tmp_path: Path) -> None:
    caseload = tmp_path / "c.jsonl"
    subprocess.run([sys.executable, str(GENERATE), "400", str(caseload), "--seed", "11"], check=True)
    with caseload.open("a") as rows:
        rows.write('{"case_id": "BAD", "facts": {"custody_months": -1}}\nnot json\n')
    path = draft / "categories.yaml"
    path.write_text(path.read_text().replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 11}", 1))
    diff = diff_caseload(caseload, None, draft)
    assert diff["invalid"] >= 2 and diff["read"] == 402 == diff["changed"] + diff["unchanged"] + diff["invalid"]
    for change in diff["transitions"]:
        before, _, after = change.partition(" → ")
        assert after and before.split(" ", 1)[1] != after, change


def test_a_diff_names_values_and_rows_in_words_not_python(tmp_path: Path) -> None:
    """Between the three-category ruleset and today's, provisional answers once read 'None (provisional)'
    and 'False (provisional)', under a row labelled 'status'."""
    root = Path(__file__).resolve().parent.parent
    for fmt in ("text", "md", "html"):
        out = tmp_path / f"diff.{fmt}"
        result = CliRunner().invoke(main, ["diff", str(root / "examples"), "--base", str(root / "rulesets" / "versions" / "three-categories"),
                                           "--head", str(root / "rulesets"), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text()
        assert "Category none (provisional) → 4" in text and "Status" in text
        assert not any(word in text for word in ("None", "False", "True", "| status |", "  status  ")), fmt
