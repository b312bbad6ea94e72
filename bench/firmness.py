"""Firmness and questions, measured: how many questions an interview needs, and what firmness costs.

For each case of a generated caseload, an offender manager is taken to state only a few of its
facts; the interview then asks `next_question` and is answered from the full case (a fact the full
case does not give is answered `uncertain`). Reported, in the same run:
- the mean number of questions until every answer the case asks about is at least provisional,
  and until it is firm (or blocked by `uncertain`), against the number of facts the result listed
  as missing at the start (what a practitioner was asked to supply before firmness): a ratio;
- the time per case of `assess` with and without firmness on the whole caseload: a ratio;
- the cold start of one assessment in a fresh process, with and without firmness (cache warm).

    python bench/firmness.py [--cases 300] [--given 3] [--seed 7] [--batch 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mappa_rules.case import case_from_data  # noqa: E402
from mappa_rules.errors import CaseError  # noqa: E402
from mappa_rules.evaluator import run  # noqa: E402
from mappa_rules.explain import assess, explain  # noqa: E402
from mappa_rules.loader import load_rulebook  # noqa: E402

COLD = """
import time; start = time.perf_counter()
from mappa_rules.loader import load_library
from mappa_rules.case import read_case
from mappa_rules.explain import assess
library = load_library(); book = library.current
assess(read_case({path!r}, book), book, firmness={firmness})
print(time.perf_counter() - start)
"""


def generate(count: int, seed: int, path: Path) -> list[dict]:
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(count), str(path), "--seed", str(seed)], check=True)
    return [json.loads(line) for line in path.read_text().splitlines()]


def settled(result: dict, firm_only: bool) -> bool:
    wanted = ("firm", "open") if firm_only else ("firm", "provisional", "open")
    return all(a["firmness"] in wanted for a in result["answers"].values() if a["in_scope"])


def interview(book, full: dict, given: int, rng: random.Random) -> tuple[int, int | None, int | None]:
    """Missing facts listed at the start; questions until all at least provisional; until all firm."""
    names = sorted(full["facts"])
    kept = {n: full["facts"][n] for n in rng.sample(names, k=min(given, len(names)))}
    facts = dict(kept)
    try:
        result = assess(case_from_data({"case_id": "B", "area": full.get("area"), "facts": facts}, book), book)
    except CaseError:
        return -1, None, None
    listed = len(result["missing_facts"])
    asked, provisional_at, firm_at = 0, None, None
    while True:
        if provisional_at is None and settled(result, firm_only=False):
            provisional_at = asked
        if settled(result, firm_only=True) or result["next_question"] is None:
            firm_at = asked if settled(result, firm_only=True) or result.get("uncertain") else None
            return listed, provisional_at, firm_at if firm_at is not None else asked
        name = result["next_question"]["fact"]
        facts[name] = full["facts"].get(name, "uncertain")
        asked += 1
        try:
            result = assess(case_from_data({"case_id": "B", "area": full.get("area"), "facts": facts}, book), book)
        except CaseError:
            facts[name] = "uncertain"
            result = assess(case_from_data({"case_id": "B", "area": full.get("area"), "facts": facts}, book), book)


def cold_start(path: Path, firmness: bool, runs: int) -> list[float]:
    code = COLD.format(path=str(path), firmness=firmness)
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--given", type=int, default=3, help="facts the offender manager states at the start")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=3000, help="cases timed with and without firmness")
    parser.add_argument("--cold", type=int, default=7, help="fresh processes per cold-start measurement")
    args = parser.parse_args()
    book = load_rulebook()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        rows = generate(max(args.cases, args.batch), args.seed, Path(folder) / "caseload.jsonl")
        listed, provisional, firm = [], [], []
        for full in rows[: args.cases]:
            missing, to_provisional, to_firm = interview(book, full, args.given, rng)
            if missing < 0:
                continue
            listed.append(missing)
            provisional.append(to_provisional if to_provisional is not None else to_firm)
            firm.append(to_firm)
        cases = []
        for data in rows[: args.batch]:
            try:
                case = case_from_data(data, book)
                run(case, book)
                cases.append(case)
            except CaseError:
                continue
        assess(cases[0], book)  # the diagrams are loaded once per process, as in a batch worker
        timings = {}
        for firmness in (False, True, False, True):
            start = time.perf_counter()
            for case in cases:
                explain(run(case, book), firmness)
            timings.setdefault(firmness, []).append((time.perf_counter() - start) / len(cases))
        sample = Path(folder) / "case.json"
        sample.write_text(json.dumps(rows[0]))
        cold_without = cold_start(sample, False, args.cold)
        cold_with = cold_start(sample, True, args.cold)
    without, with_ = min(timings[False]), min(timings[True])
    print(f"interview, {len(listed)} cases stated in {args.given} facts each:")
    print(f"  facts listed as missing at the start (before firmness): mean {statistics.mean(listed):.1f}")
    print(f"  questions until every answer is at least provisional:    mean {statistics.mean(provisional):.1f}"
          f"  (ratio {statistics.mean(provisional) / statistics.mean(listed):.2f})")
    print(f"  questions until every answer is firm (or not known):     mean {statistics.mean(firm):.1f}"
          f"  (ratio {statistics.mean(firm) / statistics.mean(listed):.2f})")
    print(f"batch, {len(cases)} cases, best of 2: {without * 1000:.2f} ms a case without firmness, {with_ * 1000:.2f} ms with"
          f" (+{(with_ / without - 1) * 100:.0f}%)")
    print(f"cold start, {args.cold} fresh processes each (min / median): without firmness "
          f"{min(cold_without) * 1000:.0f} / {statistics.median(cold_without) * 1000:.0f} ms, with "
          f"{min(cold_with) * 1000:.0f} / {statistics.median(cold_with) * 1000:.0f} ms "
          f"(+{(statistics.median(cold_with) - statistics.median(cold_without)) * 1000:.0f} ms median)")


if __name__ == "__main__":
    main()
