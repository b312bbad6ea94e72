"""Seeded random cases: durable-rules and the interpreter agree on every rule, and the invariants hold.

Every evaluation cross-checks each rule's durable verdict against the condition interpreter and
raises on any disagreement, so running many generated cases is a differential test of the engine.
"""

from __future__ import annotations

import random

import pytest
import yaml

from mappa_rules.case import case_from_data
from mappa_rules.errors import CaseError
from mappa_rules.explain import assess
from mappa_rules.ruleset import Rulebook

from support import EXAMPLES

CASES = 1500


def generate(book: Rulebook, rng: random.Random) -> dict:
    """A random case over the facts the rules read; each fact absent with some probability."""
    read = set(book.for_kind("case").facts_used)
    facts = {}
    for name in sorted(read):
        spec = book.facts[name]
        if rng.random() < 0.25:
            continue
        if spec.type == "bool":
            facts[name] = rng.random() < 0.5
        elif spec.type == "enum":
            facts[name] = rng.choice(spec.values)
        elif spec.type == "int":
            facts[name] = rng.randint(int(spec.min), int(spec.max))
        elif spec.type == "number":
            facts[name] = rng.choice([0, 6, 11, 11.5, 12, 12.0, 24, 48])
    return {"case_id": "G", "facts": facts}


def mutate(book: Rulebook, example: dict, rng: random.Random) -> dict:
    """An example case with one to three facts changed, added or removed."""
    facts = dict(example["facts"])
    other = generate(book, rng)["facts"]
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(sorted(set(facts) | set(other)))
        if name in facts and rng.random() < 0.3:
            del facts[name]
        elif name in other:
            facts[name] = other[name]
    return {"case_id": "M", "facts": facts}


@pytest.fixture(scope="module")
def generated(book) -> list[tuple[dict, dict]]:
    rng = random.Random(20261123)
    examples = [data for data in (yaml.safe_load(p.read_text()) for p in sorted(EXAMPLES.iterdir()))
                if data.get("kind", "case") == "case"]
    results = []
    while len(results) < CASES:
        data = generate(book, rng) if len(results) % 2 else mutate(book, rng.choice(examples), rng)
        try:
            case = case_from_data(data, book)
            results.append((data, assess(case, book)))
        except CaseError as exc:  # contradictory combinations are refused as VAL-3, never evaluated
            assert exc.cites == ("VAL-3",), exc
    return results


def test_every_outcome_class_is_reached(generated) -> None:
    statuses = {r["status"] for _, r in generated}
    categories = {r["outcomes"].get("category", "absent") for _, r in generated}
    assert statuses == {"decided", "provisional", "ambiguous", "undetermined"}
    assert {1, 2, 3, 4, None} <= categories


def test_category_3_is_never_recommended_level_1(generated) -> None:
    for _, r in generated:
        if r["outcomes"].get("category") == 3:
            assert r["outcomes"].get("recommended_level") != 1
            assert r["outcomes"].get("allowed_levels") in (None, [2, 3])


def test_level_3_implies_the_level_2_criteria(generated) -> None:
    for data, r in generated:
        if r["outcomes"].get("recommended_level") == 3:
            fired = {f["rule"] for f in r["fired"]}
            assert {"LVL-2", "LVL-3"} <= fired, data


def test_a_decided_case_has_nothing_missing_or_open(generated) -> None:
    for _, r in generated:
        if r["status"] == "decided":
            assert not r["ambiguities"] and all(a["firmness"] == "firm" for a in r["answers"].values() if a["in_scope"])
            assert all(m["effect"] in ("none", "asked: not known") for m in r["missing_facts"])  # nothing left can change it
        if r["status"] == "undetermined":
            assert any(a["firmness"] == "needs_answer" for a in r["answers"].values() if a["in_scope"])


def test_removing_a_fact_never_turns_undetermined_into_decided(book, generated) -> None:
    rng = random.Random(7)
    for data, r in generated[:300]:
        if r["status"] != "undetermined" or not data["facts"]:
            continue
        smaller = dict(data["facts"])
        smaller.pop(rng.choice(sorted(smaller)))
        try:
            again = assess(case_from_data({"facts": smaller}, book), book)
        except CaseError:
            continue
        assert again["status"] != "decided"


def test_eligibility_matches_the_category(generated) -> None:
    for _, r in generated:
        o = r["outcomes"]
        if "category" in o and "eligible" in o:
            assert (o["category"] is not None) == o["eligible"]
