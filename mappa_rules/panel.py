"""The answer panel that leads every assessment report: how firm the answer is, what to do now, why not more.

Built from the result alone (no rulebook): the status as a tag a person reads, any urgent action as
warning text, a rejected proposal, and for the outcomes not reached the criterion that came closest.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_TAGS: dict[str, tuple[str, str]] = {  # status -> (tag, what it means for the reader)
    "decided": ("Decided", "The answer follows from the facts given."),
    "provisional": ("Provisional", "The answer holds on the facts given: the facts not given could only leave it "
                                   "open, never give another answer."),
    "ambiguous": ("A co-ordinator decides", "The sources do not settle part of this case: a co-ordinator must "
                                            "decide (see Open questions)."),
    "undetermined": ("More facts needed", "Part of the answer needs facts the case does not give (see the "
                                          "questions below)."),
}
REJECTED_TAG = ("Proposal rejected", "What the case proposes does not follow the procedure; the answer below "
                                     "says what does.")


def answer_panel(result: dict[str, Any]) -> dict[str, Any]:
    """What leads the report: `tag` and `meaning` (how firm), `kind` (for styling), `urgent` and `rejected`
    (warning texts), `why_not` (title, criteria) pairs."""
    rejected = result["outcomes"].get("invalid_reason")
    tag, meaning = REJECTED_TAG if rejected else STATUS_TAGS[result["status"]]
    return {
        "tag": tag,
        "meaning": meaning,
        "kind": "rejected" if rejected else result["status"],
        "urgent": [f["because"] for f in result["fired"] if f.get("urgent")],
        "rejected": rejected,
        "why_not": nearest_misses(result),
    }


def nearest_misses(result: dict[str, Any]) -> list[tuple[str, str]]:
    """For each conclusion the case did not reach, the rule that came closest and what it lacked, in plain
    words; rules that fail only on the area or on what other rules concluded are left to the auditor."""
    closest: dict[str, dict[str, Any]] = {}
    for entry in result.get("unmet", []):
        if entry.get("context_only"):
            continue
        key = json.dumps(entry["would_conclude"], sort_keys=True, default=str)  # the same conclusion, reached another way
        if key not in closest or len(entry["criteria"]) < len(closest[key]["criteria"]):
            closest[key] = entry
    return [(entry["title"], "; ".join(entry["criteria"])) for entry in closest.values()]
