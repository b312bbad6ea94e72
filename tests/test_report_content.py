"""What a person reads first and in what words: the answer panel, the reason for a 'no', one date format."""

from __future__ import annotations

import re

import pytest

from mappa_rules.case import read_case
from mappa_rules.explain import assess
from mappa_rules.report import render

from support import EXAMPLES
from test_reports import EXAMPLE_FILES, FIXED, readable

FORMATS = ("text", "md", "html")


@pytest.fixture(scope="module")
def results(book) -> dict[str, dict]:
    return {name: assess(read_case(EXAMPLES / name, book), book) for name in EXAMPLE_FILES}


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


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_nothing_assumed_is_never_said_beside_an_assumption(results, name: str) -> None:
    text = shown(results[name], "text", "auditor")
    assert not ("Nothing has been assumed" in text and "ASSUMED" in text)
