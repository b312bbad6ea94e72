"""The decision record as people read it: a record's report as it was, with the decisions on it,
listings and exports (the store itself is `record.py`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any, Iterator, TextIO

from mappa_rules import MARKING
from mappa_rules.chain import recommended
from mappa_rules.compact import COMPACT, expand
from mappa_rules.errors import OptionError
from mappa_rules.loader import Library
from mappa_rules.plain import show
from mappa_rules.ruleset import Rulebook
from mappa_rules.record import Store, export_rows
from mappa_rules.wording import either, outcome_label

EXPORT_COLUMNS = ("marking", "seq", "type", "case_id", "case_kind", "area", "as_of", "status", "outcome", "value", "reason",
                  "refers_to", "ruleset_name", "ruleset_version", "ruleset_sha256", "tool_version", "recorded_by",
                  "recorded_at", "source_key", "previous_hash", "hash", "facts", "result")


def result_of(record: dict[str, Any], library: Library) -> dict[str, Any]:
    """The full result an assessment record holds: as written, or expanded from its compact line."""
    if record["type"] != "assessment":
        what = {"override": "a professional decision", "checkpoint": "a retention purge's checkpoint"}.get(record["type"], "not an assessment")
        raise OptionError(f"record {record['seq']} is {what}, not an assessment: show the record it refers to "
                          f"({record['refers_to']})" if record["refers_to"] else f"record {record['seq']} is {what}, not an assessment")
    result = json.loads(record["result"])
    if result.get("detail") == COMPACT:
        result = expand(result, library, f"record {record['seq']}")
    return result


def decision_view(record: dict[str, Any], decisions: list[dict[str, Any]], result: dict[str, Any]) -> dict[str, Any]:
    """What a report shows of a record: when and by whom it was made, its hash, and each professional
    decision on it beside the recommendation, the latest for each outcome marked."""
    latest = {d["outcome"]: d["seq"] for d in decisions}
    shown = []
    for d in decisions:
        decided, given = json.loads(d["value"]), recommended(result, d["outcome"])
        shown.append({"seq": d["seq"], "outcome": d["outcome"], "label": outcome_label(d["outcome"]),
                      "recommended": given, "decided": decided, "agrees": decided == given,
                      "reason": d["reason"], "by": d["recorded_by"], "at": d["recorded_at"], "latest": latest[d["outcome"]] == d["seq"],
                      "words": f"{show(given)} recommended; {show(decided)} decided"
                               f"{' (agrees)' if decided == given else ' (differs)'} by {d['recorded_by']} on "
                               f"{show(d['recorded_at'][:10])}: {d['reason']}"})
    return {"seq": record["seq"], "recorded_at": record["recorded_at"], "recorded_by": record["recorded_by"],
            "hash": record["hash"], "ruleset_version": record["ruleset_version"], "decisions": shown}


def listing_lines(rows: list[dict[str, Any]], decided: set[int]) -> Iterator[str]:
    """A listing as text: one line a record, in plain words."""
    yield MARKING
    if not rows:
        yield "No records."
        yield MARKING
        return
    yield f"{'record':>7}  {'recorded (UTC)':<19}  {'what':<10}  {'case':<20}  detail"
    for row in rows:
        what = {"assessment": "assessed", "override": "decided", "checkpoint": "purged"}[row["type"]]
        if row["type"] == "assessment":
            detail = f"{show(row['case_kind'])}, {row['status']}" + (", with a professional decision" if row["seq"] in decided else "")
        elif row["type"] == "override":
            detail = f"{outcome_label(row['outcome'])}: {show(json.loads(row['value']))} (on record {row['refers_to']})"
        else:
            mark = json.loads(row["value"])
            detail = f"{_records(mark['removed'])} before {mark['before']} removed: {' '.join(row['reason'].split())}"
        yield f"{row['seq']:>7}  {row['recorded_at'][:19].replace('T', ' '):<19}  {what:<10}  {(row['case_id'] or '-')[:20]:<20}  {detail}"
    yield MARKING  # at the foot too, as every report


def _records(count: int) -> str:
    return f"{count} record{'' if count == 1 else 's'}"


def book_for(record: dict[str, Any], library: Library) -> Rulebook:
    """The rules an assessment record was made under (by its sha256; else the current version), for its kind."""
    book = next((b for b in library.versions if b.sha256 == record["ruleset_sha256"]), library.current)
    if record["case_kind"] not in book.kinds:
        raise OptionError(f"record {record['seq']}: made under rules with a kind of case these rulesets do not have "
                          f"({show(record['case_kind'])}); decide on it where those rules are installed (--rulesets)")
    return book.for_kind(record["case_kind"])


def decided_value(text: str, outcome: str, book: Rulebook) -> Any:
    """A decided value as a person gives it (on the command line or a form), read as the outcome
    takes it: yes or no, one of its numbers or its values in words, levels as "1, 2", a date, or
    none. Anything the outcome cannot be is refused, saying what it can be."""
    given = " ".join(text.split())
    if not given:
        raise OptionError("--value: say what was decided (or none)")
    if given.lower() in ("none", "null"):
        return None
    spec = next((d for d in book.derived.values() if d.outcome == outcome), None)
    if spec is None:  # not an outcome of this kind: the record says which are
        return given
    label = outcome_label(outcome)
    if spec.type == "bool":
        word = given.lower()
        if word in ("yes", "y", "true"):
            return True
        if word in ("no", "n", "false"):
            return False
        raise OptionError(f"--value: {label} is yes or no (or none)")
    if spec.type in ("int", "levels"):  # as a co-ordinator writes it: "Level 2", "Cat 2", "two", "2 or 3"
        given = re.sub(r"^(?:levels?|category|cat\.?|l)\s*", "", given, flags=re.IGNORECASE)
        given = re.sub(r"\b(one|two|three|four)\b", lambda m: str(NUMBER_WORDS[m.group(1).lower()]), given, flags=re.IGNORECASE)
        given = re.sub(r"\b(\d+)\.0\b", r"\1", given).replace(" or ", ", ")
        allowed = spec.values or ([1, 2, 3] if spec.type == "levels" else None)
        words = [w for w in re.split(r"\s*(?:,|\band\b|\s)\s*", given.strip("[]() ")) if w]
        numbers = [int(w) for w in words if re.fullmatch(r"-?[0-9]{1,3}", w)]
        if len(numbers) != len(words) or (spec.type == "int" and len(numbers) != 1) or \
                any(allowed is not None and n not in allowed for n in numbers):
            choices = either(allowed) if allowed else "a whole number"
            raise OptionError(f"--value: {label} is {choices}" + (", or several of them" if spec.type == "levels" else "")
                              + " (or none)")
        return sorted(set(numbers)) if spec.type == "levels" else numbers[0]
    if spec.type == "enum":
        code = re.sub(r"[\s-]+", "_", given.lower())
        if code not in (spec.values or []):
            raise OptionError(f"--value: {label} is {either(spec.values or [])} (or none)")
        return code
    if spec.type == "date":
        try:
            return dt.date.fromisoformat(given).isoformat()
        except ValueError:
            raise OptionError(f"--value: {label} is a date, as YYYY-MM-DD (or none)") from None
    if len(given) > 200 or not given.isprintable():
        raise OptionError("--value: in one line of at most 200 characters")
    known = dict.fromkeys(rule.sets[name] for name, d in book.derived.items() if d.outcome == outcome
                          for rule in book.setters(name) if isinstance(rule.sets.get(name), str))
    for value in known:  # a value the rules give, as a person writes it ("MAPPA" for mappa)
        if given.lower() in (value.lower(), show(value).lower()):
            return value
    return given


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4}



def write_export(store: Store, fmt: str, out: TextIO) -> int:
    """Every record as JSON Lines or CSV, each carrying the protective marking; how many. In CSV a
    cell a spreadsheet would run as a formula (=, +, -, @ first) is written with a ' before it."""
    count = 0
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="raise") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for row in export_rows(store):
        if writer:
            writer.writerow({k: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
                             for k, v in row.items()})
        else:
            out.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_text(store: Store, fmt: str) -> str:
    """An export as one text (for small records and tests)."""
    buffer = io.StringIO()
    write_export(store, fmt, buffer)
    return buffer.getvalue()
