"""Every report type in Debian's Chromium, driven by Playwright: axe-core finds no violation, and nothing
scrolls sideways on a 320 px wide screen (a phone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser import playwright_chromium, sample_reports

AXE = Path(__file__).parent / "accessibility" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    return {name: page for name, (page, _) in sample_reports(tmp_path_factory.mktemp("pages")).items()}


@pytest.fixture(scope="module")
def browser():
    yield from playwright_chromium()


def test_axe_finds_no_violation_in_any_report(browser, pages) -> None:
    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is not installed: .ci/run must run npm ci in tests/accessibility")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/accessibility)")
    found = {}
    for (name, page_path), width in [(item, width) for item in pages.items() for width in (1000, 320)]:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(page_path.as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                   ".map(v => v.id + ' (' + v.nodes.length + ')')")
        page.close()
        if violations:
            found[f"{name} at {width} px"] = violations
    assert not found


def test_no_report_scrolls_sideways_on_a_phone(browser, pages) -> None:
    wide = {}
    for name, page_path in pages.items():
        page = browser.new_page(viewport={"width": 320, "height": 800})
        page.goto(page_path.as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        page.close()
        if width > 320:
            wide[name] = width
    assert not wide


def test_axe_finds_no_violation_in_the_served_pages(browser, tmp_path) -> None:
    """`mappa serve`'s pages (start, a question, an answer refused, the result, the caseload form, the
    decision record), at 1000 and 320 px; axe is added past the pages' own policy, which admits no script."""
    from webserver import serving

    if not AXE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is not installed: .ci/run must run npm ci in tests/accessibility")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/accessibility)")
    found, wide = {}, {}
    with serving("--db", str(tmp_path / "decisions.sqlite3")) as base:
        for width in (1000, 320):
            context = browser.new_context(base_url=base, bypass_csp=True, viewport={"width": width, "height": 900})
            page = context.new_page()

            def check(name: str) -> None:
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                           ".map(v => v.id + ' (' + v.nodes.length + ')')")
                if violations:
                    found[f"{name} at {width} px"] = violations
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    wide[f"{name} at {width} px"] = page.evaluate("document.documentElement.scrollWidth")

            page.goto("/")
            check("start")
            page.fill("#case_id", "AXE-1")
            page.get_by_role("button", name="Start the interview").click()
            check("question")
            page.get_by_role("button", name="Save and continue").click()  # no answer chosen: refused
            check("answer refused")
            page.get_by_role("button", name="See the full result").click()
            check("result")
            for path in ("/caseload", "/record"):
                page.goto(path)
                check(path)
            context.close()
    assert not found and not wide
