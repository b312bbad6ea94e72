"""Reports: every example in every format and audience, read for what matters, HTML parsed and rendered."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from mappa_rules.case import case_from_data, read_case
from mappa_rules.cli import main
from mappa_rules.errors import CaseError
from mappa_rules.plain import show
from mappa_rules.explain import assess
from mappa_rules.loader import load_rulebook
from mappa_rules.report import OUTCOME_LABELS, glossary, render, render_caseload

from support import EXAMPLES

FIXED = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone.utc)
WORDS = glossary(load_rulebook())
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir())


def readable(report: str, fmt: str) -> str:
    """What a reader sees: HTML text content, Markdown without its escapes, text as it is."""
    if fmt == "html":
        return " ".join(Tree(report).text)
    if fmt == "md":
        return report.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("\\", "")
    return report


class Tree(HTMLParser):
    """A real HTML parse: the tags in order, text, and any reference to something outside the file."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.th_in_table: list[bool] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.th_in_table.append(False)
        if tag == "th" and self.th_in_table:
            self.th_in_table[-1] = True

    def handle_data(self, data):
        self.text.append(data)

    @property
    def headings(self) -> list[int]:
        return [int(tag[1]) for tag, _ in self.tags if tag in ("h1", "h2", "h3", "h4")]


@pytest.mark.parametrize("audience", ["practitioner", "auditor"])
@pytest.mark.parametrize("fmt", ["text", "md", "html"])
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_example_renders_with_what_matters(results, name, fmt, audience) -> None:
    result = results[name]
    report = render(result, fmt, audience, FIXED, WORDS)
    lines = [line for line in report.splitlines() if line.strip()]
    visible = readable(report, fmt)
    assert "OFFICIAL-SENSITIVE" in lines[1 if fmt == "html" else 0] or "OFFICIAL-SENSITIVE" in " ".join(lines[:12])
    assert visible.count("OFFICIAL-SENSITIVE") >= 2 and "OFFICIAL-SENSITIVE" in " ".join(lines[-4:])
    assert "does not replace, professional judgement" in visible
    assert result["case_id"] in visible
    for key in result["outcomes"]:
        assert OUTCOME_LABELS[key] in visible, key
    for ambiguity in result["ambiguities"]:
        assert OUTCOME_LABELS[ambiguity["outcome"]] in visible
    behind = {cid for entry in result["fired"] + result["ambiguities"] + result.get("deadlines", []) for cid in entry["cites"]}
    for cid in result["citations"] if audience == "auditor" else behind:
        assert cid in visible, f"{cid} not in the {fmt} {audience} report of {name}"
    if audience == "practitioner":  # only the clauses behind the answer: not those of rules that did not apply
        assert not [cid for cid in set(result["citations"]) - behind if f"({cid};" in visible]
    for step in result.get("next_steps", []):
        assert step["step"][:60] in visible
    for deadline in result.get("deadlines", []):
        assert show(deadline["date"]) in visible
        if "working day" in deadline["how"]:
            assert result["calendar"]["meaning"] in visible
            assert (result["calendar"]["start_convention"] in visible) == (audience == "auditor")
    if audience == "auditor":
        assert result["ruleset"]["sha256"] in visible and "Mon 23 Nov 2026, 09:30 UTC" in visible
        for fired in result["fired"]:
            assert fired["rule"] in visible
        for unmet in result["unmet"]:
            assert unmet["rule"] in visible
        for cid in result["citations"]:
            assert WORDS.clauses[cid][:60] in visible


def test_missing_facts_are_a_checklist_for_the_auditor_with_their_ids(results) -> None:
    result = results["missing-custody-term.yaml"]
    assert "[ ] Custodial term (months) [custody_months; needed by" in render(result, "text", "auditor")
    assert "- [ ] Custodial term (months) \\[custody\\_months" in render(result, "md", "auditor")
    assert 'class="checklist"' in render(result, "html", "auditor")


def test_a_practitioner_reads_the_questions_in_words_never_fact_or_rule_ids(results) -> None:
    result = results["missing-custody-term.yaml"]
    report = render(result, "text", "practitioner").split("CLAUSES CITED")[0]  # clause titles: the reports issue
    assert "QUESTIONS STILL WORTH ASKING" in report and "These could change an answer, best first:" in report
    assert "How long was the custodial term imposed, in months?" in report
    for fact in result["missing_facts"]:
        assert fact["fact"] not in report.replace(fact["label"], "")
    for rule in {r for m in result["missing_facts"] for r in m["needed_by"]}:
        assert rule not in report


def test_auditor_keeps_supplied_facts_apart_from_derived_ones(results) -> None:
    report = render(results["cat3-other-dangerous-offender.yaml"], "text", "auditor", FIXED, WORDS)
    assert "SUPPLIED FACTS" in report
    assert "A Category 2 route (CAT-2a to CAT-2f) is met  |  no  |  derived by the rules  |  cat2_met" in report
    assert "Index offence disposal route  |  formal caution  |  supplied  |  outcome" in report
    report = render(results["cat2-violent-12-months.yaml"], "text", "auditor", FIXED, WORDS)
    assert "Category 2 licence or order still in force  |  yes  |  supplied  |  licence_or_order_in_force" in report
    assert "assumed (default)" not in report


