"""The demo's year of reporting: a deterministic, clearly labelled history of one programme
year of a plan, written through the real reporting actions with historical times.

Every report due before ``now`` gets an outcome drawn from a random generator seeded with
``seed`` and the report's period key and agency code (never a database id), so that two
builds on fresh databases give the same history:

- on time (most): submitted 0–5 days before the due date, at office hours;
- late: submitted 1–12 days after the due date;
- missing: left pending, or a draft that was never sent;
- returned and resubmitted: submitted on time, returned by the consolidator with a comment,
  corrected and submitted again 2–4 days later, then accepted.

A few agencies are systematically worse, so that the compliance matrix shows a pattern.
Most submitted reports are accepted by the consolidator 1–3 days after their submission.
Each report fills every task the agency owes and every target it owes a figure for, with
short Vietnamese texts; every narrative starts with ``[Dữ liệu minh họa]`` and every return
comment says ``Dữ liệu minh họa`` (demo data).

The history is written once: a plan whose year already has a report beyond ``pending`` is
left alone (:attr:`HistoryResult.skipped`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from planwatch.accounts.choices import Role
from planwatch.accounts.models import User
from planwatch.demo.setup import DEMO_USERS
from planwatch.organisations.models import Agency
from planwatch.plans.models import Plan, Target, Task
from planwatch.reporting import actions
from planwatch.reporting.actions import FigureInput, ProgressInput
from planwatch.reporting.calendar import (
    ANNUAL,
    MONTHLY,
    TZ,
    due_instant,
    local_date,
)
from planwatch.reporting.choices import FigureKind, PeriodKind, ProgressStatus, ReportState
from planwatch.reporting.models import Report, ReportingPeriod
from planwatch.reporting.queries import targets_owed, tasks_owed, year_periods

LABEL = "Dữ liệu minh họa"
MARKER = f"[{LABEL}]"
AD_HOC_TITLE = f"{MARKER} Báo cáo nhanh tình hình thực hiện nhiệm vụ"
AD_HOC_DAYS = 14

ON_TIME, LATE, MISSING, RETURNED = "on_time", "late", "missing", "returned"
OUTCOMES = (ON_TIME, LATE, MISSING, RETURNED)
# Shares of (on time, late, missing, returned and resubmitted) for most agencies, and for
# the few that are systematically worse; overall about 75 / 10 / 7 / 8 %.
RELIABLE = (0.79, 0.07, 0.05, 0.09)
UNRELIABLE = (0.42, 0.32, 0.21, 0.05)
WORSE_AGENCIES = 4
ACCEPTED_SHARE = 0.96  # the rest stays submitted, never decided
ON_TIME_DAYS_BEFORE = (0, 1, 2, 3, 4, 5)
ON_TIME_WEIGHTS = (34, 26, 15, 10, 8, 7)  # most reports arrive in the last two days

KIND_BY_FREQUENCY = {
    MONTHLY: FigureKind.ESTIMATE,
    ANNUAL: FigureKind.OFFICIAL,
}  # quarterly, 6-month and 9-month: preliminary

# ------------------------------------------------------------------ the bank of phrases

DONE = (
    "Ban hành kế hoạch triển khai, phân công nhiệm vụ cụ thể cho từng phòng, đơn vị.",
    "Tổ chức hội nghị quán triệt, triển khai nhiệm vụ đến cán bộ, công chức.",
    "Rà soát, cập nhật tiến độ; đôn đốc các phòng, đơn vị thực hiện.",
    "Kiểm tra, hướng dẫn cơ sở; tổng hợp kết quả định kỳ.",
    "Phối hợp với các sở, ngành liên quan tháo gỡ vướng mắc phát sinh.",
    "Triển khai đúng tiến độ đề ra; kết quả bước đầu tích cực.",
    "Tuyên truyền, phổ biến trên cổng thông tin điện tử của đơn vị.",
    "Hoàn thiện dự thảo văn bản, lấy ý kiến các cơ quan liên quan.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong thực hiện nhiệm vụ.",
    "Lồng ghép thực hiện với các chương trình, đề án của ngành.",
)
DONE_FINISHED = (
    "Đã hoàn thành nhiệm vụ; tiếp tục theo dõi, duy trì kết quả.",
    "Hoàn thành; đã báo cáo kết quả với UBND tỉnh.",
    "Hoàn thành theo kế hoạch; tổng kết, rút kinh nghiệm.",
)
NOT_STARTED = "Đang xây dựng kế hoạch triển khai."
DIFFICULTIES = (
    "Thủ tục giải phóng mặt bằng kéo dài, ảnh hưởng tiến độ.",
    "Nguồn kinh phí bố trí chưa kịp thời.",
    "Thiếu cán bộ chuyên môn; một số cán bộ kiêm nhiệm nhiều việc.",
    "Vướng mắc về cơ chế, chính sách chưa được hướng dẫn cụ thể.",
    "Việc sắp xếp tổ chức bộ máy ảnh hưởng đến tiến độ triển khai.",
    "Giá vật liệu xây dựng tăng; nguồn cung đất đắp hạn chế.",
    "Số liệu từ các đơn vị phối hợp gửi chậm.",
)
PROPOSALS = (
    "Đề nghị UBND tỉnh bố trí bổ sung kinh phí thực hiện.",
    "Đề nghị Sở Tài chính sớm thẩm định, phân bổ vốn.",
    "Kiến nghị Trung ương sớm ban hành văn bản hướng dẫn.",
    "Đề nghị các sở, ngành phối hợp chặt chẽ, cung cấp số liệu đúng hạn.",
    "Kiến nghị tháo gỡ vướng mắc về đất đai, giải phóng mặt bằng.",
)
NARRATIVE_CLOSINGS = (
    "Các nhiệm vụ trọng tâm cơ bản bảo đảm tiến độ.",
    "Đơn vị tiếp tục tập trung chỉ đạo, đôn đốc thực hiện các nhiệm vụ còn chậm.",
    "Một số nhiệm vụ còn gặp khó khăn, đã đề xuất giải pháp tháo gỡ.",
    "Kết quả thực hiện cơ bản đáp ứng yêu cầu đề ra.",
)
RETURN_COMMENTS = (
    "Đề nghị bổ sung số liệu giải ngân vốn đầu tư công",
    "Đề nghị bổ sung kết quả cụ thể của từng nhiệm vụ, tránh báo cáo chung chung",
    "Số liệu thu ngân sách chưa khớp với báo cáo của Cục Thống kê, đề nghị rà soát lại",
    "Đề nghị làm rõ nguyên nhân chậm tiến độ và giải pháp khắc phục",
)
CORRECTION = "Đã bổ sung, chỉnh sửa theo ý kiến của đơn vị tổng hợp."


# ------------------------------------------------------------------ the result


@dataclass
class HistoryResult:
    """What :func:`build_demo_history` wrote, by outcome."""

    year: int
    periods: int = 0  # periods with at least one report due before ``now``
    reports: int = 0  # reports due before ``now``
    on_time: int = 0
    late: int = 0
    missing: int = 0
    returned: int = 0  # returned and resubmitted (on time by their first submission)
    accepted: int = 0
    drafts: int = 0  # missing reports left as a draft
    ad_hoc: str = ""  # the key of the open ad-hoc request added, if any
    skipped: bool = False  # the history was already there: nothing was written
    agencies_worse: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in OUTCOMES}

    def summary(self) -> str:
        if self.skipped:
            return f"demo history {self.year}: already there, left as it is"
        line = (
            f"demo history {self.year}: {self.periods} periods, {self.reports} reports: "
            f"{self.on_time} on time, {self.late} late, {self.missing} missing, "
            f"{self.returned} returned and resubmitted ({self.accepted} accepted)"
        )
        if self.ad_hoc:
            line += f"; open ad-hoc request {self.ad_hoc}"
        return line


# ------------------------------------------------------------------ times


def _office_time(day: date, rng: random.Random) -> datetime:
    """An instant of office hours (7:30–11:30, 13:30–17:00) on ``day``, in Vietnam."""
    minute = rng.randrange(240 + 210)
    start = 7 * 60 + 30 if minute < 240 else 13 * 60 + 30 - 240
    minute += start
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=TZ)


def _weekday_before(day: date) -> date:
    """``day``, or the Friday before when it is a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _weekday_after(day: date) -> date:
    """``day``, or the Monday after when it is a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _working_days_later(moment: datetime, days: int, rng: random.Random) -> datetime:
    """Office hours ``days`` calendar days after ``moment`` (a weekend moves to Monday)."""
    return _office_time(_weekday_after(local_date(moment) + timedelta(days=days)), rng)


# ------------------------------------------------------------------ content


@dataclass(frozen=True)
class TaskCourse:
    """How one agency's work on one task goes over the year (by the month a period ends)."""

    start_month: int  # not started before this month
    done_month: int | None  # done from this month on, if ever
    final: int  # percent reached in December when not done

    def at(self, month: int) -> tuple[str, int]:
        if month < self.start_month:
            return ProgressStatus.NOT_STARTED, 0
        if self.done_month is not None and month >= self.done_month:
            return ProgressStatus.DONE, 100
        end = self.done_month if self.done_month is not None else 12
        top = 90 if self.done_month is not None else self.final
        share = (month - self.start_month + 1) / (end - self.start_month + 1)
        return ProgressStatus.IN_PROGRESS, max(5, min(95, 5 * round(top * share / 5)))


