"""`mappa interview`: asks only what can change an answer, takes answers as case files take them, writes the case."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from mappa_rules.case import case_from_data
from mappa_rules.cli import main
from mappa_rules.explain import assess
from mappa_rules.interview import Interview, parse_answer
from mappa_rules.loader import load_library


def interview(tmp_path: Path, start: str, answers: list[str], *options: str) -> tuple[str, Path]:
    case = tmp_path / "start.yaml"
    case.write_text(start)
    done = tmp_path / "done.yaml"
    result = CliRunner().invoke(main, ["interview", str(case), "-o", str(done), *options], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    return result.output, done


REGISTERED = "kind: case\ncase_id: IV-1\nfacts:\n  subject_to_notification_requirements: true\n"


def test_a_registered_offender_is_asked_about_the_level_first_and_the_file_reassesses_the_same(tmp_path: Path) -> None:
    output, done = interview(tmp_path, REGISTERED, ["yes", "high", "no", "stop"])
    first = output.split("Q1. ")[1].splitlines()[0]
    assert "formal multi-agency meetings" in first  # the level, not the sentence
    assert "Category: 1 on the facts given (provisional)" in output
    assert "Recommended level: 2 (firm)" in output
    written = yaml.safe_load(done.read_text())
    assert written["facts"] == {"subject_to_notification_requirements": True, "formal_meetings_add_value": True,
                                "rosh_level": "high", "senior_oversight_required": False}
    again = CliRunner().invoke(main, ["assess", str(done), "--format", "json"])
    result = json.loads(again.output)
    assert result["answers"]["recommended_level"] == {**result["answers"]["recommended_level"], "firmness": "firm", "value": 2}
    assert result["answers"]["category"]["firmness"] == "provisional" and result["answers"]["category"]["value"] == 1


def test_back_changes_the_previous_answer(tmp_path: Path) -> None:
    output, done = interview(tmp_path, REGISTERED, ["no", "back", "yes", "stop"])
    assert "Undone: Formal multi-agency meetings or oversight would add value." in output
    assert yaml.safe_load(done.read_text())["facts"]["formal_meetings_add_value"] is True


def test_uncertain_is_recorded_and_never_asked_again(tmp_path: Path) -> None:
    output, done = interview(tmp_path, REGISTERED, ["uncertain", "high", "stop"])
    facts = yaml.safe_load(done.read_text())["facts"]
    assert facts["formal_meetings_add_value"] == "uncertain"
    asked = [line for line in output.splitlines() if line.startswith("Q")]
    assert sum("formal multi-agency meetings" in line for line in asked) == 1
    result = json.loads(CliRunner().invoke(main, ["assess", str(done), "--format", "json"]).output)
    assert result["uncertain"] == ["formal_meetings_add_value"]
    assert {"fact": "formal_meetings_add_value", "label": "Formal multi-agency meetings or oversight would add value",
            "why": "asked: not known"} in result["not_asked"]


def test_an_invalid_date_is_asked_again(tmp_path: Path) -> None:
    start = "kind: meeting_notice\ncase_id: IV-2\narea: Wirral\nfacts:\n  meeting_date: 2026-12-09\n"
    output, done = interview(tmp_path, start, ["2026-02-30", "2026-11-30", "no", "stop"])
    assert "Not accepted: '2026-02-30' is not a real date (expected YYYY-MM-DD). Please answer again." in output
    facts = yaml.safe_load(done.read_text())["facts"]
    assert facts["spoc_notification_date"] in ("2026-11-30", __import__("datetime").date(2026, 11, 30))
    assert facts["short_notice_meeting"] is False
    assert "SPOC notice follows the procedure: no (firm)" in output


def test_it_stops_when_nothing_more_can_change_an_answer(tmp_path: Path) -> None:
    start = "kind: complaint\ncase_id: IV-3\narea: Merseyside\nfacts:\n  complaint_subject: licence_condition\n"
    output, _ = interview(tmp_path, start, [])
    assert "Nothing more to ask" in output and "Q1." not in output


def test_the_output_is_never_the_input(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(REGISTERED)
    result = CliRunner().invoke(main, ["interview", str(case), "-o", str(case)], input="stop\n")
    assert result.exit_code == 2 and "is the same file as the input" in result.output
    assert case.read_text() == REGISTERED


def test_the_package_interview_is_the_same_logic_without_a_terminal(book) -> None:
    library = load_library()
    session = Interview.start(library, {"facts": {"subject_to_notification_requirements": True}})
    asked = []
    while (question := session.next_question()) is not None and len(asked) < 40:
        asked.append(question["fact"])
        spec = book.facts[question["fact"]]
        session.answer(question["fact"], "no" if spec.type == "bool" else "uncertain")
    assert len(asked) == len(set(asked)) <= len(book.for_kind("case").facts_used)
    final = assess(case_from_data(session.document(), book), book)
    assert all(a["firmness"] in ("firm", "open") or a["firmness"] == "provisional" or not a["in_scope"]
               or any(m["effect"] == "asked: not known" for m in final["missing_facts"]) for a in final["answers"].values())
    assert parse_answer(book, "custody_months", "12") == 12 and parse_answer(book, "sentence_type", "immediate custody") == "immediate_custody"


def test_the_area_can_be_answered_in_an_interview() -> None:
    session = Interview.start(load_library(), {"kind": "disagreement", "facts": {"imminent_risk_of_serious_harm": True}})
    session.answer("area", "Cheshire")
    assert session.document()["area"] == "Cheshire" and "area" not in session.document()["facts"]
    assert session.back() == "area" and "area" not in session.document()


def test_an_interview_carried_by_its_steps_undoes_as_the_original_would() -> None:
    """What a web form carries between requests: the case as it stands and the steps `back` undoes."""
    library = load_library()
    session = Interview.start(library, {"facts": {"subject_to_notification_requirements": True, "offence_type": "violent"}})
    session.answer("offence_type", "sexual")  # replaces a value given at the start
    session.answer("custody_months", "14")    # gives a fact there was none of
    session.answer("area", "Wirral")          # beside the facts
    carried = Interview.start(library, session.document())
    carried.restore_steps(session.steps())
    assert carried.asked == session.asked == 3
    assert session.steps() == [("offence_type", "violent", False), ("custody_months", None, True), ("area", None, True)]
    for _ in range(3):
        assert carried.back() == session.back()
        assert carried.document() == session.document()
    assert carried.document()["facts"] == {"subject_to_notification_requirements": True, "offence_type": "violent"}
    assert carried.back() is None and carried.asked == 0


def test_an_empty_case_of_a_kind_with_only_optional_answers_asks_its_questions() -> None:
    """An empty meeting notice or disagreement read 'DECIDED' with nothing decided, and the interview had
    nothing to ask: no fact given brought an answer into scope. The kind's answers are now asked."""
    library = load_library()
    for kind, first in (("meeting_notice", "area"), ("disagreement", None)):
        session = Interview.start(library, {"kind": kind, "case_id": "EMPTY"})
        result = session.result()
        assert result["status"] == "undetermined" and result["undetermined"], kind
        question = session.next_question()
        assert question is not None and (first is None or question["fact"] == first), (kind, question)
    notice = Interview.start(library, {"kind": "meeting_notice", "case_id": "EMPTY"})
    notice.answer("area", "Liverpool")
    assert notice.next_question()["fact"] == "meeting_date"