@pytest.mark.parametrize("audience", ["practitioner", "auditor"])
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_html_is_one_accessible_self_contained_document(results, name, audience) -> None:
    tree = Tree(render(results[name], "html", audience, FIXED))
    tags = [tag for tag, _ in tree.tags]
    assert tags[0] == "html" and dict(tree.tags[0][1])["lang"] == "en-GB"
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert not [attrs for _, attrs in tree.tags if any(str(v).startswith(("http", "//")) for v in attrs.values() if v)]
    levels = tree.headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"headings skip a level: {levels}"
    assert tree.th_in_table and all(tree.th_in_table), "every table has header cells"
    assert all(attrs.get("scope") in ("row", "col") for tag, attrs in tree.tags if tag == "th")


HOSTILE = {"case_id": '<script>alert("x")</script> & <b>bold</b> | *star*', "area": "<img src=x onerror=alert(1)>",
           "facts": {"identifiable_indicators": False}}


def test_case_text_is_escaped_in_html_and_markdown(book) -> None:
    result = assess(case_from_data(HOSTILE, book), book)
    html = render(result, "html", "auditor", FIXED)
    tree = Tree(html)
    assert "script" not in [tag for tag, _ in tree.tags] and "img" not in [tag for tag, _ in tree.tags]
    assert '<script>alert("x")</script>' in " ".join(tree.text)  # shown as text
    markdown = render(result, "md", "auditor", FIXED)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown and "\\*star\\*" in markdown and "\\|" in markdown


def test_reports_are_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = CliRunner().invoke(main, ["assess", str(EXAMPLES / "cat2-violent-12-months.yaml"), "--format", "html",
                                       "--audience", "auditor", "-o", str(out)])
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text().startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(main, ["assess", str(EXAMPLES / "cat2-violent-12-months.yaml"), "-o", str(tmp_path / "no" / "x")])
    assert bad.exit_code == 2 and "cannot be written" in bad.output  # an output it cannot use, as batch


def test_caseload_summary_counts_and_loses_nothing(book, results, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts: {custody_months: -1}")
    errors = []
    try:
        read_case(bad, book)
    except CaseError as exc:
        errors.append({"source": str(bad), **exc.to_json()})
    listed = list(results.values())
    for fmt in ("text", "md", "html"):
        report = render_caseload(listed, errors, fmt, FIXED)
        visible = readable(report, fmt)
        assert visible.count("OFFICIAL-SENSITIVE") >= 2
        assert "EX-AMBIGUOUS-1-2" in visible and "EX-MISSING" in visible and "custody_months" in visible
        assert str(bad) in visible and "must be at least 0" in visible
    summary = json.loads(render_caseload(listed, errors, "json"))
    assert summary["read"] == summary["assessed"] + summary["invalid"] == len(EXAMPLE_FILES) + 1
    assert sum(summary["by_category"].values()) == sum(1 for r in listed if r["kind"] in ("case", "referral"))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_html_renders_in_a_real_browser_to_png_and_pdf(results, tmp_path: Path) -> None:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed: .ci/run must install Debian's chromium so this test runs in CI")
        pytest.skip("Chromium is not installed (apt-get install chromium): the browser rendering test needs it")
    page = tmp_path / "report.html"
    page.write_text(render(results["cat3-other-dangerous-offender.yaml"], "html", "auditor", FIXED))
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    base = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    for extra in ([f"--screenshot={png}", "--window-size=1000,1400"], [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"]):
        done = subprocess.run([*base, *extra, page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.read_bytes().count(b"/Type /Page") >= 2
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout
    assert "OFFICIAL-SENSITIVE" in dom and "CAT-3-LVL" in dom


def test_a_report_is_written_for_its_format_whatever_was_rendered_before(tmp_path: Path) -> None:
    """Compiled templates are kept between runs; Jinja keys them by name and source alone, so after an
    HTML report the text report came from the HTML-compiled template: "Liverpool&#39;s" in plain text
    (and a text-compiled template would write HTML without escaping). Each format has its own now."""
    case = tmp_path / "notice.yaml"
    case.write_text("kind: meeting_notice\ncase_id: MN-3\narea: Liverpool\nfacts:\n  meeting_date: '2027-01-08'\n"
                    "  spoc_notification_date: '2026-12-20'\n  reply_slip_included: false\n")
    mappa = str(Path(sys.executable).with_name("mappa"))
    env = {**os.environ, "MAPPA_CACHE_DIR": str(tmp_path / "cache")}
    for first, then in (("html", "text"), ("text", "html"), ("md", "text")):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        subprocess.run([mappa, "assess", str(case), "--format", first], env=env, check=True, capture_output=True)
        shown = subprocess.run([mappa, "assess", str(case), "--format", then], env=env, check=True, capture_output=True, text=True).stdout
        if then == "text":
            assert "Liverpool's" in shown and "&#39;" not in shown and "&amp;" not in shown, first
        else:
            assert "Liverpool&#39;s" in shown, first
