"""A real `mappa serve` for the web tests and the load script: a subprocess on a free loopback port,
started and waited for, stopped at the end. Nothing here is part of the tool."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

MAPPA = str(Path(sys.executable).with_name("mappa"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(*options: str, workers: int = 1, env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """`mappa serve` with these options on a free port; its base URL while it runs."""
    port = free_port()
    out = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen([MAPPA, "serve", "--port", str(port), "--workers", str(workers), *options],
                               stdout=out, stderr=out, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"mappa serve exited with {process.returncode}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("mappa serve did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()
