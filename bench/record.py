"""Benchmark the decision record: `mappa batch --record` against the same batch without it, in one run.

    python bench/record.py                 # 100,000 cases, --jobs 2, SQLite
    python bench/record.py --cases 10000 --db postgresql+psycopg://...   # another database

Prints the wall time of the batch without and with `--record` (into a fresh SQLite file unless
`--db` is given), the ratio, the records written, and the time of `mappa log verify` over them.
Issue 16's targets: at most +25% for recording, and verify in seconds.

Each round's record is made before the timed batch (as a user's record exists after its first use),
and the time that first use takes, making the schema, is printed apart: it is paid once, not for
every batch.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import MAPPA, timed  # noqa: E402

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--db", default=None, help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of without/with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        caseload = work / "caseload.jsonl"
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(args.cases), str(caseload)], check=True)
        plain, recorded, verified, peaks, made, cpu_plain, cpu_recorded = [], [], [], [], [], [], []
        for round_ in range(args.rounds):
            db = args.db or f"sqlite:///{work}/decisions-{round_}.sqlite3"
            start = time.perf_counter()
            subprocess.run([MAPPA, "log", "verify", "--db", db], check=True, capture_output=True)  # the record made
            made.append(time.perf_counter() - start)
            (seconds, _, _), used = cpu_of(timed, [MAPPA, "batch", str(caseload), "-o", str(work / "plain.jsonl"), "--jobs", str(args.jobs)])
            plain.append(seconds)
            cpu_plain.append(used)
            (seconds, peak, out), used = cpu_of(timed, [MAPPA, "batch", str(caseload), "-o", str(work / "recorded.jsonl"),
                                                        "--jobs", str(args.jobs), "--record", "--by", "bench", "--db", db])
            recorded.append(seconds)
            cpu_recorded.append(used)
            peaks.append(peak)
            start = time.perf_counter()
            check = subprocess.run([MAPPA, "log", "verify", "--db", db], capture_output=True, text=True)
            verified.append(time.perf_counter() - start)
            if check.returncode != 0:
                raise SystemExit(f"log verify failed: {check.stderr.strip()}")
            print(f"round {round_ + 1}: without {plain[-1]:.2f} s, with --record {recorded[-1]:.2f} s "
                  f"(x{recorded[-1] / plain[-1]:.2f}, peak {peak:.0f} MB; CPU {cpu_plain[-1]:.1f} -> {cpu_recorded[-1]:.1f} s, "
                  f"x{cpu_recorded[-1] / cpu_plain[-1]:.2f}), log verify {verified[-1]:.2f} s: {check.stdout.split(';')[0]}")
        best_plain, best_recorded = min(plain), min(recorded)
        print(f"{args.cases} cases, --jobs {args.jobs}: without --record {best_plain:.2f} s, with {best_recorded:.2f} s, "
              f"ratio {best_recorded / best_plain:.2f} (best of {args.rounds}); log verify {min(verified):.2f} s")
        ratios = sorted(r / p for r, p in zip(recorded, plain))
        print(f"ratios of the rounds: {', '.join(f'x{r:.2f}' for r in ratios)} (median x{statistics.median(ratios):.2f}); "
              f"making the record on first use (mappa log verify on no record yet): {min(made):.2f} s")


def cpu_of(run: Callable[[list[str]], T], command: list[str]) -> tuple[T, float]:
    """What `run` gives for the command, and the CPU seconds (user and system) its processes used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    given = run(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return given, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    main()
