"""The ruleset file format (pydantic models) and the validated, stratified Rulebook built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mappa_rules.conditions import Condition, parse

OUTCOME_KEYS = (
    "eligible", "category", "category4_kind", "allowed_levels", "recommended_level", "risk_level",
    "cppc_referral_to_consider", "complaint_route", "appeal_to", "escalation_level",
    "escalate_same_working_day", "escalate_to", "deadline", "within_deadline",
    "spoc_notice_compliant",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactSpec(_Strict):
    """One input fact of the vocabulary (`rulesets/facts.yaml`)."""

    type: Literal["bool", "enum", "int", "number", "date"]
    meaning: str
    values: list[str] | None = None
    min: float | None = None
    max: float | None = None
    nullable: bool = False
    default: bool | int | str | None = None
    default_reason: str | None = None


class ClauseSpec(_Strict):
    """One clause of the policy catalogue (`rulesets/clauses.yaml`)."""

    title: str
    sources: list[str] = Field(min_length=1)
    kind: Literal["normative", "informational"] = "normative"


class DerivedSpec(_Strict):
    """A fact the rules conclude; with `outcome`, it is reported under that outcome key."""

    type: Literal["bool", "int", "enum", "levels"]
    meaning: str
    values: list[Any] | None = None
    outcome: str | None = None
    required: Literal["always", "optional"] = "optional"
    required_when: dict | None = None


class ThenSpec(_Strict):
    """What a rule concludes when its conditions hold."""

    set: dict[str, Any] | None = None
    ambiguous: dict[str, list[Any]] | None = None
    invalid: str | None = None
    reject: str | None = None
    advice: bool = False


class RuleSpec(_Strict):
    """One rule as written in a ruleset file."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    when: dict
    then: ThenSpec
    because: str = Field(min_length=1)
    cites: list[str] = Field(min_length=1)
    report_unmet: bool | None = None


class RulesetFileSpec(_Strict):
    """One ruleset file: a policy area's derived facts and rules."""

    ruleset: str
    title: str
    derived: dict[str, DerivedSpec] = {}
    rules: list[RuleSpec] = Field(min_length=1)


class IndexSpec(_Strict):
    """`rulesets/index.yaml`: the version and the files that make up the rulebook."""

    name: str
    version: str
    title: str
    files: list[str] = Field(min_length=1)


@dataclass(frozen=True)
class Rule:
    """A validated rule: parsed condition, what it reads and sets, and its stratum."""

    id: str
    title: str
    when: Condition
    then: ThenSpec
    because: str
    cites: tuple[str, ...]
    file: str
    reads: tuple[str, ...]
    stratum: int
    report_unmet: bool
    sets: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def kind(self) -> str:
        """derive, ambiguous, invalid, reject or advice: what the rule is for."""
        for name in ("reject", "invalid", "ambiguous"):
            if getattr(self.then, name):
                return name
        return "derive" if self.then.set else "advice"


@dataclass(frozen=True)
class Rulebook:
    """Every validated rule of one ruleset version, grouped in strata for forward chaining."""

    name: str
    version: str
    title: str
    sha256: str
    source: str
    facts: dict[str, FactSpec]
    clauses: dict[str, ClauseSpec]
    derived: dict[str, DerivedSpec]
    rules: tuple[Rule, ...]
    strata: tuple[tuple[Rule, ...], ...] = field(repr=False)
    _setters: dict[str, tuple[Rule, ...]] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Rule] = field(init=False, repr=False, compare=False)
    required_when: dict[str, Condition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setters = {
            name: tuple(r for r in self.rules if name in r.sets or name in (r.then.ambiguous or {}))
            for name in self.derived
        }
        object.__setattr__(self, "_setters", setters)
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rules})
        required = {name: parse(d.required_when) for name, d in self.derived.items() if d.required_when is not None}
        object.__setattr__(self, "required_when", required)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        return self._by_id[rule_id]

    def setters(self, derived_name: str) -> tuple[Rule, ...]:
        """Rules that set, or declare ambiguous, this derived fact."""
        return self._setters[derived_name]

    def settled_after(self, derived_name: str) -> int:
        """The last stratum whose rules can set this derived fact (-1: no rule sets it)."""
        return max((r.stratum for r in self._setters[derived_name]), default=-1)
