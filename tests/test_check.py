"""`mappa check`: clean on the shipped rulesets, finds each planted defect, and agrees with the engine.

The check evaluates every input combination at once as decision diagrams. Its verdicts are only
worth having if they are the engine's verdicts: so the diagrams are compared with the real
evaluator (durable-rules) on every combination of the planted fixture and on random combinations
of every shipped kind, rule by rule and derived fact by derived fact.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mappa_rules import calendar
from mappa_rules.case import case_from_data
from mappa_rules.check import check, check_kind
from mappa_rules.cli import main
from mappa_rules.errors import CaseError, MappaError
from mappa_rules.evaluator import Evaluation, run
from mappa_rules.loader import load_library, load_rulebook
from mappa_rules.space import MISSING, Given
from mappa_rules.symbolic import Symbolic

PLANTED = Path(__file__).parent / "fixtures" / "planted"
DATES = [dt.date(2026, 12, 18), dt.date(2026, 12, 24), dt.date(2027, 1, 4), dt.date(2027, 1, 11), dt.date(2027, 2, 6)]


def test_the_shipped_rulesets_are_clean_in_every_version_and_kind() -> None:
    reports = check()
    assert {(r.version, r.input_kind) for r in reports} == {
        (book.version, kind) for book in load_library().versions for kind in book.kinds}
    assert [f for r in reports for f in r.findings] == []
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 findings in 10 checks\n")


def test_each_planted_defect_is_found_with_its_count_place_and_examples() -> None:
    [report] = check(PLANTED)
    found = {(f.kind, f.subject): f for f in report.findings}
    assert set(found) == {("gap", "band"), ("conflict", "band"), ("masked", "RISK-CUSTODY.low"),
                          ("dead_rule", "RISK-MEDIUM"), ("dead_rule", "RISK-SH"), ("never_concluded", "escalated")}
    assert report.total == 81
    gap = found["gap", "band"]
    assert gap.count == 1
    assert gap.examples == ("identifiable_indicators is yes; harm_more_likely_than_not_imminently is no; "
                            "impact_serious is no; in_custody is no",)
    conflict = found["conflict", "band"]
    assert conflict.count == 6
    assert conflict.examples[0].endswith("-> RISK-LOW gives low; RISK-VERYHIGH gives high")
    masked = found["masked", "RISK-CUSTODY.low"]
    assert masked.count == 9 and "RISK-CUSTODY overrides it" in masked.message
    lines = (PLANTED / "planted.yaml").read_text().splitlines()
    for finding in report.findings:
        assert finding.file and finding.line
        assert finding.subject in lines[finding.line - 1], finding


def test_the_planted_counts_are_the_engines_combination_by_combination() -> None:
    book = load_rulebook(PLANTED).for_kind("case")
    sym = Symbolic(book)
    observed = {"gap": 0, "conflict": 0, "masked": 0}
    for choice in itertools.product(*(range(len(v.values)) for v in sym.space.variables)):
        ev = _agree(sym, list(choice), random.Random(0))
        state = _observed(ev, "band")
        observed["gap"] += state == ("closed", None)
        observed["conflict"] += state[0] == "conflict"
        observed["masked"] += ev.verdicts["RISK-CUSTODY.low"] is True
        assert ev.verdicts["RISK-MEDIUM"] is not True and ev.verdicts["RISK-SH"] is not True
    assert observed == {"gap": 1, "conflict": 6, "masked": 9}


@pytest.mark.parametrize("version", [0, 1])
def test_the_diagrams_agree_with_the_engine_on_random_combinations_of_every_kind(version: int) -> None:
    book = load_library().versions[version]
    rng = random.Random(7)
    for kind in book.kinds:
        sym = Symbolic(book.for_kind(kind))
        for _ in range(150):
            _agree(sym, [_pick(v.values, rng) for v in sym.space.variables], rng)


def _pick(values: tuple[Any, ...], rng: random.Random) -> int:
    """A value's position, 'not given' one time in twelve: uniform picks leave most cases refused or undetermined."""
    given = [at for at, value in enumerate(values) if value is not MISSING]
    if len(given) < len(values) and rng.random() < 1 / 12:
        return values.index(MISSING)
    return rng.choice(given)


def test_the_real_defect_the_check_found_is_caught_when_planted_back(draft: Path) -> None:
    """A disqualification order with Category 3 once left `eligible` to the closed world: 'not eligible'."""
    path = draft / "categories.yaml"
    text = path.read_text()
    fixed = "        - {fact: cat3_met, is: true}\n    then:\n      set: {category_open: true, eligible: true}"
    assert fixed in text
    path.write_text(text.replace(fixed, "        - {fact: cat3_candidate, is: true}\n    then:\n      set: {category_open: true}"))
    [report] = [r for r in check(draft, ["case"]) if r.version == load_rulebook(draft).version]
    [gap] = report.findings
    assert (gap.kind, gap.subject) == ("gap", "eligible") and gap.count > 0
    facts = gap.example_facts[0]
    book = load_rulebook(draft)
    from mappa_rules.explain import assess

    result = assess(case_from_data({"facts": facts}, book), book, firmness=False)  # the rules' own answer
    assert result["outcomes"]["eligible"] is False
    assert any(a["outcome"] == "category" and a["candidates"] == [2, 3] for a in result["ambiguities"])


