"""Find, read and validate a ruleset folder into a Rulebook; any defect is a RulesetError."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mappa_rules import calendar, conditions
from mappa_rules.cache import fingerprint, kept
from mappa_rules.documents import parse_text
from mappa_rules.errors import RulesetError
from mappa_rules.ruleset import (
    OUTCOME_KEYS, PLACEHOLDER, AreaSpec, ClauseSpec, ComputedSpec, DerivedSpec, FactSpec, IndexSpec, RetiredFactSpec, Rule, Rulebook, RuleSpec,
    RulesetFileSpec,
)

# durable-rules holds at most 252 user properties in one fact; keep a margin for our marker fields.
MAX_FACT_PROPERTIES = 250


def shipped_rulesets_dir() -> Path:
    """The rulesets installed with the package (or, in a source checkout, the top-level folder)."""
    try:
        from importlib.resources import files

        return Path(str(files("mappa_rules.rulesets")))
    except ModuleNotFoundError:  # running from a checkout that was not installed
        return Path(__file__).resolve().parent.parent / "rulesets"


class Library:
    """Every version of the rulebook in a folder: the folder itself and each `versions/*/` folder."""

    def __init__(self, versions: list[Rulebook], pinned: bool = False) -> None:
        self.versions = sorted(versions, key=lambda b: b.effective_from or dt.date.min)
        self.pinned = pinned and len(self.versions) == 1
        for earlier, later in zip(self.versions, self.versions[1:]):
            start = later.effective_from or dt.date.min
            if earlier.effective_to is None or earlier.effective_to > start:
                raise RulesetError(later.source, f"version {later.version} starts {start} while version {earlier.version} is still in force")

    @property
    def current(self) -> Rulebook:
        """The latest version."""
        return self.versions[-1]

    def for_date(self, day: dt.date | None) -> Rulebook:
        """The version in force on a date (today when none is given); a pinned library's one version always."""
        if self.pinned:
            return self.current
        day = day or dt.date.today()
        for book in self.versions:
            if book.in_force(day):
                return book
        raise RulesetError(self.current.source, f"no ruleset version is in force on {day}")

    def for_data(self, data: Any) -> Rulebook:
        """The version for a case document, by its `as_of` (an unreadable date is left to validation)."""
        as_of = data.get("as_of") if isinstance(data, dict) else None
        try:
            day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of) if isinstance(as_of, str) else None
        except ValueError:
            day = None
        return self.for_date(day)


def load_library(directory: Path | str | None = None) -> Library:
    """The versions in a ruleset folder: its own index.yaml plus `versions/<name>/index.yaml`, each validated.

    Kept in the user's cache between runs (`cache.py`) with what the load consulted: the bytes of
    every file it read and whether each path it looked for was there. A kept library is used only if
    all of that is still so; otherwise the folder is loaded again."""
    folder = Path(directory) if directory is not None else shipped_rulesets_dir()
    if not folder.is_dir():
        return _load_library(folder)  # says why, as the loader does
    entry = kept("library", fingerprint(str(folder.resolve())), lambda: _consulting(folder), still_so)
    return entry[1]


Consulted = dict[str, "str | bool | tuple[str, ...]"]  # "read:PATH" -> sha256, "is_file:PATH" -> bool, "glob:PATH" -> names
_CONSULTED: Consulted | None = None


def _consulting(folder: Path) -> tuple[Consulted, Library]:
    """Load the folder and note everything the load depended on."""
    global _CONSULTED
    _CONSULTED = consulted = {}
    try:
        return consulted, _load_library(folder)
    finally:
        _CONSULTED = None


def still_so(entry: tuple[Consulted, Library]) -> bool:
    """Whether every file a kept library was loaded from is unchanged and every path looked for is as it was."""
    for key, was in entry[0].items():
        how, _, name = key.partition(":")
        path = Path(name)
        try:
            now = (hashlib.sha256(path.read_bytes()).hexdigest() if how == "read" else path.is_file() if how == "is_file"
                   else tuple(sorted(str(p) for p in path.glob("*/index.yaml"))) if path.is_dir() else ())
        except OSError:
            return False
        if now != was:
            return False
    return True


