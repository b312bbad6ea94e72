"""What a rulebook offers to its readers: the list of rules and the JSON Schema of a case file."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import ConfigDict, Field, create_model

from mappa_rules.case import IsoDate, facts_model
from mappa_rules.ruleset import Rulebook


def rules_table(book: Rulebook) -> list[dict[str, Any]]:
    """One row per rule, in evaluation order: id, title, file, cites, what it concludes."""
    return [
        {"id": r.id, "title": r.title, "file": r.file, "stratum": r.stratum, "kind": r.kind, "cites": list(r.cites)}
        for r in book.rules
    ]


def case_json_schema(book: Rulebook) -> dict[str, Any]:
    """The JSON Schema of a case file for this rulebook's fact vocabulary."""
    from typing import Literal

    model = create_model(
        "CaseFile",
        __config__=ConfigDict(extra="forbid", title="MAPPA case file"),
        kind=(Literal[tuple(book.kinds)], Field(default="case", description="What the file describes")),  # type: ignore[valid-type]
        case_id=(Optional[str], Field(default=None, description="Case reference (never a name unless needed)")),
        area=(Optional[str], Field(default=None, description="Area, e.g. Merseyside, Liverpool, Cheshire, Telford")),
        as_of=(Optional[IsoDate], Field(default=None, description="Date the assessment is made for (YYYY-MM-DD)")),
        facts=(facts_model(book), Field(default_factory=dict, description="Facts named as in the vocabulary")),
    )
    schema = model.model_json_schema()
    schema["$comment"] = f"ruleset {book.name} {book.version} sha256 {book.sha256}"
    return schema