def test_an_unbound_value_is_found(draft: Path) -> None:
    path = draft / "escalation.yaml"
    text = path.read_text()
    rule = ("        - {fact: concern_date, is_not: null}\n    then: {set: {deadline: {fact: concern_date}}}")
    assert rule in text
    path.write_text(text.replace(rule, "        - any: [{fact: concern_date, is_not: null}, {fact: level3_report_date, is_not: null}]\n"
                                       "    then: {set: {deadline: {fact: level3_report_date}}}"))
    book = load_rulebook(draft)
    [report] = [r for r in check(draft, ["disagreement"]) if r.version == book.version]
    [finding] = report.findings
    assert (finding.kind, finding.subject) == ("unbound", "ESC-IMM.deadline")
    assert "'level3_report_date'" in finding.message and "level3_report_date is not given" in finding.examples[0]
    assert finding.file == str(draft / "escalation.yaml")
    facts = {**finding.example_facts[0], "concern_date": "2026-11-23"}  # a Monday, a working day
    facts.pop("concern_on_working_day")  # computed from concern_date
    area = facts.pop("area")
    with pytest.raises(KeyError, match="level3_report_date"):  # what the check warned of
        run(case_from_data({"kind": "disagreement", "area": area, "facts": facts}, book), book)


def test_the_cli_exits_1_on_findings_and_speaks_json() -> None:
    result = CliRunner().invoke(main, ["check", str(PLANTED), "--examples", "1"])
    assert result.exit_code == 1
    assert "MASKED RULE RISK-CUSTODY.low" in result.output and result.output.endswith("6 findings in 1 check\n")
    result = CliRunner().invoke(main, ["check", str(PLANTED), "--format", "json", "--examples", "0"])
    [report] = json.loads(result.output)
    assert result.exit_code == 1 and report["combinations"] == 81
    assert {f["kind"] for f in report["findings"]} == {"gap", "conflict", "masked", "dead_rule", "never_concluded"}
    assert all(f["examples"] == [] for f in report["findings"])


def test_bad_options_and_broken_rulesets_are_one_line_errors(draft: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--kind", "cases"])
    assert result.exit_code == 2
    assert result.output.strip() == "mappa: error: --kind: unknown kind 'cases' (kinds: case, complaint, disagreement, meeting_notice, referral)"
    (draft / "risk.yaml").write_text((draft / "risk.yaml").read_text().replace("is: false}", "is: maybe}", 1))
    result = CliRunner().invoke(main, ["check", str(draft)])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1 and "RISK-LOW" in result.output


def test_a_space_too_big_for_the_node_budget_is_a_clear_error() -> None:
    with pytest.raises(MappaError, match=r"kind 'case': too large to check \(more than 500 decision-diagram nodes\)"):
        check_kind(load_rulebook(), "case", max_nodes=500)


def test_check_kind_reports_the_excluded_and_open_combinations() -> None:
    book = load_rulebook()
    report = check_kind(book, "case")
    assert 0 < report.refused < report.total and 0 < report.open_questions < report.total
    assert report.to_json()["declared_open_questions"] == report.open_questions


# --- helpers ---------------------------------------------------------------------------------
def _agree(sym: Symbolic, choice: list[int], rng: random.Random) -> Evaluation | None:
    """Evaluate one combination with the engine and assert the diagrams say the same, rule by rule."""
    book, space, d = sym.book, sym.space, sym.diagram
    data = space.case_document(choice, lambda fact: rng.choice(DATES).isoformat())
    refused = sym.any_of([sym.fires(r) for r in book.rules if r.then.reject])
    case = case_from_data(data, book, "sample")
    known = dict(case.facts)
    for name, spec in book.computed.items():
        computed = calendar.compute(*spec.function, known, book.start_convention)  # type: ignore[arg-type]
        if computed is not None:
            known[name] = computed.value
    for level, variable in enumerate(space.variables):
        if variable.computed_from:
            choice[level] = variable.index(known[variable.name]) if variable.name in known else 0
    try:
        ev = run(case, book)
    except CaseError:
        assert d.evaluate(refused, choice) is True, data
        return None
    assert d.evaluate(refused, choice) is False, data
    for rule in book.rules:
        assert d.evaluate(sym.verdict(rule), choice) == ev.verdicts[rule.id], (rule.id, data)
    for name in book.derived:
        state = d.evaluate(sym.state(name), choice)
        how, value = _observed(ev, name)
        assert state.how == how, (name, data, state)
        if how in ("set", "closed") and not _symbolic(state.value):
            assert _same(state.value, value), (name, data, state, value)
    return ev


def _observed(ev: Evaluation, name: str) -> tuple[str, Any]:
    """How the engine settled a derived fact: (how, value), in `symbolic.State` terms."""
    book = ev.book
    ambiguities = [a for a in ev.ambiguities if a.derived == name]
    if ambiguities:
        opened = all(name in (book.rule(r).then.ambiguous or {}) for a in ambiguities for r in a.rules)
        return ("open" if opened else "conflict", None)
    if name not in ev.known:
        return ("unknown", None)
    fired = any(ev.verdicts.get(r.id) is True and name in r.sets for r in book.setters(name))
    return ("set" if fired else "closed", ev.known[name])


def _symbolic(value: Any) -> bool:
    """A value the diagrams hold only as a placeholder (a date, the earliest of several dates)."""
    if isinstance(value, tuple):
        return value[:1] == ("earliest of",) or any(_symbolic(v) for v in value)
    return isinstance(value, Given)


def _same(a: Any, b: Any) -> bool:
    if isinstance(b, list):
        b = tuple(b)
    return type(a) is type(b) and a == b or (isinstance(a, (int, float)) and not isinstance(a, bool) and a == b)
