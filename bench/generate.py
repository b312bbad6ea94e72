"""Generate a seeded synthetic MAPPA caseload as JSON Lines (or CSV) for the batch benchmark.

The mix is roughly what the national figures suggest: mostly Category 1 (registered), a third
Category 2, a few Category 3 and 4; most cases at Level 1; a few per cent with a fact missing and
a few per cent invalid (a wrong type, an unknown fact, a contradiction).

    python bench/generate.py 100000 caseload.jsonl [--seed 7] [--csv] [--distinct]

`--distinct` gives every custodial term its own fraction of a month (never across a whole month), so
no two cases with a custodial term share the facts the rules read: a caseload on which remembering
earlier answers cannot help, for measuring honestly.
"""

from __future__ import annotations

import argparse
import csv
import json
import random

NEUTRAL = {"subject_to_notification_requirements": False, "disqualification_order": False,
           "terrorism_offence_conviction": False, "terrorist_connection_found_by_court": False,
           "ra_believes_terrorism_risk": False}
AREAS = ["Merseyside", "Liverpool", "Cheshire", "Telford", "Wirral", "Sefton", "Kent"]


def case(rng: random.Random, number: int, distinct: bool = False) -> dict:
    kind = rng.random()
    facts: dict = dict(NEUTRAL)
    if kind < 0.55:  # Category 1
        facts.update(outcome="conviction", offence_type="sexual", offence_schedule15=True, sentence_type=rng.choice(
            ["immediate_custody", "suspended_sentence", "community_order"]), subject_to_notification_requirements=True,
            licence_or_order_in_force=rng.random() < 0.4)
        if facts["sentence_type"] != "community_order":
            facts["custody_months"] = rng.choice([6, 11, 12, 18, 30, 48])
    elif kind < 0.88:  # Category 2 (or just below its threshold)
        facts.update(outcome="conviction", offence_type="violent", offence_schedule15=True,
                     sentence_type=rng.choice(["immediate_custody", "immediate_custody", "suspended_sentence", "dto", "hospital_order"]),
                     offence_indicates_serious_harm_capacity=rng.random() < 0.5, requires_level2_or_3_management=False,
                     licence_or_order_in_force=rng.random() < 0.9)
        if facts["sentence_type"] != "hospital_order":
            facts["custody_months"] = rng.choice([10, 11, 12, 12, 14, 24, 36, 60])
    elif kind < 0.96:  # Category 3 candidates
        facts.update(outcome=rng.choice(["conviction", "formal_caution", "youth_reprimand_or_warning"]), offence_type="other",
                     offence_schedule15=False, sentence_type="community_order", offence_indicates_serious_harm_capacity=True,
                     requires_level2_or_3_management=True)
    else:  # Category 4
        facts.update(outcome="conviction", offence_type="terrorism", offence_schedule15=False, sentence_type="immediate_custody",
                     custody_months=rng.choice([6, 24, 72]), terrorism_offence_conviction=rng.random() < 0.7,
                     ra_believes_terrorism_risk=True, identified_by_ct=rng.random() < 0.8)
    level = rng.random()
    facts["rosh_level"] = rng.choices(["low", "medium", "high", "very_high"], [15, 45, 32, 8])[0]
    facts["formal_meetings_add_value"] = level < 0.3
    facts["active_multiagency_involvement_required"] = level < 0.15
    facts["senior_oversight_required"] = level < 0.03
    facts["lead_agency_can_manage"] = level >= 0.3 or rng.random() < 0.5
    facts["unresolvable_barriers"] = False
    if facts.get("requires_level2_or_3_management"):  # needing Level 2/3 means meetings add value and RoSH is not low
        facts["formal_meetings_add_value"] = True
        facts["rosh_level"] = rng.choices(["medium", "high", "very_high"], [30, 55, 15])[0]
    if rng.random() < 0.03:  # a fact missing
        facts.pop(rng.choice(sorted(facts)))
    if distinct and isinstance(facts.get("custody_months"), int):
        facts["custody_months"] += (number % 999_983) / 1_000_000  # below a whole month, so on the same side of 12
    data = {"case_id": f"SYN-{number:06d}", "area": rng.choice(AREAS), "facts": facts}
    spoil = rng.random()
    if spoil < 0.01:
        facts["custody_months"] = "twelve"
    elif spoil < 0.02:
        facts["custdy_months"] = 12
    elif spoil < 0.03:
        facts.update(outcome="none", sentence_type="fine")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--csv", action="store_true", help="write CSV (one column per fact) instead of JSON Lines")
    parser.add_argument("--distinct", action="store_true", help="no two custodial terms alike (see above)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = (case(rng, n, args.distinct) for n in range(1, args.count + 1))
    with open(args.output, "w", newline="", encoding="utf-8") as handle:
        if not args.csv:
            for data in cases:
                handle.write(json.dumps(data) + "\n")
            return
        rows = [{"case_id": d["case_id"], "area": d["area"], **d["facts"]} for d in cases]
        columns = sorted({c for row in rows for c in row}, key=lambda c: (c not in ("case_id", "area"), c))
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (str(v).lower() if isinstance(v, bool) else v) for k, v in row.items()})


if __name__ == "__main__":
    main()
