"""A caseload summary built as results stream past: counts, and the cases that need a person, most urgent first."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from mappa_rules.plain import show
from mappa_rules.panel import STATUS_TAGS
from mappa_rules.wording import outcome_label

# Why a case needs a person, most urgent first: (key, heading)
NEEDS = (
    ("imminent", "Imminent risk: act now"),
    ("overdue", "A deadline missed"),
    ("rejected", "A proposal or request rejected"),
    ("ambiguous", "A co-ordinator decides: the sources do not settle it"),
    ("undetermined", "Facts missing for an answer"),
)
LISTED_PER_REASON = 200  # cases listed under each reason; every one is counted
LATE = {"within_deadline": "not within its deadline",
        "spoc_notice_compliant": "the SPOC notice does not follow the procedure"}


class CaseloadCollector:
    """Counts by kind, area, status, category, level and urgency, the facts most often missing, and slim
    records of the cases that need a person (bounded, so a national caseload fits in memory)."""

    def __init__(self) -> None:
        self.assessed = 0
        self.statuses: Counter[str] = Counter({status: 0 for status in STATUS_TAGS})
        self.by_kind: Counter[str] = Counter()
        self.by_area: Counter[str] = Counter()
        self.by_category: Counter[str] = Counter()
        self.by_level: Counter[str] = Counter()
        self.firmness: dict[str, dict[str, int]] = {}
        self.blocking: dict[str, dict[str, Any]] = {}
        self.missing: Counter[str] = Counter()
        self.needs: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in NEEDS}
        self.needs_count: Counter[str] = Counter({key: 0 for key, _ in NEEDS})
        self.needing = 0
        self.rulesets: set[tuple[str, str]] = set()

    def add(self, result: dict[str, Any]) -> None:
        """Count one result; keep a slim record of it only if a person must look at it."""
        self.assessed += 1
        self.statuses[result["status"]] += 1
        self.by_kind[show(result["kind"])] += 1
        self.by_area[result["area"] or "(not given)"] += 1
        self.rulesets.add((result["ruleset"]["version"], result["ruleset"]["sha256"]))
        for key, counts in (("category", self.by_category), ("recommended_level", self.by_level)):
            value = _bucket(result, key)
            if value is not None:
                counts[value] += 1
        for key, answer in result.get("answers", {}).items():
            if answer["in_scope"]:
                counts = self.firmness.setdefault(key, {"firm": 0, "provisional": 0, "open": 0, "needs_answer": 0})
                counts[answer["firmness"]] += 1
        question = result.get("next_question")
        if question and result["status"] != "decided":
            entry = self.blocking.setdefault(question["fact"], {"fact": question["fact"], "label": question.get("label"),
                                                                "question": question["question"], "cases": 0})
            entry["cases"] += 1
        for missing in result["missing_facts"]:
            self.missing[missing["label"]] += 1
        reasons = needs_a_person(result)
        self.needing += bool(reasons)
        for key, why in reasons:
            self.needs_count[key] += 1
            if len(self.needs[key]) < LISTED_PER_REASON:
                self.needs[key].append({"case_id": result["case_id"], "kind": result["kind"], "area": result["area"],
                                        "why": why})

    def summary(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        """The summary the caseload report renders; read = assessed + invalid."""
        return {
            "read": self.assessed + len(errors), "assessed": self.assessed, "invalid": len(errors),
            "statuses": dict(self.statuses), "by_kind": _ordered(self.by_kind), "by_area": _ordered(self.by_area),
            "by_category": dict(sorted(self.by_category.items())), "by_level": dict(sorted(self.by_level.items())),
            "needing_a_person": self.needing,
            "needs_a_person": [{"reason": key, "heading": heading, "cases": self.needs_count[key], "listed": self.needs[key]}
                               for key, heading in NEEDS],
            "most_missing": [{"fact": label, "cases": n} for label, n in list(_ordered(self.missing).items())[:10]],
            "errors": errors, "rulesets": sorted(self.rulesets),
            "firmness": dict(sorted(self.firmness.items())),
            "blocking_questions": sorted(self.blocking.values(), key=lambda e: (-e["cases"], e["fact"]))[:10],
        }


def needs_a_person(result: dict[str, Any]) -> list[tuple[str, str]]:
    """Why a case needs a person, if it does: (reason, in words), most urgent first."""
    outcomes = result["outcomes"]
    found = [("imminent", fired["because"]) for fired in result["fired"] if fired.get("urgent")][:1]
    late = [words for key, words in LATE.items() if outcomes.get(key) is False]
    if late:
        due = f" (due {show(outcomes['deadline'])})" if isinstance(outcomes.get("deadline"), str) else ""
        found.append(("overdue", "; ".join(late) + due))
    if outcomes.get("invalid_reason"):
        found.append(("rejected", outcomes["invalid_reason"]))
    if result["status"] == "ambiguous":
        found.append(("ambiguous", "; ".join(f"{outcome_label(a['outcome'])}: {a['reason']}" for a in result["ambiguities"])))
    elif result["status"] == "undetermined":
        labels = [m["label"] for m in result["missing_facts"]]
        found.append(("undetermined", "needs " + ", ".join(labels[:5]) + (f" and {len(labels) - 5} more" if len(labels) > 5 else "")))
    return found


def _ordered(counts: Counter[str]) -> dict[str, int]:
    """Largest first, then by name: the same counts always in the same order."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _bucket(result: dict[str, Any], key: str) -> str | None:
    if key in result["outcomes"]:
        value = result["outcomes"][key]
        return "not eligible" if value is None else show(value)
    if any(a["outcome"] == key for a in result["ambiguities"]):
        return "open (ambiguous)"
    if key in result.get("undetermined", []):
        return "undetermined"
    return None


def load_errors(path: Path) -> list[dict[str, Any]]:
    """The error rows of a batch run."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
