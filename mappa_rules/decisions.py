"""The policy team's recorded decisions (`rulesets/decisions.yaml`) and the rules that implement them."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mappa_rules.documents import parse_text
from mappa_rules.errors import RulesetError
from mappa_rules.loader import shipped_rulesets_dir
from mappa_rules.ruleset import Rulebook

FILE = "decisions.yaml"


class Decision(BaseModel):
    """One decision: what it settled, the clauses it concerns, and what implements it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)
    clauses: list[str] = Field(min_length=1)
    rules: list[str] = []
    enforced_by: str | None = None

    @property
    def tag(self) -> str:
        """The scenario tag that says a scenario checks this decision."""
        return f"decision-{self.number}"


def load_decisions(book: Rulebook) -> list[Decision]:
    """The decisions beside the rulebook's folder (else the shipped ones), checked against its rules."""
    path = Path(book.source) / FILE
    if not path.is_file():
        path = shipped_rulesets_dir() / FILE
    if not path.is_file():
        return []
    data = parse_text(path.read_text(encoding="utf-8"), False, lambda reason: RulesetError(str(path), reason))
    if not isinstance(data, dict):
        raise RulesetError(str(path), "must be a mapping of decision numbers to decisions")
    decisions = []
    for number, spec in data.items():
        try:
            decision = Decision.model_validate({"number": number, **(spec if isinstance(spec, dict) else {})})
        except ValidationError as exc:
            error = exc.errors()[0]
            raise RulesetError(str(path), f"decision {number}: {'.'.join(map(str, error['loc']))}: {error['msg']}") from None
        for cid in decision.clauses:
            if cid not in book.clauses:
                raise RulesetError(str(path), f"decision {number}: unknown clause '{cid}'")
        known = {r.id for r in book.rules}
        for rule_id in decision.rules:
            if rule_id not in known:
                raise RulesetError(str(path), f"decision {number}: no rule '{rule_id}' in {book.name} {book.version}")
        if not decision.rules and not decision.enforced_by:
            raise RulesetError(str(path), f"decision {number}: name the rules that implement it, or say what enforces it")
        decisions.append(decision)
    return sorted(decisions, key=lambda d: d.number)
