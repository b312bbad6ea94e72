"""Debian's Chromium, headless, for what a person sees: each report type rendered, printed to PDF, screenshot.

Shared by the browser tests and `bench/screenshots.py`; nothing here is part of the tool.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest
from pypdf import PdfReader

from mappa_rules.case import read_case
from mappa_rules.diff import diff_caseload
from mappa_rules.explain import assess
from mappa_rules.loader import load_rulebook
from mappa_rules.report import glossary, render, render_caseload, render_diff, render_traceability
from mappa_rules.verify import load_scenarios, run_scenarios, select, traceability

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIXED = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)
CASES = {  # what a reviewer should see: one report of each kind of answer
    "decided": "cat2-violent-12-months.yaml",
    "not-eligible": "not-eligible-violent-11-months.yaml",
    "ambiguous": "ambiguous-registered-and-violent.yaml",
    "undetermined": "missing-custody-term.yaml",
    "urgent": "disagreement-imminent-risk-cheshire.yaml",
    "rejected": "rejected-proposal-cat3-level1.yaml",
}


def require_chromium() -> str:
    """Chromium's path; in CI its absence fails the test, elsewhere it skips it."""
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed: .ci/run must install Debian's chromium so this test runs in CI")
        pytest.skip("Chromium is not installed (apt-get install chromium): the browser tests need it")
    return CHROMIUM


def playwright_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download), for a module-scoped fixture to
    yield from; without Playwright the test skips, and in CI fails."""
    executable = require_chromium()
    try:
        from playwright import sync_api
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("Playwright is not installed: the test extras must install it")
        pytest.skip("Playwright is not installed (pip install '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[f for f in FLAGS if f != "--headless"])
        yield browser
        browser.close()


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on one local page (a new profile folder each time, no background networking)."""
    done = subprocess.run([require_chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def print_to_pdf(page: Path, pdf: Path) -> Path:
    """The page printed to A4 as a person would print it (Chromium's own header and footer off)."""
    chromium(page, pdf.with_suffix(".profile"), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    return pdf


def screenshot(page: Path, png: Path, width: int = 1000, height: int = 1400) -> Path:
    chromium(page, png.with_suffix(".profile"), f"--screenshot={png}", f"--window-size={width},{height}")
    return png


def page_texts(pdf: Path) -> list[str]:
    """The text of each printed page, in order."""
    return [page.extract_text() or "" for page in PdfReader(str(pdf)).pages]


def sample_reports(folder: Path) -> dict[str, tuple[Path, str]]:
    """Every report type as HTML in `folder`: name -> (page, the reference each printed page must carry)."""
    book = load_rulebook()
    results = {name: assess(read_case(EXAMPLES / name, book), book) for name in sorted(os.listdir(EXAMPLES))}
    pages: dict[str, tuple[Path, str]] = {}

    def keep(name: str, html: str, reference: str) -> None:
        page = folder / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        pages[name] = (page, reference)

    for label, example in CASES.items():
        result = results[example]
        for audience in ("practitioner", "auditor"):
            keep(f"{label}-{audience}", render(result, "html", audience, FIXED, glossary(book)),
                 f"Case {result['case_id']}")
    error = {"source": "caseload.jsonl:9", "case_id": None, "field": "facts.custody_months",
             "error": "must be at least 0, got -1", "cites": ["VAL-2"]}
    keep("caseload", render_caseload(results.values(), [error], "html", FIXED), "Caseload summary")
    caseload = folder / "caseload.jsonl"
    caseload.write_text("".join(json.dumps({"case_id": r["case_id"], "kind": r["kind"], "area": r["area"], "as_of": r["as_of"],
                                            "facts": {k: v for k, v in r["supplied"].items() if k != "area"}})
                                + "\n" for r in results.values()))
    keep("diff", render_diff(diff_caseload(caseload, None, None), "html", FIXED), "Ruleset change: caseload impact")
    scenarios = select(load_scenarios(), ["CAT-2a"])
    trace = traceability(book, run_scenarios(book, scenarios), scenarios)
    keep("traceability", render_traceability(trace, "html", FIXED), "Clause traceability")
    return pages
