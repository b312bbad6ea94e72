"""The user's cache: loaded rulebooks and compiled report templates kept between runs, for a fast start.

Everything kept is keyed by what it was made from (the ruleset files' bytes, this package's code,
the Python version), so a change to any of them makes a new entry; a stale or damaged entry is
made again. Entries that Python loads as code (pickles, Jinja's compiled templates) are only read
from a folder and files that belong to this user and that nobody else can write: anyone who could
write there could otherwise make this tool run their code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """$MAPPA_CACHE_DIR, else the user's cache folder; None (nothing kept) when MAPPA_CACHE_DIR is empty."""
    chosen = os.environ.get("MAPPA_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mappa-rules"


def private_dir(name: str) -> Path | None:
    """A folder of the cache that only this user can write, made if need be; None if there is none."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / name
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return path if _private(path) and _private(path.parent) else None


def _private(path: Path) -> bool:
    """Owned by this user and not writable by group or others."""
    try:
        status = path.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def fingerprint(files: Iterable[Path]) -> str:
    """A digest of this package's code, the Python version and the given files (names and bytes)."""
    digest = hashlib.sha256(sys.version.encode())
    for path in (*sorted(PACKAGE.glob("*.py")), *files):
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def kept(name: str, key: str, make: Callable[[], Any]) -> Any:
    """The object kept under `name` for `key`, else `make()`, kept for next time (pickled, private)."""
    folder = private_dir("objects")
    path = folder / f"{name}-{key[:32]}.pickle" if folder else None
    if path is not None and path.is_file() and _private(path):
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)  # noqa: S301 - our own file, in a folder only this user can write
        except Exception:  # noqa: BLE001 - a damaged or stale entry is made again
            pass
    made = make()
    if path is not None:
        _write_privately(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
    return made


def _write_privately(path: Path, data: bytes) -> None:
    """Write a whole file or nothing, readable and writable by this user only."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        pass  # no cache is no error: the next run makes it again
