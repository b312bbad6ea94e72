"""Shared fixtures: the shipped rulebook, a case builder with a neutral baseline, a draft-ruleset copier."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

from mappa_rules.case import case_from_data
from mappa_rules.explain import assess
from mappa_rules.loader import load_rulebook, shipped_rulesets_dir
from mappa_rules.ruleset import Rulebook

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


@pytest.fixture(scope="session")
def book() -> Rulebook:
    """The shipped rulebook."""
    return load_rulebook()


@pytest.fixture(scope="session")
def run(book: Rulebook) -> Callable[..., dict]:
    """Assess facts on top of the neutral baseline; `neutral=False` gives only the facts passed."""

    def _run(neutral: bool = True, rulebook: Rulebook | None = None, **facts: Any) -> dict:
        data = {"case_id": "T", "facts": {**(NEUTRAL if neutral else {}), **facts}}
        used = rulebook or book
        return assess(case_from_data(data, used, "test"), used)

    return _run


@pytest.fixture()
def draft(tmp_path: Path) -> Path:
    """A writable copy of the shipped ruleset folder."""
    target = tmp_path / "rulesets"
    shutil.copytree(shipped_rulesets_dir(), target, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    return target
