"""A caseload summary built as results stream past: counts, and only the cases that need a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mappa_rules.evaluator import show


class CaseloadCollector:
    """Counts by category, level and status, plus slim records of ambiguous and undetermined cases."""

    def __init__(self) -> None:
        self.assessed = 0
        self.statuses = {"decided": 0, "provisional": 0, "ambiguous": 0, "undetermined": 0}
        self.firmness: dict[str, dict[str, int]] = {}
        self.blocking: dict[str, dict[str, Any]] = {}
        self.by_category: dict[str, int] = {}
        self.by_level: dict[str, int] = {}
        self.ambiguous: list[dict[str, Any]] = []
        self.undetermined: list[dict[str, Any]] = []
        self.rulesets: set[tuple[str, str]] = set()

    def add(self, result: dict[str, Any]) -> None:
        """Count one result; keep it (slimmed) only if a co-ordinator must look at it."""
        self.assessed += 1
        self.statuses[result["status"]] += 1
        self.rulesets.add((result["ruleset"]["version"], result["ruleset"]["sha256"]))
        for key, counts in (("category", self.by_category), ("recommended_level", self.by_level)):
            value = _bucket(result, key)
            if value is not None:
                counts[value] = counts.get(value, 0) + 1
        for key, answer in result.get("answers", {}).items():
            if answer["in_scope"]:
                counts = self.firmness.setdefault(key, {"firm": 0, "provisional": 0, "open": 0, "needs_answer": 0})
                counts[answer["firmness"]] += 1
        question = result.get("next_question")
        if question and result["status"] != "decided":
            entry = self.blocking.setdefault(question["fact"], {"fact": question["fact"], "label": question.get("label"),
                                                                "question": question["question"], "cases": 0})
            entry["cases"] += 1
        slim = {"case_id": result["case_id"], "ambiguities": result["ambiguities"], "undetermined": result["undetermined"],
                "missing_facts": [{"fact": m["fact"]} for m in result["missing_facts"]]}
        if result["status"] == "ambiguous":
            self.ambiguous.append(slim)
        elif result["status"] == "undetermined":
            self.undetermined.append(slim)

    def summary(self, errors: list[dict[str, Any]]) -> dict[str, Any]:
        """The summary the caseload report renders; read = assessed + invalid."""
        return {
            "read": self.assessed + len(errors), "assessed": self.assessed, "invalid": len(errors),
            "statuses": self.statuses, "by_category": dict(sorted(self.by_category.items())),
            "by_level": dict(sorted(self.by_level.items())), "ambiguous": self.ambiguous,
            "undetermined": self.undetermined, "errors": errors, "rulesets": sorted(self.rulesets),
            "firmness": dict(sorted(self.firmness.items())),
            "blocking_questions": sorted(self.blocking.values(), key=lambda e: (-e["cases"], e["fact"]))[:10],
        }

    def render(self, fmt: str, errors: list[dict[str, Any]]) -> str:
        """The caseload summary report."""
        from mappa_rules.report import render_summary

        return render_summary(self.summary(errors), fmt)


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
