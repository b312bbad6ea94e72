"""An interview: ask the one question that matters next, until every answer is firm or nobody knows more.

The logic lives here, apart from any terminal, so a web form can drive the same interview:
`Interview.next_question()` gives the question (or None), `answer(fact, text)` takes a person's
answer exactly as a case file would (validated the same way; `uncertain` means asked, not known),
`back()` undoes the last answer, and `document()` is the completed case file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mappa_rules.case import UNCERTAIN, case_from_data
from mappa_rules.errors import CaseError, excerpt
from mappa_rules.explain import assess
from mappa_rules.loader import Library
from mappa_rules.ruleset import Rulebook

YES = {"yes", "y", "true", "t"}
NO = {"no", "n", "false", "f"}
NOT_KNOWN = {UNCERTAIN, "not known", "unknown", "don't know", "dont know", "?"}


@dataclass
class Interview:
    """One case being completed question by question."""

    library: Library
    kind: str = "case"
    case_id: str | None = None
    area: str | None = None
    as_of: dt.date | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    confirm: bool = False
    _history: list[tuple[str, Any]] = field(default_factory=list)
    _result: dict[str, Any] | None = None

    @classmethod
    def start(cls, library: Library, data: dict[str, Any] | None = None, kind: str | None = None,
              confirm: bool = False) -> "Interview":
        """An interview from an optional partial case document (validated like any case file)."""
        data = dict(data or {})
        if not isinstance(data.get("facts") or {}, dict):
            raise CaseError("interview", "facts", "must be a mapping of fact names to values", ("VAL-1",))
        interview = cls(library, kind=kind or data.get("kind") or "case", case_id=data.get("case_id"),
                        area=data.get("area"), as_of=None, facts=dict(data.get("facts") or {}), confirm=confirm)
        if isinstance(data.get("as_of"), dt.date):
            interview.as_of = data["as_of"]
        elif isinstance(data.get("as_of"), str):
            try:
                interview.as_of = dt.date.fromisoformat(data["as_of"])
            except ValueError:
                raise CaseError("interview", "as_of", f"'{excerpt(data['as_of'], 40)}' is not a real date (expected YYYY-MM-DD)",
                                ("VAL-2",)) from None
        interview.result()  # refuses a bad starting case at once
        return interview

    @property
    def book(self) -> Rulebook:
        return self.library.for_date(self.as_of)

    def document(self) -> dict[str, Any]:
        """The case file as it stands: loadable by `mappa assess`."""
        data: dict[str, Any] = {"kind": self.kind}
        if self.case_id is not None:
            data["case_id"] = self.case_id
        if self.area is not None:
            data["area"] = self.area
        if self.as_of is not None:
            data["as_of"] = self.as_of.isoformat()
        data["facts"] = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.facts.items()}
        return data

    def result(self) -> dict[str, Any]:
        """The assessment of the case as it stands (raises CaseError if the answers contradict each other)."""
        if self._result is None:
            book = self.book
            self._result = assess(case_from_data(self.document(), book, "interview"), book)
        return self._result

    def next_question(self) -> dict[str, Any] | None:
        """The question to ask now, or None when nothing asked could change an answer the case asks for.

        Every question whose answer can change an answer is asked (one that can only confirm a
        provisional answer after those that decide). With `confirm`, every fact not yet given is
        asked too, once those are done, though no answer to it can change an outcome."""
        result = self.result()
        if result["questions"]:
            return result["questions"][0]
        if self.confirm:
            for entry in result["not_asked"]:
                if entry["fact"] not in self.facts and entry["why"] != "asked: not known" \
                        and not entry["why"].startswith("an alternative to"):
                    return self.question_for(entry["fact"])
        return None

    def question_for(self, fact: str) -> dict[str, Any]:
        """A fact asked as a question though no answer to it changes an outcome (to confirm it, or to change an answer)."""
        spec = self.book.facts[fact]
        return {"fact": fact, "label": spec.label, "question": spec.question or spec.meaning,
                "effect": "none", "outcomes": [], "if": {}}

    def answer(self, fact: str, text: str) -> None:
        """Take a person's answer to a question; a bad answer raises CaseError and changes nothing."""
        value = parse_answer(self.book, fact, text)
        if self.book.facts[fact].top_level:  # the area is given beside the facts
            before, self.area = self.area, (str(value).strip() or None)
            self._result = None
            try:
                self.result()
            except CaseError:
                self.area, self._result = before, None
                raise
            self._history.append((fact, before if before is not None else _ABSENT))
            return
        before = self.facts.get(fact, _ABSENT)
        self.facts[fact] = value
        self._result = None
        try:
            self.result()
        except CaseError:
            self._restore(fact, before)
            raise
        self._history.append((fact, before))

    @property
    def asked(self) -> int:
        """How many answers have been given (each can be undone with `back`)."""
        return len(self._history)

    def steps(self) -> list[tuple[str, Any, bool]]:
        """The answers given, in order, as (fact, the value it replaced, whether there was none): what `back`
        undoes, to carry the interview from one request to the next (`restore_steps` puts them back)."""
        return [(fact, None if before is _ABSENT else before, before is _ABSENT) for fact, before in self._history]

    def restore_steps(self, steps: list[tuple[str, Any, bool]]) -> None:
        """Put back steps from `steps()`; the caller has checked each names a known fact and a plain value."""
        for fact, before, absent in steps:
            self._history.append((fact, _ABSENT if absent else before))

    def back(self) -> str | None:
        """Undo the last answer; the fact it answered, or None when there is nothing to undo."""
        if not self._history:
            return None
        fact, before = self._history.pop()
        self._restore(fact, before)
        return fact

    def _restore(self, fact: str, before: Any) -> None:
        if self.book.facts[fact].top_level:
            self.area = None if before is _ABSENT else before
            self._result = None
            return
        if before is _ABSENT:
            self.facts.pop(fact, None)
        else:
            self.facts[fact] = before
        self._result = None