def _note(key: str, value: "str | bool | tuple[str, ...]") -> None:
    if _CONSULTED is not None:
        _CONSULTED[key] = value


def _load_library(folder: Path) -> Library:
    versions = folder / "versions"
    listed = sorted(versions.glob("*/index.yaml")) if versions.is_dir() else []
    _note(f"glob:{versions}", tuple(str(p) for p in listed))
    books = [load_rulebook(folder)]
    for version in listed:
        books.append(load_rulebook(version.parent, fallback=folder))
    return Library(books)


def load_rulebook(directory: Path | str | None = None, fallback: Path | None = None) -> Rulebook:
    """Load and validate every ruleset file of a folder (default: the shipped rulesets).

    The vocabulary, clauses, areas and calendar come from the folder, else from `fallback`
    (a version folder's library), else from the shipped rulesets.
    """
    folder = Path(directory) if directory is not None else shipped_rulesets_dir()
    if not folder.is_dir():
        raise RulesetError(str(folder), "not a ruleset folder (no such directory)")
    index_path = folder / "index.yaml"
    index = _model(IndexSpec, _read(index_path), index_path)
    digest = hashlib.sha256()
    shipped = shipped_rulesets_dir()
    bases = [folder, *([fallback] if fallback else []), shipped]
    facts_path = _first_existing(*(base / "facts.yaml" for base in bases))
    clauses_path = _first_existing(*(base / "clauses.yaml" for base in bases))
    facts = {name: _model(FactSpec, spec, facts_path, name) for name, spec in _mapping(facts_path).items()}
    clauses = {cid: _model(ClauseSpec, spec, clauses_path, cid) for cid, spec in _mapping(clauses_path).items()}
    areas_path = _first_existing(*(base / "areas.yaml" for base in bases))
    areas = {name: _model(AreaSpec, spec, areas_path, name) for name, spec in _mapping(areas_path).items()}
    calendar_path = _first_existing(*(base / "calendar.yaml" for base in bases))
    convention = _mapping(calendar_path).get("start_convention")
    if convention not in calendar.CONVENTIONS:
        raise RulesetError(str(calendar_path), f"start_convention must be one of {', '.join(calendar.CONVENTIONS)}, got {convention!r}")
    retired_path = _first_existing(*(base / "retired-facts.yaml" for base in bases))
    retired = _retired_facts(retired_path, facts) if retired_path.is_file() else {}
    for path in (index_path, facts_path, clauses_path, areas_path, calendar_path, *([retired_path] if retired else [])):
        _hash_file(digest, path)

    files: list[tuple[Path, RulesetFileSpec]] = []
    for name in index.files:
        path = folder / name
        if not path.is_file():
            raise RulesetError(str(index_path), f"lists '{name}', which does not exist in {folder}")
        files.append((path, _model(RulesetFileSpec, _read(path), path)))
        _hash_file(digest, path)

    derived = _collect_derived(files, facts)
    computed = _collect_computed(files, facts, derived, clauses)
    specs = [(path, spec) for path, file_spec in files for spec in file_spec.rules]
    _check_ids(specs, clauses)
    parsed = {spec.id: _parse_rule(path, spec, facts, derived, areas, computed) for path, spec in specs}
    if len(facts) + len(derived) > MAX_FACT_PROPERTIES:
        raise RulesetError(str(folder), f"{len(facts) + len(derived)} facts and derived facts exceed the engine's limit of {MAX_FACT_PROPERTIES} properties in one fact")
    strata = _stratify(specs, parsed, derived)
    rules = tuple(
        Rule(
            id=spec.id, title=spec.title, when=parsed[spec.id][0], then=spec.then, because=spec.because,
            cites=tuple(spec.cites), file=os.path.relpath(path, folder), area=spec.area, reads=parsed[spec.id][1], stratum=strata[spec.id],
            report_unmet=spec.report_unmet if spec.report_unmet is not None else _derives_only(spec),
            sets=dict(spec.then.set or {}), urgent=spec.urgent,
        )
        for path, spec in specs
    )
    _check_disagreements(files, rules, clauses)
    depth = max(r.stratum for r in rules) + 1
    grouped = tuple(tuple(r for r in rules if r.stratum == s) for s in range(depth))
    book = Rulebook(
        name=index.name, version=index.version, title=index.title, sha256=digest.hexdigest(),
        source=str(folder), facts=facts, clauses=clauses, derived=derived, rules=rules, strata=grouped,
        kinds={kind: tuple(files) for kind, files in index.kinds.items()}, areas=areas,
        computed=computed, start_convention=convention,
        effective_from=index.effective_from, effective_to=index.effective_to, open_question=index.open_question,
        retired=retired,
    )
    _check_kinds(book, index_path)
    return book


