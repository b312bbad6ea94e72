"""The decision record: every recommendation and professional decision kept, tamper-evident, in a database.

One table of records in a hash chain: record n stores sha256(record n-1's hash + the canonical JSON
of record n), so an edited, deleted or reordered record breaks the chain from there (`verify`). A
record is an assessment (the case's facts and the result as written), a professional decision on
one of its outcomes (`override`, with a required reason), or a checkpoint left by a retention purge,
which says up to which record the chain was removed and that record's hash, so what remains still
verifies. Writers append under a lock on the chain's head row (SQLite's write lock, a row lock in
PostgreSQL), so two processes recording at once keep one chain. SQLAlchemy Core, SQLite by default,
PostgreSQL by URL; the schema is made and upgraded by Alembic (`migrations/`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import itertools
import json
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa

from mappa_rules import MARKING, __version__
from mappa_rules.chain import GENESIS, HASHED, Assessment, canonical, now, recommended, record_hash
from mappa_rules.errors import MappaError, OptionError

metadata = sa.MetaData()
records = sa.Table(
    "records", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("case_id", sa.String(64), index=True),
    sa.Column("case_kind", sa.String(32)),
    sa.Column("area", sa.String(64)),
    sa.Column("as_of", sa.String(10)),
    sa.Column("facts", sa.Text),
    sa.Column("result", sa.Text),
    sa.Column("status", sa.String(16)),
    sa.Column("ruleset_name", sa.String(64)),
    sa.Column("ruleset_version", sa.String(64)),
    sa.Column("ruleset_sha256", sa.String(64)),
    sa.Column("tool_version", sa.String(32), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False, index=True),
    sa.Column("outcome", sa.String(64)),
    sa.Column("value", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("refers_to", sa.Integer, index=True),
    sa.Column("source_key", sa.String(200), unique=True),
    sa.Column("previous_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)
head = sa.Table(
    "chain_head", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("writes", sa.Integer, nullable=False),
)
assert tuple(c.name for c in records.columns if c.name != "hash") == HASHED, "the chain hashes every field but the hash"


# --- where the record is ----------------------------------------------------------------------

def default_db_path() -> Path:
    """The per-user default: $XDG_DATA_HOME/mappa-rules/decisions.sqlite3 (~/.local/share when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "mappa-rules" / "decisions.sqlite3"


def database_url(given: str | None) -> str | sa.URL:
    """`--db` or $MAPPA_DB: a SQLAlchemy URL (sqlite:///…, postgresql+psycopg://…) or a file path (SQLite)."""
    chosen = given or os.environ.get("MAPPA_DB") or str(default_db_path())
    if "://" in chosen:
        return chosen
    path = Path(chosen).expanduser().resolve()
    if not path.parent.is_dir():
        if given or os.environ.get("MAPPA_DB"):
            raise OptionError(f"--db {chosen}: its folder {path.parent} does not exist")
        path.parent.mkdir(parents=True, mode=0o700)
    return sa.URL.create("sqlite", database=str(path))  # a path as it is: '?' or '#' in it are no URL syntax


DATABASE_FAILURES = (sa.exc.SQLAlchemyError, OSError, UnicodeEncodeError)  # the last: a text from bytes that are not UTF-8


def _one_line(method: Callable[..., Any]) -> Callable[..., Any]:
    """A database's failure (locked, unreachable, a value it refuses) as one line naming the record, never a traceback."""

    @functools.wraps(method)
    def wrapper(self: "Store", *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DATABASE_FAILURES as exc:
            raise self.failed(exc) from None

    return wrapper


def who(by: str | None) -> str:
    """Who records: one line of 1 to 200 characters."""
    text = (by or "").strip()
    if not 1 <= len(text) <= 200 or not text.isprintable():
        raise OptionError("--by: say who, in one line of at most 200 characters")
    return text


_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")  # a form's CR LF, a lone CR, a pasted soft break
_REORDERING = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))  # bidirectional overrides and isolates


