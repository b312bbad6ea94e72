"""What the API and the pages both do with a case: parse a request body as a case file, assess it,
and run blocking work off the event loop (abandoned, not killed, when the request's time is up)."""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

import anyio.to_thread

from mappa_rules.case import case_from_data, document_from_bytes
from mappa_rules.explain import assess
from mappa_rules.loader import Library

T = TypeVar("T")
SOURCE = "request"


WORKING_AT_ONCE = 8  # blocking calls running or waiting at once in one server process
BUSY_WAIT = 10.0  # seconds a call waits for one of those places before the request is answered 503


class Busy(BaseException):
    """Every place for blocking work is taken (e.g. by work a timed-out request left running): the
    guard answers 503. A BaseException, so the app's fault handler lets it through."""


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Blocking work (the engine, the database) in a worker thread. A request whose time runs out is
    answered at once and its thread finishes in the background, still holding its place, so work
    left behind cannot pile up past WORKING_AT_ONCE."""
    return await anyio.to_thread.run_sync(_bounded, work, args, abandon_on_cancel=True)


_PLACES = threading.BoundedSemaphore(WORKING_AT_ONCE)


def _bounded(work: Callable[..., T], args: tuple[Any, ...]) -> T:
    if not _PLACES.acquire(timeout=BUSY_WAIT):
        raise Busy
    try:
        return work(*args)
    finally:
        _PLACES.release()


def parse_case(raw: bytes) -> Any:
    """A request body (JSON) as a case document, refused as a case file would be."""
    return document_from_bytes(raw, SOURCE, json_only=True)


def assess_data(library: Library, data: Any) -> dict[str, Any]:
    """A parsed case document assessed under the ruleset version in force on its as_of."""
    book = library.for_data(data)
    return assess(case_from_data(data, book, SOURCE), book)
