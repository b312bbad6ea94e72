"""libyaml reads every shipped YAML document exactly as the pure-Python loader does, and refuses what it refuses."""

from __future__ import annotations

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
