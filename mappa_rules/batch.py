"""Batch evaluation of a caseload: streamed, in order, in parallel, and nothing lost.

Every input row ends in the results (one JSON line per case, the object `mappa assess --format
json` gives) or in the errors (row, case id, field, reason). After each chunk the two files are
flushed and a progress file records how many rows are done and both files' sizes, replaced
atomically; an interrupted run therefore leaves valid JSON Lines, and `--resume` truncates both
files to the recorded sizes and carries on from the next row, with no duplicates.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import datetime as dt
import fcntl
import hashlib
import json
import os
import signal
import queue
import threading
import uuid
from collections import deque
from contextlib import nullcontext
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from mappa_rules import MARKING
from mappa_rules.case import case_from_data
from mappa_rules.chain import Assessment, Meta, meta_of
from mappa_rules.compact import COMPACT, catalogue, compact
from mappa_rules.documents import decode_utf8, parse_text
from mappa_rules.errors import CaseError, MappaError, OptionError, excerpt
from mappa_rules.explain import assess
from mappa_rules.loader import Library, load_library
from mappa_rules.outputs import refuse_overwriting, write_atomically
from mappa_rules.remember import Parts, Remembered, dumps, line_key, row_key, split
from mappa_rules.ruleset import FactSpec, Rulebook


CHUNK = 200
RECORD_EVERY = 5000  # rows recorded in one transaction, and counted done with them, when a run records
TOP_LEVEL_COLUMNS = ("case_id", "kind", "area", "as_of")


@dataclass
class Row:
    """One input row before validation: its number (from 1), where it came from, and its data or why it is unreadable."""

    number: int
    source: str
    data: Any = None
    record: dict[str, str] | None = None
    unreadable: str | None = None
    raw: bytes | None = None  # a JSON line not yet parsed (see `parse`)
    first: bool = False  # the file's first line: a byte-order mark is allowed

    def parse(self) -> "Row":
        """Parse a JSON line read lazily: where it is evaluated, or where its document is needed."""
        if self.raw is not None:
            raw, self.raw = self.raw, None
            try:
                self.data = parse_text(decode_utf8(raw, _unreadable, bom_allowed=self.first), True, _unreadable)
            except _Unreadable as exc:
                self.unreadable = str(exc)
        return self


@dataclass
class Counts:
    """What a batch run did; read always equals results plus errors."""

    read: int = 0
    decided: int = 0
    provisional: int = 0
    ambiguous: int = 0
    undetermined: int = 0
    invalid: int = 0
    remembered: int = 0  # results that took the line of an identical earlier case (not in `line`)

    @property
    def results(self) -> int:
        return self.decided + self.provisional + self.ambiguous + self.undetermined

    def line(self) -> str:
        return (f"read {self.read}: {self.decided} decided, {self.provisional} provisional, {self.ambiguous} ambiguous, "
                f"{self.undetermined} undetermined, "
                f"{self.invalid} invalid (results {self.results} + errors {self.invalid} = {self.results + self.invalid})")


@dataclass
class Progress:
    """How far a run got: rows done and the byte sizes of the two output files at that point."""

    rows_done: int = 0
    results_bytes: int = 0
    errors_bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)  # what the results depend on: see `_identity`


CASE_FILES = (".yaml", ".yml", ".json")


def read_rows(path: Path, outputs: Iterable[Path] = ()) -> Iterator[Row]:
    """Rows of a JSON Lines file, a CSV file (one column per fact) or a folder of case files, lazily.

    Text is UTF-8, with or without a byte-order mark (Excel writes one). A row that cannot be read
    (another encoding, malformed, too large or deep) is that row's error; its source names the file
    and physical line, blank lines counted. In a folder, every entry is a row: one that is not a case
    file (another kind of file, a folder) is an error saying so, never passed over; `outputs`, the
    run's own files when they are written into the folder, are not inputs and are left out."""
    if path.is_dir():
        for number, entry in enumerate(_folder_entries(path, outputs), start=1):
            if entry.is_dir():
                yield Row(number, entry.name, unreadable="a folder: the files in it are not read (give it as an input of its own)")
            elif entry.suffix.lower() not in CASE_FILES:
                yield Row(number, entry.name, unreadable="not a case file: in a folder, only .yaml, .yml and .json files are read")
            else:
                yield _case_file_row(number, entry)
        return
    if not path.is_file():
        raise MappaError(f"{path}: no such input file or folder")
    if path.suffix.lower() == ".csv":
        yield from _csv_rows(path)
        return
    with path.open("rb") as handle:
        number = 0
        for physical, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            number += 1
            yield Row(number, f"{path.name}:{physical}", raw=raw, first=physical == 1)