_ABSENT = object()


def parse_answer(book: Rulebook, fact: str, text: str) -> Any:
    """A typed answer as a case file would state it (the case validation then checks it exactly)."""
    spec = book.facts[fact]
    said = text.strip()
    lowered = said.lower()
    if lowered in NOT_KNOWN:
        return UNCERTAIN
    if lowered == "none" and spec.nullable:
        return None
    if spec.type == "bool":
        if lowered in YES:
            return True
        if lowered in NO:
            return False
        return said  # refused by the validation, with the reason
    if spec.type == "enum":
        values = spec.values or []
        if said.isdigit() and 1 <= int(said) <= len(values):
            return values[int(said) - 1]
        words = lowered.replace(" ", "_")
        return words if words in values else said
    if spec.type in ("int", "number"):
        try:
            number = float(said)
        except ValueError:
            return said
        return int(number) if number.is_integer() and (spec.type == "int" or "." not in said) else number
    return said  # dates (ISO text) and text are checked by the case validation


__all__ = ["Interview", "parse_answer"]


def answer_lines(result: dict[str, Any]) -> list[str]:
    """The answers the case asks about, in plain words with their firmness ('Category: 1 on the facts given (provisional)')."""
    from mappa_rules.wording import OUTCOME_LABELS
    from mappa_rules.wording import answer_words

    lines = []
    for key, label in OUTCOME_LABELS.items():
        entry = result.get("answers", {}).get(key)
        if entry is not None and entry["in_scope"]:
            firm = " (firm)" if entry["firmness"] == "firm" else ""
            lines.append(f"{label}: {answer_words(key, entry)}{firm}")
    return lines


def choices(book: Rulebook, question: dict[str, Any]) -> str:
    """The answers a person may type, in words."""
    from mappa_rules.plain import show

    spec = book.facts[question["fact"]]
    if spec.type == "bool":
        allowed = "yes, no"
    elif spec.type == "enum":
        allowed = ", ".join(f"{n}) {show(v)}" for n, v in enumerate(spec.values or [], start=1))
    elif spec.type in ("int", "number"):
        bounds = [f"at least {spec.min:g}" if spec.min is not None else "", f"at most {spec.max:g}" if spec.max is not None else ""]
        allowed = "a number" + (" " + " and ".join(b for b in bounds if b) if any(bounds) else "")
    elif spec.type == "date":
        allowed = "a date, YYYY-MM-DD"
    else:
        allowed = "text"
    if spec.nullable:
        allowed += ", none"
    return f"{allowed}, or: uncertain (not known), back, stop"
