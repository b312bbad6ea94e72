"""An interview carried in the page's form (a hidden field), never kept on the server and never in a URL.

What comes back from a browser is input like any case file: it is parsed, bounded and validated
again on every request (`Interview.start`), and each step of its history must name a known fact."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from mappa_rules.errors import CaseError
from mappa_rules.interview import Interview
from mappa_rules.loader import Library

MAX_STATE = 256 * 1024


def encode(interview: Interview) -> str:
    """The interview as the text of a hidden field: the case document and the answers in the order given."""
    history = [list(step) for step in interview.steps()]
    return json.dumps({"case": interview.document(), "history": history, "confirm": interview.confirm},
                      sort_keys=True, ensure_ascii=False, default=_plain)


def decode(text: str, library: Library) -> Interview:
    """An interview from a hidden field's text; a CaseError naming what is wrong with it."""
    if len(text) > MAX_STATE:
        raise CaseError("interview", None, f"the interview sent is larger than {MAX_STATE // 1024} KiB")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise CaseError("interview", None, "the interview sent is not readable (start again)") from None
    if not isinstance(data, dict) or not isinstance(data.get("case"), dict) or not isinstance(data.get("history", []), list):
        raise CaseError("interview", None, "the interview sent is not an interview (start again)")
    interview = Interview.start(library, data["case"], confirm=data.get("confirm") is True)
    for step in data.get("history", []):
        if not (isinstance(step, list) and len(step) == 3 and isinstance(step[0], str) and step[0] in interview.book.facts
                and (step[1] is None or isinstance(step[1], (str, int, float, bool))) and isinstance(step[2], bool)):
            raise CaseError("interview", None, "a step of the interview sent is not a known fact and a plain value (start again)")
    interview.restore_steps([tuple(step) for step in data.get("history", [])])
    return interview


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