def _retired_facts(path: Path, facts: dict[str, FactSpec]) -> dict[str, RetiredFactSpec]:
    """Retired facts: no longer in the vocabulary, each replaced by facts that are."""
    retired = {name: _model(RetiredFactSpec, spec, path, name) for name, spec in _mapping(path).items()}
    for name, spec in retired.items():
        if name in facts:
            raise RulesetError(str(path), f"'{name}' is retired but is still a fact of the vocabulary")
        for replacement in spec.replaced_by:
            if replacement not in facts:
                raise RulesetError(str(path), f"'{name}' is replaced by '{replacement}', which is not a fact of the vocabulary")
    return retired


def _check_kinds(book: Rulebook, index_path: Path) -> None:
    """Each kind's files must settle every derived fact their rules read."""
    for kind in book.kinds:
        view = book.for_kind(kind)
        set_here = {n for r in view.rules for n in (*r.sets, *(r.then.ambiguous or {}))}
        for rule in view.rules:
            for name in rule.reads:
                if name in book.derived and name not in set_here:
                    raise RulesetError(str(index_path), f"kind '{kind}': rule {rule.id} ({rule.file}) reads derived fact '{name}', which no file of this kind sets")


def _derives_only(spec: RuleSpec) -> bool:
    """By default only rules that derive a fact report their unmet criteria."""
    then = spec.then
    return bool(then.set) and not (then.ambiguous or then.invalid or then.reject)


def _first_existing(*paths: Path) -> Path:
    for path in paths:
        there = path.is_file()
        _note(f"is_file:{path}", there)
        if there:
            return path
    return paths[0]


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesetError(str(path), f"cannot be read: {exc.strerror}") from None
    _note(f"read:{path}", hashlib.sha256(raw).hexdigest())
    return parse_text(raw.decode("utf-8"), path.suffix == ".json", lambda reason: RulesetError(str(path), reason))


def _mapping(path: Path) -> dict:
    data = _read(path)
    if not isinstance(data, dict):
        raise RulesetError(str(path), "must be a mapping of names to definitions")
    return data


def _hash_file(digest: "hashlib._Hash", path: Path) -> None:
    digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")


def _model(model: type[BaseModel], data: Any, path: Path, name: str | None = None) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(part) for part in error["loc"])
        rule_id = name
        if error["loc"][:1] == ("rules",) and len(error["loc"]) > 1 and isinstance(data, dict):
            try:
                rule_id = data["rules"][error["loc"][1]].get("id") or f"#{error['loc'][1] + 1}"
                loc = ".".join(str(part) for part in error["loc"][2:])
            except (AttributeError, IndexError, KeyError, TypeError):
                pass
        reason = f"{loc}: {error['msg']}" if loc else error["msg"]
        raise RulesetError(str(path), reason, rule_id) from None


