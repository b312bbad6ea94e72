"""Parts of `mappa serve` tested directly: the guard's time limit and headers, the interview carried
in a form, the jobs' folder, and the settings' loopback test."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import anyio
import pytest

from mappa_rules.errors import CaseError, OptionError
from mappa_rules.interview import Interview
from mappa_rules.loader import load_library
from mappa_rules.web import state as carried
from mappa_rules.web.guard import Guard, WrongTokens, check_csrf, csrf_token, security_headers, session_cookie
from mappa_rules.web.jobs import Jobs
from mappa_rules.web.settings import Settings, is_loopback


def _call(app, settings: Settings, path: str = "/x", headers: list | None = None, method: str = "GET",
          client: str = "192.0.2.7", guard: Guard | None = None) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "path": path, "method": method, "headers": headers or [(b"host", b"127.0.0.1:8000")],
             "client": (client, 50000)}
    anyio.run(guard or Guard(app, settings), scope, receive, send)
    return sent


def test_a_request_over_its_time_is_answered_503() -> None:
    async def slow(scope, receive, send) -> None:
        await anyio.sleep(5)

    started = time.monotonic()
    sent = _call(slow, Settings(max_seconds=0.2))
    assert time.monotonic() - started < 2
    assert sent[0]["status"] == 503 and b"longer than 0.2 s" in sent[1]["body"]


def test_an_html_page_is_held_and_its_style_blocks_admitted_by_hash() -> None:
    async def page(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": b"<style>a{}</style>", "more_body": True})
        await send({"type": "http.response.body", "body": b"<p>x</p>", "more_body": False})

    sent = _call(page, Settings())
    headers = dict(sent[0]["headers"])
    assert headers[b"content-length"] == b"26" and sent[1]["body"] == b"<style>a{}</style><p>x</p>"
    assert headers[b"content-security-policy"] == dict(security_headers(b"<style>a{}</style>"))[b"content-security-policy"]
    assert b"'sha256-" in headers[b"content-security-policy"] and headers[b"cache-control"] == b"no-store"


def test_csrf_token_is_bound_to_its_cookie() -> None:
    token = csrf_token("secret", "cookie-a")
    assert check_csrf("secret", "cookie-a", token)
    assert not check_csrf("secret", "cookie-b", token) and not check_csrf("other", "cookie-a", token)
    assert not check_csrf("secret", None, token) and not check_csrf("secret", "cookie-a", None)


def test_an_interview_survives_the_form_and_back_still_undoes() -> None:
    library = load_library(None)
    interview = Interview.start(library, {"kind": "case", "case_id": "F-1"})
    first = interview.next_question()["fact"]
    interview.answer(first, "yes")
    again = carried.decode(carried.encode(interview), library)
    assert again.document() == interview.document() and again.result() == interview.result()
    assert again.back() == first and first not in again.facts


@pytest.mark.parametrize("text", ["", "[]", json.dumps({"case": []}), json.dumps({"case": {"kind": "case"}, "history": [[1, 2, 3]]}),
                                  "x" * (carried.MAX_STATE + 1)])
def test_a_tampered_interview_is_a_case_error(text: str) -> None:
    with pytest.raises(CaseError):
        carried.decode(text, load_library(None))


def test_jobs_refuse_other_files_and_forget_old_uploads(tmp_path: Path) -> None:
    jobs = Jobs(tmp_path, None)
    with pytest.raises(OptionError, match="jsonl or .csv"):
        jobs.start("caseload.xlsx", b"")
    old = tmp_path / ("A" * 22)
    old.mkdir()
    (old / "job.json").write_text("{}")
    os.utime(old / "job.json", (time.time() - 3 * 3600,) * 2)
    jobs.forget_old()
    assert not old.exists()
    assert jobs.status("../../etc") is None and jobs.status("B" * 22) is None


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.8.9.10")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1") and not is_loopback("example.org")


def test_a_fault_is_one_line_with_its_headers_and_logged_without_its_message(caplog) -> None:
    async def faulty(scope, receive, send) -> None:
        raise ValueError("SECRETNAME of the person")

    with caplog.at_level("ERROR", logger="mappa_rules.web"):
        sent = _call(faulty, Settings(), path="/api/assess")
    assert sent[0]["status"] == 500 and b"content-security-policy" in dict(sent[0]["headers"])
    assert json.loads(sent[1]["body"])["error"].startswith("The server could not complete")
    assert "ValueError" in caplog.text and "SECRETNAME" not in caplog.text


def test_the_time_limit_is_on_the_work_not_on_sending_the_answer() -> None:
    async def slow_download(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/x-ndjson")]})
        await anyio.sleep(0.5)
        await send({"type": "http.response.body", "body": b"all of it", "more_body": False})

    sent = _call(slow_download, Settings(max_seconds=0.2))
    assert sent[0]["status"] == 200 and sent[-1]["body"] == b"all of it"


def test_a_stalled_body_is_let_go() -> None:
    async def reads(scope, receive, send) -> None:
        await receive()

    async def stalled() -> dict:
        await anyio.sleep(5)
        return {}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/api/batch", "method": "POST", "headers": [(b"host", b"127.0.0.1:8000")]}
    started = time.monotonic()
    anyio.run(Guard(reads, Settings(max_seconds=0.2)), scope, stalled, send)
    assert time.monotonic() - started < 2 and sent[0]["status"] == 408


def test_host_names_allowed() -> None:
    assert "127.0.0.1:8000" in Settings().allowed_hosts and "[::1]:8000" in Settings().allowed_hosts
    wild = Settings(host="0.0.0.0", allowed_hosts_given=("mappa.area.example",), token="x" * 16)
    assert wild.allowed_hosts == {"mappa.area.example", "mappa.area.example:8000"}
    assert Settings(host="2001:db8::5").allowed_hosts == {"[2001:db8::5]", "[2001:db8::5]:8000"}
    assert Settings(host="2001:db8::5").url == "http://[2001:db8::5]:8000/"


def test_blocking_work_is_bounded_and_the_overflow_answered_503(monkeypatch) -> None:
    from mappa_rules.web import service

    monkeypatch.setattr(service, "_PLACES", __import__("threading").BoundedSemaphore(1))
    monkeypatch.setattr(service, "BUSY_WAIT", 0.2)
    release = __import__("threading").Event()

    async def app(scope, receive, send) -> None:
        await service.off_loop(release.wait, 5)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    first = _call(app, Settings(max_seconds=0.3))  # times out; its thread keeps its place
    assert first[0]["status"] == 503
    second = _call(app, Settings(max_seconds=5))  # no place left: busy, not queued for ever
    assert second[0]["status"] == 503 and b"busy" in second[1]["body"]
    release.set()


def test_wrong_tokens_from_one_address_are_counted_for_a_minute() -> None:
    now = [1000.0]
    tokens = WrongTokens(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert tokens.wait("a") == 0
        tokens.wrong("a")
    assert tokens.wait("a") == 60 and tokens.wait("b") == 0  # another address may still try
    now[0] += 45
    assert tokens.wait("a") == 15
    now[0] += 15
    assert tokens.wait("a") == 0  # the minute has passed
    tokens.KEPT = 5
    for n in range(20):
        tokens.wrong(f"addr-{n}")
    assert len(tokens._given) <= 5  # many addresses cannot grow it without bound


def test_an_address_guessing_the_token_is_refused_429_until_its_minute_passes() -> None:
    async def app(scope, receive, send) -> None:
        status = 401 if scope["path"] == "/login" else 200  # the sign-in page refuses a wrong token with 401
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    settings = Settings(token="correct-horse-battery-staple")
    guard = Guard(app, settings)

    def bearer(token: str, client: str = "192.0.2.7") -> int:
        headers = [(b"host", b"127.0.0.1:8000"), (b"authorization", f"Bearer {token}".encode())]
        return _call(app, settings, "/api/rules", headers, client=client, guard=guard)[0]["status"]

    for _ in range(5):
        assert bearer("guess") == 401
        assert _call(app, settings, "/login", method="POST", guard=guard)[0]["status"] == 401
    refused = _call(app, settings, "/api/rules", [(b"host", b"127.0.0.1:8000"), (b"authorization", b"Bearer correct-horse-battery-staple")],
                    guard=guard)
    assert refused[0]["status"] == 429 and b"Too many wrong tokens" in refused[1]["body"]  # the right token too, while refused
    assert 0 < int(dict(refused[0]["headers"])[b"retry-after"]) <= 60
    assert _call(app, settings, "/login", method="POST", guard=guard)[0]["status"] == 429
    assert bearer("correct-horse-battery-staple", client="192.0.2.8") == 200  # another address is not refused
    name, value = session_cookie(settings)
    signed_in = [(b"host", b"127.0.0.1:8000"), (b"cookie", f"{name}={value}".encode())]
    assert _call(app, settings, "/", signed_in, guard=guard)[0]["status"] == 200  # a browser already signed in goes on
    assert _call(app, settings, "/login", guard=guard)[0]["status"] == 401  # the sign-in form itself is still shown


def test_head_is_answered_as_get_without_its_body() -> None:
    async def app(scope, receive, send) -> None:
        assert scope["method"] == "GET"
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html"), (b"content-length", b"9")]})
        await send({"type": "http.response.body", "body": b"<p>ok</p>"})

    sent = _call(app, Settings(), "/", method="HEAD")
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 200 and headers[b"content-length"] == b"9" and b"content-security-policy" in headers
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b""
