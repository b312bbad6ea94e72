"""Case files: read YAML/JSON, validate against the fact vocabulary, refuse bad input in one line."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from mappa_rules.documents import MAX_DOCUMENT_CHARACTERS, decode_utf8, parse_text
from mappa_rules.errors import CaseError
from mappa_rules.ruleset import FactSpec, Rulebook

MAX_DOCUMENT_BYTES = MAX_DOCUMENT_CHARACTERS * 4  # UTF-8 takes at most 4 bytes a character
TOP_LEVEL_FIELDS = ("kind", "case_id", "area", "as_of", "facts")
UNCERTAIN = "uncertain"  # a fact asked about that nobody knows: given as this word, for any fact


@dataclass(frozen=True)
class Case:
    """A validated case: its identity and the facts it gives (absent facts are simply not in `facts`)."""

    kind: str
    case_id: str | None
    area: str | None
    as_of: dt.date | None
    facts: dict[str, Any] = field(default_factory=dict)
    source: str = "<case>"
    uncertain: frozenset[str] = frozenset()  # asked, and nobody knows: unknown, never asked again


def read_case(path: str | Path, book: Rulebook) -> Case:
    """Read and validate a case file; `-` reads standard input."""
    data, source = read_document(path)
    return case_from_data(data, book, source)


def read_document(path: str | Path) -> tuple[Any, str]:
    """A case file parsed but not yet validated (YAML or JSON; `-` is standard input), with its name."""
    source = "<stdin>" if str(path) == "-" else str(path)
    fail = lambda reason: CaseError(source, None, reason)  # noqa: E731 - one error shape for every step
    if source == "<stdin>":
        raw, json_only = _read_bounded(sys.stdin.buffer, fail), False
    else:
        if Path(path).is_dir():
            raise fail("is a folder, not a case file")
        try:
            with open(path, "rb") as stream:
                raw = _read_bounded(stream, fail)
        except OSError as exc:
            raise fail(f"cannot be read: {exc.strerror or exc}") from None
        json_only = Path(path).suffix.lower() == ".json"
    return document_from_bytes(raw, source, json_only), source


def document_from_bytes(raw: bytes, source: str, json_only: bool) -> Any:
    """A case document from its bytes (UTF-8, YAML or JSON), parsed but not yet validated; a CaseError naming `source`."""
    fail = lambda reason: CaseError(source, None, reason)  # noqa: E731 - one error shape for every step
    return parse_text(decode_utf8(raw, fail), json_only, fail)


def _read_bounded(stream: Any, fail: Callable[[str], Exception]) -> bytes:
    """At most MAX_DOCUMENT_BYTES: a larger file, or an endless one (/dev/zero), is refused after that many."""
    raw = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise fail(f"too large: more than {MAX_DOCUMENT_BYTES:,} bytes (a case file is at most about 1 MB)")
    return raw


def case_from_data(data: Any, book: Rulebook, source: str = "<case>") -> Case:
    """Validate an already-parsed case document."""
    if not isinstance(data, dict):
        raise CaseError(source, None, "a case file must be a mapping with 'facts' (and optional kind, case_id, area, as_of)")
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            raise CaseError(source, str(key), f"unknown field{_did_you_mean(str(key), TOP_LEVEL_FIELDS)}", ("VAL-2",))
    try:
        envelope = _Envelope.model_validate(data)
    except ValidationError as exc:
        raise _case_error(exc, source, prefix="") from None
    if envelope.kind not in book.kinds:
        kinds = ", ".join(book.kinds)
        raise CaseError(source, "kind", f"unknown kind '{envelope.kind}'{_did_you_mean(envelope.kind, book.kinds)} (kinds: {kinds})", ("VAL-2",))
    used = set(book.for_kind(envelope.kind).facts_used)
    facts_raw = envelope.facts if envelope.facts is not None else {}
    if not isinstance(facts_raw, dict):
        raise CaseError(source, "facts", "must be a mapping of fact names to values", ("VAL-2",))
    uncertain = frozenset(name for name, value in facts_raw.items() if value == UNCERTAIN and name in book.facts
                          and not book.facts[name].top_level and UNCERTAIN not in (book.facts[name].values or ()))
    facts_raw = {name: value for name, value in facts_raw.items() if name not in uncertain}
    for name in facts_raw:
        if name in book.facts and book.facts[name].top_level or name in TOP_LEVEL_FIELDS:
            raise CaseError(source, f"facts.{name}", f"'{name}' belongs at the top level of the case file, beside 'facts'", ("VAL-2",))
        if name in book.retired:
            raise CaseError(source, f"facts.{name}", _retired_reason(book, str(name)), ("VAL-2",))
        if name not in book.facts:
            hint = _did_you_mean(str(name), list(book.facts))
            raise CaseError(source, f"facts.{name}", f"unknown fact{hint}", ("VAL-2",))
        if name not in used:
            hint = _did_you_mean(str(name), used)
            reason = f"not used by a '{envelope.kind}'{hint}: its rules read other facts (see `mappa schema` and `mappa rules`)"
            raise CaseError(source, f"facts.{name}", reason, ("VAL-2",))
        if facts_raw[name] is None and not book.facts[name].nullable:
            reason = "must not be null (this fact has no 'none' value: leave it out when it is not known)"
            raise CaseError(source, f"facts.{name}", reason, ("VAL-2",))
    try:
        validated = facts_model(book).model_validate(facts_raw)
    except ValidationError as exc:
        raise _case_error(exc, source, prefix="facts.") from None
    facts = {name: _keep_whole(facts_raw[name], getattr(validated, name)) for name in facts_raw}
    case_id = envelope.case_id if envelope.case_id is None else str(envelope.case_id)
    area = _canonical_area(envelope.area, book)
    if area is not None and area.casefold() == UNCERTAIN:  # asked which area, and nobody knows
        area, uncertain = None, uncertain | {"area"}
    for name in uncertain - {"area"}:
        if name not in used:
            reason = f"not used by a '{envelope.kind}': its rules read other facts (see `mappa schema` and `mappa rules`)"
            raise CaseError(source, f"facts.{name}", reason, ("VAL-2",))
    return Case(kind=envelope.kind, case_id=case_id, area=area, as_of=envelope.as_of, facts=facts, source=source,
                uncertain=uncertain)


def _retired_reason(book: Rulebook, name: str) -> str:
    """Why a retired fact is refused, and which facts to give instead."""
    spec = book.retired[name]
    decision = f" (policy decision {spec.decision})" if spec.decision else ""
    instead = " and ".join(f"{fact} ({book.facts[fact].meaning[0].lower()}{book.facts[fact].meaning[1:]})" for fact in spec.replaced_by)
    return f"retired on {spec.retired.isoformat()}{decision}: {spec.reason}. Give {instead} instead"


def _canonical_area(area: str | None, book: Rulebook) -> str | None:
    """An area spelled as the rulesets spell it ('merseyside' -> 'Merseyside'); unknown areas stay as given."""
    if area is None:
        return None
    known = {name.casefold(): name for spec_name, spec in book.areas.items() for name in (spec_name, *spec.includes)}
    return known.get(area.strip().casefold(), area.strip())


def _keep_whole(raw: Any, value: Any) -> Any:
    """A whole number given for a number fact stays an int (12, not 12.0) in results."""
    if isinstance(value, float) and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    return value


EARLIEST_DATE, LATEST_DATE = dt.date(1950, 1, 1), dt.date(2099, 12, 31)  # bank holidays are known in between


def _iso_date(value: Any) -> Any:
    """Dates are ISO text (YYYY-MM-DD) or date objects between EARLIEST_DATE and LATEST_DATE;
    numbers and datetimes are refused."""
    if isinstance(value, dt.datetime) or not isinstance(value, (str, dt.date)):
        raise ValueError(f"must be an ISO date (YYYY-MM-DD), got {str(value)[:40]!r}")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value[:40]}' is not a real date (expected YYYY-MM-DD)") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"{value.isoformat()} is outside the dates the working-day calendar covers "
                         f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
MAX_CASE_ID = 64


def _one_line(what: str) -> Callable[[str], str]:
    """A check that a value (a case reference, an area) is one line of 1 to MAX_CASE_ID characters, without
    control characters: a new line could forge a report line."""

    def check(value: str) -> str:
        if not 1 <= len(value) <= MAX_CASE_ID:
            raise ValueError(f"{what} has 1 to {MAX_CASE_ID} characters, not {len(value):,}")
        if any(not c.isprintable() for c in value):
            raise ValueError(f"{what} is one line, without control characters (a new line or tab)")
        return value

    return check


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Annotated[str, Field(strict=True, min_length=1)] = "case"
    # a reference, one line: no control characters (a newline could forge report lines), at most 64 characters
    case_id: Union[Annotated[str, Field(strict=True), AfterValidator(_one_line("a case reference"))],
                   Annotated[int, Field(strict=True)], None] = None
    area: Optional[Annotated[str, Field(strict=True), AfterValidator(_one_line("an area"))]] = None
    as_of: Optional[IsoDate] = None
    facts: Any = None


_MODELS: dict[str, type[BaseModel]] = {}


def facts_model(book: Rulebook) -> type[BaseModel]:
    """The pydantic model of `facts:` for this vocabulary (cached per ruleset hash)."""
    model = _MODELS.get(book.sha256)
    if model is None:
        fields = {
            name: (_annotation(spec), Field(default=None, description=spec.meaning))
            for name, spec in book.facts.items() if not spec.top_level
        }
        model = create_model("Facts", __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload]
        _MODELS[book.sha256] = model
    return model


def _annotation(spec: FactSpec) -> Any:
    if spec.type == "bool":
        base: Any = Annotated[bool, Field(strict=True)]
    elif spec.type == "enum":
        base = Literal[tuple(spec.values or ())]  # type: ignore[misc]
    elif spec.type == "int":
        base = Annotated[int, Field(strict=True, ge=spec.min, le=spec.max)]
    elif spec.type == "number":
        base = Annotated[float, Field(strict=True, ge=spec.min, le=spec.max, allow_inf_nan=False)]
    else:
        base = IsoDate
    return Optional[Union[base, Literal["uncertain"]]]


def _case_error(exc: ValidationError, source: str, prefix: str) -> CaseError:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"] if not str(part).startswith(("function-", "constrained-", "literal["))]
    name = loc[0] if loc else ""
    got = error.get("input")
    kind = error["type"]
    if kind == "literal_error":
        allowed = error["ctx"]["expected"]
        reason = f"{got!r} is not allowed (expected one of {allowed})"
    elif kind in ("bool_type", "bool_parsing"):
        reason = f"must be true or false, got {_shown(got)}"
    elif kind in ("int_type", "int_from_float", "int_parsing"):
        reason = f"must be a whole number, got {_shown(got)}"
    elif kind in ("float_type", "float_parsing", "finite_number"):
        reason = f"must be a number, got {_shown(got)}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        bound = error["ctx"].get("ge", error["ctx"].get("le"))
        word = "at least" if kind == "greater_than_equal" else "at most"
        reason = f"must be {word} {_number(bound)}, got {_shown(got)}"
    elif kind in ("string_type", "string_too_short"):
        reason = f"must be non-empty text, got {_shown(got)}"
    elif kind == "value_error":
        reason = str(error["ctx"]["error"])
    else:
        reason = f"{error['msg']}, got {_shown(got)}"
    return CaseError(source, f"{prefix}{name}" if name else prefix.rstrip(".") or None, reason, ("VAL-2",))


def _shown(value: Any) -> str:
    """A received value as the case file spells it (JSON style: true, null, "text")."""
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _did_you_mean(name: str, choices: Any) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
