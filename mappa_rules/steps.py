"""The step vocabulary of the features: business-language steps plus a generic set, one registry.

A policy lead can state any fact of the vocabulary and assert any outcome, cited clause, unmet
criterion, missing fact or open question without new Python. Both `mappa verify` and the
pytest-bdd tests run steps through `run_step`; a step no pattern matches is an error naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from mappa_rules.case import case_from_data
from mappa_rules.documents import parse_text
from mappa_rules.errors import CaseError
from mappa_rules.explain import assess
from mappa_rules.report import OUTCOME_LABELS, glossary, render
from mappa_rules.ruleset import Rulebook

NEUTRAL = {
    "subject_to_notification_requirements": False, "disqualification_order": False,
    "terrorism_offence_conviction": False, "terrorist_connection_found_by_court": False,
    "ra_believes_terrorism_risk": False,
}
SENTENCES = {"immediate custody": "immediate_custody", "suspended sentence": "suspended_sentence",
             "detention and training order": "dto"}


class StepError(AssertionError):
    """A step that does not hold, or that no definition matches."""


@dataclass
class World:
    """What one scenario has stated and what its assessment gave."""

    book: Rulebook
    kind: str = "case"
    area: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    convention: str | None = None
    result: dict[str, Any] | None = None
    error: CaseError | None = None

    def assessed(self) -> dict[str, Any]:
        if self.error is not None:
            raise StepError(f"the case was refused: {self.error}")
        if self.result is None:
            raise StepError("the case has not been assessed yet (add 'When the case is assessed')")
        return self.result


STEPS: list[tuple[re.Pattern[str], Callable[..., None]]] = []


def step(pattern: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a step; named groups become keyword arguments."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        STEPS.append((re.compile(f"^{pattern}$"), function))
        return function

    return register


def run_step(world: World, text: str) -> None:
    """Run one step's text (without its Given/When/Then keyword)."""
    for pattern, function in STEPS:
        match = pattern.match(text.strip())
        if match:
            function(world, **match.groupdict())
            return
    raise StepError(f"no step definition matches: '{text}'")


def value(text: str) -> Any:
    """A value as a policy lead writes it: true/false, numbers, dates, lists, text; 'none' is null."""
    if text.strip().lower() == "none":
        return None
    return parse_text(text, False, lambda reason: StepError(f"cannot read the value '{text}': {reason}"))


def outcome_key(label: str) -> str:
    """An outcome key from its label or its name ('recommended level', 'Risk of serious harm')."""
    wanted = label.strip().lower().replace("_", " ")
    for key, shown in OUTCOME_LABELS.items():
        if wanted in (key.replace("_", " "), shown.lower()):
            return key
    raise StepError(f"'{label}' is not an outcome (outcomes: {', '.join(OUTCOME_LABELS)})")


# --- Given -----------------------------------------------------------------------------------------

@step(r"an? (?P<kind>case|referral|complaint|disagreement|meeting notice)(?: in (?P<area>.+))?")
def given_kind(world: World, kind: str, area: str | None) -> None:
    world.kind, world.area = kind.replace(" ", "_"), area


@step(r"the area is (?P<area>.+)")
def given_area(world: World, area: str) -> None:
    world.area = area


@step(r"the fact (?P<name>\w+) is (?P<text>.+)")
def given_fact(world: World, name: str, text: str) -> None:
    spec = world.book.facts.get(name)
    is_enum_none = spec is not None and spec.type == "enum" and text.strip() in (spec.values or [])
    world.facts[name] = text.strip() if is_enum_none else value(text)


@step(r"a person convicted of a Schedule 15 offence")
def given_schedule_15(world: World) -> None:
    world.facts.update(outcome="conviction", offence_schedule15=True)


@step(r"sentenced to (?P<months>\d+(?:\.\d+)?) months' (?P<sentence>immediate custody|suspended sentence|detention and training order)")
def given_sentence(world: World, months: str, sentence: str) -> None:
    number = float(months)
    world.facts.update(sentence_type=SENTENCES[sentence], custody_months=int(number) if number.is_integer() else number)


@step(r"the person is registered, with the notification period still running")
def given_registered(world: World) -> None:
    world.facts["subject_to_notification_requirements"] = True


@step(r"the licence or order (?P<state>is still in force|has ended)")
def given_licence(world: World, state: str) -> None:
    world.facts["licence_or_order_in_force"] = state == "is still in force"


@step(r"no other category applies")
def given_no_other_category(world: World) -> None:
    world.facts.update({**NEUTRAL, "offence_indicates_serious_harm_capacity": False})


@step(r"none of the other category routes applies")
def given_no_other_route(world: World) -> None:
    world.facts.update(NEUTRAL)


@step(r"the start convention is (?P<convention>\w+)")
def given_convention(world: World, convention: str) -> None:
    world.convention = convention


# --- When ------------------------------------------------------------------------------------------

