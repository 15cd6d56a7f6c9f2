"""Working days (工作日) in mainland China: statutory holidays and make-up working days (调休).

Pure Python, no Django: the platform builds a :class:`WorkdayCalendar` from its holiday table
(see ``doudi.core.calendar``); tests and batch jobs can build one directly.

Where each year's schedule comes from, in order of precedence:

1. ``"platform"``: the schedule an administrator loaded in the platform for that year (the State
   Council announces next year's schedule only in November or December). It lists only the
   deviations from Monday-Friday: holidays on weekdays and make-up working days on weekends; every
   other day is a working day if and only if it is Monday to Friday. A loaded year overrides
   chinese-calendar for that year, so an administrator can correct the library.
2. ``"chinese_calendar"``: the chinese-calendar package, for the years it ships (2004-2026 in
   version 1.11; it raises ``NotImplementedError`` for any other year).
3. ``"weekdays_provisional"``: neither of the above. Monday to Friday count as working days, and
   every result that examined a day of such a year is *provisional*: it must be shown as such and
   recomputed once the year's schedule is loaded.

Counting convention (the usual one for "within N working days" in administrative procedure):
the start day itself is never counted; the n-th working day *after* the start is the due date.

>>> from datetime import date
>>> cal = WorkdayCalendar()
>>> cal.add_working_days(date(2026, 9, 30), 1).date  # 10-01..10-07 National Day, 10-08 Thursday
datetime.date(2026, 10, 8)
>>> cal.add_working_days(date(2026, 2, 13), 1).date  # Saturday 02-14 is a 调休 working day
datetime.date(2026, 2, 14)
>>> cal.working_days_between(date(2026, 9, 30), date(2026, 10, 8)).days
1
>>> r = cal.add_working_days(date(2026, 12, 31), 1)  # 2027 has no schedule in chinese-calendar
>>> r.date, r.provisional, r.provisional_years
(datetime.date(2027, 1, 1), True, (2027,))
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import chinese_calendar

YearSource = Literal["platform", "chinese_calendar", "weekdays_provisional"]

SOURCE_PLATFORM: YearSource = "platform"
SOURCE_CHINESE_CALENDAR: YearSource = "chinese_calendar"
SOURCE_WEEKDAYS_PROVISIONAL: YearSource = "weekdays_provisional"

SOURCE_LABELS: dict[str, str] = {
    SOURCE_PLATFORM: "平台维护的节假日安排",
    SOURCE_CHINESE_CALENDAR: "chinese-calendar 库",
    SOURCE_WEEKDAYS_PROVISIONAL: "未加载节假日安排，暂按周一至周五计算（临时）",
}


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    """The result of :meth:`WorkdayCalendar.add_working_days`.

    ``provisional`` is True when any day examined (start exclusive, ``date`` inclusive) fell in a
    year without a holiday schedule; ``provisional_years`` lists those years, ascending.
    """

    date: dt.date
    provisional: bool
    provisional_years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    """The result of :meth:`WorkdayCalendar.working_days_between`, with the same meaning of
    ``provisional`` and ``provisional_years`` over the days ``start < d <= end``."""

    days: int
    provisional: bool
    provisional_years: tuple[int, ...]


@functools.cache
def chinese_calendar_supports(year: int) -> bool:
    """Whether the installed chinese-calendar has data for ``year`` (it raises
    ``NotImplementedError`` otherwise). Asked once per year per process."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _check_date(d: object, name: str) -> dt.date:
    # datetime is a subclass of date: refuse it rather than silently drop the time of day.
    if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
        raise TypeError(f"{name} 必须是 datetime.date，而不是 {type(d).__name__}")
    return d


def _year_days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    count = (dt.date(year + 1, 1, 1) - first).days if year < dt.MAXYEAR else 365
    return [first + dt.timedelta(days=i) for i in range(count)]


