"""Benchmark `mappa batch` against a plain-Python floor measured in the same run.

    python bench/run.py            # 10,000 and 100,000 cases, --jobs 1 and 2 (a few minutes)
    python bench/run.py --quick    # 2,000 cases only

For each size and job count: wall time, cases per second, peak memory of the whole process tree
(the batch command and its workers, sampled every 20 ms), and the ratio to the floor. The floor
makes the same category, level and risk decisions in plain Python, with no rationale, no
validation and no output. Also times single-case `mappa assess` from process start to exit.
Columns: cases per second, microseconds of one core per case (wall x jobs / cases), peak memory,
bytes written per case (compact results, errors and the rules catalogue), and the ratio to the
floor, which reads the same caseload and writes a decision line per case in plain Python; the note
says how many results came from an identical earlier row. The largest size runs again with
`--detail full` and on a caseload where no two custodial terms are alike (`generate.py
--distinct`), where remembering cannot help those cases. Issue 15's targets on 2 cores: 100,000
cases with full rationale in 10 s with --jobs 2, peak memory under 300 MB, under 3 KB a case,
single assess under 0.2 s median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAPPA = shutil.which("mappa") or str(Path(sys.executable).with_name("mappa"))
IMPORTS = "import pydantic; from pydantic import BaseModel, create_model; import click, yaml, durable.engine, jinja2"


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError, StopIteration, PermissionError):
            continue
    return total / 1024


def timed(command: list[str]) -> tuple[float, float, str]:
    """Run a command; return wall seconds, peak tree RSS (MB) and its standard output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_mb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {err.strip()}")
    return elapsed, peak[0], out


def floor_decisions(path: Path, out: Path) -> float:
    """Seconds for plain Python to read the caseload, make the category, level and risk decisions (no
    rationale, no validation) and write one decision line per case: the same files the batch reads
    and writes."""
    start = time.perf_counter()
    with path.open(encoding="utf-8") as rows, out.open("w", encoding="utf-8") as written:
        for line in rows:
            data = json.loads(line)
            f = data["facts"]
            cat1 = f.get("subject_to_notification_requirements") is True
            months = f.get("custody_months")
            custodial = f.get("sentence_type") in ("immediate_custody", "suspended_sentence", "dto") and isinstance(months, (int, float)) and months >= 12
            cat2 = f.get("outcome") == "conviction" and f.get("offence_schedule15") is True and f.get("licence_or_order_in_force") is True and (
                custodial or f.get("sentence_type") in ("hmp_or_life", "hospital_order", "guardianship_order"))
            cat4 = f.get("outcome") == "conviction" and (f.get("terrorism_offence_conviction") or f.get("terrorist_connection_found_by_court"))
            level2 = f.get("formal_meetings_add_value") is True and (
                f.get("rosh_level") in ("high", "very_high") or f.get("active_multiagency_involvement_required") is True)
            cat3 = not cat1 and not cat2 and level2 and f.get("offence_indicates_serious_harm_capacity") is True
            category = 1 if cat1 else 2 if cat2 else 3 if cat3 else 4 if cat4 else None
            level = 3 if level2 and f.get("senior_oversight_required") else 2 if level2 else 1
            written.write(json.dumps({"case_id": data.get("case_id"), "category": category, "level": level,
                                      "risk": f.get("rosh_level")}) + "\n")
    return time.perf_counter() - start


def row(cases: int, jobs: str, seconds: float, cores: int, peak: str, size: int, floor: float, note: str = "") -> str:
    """One line of the table: cases/s, µs of one core per case, bytes written per case, ratio to the floor."""
    per_case = seconds * cores / cases * 1e6
    return (f"{cases:>8} {jobs:>10} {seconds:>8.2f} {cases / seconds:>9.0f} {per_case:>10.1f} {peak:>8} "
            f"{size / cases:>9.0f} {seconds / floor:>8.0f}   {note}").rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cases only")
    parser.add_argument("--sizes", type=int, nargs="*", default=None)
    parser.add_argument("--starts", type=int, default=11, help="single `mappa assess` runs to time")
    args = parser.parse_args()
    sizes = args.sizes or ([2000] if args.quick else [10_000, 100_000])
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print(f"{'cases':>8} {'jobs':>10} {'seconds':>8} {'cases/s':>9} {'µs/case/core':>10} {'peak MB':>8} "
              f"{'bytes/case':>9} {'x floor':>8}")
        for size in sizes:
            for distinct in (False, True) if size == max(sizes) else (False,):
                caseload = work / f"caseload-{size}{'-distinct' if distinct else ''}.jsonl"
                subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(caseload),
                                *(["--distinct"] if distinct else [])], check=True)
                floor_out = work / "floor.jsonl"
                floor = floor_decisions(caseload, floor_out)
                label = "distinct" if distinct else ""
                print(row(size, f"floor{'-d' if distinct else ''}", floor, 1, "-", floor_out.stat().st_size, floor))
                runs = [(2, "compact")] if distinct else [(1, "compact"), (2, "compact")]
                if size == max(sizes) and not distinct:
                    runs.append((2, "full"))
                for jobs, detail in runs:
                    results = work / "results.jsonl"
                    seconds, peak, out = timed([MAPPA, "batch", str(caseload), "-o", str(results), "--jobs", str(jobs),
                                                "--detail", detail])
                    written = sum(p.stat().st_size for p in (results, results.with_name("results.errors.jsonl"),
                                                             results.with_name("results.rules.json")) if p.is_file())
                    counts = json.loads(results.with_name("results.jsonl.progress.json").read_text())["counts"]
                    assessed = counts["read"] - counts["invalid"]
                    note = (f"{counts['remembered'] / assessed:.0%} of results from an identical earlier row; "
                            f"{'all custodial terms distinct; ' if label else ''}{out.strip()}")
                    print(row(size, f"{jobs}{' distinct' if distinct else ''}{' full' if detail == 'full' else ''}", seconds,
                              jobs, f"{peak:.0f}", written, floor, note))
        example = HERE.parent / "examples" / "cat2-violent-12-months.yaml"
        timed([MAPPA, "assess", str(example)])  # fills the user's cache, as any first run does
        for fmt in ("text", "json"):
            runs = sorted(timed([MAPPA, "assess", str(example), "--format", fmt])[0] for _ in range(args.starts))
            print(f"single mappa assess --format {fmt}, process start to exit, {args.starts} runs: min {runs[0]:.2f} s, "
                  f"median {runs[len(runs) // 2]:.2f} s")
        floor_start = sorted(timed([sys.executable, "-c", IMPORTS])[0] for _ in range(args.starts))
        print(f"floor of a start: Python importing pydantic, click, yaml, durable and jinja2 alone, median "
              f"{floor_start[len(floor_start) // 2]:.2f} s")


if __name__ == "__main__":
    main()
