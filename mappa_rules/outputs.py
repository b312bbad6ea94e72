"""Writing outputs safely: never over an input, never half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from mappa_rules.errors import OptionError


def refuse_overwriting(inputs: Iterable[str | Path], outputs: Iterable[str | Path]) -> None:
    """Refuse, before anything is read, an output that is the same file as an input or as another
    output (compared by device and inode, so another name or a link for the same file is caught)."""
    seen: dict[tuple[int, int], str] = {}
    for path in inputs:
        identity = _identity(path)
        if identity is not None:
            seen[identity] = f"the input {path}"
    for path in outputs:
        identity = _identity(path)
        if identity is None:
            continue
        if identity in seen:
            raise OptionError(f"{path}: is the same file as {seen[identity]}; refusing to overwrite it")
        seen[identity] = f"the output {path}"


def write_atomically(path: str | Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, then renamed over the target."""
    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        raise OptionError(f"{target}: cannot be written: {exc.strerror}") from None


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)
