"""Reporting periods and due dates (Decree 09/2019, art. 12), as plain functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from planwatch.reporting.calendar import (
    PeriodSpec,
    compliance,
    delay_days,
    due_instant,
    is_late,
    local_date,
    periods_for,
)
from planwatch.reporting.choices import Compliance

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = date.fromisoformat


def vn(text: str) -> datetime:
    """``2025-01-20 23:59:59`` in Vietnamese local time."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


# ------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("frequency", "kwargs", "index", "expected"),
    [
        ("monthly", {}, 0, ("2025-01", "Tháng 01/2025", "2024-12-15", "2025-01-14", "2025-01-20")),
        ("monthly", {}, 1, ("2025-02", "Tháng 02/2025", "2025-01-15", "2025-02-14", "2025-02-20")),
        ("monthly", {}, 11, ("2025-12", "Tháng 12/2025", "2025-11-15", "2025-12-14", "2025-12-20")),
        (
            "monthly",
            {"due_day": 5},
            2,
            ("2025-03", "Tháng 03/2025", "2025-02-15", "2025-03-14", "2025-03-05"),
        ),
        ("quarterly", {}, 0, ("2025-Q1", "Quý I/2025", "2024-12-15", "2025-03-14", "2025-03-20")),
        ("quarterly", {}, 1, ("2025-Q2", "Quý II/2025", "2025-03-15", "2025-06-14", "2025-06-20")),
        ("quarterly", {}, 2, ("2025-Q3", "Quý III/2025", "2025-06-15", "2025-09-14", "2025-09-20")),
        ("quarterly", {}, 3, ("2025-Q4", "Quý IV/2025", "2025-09-15", "2025-12-14", "2025-12-20")),
        (
            "quarterly",
            {"due_day": 18},
            3,
            ("2025-Q4", "Quý IV/2025", "2025-09-15", "2025-12-14", "2025-12-18"),
        ),
        (
            "6-month",
            {},
            0,
            ("2025-H1", "6 tháng đầu năm 2025", "2024-12-15", "2025-06-14", "2025-06-20"),
        ),
        (
            "9-month",
            {},
            0,
            ("2025-9M", "9 tháng năm 2025", "2024-12-15", "2025-09-14", "2025-09-20"),
        ),
        ("annual", {}, 0, ("2025", "Năm 2025", "2024-12-15", "2025-12-14", "2025-12-20")),
        (
            "annual",
            {"due_date": D("2025-11-10")},
            0,
            ("2025", "Năm 2025", "2024-12-15", "2025-12-14", "2025-11-10"),
        ),
        (
            "annual",
            {"due_day": 15},
            0,
            ("2025", "Năm 2025", "2024-12-15", "2025-12-14", "2025-12-15"),
        ),
    ],
)
def test_each_period_has_the_decree_window_and_the_plans_due_date(
    frequency: str, kwargs: dict, index: int, expected: tuple[str, ...]
) -> None:
    spec = periods_for(frequency, 2025, **kwargs)[index]
    key, title, start, end, due = expected
    assert spec == PeriodSpec(frequency, key, title, D(start), D(end), D(due))


@pytest.mark.parametrize(
    ("frequency", "count"),
    [
        ("monthly", 12),
        ("quarterly", 4),
        ("6-month", 1),
        ("9-month", 1),
        ("annual", 1),
        ("ad hoc", 0),
    ],
)
def test_a_year_has_so_many_periods_of_each_frequency(frequency: str, count: int) -> None:
    assert len(periods_for(frequency, 2025)) == count


@pytest.mark.parametrize("frequency", ["monthly", "quarterly"])
@pytest.mark.parametrize("year", [2024, 2025, 2028])
def test_windows_follow_each_other_without_gap_or_overlap_across_years(
    frequency: str, year: int
) -> None:
    specs = periods_for(frequency, year - 1) + periods_for(frequency, year)
    for before, after in pairwise(specs):
        assert after.start == before.end + timedelta(days=1)
    for spec in specs:
        assert spec.start.day == 15 and spec.end.day == 14
        assert spec.due >= spec.end


@pytest.mark.parametrize(
    ("year", "frequency", "due_day", "index", "due"),
    [
        (2025, "monthly", 31, 1, "2025-02-28"),
        (2024, "monthly", 31, 1, "2024-02-29"),
        (2025, "monthly", 31, 3, "2025-04-30"),
        (2025, "monthly", 31, 0, "2025-01-31"),
        (2025, "quarterly", 31, 1, "2025-06-30"),
        (2025, "6-month", 31, 0, "2025-06-30"),
        (2025, "9-month", 31, 0, "2025-09-30"),
    ],
)
def test_a_due_day_beyond_the_months_end_is_its_last_day(
    year: int, frequency: str, due_day: int, index: int, due: str
) -> None:
    assert periods_for(frequency, year, due_day=due_day)[index].due == D(due)


@pytest.mark.parametrize(
    ("frequency", "key", "due", "weekday"),
    [
        ("monthly", "2025-04", "2025-04-20", "Sunday"),
        ("monthly", "2025-07", "2025-07-20", "Sunday"),
        ("monthly", "2025-09", "2025-09-20", "Saturday"),
        ("monthly", "2025-12", "2025-12-20", "Saturday"),
        ("9-month", "2025-9M", "2025-09-20", "Saturday"),
        ("quarterly", "2025-Q4", "2025-12-20", "Saturday"),
    ],
)
def test_a_due_date_on_a_weekend_is_not_moved(
    frequency: str, key: str, due: str, weekday: str
) -> None:
    spec = {s.key: s for s in periods_for(frequency, 2025)}[key]
    assert spec.due == D(due)
    assert spec.due.strftime("%A") == weekday


