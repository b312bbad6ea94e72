"""Working days in England and Wales (DL-WD) and the date computations rulesets may declare.

"Within N working days of D" does not count D: the deadline is the N-th working day after D.
Working days are Monday to Friday, except England and Wales bank holidays, substitute days
included (the `holidays` package, `UK(subdiv="ENG")`; Wales has the same bank holidays).
Where D itself is not a working day the sources do not settle the count; the convention is a
setting, and every explanation names the one used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

Convention = Literal["count_from_next_day", "next_working_day"]
CONVENTIONS: dict[str, str] = {
    "count_from_next_day": "a start date on a non-working day is not moved: count the working days after it",
    "next_working_day": "a start date on a non-working day is treated as the next working day, then counted from",
}
FUNCTIONS = ("working_days_after", "next_working_day", "calendar_days_before", "on_or_before", "before", "is_working_day")


@dataclass(frozen=True)
class Computed:
    """A computed value with the sentence that says how it was computed."""

    value: Any
    how: str


@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> dict[dt.date, str]:
    import holidays  # imported on first use: it is slow to import and most cases count no working days

    return dict(holidays.UK(subdiv="ENG", years=year))


def bank_holiday(day: dt.date) -> str | None:
    """The bank holiday's name, if `day` is one (substitute days say so)."""
    name = _bank_holidays(day.year).get(day)
    return name.replace(" (observed)", ", substitute") if name else None


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and bank_holiday(day) is None


def show_date(day: dt.date) -> str:
    """`Fri 18 Dec 2026`."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def working_days_after(start: dt.date, days: int, convention: Convention) -> Computed:
    """The `days`-th working day after `start`, with the bank holidays skipped on the way."""
    base, moved = start, ""
    if convention == "next_working_day" and not is_working_day(start):
        while not is_working_day(base):
            base += dt.timedelta(days=1)
        moved = f" (received on {show_date(start)}, a non-working day, so treated as received on {show_date(base)})"
    day, counted, skipped = base, 0, []
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
        elif day.weekday() < 5:
            skipped.append(f"{day.day} {day:%b} ({bank_holiday(day)})")
    skipping = f", skipping {', '.join(skipped)}" if skipped else ""
    return Computed(day, f"{days} working days after {show_date(base)}{moved}{skipping}: {show_date(day)}")


def next_working_day(start: dt.date) -> Computed:
    """The first working day after `start` (whatever the convention: nothing is counted)."""
    day, skipped = start + dt.timedelta(days=1), []
    while not is_working_day(day):
        if day.weekday() < 5:
            skipped.append(f"{day.day} {day:%b} ({bank_holiday(day)})")
        day += dt.timedelta(days=1)
    skipping = f", skipping {', '.join(skipped)}" if skipped else ""
    return Computed(day, f"the next working day after {show_date(start)}{skipping}: {show_date(day)}")


def calendar_days_before(anchor: dt.date, days: int) -> Computed:
    """`days` calendar days before `anchor`."""
    day = anchor - dt.timedelta(days=days)
    return Computed(day, f"{days} calendar days before {show_date(anchor)}: {show_date(day)}")


def compute(function: str, args: dict[str, Any], values: dict[str, Any], convention: Convention) -> Computed | None:
    """Apply a declared function to the case's values; None when an input is absent or null."""
    inputs = {key: values.get(name) for key, name in args.items() if key != "days"}
    if any(value is None for value in inputs.values()):
        return None
    if function == "working_days_after":
        return working_days_after(inputs["from"], args["days"], convention)
    if function == "next_working_day":
        return next_working_day(inputs["date"])
    if function == "calendar_days_before":
        return calendar_days_before(inputs["from"], args["days"])
    if function == "is_working_day":
        day = inputs["date"]
        reason = bank_holiday(day) or ("a weekend" if day.weekday() >= 5 else "")
        working = is_working_day(day)
        return Computed(working, f"{show_date(day)} is {'a working day' if working else 'not a working day (' + reason + ')'}")
    first, second = (inputs["date"], inputs["deadline"]) if function == "on_or_before" else (inputs["date"], inputs["other"])
    holds = first <= second if function == "on_or_before" else first < second
    relation = "on or before" if function == "on_or_before" else "before"
    return Computed(holds, f"{show_date(first)} is {'' if holds else 'not '}{relation} {show_date(second)}")


ARGUMENTS: dict[str, tuple[str, ...]] = {
    "working_days_after": ("from", "days"),
    "next_working_day": ("date",),
    "calendar_days_before": ("from", "days"),
    "on_or_before": ("date", "deadline"),
    "before": ("date", "other"),
    "is_working_day": ("date",),
}
RESULT_TYPE = {"working_days_after": "date", "next_working_day": "date", "calendar_days_before": "date", "on_or_before": "bool",
               "before": "bool", "is_working_day": "bool"}
