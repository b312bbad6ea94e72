"""The user's cache: loaded rulebooks and compiled report templates kept between runs, for a fast start.

Everything kept is keyed by this package's code and the Python and pydantic versions, and checked
against what it was made from (a rulebook: every file the load read and every path it looked for),
so a change to any of them makes it again, as does a damaged entry. Entries that Python loads as code (pickles, Jinja's compiled templates) are only read
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
from typing import Any, Callable

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
        folder.parent.mkdir(parents=True, exist_ok=True)
        for made in (folder, path):  # each made 0700 itself, whatever the umask would give a parent
            made.mkdir(exist_ok=True, mode=0o700)
    except OSError:
        return None
    return path if _private(path.stat()) and _private(folder.stat()) else None


def _private(status: os.stat_result) -> bool:
    """Owned by this user and not writable by group or others."""
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def fingerprint(*parts: str) -> str:
    """A digest of this package's code, the Python and pydantic versions (pickles hold pydantic models)
    and the given text."""
    import pydantic

    digest = hashlib.sha256(f"{sys.version}\0{pydantic.VERSION}\0{chr(0).join(parts)}".encode())
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def kept(name: str, key: str, make: Callable[[], Any], still_so: Callable[[Any], bool] = lambda _: True) -> Any:
    """The object kept under `name` for `key` if `still_so(it)`, else `make()`, kept for next time
    (pickled, in a folder only this user can write)."""
    folder = private_dir("objects")
    path = folder / f"{name}-{key[:32]}.pickle" if folder else None
    if path is not None:
        found = _read_private(path)
        if found is not None:
            try:
                entry = pickle.loads(found)  # noqa: S301 - our own file, in a folder only this user can write
                if still_so(entry):
                    return entry
            except Exception:  # noqa: BLE001 - a damaged or stale entry is made again
                pass
    made = make()
    if path is not None:
        try:
            write_privately(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - something that cannot be pickled is simply not kept
            pass
    return made


def _read_private(path: Path) -> bytes | None:
    """A file's bytes if it is a regular file (not a link) owned by this user that nobody else can write."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as opened:
        status = os.fstat(opened.fileno())
        if not stat.S_ISREG(status.st_mode) or not _private(status):
            return None
        return opened.read()


def write_privately(path: Path, data: bytes) -> None:
    """Write a whole file or nothing, readable and writable by this user only."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        pass  # no cache is no error: the next run makes it again
