"""Caseload uploads: each runs as `mappa batch` does, in a thread of the server, in a private folder
that every worker process of the server can read (the progress file the batch writes tells how far
it is), and ends with the caseload summary rendered once."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from mappa_rules.errors import MappaError, OptionError
from mappa_rules.outputs import write_atomically

SUFFIXES = {".jsonl": ".jsonl", ".json": ".jsonl", ".ndjson": ".jsonl", ".csv": ".csv"}
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
RUNNING_AT_ONCE = 2  # caseloads assessed at once by one server process (each holds its upload in memory)
KEPT_HOURS = 2.0  # a caseload's upload and results are removed this long after it was started


class Jobs:
    """The uploads of one server, in `folder` (0700)."""

    def __init__(self, folder: Path, rulesets_dir: str | None) -> None:
        self.folder, self.rulesets_dir = folder, rulesets_dir
        self._running = threading.BoundedSemaphore(RUNNING_AT_ONCE)

    def start(self, filename: str, data: bytes) -> str:
        """Keep the upload and start assessing it; the job's id (random, for the job's own page)."""
        suffix = SUFFIXES.get(Path(filename or "").suffix.lower())
        if suffix is None:
            raise OptionError(f"{_name(filename)}: a caseload is a .jsonl or .csv file")
        self.forget_old()
        if not self._running.acquire(blocking=False):
            raise OptionError(f"{RUNNING_AT_ONCE} caseloads are being assessed on this server already: try again when one is done")
        try:
            return self._start(filename, suffix, data)
        except BaseException:
            self._running.release()
            raise

    def _start(self, filename: str, suffix: str, data: bytes) -> str:
        job_id = secrets.token_urlsafe(16)
        folder = self.folder / job_id
        folder.mkdir(mode=0o700)
        (folder / "upload").mkdir(mode=0o700)  # apart from the job's own files, whatever the upload is called
        upload = folder / "upload" / _stored_name(filename, suffix)  # rows' errors name the file as it was uploaded
        upload.write_bytes(data)
        rows = _count_rows(data, suffix)
        (folder / "job.json").write_text(json.dumps({"name": _name(filename), "rows": rows}))
        threading.Thread(target=self._run, args=(folder, upload), name=f"caseload-{job_id[:6]}", daemon=True).start()
        return job_id

    def forget_old(self, hours: float = KEPT_HOURS) -> None:
        """Remove the uploads and results of jobs started more than `hours` ago: case data is kept no longer than needed."""
        cutoff = time.time() - hours * 3600
        for folder in self.folder.iterdir() if self.folder.is_dir() else []:
            job = folder / "job.json"
            try:
                if JOB_ID.match(folder.name) and job.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
                elif folder.name.startswith("batch-") and folder.stat().st_mtime < cutoff:  # an API batch cut off
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue

    def status(self, job_id: str) -> dict[str, Any] | None:
        """How far a job is: name, rows, done, failed (a reason) and finished; None for no such job."""
        self.forget_old()
        folder = self._folder(job_id)
        if folder is None:
            return None
        job = json.loads((folder / "job.json").read_text())
        progress = folder / "results.jsonl.progress.json"
        try:
            job["done"] = json.loads(progress.read_text())["rows_done"] if progress.is_file() else 0
        except (ValueError, KeyError, OSError):  # being replaced at this moment
            job["done"] = 0
        failed = folder / "failed.txt"
        job["failed"] = failed.read_text() if failed.is_file() else None
        job["finished"] = (folder / "summary.html").is_file()
        return job

    def file(self, job_id: str, name: str) -> Path | None:
        folder = self._folder(job_id)
        path = folder / name if folder else None
        return path if path is not None and path.is_file() else None

    def _folder(self, job_id: str) -> Path | None:
        if not JOB_ID.match(job_id):
            return None
        folder = self.folder / job_id
        return folder if (folder / "job.json").is_file() else None

    def _run(self, folder: Path, upload: Path) -> None:
        from mappa_rules.batch import run_batch
        from mappa_rules.caseload import CaseloadCollector, load_errors
        from mappa_rules.report import render_page

        try:
            collector = CaseloadCollector()
            results, errors = folder / "results.jsonl", folder / "errors.jsonl"
            run_batch(upload, results, errors, rulesets_dir=Path(self.rulesets_dir) if self.rulesets_dir else None,
                      detail="full", on_result=collector.add)
            job = json.loads((folder / "job.json").read_text())
            page = render_page("web/job_done.j2", "MAPPA caseload summary", audience="auditor", reference="Caseload summary",
                               s=collector.summary(load_errors(errors)), name=job["name"], job_id=folder.name)
            write_atomically(folder / "summary.html", page)
        except MappaError as exc:
            write_atomically(folder / "failed.txt", str(exc))
        except Exception as exc:  # noqa: BLE001 - the job's page says so; the server goes on
            write_atomically(folder / "failed.txt", f"the caseload could not be assessed ({type(exc).__name__}: {exc})")
        finally:
            self._running.release()


def _count_rows(data: bytes, suffix: str) -> int:
    lines = sum(1 for line in data.splitlines() if line.strip())
    return max(lines - 1, 0) if suffix == ".csv" else lines


def _stored_name(filename: str | None, suffix: str) -> str:
    """The uploaded file's name as it is kept in the job's folder: its letters, digits, dots, dashes and
    underscores (others as _), never hidden, never another folder; "caseload" when nothing is left."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(os.path.basename(filename or "")).stem)[:60].lstrip(".")
    return f"{stem or 'caseload'}{suffix}"


def _name(filename: str | None) -> str:
    """An uploaded file's name as shown: its last part, printable, at most 80 characters."""
    from mappa_rules.errors import excerpt

    return excerpt(os.path.basename(filename or "upload"), 80)
