"""The durable-rules integration and its known traps, tested rather than assumed."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import yaml

from mappa_rules.case import case_from_data
from mappa_rules.compiler import compile_rulebook
from mappa_rules.engine import RuleEngine, engine_for
from mappa_rules.errors import EvaluationError
from mappa_rules.explain import assess
from mappa_rules.loader import load_rulebook
from mappa_rules.ruleset import Rule

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_a_fact_fires_every_matching_rule_not_just_one(book) -> None:
    engine = engine_for(book)
    fact = {"rosh_level": "high", "identifiable_indicators": True, "harm_could_happen_any_time": True,
            "impact_serious": True, "harm_more_likely_than_not_imminently": False, "in_custody": True,
            "outcome": "conviction", "offence_schedule15": True, "sentence_type": "immediate_custody",
            "custody_months": 12, "licence_or_order_in_force": True}
    assert set(engine.fire(0, fact)) == {"RISK-HIGH", "RISK-HIGH.oasys", "RISK-CUSTODY", "CAT-2a"}


def test_a_fact_no_rule_matches_is_not_an_error(book) -> None:
    assert engine_for(book).fire(0, {}) == []
    assert engine_for(book).fire(len(book.strata) - 1, {"unrelated": 1}) == []


def test_an_empty_case_evaluates_to_undetermined(run) -> None:
    result = run(neutral=False)
    assert result["status"] == "undetermined"
    assert "outcome" in [m["fact"] for m in result["missing_facts"]]


def test_compiling_gives_a_fresh_spec_each_time(book) -> None:
    first, second = compile_rulebook(book), compile_rulebook(book)
    assert first == second and first is not second
    engine_for(book)  # durable's set_rulesets deletes "run" from what it is given ...
    assert all("run" in rule for spec in compile_rulebook(book).values() for rule in spec.values())


def test_the_same_version_is_registered_once_per_process(book) -> None:
    again = load_rulebook()
    assert engine_for(again) is engine_for(book)


def test_each_kind_of_one_version_has_its_own_engine(book) -> None:
    engines = {kind: engine_for(book.for_kind(kind)) for kind in book.kinds}
    assert len({id(e) for e in engines.values()}) == len(book.kinds)
    assert engine_for(book.for_kind("case")) is engines["case"]


def test_two_versions_side_by_side_in_one_process(draft: Path, run, book) -> None:
    text = (draft / "categories.yaml").read_text().replace("{fact: custody_months, gte: 12}", "{fact: custody_months, gte: 11}", 1)
    (draft / "categories.yaml").write_text(text)
    lowered = load_rulebook(draft)
    assert lowered.sha256 != book.sha256
    facts = {"outcome": "conviction", "offence_schedule15": True, "sentence_type": "immediate_custody",
             "custody_months": 11, "licence_or_order_in_force": True, "offence_indicates_serious_harm_capacity": False}
    for _ in range(3):  # interleaved: each version keeps its own answer
        assert run(**facts)["outcomes"]["eligible"] is False
        assert run(rulebook=lowered, **facts)["outcomes"]["category"] == 2
    assert engine_for(lowered) is not engine_for(book)


def test_a_failure_inside_the_action_loop_is_raised_and_leaves_the_engine_usable(draft: Path) -> None:
    (draft / "risk.yaml").write_text((draft / "risk.yaml").read_text() + "\n# a distinct version\n")
    book = load_rulebook(draft)
    engine = RuleEngine(book)
    names = engine._rules[0]
    engine._rules[0] = {}  # durable names an action the engine does not know
    with pytest.raises(EvaluationError, match=r"^durable-rules failed on stratum 0: "):
        engine.fire(0, {"identifiable_indicators": False})
    engine._rules[0] = names
    assert engine.fire(0, {"identifiable_indicators": False}) == ["RISK-LOW"]  # the state was abandoned and cleared


def test_no_python_action_runs_inside_durable(book) -> None:
    """The actions are read from durable's messages: a Host action would raise (and durable would swallow it)."""
    engine = RuleEngine(load_rulebook())
    with pytest.raises(AssertionError, match="outside mappa's loop"):
        engine._host.get_action("RISK-LOW")(None)
    assert engine.fire(0, {"identifiable_indicators": False}) == ["RISK-LOW"]