def _folder_entries(folder: Path, outputs: Iterable[Path]) -> list[Path]:
    """A folder's entries as a run reads them, in order: not hidden (a system's own), not the run's own files."""
    own = {p.resolve() for p in outputs}
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.resolve() not in own)


def _case_file_row(number: int, file: Path) -> Row:
    """A case file in a folder as a row; any failure to read it is that row's error."""
    try:
        text = decode_utf8(file.read_bytes(), _unreadable)
        return Row(number, file.name, parse_text(text, file.suffix.lower() == ".json", _unreadable))
    except (_Unreadable, OSError) as exc:
        return Row(number, file.name, unreadable=getattr(exc, "strerror", None) or str(exc))
    except Exception as exc:  # noqa: BLE001 - one file that cannot be read is that file's error, never the run's end
        return Row(number, file.name, unreadable=f"could not be read ({type(exc).__name__})")


def _csv_rows(path: Path) -> Iterator[Row]:
    """CSV records; the text is decoded leniently so that a row with bytes that are not UTF-8 is that
    row's error, not the file's end."""
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        reader = csv.DictReader(handle)
        try:
            columns = reader.fieldnames or []
        except csv.Error as exc:
            yield Row(1, f"{path.name}:1", unreadable=f"malformed CSV header: {exc}")
            return
        if any(_not_utf8(c) for c in columns):
            yield Row(1, f"{path.name}:1", unreadable="the header row is not UTF-8 text; save the file as UTF-8")
            return
        twice = _named_twice(columns)  # every row is then an error: which column holds the fact is unclear
        number = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield Row(number, f"{path.name}:{reader.line_num}", unreadable=f"malformed CSV: {exc}")
                continue
            number += 1
            source = f"{path.name}:{reader.line_num}"
            if twice:
                yield Row(number, source, unreadable=twice)
            elif None in record:
                yield Row(number, source, unreadable=f"more cells than the {len(columns)} columns")
            elif None in record.values():
                cells = sum(v is not None for v in record.values())
                yield Row(number, source, unreadable=f"fewer cells ({cells}) than the {len(columns)} columns; is the separator a comma?")
            elif any(_not_utf8(v) for v in record.values() if isinstance(v, str)):
                yield Row(number, source, unreadable="not UTF-8 text; save the file as UTF-8")
            else:
                yield Row(number, source, record=record)


def _named_twice(columns: list[str]) -> str | None:
    """Why a header that names a column twice cannot be read, or None."""
    seen: dict[str, int] = {}
    for position, column in enumerate(columns, start=1):
        name = column.strip()
        if not name:  # unnamed columns (a spreadsheet's trailing commas) hold no fact
            continue
        if name in seen:
            return f"the header names the column '{name}' twice (columns {seen[name]} and {position}): which holds the fact is unclear"
        seen[name] = position
    return None


def _not_utf8(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)


class _Unreadable(Exception):
    pass


def _unreadable(reason: str) -> Exception:
    return _Unreadable(reason)


