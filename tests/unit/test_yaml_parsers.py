"""libyaml reads every shipped YAML document exactly as the pure-Python loader does, and refuses what it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mappa_rules import documents

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*REPO.glob("rulesets/**/*.yaml"), *REPO.glob("examples/*.yaml"),
                  *(p for p in REPO.glob("tests/fixtures/**/*.yaml") if "hostile" not in p.parts)])  # hostile: test_hostile_input


@pytest.mark.skipif(documents._CStrictLoader is None, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_libyaml_and_python_read_every_shipped_document_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        expected = yaml.load(text, Loader=documents._StrictLoader)  # noqa: S506
    except yaml.YAMLError:
        with pytest.raises((yaml.YAMLError, documents._AliasFound)):
            yaml.load(text, Loader=documents._CStrictLoader)  # noqa: S506
        return
    assert yaml.load(text, Loader=documents._CStrictLoader) == expected  # noqa: S506


def test_an_alias_is_refused_with_the_python_loader_s_message() -> None:
    with pytest.raises(ValueError, match="line 2, column 4: aliases"):
        documents.parse_text("a: &x [1]\nb: *x\n", False, ValueError)


@pytest.mark.parametrize("text, read", [
    ("a: 012", "012"), ("a: 0012345", "0012345"), ("a: 1:0", "1:0"), ("a: 1_2", "1_2"), ("a: 0x1A", "0x1A"),
    ("a: +12", "+12"), ("a: .inf", ".inf"), ("a: 012.5", "012.5"), ("a: yes", "yes"), ("a: 2026-11-23", "2026-11-23"),
    ("a: 12", 12), ("a: -3", -3), ("a: 0", 0), ("a: 1.5", 1.5), ("a: 1e5", 100000.0), ("a: !!int '12'", 12),
])
def test_numbers_are_read_as_json_writes_them_and_anything_else_stays_text(text: str, read: object) -> None:
    """YAML 1.1 reads 012 as octal 10 and 1:0 as sixty: a term in months or a case reference silently
    changed. Here they stay text, so a number fact refuses them by name and a reference keeps its zeros."""
    for loader in filter(None, (documents._StrictLoader, documents._CStrictLoader)):
        assert yaml.load(text, Loader=loader) == {"a": read}  # noqa: S506
    assert documents.parse_text(text, False, ValueError) == {"a": read}


@pytest.mark.parametrize("text, says", [
    ("? [a]\n: 1\n", "line 1, column 3: a key must be a name (a field or fact), not a list"),
    ("{a: 1}: 2\n", "a key must be a name (a field or fact), not a mapping"),
    ("1.5: x\n", "a key must be a name (a field or fact), not a number"),
    ("true: x\n", "a key must be a name (a field or fact), not a true or false"),
    ("~: x\n", "a key must be a name (a field or fact), not a blank"),
    ("as_of: !!timestamp 2026-11-23T10:00:00Z\n", "the tag !!timestamp is not allowed"),
    ("a: !!binary aGVsbG8=\n", "the tag !!binary is not allowed"),
    ("a: !!set {x}\n", "the tag !!set is not allowed"),
    ("a: !!int '012'\n", "'012' is not a number written in decimal"),
    ("a: !!float '1:30'\n", "'1:30' is not a number written in decimal"),
    ("a: " + "9" * 5000 + "\n", "a number of 5,000 digits is too long"),
])
def test_keys_that_are_not_names_and_tags_beyond_json_are_refused_in_one_line(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        documents.parse_text(text, False, ValueError)