def test_durable_and_the_interpreter_must_agree(book, monkeypatch) -> None:
    case = case_from_data({"facts": {"identifiable_indicators": False}}, book)
    real = Rule.holds

    def lying(rule):
        holds = real.func(rule)
        return lambda facts: None if holds(facts) is True else holds(facts)

    monkeypatch.setattr(Rule, "holds", property(lying))  # over every rule's compiled condition
    with pytest.raises(EvaluationError, match="engine disagreement on rule RISK-LOW"):
        assess(case, book)


def test_memory_stays_flat_over_many_evaluations(book) -> None:
    cases = [case_from_data(yaml.safe_load(p.read_text()), book)
             for p in sorted(EXAMPLES.glob("*.yaml"))]

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20

    for case in cases * 20:  # warm up caches and allocator
        assess(case, book)
    before = rss_mb()
    for _ in range(150):
        for case in cases:
            assess(case, book)
    assert rss_mb() - before < 4, "durable state is leaking: each kept fact costs ~8 KB"


def test_threads_get_the_same_answers_as_one_thread(book) -> None:
    cases = [case_from_data(yaml.safe_load(p.read_text()), book) for p in sorted(EXAMPLES.glob("*.yaml"))]
    expected = [assess(c, book) for c in cases]
    results: dict[int, list] = {}

    def work(n: int) -> None:
        results[n] = [assess(c, book) for c in cases * 10]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got in results.values():
        assert got == expected * 10


def test_many_distinct_threads_do_not_exhaust_durable_states(book) -> None:
    """durable keeps each sid's state until deleted and fails at the 1,025th; threads must not add sids.

    The threads stay alive until all have evaluated, so none can reuse another's thread id.
    """
    case = case_from_data({"facts": {"identifiable_indicators": False}}, book)
    errors: list[BaseException] = []
    release = threading.Event()

    def once() -> None:
        try:
            assert assess(case, book)["outcomes"] == {"risk_level": "low"}
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        release.wait(60)

    threads = [threading.Thread(target=once) for _ in range(1100)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join()
    assert errors == []


def test_signals_stay_deferred_until_the_outermost_deferral_ends() -> None:
    import signal

    from mappa_rules.engine import signals_deferred

    def blocked() -> bool:
        return signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])

    assert not blocked()
    with signals_deferred():
        with signals_deferred():  # a stratum inside a case's session
            assert blocked()
        assert blocked()  # the inner end did not lift it
    assert not blocked()


def test_a_session_gives_durable_the_facts_each_stratum_reads(book, monkeypatch) -> None:
    """A fact no condition of the stratum reads is not sent to durable; the verdicts stand."""
    from mappa_rules import engine as engine_module

    sent: list[dict] = []
    real = engine_module.durable_rules_engine.assert_fact

    def watched(handle, fact):
        sent.append(json.loads(fact))
        return real(handle, fact)

    monkeypatch.setattr(engine_module.durable_rules_engine, "assert_fact", watched)
    engine = RuleEngine(load_rulebook())
    with engine.session():
        assert engine.fire(0, {"identifiable_indicators": False, "custody_months": 12, "not_a_fact": [1]}) == ["RISK-LOW"]
    assert sent and set(sent[0]) <= set(engine._reads[0]) | {"mappa_case", "id", "sid"}
    assert "identifiable_indicators" in sent[0] and "not_a_fact" not in sent[0]


@pytest.mark.parametrize("months", [1e-05, 1e-31, 1.5e-07, 0.5])
def test_a_number_python_writes_with_an_exponent_is_read_by_durable(months: float) -> None:
    """durable's parser refused 1e-05 (an exponent without a fraction): a term of a few seconds ended
    the case with 'Could not assert fact, error code: 204'. Now it is assessed like any short term."""
    book = load_rulebook()
    facts = {"custody_months": months, "sentence_type": "immediate_custody", "outcome": "conviction",
             "offence_schedule15": True, "offence_type": "violent", "licence_or_order_in_force": True}
    result = assess(case_from_data({"kind": "case", "case_id": "F", "facts": facts}, book), book)
    assert "CAT-2a" in [u["rule"] for u in result["unmet"]] and "category" not in result["outcomes"]
