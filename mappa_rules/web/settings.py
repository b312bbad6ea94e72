"""How a server was started: where its rules, record and uploads are, and what it lets in.

The options travel to uvicorn's worker processes in the environment (`to_env` / `from_env`), so every
worker of one server has the same secret, token and folders."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from dataclasses import asdict, dataclass, field

ENV = "MAPPA_SERVE_SETTINGS"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    rulesets_dir: str | None = None
    db: str | None = None  # a decision record: its URL or file (none: the record pages say how to configure one)
    token: str | None = None  # required on every request when set
    work_dir: str = ""  # caseload uploads and their results, private to the server's user
    secret: str = field(default_factory=lambda: secrets.token_hex(32))  # signs the forms' CSRF tokens
    max_body: int = 20 * 1024 * 1024  # bytes a request may send (a caseload upload is the largest)
    max_seconds: float = 30.0  # time a request may take before it is answered 503
    behind_proxy: bool = False
    allowed_hosts_given: tuple[str, ...] = ()  # the names people reach it by, off loopback (--allowed-host)

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "Settings":
        values = json.loads(os.environ[ENV])
        return cls(**{**values, "allowed_hosts_given": tuple(values.get("allowed_hosts_given", ()))})

    @property
    def allowed_hosts(self) -> set[str]:
        """Host headers accepted (a page served on loopback refuses any other name: DNS rebinding)."""
        given = [*self.allowed_hosts_given, *([self.host] if self.host not in ("0.0.0.0", "::") else [])]
        if is_loopback(self.host):
            given += ["127.0.0.1", "localhost", "::1"]
        names = set()
        for name in given:
            shown = f"[{name.strip('[]')}]" if ":" in name.strip("[]") else name
            names |= {shown, f"{shown}:{self.port}"}
        return names

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
