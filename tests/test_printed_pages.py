"""Every report, printed from Chromium to A4: each page carries the marking, its reference and "Page n of N"."""

from __future__ import annotations


import pytest

from mappa_rules import MARKING

from browser import page_texts, print_to_pdf, require_chromium, sample_reports



@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[list[str], str]]:
    require_chromium()
    folder = tmp_path_factory.mktemp("printed")
    return {name: (page_texts(print_to_pdf(page, folder / f"{name}.pdf")), reference)
            for name, (page, reference) in sample_reports(folder).items()}


def test_every_report_type_is_printed(printed) -> None:
    assert {"decided-practitioner", "urgent-auditor", "caseload", "diff", "traceability"} <= set(printed)


def test_every_printed_page_carries_the_marking_the_reference_and_its_number(printed) -> None:
    for name, (pages, reference) in printed.items():
        assert pages, f"{name} printed no page"
        for number, text in enumerate(pages, start=1):
            flat = " ".join(text.split())
            assert MARKING in flat, f"{name} page {number} has no marking"
            assert reference in flat, f"{name} page {number} does not name {reference!r}"
            assert f"Page {number} of {len(pages)}" in flat, f"{name} page {number}: no 'Page {number} of {len(pages)}'"


def test_no_printed_page_is_left_holding_only_the_frame(printed) -> None:
    """A page with nothing but the marking, reference and page number is a wasted sheet (the old footer page)."""
    for name, (pages, reference) in printed.items():
        for number, text in enumerate(pages, start=1):
            body = " ".join(text.split())
            for frame in (MARKING, reference, f"Page {number} of {len(pages)}"):
                body = body.replace(frame, "")
            assert len(body.strip()) > 80, f"{name} page {number} holds only the frame: {text!r}"


def test_the_short_practitioner_report_fits_two_pages(printed) -> None:
    assert len(printed["decided-practitioner"][0]) <= 2
