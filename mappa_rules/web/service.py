"""What the API and the pages both do with a case: parse a request body as a case file, assess it,
and run blocking work off the event loop (abandoned, not killed, when the request's time is up)."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import anyio.to_thread

from mappa_rules.case import case_from_data
from mappa_rules.documents import decode_utf8, parse_text
from mappa_rules.errors import CaseError
from mappa_rules.explain import assess
from mappa_rules.loader import Library

T = TypeVar("T")
SOURCE = "request"


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Blocking work (the engine, the database) in a worker thread."""
    return await anyio.to_thread.run_sync(work, *args, abandon_on_cancel=True)


def parse_case(raw: bytes, json_only: bool = True) -> Any:
    """A request body as a case document, refused as a case file would be."""
    fail = lambda reason: CaseError(SOURCE, None, reason)  # noqa: E731 - one error shape for every step
    return parse_text(decode_utf8(raw, fail), json_only, fail)


def assess_data(library: Library, data: Any) -> dict[str, Any]:
    """A parsed case document assessed under the ruleset version in force on its as_of."""
    book = library.for_data(data)
    return assess(case_from_data(data, book, SOURCE), book)