def _task_course(task: Task, agency: Agency, year: int, seed: int) -> TaskCourse:
    rng = random.Random(f"{seed}:course:{agency.code}:{task.code}")
    start_month = rng.choice((1, 1, 1, 1, 2, 2, 3))
    final = rng.randrange(60, 96, 5)
    done_month: int | None = None
    if task.deadline is not None and task.deadline.year <= year:
        deadline_month = task.deadline.month if task.deadline.year == year else 1
        done_month = min(12, deadline_month + rng.choice((0, 0, 0, 1, 2)))
        start_month = min(start_month, done_month)
    elif not task.recurring and rng.random() < 0.25:
        done_month = rng.randint(7, 12)  # some are done by the third or fourth quarter
    return TaskCourse(start_month=start_month, done_month=done_month, final=final)


def _goal(target: Target) -> Decimal | None:
    """The figure a target aims at: its value, or the middle of its range."""
    if target.value is not None:
        return Decimal(target.value)
    if target.low is not None and target.high is not None:
        return (Decimal(target.low) + Decimal(target.high)) / 2
    return target.low if target.low is not None else target.high


def _places(goal: Decimal, unit: str, cumulative: bool) -> int:
    if goal >= 1000:
        return 0
    if "%" in unit:
        return 2 if goal < 10 else 1
    if not cumulative and goal == goal.to_integral_value() and goal < 100:
        return 0  # a count: industrial parks, schools
    return 2


