"""The ruleset file format (pydantic models) and the validated, stratified Rulebook built from it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from mappa_rules import conditions
from mappa_rules.conditions import Condition, parse

# A `{fact}` placeholder in a rule's `because` or in a `{format: ...}` value.
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")

OUTCOME_KEYS = (
    "eligible", "category", "category4_kind", "allowed_levels", "recommended_level", "risk_level",
    "cppc_referral_to_consider", "complaint_route", "appeal_to", "escalation_level",
    "escalate_same_working_day", "escalate_to", "deadline", "within_deadline",
    "spoc_notice_compliant", "referral_valid",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactSpec(_Strict):
    """One input fact of the vocabulary (`rulesets/facts.yaml`)."""

    type: Literal["bool", "enum", "int", "number", "date", "text"]
    meaning: str
    label: str | None = None  # the fact in plain words, as a person reads it ("Custodial term (months)")
    question: str | None = None  # how a person is asked for it ("How long was the custodial term, in months?")
    proposal: bool = False  # a decision the case asks the rules to check: never asked; absent means nothing to check
    alternative_to: str | None = None  # another way to state what that fact states (the indicators of an OASys level)
    values: list[str] | None = None
    min: float | None = None
    max: float | None = None
    nullable: bool = False
    default: bool | int | str | None = None
    default_reason: str | None = None
    top_level: bool = False
    used_only_by: list[str] | None = None  # only rules citing one of these clauses may read it


class RetiredFactSpec(_Strict):
    """A fact a case file may no longer use (`rulesets/retired-facts.yaml`), and what replaces it."""

    retired: dt.date
    decision: int | None = None
    replaced_by: list[str] = Field(min_length=1)
    reason: str = Field(min_length=1)


class ClauseSpec(_Strict):
    """One clause of the policy catalogue (`rulesets/clauses.yaml`)."""

    title: str
    sources: list[str] = Field(min_length=1)
    kind: Literal["normative", "informational"] = "normative"
    enforced_by: str | None = None
    text: str | None = None


class DisagreementSpec(_Strict):
    """Groups of rules for one derived fact that the policy expects may disagree (e.g. the assessor's
    OASys level and the definitions' indicators): a disagreement between groups is a declared open
    question, reported as ambiguous with this reason; within a group it is still a conflict."""

    between: list[list[str]] = Field(min_length=2)
    because: str = Field(min_length=1)
    cites: list[str] = Field(min_length=1)


class DerivedSpec(_Strict):
    """A fact the rules conclude; with `outcome`, it is reported under that outcome key.

    `combine` says what several fired rules setting it give: `one` value (different values are a
    conflict, reported as ambiguous), the `union` of their lists, or the `earliest` of their dates.
    """

    type: Literal["bool", "int", "enum", "levels", "text", "list", "date"]
    meaning: str
    values: list[Any] | None = None
    outcome: str | None = None
    required: Literal["always", "optional"] = "optional"
    required_when: dict | None = None
    combine: Literal["one", "union", "earliest"] = "one"
    disagreement: DisagreementSpec | None = None

    def declares(self, given: dict[str, str]) -> bool:
        """Whether a disagreement between fired rules (rule id -> the value it gives, as text) is the
        declared one: every rule is in a group, the rules of each group agree, and groups differ."""
        if self.disagreement is None:
            return False
        group_of = {rid: n for n, group in enumerate(self.disagreement.between) for rid in group}
        if any(rid not in group_of for rid in given):
            return False
        by_group: dict[int, set[str]] = {}
        for rid, value in given.items():
            by_group.setdefault(group_of[rid], set()).add(value)
        return all(len(values) == 1 for values in by_group.values()) and len(by_group) > 1


class ComputedSpec(_Strict):
    """A fact computed from the case's dates by one calendar function (see `calendar.py`)."""

    meaning: str
    cites: list[str] = Field(min_length=1)
    working_days_after: dict[str, Any] | None = None
    next_working_day: dict[str, Any] | None = None
    calendar_days_before: dict[str, Any] | None = None
    on_or_before: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    is_working_day: dict[str, Any] | None = None

    @property
    def function(self) -> tuple[str, dict[str, Any]]:
        """The one function this fact applies, with its arguments."""
        chosen = [(name, args) for name, args in self.model_dump(exclude={"meaning", "cites"}).items() if args is not None]
        if len(chosen) != 1:
            raise ValueError(f"give exactly one calendar function, got {len(chosen)}")
        return chosen[0]

    @property
    def inputs(self) -> list[str]:
        """The date facts (input or computed) this fact is computed from."""
        return [name for key, name in self.function[1].items() if key != "days"]


class ThenSpec(_Strict):
    """What a rule concludes when its conditions hold."""

    set: dict[str, Any] | None = None
    ambiguous: dict[str, list[Any]] | None = None
    invalid: str | None = None
    reject: str | None = None
    advice: bool = False
    next_step: int | None = None


class AreaSpec(_Strict):
    """An area with a local procedure, and the areas it covers (`rulesets/areas.yaml`)."""

    title: str
    includes: list[str] = []


class RuleSpec(_Strict):
    """One rule as written in a ruleset file."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    area: str | None = None
    outside: str | None = None  # applies where the case's area is given and is not this area (nor one it covers)
    when: dict
    then: ThenSpec
    because: str = Field(min_length=1)
    cites: list[str] = Field(min_length=1)
    report_unmet: bool | None = None
    urgent: bool = False  # when it fires, a person must act now: its reason leads the report as a warning


class RulesetFileSpec(_Strict):
    """One ruleset file: a policy area's derived facts and rules."""

    ruleset: str
    title: str
    derived: dict[str, DerivedSpec] = {}
    computed: dict[str, ComputedSpec] = {}
    rules: list[RuleSpec] = []


class OpenQuestionSpec(_Strict):
    """A question the sources leave open about when a version is in force, and the dates it affects."""

    text: str
    window: tuple[dt.date, dt.date]


class IndexSpec(_Strict):
    """`index.yaml`: the version, when it is in force, and the ruleset files each kind is evaluated by."""

    name: str
    version: str
    title: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    open_question: OpenQuestionSpec | None = None
    kinds: dict[str, list[str]] = Field(min_length=1)

    @property
    def files(self) -> list[str]:
        """Every ruleset file, in the order the kinds first name them."""
        return list(dict.fromkeys(f for files in self.kinds.values() for f in files))


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
    area: str | None
    reads: tuple[str, ...]
    stratum: int
    report_unmet: bool
    sets: dict[str, Any] = field(default_factory=dict, compare=False)
    urgent: bool = False

    @cached_property
    def holds(self) -> Callable[[dict[str, Any]], bool | None]:
        """The condition's truth on a case's facts (`conditions.truth`, compiled once)."""
        return conditions.compiled(self.when)

    @cached_property
    def takes_from(self) -> tuple[str, ...]:
        """Facts the conclusion takes values from (`{fact: name}` or `{format: "...{name}..."}`)."""
        names: list[str] = []
        for value in self.sets.values():
            if isinstance(value, dict) and "fact" in value:
                names.append(value["fact"])
            elif isinstance(value, dict) and "format" in value:
                names.extend(PLACEHOLDER.findall(value["format"]))
        return tuple(names)

    @property
    def kind(self) -> str:
        """derive, ambiguous, invalid, reject or advice: what the rule is for."""
        for name in ("reject", "invalid", "ambiguous"):
            if getattr(self.then, name):
                return name
        if self.then.set:
            return "derive"
        return "step" if self.then.next_step is not None else "advice"


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
    computed: dict[str, ComputedSpec] = field(default_factory=dict, repr=False)
    start_convention: str = "count_from_next_day"
    kinds: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    areas: dict[str, AreaSpec] = field(default_factory=dict, repr=False)
    kind: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    open_question: OpenQuestionSpec | None = None
    retired: dict[str, RetiredFactSpec] = field(default_factory=dict, repr=False)

    def in_force(self, day: dt.date) -> bool:
        """Whether this version applies on a date (from its effective_from, up to but not on effective_to)."""
        return (self.effective_from is None or self.effective_from <= day) and (self.effective_to is None or day < self.effective_to)

    def open_question_on(self, day: dt.date) -> str | None:
        """The open question about this version's dates, if `day` falls in the window it affects."""
        question = self.open_question
        if question and question.window[0] <= day <= question.window[1]:
            return question.text
        return None
    _setters: dict[str, tuple[Rule, ...]] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Rule] = field(init=False, repr=False, compare=False)
    _settled_after: dict[str, int] = field(init=False, repr=False, compare=False)
    required_when: dict[str, Condition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setters = {
            name: tuple(r for r in self.rules if name in r.sets or name in (r.then.ambiguous or {}))
            for name in self.derived
        }
        object.__setattr__(self, "_setters", setters)
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rules})
        last = {name: max((r.stratum for r in rules), default=-1) for name, rules in setters.items()}
        object.__setattr__(self, "_settled_after", last)
        required = {name: parse(d.required_when) for name, d in self.derived.items() if d.required_when is not None}
        object.__setattr__(self, "required_when", required)

    def for_kind(self, kind: str) -> "Rulebook":
        """The rules of this kind's files only, restratified: what evaluates an input of that kind."""
        if self.kind == kind:
            return self
        views = self.__dict__.setdefault("_views", {})
        if kind not in views:
            files = self.kinds[kind]
            chosen = [r for r in self.rules if r.file in files]
            renumber = {s: n for n, s in enumerate(sorted({r.stratum for r in chosen}))}
            rules = tuple(replace(r, stratum=renumber[r.stratum]) for r in chosen)
            names = {n for r in rules for n in (*r.reads, *r.sets, *r.takes_from, *(r.then.ambiguous or {}))}
            for name in reversed(list(self.computed)):  # computed facts and the computed facts they read
                if name in names:
                    names.update(self.computed[name].inputs)
            views[kind] = replace(
                self, rules=rules, kind=kind, derived={n: d for n, d in self.derived.items() if n in names},
                computed={n: c for n, c in self.computed.items() if n in names},
                strata=tuple(tuple(r for r in rules if r.stratum == n) for n in range(len(renumber))),
            )
        return views[kind]

    @cached_property
    def facts_used(self) -> tuple[str, ...]:
        """The input facts the rules read, in vocabulary order: all a case of this kind may give."""
        read = {f for r in self.rules for f in (*r.reads, *r.takes_from)}
        read.update(name for c in self.computed.values() for name in c.inputs)
        return tuple(name for name in self.facts if name in read)

    @property
    def local_procedures(self) -> list[str]:
        """The areas whose local procedure these rules encode, in rule order."""
        return list(dict.fromkeys(r.area for r in self.rules if r.area))

    def applies_in(self, rule: Rule, area: str | None) -> bool:
        """Whether a rule can apply in an area: national rules anywhere, a local procedure only in its
        areas (and possibly anywhere while the area is not given: the area is then a question)."""
        if rule.area is None or area is None:
            return True
        return area in (rule.area, *self.areas[rule.area].includes)

    def local_areas(self) -> list[str]:
        """Areas with a local procedure among these rules, each with the areas it covers."""
        return [a for area in self.local_procedures for a in (area, *self.areas[area].includes)]

    def computed_inputs(self, names: list[str], known: dict[str, Any]) -> list[str]:
        """The facts behind `names`, with each missing computed fact replaced by its missing inputs."""
        out: list[str] = []
        for name in names:
            if name in self.computed:
                missing = [i for i in self.computed[name].inputs if i not in known]
                out.extend(f for f in self.computed_inputs(missing, known) if f not in out)
            elif name not in out:
                out.append(name)
        return out

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        return self._by_id[rule_id]

    def setters(self, derived_name: str) -> tuple[Rule, ...]:
        """Rules that set, or declare ambiguous, this derived fact."""
        return self._setters[derived_name]

    def settled_after(self, derived_name: str) -> int:
        """The last stratum whose rules can set this derived fact (-1: no rule sets it)."""
        return self._settled_after[derived_name]