class WorkdayCalendar:
    """Working days per year, from the platform's holiday table, chinese-calendar, or Mon-Fri.

    ``platform_days`` maps a date to ``(is_working_day, name)`` for the years in ``loaded_years``:
    ``(False, "春节")`` for a holiday on a weekday, ``(True, "春节调休上班")`` for a make-up working
    day on a weekend. Entries outside ``loaded_years`` are refused (``ValueError``): a year is
    either loaded as a whole or not at all.

    ``chinese_calendar_years`` overrides the detection of the years chinese-calendar supports
    (for tests); by default each year is probed once.

    Each year's working days are computed once, as a sorted tuple of ordinals, so computing
    thousands of deadlines costs a few binary searches each.

    >>> import datetime as dt
    >>> cal = WorkdayCalendar(
    ...     {dt.date(2027, 1, 1): (False, "元旦"), dt.date(2027, 2, 20): (True, "春节调休上班")},
    ...     loaded_years=frozenset({2027}),
    ... )
    >>> cal.year_source(2027), cal.year_source(2026), cal.year_source(2028)
    ('platform', 'chinese_calendar', 'weekdays_provisional')
    >>> cal.is_working_day(dt.date(2027, 1, 1)), cal.is_working_day(dt.date(2027, 2, 20))
    (False, True)
    """

    def __init__(
        self,
        platform_days: Mapping[dt.date, tuple[bool, str]] | None = None,
        loaded_years: Iterable[int] = frozenset(),
        *,
        chinese_calendar_years: Iterable[int] | None = None,
    ) -> None:
        self._loaded_years = frozenset(loaded_years)
        days = dict(platform_days or {})
        outside = sorted(d for d in days if d.year not in self._loaded_years)
        if outside:
            raise ValueError(
                f"{outside[0].isoformat()} 所在年份 {outside[0].year} 不在已加载的年份中"
            )
        self._platform_days: dict[dt.date, tuple[bool, str]] = days
        self._cc_years = (
            None if chinese_calendar_years is None else frozenset(chinese_calendar_years)
        )
        self._ordinals: dict[int, tuple[int, ...]] = {}

    @property
    def loaded_years(self) -> frozenset[int]:
        return self._loaded_years

    # -- per day and per year -------------------------------------------------------------

    def year_source(self, year: int) -> YearSource:
        """Where the working days of ``year`` come from (see the module docstring)."""
        if year in self._loaded_years:
            return SOURCE_PLATFORM
        supported = (
            chinese_calendar_supports(year) if self._cc_years is None else year in self._cc_years
        )
        return SOURCE_CHINESE_CALENDAR if supported else SOURCE_WEEKDAYS_PROVISIONAL

    def is_provisional_year(self, year: int) -> bool:
        return self.year_source(year) == SOURCE_WEEKDAYS_PROVISIONAL

    def is_working_day(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day.

        >>> import datetime as dt
        >>> cal = WorkdayCalendar()
        >>> cal.is_working_day(dt.date(2026, 10, 1))  # National Day, a Thursday
        False
        >>> cal.is_working_day(dt.date(2026, 1, 4))  # Sunday, 元旦调休上班
        True
        """
        d = _check_date(d, "d")
        return self._is_working_day(d, self.year_source(d.year))

    def _is_working_day(self, d: dt.date, source: YearSource) -> bool:
        if source == SOURCE_PLATFORM:
            entry = self._platform_days.get(d)
            return entry[0] if entry is not None else d.weekday() < 5
        if source == SOURCE_CHINESE_CALENDAR:
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    def _year_ordinals(self, year: int) -> tuple[int, ...]:
        """The working days of ``year`` as ascending ordinals, computed once."""
        ordinals = self._ordinals.get(year)
        if ordinals is None:
            source = self.year_source(year)
            ordinals = tuple(
                d.toordinal() for d in _year_days(year) if self._is_working_day(d, source)
            )
            self._ordinals[year] = ordinals
        return ordinals

    def _provisional_years(self, first_year: int, last_year: int) -> tuple[int, ...]:
        return tuple(y for y in range(first_year, last_year + 1) if self.is_provisional_year(y))

    # -- counting ---------------------------------------------------------------------------

    def add_working_days(self, start: dt.date, days: int) -> WorkdayResult:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted).

        ``days=0`` returns ``start`` unchanged (nothing examined, not provisional); a negative
        ``days`` raises ``ValueError``. Holidays are skipped and weekend make-up working days
        count:

        >>> import datetime as dt
        >>> cal = WorkdayCalendar()
        >>> cal.add_working_days(dt.date(2026, 9, 30), 1).date  # skips 10-01..10-07
        datetime.date(2026, 10, 8)
        >>> cal.add_working_days(dt.date(2026, 10, 8), 2).date  # Saturday 10-10 is 调休上班
        datetime.date(2026, 10, 10)
        >>> cal.add_working_days(dt.date(2026, 10, 8), 0).date
        datetime.date(2026, 10, 8)
        """
        start = _check_date(start, "start")
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError("days 必须是整数")
        if days < 0:
            raise ValueError("工作日数不能为负数")
        if days == 0:
            return WorkdayResult(start, False, ())
        remaining = days
        year = start.year
        after = start.toordinal()  # find working days strictly greater than this ordinal
        while True:
            ordinals = self._year_ordinals(year)
            i = bisect.bisect_right(ordinals, after)
            available = len(ordinals) - i
            if remaining <= available:
                due = dt.date.fromordinal(ordinals[i + remaining - 1])
                # The days examined are start + 1 .. due: if start is 12-31, start's year is not.
                years = self._provisional_years((start + dt.timedelta(days=1)).year, due.year)
                return WorkdayResult(due, bool(years), years)
            remaining -= available
            year += 1
            after = 0

    def working_days_between(self, start: dt.date, end: dt.date) -> WorkdayCount:
        """The number of working days ``d`` with ``start < d <= end`` (0 if ``end <= start``).

        The inverse of :meth:`add_working_days`: for ``days >= 1``,
        ``working_days_between(start, add_working_days(start, days).date).days == days``.

        >>> import datetime as dt
        >>> cal = WorkdayCalendar()
        >>> cal.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 9)).days
        2
        >>> cal.working_days_between(dt.date(2026, 10, 9), dt.date(2026, 9, 30)).days
        0
        """
        start = _check_date(start, "start")
        end = _check_date(end, "end")
        if end <= start:
            return WorkdayCount(0, False, ())
        first = start + dt.timedelta(days=1)
        total = 0
        for year in range(first.year, end.year + 1):
            ordinals = self._year_ordinals(year)
            lo = bisect.bisect_left(ordinals, first.toordinal()) if year == first.year else 0
            hi = (
                bisect.bisect_right(ordinals, end.toordinal())
                if year == end.year
                else len(ordinals)
            )
            total += hi - lo
        years = self._provisional_years(first.year, end.year)
        return WorkdayCount(total, bool(years), years)
