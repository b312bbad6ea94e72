"""Small readers of a result, shared by the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"

# Every category route stated as not applying, so a test states only the facts it is about.
NEUTRAL: dict[str, Any] = {
    "subject_to_notification_requirements": False,
    "disqualification_order": False,
    "terrorism_offence_conviction": False,
    "terrorist_connection_found_by_court": False,
    "ra_believes_terrorism_risk": False,
}

# The console script installed beside the Python running the tests (the venv need not be activated).
MAPPA = str(Path(sys.executable).with_name("mappa"))
GENERATE = REPO / "bench" / "generate.py"


def generated_caseload(folder: Path, count: int, seed: int) -> Path:
    """A seeded synthetic caseload (`bench/generate.py`) of `count` JSON lines in `folder`."""
    path = folder / "caseload.jsonl"
    subprocess.run([sys.executable, str(GENERATE), str(count), str(path), "--seed", str(seed)], check=True)
    return path


def fired(result: dict) -> list[str]:
    """Ids of the rules that fired."""
    return [f["rule"] for f in result["fired"]]


def unmet(result: dict) -> dict[str, list[str]]:
    """Unmet criteria by rule id."""
    return {u["rule"]: u["unmet"] for u in result["unmet"]}


def missing(result: dict) -> list[str]:
    """Names of the missing facts."""
    return [m["fact"] for m in result["missing_facts"]]
