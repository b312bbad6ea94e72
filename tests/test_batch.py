"""`mappa batch`: every row ends in results or errors, in order, in parallel, and interruptions lose nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mappa_rules import batch as batch_module
from mappa_rules.batch import run_batch
from mappa_rules.cli import main
from mappa_rules.errors import MappaError

from support import EXAMPLES, MAPPA, generated_caseload

def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    return generated_caseload(tmp_path_factory.mktemp("caseload"), 1500, seed=3)


@pytest.fixture(scope="module")
def uninterrupted(caseload: Path, tmp_path_factory) -> tuple[bytes, bytes]:
    out = tmp_path_factory.mktemp("full") / "results.jsonl"
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes(), out.with_name("results.errors.jsonl").read_bytes()


def test_every_row_is_a_result_or_an_error_in_input_order(caseload: Path, uninterrupted, tmp_path: Path) -> None:
    results, errors = uninterrupted
    got = [json.loads(line) for line in results.decode().splitlines()]
    failed = [json.loads(line) for line in errors.decode().splitlines()]
    assert len(got) + len(failed) == 1500 and failed
    ids = [json.loads(line)["case_id"] for line in caseload.read_text().splitlines()]
    assert [r["case_id"] for r in got] == [i for i in ids if i not in {e["case_id"] for e in failed}]
    for error in failed:
        assert {"row", "source", "case_id", "field", "error", "cites"} <= set(error)
        assert error["error"] and error["row"] >= 1


def test_the_counts_line_adds_up(caseload: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(tmp_path / "r.jsonl")])
    counts = result.output.strip().splitlines()[-1]
    assert counts.startswith("read 1500:") and "= 1500)" in counts


def test_two_jobs_give_the_same_results_in_the_same_order(caseload: Path, uninterrupted, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert (out.read_bytes(), out.with_name("results.errors.jsonl").read_bytes()) == uninterrupted


def test_a_full_batch_result_is_the_object_assess_gives(tmp_path: Path) -> None:
    source = EXAMPLES / "referral-decision-across-christmas.yaml"
    (tmp_path / "in.jsonl").write_text(json.dumps(yaml.safe_load(source.read_text()), default=str) + "\n")
    CliRunner().invoke(main, ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--detail", "full"])
    single = json.loads(CliRunner().invoke(main, ["assess", str(source), "--format", "json"]).output)
    assert lines(tmp_path / "out.jsonl") == [single]


def test_csv_input_is_typed_by_the_vocabulary(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(
        "case_id,area,outcome,offence_schedule15,sentence_type,custody_months,licence_or_order_in_force,"
        "subject_to_notification_requirements,terrorism_offence_conviction,terrorist_connection_found_by_court,"
        "ra_believes_terrorism_risk,custdy\n"
        "A,Cheshire,conviction,true,immediate_custody,12,true,false,false,false,false,\n"
        "B,Cheshire,conviction,TRUE,immediate_custody,,true,false,false,false,false,\n"
        "C,Cheshire,conviction,yes,immediate_custody,12,true,false,false,false,false,\n"
        "D,Cheshire,conviction,true,immediate_custody,12,true,false,false,false,false,7\n")
    CliRunner().invoke(main, ["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.jsonl")])
    got = {r["case_id"]: r for r in lines(tmp_path / "out.jsonl")}
    assert got["A"]["outcomes"]["category"] == 2 and got["A"]["supplied"]["custody_months"] == 12
    assert got["B"]["status"] == "undetermined" and "custody_months" in [m["fact"] for m in got["B"]["missing_facts"]]
    errors = {e["case_id"]: e for e in lines(tmp_path / "out.errors.jsonl")}
    assert all(e["marking"] == "OFFICIAL-SENSITIVE" for e in errors.values())  # they name cases: marked like the results
    assert errors["C"]["field"] == "facts.offence_schedule15" and errors["C"]["row"] == 3
    assert "unknown fact" in errors["D"]["error"]


def test_a_folder_of_case_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(EXAMPLES), "-o", str(tmp_path / "out.jsonl"), "--summary",
                                       str(tmp_path / "summary.html")])
    assert result.exit_code == 0, result.output
    assert len(lines(tmp_path / "out.jsonl")) == len(list(EXAMPLES.iterdir()))
    summary = (tmp_path / "summary.html").read_text()
    assert "MAPPA caseload summary" in summary and summary.count("OFFICIAL-SENSITIVE") >= 2


def test_in_a_folder_every_entry_is_a_row_and_the_run_s_own_files_are_not(tmp_path: Path) -> None:
    """Nothing in a folder is passed over in silence: another kind of file, a folder, a file that cannot
    be read are errors naming it; results written into the folder are not read back as cases."""
    folder = tmp_path / "caseload"
    (folder / "team-b").mkdir(parents=True)
    (folder / "a.yaml").write_text((EXAMPLES / "cat2-violent-12-months.yaml").read_text())
    (folder / "team-b" / "b.yaml").write_text((EXAMPLES / "cat4-discretionary.yaml").read_text())
    (folder / "c.yaml.txt").write_text("kind: case\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")  # a system's hidden file: not a row
    (folder / "d.yaml").write_text("? [a]\n: 1\n")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(folder / "out.jsonl")])  # written into the folder
    assert result.exit_code == 0 and "read 4: 1 decided" in result.output, result.output
    errors = {e["source"]: e["error"] for e in lines(folder / "out.errors.jsonl")}
    assert set(errors) == {"c.yaml.txt", "d.yaml", "team-b"}
    assert "not a case file" in errors["c.yaml.txt"] and "a key must be a name" in errors["d.yaml"]
    assert "a folder" in errors["team-b"]
    resumed = CliRunner().invoke(main, ["batch", str(folder), "-o", str(folder / "out.jsonl"), "--resume"])
    assert resumed.exit_code == 0, resumed.output  # its own files, grown since it began, do not make it another input


def test_a_csv_header_s_unnamed_trailing_columns_hold_no_fact(tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text("case_id,outcome,offence_schedule15,,\nT1,conviction,true,,\n")
    result = CliRunner().invoke(main, ["batch", str(path), "-o", str(tmp_path / "t.jsonl")])
    assert result.exit_code == 0 and "results 1 + errors 0" in result.output, result.output


def test_a_csv_column_named_twice_or_a_short_row_is_refused_not_guessed(tmp_path: Path) -> None:
    """The last of two custody_months columns used to win without a word (24 months read as 6)."""
    twice = tmp_path / "twice.csv"
    twice.write_text("case_id,offence_schedule15,outcome,sentence_type,custody_months,licence_or_order_in_force,custody_months\n"
                     "D1,true,conviction,immediate_custody,24,true,6\nD2,true,conviction,immediate_custody,24,true,24\n")
    short = tmp_path / "short.csv"
    short.write_text("case_id,outcome,offence_schedule15,sentence_type\nC7,conviction,true\nC8,conviction,true,immediate_custody\n")
    for path, results, says in [(twice, 0, "names the column 'custody_months' twice (columns 5 and 7)"),
                                (short, 1, "fewer cells (3) than the 4 columns")]:
        out = tmp_path / f"{path.stem}.jsonl"
        result = CliRunner().invoke(main, ["batch", str(path), "-o", str(out)])
        assert result.exit_code == 0 and len(lines(out)) == results, result.output
        errors = lines(tmp_path / f"{path.stem}.errors.jsonl")
        assert errors and all(says in e["error"] for e in errors) and len(errors) + results == 2


def test_resume_without_a_previous_run_is_refused(caseload: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(tmp_path / "none.jsonl"), "--resume"])
    assert result.exit_code == 1 and "nothing to resume" in result.output
    assert not (tmp_path / "none.jsonl").exists(), "a refused resume leaves no empty results file behind"


def _start_and_stop(caseload: Path, out: Path, how: str, jobs: int = 1) -> subprocess.CompletedProcess | int:
    process = subprocess.Popen([MAPPA, "batch", str(caseload), "-o", str(out), "--jobs", str(jobs)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = out.with_name(out.name + ".progress.json")
    deadline = time.time() + 60
    while time.time() < deadline:
        if marker.is_file() and json.loads(marker.read_text() or '{"rows_done": 0}')["rows_done"] >= 400:
            break
        time.sleep(0.01)
    if how == "worker":
        children = [int(c) for task in Path(f"/proc/{process.pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
        os.kill(children[0], signal.SIGKILL)
    else:
        process.send_signal({"interrupt": signal.SIGINT, "terminate": signal.SIGTERM}.get(how, signal.SIGKILL))
    _, err = process.communicate(timeout=60)
    return process.returncode, err


@pytest.mark.parametrize(("how", "jobs", "code", "words"), [
    ("interrupt", 1, 130, "valid up to there: rerun with --resume"),
    ("interrupt", 2, 130, "valid up to there: rerun with --resume"),
    ("terminate", 1, 143, "SIGTERM: stopped after"),
    ("terminate", 2, 143, "SIGTERM: stopped after"),
    ("kill", 1, -9, ""),
    ("worker", 2, 1, "a worker process died"),
])
def test_an_interrupted_run_loses_nothing_and_resumes_without_duplicates(caseload, uninterrupted, tmp_path, how, jobs, code, words) -> None:
    out = tmp_path / "results.jsonl"
    returncode, err = _start_and_stop(caseload, out, how, jobs)
    assert returncode == code, err
    assert words in err
    assert "Traceback" not in err
    progress = json.loads(out.with_name("results.jsonl.progress.json").read_text())
    assert 0 < progress["rows_done"] < 1500
    valid = out.read_bytes()[: progress["results_bytes"]].decode().splitlines()
    assert all(json.loads(line) for line in valid)  # valid JSON Lines up to the recorded point
    result = CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out), "--jobs", str(jobs), "--resume"])
    assert result.exit_code == 0, result.output
    assert (out.read_bytes(), out.with_name("results.errors.jsonl").read_bytes()) == uninterrupted
    assert "read 1500:" in result.output


def test_workers_die_with_their_parent_even_when_it_is_killed(caseload: Path, tmp_path: Path) -> None:
    """Killed outright, the parent of --jobs 2 leaves no worker behind holding its output open."""
    out = tmp_path / "results.jsonl"
    process = subprocess.Popen([MAPPA, "batch", str(caseload), "-o", str(out), "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = out.with_name(out.name + ".progress.json")
    deadline = time.time() + 60
    while time.time() < deadline and not (marker.is_file() and json.loads(marker.read_text() or '{"rows_done": 0}')["rows_done"]):
        time.sleep(0.01)
    workers = [int(c) for task in Path(f"/proc/{process.pid}/task").iterdir() for c in (task / "children").read_text().split()]
    assert workers
    process.kill()
    process.communicate(timeout=60)  # returns only once no process holds the pipes open
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_resuming_with_another_input_is_refused_and_names_what_differs(caseload: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    assert CliRunner().invoke(main, ["batch", str(caseload), "-o", str(out)]).exit_code == 0
    other = tmp_path / "other.jsonl"
    other.write_text(caseload.read_text().replace('"case_id": "', '"case_id": "B-', 1))
    before = out.read_bytes()
    result = CliRunner().invoke(main, ["batch", str(other), "-o", str(out), "--resume"])
    assert result.exit_code == 2 and "cannot resume: the input file is not the one the run started on" in result.stderr
    assert out.read_bytes() == before


def test_a_second_run_writing_the_same_results_fails_at_once(caseload: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    first = subprocess.Popen([MAPPA, "batch", str(caseload), "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = out.with_name(out.name + ".progress.json")
    deadline = time.time() + 60
    while time.time() < deadline and not marker.is_file():
        time.sleep(0.01)
    second = subprocess.run([MAPPA, "batch", str(caseload), "-o", str(out)], capture_output=True, text=True, timeout=60)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == 2 and "another mappa batch is writing it" in second.stderr
    assert len(out.read_text().splitlines()) + len(out.with_name("results.errors.jsonl").read_text().splitlines()) == 1500


def test_fault_injection_in_short_form_loses_nothing_and_leaves_nothing_running() -> None:
    """bench/faults.py, short: random SIGINT / SIGTERM / SIGKILL to --jobs 1 and 2 batches over bad rows, then resumed."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("faults", Path(__file__).parent.parent / "bench" / "faults.py")
    faults = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(faults)
    assert faults.main(["--runs", "4", "--cases", "400", "--seed", "5"]) == 0


