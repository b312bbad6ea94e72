"""What a person reads first and in what words: the answer panel, the reason for a 'no', one date format."""

from __future__ import annotations

import json
import re

import pytest

from mappa_rules.case import read_case
from mappa_rules.explain import assess
from mappa_rules.report import glossary, render, render_caseload, render_traceability
from mappa_rules.verify import load_scenarios, run_scenarios, select, traceability

from support import EXAMPLES
from test_reports import EXAMPLE_FILES, FIXED, readable

FORMATS = ("text", "md", "html")


def shown(result: dict, fmt: str, audience: str = "practitioner") -> str:
    """The report as read, the page's style sheet and title left out."""
    report = render(result, fmt, audience, FIXED)
    return readable(re.sub(r"<(style|title)>.*?</\1>", "", report, flags=re.S) if fmt == "html" else report, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_the_answer_comes_before_the_case_details(results, name: str, fmt: str) -> None:
    text = shown(results[name], fmt)
    answer = text.index("ANSWER" if fmt == "text" else "Answer")
    assert answer < text.index("Case reference") and answer < text.index("WHY" if fmt == "text" else "Why")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_imminent_risk_leads_with_a_warning_to_act_now(results, fmt: str) -> None:
    text = shown(results["disagreement-imminent-risk-cheshire.yaml"], fmt)
    warning = text.index("Act on the imminent risk of serious harm now")
    assert "WARNING" in text[:warning].upper() and warning < text.index("Case reference")


def test_the_warning_is_marked_as_one_for_screen_readers(results) -> None:
    html = render(results["disagreement-imminent-risk-cheshire.yaml"], "html", "practitioner", FIXED)
    assert '<span class="visually-hidden">Warning: </span>Act on the imminent risk' in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rejected_proposal_says_so_before_anything_else(results, fmt: str) -> None:
    text = shown(results["rejected-proposal-cat3-level1.yaml"], fmt)
    assert text.upper().index("PROPOSAL REJECTED") < text.index("Level 1 is proposed for a Category 3 case") \
        < text.index("MAPPA-eligible")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_no_gives_the_criterion_that_decided_it_to_the_practitioner(results, fmt: str) -> None:
    text = " ".join(shown(results["not-eligible-violent-11-months.yaml"], fmt).split())
    assert "“Custodial term (months)” is 12 or more (the case gives 11)" in text
    assert "custody_months" not in text and "case has" not in text


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_a_practitioner_reads_one_date_format_and_when_the_report_was_produced(results, name: str) -> None:
    text = shown(results[name], "text")
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), re.search(r".*\d{4}-\d{2}-\d{2}.*", text).group(0)
    assert "Produced:                   Mon 23 Nov 2026, 09:30 UTC" in text


@pytest.fixture(scope="module")
def words(book):
    return glossary(book)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_an_auditor_reads_no_python_values_and_no_code_notation(results, words, name: str) -> None:
    report = render(results[name], "text", "auditor", FIXED, words)
    assert not re.search(r"\{'|'\}|\[\d|==|->|`|case has|\bnull\b|the engine", report), \
        re.search(r".*(\{'|'\}|\[\d|==|->|`|case has|\bnull\b|the engine).*", report).group(0)


def test_clause_texts_are_whole_and_in_plain_words(words) -> None:
    assert "(4) CAT-1 and CAT-2 do not apply" in words.clauses["CAT-3"]
    assert "(c) “Previously Level 3, no longer needs Level 3” is yes" in words.clauses["LVL-2"]
    assert words.clauses["CAT-THRESH"].startswith("any custodial threshold below is met when “Custodial term (months)” is 12 or more")
    assert "is one of mappa meeting decision, mappa process" in words.clauses["CMP-2"]  # values are not quoted as labels
    assert not [cid for cid, text in words.clauses.items() if re.search(r"`|==|->|[a-z]_[a-z]|engine", text)]


def test_a_deadline_an_auditor_reads_is_a_date_not_the_fact_it_came_from(results, words) -> None:
    report = render(results["disagreement-level3-wirral.yaml"], "text", "auditor", FIXED, words)
    assert "Deadline:                   Mon 4 Jan 2027" in report and "level3_progress_due'" not in report


@pytest.fixture(scope="module")
def caseload(results) -> tuple[dict, str]:
    error = {"source": "caseload.jsonl:9", "case_id": None, "field": "facts.custody_months",
             "error": "must be at least 0, got -1", "cites": ["VAL-2"]}
    listed = list(results.values())
    return json.loads(render_caseload(listed, [error], "json")), render_caseload(listed, [error], "html", FIXED)


def test_the_caseload_lists_who_needs_a_person_most_urgent_first(caseload) -> None:
    summary, html = caseload
    reasons = [need["reason"] for need in summary["needs_a_person"]]
    assert reasons == ["imminent", "overdue", "rejected", "ambiguous", "undetermined"]
    counts = {need["reason"]: need["cases"] for need in summary["needs_a_person"]}
    assert counts["imminent"] == 2 and counts["rejected"] == 2 and counts["overdue"] == 2
    text = " ".join(readable(html, "html").split())
    assert text.index("Imminent risk: act now (2)") < text.index("A deadline missed (2)") < text.index("Facts missing for an answer")
    assert "2 cases have an imminent risk of serious harm: act now" in text


