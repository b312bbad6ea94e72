"""Working days in England and Wales (DL-WD): every 2026 and 2027 bank holiday, substitutes, conventions."""

from __future__ import annotations

import datetime as dt

import pytest

from mappa_rules.calendar import calendar_days_before, is_working_day, next_working_day, working_days_after

D = dt.date
BANK_HOLIDAYS = [
    D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
    D(2026, 12, 25), D(2026, 12, 28),  # 28 Dec 2026: Boxing Day substitute
    D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
    D(2027, 12, 27), D(2027, 12, 28),  # substitutes for Christmas Day and Boxing Day
]


def test_the_bank_holidays_of_2026_and_2027_are_the_catalogues() -> None:
    weekdays_off = [d for year in (2026, 2027) for d in _days(year) if d.weekday() < 5 and not is_working_day(d)]
    assert weekdays_off == BANK_HOLIDAYS


@pytest.mark.parametrize("holiday", BANK_HOLIDAYS, ids=str)
def test_each_bank_holiday_is_skipped(holiday: dt.date) -> None:
    before = holiday - dt.timedelta(days=1)
    result = working_days_after(before, 1, "count_from_next_day")
    assert result.value > holiday and is_working_day(result.value)
    assert f"{holiday.day} {holiday:%b}" in result.how


@pytest.mark.parametrize(("start", "days", "due"), [
    (D(2026, 12, 18), 10, D(2027, 1, 6)),   # the example
    (D(2026, 12, 23), 10, D(2027, 1, 11)),  # the catalogue's example (ignoring holidays gives 6 Jan)
    (D(2026, 11, 20), 5, D(2026, 11, 27)),  # a plain working week
    (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday -> Monday
    (D(2026, 4, 2), 1, D(2026, 4, 7)),      # over Easter 2026
    (D(2027, 3, 25), 2, D(2027, 3, 31)),    # over Easter 2027
    (D(2027, 12, 24), 1, D(2027, 12, 29)),  # Christmas 2027 substitutes
    (D(2026, 8, 28), 1, D(2026, 9, 1)),     # late summer bank holiday
])
def test_working_days_after(start, days, due) -> None:
    assert working_days_after(start, days, "count_from_next_day").value == due


def test_the_day_the_clock_starts_is_not_counted() -> None:
    assert working_days_after(D(2026, 11, 23), 1, "count_from_next_day").value == D(2026, 11, 24)


@pytest.mark.parametrize(("convention", "due", "words"), [
    ("count_from_next_day", D(2026, 11, 6), "10 working days after Sat 24 Oct 2026: Fri 6 Nov 2026"),
    ("next_working_day", D(2026, 11, 9), "treated as received on Mon 26 Oct 2026"),
])
def test_a_weekend_start_follows_the_convention(convention, due, words) -> None:
    result = working_days_after(D(2026, 10, 24), 10, convention)
    assert result.value == due and words in result.how


def test_a_bank_holiday_start_follows_the_convention() -> None:
    assert working_days_after(D(2026, 12, 25), 1, "count_from_next_day").value == D(2026, 12, 29)
    assert working_days_after(D(2026, 12, 25), 1, "next_working_day").value == D(2026, 12, 30)


def test_the_explanation_names_the_holidays_skipped() -> None:
    how = working_days_after(D(2026, 12, 18), 10, "count_from_next_day").how
    assert how == ("10 working days after Fri 18 Dec 2026, skipping 25 Dec (Christmas Day), "
                   "28 Dec (Boxing Day, substitute), 1 Jan (New Year's Day): Wed 6 Jan 2027")


def test_calendar_days_count_weekends_and_holidays() -> None:
    assert calendar_days_before(D(2027, 1, 8), 14).value == D(2026, 12, 25)


def _days(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def test_the_next_working_day_skips_weekends_and_bank_holidays() -> None:
    computed = next_working_day(dt.date(2026, 12, 26))
    assert computed.value == dt.date(2026, 12, 29)
    assert computed.how == "the next working day after Sat 26 Dec 2026, skipping 28 Dec (Boxing Day, substitute): Tue 29 Dec 2026"
    assert next_working_day(dt.date(2026, 11, 23)).value == dt.date(2026, 11, 24)
