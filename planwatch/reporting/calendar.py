"""Reporting periods and due dates, as plain functions (no database).

Decree 09/2019/NĐ-CP, art. 12: a monthly report covers the 15th of the previous month to
the 14th of the month; a quarterly one the 15th of the month before the quarter to the
14th of its last month; the 6-month, 9-month and annual ones run from 15 December of the
previous year to 14 June, 14 September and 14 December. The due date is the plan's
(``trước ngày 20 hàng tháng``, ``trước ngày 10/11/2025``); it is never moved off a weekend,
since no rule says so.

A report is on time when it arrives by the end of its due day in Vietnam's time zone.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from planwatch.reporting.choices import Compliance, ReportState

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_DUE_DAY = 20
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

MONTHLY, QUARTERLY, SIX_MONTH, NINE_MONTH, ANNUAL, AD_HOC = (
    "monthly",
    "quarterly",
    "6-month",
    "9-month",
    "annual",
    "ad hoc",
)


@dataclass(frozen=True)
class PeriodSpec:
    """One period of a reporting regime: the data window and the due date."""

    frequency: str
    key: str
    title: str
    start: date
    end: date
    due: date


def _day_in(year: int, month: int, day: int) -> date:
    """``day`` of the month, clamped to its last day (the 31st of February is the 28th)."""
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _window(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    """15th of the month before ``first_month`` → 14th of ``last_month`` (of ``year``)."""
    start = date(year - 1, 12, 15) if first_month == 1 else date(year, first_month - 1, 15)
    return start, date(year, last_month, 14)


def periods_for(
    frequency: str, year: int, *, due_day: int | None = None, due_date: date | None = None
) -> list[PeriodSpec]:
    """The periods of ``year`` for a reporting frequency, in order of due date.

    ``due_day`` is the day of the month reports are due (default 20, clamped to the month's
    length); ``due_date`` is a fixed date for the annual report (``10/11/2025``).
    ``ad hoc`` has no calendar: its periods are requested one by one.
    """
    if due_day is not None and not 1 <= due_day <= 31:
        raise ValueError(f"due day {due_day} is not a day of the month")
    day = due_day or DEFAULT_DUE_DAY
    if frequency == MONTHLY:
        result = []
        for month in range(1, 13):
            start, end = _window(year, month, month)
            result.append(
                PeriodSpec(
                    MONTHLY,
                    f"{year}-{month:02d}",
                    f"Tháng {month:02d}/{year}",
                    start,
                    end,
                    _day_in(year, month, day),
                )
            )
        return result
    if frequency == QUARTERLY:
        result = []
        for quarter in range(1, 5):
            last = quarter * 3
            start, end = _window(year, last - 2, last)
            result.append(
                PeriodSpec(
                    QUARTERLY,
                    f"{year}-Q{quarter}",
                    f"Quý {ROMAN[quarter]}/{year}",
                    start,
                    end,
                    _day_in(year, last, day),
                )
            )
        return result
    if frequency == SIX_MONTH:
        start, end = _window(year, 1, 6)
        return [
            PeriodSpec(
                SIX_MONTH,
                f"{year}-H1",
                f"6 tháng đầu năm {year}",
                start,
                end,
                _day_in(year, 6, day),
            )
        ]
    if frequency == NINE_MONTH:
        start, end = _window(year, 1, 9)
        return [
            PeriodSpec(
                NINE_MONTH, f"{year}-9M", f"9 tháng năm {year}", start, end, _day_in(year, 9, day)
            )
        ]
    if frequency == ANNUAL:
        start, end = _window(year, 1, 12)
        due = due_date if due_date is not None else _day_in(year, 12, day)
        return [PeriodSpec(ANNUAL, str(year), f"Năm {year}", start, end, due)]
    if frequency == AD_HOC:
        return []
    raise ValueError(f"unknown reporting frequency {frequency!r}")


def due_instant(due: date) -> datetime:
    """The last instant a report is on time: the end of the due day in Vietnam (aware).

    A report stamped at or before this instant is on time; one a microsecond later is late.
    """
    return datetime.combine(due, time.max, tzinfo=TZ)


def local_date(moment: datetime) -> date:
    """The calendar date in Vietnam of an aware instant."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(TZ).date()


def is_late(submitted_at: datetime, due: date) -> bool:
    """True when ``submitted_at`` falls after the due day (in Vietnam's time)."""
    return submitted_at > due_instant(due)


def compliance(state: str, first_submitted_at: datetime | None, due: date, now: datetime) -> str:
    """How an expected report stands against its due date at ``now`` (a Compliance value).

    A returned report is ``returned`` until resubmitted; a submitted one is ``on_time`` or
    ``late`` by its first submission; one not submitted is ``missing`` once its due day is
    over, ``not_due`` before.
    """
    if state == ReportState.RETURNED:
        return Compliance.RETURNED
    if first_submitted_at is not None:
        return Compliance.LATE if is_late(first_submitted_at, due) else Compliance.ON_TIME
    if now > due_instant(due):
        return Compliance.MISSING
    return Compliance.NOT_DUE


def delay_days(first_submitted_at: datetime | None, due: date) -> int:
    """Whole days late, counted in Vietnamese calendar dates (0 when on time or not sent)."""
    if first_submitted_at is None:
        return 0
    return max(0, (local_date(first_submitted_at) - due).days)


def days_until(due: date, now: datetime) -> int:
    """Calendar days from ``now``'s local date to the due date (negative once past)."""
    return (due - local_date(now)).days
