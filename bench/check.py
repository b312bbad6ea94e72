"""Benchmark `mappa check` against evaluating combinations one by one, measured in the same run.

    python bench/check.py

For each shipped version and kind: the combinations in the input space and the time the check
takes. The baseline is the engine itself: the time to evaluate one combination through `run`
(the evaluator with durable-rules, no explanation), measured on random combinations of the same
kind. Where the space is small (the two smallest kinds) the baseline is run in full, every
combination one by one. The ratio is check time / one-by-one time. (A yes/no computed from dates is
not an input of its own here: the dates are; so "inputs" can be fewer than the check's combinations.)
"""

from __future__ import annotations

import itertools
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

from mappa_rules.case import case_from_data
from mappa_rules.check import check_kind
from mappa_rules.errors import CaseError
from mappa_rules.evaluator import run
from mappa_rules.loader import load_library
from mappa_rules.space import Space
from mappa_rules.symbolic import Symbolic

SAMPLES = 300
EXHAUSTIVE_UP_TO = 20_000


def evaluate_all(book: Any, space: Space, choices: Any) -> tuple[int, float]:
    """Evaluate combinations one by one through the engine: (how many, seconds)."""
    count, start = 0, time.perf_counter()
    for choice in choices:
        try:
            run(case_from_data(space.case_document(choice, lambda fact: "2026-12-18"), book, "bench"), book)
        except CaseError:
            pass
        count += 1
    return count, time.perf_counter() - start


def main() -> None:
    print(f"Python {platform.python_version()} on {platform.machine()}, {sys.platform}")
    print(f"{'version':<28} {'kind':<15} {'combinations':>30} {'inputs':>30} {'check s':>8} {'one case ms':>11} "
          f"{'one by one':>20} {'ratio':>8}")
    rng = random.Random(1)
    for book in load_library().versions:
        for kind in book.kinds:
            view = book.for_kind(kind)
            start = time.perf_counter()
            report = check_kind(book, kind)
            checked = time.perf_counter() - start
            space = Symbolic(view).space
            sizes = [range(len(v.values)) for v in space.variables if not v.computed_from]
            inputs = 1
            for size in sizes:
                inputs *= len(size)
            if inputs <= EXHAUSTIVE_UP_TO:
                done, seconds = evaluate_all(view, space, itertools.product(*sizes))
                per_case = seconds / done
                whole, how = seconds, "measured"
            else:
                sample = [tuple(rng.randrange(len(s)) for s in sizes) for _ in range(SAMPLES)]
                done, seconds = evaluate_all(view, space, sample)
                per_case = seconds / done
                whole, how = per_case * inputs, "estimated"
            print(f"{book.version:<28} {kind:<15} {report.total:>30,} {inputs:>30,} {checked:>8.2f} {per_case * 1000:>11.2f} "
                  f"{_duration(whole) + ' ' + how:>20} {checked / whole:>8.1e}")


def _duration(seconds: float) -> str:
    years = seconds / (365.25 * 24 * 3600)
    return f"{years:.1e} y" if years >= 1 else f"{seconds:.1f} s"


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