def csv_case(record: dict[str, str], book: Rulebook) -> dict[str, Any]:
    """A CSV record as a case document: empty cells are absent facts, values typed by the vocabulary."""
    data: dict[str, Any] = {"facts": {}}
    for column, cell in record.items():
        if cell is None or cell.strip() == "":
            continue
        cell = cell.strip()
        if column in TOP_LEVEL_COLUMNS:
            data[column] = cell
        elif column in book.facts:
            data["facts"][column] = _typed(cell, book.facts[column])
        else:
            data["facts"][column] = cell  # unknown: refused by validation, with a did-you-mean
    return data


def _typed(cell: str, spec: FactSpec) -> Any:
    """A cell as the fact's type where it reads as one; otherwise the text, which validation refuses."""
    if cell.lower() == "null" and spec.nullable:
        return None
    if spec.type == "bool":
        return {"true": True, "false": False}.get(cell.lower(), cell)
    if spec.type in ("int", "number"):
        for convert in (int, float) if spec.type == "number" else (int,):
            try:
                return convert(cell)
            except ValueError:
                continue
    return cell


# --- evaluation (in this process or in workers) ---------------------------------------------------

_LIBRARY: Library | None = None
_CONVENTION: str | None = None
_DETAIL = COMPACT


def _init_worker(rulesets_dir: str | None, convention: str | None, detail: str) -> None:
    """A worker: Ctrl-C is the parent's to handle (it stops between chunks); the worker dies with its
    parent, even when the parent is killed outright."""
    global _LIBRARY, _CONVENTION, _DETAIL
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _LIBRARY, _CONVENTION, _DETAIL = load_library(rulesets_dir), convention, detail


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent dies (PR_SET_PDEATHSIG); elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


class Interrupted(MappaError):
    """A batch stopped between chunks by SIGINT or SIGTERM; what is written is complete and resumable."""

    def __init__(self, signum: int, rows_done: int) -> None:
        self.signum, self.rows_done = signum, rows_done
        self.exit_code = 128 + signum
        super().__init__(f"{signal.Signals(signum).name}: stopped after {rows_done} rows")


