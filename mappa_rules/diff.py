"""`mappa diff`: a caseload under two rulesets - which cases change, how, and which rules caused it."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterator

from mappa_rules.batch import Row, chunks, evaluate_row, read_rows
from mappa_rules.plain import show
from mappa_rules.loader import Library, load_rulebook

KEYS = ("status", "eligible", "category", "category4_kind", "recommended_level", "risk_level", "invalid_reason")
_BOOKS: tuple[Library, Library] | None = None


def _init(base: str | None, head: str | None) -> None:
    global _BOOKS
    # each side is one version, compared as a whole whatever the cases' dates
    _BOOKS = (Library([load_rulebook(base)], pinned=True), Library([load_rulebook(head)], pinned=True))


def _pair_chunk(rows: list[Row]) -> list[tuple[Row, str, str]]:
    assert _BOOKS is not None, "worker not initialised"
    return [(row, evaluate_row(row, _BOOKS[0])[2], evaluate_row(row, _BOOKS[1])[2]) for row in rows]


def _pairs(input_path: Path, base: Path | None, head: Path | None, jobs: int) -> Iterator[tuple[Row, str, str]]:
    """Each input row with its base and head lines (result or error), in input order."""
    rows = read_rows(input_path)
    if jobs <= 1:
        _init(str(base) if base else None, str(head) if head else None)
        for chunk in chunks(rows):
            yield from _pair_chunk(chunk)
        return
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(str(base) if base else None, str(head) if head else None)) as pool:
        for batch in pool.map(_pair_chunk, chunks(rows)):
            yield from batch


def _view(line: dict[str, Any]) -> dict[str, Any]:
    """What a reader compares: the status and the main outcomes (or the error)."""
    if "error" in line:
        return {"status": "invalid", "error": line["error"]}
    outcomes = line["outcomes"]
    view: dict[str, Any] = {"status": line["status"]}
    view.update({k: outcomes[k] for k in KEYS[1:] if k in outcomes})
    for key, answer in line.get("answers", {}).items():  # a provisional answer is compared with its firmness
        if key in KEYS[1:] and answer["in_scope"] and answer["firmness"] == "provisional":
            view[key] = f"{show(answer['value'])} (provisional)"
    for ambiguity in line["ambiguities"]:
        view.setdefault(ambiguity["outcome"], "open: " + " or ".join(show(c) for c in ambiguity["candidates"]))
    return view


def diff_caseload(input_path: Path, base: Path | None, head: Path | None, jobs: int = 1) -> dict[str, Any]:
    """Every case whose answer differs between the two rulesets, with the rule differences that explain it."""
    changed, read, invalid, transitions = [], 0, 0, {}
    versions: dict[str, Any] = {}
    for row, base_line, head_line in _pairs(input_path, base, head, jobs):
        read += 1
        before, after = json.loads(base_line), json.loads(head_line)
        for side, line in (("base", before), ("head", after)):
            if "ruleset" in line:
                versions[side] = line["ruleset"]
        old, new = _view(before), _view(after)
        if old["status"] == new["status"] == "invalid":  # under both, whatever each error says
            invalid += 1
            continue
        if old == new:
            continue
        fired_before = {f["rule"] for f in before.get("fired", [])}
        fired_after = {f["rule"] for f in after.get("fired", [])}
        unmet_before = {u["rule"] for u in before.get("unmet", [])}
        unmet_after = {u["rule"] for u in after.get("unmet", [])}
        key = _transition(old, new)
        transitions[key] = transitions.get(key, 0) + 1
        changed.append({
            "row": row.number, "source": row.source, "case_id": after.get("case_id") or before.get("case_id"),
            "before": old, "after": new,
            "fired_only_before": sorted(fired_before - fired_after), "fired_only_after": sorted(fired_after - fired_before),
            "unmet_only_before": sorted(unmet_before - unmet_after), "unmet_only_after": sorted(unmet_after - unmet_before),
            "because_after": [f["because"] for f in after.get("fired", []) if f["rule"] in fired_after - fired_before],
        })
    return {"read": read, "changed": len(changed), "unchanged": read - len(changed) - invalid, "invalid": invalid,
            "transitions": dict(sorted(transitions.items())), "cases": changed,
            "base": versions.get("base"), "head": versions.get("head")}


def _transition(old: dict[str, Any], new: dict[str, Any]) -> str:
    """How a changed case changed, in words: its category if that changed, else its status, else another outcome."""
    if old.get("category", "-") != new.get("category", "-"):
        return f"Category {_category(old)} → {_category(new)}"
    if old["status"] != new["status"]:
        return f"Status {old['status']} → {new['status']}"
    return "Category and status unchanged; another outcome changed"


def _category(view: dict[str, Any]) -> str:
    if "category" not in view:
        return view["status"] if view["status"] in ("invalid", "undetermined") else "does not apply"
    return "none (not eligible)" if view["category"] is None else show(view["category"])
