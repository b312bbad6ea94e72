"""What a decision record is and how the chain is hashed: no database here (`record.py` stores them),
so that batch workers can prepare records without loading a database driver."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from json.encoder import encode_basestring
from typing import Any, NamedTuple

GENESIS = "0" * 64
HASHED = ("seq", "type", "case_id", "case_kind", "area", "as_of", "facts", "result", "status", "ruleset_name",
          "ruleset_version", "ruleset_sha256", "tool_version", "recorded_by", "recorded_at", "outcome", "value", "reason",
          "refers_to", "source_key", "previous_hash")  # every field of a record but its own hash


class Assessment(NamedTuple):
    """What an assessment record keeps besides who and when: the case, its facts and the result as
    written (a plain tuple, in the order of HASHED: a batch makes one for every row)."""

    case_id: str | None
    case_kind: str
    area: str | None
    as_of: str | None
    facts: str  # canonical JSON of the facts the case gave
    result: str  # the JSON result (a full or compact line, as written)
    status: str
    ruleset_name: str
    ruleset_version: str
    ruleset_sha256: str
    source_key: str | None = None

    @classmethod
    def of(cls, result: dict[str, Any], line: str | None = None, source_key: str | None = None) -> "Assessment":
        """From a result object (and the line it was written as, when it was)."""
        return cls.from_meta(meta_of(result), line if line is not None else canonical(result), source_key)

    @classmethod
    def from_meta(cls, meta: "Meta", line: str, source_key: str | None = None) -> "Assessment":
        """From what `meta_of` kept of a result and the line it was written as (without its newline)."""
        case_id, kind, area, as_of, facts, status, (name, version, sha256) = meta
        return cls(case_id, kind, area, as_of, facts, line.rstrip("\n"), status, name, version, sha256, source_key)


Meta = tuple  # (case_id, kind, area, as_of, facts as canonical JSON, status, (ruleset name, version, sha256))


def meta_of(result: dict[str, Any]) -> Meta:
    """What a record keeps of a result besides the result itself (cheap to carry between processes)."""
    ruleset = result["ruleset"]
    return (result["case_id"], result["kind"], result["area"], result["as_of"], canonical(result["supplied"]), result["status"],
            (ruleset["name"], ruleset["version"], ruleset["sha256"]))


def recommended(result: dict[str, Any], outcome: str) -> Any:
    """What a result recommends for an outcome: its concluded value, else the value its answer gives."""
    return result.get("outcomes", {}).get(outcome, (result.get("answers", {}).get(outcome) or {}).get("value"))


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_RESULT = HASHED.index("result")


def record_hash(previous: str, row: dict[str, Any] | tuple[Any, ...]) -> str:
    """sha256 of the previous record's hash followed by this record's canonical JSON: every field but its
    hash, as a JSON array in the order of HASHED (a mapping, or a tuple already in that order), where
    the result, itself a JSON text with sorted keys, stands as that JSON (not quoted as a string)."""
    values = row if isinstance(row, tuple) else tuple(row.get(name) for name in HASHED)
    result = values[_RESULT]
    before = _items(values[:_RESULT])
    after = _items(values[_RESULT + 1:])
    text = f"{previous}[{before},{result if result is not None else 'null'},{after}]".encode("utf-8")
    return hashlib.sha256(text).hexdigest()


def _items(values: tuple[Any, ...]) -> str:
    """Values as the items of a canonical JSON array, without its brackets. Texts, whole numbers and
    nulls (all a record's fields are) are written here as the encoder writes them, with its own
    quoting, in a third less time than a call of the encoder; anything else goes through the encoder."""
    parts = []
    for value in values:
        kind = type(value)
        if kind is str:
            parts.append(_quoted(value))
        elif value is None:
            parts.append("null")
        elif kind is int:
            parts.append(int.__repr__(value))
        else:
            return _encode(values)[1:-1]
    return ",".join(parts)


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode  # built once: json.dumps builds one a call
_quoted = encode_basestring  # how that encoder quotes a text (ensure_ascii=False)


def now() -> str:
    """The time of recording: UTC, ISO 8601, microseconds."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