class StopFlag:
    """SIGINT and SIGTERM only set a flag while a batch runs; the run stops at the next chunk boundary."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> "StopFlag":
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._set)
        return self

    def _set(self, signum: int, frame: Any) -> None:
        self.signum = self.signum or signum

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self._previous.items():  # a default action (killed by SIGTERM) becomes an exit 143
            signal.signal(signum, _exit_with_signal_code if handler == signal.SIG_DFL else handler)


def _exit_with_signal_code(signum: int, frame: Any) -> None:
    """A signal after the run has ended: leave as a program stopped by it would, with 128 + its number,
    never killed outright while the last line is being printed."""
    raise SystemExit(128 + signum)


# row number, status ("invalid": an error line), JSON line (text, or UTF-8 when remembered), its parts around
# the id, and what a decision record keeps of it (`chain.meta_of`; None for an error)
Done = tuple[int, str, "str | bytes", "Parts | None", "Meta | None"]


def _evaluate_chunk(rows: list[Row]) -> list[Done]:
    """Each row evaluated in a worker."""
    assert _LIBRARY is not None, "worker not initialised"
    return [evaluate(row, _LIBRARY, _CONVENTION, _DETAIL) for row in rows]


def evaluate_row(row: Row, books: Library | Rulebook, convention: str | None = None, detail: str = "full") -> tuple[int, str, str]:
    """One row: (number, status, its result line or its error line); see `evaluate`."""
    return evaluate(row, books, convention, detail)[:3]


def evaluate(row: Row, books: Library | Rulebook, convention: str | None = None, detail: str = "full") -> Done:
    """One row: its result line (`detail`: "full" or "compact") with the line's parts around the case
    id, or its error line naming the row, case id, field and reason (and no parts).

    Given a Library, the row is evaluated under the version in force on its `as_of`.
    """
    case_id = None
    row.parse()
    try:
        if row.unreadable is not None:
            raise CaseError(row.source, None, row.unreadable)
        library = books if isinstance(books, Library) else Library([books], pinned=True)
        data = csv_case(row.record, library.current) if row.record is not None else row.data
        book = library.for_data(data)
        if isinstance(data, dict):
            case_id = data.get("case_id")
        case = case_from_data(data, book, row.source)
        if detail == COMPACT:  # the unmet criteria are not worded: a compact line names the rules alone
            result = compact(assess(case, book, convention, unmet_words=False))
        else:
            result = assess(case, book, convention)
        line, parts = split(result)
        return row.number, result["status"], line, parts, meta_of(result)
    except CaseError as exc:
        error = exc.to_json()
    except MappaError as exc:  # e.g. no ruleset version in force on the row's as_of
        error = _unassessed(f"{row.source}: {exc}")
    except Exception as exc:  # noqa: BLE001 - any failure of one row (RecursionError too) is that row's error
        error = _unassessed(f"{row.source}: could not be assessed ({type(exc).__name__}: {exc})")
    shown_id = excerpt(case_id, 80) if isinstance(case_id, str) else case_id if isinstance(case_id, int) else None
    record = {"marking": MARKING, "row": row.number, "source": row.source, "case_id": shown_id, **error}
    return row.number, "invalid", dumps(record), None, None


def _unassessed(reason: str) -> dict[str, Any]:
    """The error of a row that failed other than by validation: a short excerpt, no field, no clause."""
    return {"error": excerpt(reason, 300), "field": None, "cites": []}


# --- the run --------------------------------------------------------------------------------------

SUMMARY_FORMATS = {".html": "html", ".htm": "html", ".md": "md"}


def check_outputs(input_path: Path, results: Path, errors: Path, summary: Path | None) -> str | None:
    """Before anything is read or written: no output is an input or another output (by device and
    inode), every output's folder exists, and the summary's format is known. The summary's format."""
    outputs = [results, errors, progress_path(results), catalogue_path(results)] + ([summary] if summary else [])
    refuse_overwriting([input_path], outputs)
    names = [str(p.resolve()) for p in outputs]
    if len(set(names)) < len(names):
        raise OptionError("two outputs are the same file: give the results, --errors and --summary a name each")
    for path in outputs:
        if not path.parent.is_dir():
            raise OptionError(f"{path}: its folder {path.parent} does not exist")
    if summary is None:
        return None
    fmt = SUMMARY_FORMATS.get(summary.suffix.lower())
    if fmt is None:
        raise OptionError(f"{summary}: a summary is written as .html or .md, not '{summary.suffix or 'no extension'}'")
    return fmt


def progress_path(results: Path) -> Path:
    return results.with_name(results.name + ".progress.json")


def catalogue_path(results: Path) -> Path:
    """Beside compact results: the rule, clause and fact texts their lines refer to."""
    return results.with_name(results.stem + ".rules.json")


def default_errors_path(results: Path) -> Path:
    return results.with_name(results.stem + ".errors.jsonl")


