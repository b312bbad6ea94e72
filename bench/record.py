"""Benchmark the decision record: `mappa batch --record` against the same batch without it, in one run.

    python bench/record.py                 # 100,000 cases, --jobs 2, SQLite
    python bench/record.py --cases 10000 --db postgresql+psycopg://...   # another database

Prints the wall time of the batch without and with `--record` (into a fresh SQLite file unless
`--db` is given), the ratio, the records written, and the time of `mappa log verify` over them.
Issue 16's targets: at most +25% for recording, and verify in seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import MAPPA, timed  # noqa: E402


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
        plain, recorded, verified, peaks = [], [], [], []
        for round_ in range(args.rounds):
            db = args.db or f"sqlite:///{work}/decisions-{round_}.sqlite3"
            seconds, _, _ = timed([MAPPA, "batch", str(caseload), "-o", str(work / "plain.jsonl"), "--jobs", str(args.jobs)])
            plain.append(seconds)
            seconds, peak, out = timed([MAPPA, "batch", str(caseload), "-o", str(work / "recorded.jsonl"), "--jobs", str(args.jobs),
                                        "--record", "--by", "bench", "--db", db])
            recorded.append(seconds)
            peaks.append(peak)
            start = time.perf_counter()
            check = subprocess.run([MAPPA, "log", "verify", "--db", db], capture_output=True, text=True)
            verified.append(time.perf_counter() - start)
            if check.returncode != 0:
                raise SystemExit(f"log verify failed: {check.stderr.strip()}")
            print(f"round {round_ + 1}: without {plain[-1]:.2f} s, with --record {recorded[-1]:.2f} s "
                  f"(x{recorded[-1] / plain[-1]:.2f}, peak {peak:.0f} MB), log verify {verified[-1]:.2f} s: {check.stdout.split(';')[0]}")
        best_plain, best_recorded = min(plain), min(recorded)
        print(f"{args.cases} cases, --jobs {args.jobs}: without --record {best_plain:.2f} s, with {best_recorded:.2f} s, "
              f"ratio {best_recorded / best_plain:.2f} (best of {args.rounds}); log verify {min(verified):.2f} s")


if __name__ == "__main__":
    main()
