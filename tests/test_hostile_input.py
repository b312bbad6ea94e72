"""Hostile and faulty input: one clear line and exit 2 for a single file; in a batch, that row's error and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.cli import main

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
CORPUS = sorted(HOSTILE.iterdir())


def _generated(tmp_path: Path) -> list[Path]:
    """Inputs too large to keep in the repository, or not files: a 3 MB string, a 5 MB file, a 1 MB case
    reference, a folder, a path that is not there, an endless device."""
    big = tmp_path / "big-string.yaml"
    big.write_text("facts:\n  area: " + "x" * 3_000_000 + "\n")
    oversize = tmp_path / "oversize.yaml"
    oversize.write_text("# padding\n" * 500_000 + "facts: {}\n")
    long_id = tmp_path / "long-case-id.json"
    long_id.write_text(json.dumps({"case_id": "A" * 1_000_000, "facts": {}}))
    folder = tmp_path / "a-folder"
    folder.mkdir()
    return [big, oversize, long_id, folder, tmp_path / "not-there.yaml", Path("/dev/zero")]


@pytest.mark.parametrize("name", [p.name for p in CORPUS])
def test_every_hostile_file_is_one_short_error_line_and_exit_2(tmp_path: Path, name: str) -> None:
    _refused(tmp_path, HOSTILE / name)


def test_generated_hostile_inputs_are_refused_the_same_way(tmp_path: Path) -> None:
    for path in _generated(tmp_path):
        _refused(tmp_path, path)


def _refused(tmp_path: Path, path: Path) -> None:
    output = tmp_path / "report.txt"
    result = CliRunner().invoke(main, ["assess", str(path), "--format", "json", "-o", str(output)])
    assert result.exit_code == 2, (path.name, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 300 and lines[0].startswith("mappa: error: "), (path.name, lines)
    error = json.loads(result.stdout)
    assert set(error) == {"error", "field", "cites"}
    assert not output.exists()


def test_a_batch_keeps_every_row_whatever_breaks_one(tmp_path: Path) -> None:
    """Bad dates, another encoding, deep nesting, huge text: each its row's error; BOM and blank lines are fine."""
    good = json.dumps({"case_id": "G", "facts": {"subject_to_notification_requirements": True}}).encode()
    rows = [
        good,
        b"",
        json.dumps({"case_id": "D", "kind": "referral", "facts": {"referral_received_date": "9999-12-25"}}).encode(),
        b'{"case_id": "L", "area": "Telf\xf6rd", "facts": {}}',
        b"[" * 3000 + b"]" * 3000,
        json.dumps({"case_id": "X", "facts": {"area": "y" * 5000}}).encode(),
        good,
    ]
    load = tmp_path / "load.jsonl"
    load.write_bytes(b"\xef\xbb\xbf" + b"\n".join(rows) + b"\n")
    before = load.read_bytes()
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(load), "-o", str(out)])
    assert result.exit_code == 0, result.output
    results = [json.loads(line) for line in out.read_text().splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [r["case_id"] for r in results] == ["G", "G"]
    assert [e["source"] for e in errors] == ["load.jsonl:3", "load.jsonl:4", "load.jsonl:5", "load.jsonl:6"]
    assert errors[0]["field"] == "facts.referral_received_date"
    assert "not UTF-8" in errors[1]["error"] and "nested too deeply" in errors[2]["error"]
    assert all(len(e["error"]) < 300 for e in errors)
    assert load.read_bytes() == before


def test_a_csv_saved_by_excel_reads_its_first_column(tmp_path: Path) -> None:
    load = tmp_path / "load.csv"
    load.write_bytes(b"\xef\xbb\xbfcase_id,subject_to_notification_requirements,area\r\n"
                     b"C1,true,Merseyside\r\nC2,true,Telf\xf6rd\r\nC3,true,Liverpool\r\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(load), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["case_id"] for line in out.read_text().splitlines()] == ["C1", "C3"]
    [error] = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert error["source"] == "load.csv:3" and "not UTF-8" in error["error"]


@pytest.mark.parametrize("arguments", [
    ["-o", "{load}"],
    ["-o", "{dir}/out.jsonl", "--errors", "{load}"],
    ["-o", "{dir}/same.jsonl", "--errors", "{dir}/same.jsonl"],
    ["-o", "{dir}/missing/out.jsonl"],
    ["-o", "{dir}/out.jsonl", "--summary", "{dir}/summary.pdf"],
])
def test_batch_refuses_outputs_it_cannot_or_must_not_write_before_reading_anything(tmp_path: Path, arguments) -> None:
    load = tmp_path / "load.jsonl"
    load.write_text(json.dumps({"case_id": "G", "facts": {}}) + "\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    filled = [a.format(load=load, dir=tmp_path) for a in arguments]
    result = CliRunner().invoke(main, ["batch", str(load), *filled])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert load.read_text() == json.dumps({"case_id": "G", "facts": {}}) + "\n"


def test_assess_never_writes_its_report_over_the_case(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text("facts:\n  subject_to_notification_requirements: true\n")
    link = tmp_path / "link.yaml"
    link.hardlink_to(case)
    for output in (case, link):
        result = CliRunner().invoke(main, ["assess", str(case), "-o", str(output)])
        assert result.exit_code == 2 and "is the same file as the input" in result.stderr
    assert case.read_text() == "facts:\n  subject_to_notification_requirements: true\n"


def test_diff_never_writes_its_report_over_the_caseload(tmp_path: Path) -> None:
    load = tmp_path / "load.jsonl"
    load.write_text(json.dumps({"case_id": "G", "facts": {}}) + "\n")
    result = CliRunner().invoke(main, ["diff", str(load), "-o", str(load)])
    assert result.exit_code == 2 and "is the same file as the input" in result.stderr
    assert load.read_text() == json.dumps({"case_id": "G", "facts": {}}) + "\n"


@pytest.mark.parametrize("arguments", [
    ["batch", "{dir}/not-there.jsonl", "-o", "{dir}/out.jsonl"],
    ["interview", "{dir}"],
    ["assess"],
    ["assess", "{dir}/a.yaml", "{dir}/b.yaml"],
    ["diff", "{dir}/not-there.jsonl"],
])
def test_a_usage_mistake_is_one_line_too(tmp_path: Path, arguments: list[str]) -> None:
    result = CliRunner().invoke(main, [a.format(dir=tmp_path) for a in arguments])
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("mappa: error: ") and len(line) < 300 and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
