"""Values and reasons as a person reads them: yes/no, none, dates as "Mon 4 Jan 2027", enum codes as words.

The one place a value becomes words; the evaluator, explanations and reports all say values this way.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mappa_rules import calendar
from mappa_rules.ruleset import PLACEHOLDER, Rule


def render_because(rule: Rule, known: dict[str, Any]) -> str:
    """The rule's plain-English reason with `{fact}` placeholders filled from the case."""
    text = rule.because
    for name in sorted(set(PLACEHOLDER.findall(text))):
        text = text.replace("{" + name + "}", show(known[name]) if name in known else "(not given)")
    return text.strip()


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ROUTE = re.compile(r"single_agency:[a-z_]+")  # a complaint route and the agency that takes it


def show(value: Any) -> str:
    """A value as a person reads it: yes/no, none, words for enum codes."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(show(v) for v in value)
    if isinstance(value, dt.date):
        return calendar.show_date(value)
    if isinstance(value, str) and ISO_DATE.fullmatch(value):  # a date as results hold it
        try:
            return calendar.show_date(dt.date.fromisoformat(value))
        except ValueError:  # text shaped like a date that is none (an area "2026-02-30")
            return value
    if isinstance(value, str) and ROUTE.fullmatch(value):  # single_agency:probation
        kind, which = value.split(":")
        return f"{show(kind)} ({show(which)})"
    return ACRONYMS.get(value, str(value).replace("_", " ")) if isinstance(value, str) else str(value)


ACRONYMS = {"mappa": "MAPPA", "cppc": "CPPC", "smb": "SMB", "spoc": "SPOC"}  # codes a person reads as capitals