def _collect_derived(files: list[tuple[Path, RulesetFileSpec]], facts: dict[str, FactSpec]) -> dict[str, DerivedSpec]:
    derived: dict[str, DerivedSpec] = {}
    outcomes: dict[str, str] = {}
    for path, spec in files:
        for name, decl in spec.derived.items():
            if name in facts:
                raise RulesetError(str(path), f"derived fact '{name}' has the name of an input fact")
            if name in derived:
                raise RulesetError(str(path), f"derived fact '{name}' is declared twice")
            if decl.outcome is not None:
                if decl.outcome not in OUTCOME_KEYS:
                    raise RulesetError(str(path), f"derived fact '{name}': unknown outcome key '{decl.outcome}'")
                if decl.outcome in outcomes:
                    raise RulesetError(str(path), f"outcome '{decl.outcome}' is reported by both '{outcomes[decl.outcome]}' and '{name}'")
                outcomes[decl.outcome] = name
            derived[name] = decl
    for path, spec in files:
        for name, decl in spec.derived.items():
            if decl.required_when is not None:
                try:
                    condition = conditions.parse(decl.required_when, f"derived.{name}.required_when")
                except ValueError as exc:
                    raise RulesetError(str(path), str(exc)) from None
                for atom in conditions.atoms(condition):
                    if atom.fact not in derived and atom.fact not in facts:
                        raise RulesetError(str(path), f"derived.{name}.required_when: unknown fact '{atom.fact}'")
    return derived


def _check_disagreements(files: list[tuple[Path, RulesetFileSpec]], rules: tuple[Rule, ...],
                         clauses: dict[str, ClauseSpec]) -> None:
    """A declared disagreement names rules that set its fact, each in one group, and cites known clauses."""
    by_id = {r.id: r for r in rules}
    for path, spec in files:
        for name, decl in spec.derived.items():
            if decl.disagreement is None:
                continue
            where = f"derived.{name}.disagreement"
            if decl.combine != "one":
                raise RulesetError(str(path), f"{where}: only a fact with combine 'one' can have disagreeing rules")
            seen: set[str] = set()
            for group in decl.disagreement.between:
                for rid in group:
                    if rid not in by_id or name not in by_id[rid].sets:
                        raise RulesetError(str(path), f"{where}: '{rid}' is not a rule that sets {name}")
                    if rid in seen:
                        raise RulesetError(str(path), f"{where}: '{rid}' is in more than one group")
                    seen.add(rid)
            for cid in decl.disagreement.cites:
                if cid not in clauses:
                    raise RulesetError(str(path), f"{where}: cites unknown clause '{cid}'")


def _collect_computed(files: list[tuple[Path, RulesetFileSpec]], facts: dict[str, FactSpec],
                      derived: dict[str, DerivedSpec], clauses: dict[str, ClauseSpec]) -> dict[str, ComputedSpec]:
    """Computed facts in declaration order; each reads input dates or computed dates declared before it."""
    computed: dict[str, ComputedSpec] = {}
    for path, spec in files:
        for name, decl in spec.computed.items():
            def fail(reason: str, name: str = name, path: Path = path) -> RulesetError:
                return RulesetError(str(path), f"computed fact '{name}': {reason}")

            if name in facts or name in derived or name in computed:
                raise fail("the name is already a fact")
            try:
                function, args = decl.function
            except ValueError as exc:
                raise fail(str(exc)) from None
            if set(args) != set(calendar.ARGUMENTS[function]):
                raise fail(f"{function} takes {', '.join(calendar.ARGUMENTS[function])}, got {', '.join(sorted(args))}")
            for key, value in args.items():
                if key == "days":
                    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                        raise fail(f"days must be a whole number of days, got {value!r}")
                    continue
                is_date = (value in facts and facts[value].type == "date") or (
                    value in computed and calendar.RESULT_TYPE[computed[value].function[0]] == "date")
                if not is_date:
                    raise fail(f"{key}: '{value}' is not a date fact declared before it")
            for cid in decl.cites:
                if cid not in clauses:
                    raise fail(f"cites unknown clause '{cid}'")
            computed[name] = decl
    return computed


