"""Run the Gherkin features as compliance tests and trace every clause to its rules and scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

from mappa_rules.decisions import Decision
from mappa_rules.errors import MappaError
from mappa_rules.ruleset import Rulebook
from mappa_rules.steps import StepError, World, run_step


@dataclass(frozen=True)
class Scenario:
    """One runnable scenario (an outline's example row is a scenario of its own)."""

    feature: str
    file: str
    line: int
    name: str
    tags: tuple[str, ...]
    steps: tuple[str, ...]

    @property
    def clauses(self) -> tuple[str, ...]:
        """Tags that name clauses (the others, such as areas and decisions, select but do not trace clauses)."""
        return tuple(t for t in self.tags if not t.startswith(("area-", "decision-")))


@dataclass
class Outcome:
    """How a scenario ran."""

    scenario: Scenario
    passed: bool
    failure: str | None = None


@dataclass
class Verification:
    """Every scenario's outcome, and the traceability of every clause."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]


def features_dir() -> Path:
    """The features installed with the package (or, in a source checkout, `features/`)."""
    try:
        from importlib.resources import files

        return Path(str(files("mappa_rules.features")))
    except ModuleNotFoundError:  # running from a checkout that was not installed
        return Path(__file__).resolve().parent.parent / "features"


def load_scenarios(folder: Path | None = None) -> list[Scenario]:
    """Every scenario of every `.feature` file, outlines expanded; a malformed file is a MappaError."""
    folder = folder or features_dir()
    scenarios: list[Scenario] = []
    for path in sorted(folder.glob("**/*.feature")):
        try:
            document = Parser().parse(path.read_text(encoding="utf-8"))
        except (ParserException, CompositeParserException) as exc:
            detail = next((line.strip() for line in str(exc).splitlines() if line.strip() and line.strip() != "Parser errors:"), "")
            raise MappaError(f"{path}: malformed feature: {detail}") from None
        document["uri"] = str(path)
        feature = document["feature"]["name"]
        for pickle in Compiler().compile(document):
            line = pickle["astNodeIds"] and _line(document, pickle["astNodeIds"][-1])
            scenarios.append(Scenario(feature=feature, file=path.name, line=line or 0, name=pickle["name"],
                                      tags=tuple(t["name"].lstrip("@") for t in pickle["tags"]),
                                      steps=tuple(s["text"] for s in pickle["steps"])))
    return scenarios


def select(scenarios: Iterable[Scenario], tags: Iterable[str] = (), area: str | None = None) -> list[Scenario]:
    """Scenarios carrying any of the tags (clause ids or others), and of the area if given."""
    wanted = {t.lstrip("@") for t in tags}
    chosen = [s for s in scenarios if not wanted or wanted & set(s.tags)]
    if area:
        chosen = [s for s in chosen if f"area-{area.replace(' ', '_')}" in s.tags]
    return chosen


def run_scenarios(book: Rulebook, scenarios: list[Scenario], progress: Callable[[Outcome], None] | None = None) -> Verification:
    """Run each scenario in a fresh world; a failing or unmatched step fails its scenario."""
    verification = Verification()
    for scenario in scenarios:
        world = World(book=book)
        outcome = Outcome(scenario, passed=True)
        for text in scenario.steps:
            try:
                run_step(world, text)
            except StepError as exc:
                outcome = Outcome(scenario, passed=False, failure=f"step '{text}': {exc}")
                break
        verification.outcomes.append(outcome)
        if progress:
            progress(outcome)
    return verification


def traceability(book: Rulebook, verification: Verification, scenarios: list[Scenario],
                 decisions: list[Decision] | None = None) -> dict:
    """For every clause, and every recorded policy decision: the rules that encode it, the scenarios
    that check it and their result."""
    results = {id(o.scenario): o for o in verification.outcomes}
    decided = []
    for decision in decisions or []:
        checks = [s for s in scenarios if decision.tag in s.tags]
        ran = [results[id(s)] for s in checks if id(s) in results]
        decided.append({
            "decision": decision.number, "title": decision.title, "text": decision.text, "clauses": decision.clauses,
            "rules": decision.rules, "enforced_by": decision.enforced_by,
            "scenarios": [f"{s.file}:{s.line} {s.name}" for s in checks],
            "passed": sum(o.passed for o in ran), "failed": sum(not o.passed for o in ran),
        })
    rows = []
    for cid, clause in book.clauses.items():
        rules = [r.id for r in book.rules if cid in r.cites] + [n for n, c in book.computed.items() if cid in c.cites]
        checks = [s for s in scenarios if cid in s.clauses]
        ran = [results[id(s)] for s in checks if id(s) in results]
        rows.append({
            "clause": cid, "title": clause.title, "kind": clause.kind, "declared": clause.enforced_by,
            "rules": rules, "scenarios": [f"{s.file}:{s.line} {s.name}" for s in checks],
            "passed": sum(o.passed for o in ran), "failed": sum(not o.passed for o in ran),
        })
    encoded = {row["clause"] for row in rows if row["rules"] or row["declared"]}  # by rules, or by what the clause names
    rule_checked = {cid for s in scenarios for cid in s.clauses}
    return {
        "ruleset": {"name": book.name, "version": book.version, "sha256": book.sha256},
        "clauses": rows,
        "decisions": decided,
        "decisions_without_scenario": [d["decision"] for d in decided if not d["scenarios"]],
        "without_rule": [r for r in rows if not r["rules"] and r["kind"] == "normative" and not r["declared"]],
        "without_scenario": [r for r in rows if not r["scenarios"] and r["kind"] == "normative" and not r["declared"]],
        "rules_without_scenario": [r.id for r in book.rules if not set(r.cites) & rule_checked],
        "scenarios_citing_unencoded": sorted({f"{s.file}:{s.line} {s.name} -> {cid}" for s in scenarios for cid in s.clauses
                                              if cid not in encoded and cid in book.clauses}),
        "unknown_tags": sorted({f"{s.file}:{s.line} {cid}" for s in scenarios for cid in s.clauses if cid not in book.clauses}),
        "declared": [r for r in rows if r["declared"] or r["kind"] == "informational"],
        "passed": sum(o.passed for o in verification.outcomes), "failed": len(verification.failed),
        "failures": [{"scenario": f"{o.scenario.file}:{o.scenario.line} {o.scenario.name}", "clauses": list(o.scenario.clauses),
                      "failure": o.failure} for o in verification.failed],
    }


def _line(document: dict, node_id: str) -> int | None:
    """The source line of a scenario or example row, from the Gherkin AST."""
    def walk(node: object) -> int | None:
        if isinstance(node, dict):
            if node.get("id") == node_id and "location" in node:
                return node["location"]["line"]
            for child in node.values():
                found = walk(child)
                if found:
                    return found
        elif isinstance(node, list):
            for child in node:
                found = walk(child)
                if found:
                    return found
        return None

    return walk(document)
