"""`mappa serve` end to end, as a practitioner uses it: Debian's Chromium driven by Playwright, with
JavaScript switched OFF, against a real server (tests/webserver.py) keeping a decision record in a
temporary SQLite file.

- An interview from an empty case to firm answers, one question at a time; Back and Change.
- The full result, its case file re-assessed by the CLI to the same answer as the page's JSON.
- A caseload with bad rows: the progress page, the summary's totals and error rows, the results file.
- An assessment recorded and a professional decision shown beside the recommendation.
- Every page marked OFFICIAL-SENSITIVE, not cached, under a Content-Security-Policy that still lets its
  own styles apply, and nothing in the console.

A full-page screenshot of each key step goes to $MAPPA_TEST_ARTIFACTS, else tests/artifacts/web/.
Without Chromium or Playwright the tests are skipped, saying so; under CI (CI=true) they fail.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser import playwright_chromium
from mappa_rules.interview import Interview, answer_lines
from mappa_rules.loader import load_library
from webserver import MAPPA, serving

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
ARTIFACTS = Path(os.environ.get("MAPPA_TEST_ARTIFACTS") or HERE / "artifacts" / "web")
MARKING = "OFFICIAL-SENSITIVE"
AS_OF = "2026-11-23"

# The practitioner's answers: those of a registered sex offender, notification period running, licence
# ended, managed by Probation alone (examples/cat1-registered-sex-offender.yaml). Whatever the page
# asks, it is answered from here ("uncertain" for a fact not listed), so the case ends with firm answers.
KNOWN = yaml.safe_load((EXAMPLES / "cat1-registered-sex-offender.yaml").read_text())
ANSWERS: dict[str, Any] = {**KNOWN["facts"], "area": KNOWN["area"]}
FIRM = ["MAPPA-eligible: yes (firm)", "Category: 1 (firm)", "Allowed levels: 1, 2 and 3 (firm)",
        "Recommended level: 1 (firm)"]


# --- the server, the browser and a context with JavaScript off --------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Any:
    folder = tmp_path_factory.mktemp("serve")
    with serving("--db", str(folder / "record.sqlite"), log=folder / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Any:
    yield from playwright_chromium()


@pytest.fixture(scope="module")
def library() -> Any:
    return load_library(None)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Visit:
    """One browser context (JavaScript off) and one page in it, with what the browser saw: every
    document response and every console message."""

    def __init__(self, browser: Any, base: str, artifacts: Path) -> None:
        self.context = browser.new_context(java_script_enabled=False, base_url=base, accept_downloads=True,
                                           viewport={"width": 1000, "height": 900})
        self.page = self.context.new_page()
        self.base, self.artifacts = base, artifacts
        self.documents: list[Any] = []
        self.console: list[Any] = []
        self.refused: set[str] = set()
        self.page.on("console", lambda message: self.console.append(message))
        self.page.on("response", lambda r: self.documents.append(r) if r.request.resource_type == "document" else None)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / name), full_page=True)

    def check_page(self) -> None:
        """The page now shown: marked top and bottom, its style applied (so not blocked by its policy),
        and its response neither cached nor without a policy."""
        page = self.page
        page.wait_for_load_state()  # a form just sent: its answer may still be loading (seen with both cores busy)
        assert page.title().endswith(f" - {MARKING}"), page.title()
        markings = page.locator("p.marking")
        assert markings.count() == 2 and markings.all_inner_texts() == [MARKING, MARKING]
        # .marking { border: 2px solid #111; font-weight: 700 } comes from the page's own <style>: under a
        # policy that blocked it the border would be 0px (see test_a_blocked_style_is_seen).
        style = markings.first.evaluate("e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.borderTopStyle, s.fontWeight]; }")
        assert style == ["2px", "solid", "700"]
        html = [r for r in self.documents if r.url.split("?")[0] == page.url.split("?")[0]]
        assert html, f"no document response seen for {page.url}"
        headers = html[-1].headers
        assert headers.get("cache-control") == "no-store"
        assert "default-src 'none'" in headers.get("content-security-policy", "")
        assert "'sha256-" in headers["content-security-policy"]

    def errors(self) -> list[str]:
        """Console errors, less Chromium's own request for a favicon the server does not have and the
        status line Chromium logs for a page the test meant to see refused (`self.refused`)."""
        return [f"{m.text} ({m.location.get('url')})" for m in self.console
                if m.type == "error" and not (m.location.get("url") or "").endswith("/favicon.ico")
                and not (m.text.startswith("Failed to load resource: the server responded with a status of 4")
                         and m.location.get("url") in self.refused)]

    def check_clean(self) -> None:
        """Every document the browser loaded (pages, redirects, downloads) was uncached and under a
        policy, and the console has no error (a style refused by the policy would be one)."""
        assert self.documents
        for response in self.documents:
            assert response.headers.get("cache-control") == "no-store", response.url
            assert "default-src 'none'" in response.headers.get("content-security-policy", ""), response.url
        assert self.errors() == []

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def visit(browser, server, artifacts) -> Any:
    opened = Visit(browser, server, artifacts)
    yield opened
    opened.close()


# --- what a practitioner does ----------------------------------------------------------------------

def panel(page: Any) -> list[str]:
    """The lines of "The answers as they stand"."""
    section = page.locator("section.panel", has=page.get_by_role("heading", name="The answers as they stand"))
    return [line.strip() for line in section.locator("li").all_inner_texts()]


def asked(page: Any) -> str | None:
    """The fact the page asks about now, or None when it asks nothing."""
    fact = page.locator('form[action="/interview"] input[type=hidden][name=fact]')
    return fact.get_attribute("value") if fact.count() else None


def give(page: Any, text: str) -> None:
    """Answer the question shown as a person would: tick the radio button, or type into the box."""
    radio = page.locator(f'input[type=radio][name=answer][value="{text}"]')
    if radio.count():
        radio.check()
    else:
        page.locator("#answer").fill(text)
    page.get_by_role("button", name="Save and continue").click()


def words(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else "uncertain" if value is None else str(value)


def start(visit: Visit, case_id: str, shot: str | None = None) -> None:
    page = visit.page
    page.goto("/")
    visit.check_page()
    page.get_by_label("A person: MAPPA eligibility, category, management level and risk").check()
    page.get_by_label("Case reference (optional; never a name)").fill(case_id)
    page.get_by_label("Assess as of (optional; today when left empty)").fill(AS_OF)
    if shot:
        visit.shot(shot)
    page.get_by_role("button", name="Start the interview").click()
    visit.check_page()


def complete(visit: Visit, library: Any, case_id: str, shots: bool = False) -> Interview:
    """From "/" to "Nothing more to ask", answering each question the page asks; after every answer the
    page's panel is the Python API's answer for the same answers so far. The planned interview."""
    page = visit.page
    start(visit, case_id, "01-start.png" if shots else None)
    plan = Interview.start(library, {"kind": "case", "case_id": case_id, "as_of": AS_OF})
    assert page.title() == f"MAPPA assessment: case {case_id} - {MARKING}"
    assert panel(page) == answer_lines(plan.result())
    for number in range(1, 30):
        fact = asked(page)
        expected = plan.next_question()
        if fact is None:
            assert expected is None
            break
        assert expected is not None and fact == expected["fact"], f"question {number}: the page asks {fact}, the API {expected}"
        legend = page.locator("fieldset legend").inner_text()
        assert legend == f"Question {number}: {expected['question']}"
        if shots and number == 1:
            assert [line for line in panel(page) if "not yet known" in line], panel(page)
            visit.shot("02-question.png")
        answer = words(ANSWERS.get(fact))
        give(page, answer)
        plan.answer(fact, answer)
        visit.check_page()
        assert not page.locator(".error-summary").count(), page.locator(".error-summary").inner_text()
        assert panel(page) == answer_lines(plan.result()), f"after answering {fact}"
    else:
        pytest.fail("the interview did not end within 30 questions")
    assert page.get_by_text("Nothing more to ask: every answer the case asks for is as firm as the facts can make it.").is_visible()
    return plan


def label_of(library: Any, fact: str) -> str:
    return library.for_date(dt.date.fromisoformat(AS_OF)).facts[fact].label


# --- the tests -------------------------------------------------------------------------------------

def test_an_interview_from_an_empty_case_to_firm_answers(visit, library) -> None:
    page = visit.page
    plan = complete(visit, library, "E2E-INTERVIEW", shots=True)
    lines = panel(page)
    for line in FIRM:
        assert line in lines
    assert not [line for line in lines if "provisional" in line or "not yet known" in line]
    assert plan.result()["status"] == "decided"
    # Every fact given is listed with a Change button; no question is left on the page.
    given = page.locator("table.kv", has=page.locator("caption", has_text="Facts given so far")).locator("tr")
    assert given.count() == len(plan.facts)
    assert not page.get_by_role("button", name="Save and continue").count()
    assert page.get_by_role("button", name="Back: undo the last answer").is_visible()
    visit.shot("03-firm-answers.png")
    visit.check_clean()


def test_back_and_change_an_answer(visit, library) -> None:
    page = visit.page
    plan = complete(visit, library, "E2E-CHANGE")
    last_fact = plan._history[-1][0]
    assert panel(page)[:4] == FIRM

    # Back undoes the last answer: the question comes back and the answers are provisional again.
    page.get_by_role("button", name="Back: undo the last answer").click()
    visit.check_page()
    plan.back()
    assert asked(page) == last_fact
    assert panel(page) == answer_lines(plan.result())
    assert panel(page) != FIRM and any("(provisional)" in line for line in panel(page))
    visit.shot("04-back.png")
    give(page, words(ANSWERS[last_fact]))
    plan.answer(last_fact, words(ANSWERS[last_fact]))
    visit.check_page()
    assert panel(page) == answer_lines(plan.result())
    assert "Recommended level: 1 (firm)" in panel(page)

    # Change beside a fact: that question, with the answer given ticked; a new answer changes the panel.
    fact = "formal_meetings_add_value"
    label = label_of(library, fact)
    row = page.locator("table.kv tr", has=page.locator("th", has_text=label))
    assert row.locator("td").first.inner_text() == "no"
    row.get_by_role("button", name=re.compile(r"^Change")).click()
    visit.check_page()
    assert asked(page) == fact
    assert page.locator('input[name=answer][value="no"]').is_checked()
    give(page, "yes")
    plan.answer(fact, "yes")
    visit.check_page()
    lines = panel(page)
    assert lines == answer_lines(plan.result())
    assert "Recommended level: 1 (firm)" not in lines
    recommended = [line for line in lines if line.startswith("Recommended level:")]
    assert recommended and recommended[0] == "Recommended level: " + _level_words(plan)
    assert page.locator("table.kv tr", has=page.locator("th", has_text=label)).locator("td").first.inner_text() == "yes"
    visit.shot("05-change.png")

    # Back after a change puts the earlier answer back, and the firm level with it.
    page.get_by_role("button", name="Back: undo the last answer").click()
    visit.check_page()
    plan.back()
    assert panel(page) == answer_lines(plan.result())
    assert "Recommended level: 1 (firm)" in panel(page)
    assert asked(page) is None and page.get_by_text("Nothing more to ask").is_visible()
    assert page.locator("table.kv tr", has=page.locator("th", has_text=label)).locator("td").first.inner_text() == "no"
    visit.check_clean()


def _level_words(plan: Interview) -> str:
    line = [x for x in answer_lines(plan.result()) if x.startswith("Recommended level:")][0]
    return line.split(": ", 1)[1]


def test_the_full_result_and_its_downloads_agree_with_the_cli(visit, library, tmp_path) -> None:
    page = visit.page
    complete(visit, library, "E2E-RESULT")
    page.get_by_role("button", name="See the full result").click()
    visit.check_page()
    assert page.title() == f"MAPPA assessment: case E2E-RESULT - {MARKING}"
    outcomes = page.locator("table.kv", has=page.locator("caption", has_text="Outcomes"))
    assert outcomes.locator("tr", has_text="Category").locator("td").inner_text() == "1"
    assert outcomes.locator("tr", has_text="Recommended level").locator("td").inner_text() == "1"
    visit.shot("06-result.png")

    with page.expect_download() as caught:
        page.get_by_role("button", name="Download the case file").click()
    case_file = tmp_path / caught.value.suggested_filename
    caught.value.save_as(case_file)
    assert case_file.name == "mappa-E2E-RESULT.yaml"
    assert case_file.read_text().startswith(f"# {MARKING}\n")
    document = yaml.safe_load(case_file.read_text())
    assert document["case_id"] == "E2E-RESULT" and str(document["as_of"]) == AS_OF
    assert document["facts"]["subject_to_notification_requirements"] is True

    with page.expect_download() as caught:
        page.get_by_role("button", name="Download JSON").click()
    json_file = tmp_path / caught.value.suggested_filename
    caught.value.save_as(json_file)
    assert json_file.name == "mappa-E2E-RESULT.json"
    from_page = json.loads(json_file.read_text())

    cli = subprocess.run([MAPPA, "assess", str(case_file), "--format", "json"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    assert from_cli["outcomes"] == from_page["outcomes"] == {"allowed_levels": [1, 2, 3], "category": 1, "eligible": True,
                                                             "recommended_level": 1}
    assert from_cli["answers"] == from_page["answers"]
    assert all(from_page["answers"][key]["firmness"] == "firm" for key in ("eligible", "category", "recommended_level"))
    for key in ("status", "case_id", "as_of", "kind", "ruleset", "supplied", "fired", "questions"):
        assert from_cli[key] == from_page[key], key
    assert from_page["status"] == "decided" and from_page["marking"] == MARKING
    # The result holds no time stamp: the two are the same object, key for key.
    assert sorted(key for key in from_cli if from_cli[key] != from_page.get(key)) == []
    assert set(from_page) == set(from_cli)

    with page.expect_download() as caught:
        page.get_by_role("button", name="Download the report (HTML)").click()
    assert caught.value.suggested_filename == "mappa-E2E-RESULT.html"
    report = Path(caught.value.path()).read_text(encoding="utf-8")
    assert report.count(f'<p class="marking">{MARKING}</p>') == 2 and "E2E-RESULT" in report
    # Still on the result page (a download is not a navigation), still marked.
    visit.check_page()
    visit.check_clean()


def _caseload(folder: Path) -> tuple[Path, list[str]]:
    """Valid cases from examples/ as JSON lines, with bad rows between: malformed JSON, an unknown fact,
    a wrong type. The file and the valid rows' case ids."""
    valid = [yaml.safe_load((EXAMPLES / name).read_text()) for name in
             ("cat1-registered-sex-offender.yaml", "cat2-violent-12-months.yaml", "referral-rejected-level-1.json",
              "complaint-licence-condition.yaml")]
    unknown = json.loads(json.dumps(valid[1], default=str))
    unknown["case_id"], unknown["facts"]["favourite_colour"] = "BAD-FACT", "blue"
    wrong = json.loads(json.dumps(valid[1], default=str))
    wrong["case_id"], wrong["facts"]["custody_months"] = "BAD-TYPE", "twelve"
    lines = [json.dumps(valid[0], default=str), json.dumps(valid[1], default=str),
             '{"kind": "case", "case_id": "BAD-JSON", "facts": {',  # line 3
             json.dumps(valid[2], default=str), json.dumps(valid[3], default=str),
             json.dumps(unknown), json.dumps(wrong)]  # lines 6 and 7
    path = folder / "caseload-with-bad-rows.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, [c["case_id"] for c in valid]