def test_ad_hoc_reports_have_no_calendar() -> None:
    assert periods_for("ad hoc", 2025) == []


@pytest.mark.parametrize(
    ("frequency", "kwargs"),
    [("weekly", {}), ("monthly", {"due_day": 0}), ("monthly", {"due_day": 32})],
)
def test_an_unknown_frequency_or_impossible_due_day_is_refused(
    frequency: str, kwargs: dict
) -> None:
    with pytest.raises(ValueError):
        periods_for(frequency, 2025, **kwargs)


# ------------------------------------------------------------------ on time or late


def test_the_due_instant_is_the_end_of_the_due_day_in_vietnam() -> None:
    instant = due_instant(D("2025-01-20"))
    assert instant.tzinfo is not None
    assert instant == vn("2025-01-20 23:59:59.999999")
    assert instant.astimezone(UTC) == datetime(2025, 1, 20, 16, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (vn("2025-01-19 10:00"), False),
        (vn("2025-01-20 00:00"), False),
        (vn("2025-01-20 23:59:59"), False),
        (vn("2025-01-20 23:59:59.999999"), False),
        (vn("2025-01-21 00:00"), True),
        (vn("2025-01-21 00:00:00.000001"), True),
        (vn("2025-02-03 08:00"), True),
        # the same instants in UTC: Vietnam is UTC+7, whatever the server's clock says
        (datetime(2025, 1, 20, 16, 59, 59, tzinfo=UTC), False),
        (datetime(2025, 1, 20, 17, 0, 0, tzinfo=UTC), True),
        (datetime(2025, 1, 20, 20, 0, 0, tzinfo=UTC), True),  # UTC still says the 20th
    ],
)
def test_a_report_is_late_after_the_end_of_its_due_day_local_time(
    submitted_at: datetime, late: bool
) -> None:
    assert is_late(submitted_at, D("2025-01-20")) is late


@pytest.mark.parametrize(
    ("submitted_at", "days"),
    [
        (None, 0),
        (vn("2025-01-15 09:00"), 0),
        (vn("2025-01-20 23:59:59"), 0),
        (vn("2025-01-21 00:00"), 1),
        (vn("2025-01-21 23:59"), 1),
        (vn("2025-01-22 00:01"), 2),
        (vn("2025-02-20 10:00"), 31),
        (datetime(2025, 1, 20, 17, 30, tzinfo=UTC), 1),  # 00:30 on the 21st in Vietnam
    ],
)
def test_delay_counts_whole_local_days_late(submitted_at: datetime | None, days: int) -> None:
    assert delay_days(submitted_at, D("2025-01-20")) == days


@pytest.mark.parametrize(
    ("state", "first_submitted_at", "now", "expected"),
    [
        ("pending", None, "2025-01-10 08:00", Compliance.NOT_DUE),
        ("draft", None, "2025-01-20 23:59:59", Compliance.NOT_DUE),
        ("pending", None, "2025-01-21 00:00", Compliance.MISSING),
        ("draft", None, "2025-03-01 00:00", Compliance.MISSING),
        ("submitted", "2025-01-18 10:00", "2025-01-19 00:00", Compliance.ON_TIME),
        ("submitted", "2025-01-20 23:59:59", "2025-01-25 00:00", Compliance.ON_TIME),
        ("accepted", "2025-01-20 23:59:59", "2025-06-01 00:00", Compliance.ON_TIME),
        ("submitted", "2025-01-21 00:00", "2025-01-21 00:00", Compliance.LATE),
        ("accepted", "2025-02-02 10:00", "2025-06-01 00:00", Compliance.LATE),
        # a report returned and sent again is judged by its first submission
        ("submitted", "2025-01-19 10:00", "2025-02-10 00:00", Compliance.ON_TIME),
        ("returned", "2025-01-19 10:00", "2025-01-19 12:00", Compliance.RETURNED),
        ("returned", "2025-01-19 10:00", "2025-02-10 00:00", Compliance.RETURNED),
    ],
)
def test_compliance_of_a_report(
    state: str, first_submitted_at: str | None, now: str, expected: str
) -> None:
    first = vn(first_submitted_at) if first_submitted_at else None
    assert compliance(state, first, D("2025-01-20"), vn(now)) == expected


@pytest.mark.parametrize(
    ("frozen", "expected"),
    [
        (vn("2025-01-20 23:59:59"), Compliance.NOT_DUE),
        (vn("2025-01-21 00:00:00"), Compliance.MISSING),
        (datetime(2025, 1, 20, 16, 59, 59, tzinfo=UTC), Compliance.NOT_DUE),
        (datetime(2025, 1, 20, 17, 0, 0, tzinfo=UTC), Compliance.MISSING),
    ],
)
def test_a_report_not_sent_is_missing_from_local_midnight_after_the_due_day(
    frozen: datetime, expected: str
) -> None:
    with time_machine.travel(frozen, tick=False):
        now = timezone.now()
        assert compliance("pending", None, D("2025-01-20"), now) == expected
        # a report sent at this very instant
        sent = compliance("submitted", now, D("2025-01-20"), now)
        assert sent == (Compliance.ON_TIME if expected == Compliance.NOT_DUE else Compliance.LATE)


def test_local_date_reads_the_calendar_in_vietnam() -> None:
    assert local_date(datetime(2025, 1, 20, 17, 0, tzinfo=UTC)) == D("2025-01-21")
    with pytest.raises(ValueError):
        local_date(datetime(2025, 1, 20, 17, 0))
