"""Starting a server: refuse an unsafe or broken start with one line, then hand over to uvicorn."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
from pathlib import Path
from typing import Any

from mappa_rules.errors import OptionError
from mappa_rules.web.settings import ENV, Settings, is_loopback


def checked_settings(host: str, port: int, db: str | None, rulesets_dir: Path | None, token: str | None,
                     behind_proxy: bool, max_body_mb: int, max_seconds: float, allowed_hosts: tuple[str, ...] = ()) -> Settings:
    """The settings of a server about to start; an OptionError if it would not be safe or could not work."""
    if host in ("0.0.0.0", "::") and not allowed_hosts:
        raise OptionError(f"--host {host} listens on every address: name the host names people will use with --allowed-host "
                          "(any other name is refused, so another site cannot reach it by DNS rebinding)")
    if not is_loopback(host) and not token and not behind_proxy:
        raise OptionError(f"--host {host} is reachable from other machines: give --token (or $MAPPA_TOKEN), or "
                          "--behind-proxy when the area's authenticating proxy stands in front of it")
    if token is not None and len(token) < 16:
        raise OptionError("--token: at least 16 characters (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe())')")
    from mappa_rules.loader import load_library

    load_library(rulesets_dir)  # a broken ruleset folder: one line now, not a failing server
    if db:
        from mappa_rules.record import Store, database_url

        Store(database_url(db)).close()  # made or upgraded once, before the workers start
    return Settings(host=host, port=port, rulesets_dir=str(rulesets_dir) if rulesets_dir else None, db=db, token=token,
                    max_body=max_body_mb * 1024 * 1024, max_seconds=max_seconds, behind_proxy=behind_proxy,
                    allowed_hosts_given=tuple(allowed_hosts))


def run(settings: Settings, workers: int) -> None:
    """Serve until stopped; the uploads' folder is private to this server and removed when it stops."""
    import uvicorn

    work = tempfile.mkdtemp(prefix="mappa-serve-")  # 0700
    # uvicorn stops on SIGTERM, then raises it again with the handler it found: this one, so the
    # uploads' folder below is still removed (the default action would kill the process first)
    signal.signal(signal.SIGTERM, _exit_143)
    try:
        os.environ[ENV] = Settings(**{**settings.__dict__, "work_dir": work}).to_env()
        os.environ["TMPDIR"] = tempfile.tempdir = work  # a large upload's spool file too (Starlette spools parts over 1 MiB)
        uvicorn.run("mappa_rules.web.app:app_from_env", factory=True, host=settings.host, port=settings.port,
                    workers=workers, proxy_headers=settings.behind_proxy, server_header=False, log_level="info",
                    http=NoDelayH11)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _exit_143(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


try:
    from uvicorn.protocols.http.h11_impl import H11Protocol
except ImportError:  # uvicorn is imported only to serve
    H11Protocol = object  # type: ignore[misc,assignment]


class NoDelayH11(H11Protocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP/1.1 protocol with Nagle's algorithm off on every connection. With more than one
    worker, uvicorn makes the listening socket with protocol 0, and asyncio then leaves TCP_NODELAY off
    (uvicorn issue 3149): every keep-alive answer waited ~44 ms for the client's delayed ACK
    (bench/serve.py measured 170 requests/s with 2 workers against 389 with 1)."""

    def connection_made(self, transport: Any) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            try:
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        super().connection_made(transport)