@dataclass(frozen=True)
class FigureCourse:
    """A province-wide figure of a target month by month (the month a period ends)."""

    goal: Decimal
    places: int
    cumulative: bool
    values: tuple[float, ...]  # ratio of the goal at the end of months 1..12

    def at(self, month: int, *, nudge: float = 0.0) -> Decimal:
        ratio = self.values[month - 1] * (1 + nudge)
        value = self.goal * Decimal(str(round(ratio, 6)))
        return value.quantize(Decimal(1).scaleb(-self.places))


# Monthly weights of a cumulative indicator (budget revenue, investment): slow after Tết,
# heavy at the end of the year.
SEASON = (0.75, 0.6, 0.85, 0.9, 0.95, 1.0, 0.95, 1.0, 1.0, 1.05, 1.1, 1.35)


def _figure_course(target: Target, seed: int) -> FigureCourse | None:
    goal = _goal(target)
    if goal is None or goal <= 0:
        return None
    rng = random.Random(f"{seed}:figures:{target.code}")
    cumulative = bool(target.indicator.cumulative)
    places = _places(goal, target.unit or "", cumulative)
    if cumulative:
        final = rng.uniform(0.9, 1.1)  # some end above the target, some below
        weights = [w * rng.uniform(0.85, 1.15) for w in SEASON]
        total, running = sum(weights), 0.0
        values = []
        for weight in weights:
            running += weight
            values.append(final * running / total)
    else:
        better = -1 if target.indicator.higher_is_better is False else 1
        if target.comparator == "stable" or target.indicator.higher_is_better is None:
            better = 0
        first = 1 - better * rng.uniform(0.02, 0.07) + rng.uniform(-0.01, 0.01)
        final = 1 + rng.uniform(-0.03, 0.03)
        values = [
            first + (final - first) * month / 12 + rng.uniform(-0.004, 0.004)
            for month in range(1, 13)
        ]
    return FigureCourse(goal=goal, places=places, cumulative=cumulative, values=tuple(values))