def _check_ids(specs: list[tuple[Path, RuleSpec]], clauses: dict[str, ClauseSpec]) -> None:
    seen: dict[str, Path] = {}
    for path, spec in specs:
        if spec.id in seen:
            raise RulesetError(str(path), f"duplicate rule id (also in {seen[spec.id].name})", spec.id)
        seen[spec.id] = path
        for cid in spec.cites:
            if cid not in clauses:
                raise RulesetError(str(path), f"cites unknown clause '{cid}'", spec.id)
        clause = spec.id.split(".", 1)[0]
        if clause not in clauses:
            raise RulesetError(str(path), f"rule id must start with the clause id it encodes; '{clause}' is not a clause", spec.id)
        if clause not in spec.cites:
            raise RulesetError(str(path), f"rule id names clause '{clause}' but 'cites' does not include it", spec.id)


def _parse_rule(path: Path, spec: RuleSpec, facts: dict[str, FactSpec], derived: dict[str, DerivedSpec],
                areas: dict[str, AreaSpec], computed: dict[str, ComputedSpec]) -> tuple[conditions.Condition, tuple[str, ...]]:
    def fail(reason: str) -> RulesetError:
        return RulesetError(str(path), reason, spec.id)

    try:
        when = conditions.parse(spec.when)
    except ValueError as exc:
        raise fail(str(exc)) from None
    for key, operator in (("area", "in"), ("outside", "not_in")):
        # area: a local procedure, for this area or one it covers; outside: anywhere else (area given)
        named = getattr(spec, key)
        if named is None:
            continue
        if named not in areas:
            raise fail(f"{key}: '{named}' is not an area of areas.yaml (known: {', '.join(areas)})")
        covered = (named, *areas[named].includes)
        when = conditions.All((conditions.Atom("area", operator, covered), when))
    reads: list[str] = []
    for atom in conditions.atoms(when):
        if atom.fact in facts:
            _check_atom_value(atom, facts[atom.fact].type, facts[atom.fact].values, fail, facts[atom.fact].nullable)
        elif atom.fact in derived:
            decl = derived[atom.fact]
            _check_atom_value(atom, decl.type, decl.values, fail, True)
        elif atom.fact in computed:
            _check_atom_value(atom, calendar.RESULT_TYPE[computed[atom.fact].function[0]], None, fail, True)
        else:
            raise fail(f"when: unknown fact '{atom.fact}'")
        if atom.fact not in reads:
            reads.append(atom.fact)
    for name in reads:
        only = facts[name].used_only_by if name in facts else None
        if only and not set(only) & set(spec.cites):
            raise fail(f"when: reads '{name}', which only rules citing {', '.join(only)} may read (the vocabulary restricts it)")
    then = spec.then
    if not (then.set or then.ambiguous or then.invalid or then.reject or then.advice or then.next_step is not None):
        raise fail("then: concludes nothing (give set, ambiguous, invalid, reject, advice or next_step)")
    known_names = set(facts) | set(derived) | set(computed)
    for name, value in (then.set or {}).items():
        if name not in derived:
            raise fail(f"then.set: '{name}' is not a declared derived fact")
        if isinstance(value, dict):
            if set(value) not in ({"fact"}, {"format"}):
                raise fail(f"then.set.{name}: a value is a literal, {{fact: NAME}} or {{format: TEXT}}, got {value}")
            named = [value["fact"]] if "fact" in value else PLACEHOLDER.findall(value["format"])
            for fact in named:
                if fact not in known_names:
                    raise fail(f"then.set.{name}: '{fact}' is not a fact")
                if fact not in reads:
                    raise fail(f"then.set.{name}: takes its value from '{fact}', which the rule's conditions must read")
            continue
        _check_value(name, value, derived[name], fail)
    for name, candidates in (then.ambiguous or {}).items():
        if name not in derived or derived[name].outcome is None:
            raise fail(f"then.ambiguous: '{name}' is not a derived fact reported as an outcome")
        if len(candidates) < 2:
            raise fail(f"then.ambiguous.{name}: name at least two candidates")
        for candidate in candidates:  # a candidate is a literal, or {fact: NAME} read by the conditions
            if isinstance(candidate, dict):
                if set(candidate) != {"fact"} or candidate["fact"] not in reads:
                    raise fail(f"then.ambiguous.{name}: a candidate is a literal or {{fact: NAME}} of a fact the conditions read, got {candidate}")
    for key in ("invalid", "reject"):
        named = getattr(then, key)
        if named is not None and named not in facts:
            raise fail(f"then.{key}: '{named}' is not a fact of the vocabulary")
    for placeholder in PLACEHOLDER.findall(spec.because):
        if placeholder not in known_names:
            raise fail(f"because: '{{{placeholder}}}' is not a fact")
    return when, tuple(reads)