def run_batch(input_path: Path, results: Path, errors: Path, *, jobs: int = 1, resume: bool = False,
              rulesets_dir: Path | None = None, convention: str | None = None, detail: str = COMPACT,
              remember: bool = True, on_row: Callable[[int], None] | None = None,
              on_result: Callable[[dict], None] | None = None, stop: StopFlag | None = None,
              record: Callable[[list[Assessment]], Any] | None = None, recording: str | None = None) -> Counts:
    """Evaluate every row of the input into `results` and `errors`; see the module docstring.

    `detail`: "compact" lines (beside them, the catalogue of rule and clause texts they refer to) or
    "full" ones; `remember`: a case identical to an earlier one but for its id takes its line.
    `stop`: a StopFlag the caller already holds (the command holds one from before the first write to
    after the last line it prints, so no signal in between ends the process half-way).
    `record`: given each chunk's results (as `record.Assessment`s, keyed by run and row so a resumed
    run never records a row twice) after they are written and before the progress file says so;
    `recording` names where (a resumed run must record to the same place, or not at all, as it began)."""
    book = load_library(rulesets_dir)
    if resume and not progress_path(results).is_file():  # before the results file is opened (and so made)
        raise MappaError(f"{progress_path(results)}: no progress file, so nothing to resume (run without --resume)")
    with nullcontext(stop) if stop else StopFlag() as stop, results.open("ab") as out:
        _lock(out, results)  # held for the whole run: a second run writing the same results fails at once
        outputs = (results, errors, progress_path(results), catalogue_path(results))
        run = {**_identity(input_path, book, convention, detail, outputs), "recording": recording, "id": uuid.uuid4().hex}
        progress = _start(results, errors, resume, run)
        if detail == COMPACT:
            write_atomically(catalogue_path(results), json.dumps(catalogue(book), sort_keys=True, ensure_ascii=False, indent=1) + "\n")
        counts = Counts(**progress.counts)
        run_id = progress.run.setdefault("id", run["id"])  # a resumed run keeps the id it was recorded under
        rows = read_rows(input_path, outputs=outputs)
        for _ in range(progress.rows_done):  # resume: skip what is already written
            next(rows, None)
        with errors.open("ab") as err:
            def write(recall: Recall, evaluated: list[Done]) -> None:
                batch = recall.merge(evaluated, lambda row: evaluate(row, book, convention, detail))
                counts.remembered += recall.answered
                for _, status, line, _, _ in batch:
                    counts.read += 1
                    setattr(counts, status, getattr(counts, status) + 1)
                    (err if status == "invalid" else out).write(line if isinstance(line, bytes) else line.encode("utf-8"))
                    if on_result and status != "invalid":
                        on_result(json.loads(line))
                out.flush()
                err.flush()
                progress.rows_done += len(batch)
                if on_row:
                    on_row(len(batch))
                progress.results_bytes, progress.errors_bytes = out.tell(), err.tell()
                progress.counts = counts.__dict__.copy()
                if recorder is None:
                    _save(results, progress)
                else:  # recorded first, then counted done, in the background: a stop in between records them again on resume
                    recorder.put([Assessment.from_meta(meta, line if isinstance(line, str) else line.decode("utf-8"),
                                                       f"batch:{run_id}:{number:010d}")
                                  for number, status, line, _, meta in batch if status != "invalid"], progress)
                if stop.signum is not None:
                    if recorder is not None:
                        recorder.finish()
                    raise Interrupted(stop.signum, progress.rows_done)

            kept = Remembered() if remember else None
            recorder = _Recorder(record, lambda done: _save(results, done)) if record else None
            try:
                if jobs <= 1:
                    for chunk in chunks(rows):
                        recall = Recall(chunk, kept)
                        write(recall, [evaluate(row, book, convention, detail) for row in recall.rest])
                else:
                    _run_parallel(rows, jobs, (rulesets_dir, convention, detail), kept, write)
            finally:
                if recorder is not None:
                    recorder.finish()
        return counts  # a signal after the last chunk was written: the run is complete