@dataclass
class Owed:
    """What an agency owes in the plan, with how its work goes over the year."""

    tasks: list[tuple[Task, TaskCourse]]
    targets: list[tuple[Target, FigureCourse]]


def _month(day: date, year: int) -> int:
    """The month of ``year`` a date falls in (12 after the year, 1 before it)."""
    return day.month if day.year == year else (12 if day.year > year else 1)


def _content(
    report: Report,
    owed: Owed,
    *,
    year: int,
    year_start: date,
    rng: random.Random,
    corrected: bool = False,
) -> tuple[str, list[ProgressInput], list[FigureInput]]:
    period, agency = report.period, report.agency
    # Figures cover the period's window (the annual report, due 10/11, estimates the whole
    # year); the tasks stand as they are when the report is written.
    month = _month(period.end, year)
    progress_month = min(month, _month(period.due, year))
    rows = []
    counts = {status: 0 for status in ProgressStatus.values}
    for index, (task, course) in enumerate(owed.tasks):
        status, percent = course.at(progress_month)
        counts[status] += 1
        if status == ProgressStatus.NOT_STARTED:
            done = NOT_STARTED
        elif status == ProgressStatus.DONE:
            done = rng.choice(DONE_FINISHED)
        else:
            done = rng.choice(DONE)
        if corrected and index < 2:
            done += " Bổ sung: số liệu giải ngân vốn đầu tư công đến hết kỳ báo cáo."
        difficulties = rng.choice(DIFFICULTIES) if rng.random() < 0.03 else ""
        proposals = rng.choice(PROPOSALS) if rng.random() < 0.02 else ""
        rows.append(
            ProgressInput(
                task=task,
                status=status,
                percent=percent,
                done=done,
                difficulties=difficulties,
                proposals=proposals,
            )
        )
    kind = KIND_BY_FREQUENCY.get(period.frequency, FigureKind.PRELIMINARY)
    figures = []
    for target, figure_course in owed.targets:
        nudge = 0.004 if corrected else 0.0
        figures.append(
            FigureInput(
                target=target,
                value=figure_course.at(month, nudge=nudge),
                kind=kind,
                period_start=year_start if figure_course.cumulative else period.start,
                period_end=period.end,
                note=LABEL,
            )
        )
    name = agency.name
    tally = [
        f"hoàn thành {counts[ProgressStatus.DONE]}",
        f"đang thực hiện {counts[ProgressStatus.IN_PROGRESS]}",
    ]
    if counts[ProgressStatus.NOT_STARTED]:
        tally.append(f"chưa triển khai {counts[ProgressStatus.NOT_STARTED]}")
    parts = [
        f"{MARKER} {name} báo cáo {period.title}: {len(rows)} nhiệm vụ được giao; "
        f"{', '.join(tally)}.",
        rng.choice(NARRATIVE_CLOSINGS),
    ]
    if corrected:
        parts.append(CORRECTION)
    return " ".join(parts), rows, figures


# ------------------------------------------------------------------ outcomes


def _draw(rng: random.Random, shares: tuple[float, ...]) -> str:
    return rng.choices(OUTCOMES, weights=shares)[0]


