"""Working-day calendar of the platform: selectors and services.

The counting itself lives in :mod:`doudi.core.workdays` (pure Python). This module builds a
:class:`~doudi.core.workdays.WorkdayCalendar` from the holiday table administrators maintain
(``HolidaySchedule`` / ``HolidayScheduleDay``), loads and validates next year's schedule,
and opens, closes and recomputes :class:`~doudi.core.models.Deadline` rows.

See ``docs/working-days.md`` for the semantics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError
from doudi.core.models import Deadline, HolidaySchedule, HolidayScheduleDay
from doudi.core.workdays import (
    SOURCE_WEEKDAYS_PROVISIONAL,
    WorkdayCalendar,
    WorkdayCount,
    WorkdayResult,
)

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
MIN_YEAR = 2000
MAX_YEAR = 2100
NAME_MAX_LENGTH = HolidayScheduleDay._meta.get_field("name").max_length
SOURCE_MAX_LENGTH = HolidaySchedule._meta.get_field("source").max_length

# -- the calendar, cached in-process and checked against the database on every use --------------

_cached: tuple[tuple[Any, ...], WorkdayCalendar] | None = None


def _calendar_key() -> tuple[Any, ...]:
    """Changes whenever a schedule or one of its days is added, changed or removed: loading
    replaces the days and saves the schedule, so its ``updated_at`` moves. One query; every
    process sees the same key, so a load in one process is picked up by all the others."""
    agg = HolidaySchedule.objects.aggregate(
        n_schedules=Count("id", distinct=True),
        schedules_updated=Max("updated_at"),
        n_days=Count("days"),
        days_updated=Max("days__updated_at"),
    )
    return (agg["n_schedules"], agg["schedules_updated"], agg["n_days"], agg["days_updated"])


def _calendar_build() -> WorkdayCalendar:
    loaded_years = frozenset(HolidaySchedule.objects.values_list("year", flat=True))
    days = {
        d: (is_working_day, name)
        for d, is_working_day, name in HolidayScheduleDay.objects.values_list(
            "date", "is_working_day", "name"
        )
    }
    return WorkdayCalendar(days, loaded_years)


def workday_calendar_get() -> WorkdayCalendar:
    """The platform's working-day calendar: the loaded holiday schedules, then chinese-calendar,
    then Monday-Friday (provisional).

    Built once per process and rebuilt when the holiday table changed (one aggregate query per
    call). For many deadlines at once, call this once and use the calendar directly."""
    global _cached
    key = _calendar_key()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    calendar = _calendar_build()
    _cached = (key, calendar)
    return calendar


def workday_calendar_cache_clear() -> None:
    global _cached
    _cached = None


def add_working_days(start: dt.date, days: int) -> WorkdayResult:
    """The ``days``-th working day after ``start`` (start not counted). See
    :meth:`WorkdayCalendar.add_working_days`."""
    return workday_calendar_get().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> WorkdayCount:
    """The working days ``d`` with ``start < d <= end``. See
    :meth:`WorkdayCalendar.working_days_between`."""
    return workday_calendar_get().working_days_between(start, end)


def holiday_schedule_missing_years(*, today: dt.date, horizon_days: int = 120) -> list[int]:
    """Years from ``today`` to ``today + horizon_days`` with neither a loaded schedule nor
    chinese-calendar data: deadlines reaching into them are provisional, and administrators
    must be warned. On 2026-11-28 with nothing loaded: ``[2027]``."""
    calendar = workday_calendar_get()
    last = today + dt.timedelta(days=horizon_days)
    return [
        year
        for year in range(today.year, last.year + 1)
        if calendar.year_source(year) == SOURCE_WEEKDAYS_PROVISIONAL
    ]


# -- loading a year's schedule ------------------------------------------------------------------


def holiday_schedule_days_problems(
    year: int, days: Sequence[tuple[dt.date, bool, str]]
) -> list[tuple[int, str]]:
    """Every problem in ``days`` as ``(index, message)``, empty when the list can be loaded.

    A schedule lists only the deviations from Monday-Friday: a holiday (``False``) must fall on a
    weekday, a make-up working day (``True``) on a Saturday or Sunday. Every date must be in
    ``year`` and appear once, and every day needs a name."""
    problems: list[tuple[int, str]] = []
    seen: dict[dt.date, int] = {}
    for index, item in enumerate(days):
        try:
            d, is_working_day, name = item
        except (TypeError, ValueError):
            problems.append((index, f"第 {index + 1} 项格式有误，应为（日期, 是否上班, 名称）"))
            continue
        if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
            problems.append((index, f"第 {index + 1} 项的日期无效：{d!r}"))
            continue
        label = d.isoformat()
        if d.year != year:
            problems.append((index, f"{label} 不在 {year} 年内"))
        if d in seen:
            problems.append((index, f"{label} 重复出现"))
        else:
            seen[d] = index
        if not isinstance(is_working_day, bool):
            problems.append((index, f"{label} 的“是否上班”应为是或否"))
        elif is_working_day and d.weekday() < 5:
            problems.append(
                (
                    index,
                    f"{label} 是{WEEKDAY_NAMES[d.weekday()]}，本来就上班，不应列为调休上班日"
                    "（只列出与周一至周五不同的日期）",
                )
            )
        elif not is_working_day and d.weekday() >= 5:
            problems.append(
                (
                    index,
                    f"{label} 是{WEEKDAY_NAMES[d.weekday()]}，本来就休息，不应列为放假日"
                    "（只列出与周一至周五不同的日期）",
                )
            )
        if not isinstance(name, str) or not name.strip():
            problems.append((index, f"{label} 缺少名称（如 元旦、春节、春节调休上班）"))
        elif len(name.strip()) > NAME_MAX_LENGTH:
            problems.append((index, f"{label} 的名称超过 {NAME_MAX_LENGTH} 个字"))
    return problems


def holiday_schedule_validate(
    *, year: int, source: str, days: Sequence[tuple[dt.date, bool, str]]
) -> None:
    """Raise :class:`ApplicationError` (Chinese message naming every bad date) unless the
    schedule can be loaded. ``extra["problems"]`` lists ``{"index", "message"}``."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(f"年份无效：{year!r}", field="year")
    if not isinstance(source, str) or not source.strip():
        raise ApplicationError(
            "请填写依据（如 国务院办公厅关于部分节假日安排的通知及文号）", field="source"
        )
    if len(source.strip()) > SOURCE_MAX_LENGTH:
        raise ApplicationError(f"依据不能超过 {SOURCE_MAX_LENGTH} 个字", field="source")
    if not days:
        raise ApplicationError(f"{year} 年节假日安排没有任何日期", field="days")
    problems = holiday_schedule_days_problems(year, days)
    if problems:
        raise ApplicationError(
            f"{year} 年节假日安排有误：" + "；".join(message for _, message in problems),
            field="days",
            extra={"problems": [{"index": i, "message": m} for i, m in problems]},
        )