def test_the_caseload_counts_every_kind_area_and_status_and_says_why_a_total_is_short(caseload) -> None:
    summary, html = caseload
    assert sum(summary["by_kind"].values()) == sum(summary["by_area"].values()) == summary["assessed"]
    assert summary["by_kind"]["complaint"] == 2 and summary["by_kind"]["meeting notice"] == 2
    text = " ".join(readable(html, "html").split())
    categorised = sum(summary["by_category"].values())
    assert f"{categorised} of {summary['assessed']} assessed inputs have a category" in text
    assert summary["most_missing"] and summary["most_missing"][0]["fact"] in text


def test_every_caseload_chart_sits_beside_its_table_and_is_hidden_from_screen_readers(caseload) -> None:
    _, html = caseload
    charts = re.findall(r"(<svg[^>]*>).*?</svg>\s*(<\w+)", html, flags=re.S)
    assert len(charts) >= 5 and all('aria-hidden="true"' in svg and 'role="img"' in svg for svg, _ in charts)
    assert all(after == "<table" for _, after in charts), "a chart without its table right after it"
    assert "<script" not in html


@pytest.mark.parametrize("audience", ["practitioner", "auditor"])
def test_text_reports_are_wrapped_to_a_hundred_columns(results, words, audience: str) -> None:
    for name, result in results.items():
        long = [line for line in render(result, "text", audience, FIXED, words).splitlines() if len(line) > 100]
        assert not long, (name, long[:2])


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_json_result_carries_the_marking(results, name: str) -> None:
    assert json.loads(render(results[name], "json"))["marking"] == "OFFICIAL-SENSITIVE"


def test_the_traceability_report_names_its_ruleset(book) -> None:
    scenarios = select(load_scenarios(), ["CAT-2a"])
    report = render_traceability(traceability(book, run_scenarios(book, scenarios), scenarios), "text", FIXED)
    assert f"{book.name} {book.version}" in report and book.sha256 in report


def test_a_long_html_report_has_a_contents_list_of_its_sections(results, words) -> None:
    html = render(results["cat2-violent-12-months.yaml"], "html", "auditor", FIXED, words)
    assert '<nav class="contents" aria-label="Contents">' in html
    for anchor in re.findall(r'<a href="#([a-z0-9-]+)">', html):
        assert f'id="{anchor}"' in html
    assert "<nav" not in render(results["cat2-violent-12-months.yaml"], "html", "practitioner", FIXED, words)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_a_practitioner_reads_no_internal_value(results, name: str) -> None:
    text = shown(results[name], "text")
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|[a-z]:[a-z]|\bnull\b|\bTrue\b|\bFalse\b|[{}]", text), \
        re.search(r".*(\b[a-z]+_[a-z_]+\b|[a-z]:[a-z]|\bnull\b|\bTrue\b|\bFalse\b|[{}]).*", text).group(0)


def test_case_text_in_the_printed_margins_cannot_end_the_css_string_or_the_style_sheet(results) -> None:
    result = {**results["cat2-violent-12-months.yaml"], "case_id": 'A"} </style><script>alert(1)</script>\\'}
    html = render(result, "html", "practitioner", FIXED)
    style = html[html.index("<style>"):html.index("</style>")]
    assert "<script" not in style and '"}' not in style.split("@bottom-left", 1)[1].split(";", 1)[0]
    assert "<script>alert" not in html


def test_an_area_shaped_like_a_date_is_text(book) -> None:
    case = read_case(EXAMPLES / "disagreement-imminent-risk-cheshire.yaml", book)
    result = assess(type(case)(**{**case.__dict__, "area": "2026-02-30"}), book)
    assert "2026-02-30's own procedure" in render(result, "text", "auditor", FIXED)


def test_what_a_rule_concludes_is_named_by_its_label_and_codes_read_as_words() -> None:
    """The auditor's report named a fired rule's conclusions by id ('cat2 met: yes', 'advice: yes'), and
    the practitioner's gave the complaint route as its code ('mappa')."""
    from click.testing import CliRunner

    from mappa_rules.cli import main

    examples = EXAMPLES
    auditor = CliRunner().invoke(main, ["assess", str(examples / "cat2-violent-12-months.yaml"), "--audience", "auditor"]).output
    assert "A Category 2 route (CAT-2a to CAT-2f) is met: yes" in " ".join(auditor.split())
    assert "cat2 met:" not in auditor and "level2 criteria met:" not in auditor and "advice:" not in auditor
    practitioner = CliRunner().invoke(main, ["assess", str(examples / "complaint-mappa-appeal-merseyside.yaml")]).output
    assert "Complaint route: MAPPA" in " ".join(practitioner.split())
