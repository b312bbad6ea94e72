"""The project keeps its promises: README commands, CI, shipped data, and clause ids from the catalogue."""

from __future__ import annotations

import re

import pytest
import yaml

from mappa_rules.loader import shipped_rulesets_dir
from mappa_rules.report import templates_dir

from support import REPO, SHARED


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    return [block.strip() for block in blocks[:2]]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install_and_run, test = readme_commands()
    assert "mappa assess examples/" in install_and_run
    assert test.endswith("pytest")
    ci = (REPO / ".ci" / "run").read_text()
    assert ci.strip().splitlines()[-1] == test


def test_readme_documents_every_command() -> None:
    readme = (REPO / "README.md").read_text()
    for command in ("mappa assess", "mappa rules", "mappa schema", "mappa verify", "mappa batch", "mappa lint", "mappa diff", "--resume", "--jobs",
                    "--audience", "--start-convention", "--rulesets", "--format json", "--version"):
        assert command in readme


def test_the_installed_package_ships_the_same_rulesets_and_templates_as_the_checkout() -> None:
    for shipped, source, pattern in ((shipped_rulesets_dir(), REPO / "rulesets", "**/*.yaml"),
                                     (templates_dir(), REPO / "reports", "**/*.j2")):
        ours = {p.relative_to(source): p.read_bytes() for p in source.glob(pattern)}
        theirs = {p.relative_to(shipped): p.read_bytes() for p in shipped.glob(pattern)}
        assert ours and ours == theirs, f"reinstall the package: {shipped} differs from {source}"


@pytest.mark.skipif(not (SHARED / "policy" / "catalogue.md").is_file(), reason="shared/policy/catalogue.md is not beside this checkout")
def test_every_clause_id_comes_from_the_catalogue() -> None:
    catalogue = (SHARED / "policy" / "catalogue.md").read_text()
    clauses = yaml.safe_load((REPO / "rulesets" / "clauses.yaml").read_text())
    for cid in clauses:
        assert re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", catalogue), f"{cid} is not in the catalogue"


@pytest.mark.skipif(not (SHARED / "policy" / "facts.md").is_file(), reason="shared/policy/facts.md is not beside this checkout")
def test_the_vocabulary_is_the_one_in_facts_md() -> None:
    table = (SHARED / "policy" / "facts.md").read_text().split("## Outcome keys")[0]
    names = set(re.findall(r"^\| `([a-z0-9_]+)` \|", table, re.M))
    facts = yaml.safe_load((REPO / "rulesets" / "facts.yaml").read_text())
    assert set(facts) == names


def test_every_clause_is_encoded_or_says_what_enforces_it(book) -> None:
    cited = {cid for r in book.rules for cid in r.cites} | {cid for c in book.computed.values() for cid in c.cites}
    for cid, clause in book.clauses.items():
        assert cid in cited or clause.enforced_by, f"{cid} is cited by no rule and declares nothing that enforces it"


def test_every_fact_has_a_plain_label_and_a_question(book) -> None:
    """A person never reads a fact id: each fact has a label, and the question that asks for it."""
    for name, spec in book.facts.items():
        assert spec.label and "_" not in spec.label, name
        assert spec.question and "?" in spec.question and "_" not in spec.question, name
    assert {name for name, spec in book.facts.items() if spec.proposal} == {"category", "proposed_level"}