@step(r"(?:the case|it|the (?:referral|complaint|disagreement|meeting notice)) is assessed")
def when_assessed(world: World) -> None:
    data = {"kind": world.kind, "case_id": "scenario", "area": world.area, "facts": world.facts}
    try:
        world.result = assess(case_from_data(data, world.book, "scenario"), world.book, world.convention)
    except CaseError as exc:
        world.error = exc


# --- Then ------------------------------------------------------------------------------------------

@step(r"the status is (?P<status>decided|provisional|ambiguous|undetermined)")
def then_status(world: World, status: str) -> None:
    got = world.assessed()["status"]
    if got != status:
        raise StepError(f"expected status {status}, got {got}")


@step(r"the case is refused because \"(?P<words>.+)\"")
def then_refused(world: World, words: str) -> None:
    if world.error is None:
        raise StepError("expected the case to be refused, but it was assessed")
    if words not in str(world.error):
        raise StepError(f"the refusal does not say '{words}': {world.error}")


@step(r"the SPOC notice (?P<verdict>follows|does not follow) the procedure")
def then_spoc_notice(world: World, verdict: str) -> None:
    then_outcome(world, "spoc_notice_compliant", "true" if verdict == "follows" else "false")


@step(r"whether the SPOC notice follows the procedure is undetermined")
def then_spoc_notice_undetermined(world: World) -> None:
    then_undetermined(world, "spoc_notice_compliant")


@step(r"the person is not MAPPA-eligible")
def then_not_eligible(world: World) -> None:
    then_outcome(world, "eligible", "false")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is open until the (?P<other>[A-Za-z0-9 _-]+?) is settled")
def then_open_until(world: World, label: str, other: str) -> None:
    key, rests = outcome_key(label), outcome_key(other)
    answer = world.assessed()["answers"].get(key)
    if answer is None or answer["firmness"] != "open" or rests not in answer.get("rests_on", []):
        raise StepError(f"expected {key} open until {rests} is settled, got {answer}")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is (?P<text>(?!open between|open only between|open until|undetermined|not reported|computed as|\S+ on the facts given|about |not yet known).+)")
def then_outcome(world: World, label: str, text: str) -> None:
    key, expected = outcome_key(label), value(text)
    outcomes = world.assessed()["outcomes"]
    if key not in outcomes:
        raise StepError(f"{key} is not reported (outcomes: {outcomes}; open: {[a['outcome'] for a in world.assessed()['ambiguities']]})")
    if outcomes[key] != expected and str(outcomes[key]) != str(expected):
        raise StepError(f"expected {key} {expected!r}, got {outcomes[key]!r}")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is not reported")
def then_not_reported(world: World, label: str) -> None:
    key = outcome_key(label)
    if key in world.assessed()["outcomes"]:
        raise StepError(f"expected no {key}, got {world.assessed()['outcomes'][key]!r}")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is undetermined")
def then_undetermined(world: World, label: str) -> None:
    key = outcome_key(label)
    if key not in world.assessed()["undetermined"]:
        raise StepError(f"expected {key} undetermined, undetermined: {world.assessed()['undetermined']}")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) (?:is open between|candidates are) (?P<values>.+)")
def then_open(world: World, label: str, values: str) -> None:
    key, expected = outcome_key(label), _candidates(values)
    got = [a["candidates"] for a in world.assessed()["ambiguities"] if a["outcome"] == key]
    if expected not in got:
        raise StepError(f"expected {key} open between {expected}, open questions: {got}")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is open only between (?P<values>.+)")
def then_open_only(world: World, label: str, values: str) -> None:
    key, expected = outcome_key(label), _candidates(values)
    got = [a["candidates"] for a in world.assessed()["ambiguities"] if a["outcome"] == key]
    if not got or any(sorted(map(str, c)) != sorted(map(str, expected)) for c in got):
        raise StepError(f"expected {key} open only between {expected}, open questions: {got}")


def _candidates(values: str) -> list[Any]:
    """Candidates as a policy lead lists them ('1 and 4', '2026-12-26 or 2026-12-29'); dates as ISO text."""
    parsed = [value(v) for v in re.split(r",\s*|\s+and\s+|\s+or\s+", values)]
    return [v.isoformat() if hasattr(v, "isoformat") else v for v in parsed]


@step(r"the rationale cites (?P<clause>\S+)")
def then_cites(world: World, clause: str) -> None:
    cited = {cid for fired in world.assessed()["fired"] for cid in fired["cites"]}
    if clause not in cited:
        raise StepError(f"{clause} is not cited by any rule that fired (cited: {', '.join(sorted(cited))})")


@step(r"the rule (?P<rule>\S+) fires")
def then_fires(world: World, rule: str) -> None:
    fired = [f["rule"] for f in world.assessed()["fired"]]
    if rule not in fired:
        raise StepError(f"{rule} did not fire (fired: {', '.join(fired)})")


