"""Working days for the public notice (公示, 004 §四(五)): China's calendar with adjusted days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jineng.policy.workdays import (
    CalendarDataError,
    UnknownCalendarYear,
    WorkingCalendar,
    add_workdays,
    is_workday,
    library_years,
    workdays_between,
)

from .builders import PROPERTY_SETTINGS


def test_three_working_days_after_2025_09_30_is_2025_10_11():
    """004 §四(五) 3个工作日: over National Day 2025 (10-01..10-08 off) and the adjusted
    working Saturday 10-11."""
    assert add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert workdays_between(date(2025, 9, 30), date(2025, 10, 11)) == 3


def test_adjusted_days_of_autumn_2025():
    assert is_workday(date(2025, 9, 28))  # a Sunday made a working day
    assert is_workday(date(2025, 10, 11))  # a Saturday made a working day
    assert not is_workday(date(2025, 10, 1))  # National Day
    assert not is_workday(date(2025, 10, 8))  # a Wednesday inside the holiday
    assert not is_workday(date(2025, 10, 12))  # an ordinary Sunday


def test_zero_working_days_is_the_same_day_and_negative_is_an_error():
    assert add_workdays(date(2025, 10, 1), 0) == date(2025, 10, 1)
    with pytest.raises(ValueError):
        add_workdays(date(2025, 10, 1), -1)


def test_workdays_between_is_signed():
    assert workdays_between(date(2025, 10, 11), date(2025, 9, 30)) == -3
    assert workdays_between(date(2025, 9, 30), date(2025, 9, 30)) == 0


@PROPERTY_SETTINGS
@given(
    start=st.dates(min_value=date(2005, 1, 1), max_value=date(2025, 12, 1)),
    count=st.integers(min_value=0, max_value=15),
)
def test_add_and_between_are_inverse(start, count):
    end = add_workdays(start, count)
    assert workdays_between(start, end) == count
    assert count == 0 or is_workday(end)


def test_library_coverage_is_detected_not_hard_coded():
    first, last = library_years()
    assert first <= 2004 and last >= 2025
    calendar = WorkingCalendar(data_dir="/nonexistent-calendar-data")
    assert calendar.covers(last) and not calendar.covers(last + 1)
    assert calendar.source(2025).startswith("chinese-calendar")


def test_unknown_year_raises_and_says_how_to_add_it(tmp_path):
    calendar = WorkingCalendar(data_dir=tmp_path)
    year = library_years()[1] + 1
    with pytest.raises(UnknownCalendarYear) as raised:
        calendar.is_workday(date(year, 3, 2))
    message = str(raised.value)
    assert str(year) in message and f"{year}.toml" in message and "holiday" in message
    assert raised.value.year == year


def test_no_calendar_data_file_is_shipped_for_unpublished_years():
    """No holiday schedule is invented: the shipped data directory holds no year files."""
    shipped = WorkingCalendar().data_dir
    assert not list(shipped.glob("*.toml"))


def _fake_year_file(folder, year, holidays, workdays, source="test data, not a real schedule"):
    def dates(items):
        return "[" + ", ".join(item.isoformat() for item in items) + "]"

    text = (
        f'year = {year}\nsource = "{source}"\n'
        f"holidays = {dates(holidays)}\nworkdays = {dates(workdays)}\n"
    )
    (folder / f"{year}.toml").write_text(text, encoding="utf-8")


def _first_weekday(year, weekday):
    day = date(year, 1, 4)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def test_data_file_for_a_year_beyond_the_library(tmp_path):
    """A data file (written here, fictitious dates) extends the calendar past the library."""
    year = library_years()[1] + 1
    monday = _first_weekday(year, 0)
    holidays = [monday + timedelta(days=offset) for offset in range(3)]  # Mon-Wed off
    saturday = monday + timedelta(days=5)  # the Saturday after: worked
    _fake_year_file(tmp_path, year, holidays, [saturday])
    calendar = WorkingCalendar(data_dir=tmp_path)
    assert not calendar.is_workday(monday)
    assert calendar.is_workday(monday + timedelta(days=3))  # Thursday
    assert calendar.is_workday(saturday)
    assert not calendar.is_workday(saturday + timedelta(days=1))  # Sunday
    # From the Friday before: Thu, Fri, the worked Saturday.
    assert calendar.add_workdays(monday - timedelta(days=3), 3) == saturday
    assert calendar.source(year).startswith(f"{year}.toml")


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        ("weekday-as-workday", "only adjusted weekend days"),
        ("both", "both holiday and workday"),
        ("other-year", "is not in"),
        ("wrong-year-key", "but the file is for"),
    ],
)
def test_bad_data_files_are_reported(tmp_path, problem, reason):
    year = library_years()[1] + 1
    monday = _first_weekday(year, 0)
    saturday = monday + timedelta(days=5)
    holidays, workdays = [monday], [saturday]
    if problem == "weekday-as-workday":
        workdays = [monday + timedelta(days=1)]
    elif problem == "both":
        holidays = [saturday]
    elif problem == "other-year":
        holidays = [date(year - 1, 12, 31)]
    _fake_year_file(tmp_path, year, holidays, workdays)
    if problem == "wrong-year-key":
        path = tmp_path / f"{year}.toml"
        path.write_text(path.read_text().replace(f"year = {year}", f"year = {year + 1}"))
    calendar = WorkingCalendar(data_dir=tmp_path)
    with pytest.raises(CalendarDataError) as raised:
        calendar.is_workday(monday)
    assert reason in str(raised.value)
    assert raised.value.file.endswith(f"{year}.toml")


def test_data_file_must_agree_with_the_library(tmp_path):
    """A file for a year the library covers is checked, not silently preferred."""
    _fake_year_file(tmp_path, 2025, [date(2025, 10, 1)], [])  # far too few holidays
    with pytest.raises(CalendarDataError, match="disagrees with chinese-calendar"):
        WorkingCalendar(data_dir=tmp_path).is_workday(date(2025, 10, 1))
