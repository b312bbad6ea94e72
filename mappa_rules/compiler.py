"""Compile a Rulebook into durable-rules rulesets: one per stratum, one rule per policy rule."""

from __future__ import annotations

from mappa_rules.conditions import to_durable
from mappa_rules.ruleset import Rulebook

CASE_MARKER = "mappa_case"
CATCH_ALL = "__case_seen__"


def compile_rulebook(book: Rulebook) -> dict[str, dict]:
    """durable-rules JSON rulesets named `mappa-<sha12>-s<stratum>`, built fresh on every call.

    Every rule also requires the case marker, so no rule can match durable's own state fact, and
    each stratum has a catch-all on the marker so that a case no rule matches is not an error
    (`MessageNotHandledException`). Rule names are positional (`r<n>`); the action name is the rule id.
    """
    compiled: dict[str, dict] = {}
    for number, stratum in enumerate(book.strata):
        spec: dict[str, dict] = {}
        for name, rule in zip(rule_names(book, number), stratum):
            expression = {"$and": [{CASE_MARKER: 1}, to_durable(rule.when)]}
            spec[name] = {"all": [{"m": expression}], "run": rule.id}
        spec["catch_all"] = {"all": [{"m": {"$ex": {CASE_MARKER: 1}}}], "run": CATCH_ALL}
        compiled[stratum_name(book, number)] = spec
    return compiled


def rule_names(book: Rulebook, number: int) -> dict[str, str]:
    """durable's name of each rule of a stratum (positional, `r<n>`) -> the rule id, and the catch-all."""
    return {**{f"r{position}": rule.id for position, rule in enumerate(book.strata[number])}, "catch_all": CATCH_ALL}


def stratum_name(book: Rulebook, number: int) -> str:
    """The durable ruleset name of a stratum: versioned by content hash, so versions never collide."""
    return f"mappa-{book.sha256[:12]}-{book.kind or 'all'}-s{number}"
