"""Compact batch lines: the rule and clause texts once per file, every line's full result recoverable
exactly, and identical cases answered once per run without changing a byte of the output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mappa_rules.batch import Counts, catalogue_path, run_batch
from mappa_rules.cli import main
from mappa_rules.compact import compact
from mappa_rules.explain import assess
from mappa_rules.remember import SENTINEL, Remembered

from support import EXAMPLES, generated_caseload

def batch(*args: str) -> None:
    result = CliRunner().invoke(main, ["batch", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    return generated_caseload(tmp_path_factory.mktemp("caseload"), 1200, seed=5)


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "examples.jsonl"
    documents = [yaml.safe_load(p.read_text()) for p in sorted(EXAMPLES.iterdir())]
    path.write_text("".join(json.dumps(d, default=str) + "\n" for d in documents))
    return path


@pytest.fixture(scope="module", params=["examples", "caseload"])
def both(request, tmp_path_factory) -> tuple[Path, Path]:
    """The same input run compact and full: (compact results, full results)."""
    source = request.getfixturevalue(request.param)
    folder = tmp_path_factory.mktemp(request.param)
    batch(str(source), "-o", str(folder / "compact.jsonl"))
    batch(str(source), "-o", str(folder / "full.jsonl"), "--detail", "full")
    return folder / "compact.jsonl", folder / "full.jsonl"


def test_expanding_compact_lines_gives_the_full_lines_byte_for_byte(both, tmp_path: Path) -> None:
    compact_path, full_path = both
    result = CliRunner().invoke(main, ["expand", str(compact_path), "-o", str(tmp_path / "expanded.jsonl")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "expanded.jsonl").read_bytes() == full_path.read_bytes()
    assert full_path.read_bytes().count(b"\n") > 10


def test_a_compact_line_is_the_compact_form_of_the_full_line(both) -> None:
    compact_path, full_path = both
    for short, full in zip(compact_path.read_text().splitlines(), full_path.read_text().splitlines(), strict=True):
        assert json.loads(short) == compact(json.loads(full))


def test_compact_lines_average_at_most_3_kb_and_name_only_catalogued_rules(both) -> None:
    compact_path, _ = both
    lines = compact_path.read_text().splitlines()
    assert len(compact_path.read_bytes()) / len(lines) <= 3000
    book = json.loads(catalogue_path(compact_path).read_text())
    assert book["marking"] == "OFFICIAL-SENSITIVE"
    for line in map(json.loads, lines):
        rules = book["rulesets"][line["ruleset"]["sha256"]]["rules"]
        assert line["detail"] == "compact" and line["marking"] == "OFFICIAL-SENSITIVE"
        assert {f["rule"] for f in line["fired"]} | set(line["unmet"]) <= set(rules)
        assert "citations" not in line and all("title" not in f for f in line["fired"])


def test_every_example_compacts_to_what_a_batch_writes(results: dict[str, dict], examples: Path, tmp_path: Path) -> None:
    batch(str(examples), "-o", str(tmp_path / "out.jsonl"))
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert written == [compact(results[name]) for name in sorted(results)]


def test_a_summary_reads_the_same_from_compact_and_full_lines(caseload: Path, tmp_path: Path) -> None:
    batch(str(caseload), "-o", str(tmp_path / "c.jsonl"), "--summary", str(tmp_path / "c.html"))
    batch(str(caseload), "-o", str(tmp_path / "f.jsonl"), "--detail", "full", "--summary", str(tmp_path / "f.html"))
    produced = re.compile(r"\d\d:\d\d UTC")  # the minute each was written
    assert produced.sub("", (tmp_path / "c.html").read_text()) == produced.sub("", (tmp_path / "f.html").read_text())


def test_an_edited_line_is_not_expanded_and_says_which_field(both, tmp_path: Path) -> None:
    compact_path, _ = both
    lines = [json.loads(line) for line in compact_path.read_text().splitlines()][:3]
    lines[1]["outcomes"]["eligible"] = not lines[1]["outcomes"].get("eligible")
    lines[2]["ruleset"]["sha256"] = "0" * 64
    (tmp_path / "edited.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = CliRunner().invoke(main, ["expand", str(tmp_path / "edited.jsonl"), "-o", str(tmp_path / "full.jsonl")])
    assert result.exit_code == 1 and "expanded 1 lines; 2 could not be expanded" in result.output
    errors = [json.loads(line) for line in (tmp_path / "full.errors.jsonl").read_text().splitlines()]
    assert [(e["line"], e["field"]) for e in errors] == [(2, "outcomes"), (3, "ruleset")]
    assert "changed since it was written" in errors[0]["error"] and "do not hold" in errors[1]["error"]


def test_expand_refuses_to_write_over_its_input(both) -> None:
    compact_path, _ = both
    before = compact_path.read_bytes()
    result = CliRunner().invoke(main, ["expand", str(compact_path), "-o", str(compact_path)])
    assert result.exit_code == 2 and "refusing to overwrite" in result.output
    assert compact_path.read_bytes() == before


def run(source: Path, out: Path, **options) -> tuple[bytes, bytes, Counts]:
    counts = run_batch(source, out, out.with_name(out.stem + ".errors.jsonl"), **options)
    return out.read_bytes(), out.with_name(out.stem + ".errors.jsonl").read_bytes(), counts


@pytest.mark.parametrize("detail", ["compact", "full"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_remembering_identical_cases_changes_no_byte(caseload: Path, tmp_path: Path, detail: str, jobs: int) -> None:
    *remembered, counts = run(caseload, tmp_path / "r.jsonl", detail=detail, jobs=jobs)
    *assessed, none = run(caseload, tmp_path / "a.jsonl", detail=detail, remember=False)
    assert remembered == assessed
    # the generated caseload repeats patterns: 114 of 1,200 rows with 2 jobs (4 chunks in flight before any answer), 300 with 1
    assert counts.remembered > 100 and none.remembered == 0


def test_rows_equal_but_for_a_value_type_or_the_id_are_told_apart(tmp_path: Path) -> None:
    base = yaml.safe_load((EXAMPLES / "cat2-violent-12-months.yaml").read_text())
    rows = []
    for case_id, months in [("A", 12), ("B", 12.0), ("A", 12), (SENTINEL, 12), (7, 12), (True, 12), ("C" * 65, 12), (None, 12)]:
        document = json.loads(json.dumps(base, default=str))
        document["case_id"], document["facts"]["custody_months"] = case_id, months
        rows.append(json.dumps(document) + "\n")
    (tmp_path / "in.jsonl").write_text("".join(rows))
    *remembered, counts = run(tmp_path / "in.jsonl", tmp_path / "r.jsonl")
    *assessed, _ = run(tmp_path / "in.jsonl", tmp_path / "a.jsonl", remember=False)
    assert remembered == assessed
    assert counts.remembered == 3  # the second "A", 7 and no id; 12.0 is not 12 (the line says which was given)
    assert [json.loads(line)["case_id"] for line in remembered[0].decode().splitlines()] == ["A", "B", "A", "7", None]
    assert len(remembered[1].decode().splitlines()) == 3  # the invalid ids are their rows' errors


def test_a_small_budget_forgets_the_oldest_lines_and_stays_within_it() -> None:
    kept = Remembered(budget_bytes=100)
    for number in range(10):
        kept.keep(f"key{number}", "decided", (b"{" + b"x" * 20, b"}\n"))
    assert 0 < kept.size <= 100
    assert kept.line("key0", "A") is None and kept.line("key9", "Zoë") == ("decided", b"{" + b"x" * 20 + '"Zoë"}\n'.encode(), None)


def test_compact_results_can_only_be_resumed_as_compact(caseload: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    batch(str(caseload), "-o", str(out))
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out), "--resume", "--detail", "full"])
    assert result.exit_code == 2 and "--detail differs" in result.output


def test_unworded_unmet_entries_compact_the_same(results: dict[str, dict], book) -> None:
    from mappa_rules.case import read_case

    for name, full in results.items():
        case = read_case(EXAMPLES / name, book)
        assert compact(assess(case, book, unmet_words=False)) == compact(full), name


def test_lines_compared_by_their_text_after_the_id_answer_as_parsing_would(tmp_path: Path) -> None:
    """Rows that share the text after a leading id, with ids that need unescaping, are too long, are not
    UTF-8, repeat the id key, or come after a byte-order mark: remembering changes no byte."""
    document = yaml.safe_load((EXAMPLES / "cat2-violent-12-months.yaml").read_text())
    rest = json.dumps({k: v for k, v in document.items() if k != "case_id"}, default=str)[1:]
    lines = [b'\xef\xbb\xbf{"case_id": "BOM", ' + rest.encode() + b"\n"]
    for case_id in [b"A", b"B", b"A\\u0042", b'C\\"D', b"E" * 65, b"\xff\xfe", "Zoë".encode(), b"A\tB", b"  "]:
        lines.append(b'{"case_id": "' + case_id + b'", ' + rest.encode() + b"\n")
    lines.append(b'{"case_id": "F", "case_id": "G", ' + rest.encode() + b"\n")
    lines.append(b'{"case_id": "H", ' + rest.encode()[:-1] + b', "as_of": "2026-13-01"}\n')
    (tmp_path / "in.jsonl").write_bytes(b"".join(lines))
    *remembered, counts = run(tmp_path / "in.jsonl", tmp_path / "r.jsonl")
    *assessed, _ = run(tmp_path / "in.jsonl", tmp_path / "a.jsonl", remember=False)
    assert remembered == assessed
    ids = [json.loads(line)["case_id"] for line in remembered[0].decode().splitlines()]
    assert ids == ["BOM", "A", "B", "AB", 'C"D', "Zoë", "  "]
    # B, Zoë and "  " by their text after A's; AB and C"D are parsed and match the byte-order-marked first row
    assert counts.remembered == 5


def test_a_run_from_before_compact_lines_resumes_as_full(caseload: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    batch(str(caseload), "-o", str(out), "--detail", "full")
    progress = out.with_name("r.jsonl.progress.json")
    recorded = json.loads(progress.read_text())
    del recorded["run"]["detail"]  # as progress files were written before --detail
    progress.write_text(json.dumps(recorded))
    assert CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out), "--resume"]).exit_code == 2
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out), "--resume", "--detail", "full"])
    assert result.exit_code == 0, result.output


def test_rows_assessed_across_midnight_are_all_written_and_none_remembered(caseload: Path, monkeypatch) -> None:
    import datetime as real

    from mappa_rules import batch as batch_module
    from mappa_rules.batch import Recall, Row, evaluate
    from mappa_rules.loader import load_library

    library = load_library()
    line = caseload.read_text().splitlines()[0]
    document = json.loads(line)
    rows = [Row(n, f"in:{n}", raw=(json.dumps({**document, "case_id": f"M{n}"}) + "\n").encode()) for n in range(1, 6)]
    days = iter([real.date(2026, 11, 29), real.date(2026, 11, 30)])

    class Clock:
        date = type("date", (), {"today": staticmethod(lambda: next(days))})

    monkeypatch.setattr(batch_module, "dt", Clock)
    kept = Remembered()
    recall = Recall(rows, kept)
    assert len(recall.rest) == 1 and len(recall.followers) == 4  # identical but for the id
    done = recall.merge([evaluate(row, library) for row in recall.rest], lambda row: evaluate(row, library))
    assert [d[0] for d in done] == [1, 2, 3, 4, 5] and recall.answered == 0 and kept.size == 0
