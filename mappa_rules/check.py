"""`mappa check`: every combination of a ruleset's inputs, and the ones where the rules go wrong.

For each version and each kind of input, the finite input space (`space.py`) is evaluated at once
as decision diagrams (`symbolic.py`), and these questions are asked of every combination the
rules do not refuse as contradictory (VAL-3 `reject` rules); combinations flagged `invalid` (a
stated category or a proposal the rules contradict) are checked like any other:

- gap: an outcome the case needs (`required: always`, or its `required_when` holds) that no rule
  concludes (for a yes/no outcome: only where some rule concludes `false`; otherwise `false` when no
  rule fires is the rules' own closed-world answer);
- conflict: fired rules give a derived fact different values and nothing settles it: no ambiguity
  rule, no declared `disagreement`;
- masked rule: a rule that fires, but never to any effect, because an ambiguity rule or a refusal
  always overrides it; dead rule: one that fires on no combination at all;
- unbound value: a rule that fires while the fact it takes its value from is not given;
- never concluded: a derived fact no combination gives a value.

Each finding has its count of combinations and a few examples in words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mappa_rules.diagram import MAX_NODES, Node, TooLarge
from mappa_rules.errors import MappaError, OptionError
from mappa_rules.plain import show
from mappa_rules.lint import source_line
from mappa_rules.loader import Library, load_library
from mappa_rules.ruleset import Rule, Rulebook
from mappa_rules.space import MISSING, Given
from mappa_rules.symbolic import State, Symbolic, takes_from

KINDS = ("gap", "conflict", "masked", "dead_rule", "unbound", "never_concluded")
TITLES = {
    "gap": "No outcome",
    "conflict": "Conflicting outcomes",
    "masked": "Masked rule",
    "dead_rule": "Rule that never fires",
    "unbound": "Value from a missing fact",
    "never_concluded": "Derived fact never concluded",
}


@dataclass(frozen=True)
class Finding:
    """One defect: what, where, on how many combinations, and examples in words."""

    kind: str
    version: str
    input_kind: str
    subject: str
    message: str
    count: int
    total: int
    examples: tuple[str, ...] = ()
    example_facts: tuple[dict[str, Any], ...] = ()
    file: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "version": self.version, "input_kind": self.input_kind, "subject": self.subject,
                "message": self.message, "combinations": self.count, "of": self.total, "examples": list(self.examples),
                "example_facts": list(self.example_facts),
                "file": self.file, "line": self.line}


@dataclass
class KindReport:
    """The check of one kind of input under one version: the space, what was excluded, the findings."""

    version: str
    input_kind: str
    in_force: str
    variables: int
    rules: int
    total: int
    refused: int
    invalid: int
    open_questions: int
    findings: list[Finding] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "in_force": self.in_force, "kind": self.input_kind, "inputs": self.variables, "rules": self.rules,
                "combinations": self.total, "refused": self.refused, "flagged_invalid": self.invalid,
                "declared_open_questions": self.open_questions, "findings": [f.to_json() for f in self.findings]}


def check(directory: Path | str | None = None, kinds: list[str] | None = None, examples: int = 3) -> list[KindReport]:
    """Check every version in a ruleset folder (default: the shipped rulesets), every kind unless `kinds` is given."""
    library: Library = load_library(directory)
    known = {kind for book in library.versions for kind in book.kinds}
    unknown = sorted(set(kinds or ()) - known)
    if unknown:
        raise OptionError(f"--kind: unknown kind '{unknown[0]}' (kinds: {', '.join(sorted(known))})")
    reports = []
    for book in library.versions:
        for kind in book.kinds:
            if kinds is None or kind in kinds:
                reports.append(check_kind(book, kind, examples))
    return reports


def check_kind(book: Rulebook, kind: str, examples: int = 3, max_nodes: int = MAX_NODES) -> KindReport:
    """Check one kind of input under one version; a space too big for the node budget is a MappaError."""
    try:
        return _Checker(Symbolic(book.for_kind(kind), max_nodes), examples).run()
    except TooLarge as exc:
        raise MappaError(f"{book.source}: version {book.version}, kind '{kind}': too large to check ({exc}); "
                         f"check the kinds one at a time with --kind, or split the rules") from None


class _Checker:
    def __init__(self, sym: Symbolic, examples: int) -> None:
        self.sym, self.book, self.d = sym, sym.book, sym.diagram
        self.limit = examples
        self.total = sym.space.combinations
        self.findings: list[Finding] = []
        rules = self.book.rules
        self.refused = sym.any_of([sym.fires(r) for r in rules if r.then.reject])
        self.invalid = sym.any_of([sym.fires(r) for r in rules if r.then.invalid])
        self.kept = sym.where(lambda refused: not refused, [self.refused], ("not",))

    def run(self) -> KindReport:
        for name in self.book.derived:
            self._gap(name)
            self._conflict(name)
            self._never_concluded(name)
        for rule in self.book.rules:
            self._masked(rule)
            self._unbound(rule)
        order = {kind: n for n, kind in enumerate(KINDS)}
        self.findings.sort(key=lambda f: order[f.kind])
        opened = self.sym.any_of([self._is(name, "open") for name in self.book.derived])
        return KindReport(
            version=self.book.version, input_kind=self.book.kind or "case", in_force=_in_force(self.book),
            variables=len(self.sym.space.variables), rules=len(self.book.rules), total=self.total,
            refused=self._count(self.refused),
            invalid=self._count(self.sym.where(lambda r, i: i and not r, [self.refused, self.invalid], ("invalid-only",))),
            open_questions=self._count(self.sym.where(lambda v, o: v and o, [self.kept, opened], ("and2",))),
            findings=self.findings,
        )

    # --- findings ----------------------------------------------------------------------------
    def _gap(self, name: str) -> None:
        decl = self.book.derived[name]
        if decl.outcome is None or (decl.required == "optional" and name not in self.book.required_when):
            return
        if decl.type == "bool" and not any(r.sets.get(name) is False for r in self.book.setters(name)):
            return  # no rule concludes `false`: false when no rule fires is the rules' own answer (closed world)
        needed = self.d.const(True)
        if decl.required != "always":
            needed = self.sym.where(lambda t: t is True, [self.sym.truth(self.book.required_when[name])], ("is-true",))
        gap = self.d.apply(lambda kept, need, s: s if kept and need and s.how == "closed" else None,
                           [self.kept, needed, self.sym.state(name)], ("gap", name))
        count = self._count(gap)
        if count:
            default = show(False if decl.type == "bool" else None)
            self._add("gap", name, f"no rule concludes '{decl.outcome}', which the case needs: the result would "
                                   f"silently say {default}", count, gap)

    def _conflict(self, name: str) -> None:
        decl = self.book.derived[name]
        conflict = self.d.apply(
            lambda kept, s: s if kept and s.how == "conflict" and not decl.declares(s.by_rule()) else None,
            [self.kept, self.sym.state(name)], ("conflict", name))
        count = self._count(conflict)
        if count:
            self._add("conflict", name, f"fired rules give '{decl.outcome or name}' different values and no rule or "
                                        f"declared disagreement settles it", count, conflict, detail=_conflict_words)

    def _never_concluded(self, name: str) -> None:
        if not any(name in r.sets for r in self.book.setters(name)):
            return
        concluded = self._is(name, "set")
        if not self._count(self.sym.where(lambda k, c: k and c, [self.kept, concluded], ("and2",))):
            setters = ", ".join(r.id for r in self.book.setters(name) if name in r.sets)
            self._add("never_concluded", name, f"no combination of inputs gives '{name}' a value: its rules ({setters}) "
                                               f"never fire, or never without an ambiguity or refusal", 0, None)

    def _masked(self, rule: Rule) -> None:
        fires = self.sym.fires(rule)
        firing = self._count(fires)
        if not firing:
            self._add("dead_rule", rule.id, "fires on no combination of inputs: its conditions never hold together, "
                                            "given what the other rules conclude", 0, None, rule=rule)
            return
        if rule.then.reject:
            return
        effect = [self._is(name, "set", "conflict") for name in rule.sets]
        effect += [self._is(name, "open") for name in (rule.then.ambiguous or {})]
        if rule.then.advice or rule.then.invalid or rule.then.next_step is not None:
            effect = [self.d.const(True)]  # its advice, step or invalid reason is reported whatever else fires
        effective = self.sym.where(lambda f, k, *e: f and k and any(e), [fires, self.kept, *effect], ("effective", len(effect)))
        if self._count(effective):
            return
        maskers = [r for r in self.book.rules if r.id != rule.id and (r.then.reject or set(r.then.ambiguous or {}) & set(rule.sets))]
        by = [r.id for r in maskers if self._count(self.sym.where(lambda a, b: a and b, [fires, self.sym.fires(r)], ("and2",)))]
        self._add("masked", rule.id, f"fires, but never to any effect: every time it fires, "
                                     f"{' or '.join(by) or 'another rule'} overrides it", firing, fires, rule=rule)

    def _unbound(self, rule: Rule) -> None:
        for name, sources in takes_from(rule).items():
            before = [r for r in self.book.rules if r.then.reject and r.stratum <= self.book.settled_after(name)]
            stopped = self.sym.any_of([self.sym.fires(r) for r in before])
            for source in sources:
                unbound = self.sym.where(  # an ambiguity rule for the same fact settles it before any value is taken
                    lambda f, s, v, state: f is True and not s and v is MISSING and state.how != "open",
                    [self.sym.verdict(rule), stopped, self.sym.value(source), self.sym.state(name)], ("unbound",))
                count = self._count(unbound)
                if count:
                    self._add("unbound", rule.id, f"fires while '{source}', which it takes '{name}' from, is not given: "
                                                  f"the evaluation would fail", count, unbound, rule=rule)

    # --- helpers -----------------------------------------------------------------------------
    def _is(self, name: str, *hows: str) -> Node:
        """Where the derived fact settles in one of these ways (see `State.how`)."""
        return self.sym.where(lambda s: s.how in hows, [self.sym.state(name)], ("state-in", name, hows))

    def _count(self, node: Node) -> int:
        return self.d.count(node, lambda v: v is not None and v is not False)

    def _add(self, kind: str, subject: str, message: str, count: int, node: Node | None, rule: Rule | None = None,
             detail: Any = None) -> None:
        found, facts = [], []
        if node is not None:
            for path, terminal in self.d.examples(node, lambda v: v is not None and v is not False, self.limit):
                words = self._words(path)
                if detail is not None and isinstance(terminal, State):
                    words += f" -> {detail(terminal)}"
                found.append(words)
                facts.append(self._facts(path))
        path, line = self._where(rule, subject)
        self.findings.append(Finding(
            kind=kind, version=self.book.version, input_kind=self.book.kind or "case", subject=subject, message=message,
            count=count, total=self.total, examples=tuple(found), example_facts=tuple(facts),
            file=str(path) if path else None, line=line,
        ))

    def _where(self, rule: Rule | None, derived: str) -> tuple[Path | None, int | None]:
        """The rule's file and line; for a derived fact, where a file of its rules declares it."""
        if rule is not None:
            path = Path(os.path.normpath(Path(self.book.source) / rule.file))
            return path, source_line(path, rule.id)
        for setter in self.book.setters(derived):
            path = Path(os.path.normpath(Path(self.book.source) / setter.file))
            line = source_line(path, derived, key=True, indent=2)  # under `derived:`
            if line:
                return path, line
        return None, None

    def _facts(self, path: dict[int, Any]) -> dict[str, Any]:
        """An example as the facts a case file would give (a fact not given, or not tested, is left out;
        a value the rules never compare is shown in words, e.g. 'a date')."""
        variables = self.sym.space.variables
        return {variables[level].name: (str(value) if isinstance(value, Given) else value)
                for level, value in sorted(path.items()) if value is not MISSING}

    def _words(self, path: dict[int, Any]) -> str:
        variables = self.sym.space.variables
        said = [f"{variables[level].name} is {variables[level].label(value)}" for level, value in sorted(path.items())]
        return "; ".join(said) + ("; any other facts" if len(said) < len(variables) else "") if said else "any facts"


