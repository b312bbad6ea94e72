"""What every request passes before the app sees it, and what every response carries.

- Host: only the names the server was started on (a page on loopback refuses other names, so a
  web page elsewhere cannot reach it by DNS rebinding).
- Token: when the server has one, every request but /healthz and /login carries it (a bearer
  header, or the cookie /login sets); compared in constant time.
- Size and time: a body larger than the limit is refused 413; a request still working after the
  time limit is answered 503 (its work, if any, finishes in the background under the engine's lock).
- Headers: a strict Content-Security-Policy (nothing from elsewhere; the pages' own inline style
  blocks admitted by their sha256, no script at all), no caching, no framing, no referrer.
- CSRF: every form carries a token bound to a cookie (`csrf_token`, `check_csrf`).
- Guessing: an address that gives a wrong token ten times in a minute (a bearer header, or the
  /login form) is refused 429 on its next tries until the minute has passed, right token or not
  (`WrongTokens`; counted in each worker process).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import math
import re
import secrets
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any, Awaitable, Callable

import anyio

from mappa_rules import MARKING
from mappa_rules.web.service import Busy
from mappa_rules.web.settings import Settings

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

OPEN_PATHS = {"/healthz", "/login"}
UNTIMED = {"/api/batch"}  # streams as it goes, bounded by its size instead
CSRF_COOKIE = "mappa_csrf"
FAULT = "The server could not complete this request; the fault is logged. Please try again or report it."
LOG = logging.getLogger("mappa_rules.web")
_STYLE = re.compile(rb"<style>(.*?)</style>", re.S)


class TooLarge(BaseException):
    """A body over the limit: a BaseException, so the app's own fault handler lets it through to the guard."""


class Stalled(BaseException):
    """A body that stopped arriving (a BaseException for the same reason)."""