@step(r"(?:the rule )?(?P<rule>[A-Z][A-Za-z0-9.-]+) is unmet because \"(?P<criterion>.+)\"")
def then_unmet(world: World, rule: str, criterion: str) -> None:
    unmet = {u["rule"]: u["unmet"] for u in world.assessed()["unmet"]}
    if not any(criterion in text for text in unmet.get(rule, [])):
        raise StepError(f"{rule} is not unmet because '{criterion}' (unmet: {unmet.get(rule)})")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is (?P<text>\S+) on the facts given, (?P<firmness>firmly|provisionally)")
def then_on_the_facts_given(world: World, label: str, text: str, firmness: str) -> None:
    key, expected = outcome_key(label), value(text)
    answer = world.assessed()["answers"].get(key)
    wanted = "firm" if firmness == "firmly" else "provisional"
    if answer is None or answer["firmness"] != wanted or str(answer["value"]) != str(expected):
        raise StepError(f"expected {key} {expected!r} ({wanted}), got {answer and (answer['value'], answer['firmness'])}")


@step(r"the (?P<label>[A-Za-z0-9 _-]+?) is not yet known: it needs an answer")
def then_needs_answer(world: World, label: str) -> None:
    key = outcome_key(label)
    answer = world.assessed()["answers"].get(key)
    if answer is None or answer["firmness"] != "needs_answer":
        raise StepError(f"expected {key} to need an answer, got {answer and answer['firmness']}")


@step(r"it could become open only if (?P<fact>\w+) is (?P<text>.+)")
def then_could_become_open(world: World, fact: str, text: str) -> None:
    expected = value(text)
    ways = [way for entry in world.assessed()["answers"].values() for way in entry["could_change_if"]]
    if not any(way["facts"].get(fact) == expected for way in ways):
        raise StepError(f"no way to open an answer names {fact} = {expected!r} (ways: {[w['facts'] for w in ways]})")


@step(r"the next question is about (?P<fact>\w+)")
def then_next_question(world: World, fact: str) -> None:
    question = world.assessed()["next_question"]
    if question is None or question["fact"] != fact:
        raise StepError(f"expected the next question to be about {fact}, got {question and question['fact']}")


@step(r"the question about (?P<first>\w+) comes before the question about (?P<second>\w+)")
def then_question_order(world: World, first: str, second: str) -> None:
    asked = [q["fact"] for q in world.assessed()["questions"]]
    if first not in asked or second not in asked or asked.index(first) > asked.index(second):
        raise StepError(f"expected {first} to be asked before {second} (questions: {asked})")


@step(r"it is rejected on the facts given, firmly")
def then_rejected_firmly(world: World) -> None:
    result = world.assessed()
    answer = result["answers"].get("invalid_reason")
    if answer is None or answer["firmness"] != "firm" or "invalid_reason" not in result["outcomes"]:
        raise StepError(f"expected a firm rejection, got {answer and answer['firmness']} (outcomes: {result['outcomes']})")


@step(r"there is no question left to ask")
def then_no_question(world: World) -> None:
    question = world.assessed()["next_question"]
    if question is not None:
        raise StepError(f"expected no question left, got one about {question['fact']}")


@step(r"(?P<fact>\w+) is not asked, because \"(?P<words>.+)\"")
def then_not_asked(world: World, fact: str, words: str) -> None:
    entries = {n["fact"]: n["why"] for n in world.assessed()["not_asked"]}
    if words not in entries.get(fact, ""):
        raise StepError(f"{fact} is not listed as not asked because '{words}' (not asked: {entries})")


@step(r"the first advice says \"(?P<words>.+)\"")
def then_first_advice(world: World, words: str) -> None:
    advice = [f["because"] for f in world.assessed()["fired"] if f["concludes"].get("advice")]
    if not advice or words not in advice[0]:
        raise StepError(f"the first advice does not say '{words}' (advice: {advice})")


@step(r"the missing facts include (?P<fact>\w+)")
def then_missing(world: World, fact: str) -> None:
    names = [m["fact"] for m in world.assessed()["missing_facts"]]
    if fact not in names:
        raise StepError(f"{fact} is not among the missing facts {names}")


@step(r"the next steps include (?P<rule>\S+)")
def then_next_step(world: World, rule: str) -> None:
    rules = [s["rule"] for s in world.assessed().get("next_steps", [])]
    if rule not in rules:
        raise StepError(f"{rule} is not a next step (next steps: {rules})")


@step(r"the deadline is computed as \"(?P<how>.+)\"")
def then_deadline_how(world: World, how: str) -> None:
    hows = [d["how"] for d in world.assessed().get("deadlines", [])]
    if not any(how in h for h in hows):
        raise StepError(f"no deadline computed as '{how}' (deadlines: {hows})")


@step(r"the report says \"(?P<words>.+)\"")
def then_report_says(world: World, words: str) -> None:
    report = render(world.assessed(), "text", "auditor", words=glossary(world.book))
    if " ".join(words.split()) not in " ".join(report.split()):  # as read: the text report wraps its lines
        raise StepError(f"the report does not say '{words}'")