def _conflict_words(state: State) -> str:
    return "; ".join(f"{', '.join(ids)} give{'s' if len(ids) == 1 else ''} {show(_listed(value))}" for value, ids in state.values)


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def render_text(reports: list[KindReport]) -> str:
    """The check in words: per version and kind, the space, what was excluded, and each finding with examples."""
    lines: list[str] = []
    version = None
    for report in reports:
        if report.version != version:
            version = report.version
            lines.append(f"version {version} ({report.in_force})")
        total = report.total
        lines.append(f"  {report.input_kind}: {report.variables} inputs, {report.rules} rules, {total:,} combinations")
        lines.append(f"    refused as contradictory: {_share(report.refused, total)} (not checked further); "
                     f"flagged invalid: {_share(report.invalid, total)}; declared open questions: {_share(report.open_questions, total)}")
        if not report.findings:
            lines.append("    clean: no gap, conflict, masked or dead rule, unbound value or unconcluded derived fact")
        for finding in report.findings:
            where = f" ({finding.file}:{finding.line})" if finding.file else ""
            counted = f": {_share(finding.count, total)}" if finding.count else ""
            lines.append(f"    {TITLES[finding.kind].upper()} {finding.subject}{where}: {finding.message}{counted}")
            lines.extend(f"      e.g. {example}" for example in finding.examples)
    found = sum(len(r.findings) for r in reports)
    lines.append(f"{found} finding{'' if found == 1 else 's'} in {len(reports)} check{'' if len(reports) == 1 else 's'}")
    return "\n".join(lines) + "\n"


def _in_force(book: Rulebook) -> str:
    start = f"from {book.effective_from}" if book.effective_from else "from any date"
    return f"in force {start}" + (f" until {book.effective_to}" if book.effective_to else "")


def _share(count: int, total: int) -> str:
    """`1,234 (0.5%)`; a share too small to print as a percentage says so."""
    if not count:
        return "0"
    percent = 100 * count / total
    shown = f"{percent:.2g}%" if percent >= 0.01 else "under 0.01%"
    return f"{count:,} ({shown})"