class WrongTokens:
    """Wrong tokens given from each address in the last `window` seconds; past `limit` of them, how long
    that address must wait before its next try is looked at."""

    KEPT = 10_000  # addresses remembered at most

    def __init__(self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._given: dict[str, deque[float]] = {}

    def wait(self, address: str) -> float:
        """Seconds until this address may try again (0: it may now)."""
        times = self._recent(address)
        return times[0] + self.window - self.clock() if times and len(times) >= self.limit else 0.0

    def wrong(self, address: str) -> None:
        self._recent(address).append(self.clock())
        if len(self._given) > self.KEPT:  # many addresses: those with no try in the window go, then the first seen
            for other in [a for a in self._given if not self._recent(a)]:
                del self._given[other]
            while len(self._given) > self.KEPT * 9 // 10:
                del self._given[next(iter(self._given))]

    def _recent(self, address: str) -> deque[float]:
        times = self._given.setdefault(address, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        return times


class Guard:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: Callable[..., Awaitable[None]], settings: Settings) -> None:
        self.app, self.settings = app, settings
        self.hosts = {h.lower() for h in settings.allowed_hosts}
        self.too_large = f"The request is larger than the limit of {settings.max_body // (1024 * 1024)} MiB."
        self.wrong_tokens = WrongTokens()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        if headers.get("host", "").lower() not in self.hosts:
            await _plain(send, 400, "This server does not answer to that host name (see mappa serve --allowed-host).", path)
            return
        address = (scope.get("client") or ("unknown",))[0]
        trying = self.settings.token and (headers.get("authorization", "").lower().startswith("bearer ")
                                          or (path == "/login" and scope.get("method") == "POST"))
        if trying and (wait := self.wrong_tokens.wait(address)) > 0:
            await _plain(send, 429, f"Too many wrong tokens from this address; try again in {math.ceil(wait)} s.", path,
                         [(b"retry-after", str(math.ceil(wait)).encode())])
            return
        if self.settings.token and path not in OPEN_PATHS and not self._has_token(headers):
            if trying:
                self.wrong_tokens.wrong(address)
            await _refuse_unauthenticated(send, path)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.settings.max_body:
            await _plain(send, 413, self.too_large, path)
            return
        started = False
        limit = self.settings.max_seconds
        timer = anyio.CancelScope(deadline=anyio.current_time() + limit if path not in UNTIMED else math.inf)

        async def counted_receive() -> dict[str, Any]:
            try:
                with anyio.fail_after(limit):  # each part of the body within the limit: a stalled client is let go
                    message = await receive()
            except TimeoutError:
                raise Stalled from None
            counted_receive.total += len(message.get("body", b""))  # type: ignore[attr-defined]
            if counted_receive.total > self.settings.max_body:  # type: ignore[attr-defined]
                raise TooLarge
            return message
        counted_receive.total = 0  # type: ignore[attr-defined]

        async def secured_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if trying and path == "/login" and message["status"] == 401:
                    self.wrong_tokens.wrong(address)
                timer.deadline = math.inf  # the limit is on the work, not on sending its answer
            await send(message)

        answer = _with_headers(secured_send)
        if scope.get("method") == "HEAD":  # as GET, without the body (FastAPI's routes answer GET alone)
            scope, answer = {**scope, "method": "GET"}, _with_headers(_without_body(secured_send))
        try:
            with timer:
                await self.app(scope, counted_receive, answer)
            if timer.cancelled_caught and not started:
                await _plain(send, 503, f"The request took longer than {limit:g} s; try a smaller one.", path)
        except TooLarge:
            if not started:
                await _plain(send, 413, self.too_large, path)
        except Busy:
            if not started:
                await _plain(send, 503, "The server is busy with other work; try again in a minute.", path)
        except Stalled:
            if not started:
                await _plain(send, 408, f"The request's body did not arrive within {limit:g} s.", path)
        except Exception as exc:  # noqa: BLE001 - a fault: logged by type and place (its message may quote case data)
            if type(exc).__name__ != "ClientDisconnect":
                log_fault(scope, exc)
            if not started:
                await _plain(send, 500, FAULT, path)

    def _has_token(self, headers: dict[str, str]) -> bool:
        """The token as a bearer header, or the session cookie /login set (derived from it, never the token itself)."""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return token_matches(self.settings, auth[7:].strip())
        name, value = session_cookie(self.settings)
        for part in headers.get("cookie", "").split(";"):
            key, _, given = part.strip().partition("=")
            if key == name and hmac.compare_digest(given.encode(), value.encode()):
                return True
        return False


def _with_headers(send: Send) -> Send:
    """Security headers on every response; an HTML page is held until complete so its inline style
    blocks can be admitted by hash."""
    held: list[dict[str, Any]] = []

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            if content_type.startswith(b"text/html"):
                held.append(message)
                return
            message["headers"] = list(message.get("headers", [])) + security_headers(b"")
            await send(message)
            return
        if held:
            held.append(message)
            if message.get("more_body"):
                return
            start, *parts = held
            body = b"".join(p.get("body", b"") for p in parts)
            start["headers"] = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"] + \
                [(b"content-length", str(len(body)).encode())] + security_headers(body)
            held.clear()
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped


def _without_body(send: Send) -> Send:
    """A response to HEAD: its status and headers (its length too), no body."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return wrapped


def security_headers(html: bytes) -> list[tuple[bytes, bytes]]:
    """The headers every response carries; for an HTML page, its inline style blocks admitted by hash."""
    if not html:
        return _PLAIN_HEADERS
    return _headers(html)


def _headers(html: bytes) -> list[tuple[bytes, bytes]]:
    styles = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" for s in _STYLE.findall(html))
    policy = (f"default-src 'none'; style-src {styles or chr(39) + 'none' + chr(39)}; img-src 'self' data:; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")
    return [(b"content-security-policy", policy.encode()), (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"), (b"x-protective-marking", MARKING.encode())]


_PLAIN_HEADERS = _headers(b"")


def answers_json(path: str) -> bool:
    """Whether a path is the API's (and so answers JSON), not a person's page."""
    return path.startswith("/api/") or path in ("/healthz", "/openapi.json")


def refusal_body(path: str, text: str) -> tuple[bytes, str]:
    """A refusal or fault in one line, as its path's callers read it: the CLI's error object for the
    API (and /healthz, /openapi.json), marked text for a person. (body, content type)"""
    if answers_json(path):
        return json.dumps({"error": text, "field": None, "cites": []}).encode(), "application/json"
    return f"OFFICIAL-SENSITIVE\n\n{text}\n".encode(), "text/plain; charset=utf-8"


async def _plain(send: Send, status: int, text: str, path: str = "", extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body, kind = refusal_body(path, text)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
                + (extra or []) + security_headers(b"")})
    await send({"type": "http.response.body", "body": body})


async def _refuse_unauthenticated(send: Send, path: str) -> None:
    if answers_json(path):
        await _plain(send, 401, "This server needs its token: send it as 'Authorization: Bearer TOKEN'.", path)
        return
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", b"/login"), (b"content-length", b"0")] + security_headers(b"")})
    await send({"type": "http.response.body", "body": b""})


def token_matches(settings: Settings, given: str) -> bool:
    """Whether a token given (a bearer header, the sign-in form) is the server's, compared in constant time."""
    return bool(settings.token) and hmac.compare_digest(given.encode(), (settings.token or "").encode())


def csrf_token(secret: str, cookie: str) -> str:
    """The token a form carries: the cookie's value signed with the server's secret."""
    return hmac.new(secret.encode(), cookie.encode(), hashlib.sha256).hexdigest()


def check_csrf(secret: str, cookie: str | None, given: str | None) -> bool:
    return bool(cookie) and bool(given) and hmac.compare_digest(csrf_token(secret, cookie or ""), given or "")


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def session_cookie(settings: Settings) -> tuple[str, str]:
    """The cookie /login sets: named for this server's port (browsers share cookies across ports),
    valued by an HMAC of the token with the server's secret, so the token itself is never stored."""
    value = hmac.new(settings.secret.encode(), f"session:{settings.token}".encode(), hashlib.sha256).hexdigest()
    return f"mappa_session_{settings.port}", value


def log_fault(scope: Scope, exc: BaseException) -> None:
    """A server fault in the log by type and place only: its message may quote case data."""
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(traceback.extract_tb(exc.__traceback__)[-6:]))
    LOG.error("%s %s failed: %s at %s", scope.get("method"), scope.get("path"), type(exc).__name__, where)
