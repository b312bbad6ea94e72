"""Shared fixtures: the shipped rulebook, a case builder with a neutral baseline, a draft-ruleset copier."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from mappa_rules.case import case_from_data, read_case
from mappa_rules.explain import assess
from mappa_rules.loader import load_rulebook, shipped_rulesets_dir
from mappa_rules.ruleset import Rulebook

from support import EXAMPLES, NEUTRAL, REPO


def pytest_configure(config: pytest.Config) -> None:
    """Register every clause id as a marker, so feature tags pass --strict-markers and typos fail."""
    clauses = yaml.safe_load((REPO / "rulesets" / "clauses.yaml").read_text())
    for clause_id, clause in clauses.items():
        config.addinivalue_line("markers", f"{clause_id}: {clause['title']}")
    for number, decision in yaml.safe_load((REPO / "rulesets" / "decisions.yaml").read_text()).items():
        config.addinivalue_line("markers", f"decision-{number}: scenarios checking policy decision {number} ({decision['title']})")
    areas = yaml.safe_load((REPO / "rulesets" / "areas.yaml").read_text())
    for area in {a for name, spec in areas.items() for a in (name, *spec.get("includes", []))}:
        config.addinivalue_line("markers", f"area-{area.replace(' ', '_')}: scenarios of the {area} local procedure")


@pytest.fixture(scope="session")
def book() -> Rulebook:
    """The shipped rulebook."""
    return load_rulebook()


@pytest.fixture(scope="session")
def results(book: Rulebook) -> dict[str, dict]:
    """Every shipped example, assessed once for the whole run (readers copy, never change, a result)."""
    return {path.name: assess(read_case(path, book), book) for path in sorted(EXAMPLES.iterdir())}


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


@pytest.fixture(scope="session")
def process(book: Rulebook) -> Callable[..., dict]:
    """Assess an input of another kind: `process("complaint", "Merseyside", fact=value, ...)`."""

    def _process(kind: str, area: str | None = None, convention: str | None = None, **facts: Any) -> dict:
        data = {"kind": kind, "case_id": "T", "area": area, "facts": facts}
        return assess(case_from_data(data, book, "test"), book, convention)

    return _process


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server from Debian's package for the whole run (tests/postgres.py). Without one the
    PostgreSQL tests are skipped, saying so; under CI (CI=true) they fail, since .ci/run installs it."""
    import os

    from postgres import Server, binaries

    found = binaries()
    if found is None:
        message = "PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL half of the decision-record tests"
        if os.environ.get("CI"):
            pytest.fail(message + " must run under CI")
        pytest.skip(message + " is skipped")
    server = Server(found)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path) -> str:
    """A fresh, empty decision-record database: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'decisions.sqlite3'}"
    return request.getfixturevalue("postgres_server").new_database()