class _Recorder(threading.Thread):
    """Records results in the background, a few thousand rows a transaction, and only then saves the
    progress that counts them done, in the order they came: the evaluation goes on meanwhile."""

    def __init__(self, record: Callable[[list[Assessment]], Any], save: Callable[[Progress], None]) -> None:
        super().__init__(name="mappa-recorder", daemon=True)
        self._record, self._save = record, save
        self._queue: queue.Queue[tuple[list[Assessment], Progress] | None] = queue.Queue(maxsize=2)
        self._waiting: list[Assessment] = []
        self._last: Progress | None = None
        self.error: BaseException | None = None
        self.start()

    def put(self, found: list[Assessment], progress: Progress) -> None:
        """Results written, with the progress that counts them done once they are recorded."""
        self._waiting.extend(found)
        self._last = progress
        if len(self._waiting) >= RECORD_EVERY:
            self._hand_over(progress)

    def _hand_over(self, progress: Progress) -> None:
        snapshot = Progress(**{**progress.__dict__, "counts": dict(progress.counts), "run": dict(progress.run)})
        item, self._waiting = (self._waiting, snapshot), []
        self._put(item)

    def finish(self) -> None:
        """Record what is waiting, count it done, and stop; raise what recording raised."""
        if self.is_alive() and self.error is None:
            if self._last is not None:
                self._hand_over(self._last)
                self._last = None
            self._put(None)
            self.join()
        self._raise_if_failed()

    def _put(self, item: tuple[list[Assessment], Progress] | None) -> None:
        """Into the queue, waiting while it is full unless the recording thread has failed."""
        while True:
            self._raise_if_failed()
            try:
                self._queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                self._record(item[0])
                self._save(item[1])
            except BaseException as exc:  # noqa: BLE001 - handed to the run's thread, which raises it
                self.error = exc
                return

    def _raise_if_failed(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error


class Recall:
    """A chunk's rows: those an earlier identical row answers (see remember.py), those a row earlier in the
    chunk will answer (its followers), and the rest, to evaluate."""

    def __init__(self, chunk: list[Row], kept: Remembered | None) -> None:
        self.kept = kept
        self.day = dt.date.today()  # the keys' day: lines assessed on another day are not kept (see merge)
        self.keys: dict[int, str | bytes | None] = {}
        self.done: list[Done] = []
        self.rest: list[Row] = []
        self.followers: list[tuple[Row, str | bytes, Any]] = []
        leading: set[str | bytes] = set()
        for row in chunk:
            key, case_id = _key(row) if kept else (None, None)
            known = kept.line(key, case_id) if kept else None
            if known:
                self.done.append((row.number, *known[:2], None, known[2]))
            elif key is not None and key in leading:
                self.followers.append((row, key, case_id))
            else:
                self.keys[row.number] = key
                self.rest.append(row)
                if key is not None:
                    leading.add(key)
        self.answered = len(self.done)

    def merge(self, evaluated: list[Done], evaluate_here: Callable[[Row], Done]) -> list[Done]:
        """Every row of the chunk in input order; the evaluated rows' lines kept for later rows. A follower
        whose leading row was an error (its line names the row) is evaluated with `evaluate_here`."""
        same_day = dt.date.today() == self.day  # the same at both ends: the rows were assessed on it
        if self.kept and same_day:
            for number, status, _, parts, meta in evaluated:
                self.kept.keep(self.keys[number], status, parts, meta)
        for row, key, case_id in self.followers:
            known = self.kept.line(key, case_id) if self.kept and same_day else None
            self.answered += known is not None
            self.done.append((row.number, *known[:2], None, known[2]) if known else evaluate_here(row))
        return sorted(self.done + evaluated, key=lambda done: done[0]) if self.done else evaluated


def _key(row: Row) -> tuple[str | bytes | None, Any]:
    """A row's key for remembering (see remember.py): from its text when it is a JSON line that begins
    with a plain case id, so it need not be parsed here; otherwise from its parsed document."""
    if row.raw is not None:
        key, case_id = line_key(row.raw)
        if key is not None:
            return key, case_id
        row.parse()
    return row_key(row.record if row.record is not None else row.data, row.record is not None)


def _run_parallel(rows: Iterator[Row], jobs: int, options: tuple[Path | None, str | None, str], kept: Remembered | None,
                  write: Callable[[Recall, list[Done]], None]) -> None:
    """At most 2 x jobs chunks in flight, written in input order as the oldest completes.
    `options`: the rulesets folder, start convention and detail."""
    rulesets_dir, *rest = options
    folder = str(rulesets_dir) if rulesets_dir else None
    pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(folder, *rest))
    pending: deque[tuple[Recall, Future | None]] = deque()
    try:
        for chunk in chunks(rows):
            recall = Recall(chunk, kept)
            pending.append((recall, pool.submit(_evaluate_chunk, recall.rest) if recall.rest else None))
            while len(pending) >= 2 * jobs:
                oldest, future = pending.popleft()
                write(oldest, _result_of(future, pool) if future else [])
        while pending:
            oldest, future = pending.popleft()
            write(oldest, _result_of(future, pool) if future else [])
    except BrokenProcessPool:
        raise MappaError("a worker process died; the results are complete up to the last row written: rerun with --resume") from None
    finally:
        for _, future in pending:
            if future:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _result_of(future: Future, pool: ProcessPoolExecutor) -> list[Done]:
    """A chunk's results, watching the workers meanwhile. A worker killed while it was sending a
    result leaves half a message in the pipe and its lock taken: CPython's pool then waits for the
    rest for ever and never reports the death (seen once in CI). A dead worker found here stops the
    pool instead: the others are killed and the pool's own end of the result pipe closed, so its
    reader meets the end of the pipe and the pool breaks as it should."""
    while True:
        try:
            return future.result(timeout=WATCH_SECONDS)
        except FuturesTimeout:
            try:
                workers = list((getattr(pool, "_processes", None) or {}).values())
            except RuntimeError:  # changed by the pool's own thread meanwhile: look again
                continue
            if not any(worker.exitcode is not None for worker in workers):
                continue
            for worker in workers:
                if worker.exitcode is None:
                    worker.kill()
            writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                writer.close()
            raise BrokenProcessPool("a worker process died") from None