def check_caseload_summary(visit: Visit, job_url: str, valid_ids: list[str]) -> None:
    """Follow the job's page from the moment after the upload until its summary, and check the summary."""
    from playwright.sync_api import expect

    page = visit.page
    assert re.fullmatch(re.escape(visit.base) + r"/caseload/[A-Za-z0-9_-]{22}", job_url)
    assert page.url == job_url
    visit.shot("07-caseload-progress.png")
    # The page refreshes itself each second (a meta refresh: no script needed) until the summary is ready, so
    # the live page may be between two loads: the job's page is read by a request of its own instead.
    fetched = page.request.get(job_url)
    seen = fetched.text()
    assert fetched.status == 200 and seen.count(f'<p class="marking">{MARKING}</p>') == 2
    assert fetched.headers.get("cache-control") == "no-store" and "default-src 'none'" in fetched.headers["content-security-policy"]
    if "<title>MAPPA caseload: assessing" in seen:
        assert re.search(r'<meta http-equiv="refresh" content="1"', seen), seen[:500]
        assert re.search(r"Assessed \d of 7 rows of caseload-with-bad-rows\.jsonl\.", seen), seen[:2000]
    expect(page).to_have_title(f"MAPPA caseload summary - {MARKING}", timeout=30_000)
    assert page.url == job_url
    visit.check_page()
    toolbar = page.get_by_role("region", name="This caseload")
    assert "caseload-with-bad-rows.jsonl: 7 rows read, 4 assessed, 3 could not be assessed." in toolbar.inner_text()
    totals = page.locator("table.kv", has=page.locator("caption", has_text="Totals"))
    assert totals.locator("tr", has=page.locator("th", has_text=re.compile(r"^Inputs read$"))).locator("td").inner_text() == "7"
    assert totals.locator("tr", has=page.locator("th", has_text=re.compile(r"^Assessed$"))).locator("td").inner_text() == "4"
    assert totals.locator("tr", has=page.locator("th", has_text=re.compile(r"^Could not be assessed$"))).locator("td").inner_text() == "3"

    failed = page.locator("table", has=page.locator("caption", has_text="Inputs that could not be assessed"))
    rows = [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in failed.locator("tr", has=page.locator("td")).all()]
    assert len(rows) == 3, rows
    by_line = {re.search(r":(\d+)$", source).group(1): (field, error) for source, field, error in rows}
    assert set(by_line) == {"3", "6", "7"}, rows
    assert by_line["3"][0] == "" and "malformed JSON" in by_line["3"][1]
    assert by_line["6"][0] == "facts.favourite_colour" and "unknown fact" in by_line["6"][1]
    assert by_line["7"][0] == "facts.custody_months" and 'must be a number, got "twelve"' in by_line["7"][1]
    # An input is named by the file uploaded, not by a path in the server's private folder.
    assert all(source.startswith("caseload-with-bad-rows.jsonl:") for source, _, _ in rows), rows
    visit.shot("08-caseload-summary.png")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the results (JSON Lines)").click()
    assert caught.value.suggested_filename == "caseload-results.jsonl"
    results = [json.loads(line) for line in Path(caught.value.path()).read_text().splitlines() if line.strip()]
    assert [r["case_id"] for r in results] == valid_ids
    assert all(r["marking"] == MARKING and "outcomes" in r for r in results)
    assert results[0]["outcomes"]["category"] == 1

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the rows that could not be assessed (JSON Lines)").click()
    assert caught.value.suggested_filename == "caseload-errors.jsonl"
    errors = [json.loads(line) for line in Path(caught.value.path()).read_text().splitlines() if line.strip()]
    assert [(e["row"], e["field"]) for e in errors] == [(3, None), (6, "facts.favourite_colour"), (7, "facts.custody_months")]
    visit.check_page()  # a download is not a navigation: the summary is still shown