@dataclass
class Writer:
    """Writes one report's history through the reporting actions."""

    year: int
    year_start: date
    now: datetime
    consolidator: User | None
    reporters: dict[int, User]
    owed: dict[int, Owed]
    result: HistoryResult

    def content(
        self, report: Report, rng: random.Random, *, corrected: bool = False
    ) -> tuple[str, list[ProgressInput], list[FigureInput]]:
        return _content(
            report,
            self.owed[report.agency_id],
            year=self.year,
            year_start=self.year_start,
            rng=rng,
            corrected=corrected,
        )

    def save(self, report: Report, rng: random.Random, at: datetime, **kw: Any) -> None:
        narrative, progress, figures = self.content(report, rng, **kw)
        actions.save_report(
            report,
            narrative=narrative,
            progress=progress,
            figures=figures,
            actor=self.reporters.get(report.agency_id),
            at=at,
        )

    def submit(self, report: Report, at: datetime) -> None:
        actions.submit_report(report, actor=self.reporters.get(report.agency_id), at=at)

    def decide(
        self, report: Report, rng: random.Random, submitted: datetime, *, always: bool = False
    ) -> None:
        """Accept the report 1–3 days after ``submitted`` (most are; ``always`` when it was
        corrected), unless that is still to come."""
        at = _working_days_later(submitted, rng.randint(1, 3), rng)
        accepted = rng.random() < ACCEPTED_SHARE or always
        if accepted and at < self.now:
            actions.accept_report(report, actor=self.consolidator, at=at)
            self.result.accepted += 1

    def write(self, report: Report, outcome: str, rng: random.Random) -> str:
        """Play ``outcome`` for the report; the outcome it ends with (a late submission
        that would fall after ``now`` stays missing)."""
        due = report.period.due
        days_before = rng.choices(ON_TIME_DAYS_BEFORE, weights=ON_TIME_WEIGHTS)[0]
        on_time = _office_time(_weekday_before(due - timedelta(days=days_before)), rng)
        late = _office_time(_weekday_after(due + timedelta(days=rng.randint(1, 12))), rng)
        typing = timedelta(minutes=rng.randint(20, 180))
        if outcome == LATE and late >= self.now:
            outcome = MISSING
        if outcome == MISSING:
            if rng.random() < 0.5:
                self.save(report, rng, on_time - typing)
                self.result.drafts += 1
            return MISSING
        submitted = late if outcome == LATE else on_time
        self.save(report, rng, submitted - typing)
        self.submit(report, submitted)
        if outcome == RETURNED:
            returned = _working_days_later(submitted, rng.randint(1, 2), rng)
            resubmitted = _working_days_later(returned, rng.randint(2, 4), rng)
            if returned >= self.now:
                return outcome  # stays submitted for now
            comment = f"{rng.choice(RETURN_COMMENTS)} ({LABEL})."
            actions.return_report(report, comment=comment, actor=self.consolidator, at=returned)
            if resubmitted >= self.now:
                return outcome  # stays returned for now
            self.save(report, rng, resubmitted - typing, corrected=True)
            self.submit(report, resubmitted)
            self.decide(report, rng, resubmitted, always=True)
            return outcome
        self.decide(report, rng, submitted)
        return outcome


# ------------------------------------------------------------------ the history


def _demo_reporters() -> dict[int, User]:
    """The demo reporter of each agency that has one (``baocao``: Sở Y tế)."""
    names = [d.username for d in DEMO_USERS if d.role == Role.REPORTER]
    users = User.objects.filter(username__in=names, agency__isnull=False).order_by("username")
    return {u.agency_id: u for u in users if u.agency_id is not None}


def _demo_consolidator() -> User | None:
    names = [d.username for d in DEMO_USERS if d.role == Role.CONSOLIDATOR]
    return User.objects.filter(username__in=names).order_by("username").first()


def _kept_open(reports: list[Report]) -> set[int]:
    """Of ``reports`` (those due), the ones of the demo reporters' agencies left open for a
    person trying the demo once the year is over: each such agency's latest monthly one."""
    agencies = {
        a.pk
        for a in Agency.objects.filter(
            name__in=[d.agency for d in DEMO_USERS if d.role == Role.REPORTER]
        )
    }
    latest: dict[int, Report] = {}
    for report in reports:
        if report.agency_id not in agencies or report.period.frequency != MONTHLY:
            continue
        best = latest.get(report.agency_id)
        if best is None or report.period.due > best.period.due:
            latest[report.agency_id] = report
    return {r.pk for r in latest.values()}