WATCH_SECONDS = 1.0


def chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    """Rows in chunks of CHUNK, lazily."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _lock(handle: Any, results: Path) -> None:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise OptionError(f"{results}: another mappa batch is writing it; wait for it or choose another output") from None


def _identity(input_path: Path, library: Library, convention: str | None, detail: str,
              outputs: Iterable[Path] = ()) -> dict[str, Any]:
    """What the results depend on: the input (size, modification time, SHA-256; for a folder, the files
    it reads, not the run's own, which grow as it goes), the rulesets and the options."""
    digest = hashlib.sha256()
    if input_path.is_file():
        with input_path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        status = input_path.stat()
        source = {"size": status.st_size, "modified": status.st_mtime_ns, "sha256": digest.hexdigest()}
    else:  # a folder: its case files' names and sizes
        listing = [(p.name, p.stat().st_size) for p in _folder_entries(input_path, outputs) if p.is_file()]
        source = {"files": hashlib.sha256(json.dumps(listing).encode()).hexdigest()}
    return {"input": source, "rulesets": [b.sha256 for b in library.versions], "convention": convention, "detail": detail}


WHAT_DIFFERS = {"input": "the input file is not the one the run started on",
                "rulesets": "the rulesets differ from the run's", "convention": "--start-convention differs from the run's",
                "detail": "--detail differs from the run's",
                "recording": "--record / --db differ from the run's (a resumed run records where it began, or not at all)"}


def _start(results: Path, errors: Path, resume: bool, run: dict[str, Any]) -> Progress:
    marker = progress_path(results)
    if not resume:
        for path in (results, errors):
            path.write_bytes(b"")
        progress = Progress(run=run)
        _save(results, progress)
        return progress
    if not marker.is_file():
        raise MappaError(f"{marker}: no progress file, so nothing to resume (run without --resume)")
    progress = Progress(**json.loads(marker.read_text()))
    recorded = {"detail": "full", "recording": None, **progress.run}  # runs from before --detail wrote full lines
    differs = [WHAT_DIFFERS[key] for key in WHAT_DIFFERS if recorded.get(key) != run[key]]
    if differs:
        raise OptionError(f"{marker}: cannot resume: {'; '.join(differs)} (start again without --resume)")
    for path, size in ((results, progress.results_bytes), (errors, progress.errors_bytes)):
        if not path.is_file() or path.stat().st_size < size:
            raise MappaError(f"{path}: shorter than the progress file records; cannot resume safely")
        with path.open("r+b") as handle:  # drop anything written after the last recorded flush
            handle.truncate(size)
    return progress


def _save(results: Path, progress: Progress) -> None:
    marker = progress_path(results)
    temporary = marker.with_name(marker.name + ".tmp")
    temporary.write_text(json.dumps(progress.__dict__, sort_keys=True))
    os.replace(temporary, marker)
