"""A PostgreSQL server from Debian's `postgresql` package, started for the tests: a unix socket in a
temporary folder, no TCP, trust authentication for one user, stopped at the end."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

USER = "mappa"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


class Server:
    """One server for a test run; `new_database()` gives each test its own database."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="mappa-pg-"))
        self.data = self.folder / "data"
        self._names = itertools.count(1)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the package's user
            shutil.chown(self.folder, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        else:
            self._as = []
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "--no-sync", "-E", "UTF8", "--locale", "C")
        options = f"-c listen_addresses='' -k {self.folder} -c fsync=off -c max_connections=40"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run([*self._as, str(self.bin / program), *args], check=True, capture_output=True, cwd="/")

    def new_database(self) -> str:
        """A fresh database's SQLAlchemy URL."""
        import psycopg

        name = f"test{next(self._names)}"
        with psycopg.connect(host=str(self.folder), user=USER, dbname="postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://{USER}@/{name}?host={self.folder}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