@transaction.atomic
def build_demo_history(
    plan: Plan, *, year: int = 2025, now: datetime | None = None, seed: int = 2025
) -> HistoryResult:
    """Write the demo history of ``plan``'s programme ``year`` up to ``now`` (default: now).

    Creates the year's calendar, then plays every regular report due before ``now``
    (see the module's description). Deterministic for a given ``seed``, and written once:
    when a report of the year is already beyond ``pending``, nothing is written. When the
    whole year is past, an ad-hoc request due in 14 days is added so that every agency has
    a report open.
    """
    now = now or timezone.now()
    if timezone.is_naive(now):
        raise ValueError("now: a timezone-aware date and time is needed")
    result = HistoryResult(year=year)
    actions.generate_calendar(plan, year=year)
    periods = list(year_periods(plan, year).filter(kind=PeriodKind.REGULAR))
    reports = list(
        Report.objects.filter(period__in=periods)
        .select_related("period__plan__document", "agency")
        .order_by()
    )
    if any(r.state != ReportState.PENDING for r in reports):
        result.skipped = True
        return result
    reports.sort(key=lambda r: (r.period.due, r.period.key, r.agency.code))
    due = [r for r in reports if due_instant(r.period.due) < now]
    result.periods = len({r.period_id for r in due})
    result.reports = len(due)

    agency_codes = sorted({r.agency.code for r in reports})
    worse = set(random.Random(seed).sample(agency_codes, min(WORSE_AGENCIES, len(agency_codes))))
    result.agencies_worse = sorted(worse)
    year_start = min((p.start for p in periods if p.frequency == ANNUAL), default=date(year, 1, 1))
    owed: dict[int, Owed] = {}
    targets = [
        (t, course)
        for t in plan.targets.select_related("indicator").order_by("position")
        if (course := _figure_course(t, seed)) is not None
    ]
    courses = {t.pk: course for t, course in targets}
    for agency in {r.agency_id: r.agency for r in due}.values():
        owed[agency.pk] = Owed(
            tasks=[
                (task, _task_course(task, agency, year, seed)) for task in tasks_owed(agency, plan)
            ],
            targets=[(t, courses[t.pk]) for t in targets_owed(agency, plan) if t.pk in courses],
        )
    writer = Writer(
        year=year,
        year_start=year_start,
        now=now,
        consolidator=_demo_consolidator(),
        reporters=_demo_reporters(),
        owed=owed,
        result=result,
    )
    year_over = not any(due_instant(p.due) >= now for p in periods)
    kept_open = _kept_open(due) if year_over else set()
    for report in due:
        rng = random.Random(f"{seed}:{report.period.key}:{report.agency.code}")
        shares = UNRELIABLE if report.agency.code in worse else RELIABLE
        outcome = _draw(rng, shares)
        if report.pk in kept_open:
            outcome = MISSING
            drafted = _weekday_before(report.period.due - timedelta(days=2))
            writer.save(report, rng, _office_time(drafted, rng))
            result.drafts += 1
        else:
            outcome = writer.write(report, outcome, rng)
        setattr(result, outcome, getattr(result, outcome) + 1)

    if year_over:
        result.ad_hoc = _open_request(plan, now, writer.consolidator).key
    return result


def _open_request(plan: Plan, now: datetime, actor: User | None) -> ReportingPeriod:
    """An ad-hoc request due in 14 days, to every agency of the plan that still exists."""
    today = local_date(now)
    due = today + timedelta(days=AD_HOC_DAYS)
    # the year so far, from 15 December (Decree 09/2019's year) to today
    start = date(today.year, 12, 15)
    if today < start:
        start = date(today.year - 1, 12, 15)
    agencies = [
        a
        for a in Agency.objects.filter(reports__period__plan=plan, provisional=False)
        .distinct()
        .order_by("name")
        if a.valid_to is None or a.valid_to >= due
    ]
    return actions.add_ad_hoc_request(
        plan,
        title=AD_HOC_TITLE,
        due=due,
        start=start,
        end=today,
        agencies=agencies,
        actor=actor,
    )