@transaction.atomic
def holiday_schedule_load(
    *,
    actor: Any,
    year: int,
    source: str,
    days: Sequence[tuple[dt.date, bool, str]],
    note: str = "",
) -> HolidaySchedule:
    """Load (or replace) the holiday schedule of ``year``, then recompute the open deadlines
    whose window reaches into that year.

    ``days`` lists the deviations from Monday-Friday as ``(date, is_working_day, name)``:
    ``(date(2027, 1, 1), False, "元旦")``, a weekend make-up day ``(…, True, "春节调休上班")``.
    Validation failures raise :class:`ApplicationError` and write nothing. Audit events:
    ``calendar.schedule_loaded`` with counts, and ``deadline.recomputed`` for each deadline whose
    due date or provisional flag changed.

    The returned schedule carries ``recomputed_deadlines``: the number of deadlines changed."""
    holiday_schedule_validate(year=year, source=source, days=days)
    days = sorted(days, key=lambda item: item[0])
    user = actor if getattr(actor, "is_authenticated", False) else None

    schedule = HolidaySchedule.objects.select_for_update().filter(year=year).first()
    previous: dict[str, Any] | None = None
    if schedule is None:
        schedule = HolidaySchedule(year=year)
    else:
        old = list(schedule.days.values_list("date", "is_working_day"))
        previous = {
            "source": schedule.source,
            "holidays": sum(1 for _, working in old if not working),
            "make_up_working_days": sum(1 for _, working in old if working),
        }
    schedule.source = source.strip()
    schedule.note = note.strip()
    schedule.loaded_by = user
    schedule.save()
    schedule.days.all().delete()
    HolidayScheduleDay.objects.bulk_create(
        [
            HolidayScheduleDay(
                schedule=schedule, date=d, is_working_day=is_working_day, name=name.strip()
            )
            for d, is_working_day, name in days
        ]
    )
    audit_event_record(
        actor=actor,
        action="calendar.schedule_loaded",
        obj=schedule,
        parameters={
            "year": year,
            "source": schedule.source,
            "holidays": sum(1 for _, working, _ in days if not working),
            "make_up_working_days": sum(1 for _, working, _ in days if working),
            "replaced": previous is not None,
            "previous": previous,
        },
    )
    changed = deadlines_recompute(
        actor=actor, years=[year], calendar=_calendar_build(), reason="calendar.schedule_loaded"
    )
    schedule.recomputed_deadlines = len(changed)
    return schedule