def _die_while_sending_a_result(rows: list) -> list:
    """A worker killed half-way through sending its result: it holds the result pipe's lock and has
    written a message's length and a little of it (what SIGKILL at the wrong moment leaves)."""
    import inspect
    import struct

    if rows[0].number < 401:  # the first chunks are answered: the run is under way
        return batch_module._evaluate_chunk_for_real(rows)
    results = next(f.frame.f_locals["result_queue"] for f in inspect.stack() if "result_queue" in f.frame.f_locals)
    results._wlock.acquire()
    os.write(results._writer.fileno(), struct.pack("!i", 1_000_000) + b"x" * 100)
    os._exit(1)


def test_a_worker_killed_while_sending_its_result_stops_the_run_instead_of_hanging(caseload: Path, tmp_path: Path, monkeypatch) -> None:
    """CPython's pool would wait for the rest of that message for ever (seen once in CI); the run
    watches its workers, so it stops with the one-line error and resumes to the uninterrupted results."""
    import threading

    _die_while_sending_a_result.__module__, _die_while_sending_a_result.__qualname__ = "mappa_rules.batch", "_evaluate_chunk"
    monkeypatch.setattr(batch_module, "_evaluate_chunk_for_real", batch_module._evaluate_chunk, raising=False)
    monkeypatch.setattr(batch_module, "_evaluate_chunk", _die_while_sending_a_result)
    out = tmp_path / "results.jsonl"
    outcome: list = []
    runner = threading.Thread(target=lambda: outcome.append(_run_catching(caseload, out)), daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive(), "the run hung after its worker died"
    assert isinstance(outcome[0], MappaError) and "a worker process died" in str(outcome[0])


def _run_catching(caseload: Path, out: Path) -> object:
    try:
        return run_batch(caseload, out, out.with_name("errors.jsonl"), jobs=2)
    except MappaError as exc:
        return exc