def test_a_caseload_uploaded_through_its_form(visit, tmp_path) -> None:
    page = visit.page
    upload, valid_ids = _caseload(tmp_path)
    response = page.goto("/caseload")
    assert response.status == 200, page.content()[:300]
    visit.check_page()
    page.get_by_label(re.compile(r"^Caseload file")).set_input_files(upload)
    page.get_by_role("button", name="Assess the caseload").click()
    check_caseload_summary(visit, page.url, valid_ids)
    visit.check_clean()


def record_from_result(visit: Visit, library: Any, case_id: str, by: str) -> int:
    """An interview completed, its result shown, and 'Record this assessment': the record's number."""
    page = visit.page
    complete(visit, library, case_id)
    page.get_by_role("button", name="See the full result").click()
    visit.check_page()
    page.get_by_label("Recorded by").fill(by)
    page.get_by_role("button", name="Record this assessment").click()
    match = re.fullmatch(re.escape(visit.base) + r"/record/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


REASON = "Formal meetings add value: the victim lives near the approved premises."
CHAIR = "MAPPA Chair, SMB Cheshire"


def check_listing(visit: Visit, number: int, case_id: str, by: str) -> int:
    """The decision record's listing names the assessment and the decision on it; the decision's number."""
    page = visit.page
    page.goto("/")
    page.get_by_role("link", name="Decision record").click()
    visit.check_page()
    listing = page.locator("table", has=page.locator("caption", has_text="Records, newest first"))
    assessment_row = listing.locator("tr", has=page.get_by_role("link", name=f"Record {number}", exact=True))
    assert assessment_row.locator("td").all_inner_texts()[1:3] == ["Assessment (case)", case_id]
    assert assessment_row.locator("td").last.inner_text() == by
    decision_row = listing.locator("tr", has_text=f"Decision on record {number}:")
    assert decision_row.count() == 1
    cells = decision_row.locator("td").all_inner_texts()
    assert cells[1:3] == [f"Decision on record {number}: Recommended level 2", case_id]
    assert cells[-1] == CHAIR
    return int(re.fullmatch(r"Record (\d+)", cells[0]).group(1))


def test_an_override_is_recorded_and_shown_beside_the_recommendation(visit, library) -> None:
    page = visit.page
    by = "PP Jones, probation practitioner"
    number = record_from_result(visit, library, "E2E-RECORD", by)
    visit.check_page()
    visit.shot("10-recorded.png")
    assert page.title() == f"MAPPA assessment: case E2E-RECORD (record {number}) - {MARKING}", page.locator("main").inner_text()
    case = page.locator("table.kv", has=page.locator("caption", has_text="Case"))
    assert re.search(rf"record {number}, .*UTC, by {re.escape(by)}", case.locator("tr", has_text="Recorded").locator("td").inner_text())
    assert not page.get_by_text("Professional decisions recorded on this assessment").count()

    form = page.locator(f'form[action="/record/{number}/override"]')
    form.get_by_label("Outcome decided").select_option(label="Recommended level")
    form.get_by_label(re.compile(r"^Value decided")).fill("2")
    form.get_by_label("Reason (required)").fill(REASON)
    form.get_by_label("Decided by (name or role)").fill(CHAIR)
    form.get_by_role("button", name="Record the decision").click()
    visit.check_page()
    assert not page.locator(".error-summary").count(), page.locator(".error-summary").inner_text()
    notice = page.get_by_role("status").filter(has_text="Recorded as record").inner_text()
    decision_seq = int(re.fullmatch(r"Recorded as record (\d+)\.", notice).group(1))
    assert decision_seq > number
    assert page.get_by_text("Professional decisions recorded on this assessment (the latest for each outcome stands):").is_visible()
    shown = [line.strip() for line in page.locator("section.panel li", has_text="recommended;").all_inner_texts()]
    assert len(shown) == 1
    assert re.fullmatch(rf"Recommended level: 1 recommended; 2 decided \(differs\) by {re.escape(CHAIR)} on .+: {re.escape(REASON)}",
                        shown[0]), shown
    # The recommendation itself stands beside the decision.
    outcomes = page.locator("table.kv", has=page.locator("caption", has_text="Outcomes"))
    assert outcomes.locator("tr", has_text="Recommended level").locator("td").inner_text() == "1"
    visit.shot("09-override.png")

    page.goto(f"/record/{number}")  # read again: still there
    visit.check_page()
    assert page.locator("section.panel li", has_text="2 decided (differs)").count() == 1
    assert check_listing(visit, number, "E2E-RECORD", by) == decision_seq
    visit.shot("11-record-list.png")
    visit.check_clean()


def test_every_page_is_marked_uncached_and_styled_under_its_policy(visit) -> None:
    page = visit.page
    visit.refused.add(visit.base + "/caseload/" + "x" * 22)
    for path, title in [("/", "MAPPA decision support: start an assessment"), ("/record", "MAPPA decision record"),
                        ("/caseload/" + "x" * 22, "MAPPA decision support")]:
        page.goto(path)
        assert page.title() == f"{title} - {MARKING}"
        visit.check_page()
    assert page.get_by_role("alert").inner_text().startswith("Not found")
    visit.check_clean()


def test_the_upload_and_sign_in_pages_are_marked_and_styled(visit) -> None:
    page = visit.page
    for path, title in [("/caseload", "MAPPA caseload: upload"), ("/login", "MAPPA decision support: sign in")]:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status} {page.locator('body').inner_text()[:200]!r}"
        assert page.title() == f"{title} - {MARKING}"
        visit.check_page()
    visit.check_clean()


