"""Compact result lines for batch output, the catalogue they refer to, and their expansion.

A full result (`mappa assess --format json`) repeats on every line what the ruleset alone says: rule
titles and reasons, clause titles and sources, fact labels, every unmet rule's conclusion. A compact
line keeps what is particular to the case: its facts, status, outcomes and their firmness, which
rules fired on which facts, which were not met, what is missing, ambiguous, urgent or due; rule and
clause texts are stated once per results file, in the catalogue beside it. The full line is
recoverable: `expand` assesses the line's own facts again under the ruleset it names (by SHA-256) and
keeps the full result only if it compacts to exactly the line, so nothing is re-derived silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from mappa_rules import MARKING
from mappa_rules.case import UNCERTAIN, case_from_data
from mappa_rules.documents import decode_utf8, parse_text
from mappa_rules.errors import CaseError
from mappa_rules.explain import _concludes, assess
from mappa_rules.loader import Library
from mappa_rules.outputs import refuse_overwriting
from mappa_rules.remember import dumps
from mappa_rules.ruleset import Rulebook

DETAILS = ("compact", "full")
COMPACT = "compact"


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """The compact form of a full result: see the module docstring for what it keeps."""
    line = {key: value for key, value in result.items() if key not in ("citations", "not_asked")}
    line["detail"] = COMPACT
    line["ruleset"] = {key: result["ruleset"][key] for key in ("name", "version", "sha256")}
    line["fired"] = [{"rule": e["rule"], "facts": e["facts"], **({"urgent": True, "because": e["because"]} if e.get("urgent") else {})}
                     for e in result["fired"]]
    line["unmet"] = [e["rule"] for e in result["unmet"]]
    line["missing_facts"] = [{k: v for k, v in e.items() if k != "meaning"} for e in result["missing_facts"]]
    if "answers" in result:
        line["answers"] = {name: {k: _follows_ids(v) if k == "follows_from" else v for k, v in a.items()
                                  if v != [] or k not in ("candidates", "could_change_if")}
                           for name, a in result["answers"].items()}
        line["questions"] = [q["fact"] for q in result["questions"]]
        question = result["next_question"]
        line["next_question"] = question and {k: question.get(k) for k in ("fact", "label", "question", "effect")}
    return line


def _follows_ids(follows: dict[str, Any]) -> dict[str, Any]:
    """An answer's ways in a compact line: rule and fact ids alone (the catalogue has their texts)."""
    return {"routes": [[rule["rule"] for rule in route] for route in follows["routes"]], "facts": [f["fact"] for f in follows["facts"]]}


def catalogue(library: Library) -> dict[str, Any]:
    """What compact lines refer to, once per file: each ruleset version's rules, clauses and facts."""
    return {"marking": MARKING, "detail": COMPACT,
            "note": "Compact results name rules, clauses and facts by id; their texts are here. "
                    "`mappa expand` gives each line's full result again.",
            "rulesets": {book.sha256: _book_catalogue(book) for book in library.versions}}


def _book_catalogue(book: Rulebook) -> dict[str, Any]:
    return {
        "name": book.name, "version": book.version,
        "effective_from": book.effective_from.isoformat() if book.effective_from else None,
        "effective_to": book.effective_to.isoformat() if book.effective_to else None,
        "rules": {r.id: {"title": r.title, "cites": list(r.cites), "because": r.because.strip(), "concludes": _concludes(book, r),
                         **({"urgent": True} if r.urgent else {})} for r in book.rules},
        "clauses": {cid: {"title": c.title, "sources": c.sources} for cid, c in sorted(book.clauses.items())},
        "facts": {name: {"label": spec.label, "meaning": spec.meaning} for name, spec in sorted(book.facts.items())},
    }


class NotRecoverable(CaseError):
    """A compact line whose full result cannot be given again exactly."""


def expand(line: dict[str, Any], library: Library, source: str = "<line>") -> dict[str, Any]:
    """The full result of a compact line: its facts assessed again under the ruleset it names, kept
    only if that result compacts to exactly the line."""
    if not isinstance(line, dict) or line.get("detail") != COMPACT:
        raise NotRecoverable(source, "detail", "not a compact result line (a full line needs no expanding)")
    named = line.get("ruleset") or {}
    book = next((b for b in library.versions if b.sha256 == named.get("sha256")), None)
    if book is None:
        raise NotRecoverable(source, "ruleset", f"made under ruleset version {named.get('version')} "
                             f"(sha256 {str(named.get('sha256'))[:12]}...), which these rulesets do not hold")
    result = assess(case_from_data(case_document(line), book, source), book,
                    (line.get("calendar") or {}).get("start_convention"))
    again = compact(result)
    for key, answer in (again.get("answers") or {}).items():  # lines written before answers said why carry no follows_from
        if "follows_from" in answer and "follows_from" not in ((line.get("answers") or {}).get(key) or {}):
            del answer["follows_from"]
            result["answers"][key].pop("follows_from", None)
    if dumps(again) != dumps(line):  # as text: 1, 1.0 and true are equal as Python values, not in a line
        differs = next((key for key in sorted(line.keys() | again.keys()) if dumps({"": line.get(key)}) != dumps({"": again.get(key)})), "?")
        when = "" if line.get("as_of") else ", or the date (the case gives no as_of, so it is assessed as of today)"
        raise NotRecoverable(source, differs, "assessing the line's facts again gives a different result: "
                             f"the rules or the tool changed since it was written{when}")
    return result


def case_document(line: dict[str, Any]) -> dict[str, Any]:
    """The case a result line was made from: its id, kind, area, date and supplied facts."""
    facts = {name: value for name, value in line["supplied"].items() if name != "area"}
    uncertain = set(line.get("uncertain", ()))
    facts.update({name: UNCERTAIN for name in uncertain if name != "area"})
    area = UNCERTAIN if "area" in uncertain else line.get("area")
    return {"kind": line["kind"], "case_id": line["case_id"], "area": area, "as_of": line["as_of"], "facts": facts}


def expand_file(results: Path, output: Path, errors: Path, library: Library) -> tuple[int, int]:
    """Every line of a compact results file as its full result in `output`; a line that cannot be
    given again goes, with why, to `errors`. (expanded, failed); lines already full are copied."""
    refuse_overwriting([results], [output, errors])
    expanded = failed = 0
    with results.open("rb") as lines, output.open("wb") as out, errors.open("wb") as err:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            source = f"{results.name}:{number}"
            try:
                line = parse_text(decode_utf8(raw, _unreadable(source)), True, _unreadable(source))
                full = line if isinstance(line, dict) and "detail" not in line and "status" in line else expand(line, library, source)
                out.write(dumps(full).encode("utf-8"))
                expanded += 1
            except CaseError as exc:
                err.write(dumps({"line": number, "source": source, **exc.to_json()}).encode("utf-8"))
                failed += 1
    return expanded, failed


def _unreadable(source: str) -> Callable[[str], CaseError]:
    return lambda reason: CaseError(source, None, reason)