# -- deadlines ----------------------------------------------------------------------------------


def deadline_open(
    *,
    object_type: str,
    object_id: str,
    kind: str,
    region_code: str,
    start_date: dt.date,
    working_days: int,
) -> Deadline:
    """Open a deadline due ``working_days`` working days after ``start_date`` (start not
    counted). If the count reaches into a year without a schedule, the deadline is marked
    provisional and will be recomputed when that year's schedule is loaded."""
    if not object_type or not object_id or not kind:
        raise ApplicationError("期限缺少对象类型、对象编号或期限类型")
    if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 0:
        raise ApplicationError(f"工作日数无效：{working_days!r}", field="working_days")
    result = workday_calendar_get().add_working_days(start_date, working_days)
    return Deadline.objects.create(
        object_type=object_type,
        object_id=str(object_id),
        kind=kind,
        region_code=region_code,
        start_date=start_date,
        working_days=working_days,
        due_date=result.date,
        is_provisional=result.provisional,
        provisional_years=list(result.provisional_years),
    )


def deadline_close(*, deadline: Deadline, at: dt.datetime) -> Deadline:
    """Close an open deadline at ``at`` (an aware datetime). Closed deadlines are never
    recomputed. Closing twice is refused."""
    if deadline.closed_at is not None:
        raise ApplicationError("该期限已关闭")
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        raise ApplicationError("关闭时间必须是带时区的时间", field="at")
    deadline.closed_at = at
    deadline.save(update_fields=["closed_at", "updated_at"])
    return deadline


def deadlines_recompute(
    *,
    actor: Any,
    years: Iterable[int] | None = None,
    calendar: WorkdayCalendar | None = None,
    reason: str = "calendar.recompute",
) -> list[Deadline]:
    """Recompute open deadlines and return those that changed.

    ``years``: the deadlines whose window ``[start_date, due_date]`` intersects one of these years;
    ``None``: every open provisional deadline (a safety net, e.g. for a deadline opened in another
    process while a schedule was being loaded). Each changed deadline gets a
    ``deadline.recomputed`` audit event with its old and new due dates."""
    calendar = calendar or workday_calendar_get()
    queryset = Deadline.objects.filter(closed_at__isnull=True)
    if years is None:
        queryset = queryset.filter(is_provisional=True)
    else:
        years = sorted(set(years))
        if not years:
            return []
        window = Q()
        for year in years:
            window |= Q(start_date__lte=dt.date(year, 12, 31), due_date__gte=dt.date(year, 1, 1))
        queryset = queryset.filter(window)

    with transaction.atomic():
        now = timezone.now()
        changed: list[Deadline] = []
        for deadline in queryset.select_for_update().order_by("pk"):
            result = calendar.add_working_days(deadline.start_date, deadline.working_days)
            new_years = list(result.provisional_years)
            if (
                deadline.due_date == result.date
                and deadline.is_provisional == result.provisional
                and list(deadline.provisional_years or []) == new_years
            ):
                continue
            old_due, old_provisional = deadline.due_date, deadline.is_provisional
            deadline.due_date = result.date
            deadline.is_provisional = result.provisional
            deadline.provisional_years = new_years
            deadline.updated_at = now
            changed.append(deadline)
            audit_event_record(
                actor=actor,
                action="deadline.recomputed",
                obj=deadline,
                region_code=deadline.region_code,
                parameters={
                    "reason": reason,
                    "object_type": deadline.object_type,
                    "object_id": deadline.object_id,
                    "kind": deadline.kind,
                    "old_due_date": old_due.isoformat(),
                    "new_due_date": result.date.isoformat(),
                    "old_is_provisional": old_provisional,
                    "new_is_provisional": result.provisional,
                    "provisional_years": new_years,
                },
            )
        Deadline.objects.bulk_update(
            changed,
            ["due_date", "is_provisional", "provisional_years", "updated_at"],
            batch_size=500,
        )
    return changed


def deadline_list_open(
    *, region_prefix: str, limit: int = 20, object_types: Iterable[str] | None = None
) -> list[Deadline]:
    """Open deadlines of a region (by division-code prefix), soonest first; only the given object
    types when `object_types` is passed."""
    queryset = Deadline.objects.filter(
        closed_at__isnull=True, region_code__startswith=region_prefix
    )
    if object_types is not None:
        queryset = queryset.filter(object_type__in=list(object_types))
    return list(queryset.order_by("due_date", "id")[:limit])
