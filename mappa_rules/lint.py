"""`mappa lint`: every defect the loader refuses, plus warnings about rules that cannot be right."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mappa_rules import conditions
from mappa_rules.conditions import Any_, Atom, Condition
from mappa_rules.errors import RulesetError
from mappa_rules.loader import load_rulebook, shipped_rulesets_dir
from mappa_rules.ruleset import PLACEHOLDER, Rule, Rulebook


@dataclass(frozen=True)
class Finding:
    """One problem: where (file, rule, line), how bad, and what."""

    severity: str  # "error" or "warning"
    file: str
    line: int | None
    rule: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        rule = f" rule {self.rule}:" if self.rule else ""
        return f"{where}:{rule} {self.severity}: {self.message}"


def lint(directory: Path | str | None = None) -> list[Finding]:
    """Lint a ruleset folder (default: the shipped rulesets)."""
    folder = Path(directory) if directory is not None else shipped_rulesets_dir()
    try:
        book = load_rulebook(folder)
    except RulesetError as exc:
        return [Finding("error", exc.path, source_line(Path(exc.path), exc.rule_id), exc.rule_id, exc.reason)]
    findings: list[Finding] = []
    for rule in book.rules:
        where = (str(folder / rule.file), source_line(folder / rule.file, rule.id), rule.id)
        if never_holds(rule.when, book):
            findings.append(Finding("warning", *where, "its conditions can never all hold: it can never fire"))
        used = _used_facts(rule, book)
        for name in sorted(set(PLACEHOLDER.findall(rule.because)) - used):
            findings.append(Finding("warning", *where, f"'because' names {{{name}}}, a fact this rule does not use"))
    read = {f for r in book.rules for f in r.reads}
    set_from = {f for r in book.rules for f in _used_facts(r, book)}
    for name, decl in book.derived.items():
        in_conditions = any(name in atom.fact for c in book.required_when.values() for atom in conditions.atoms(c))
        if name not in read and decl.outcome is None and not in_conditions:
            findings.append(Finding("warning", str(folder), None, None, f"derived fact '{name}' is set but nothing uses it"))
    for name, spec in book.facts.items():
        if name not in read and name not in set_from and not spec.top_level:
            findings.append(Finding("warning", str(folder / "facts.yaml"), source_line(folder / "facts.yaml", name, key=True), None,
                                    f"fact '{name}' is in the vocabulary but no rule reads it"))
    return findings


def never_holds(node: Condition, book: Rulebook) -> bool:
    """True when the condition is unsatisfiable whatever the facts: contradictory atoms under an `all`."""
    if isinstance(node, Any_):
        return all(never_holds(item, book) for item in node.items)
    if isinstance(node, Atom):
        allowed = _allowed(node, _domain(node.fact, book))
        return allowed is not None and not allowed
    if any(never_holds(item, book) for item in node.items if not isinstance(item, Atom)):
        return True
    by_fact: dict[str, list[Atom]] = {}
    for item in node.items:
        if isinstance(item, Atom):
            by_fact.setdefault(item.fact, []).append(item)
    for fact, atoms in by_fact.items():
        domain = _domain(fact, book)
        if domain is None:
            if _empty_interval(atoms):
                return True
            continue
        allowed: set[Any] | None = set(domain)
        for atom in atoms:
            allowed = _allowed(atom, allowed)
        if not allowed:
            return True
    return False


def _empty_interval(atoms: list[Atom]) -> bool:
    """Numeric bounds on one fact that no number meets (e.g. >= 12 and < 10, or is 6 and > 11)."""
    low, low_open, high, high_open = float("-inf"), False, float("inf"), False
    for atom in atoms:
        value = atom.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if atom.op in ("gt", "gte", "is") and (value > low or (value == low and atom.op == "gt")):
            low, low_open = value, atom.op == "gt"
        if atom.op in ("lt", "lte", "is") and (value < high or (value == high and atom.op == "lt")):
            high, high_open = value, atom.op == "lt"
    return low > high or (low == high and (low_open or high_open))


def _domain(fact: str, book: Rulebook) -> set[Any] | None:
    """The finite set of values a fact can take, or None when it is not finite (text, dates, numbers)."""
    spec: Any = book.facts.get(fact) or book.derived.get(fact)
    if spec is None:
        return {True, False} if fact in book.computed else None
    nullable = {None} if getattr(spec, "nullable", True) else set()
    if spec.type == "bool":
        return {True, False} | nullable
    if spec.type == "enum":
        return set(spec.values or []) | nullable
    if spec.type == "int" and spec.values:
        return set(spec.values) | nullable
    if spec.type == "int" and getattr(spec, "min", None) is not None and getattr(spec, "max", None) is not None:
        return set(range(int(spec.min), int(spec.max) + 1)) | nullable
    if spec.type == "number":
        return None
    return None


def _allowed(atom: Atom, allowed: set[Any] | None) -> set[Any] | None:
    """The values of a finite domain that still satisfy the atom; None when the domain is not finite."""
    if allowed is None:
        return None
    return {v for v in allowed if conditions.truth(atom, {atom.fact: v}) is True}


def _used_facts(rule: Rule, book: Rulebook) -> set[str]:
    """Facts a rule reads, takes values from, or reads through a computed fact."""
    used = {*rule.reads, *rule.takes_from}
    pending = [f for f in used if f in book.computed]
    while pending:
        for name in book.computed[pending.pop()].inputs:
            if name not in used:
                used.add(name)
                if name in book.computed:
                    pending.append(name)
    return used


def source_line(path: Path, name: str | None, key: bool = False, indent: int = 0) -> int | None:
    """The line of a rule (`- id: NAME`) or of a key (`NAME:`, indented `indent` spaces) in a YAML file."""
    if not name or not path.is_file():
        return None
    pattern = re.compile(rf"^ {{{indent}}}{re.escape(name)}:" if key else rf"^\s*-\s*id:\s*{re.escape(name)}\s*$")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