def _check_atom_value(atom: conditions.Atom, kind: str, allowed: list | None, fail: Any, nullable: bool) -> None:
    values = atom.value if isinstance(atom.value, tuple) else (atom.value,)
    if atom.op in conditions.NUMERIC_OPERATORS and kind not in ("int", "number"):
        raise fail(f"when: '{atom.op}' compares numbers, but '{atom.fact}' is {kind}")
    for value in values:
        if value is None:
            if atom.op == "is_not":  # `is_not: null` tests that a fact is given (and not null)
                continue
            if not (nullable and atom.op == "is"):
                raise fail(f"when: '{atom.fact}' {atom.op} null is not allowed (test null only with 'is: null' on a nullable fact)")
            continue
        ok = {
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "enum": isinstance(value, str) and (allowed is None or value in allowed),
            "levels": isinstance(value, int) and not isinstance(value, bool),
            "date": isinstance(value, str),
            "text": isinstance(value, str),
        }[kind]
        if kind == "int" and ok and allowed is not None:
            ok = value in allowed
        if not ok:
            hint = f" (allowed: {', '.join(map(str, allowed))})" if allowed else ""
            raise fail(f"when: {value!r} is not a valid value of {kind} fact '{atom.fact}'{hint}")


def _check_value(name: str, value: Any, decl: DerivedSpec, fail: Any) -> None:
    if value is None:
        return
    if decl.type == "levels":
        ok = isinstance(value, list) and all(v in (1, 2, 3) and not isinstance(v, bool) for v in value)
    elif decl.type == "list":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif decl.type == "bool":
        ok = isinstance(value, bool)
    else:
        ok = not isinstance(value, bool) and (decl.values is None or value in decl.values)
    if not ok:
        raise fail(f"then.set.{name}: {value!r} is not a valid {decl.type} value")


def _stratify(specs: list[tuple[Path, RuleSpec]], parsed: dict, derived: dict[str, DerivedSpec]) -> dict[str, int]:
    """Each rule's stratum: 0 if it reads only input facts, else one above the rules that settle what it reads."""
    setters: dict[str, list[str]] = {name: [] for name in derived}
    for _, spec in specs:
        for name in list((spec.then.set or {})) + list((spec.then.ambiguous or {})):
            setters[name].append(spec.id)
    level: dict[str, int] = {}
    visiting: list[str] = []

    def rule_level(rule_id: str) -> int:
        if rule_id in level:
            return level[rule_id]
        if rule_id in visiting:
            cycle = " -> ".join(visiting[visiting.index(rule_id):] + [rule_id])
            path = next(p for p, s in specs if s.id == rule_id)
            raise RulesetError(str(path), f"derived facts depend on each other in a cycle: {cycle}", rule_id)
        visiting.append(rule_id)
        reads_derived = [f for f in parsed[rule_id][1] if f in derived]
        below = [rule_level(s) for f in reads_derived for s in setters[f]]
        visiting.pop()
        level[rule_id] = 1 + max(below) if below else (1 if reads_derived else 0)
        return level[rule_id]

    for _, spec in specs:
        rule_level(spec.id)
    return level