def test_a_blocked_style_is_seen(visit) -> None:
    """The checks above have teeth: a style the page's policy does not admit leaves the marking without
    its border and puts an error in the console."""
    page = visit.page
    page.goto("/")
    page.set_content(f'<html><head><style>.marking {{ border: 2px solid #111 }}</style></head>'
                     f'<body><p class="marking">{MARKING}</p></body></html>')
    assert page.locator("p.marking").evaluate("e => getComputedStyle(e).borderTopWidth") == "0px"
    assert any("Content Security Policy" in error for error in visit.errors())


def test_a_printed_result_is_the_report_without_its_buttons(visit, tmp_path) -> None:
    """Printed from the browser, the result page is the report, marked on every page, without the
    site's links or the result's buttons and forms."""
    from pypdf import PdfReader

    page = visit.page
    start(visit, "E2E-PRINT")
    page.get_by_role("button", name="See the full result").click()
    visit.check_page()
    page.emulate_media(media="print")
    assert not page.locator("nav.site").is_visible() and not page.locator("section.toolbar").is_visible()
    assert page.locator("section.panel").first.is_visible()
    pdf = tmp_path / "result.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert all(MARKING in text for text in pages) and "Answer" in pages[0]
    assert not any(word in text for text in pages for word in ("Download", "Record this assessment", "Start an assessment"))
    visit.check_clean()
