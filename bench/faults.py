"""Fault injection: batches stopped at random points by SIGINT, SIGTERM or SIGKILL, then resumed.

Over a mixed caseload (valid cases and bad rows of every kind: malformed, another encoding, deep
nesting, huge text, dates out of range, unknown facts), each run starts `mappa batch` with
`--jobs 1` or `--jobs 2`, sends one signal at a random moment, checks the exit (0 if it finished
first; 130, 143 or -9 otherwise), that nothing was printed as a traceback and no process was left
behind, then resumes until done and checks that every input row is exactly once in the results or
the errors, byte for byte as an uninterrupted run gives them. Prints the counts; exit 1 on any failure.

    python bench/faults.py [--runs 100] [--cases 1500] [--seed 3] [--record]

With `--record` every run also records into its own decision record (SQLite), and each is checked
after the resume: every result line recorded exactly once, and `mappa log verify` passes. (A batch
records 5,000 rows a transaction, so give it `--cases` well above that.)
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAPPA = [sys.executable, "-m", "mappa_rules"]
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}
STOPPED = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}


def caseload(folder: Path, cases: int, seed: int) -> Path:
    """Generated cases with a bad row of each kind every 50 rows."""
    generated = folder / "generated.jsonl"
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(cases), str(generated), "--seed", str(seed)], check=True)
    bad = [b'{"case_id": "M", "facts": {', b'{"case_id": "E", "area": "Telf\xf6rd", "facts": {}}', b"[" * 3000 + b"]" * 3000,
           json.dumps({"case_id": "T", "facts": {"area": "x" * 5000}}).encode(),
           json.dumps({"case_id": "D", "kind": "referral", "facts": {"referral_received_date": "9999-12-25"}}).encode(),
           json.dumps({"case_id": "U", "facts": {"no_such_fact": True}}).encode()]
    lines = generated.read_bytes().splitlines()
    mixed = []
    for number, line in enumerate(lines):
        mixed.append(line)
        if number % 50 == 25:
            mixed.append(bad[(number // 50) % len(bad)])
    path = folder / "caseload.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(mixed) + b"\n")
    return path


def children(pid: int) -> list[int]:
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return []


def one_run(load: Path, out: Path, jobs: int, signum: int, delay: float, extra: list[str]) -> tuple[int, str, list[int]]:
    process = subprocess.Popen([*MAPPA, "batch", str(load), "-o", str(out), "--jobs", str(jobs), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = out.with_name(out.name + ".progress.json")
    deadline = time.time() + 60
    while time.time() < deadline and not marker.exists() and process.poll() is None:
        time.sleep(0.005)  # the run has begun (a signal before that ends the process as for any program)
    time.sleep(delay)
    workers = children(process.pid)
    process.send_signal(signum)
    _, err = process.communicate(timeout=300)
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.05)
    return process.returncode, err, [w for w in workers if Path(f"/proc/{w}").exists()]


def resume(load: Path, out: Path, jobs: int, extra: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*MAPPA, "batch", str(load), "-o", str(out), "--jobs", str(jobs), "--resume", *extra],
                          capture_output=True, text=True, timeout=600)


def recorded_once(db: Path, results: bytes) -> str | None:
    """Why the decision record of a run is wrong, if it is: every result line once, and a chain that verifies."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        kept = sorted(row[0] for row in conn.execute("SELECT result FROM records WHERE type = 'assessment'"))
    if kept != sorted(results.decode("utf-8").splitlines()):
        return f"{len(kept)} records for {results.count(bytes([10]))} results, or not the same lines"
    check = subprocess.run([*MAPPA, "log", "verify", "--db", str(db)], capture_output=True, text=True)
    return None if check.returncode == 0 else check.stderr.strip()[-200:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="also record each run into a decision record and check it")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        load = caseload(folder, args.cases, args.seed)
        expected_out = folder / "expected.jsonl"
        started = time.perf_counter()
        subprocess.run([*MAPPA, "batch", str(load), "-o", str(expected_out)], check=True, capture_output=True)
        full = time.perf_counter() - started
        expected = (expected_out.read_bytes(), folder.joinpath("expected.errors.jsonl").read_bytes())
        rows = sum(1 for line in load.read_bytes().splitlines() if line.strip())
        for run in range(args.runs):
            jobs = rng.choice([1, 2])
            signame = rng.choice(sorted(SIGNALS))
            signum = SIGNALS[signame]
            out = folder / f"run{run}.jsonl"
            extra = ["--record", "--by", "faults", "--db", str(folder / f"run{run}.sqlite3")] if args.record else []
            code, err, orphans = one_run(load, out, jobs, signum, rng.uniform(0, full * 0.8), extra)
            counts[f"{signame} --jobs {jobs}"] += 1
            what = f"run {run} ({signame}, --jobs {jobs})"
            if code not in (0, STOPPED[signum]):
                failures.append(f"{what}: exit {code}: {err.strip()[-200:]}")
            if "Traceback" in err:
                failures.append(f"{what}: a traceback: {err.strip()[-200:]}")
            if orphans:
                failures.append(f"{what}: workers left running: {orphans}")
                for pid in orphans:
                    os.kill(pid, signal.SIGKILL)
            counts["finished before the signal" if code == 0 else "stopped"] += 1
            if code != 0:
                done = resume(load, out, jobs, extra)
                if done.returncode != 0:
                    failures.append(f"{what}: resume exit {done.returncode}: {done.stderr.strip()[-200:]}")
                    continue
            got = (out.read_bytes(), out.with_name(out.stem + ".errors.jsonl").read_bytes())
            if got != expected:
                failures.append(f"{what}: results differ from an uninterrupted run")
            lines = got[0].count(b"\n") + got[1].count(b"\n")
            if lines != rows:
                failures.append(f"{what}: {lines} rows written for {rows} read")
            wrong = recorded_once(folder / f"run{run}.sqlite3", got[0]) if args.record else None
            if wrong:
                failures.append(f"{what}: decision record: {wrong}")
            for path in folder.glob(f"run{run}*"):
                path.unlink()
    print(f"{args.runs} runs over {rows} rows ({args.cases} cases and bad rows of six kinds):")
    for key, value in sorted(counts.items()):
        print(f"  {key}: {value}")
    print(f"  failures: {len(failures)}")
    for failure in failures:
        print(f"    {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
