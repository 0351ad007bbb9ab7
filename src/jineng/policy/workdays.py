"""Working days in China: weekends and public holidays off, with the adjusted working weekends.

Years that the installed chinese-calendar covers come from it (its coverage is detected, not
assumed). Later years come from data files, calendar_data/<year>.toml, written from the State
Council's yearly holiday notice. A year known to neither raises UnknownCalendarYear: a deadline is
never computed from a guessed calendar.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar

from .errors import PolicyError

DEFAULT_DATA_DIR = Path(__file__).parent / "calendar_data"
ONE_DAY = timedelta(days=1)
SATURDAY = 5
DATA_FILE_KEYS = {"year", "source", "holidays", "workdays"}


class UnknownCalendarYear(PolicyError, LookupError):
    """No working-day data for a year: neither chinese-calendar nor a data file knows it."""

    def __init__(self, year: int, data_dir: Path) -> None:
        self.year = year
        low, high = library_years()
        super().__init__(
            f"no working-day calendar for {year}: the installed chinese-calendar covers "
            f"{low}-{high} and there is no data file {data_dir / f'{year}.toml'}. Add that file "
            f"from the State Council's {year} holiday notice (year, source, holidays, workdays; "
            "see calendar_data/README.md) or upgrade chinese-calendar"
        )


class CalendarDataError(PolicyError):
    """A calendar data file is malformed or disagrees with chinese-calendar."""

    def __init__(self, file: Path, reason: str) -> None:
        self.file = str(file)
        self.reason = reason
        super().__init__(f"{file}: {reason}")


@cache
def library_years() -> tuple[int, int]:
    """The first and last year chinese-calendar has data for (probed, not hard-coded)."""
    covered = [year for year in range(1990, 2200) if _library_knows(year)]
    return (covered[0], covered[-1]) if covered else (0, -1)


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 7, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class YearDays:
    """The working days of one year and where they come from."""

    year: int
    source: str
    working: frozenset[date]


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += ONE_DAY


def _from_library(year: int) -> YearDays:
    working = frozenset(d for d in _days_of(year) if chinese_calendar.is_workday(d))
    return YearDays(year, f"chinese-calendar {chinese_calendar.__version__}", working)


def _read_data_file(path: Path, year: int) -> YearDays:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CalendarDataError(path, f"is not valid TOML: {error}") from error
    unknown = set(raw) - DATA_FILE_KEYS
    missing = DATA_FILE_KEYS - set(raw)
    if unknown or missing:
        raise CalendarDataError(
            path,
            f"needs exactly the keys {sorted(DATA_FILE_KEYS)}; "
            f"unknown: {sorted(unknown)}, missing: {sorted(missing)}",
        )
    if raw["year"] != year:
        raise CalendarDataError(path, f"year = {raw['year']!r} but the file is for {year}")
    if not isinstance(raw["source"], str) or not raw["source"].strip():
        raise CalendarDataError(path, "source must name the notice the dates come from")
    holidays = _dates(path, "holidays", raw["holidays"], year)
    workdays = _dates(path, "workdays", raw["workdays"], year)
    if holidays & workdays:
        both = ", ".join(d.isoformat() for d in sorted(holidays & workdays))
        raise CalendarDataError(path, f"dates listed as both holiday and workday: {both}")
    for day in workdays:
        if day.weekday() < SATURDAY:
            raise CalendarDataError(
                path, f"workdays lists {day} (a weekday): only adjusted weekend days belong there"
            )
    working = frozenset(
        d for d in _days_of(year) if d in workdays or (d.weekday() < SATURDAY and d not in holidays)
    )
    return YearDays(year, f"{path.name}: {raw['source']}", working)


def _dates(path: Path, key: str, raw: object, year: int) -> frozenset[date]:
    if not isinstance(raw, list):
        raise CalendarDataError(path, f"{key} must be a list of dates such as {year}-10-01")
    for item in raw:
        if not isinstance(item, date) or isinstance(item, datetime):
            raise CalendarDataError(path, f"{key}: {item!r} is not a date such as {year}-10-01")
        if item.year != year:
            raise CalendarDataError(path, f"{key}: {item} is not in {year}")
    return frozenset(raw)


class WorkingCalendar:
    """Working days from chinese-calendar, then from data files; never guessed.

    `data_dir` holds <year>.toml files for years chinese-calendar does not cover. A data file for
    a year it does cover must agree with it (a stale file is reported, not silently preferred).
    """

    def __init__(self, data_dir: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
        self._years: dict[int, YearDays] = {}

    def year(self, year: int) -> YearDays:
        known = self._years.get(year)
        if known is None:
            known = self._years[year] = self._load_year(year)
        return known

    def _load_year(self, year: int) -> YearDays:
        path = self.data_dir / f"{year}.toml"
        from_file = _read_data_file(path, year) if path.is_file() else None
        if not _library_knows(year):
            if from_file is None:
                raise UnknownCalendarYear(year, self.data_dir)
            return from_file
        from_library = _from_library(year)
        if from_file is not None and from_file.working != from_library.working:
            differ = sorted(from_file.working ^ from_library.working)
            raise CalendarDataError(
                path,
                f"disagrees with chinese-calendar on {', '.join(map(str, differ[:5]))}: "
                "remove the file or correct it",
            )
        return from_library

    def covers(self, year: int) -> bool:
        try:
            self.year(year)
        except UnknownCalendarYear:
            return False
        return True

    def source(self, year: int) -> str:
        return self.year(year).source

    def is_workday(self, day: date) -> bool:
        return day in self.year(day.year).working

    def add_workdays(self, day: date, count: int) -> date:
        """The date that is `count` working days after `day` (count >= 0; 0 gives `day`)."""
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        while count:
            day += ONE_DAY
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (negative when end is before start).

        So workdays_between(d, add_workdays(d, n)) == n.
        """
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count


@cache
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar()


def is_workday(day: date) -> bool:
    return default_calendar().is_workday(day)


def add_workdays(day: date, count: int) -> date:
    return default_calendar().add_workdays(day, count)


def workdays_between(start: date, end: date) -> int:
    return default_calendar().workdays_between(start, end)