def reason_given(reason: str | None, needed: str) -> str:
    """A reason as kept: its lines (any line break as LF), without control characters, which could forge
    report lines and which PostgreSQL cannot keep (NUL), without characters that reorder what a
    report shows, and without bytes that are not text; `needed` says what a blank one lacks."""
    text = _LINE_BREAKS.sub("\n", reason or "").strip()
    if not text:
        raise OptionError(needed)
    for c in text:
        kind = unicodedata.category(c)
        if kind == "Cs":
            raise OptionError("--reason: it holds bytes that are not UTF-8 text")
        if (kind == "Cc" and c not in "\n\t") or ord(c) in _REORDERING:
            raise OptionError("--reason: in words and lines, without control characters or reordering marks")
    return text


class Store:
    """The decision record in one database; see the module docstring."""

    def __init__(self, url: str | sa.URL) -> None:
        self.url = url
        self.shown = _shown(url)
        try:
            self.engine = sa.create_engine(url, **_engine_options(url))
            self.dialect = self.engine.dialect.name
            if _revision(self.engine) != HEAD:  # Alembic is loaded only when there is something to make or upgrade
                with self._migrating():
                    _upgrade(self.engine)
        except DATABASE_FAILURES as exc:
            raise self.failed(exc) from None
        except ImportError as exc:
            raise OptionError(f"decision record {self.shown}: its database driver is not installed ({exc.name})") from None

    @contextmanager
    def _migrating(self) -> Iterator[None]:
        """One process at a time makes or upgrades the schema (a file lock beside a SQLite file; in
        PostgreSQL the migration holds an advisory lock, see migrations/env.py)."""
        database = self.engine.url.database if self.dialect == "sqlite" else None
        if not database or database == ":memory:" or not Path(database).parent.is_dir():  # SQLite says why
            yield
            return
        with open(database + ".migrating", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def close(self) -> None:
        self.engine.dispose()

    def failed(self, exc: Exception) -> MappaError:
        """A database's failure as one line naming this record (password hidden)."""
        return MappaError(f"decision record {self.shown}: {_short(exc)}")

    # --- writing ----------------------------------------------------------------------------------
    @_one_line
    def record(self, assessments: Iterable[Assessment], by: str) -> list[int]:
        """Append assessments in one transaction; one whose source key is already recorded is skipped
        (a resumed batch). The new records' numbers."""
        by = who(by)
        items = list(assessments)
        if not items:
            return []
        with self._appending() as append:
            keys = sorted(a.source_key for a in items if a.source_key)
            known = set(append.conn.scalars(sa.select(records.c.source_key).where(  # one range scan of the unique index
                records.c.source_key >= keys[0], records.c.source_key <= keys[-1]))) if keys else set()
            at = now()
            for a in items:
                if a.source_key and a.source_key in known:
                    continue
                append.add_values(("assessment", *a[:10], __version__, by, at, None, None, None, None, a.source_key))
            return append.numbers

    @_one_line
    def override(self, case_id: str, outcome: str, value: Any, reason: str, by: str) -> tuple[int, dict[str, Any]]:
        """Record a professional decision on one outcome of the latest assessment of a case: (its
        number, the assessment record it refers to)."""
        reason, by = reason_given(reason, "--reason: a professional decision needs its reason"), who(by)
        with self._appending() as append:
            latest = _latest_assessment(append.conn, case_id)
            result = json.loads(latest["result"])
            outcomes = set(result.get("outcomes", {})) | set(result.get("answers", {}))
            if outcome not in outcomes:
                raise OptionError(f"--outcome {outcome}: not an outcome of record {latest['seq']} "
                                  f"(its outcomes: {', '.join(sorted(outcomes))})")
            given = recommended(result, outcome)
            if isinstance(given, (bool, int, float)) and not (value is None or type(value) is type(given)
                                                               or {type(value), type(given)} == {int, float}):
                kind = "true or false" if isinstance(given, bool) else "a number"
                raise OptionError(f"--value: {outcome} takes {kind} (or none), as its recommendation does")
            append.add({"type": "override", "case_id": case_id, "case_kind": latest["case_kind"], "area": latest["area"],
                        "as_of": latest["as_of"], "outcome": outcome, "value": canonical(value), "reason": reason,
                        "refers_to": latest["seq"], "recorded_by": by, "recorded_at": now(),
                        "ruleset_name": latest["ruleset_name"], "ruleset_version": latest["ruleset_version"],
                        "ruleset_sha256": latest["ruleset_sha256"]})
            return append.numbers[0], dict(latest)

    @_one_line
    def purge(self, before: dt.date, by: str, reason: str) -> int:
        """Remove every record made before a date, leaving a checkpoint that names the last one removed
        and its hash (signed off by `by`, with `reason`), and carries the sign-off of each earlier purge
        it removes. The date is today or earlier (UTC): a retention date in the future would remove
        what was recorded a moment ago. How many were removed."""
        signed = "--by and --reason: a purge is signed off by someone, with the retention rule it applies"
        if not by or not by.strip():
            raise OptionError(signed)
        reason, by = reason_given(reason, signed), who(by)
        today = dt.datetime.now(dt.timezone.utc).date()
        if before > today:
            raise OptionError(f"--before {before.isoformat()}: a retention date is today ({today.isoformat()}) or earlier")
        with self._appending() as append:
            cut = before.isoformat()
            last = append.conn.execute(sa.select(records.c.seq, records.c.hash).where(records.c.recorded_at < cut)
                                       .order_by(records.c.seq.desc()).limit(1)).first()
            if last is None:
                return 0
            earlier = [{"record": row.seq, "signed_by": row.recorded_by, "at": row.recorded_at, "reason": row.reason,
                        **json.loads(row.value)} for row in append.conn.execute(
                            sa.select(records.c.seq, records.c.recorded_by, records.c.recorded_at, records.c.reason, records.c.value)
                            .where(records.c.type == "checkpoint", records.c.seq <= last.seq).order_by(records.c.seq))]
            removed = append.conn.execute(sa.delete(records).where(records.c.seq <= last.seq)).rowcount
            mark = {"removed_through": last.seq, "last_removed_hash": last.hash, "removed": removed, "before": cut}
            append.add({"type": "checkpoint", "value": canonical({**mark, "earlier_purges": earlier} if earlier else mark),
                        "reason": reason, "recorded_by": by, "recorded_at": now()})
            return removed

    @contextmanager
    def _appending(self) -> Iterator["_Append"]:
        with self.engine.begin() as conn:
            # a write first: it takes SQLite's write lock, or PostgreSQL's lock on the head row, until commit
            conn.execute(sa.update(head).where(head.c.id == 1).values(writes=head.c.writes + 1))
            seq, last = conn.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
            append = _Append(conn, seq, last)
            yield append
            append.flush()
            conn.execute(sa.update(head).where(head.c.id == 1).values(seq=append.seq, hash=append.last))

    # --- reading ----------------------------------------------------------------------------------
    @_one_line
    def latest_assessment(self, case_id: str) -> dict[str, Any]:
        """The latest recorded assessment of a case: what a professional decision on it is linked to."""
        with self.engine.connect() as conn:
            return _latest_assessment(conn, case_id)

    @_one_line
    def get(self, seq: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(records).where(records.c.seq == seq)).mappings().first()
        if row is None:
            raise OptionError(f"record {seq}: there is no such record")
        return dict(row)

    @_one_line
    def decisions_on(self, seq: int) -> list[dict[str, Any]]:
        """The professional decisions recorded on an assessment, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(records).where(records.c.type == "override", records.c.refers_to == seq)
                                                  .order_by(records.c.seq)).mappings()]

    @_one_line
    def listing(self, case_id: str | None = None, since: dt.date | None = None, overridden: bool = False,
                newest: int | None = None) -> list[dict[str, Any]]:
        """Records, oldest first, without their result text; `overridden`: assessments with a decision on
        them; `newest`: only that many, the newest first."""
        columns = [c for c in records.columns if c.name not in ("result", "facts")]
        query = sa.select(*columns).order_by(records.c.seq.desc() if newest else records.c.seq)
        if newest:
            query = query.limit(newest)
        if case_id is not None:
            query = query.where(records.c.case_id == case_id)
        if since is not None:
            query = query.where(records.c.recorded_at >= since.isoformat())
        if overridden:
            decided = sa.select(records.c.refers_to).where(records.c.type == "override")
            query = query.where(records.c.type == "assessment", records.c.seq.in_(decided))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def rows(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest first, streamed."""
        try:
            with self.engine.connect() as conn:
                result = conn.execution_options(yield_per=2000).execute(sa.select(records).order_by(records.c.seq))
                for row in result.mappings():
                    yield dict(row)
        except DATABASE_FAILURES as exc:
            raise self.failed(exc) from None

    @_one_line
    def verify(self, expect: str | None = None) -> "Verdict":
        """Walk the chain in one consistent view of the database; the first record that does not match, if any.

        The walk starts after the latest purge: a checkpoint counts only if it lies inside the walk
        itself (so its own hash is checked), and a record past the chain's head is a failure.
        `expect`: a last hash noted at an earlier verify; the chain must still pass through it (a
        rewrite of the whole database cannot keep it)."""
        with self._snapshot() as conn:
            seq, last = conn.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
            start, through = None, 0
            for mark_seq, value in conn.execute(sa.select(records.c.seq, records.c.value).where(records.c.type == "checkpoint")):
                try:
                    mark = json.loads(value)
                    removed, removed_hash = int(mark["removed_through"]), str(mark["last_removed_hash"])
                except (TypeError, ValueError, KeyError):
                    return Verdict(False, 0, mark_seq, "a retention checkpoint that does not say what it removed")
                if removed < mark_seq <= seq and removed >= through:  # a checkpoint the walk below checks
                    start, through = (removed, removed_hash), removed
            expected_seq, previous = (through + 1, start[1]) if start else (1, GENESIS)
            count, found = 0, False
            rows = conn.execution_options(yield_per=2000).execute(sa.select(records).order_by(records.c.seq))
            for row in rows.mappings():
                if row["seq"] > seq:
                    return Verdict(False, count, row["seq"], f"it lies beyond the chain's last record ({seq}): added behind the tool's back")
                if row["seq"] < expected_seq and start is not None:
                    return Verdict(False, count, row["seq"], f"it lies inside the range the retention checkpoint says was removed (up to {through})")
                if row["seq"] != expected_seq:
                    missing = f"records {expected_seq} to {row['seq'] - 1} are missing" if row["seq"] > expected_seq else "out of order"
                    return Verdict(False, count, row["seq"], f"{missing}: deleted without a retention checkpoint, or reordered")
                if row["previous_hash"] != previous:
                    return Verdict(False, count, row["seq"], "its previous-hash is not the hash of the record before it (a record before it was changed, removed or reordered)")
                if record_hash(previous, row) != row["hash"]:
                    return Verdict(False, count, row["seq"], "its contents do not match its hash: it was edited after it was recorded")
                previous, expected_seq, count = row["hash"], row["seq"] + 1, count + 1
                found = found or row["hash"] == expect
        if expect is not None and not found and not (start and start[1] == expect):
            purged = f", or removed by the retention purge up to record {through}" if start else ""
            return Verdict(False, count, None, "the hash noted earlier is not in the chain: the records up to it were "
                                               f"rewritten{purged}, or it was noted from another record")
        if expected_seq - 1 != seq or previous != last:
            return Verdict(False, count, expected_seq, f"the chain ends at record {expected_seq - 1}, but {seq} records were written "
                                                       "(records at the end were removed)")
        return Verdict(True, count, None, "", last)

    @contextmanager
    def _snapshot(self) -> Iterator[sa.Connection]:
        """One read transaction: every query sees the same state (REPEATABLE READ in PostgreSQL; in SQLite
        the read lock is held until it ends)."""
        options = {"isolation_level": "REPEATABLE READ"} if self.dialect == "postgresql" else {}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn


def _latest_assessment(conn: sa.Connection, case_id: str) -> dict[str, Any]:
    latest = conn.execute(sa.select(records).where(records.c.type == "assessment", records.c.case_id == case_id)
                          .order_by(records.c.seq.desc()).limit(1)).mappings().first()
    if latest is None:
        raise OptionError(f"case {case_id}: no recorded assessment to decide on (record one with --record)")
    return dict(latest)


@dataclass(frozen=True)
class Verdict:
    """The result of walking the chain: whether it holds, how many records were checked, the first that failed and why."""

    valid: bool
    checked: int
    first_bad: int | None
    why: str
    head: str = ""


class _Append:
    """Records added in one transaction, each chained to the one before, inserted through the driver a
    few hundred rows a statement, or copied in as many in PostgreSQL (a record is a tuple in the order
    of HASHED, then its hash).

    One INSERT of many rows, not executemany: SQLite's driver lets go of the GIL for every row it
    steps, and in a batch each hand-over to the busy thread that writes the results costs more than
    the insert (measured: bench/README.md)."""

    ROWS = 400  # rows a statement: 400 x 22 parameters, within SQLite's 32,766 and PostgreSQL's 65,535

    def __init__(self, conn: sa.Connection, seq: int, last: str) -> None:
        self.conn, self.seq, self.last = conn, seq, last
        self.numbers: list[int] = []
        self._rows: list[tuple[Any, ...]] = []
        self._mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"

    def add(self, fields: dict[str, Any]) -> None:
        """A record from its fields by name (any not given is null)."""
        fields["tool_version"] = __version__
        self.add_values(tuple(fields.get(name) for name in HASHED[1:-1]))

    def add_values(self, values: tuple[Any, ...]) -> None:
        """A record from its fields in the order of HASHED, less the first (seq) and the last (previous hash)."""
        self.seq += 1
        row = (self.seq, *values, self.last)
        self.last = record_hash(self.last, row)
        self._rows.append((*row, self.last))
        self.numbers.append(self.seq)
        if len(self._rows) >= self.ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        if self.conn.dialect.driver == "psycopg":
            self._copy()
        else:
            self.conn.exec_driver_sql(_insert(self._mark, len(self._rows)), tuple(itertools.chain.from_iterable(self._rows)))
        self._rows = []

    def _copy(self) -> None:
        """PostgreSQL through psycopg: the rows by COPY, in the same transaction. psycopg parses an INSERT
        of hundreds of rows afresh every time (it keeps only short statements parsed): 90 µs a record,
        against 20 by COPY (bench/README.md). The driver's failure is raised as SQLAlchemy's would be."""
        dbapi = self.conn.dialect.loaded_dbapi
        try:
            with self.conn.connection.driver_connection.cursor() as cursor, cursor.copy(_COPY) as copy:
                for row in self._rows:
                    copy.write_row(row)
        except dbapi.Error as exc:
            lost = self.conn.dialect.is_disconnect(exc, self.conn.connection.dbapi_connection, None)
            if lost:
                self.conn.invalidate()
            raise sa.exc.DBAPIError.instance(_COPY, None, exc, dbapi.Error, connection_invalidated=lost) from None


_COLUMNS = f"{', '.join(HASHED)}, hash"  # a record's fields as they are written: those hashed, then its hash
_COPY = f"COPY records ({_COLUMNS}) FROM STDIN"


@functools.lru_cache(maxsize=16)
def _insert(mark: str, rows: int) -> str:
    """INSERT of that many records, with the driver's parameter mark."""
    one = f"({', '.join([mark] * (len(HASHED) + 1))})"
    return f"INSERT INTO records ({_COLUMNS}) VALUES {', '.join([one] * rows)}"


def export_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every record as exported: its fields and the protective marking."""
    for row in store.rows():
        yield {"marking": MARKING, **row}


def _engine_options(url: str | sa.URL) -> dict[str, Any]:
    if str(url).startswith("sqlite"):
        return {"connect_args": {"timeout": 60}}
    return {"pool_pre_ping": True}


def _shown(url: str | sa.URL) -> str:
    """A database named in a message: its URL without a password, or as given if it is no URL."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is named as given
        return str(url).split("@")[-1][:120]


def _short(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, UnicodeEncodeError):
        return "a text given holds bytes that are not UTF-8, so it cannot be kept"
    text = str(cause).strip().splitlines()
    return text[0] if text else type(exc).__name__


HEAD = "0001"  # the newest migration in migrations/versions (a test checks it is Alembic's head)


def _revision(engine: sa.Engine) -> str | None:
    """The schema's migration, or None when there is no schema yet."""
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DatabaseError:  # no such table: a new database
        return None


def _upgrade(engine: sa.Engine) -> None:
    """Make or upgrade the schema to the newest migration (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
