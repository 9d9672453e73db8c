"""Reads of the reporting cycle shared by views, commands and exports.

Who sees which reports (:func:`visible_reports`: every view starts from it), what an agency
owes (:func:`tasks_owed`, :func:`targets_owed`), the year's periods with their reports
counted by state (:func:`period_summaries`), a target's previous figure
(:func:`previous_figures`), the compliance matrix of agencies × periods and its JSON, a
period's consolidation and figures and the differences between two versions of a report.
Query counts stay flat whatever the number of agencies and periods.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from planwatch.accounts.choices import Role
from planwatch.core.permissions import has_role
from planwatch.organisations.models import Agency
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan, Target, Task
from planwatch.plans.queries import agency_tasks
from planwatch.reporting.calendar import compliance, delay_days
from planwatch.reporting.choices import Compliance, FigureKind, ReportState
from planwatch.reporting.models import (
    Figure,
    Report,
    ReportingPeriod,
    ReportVersion,
    TaskProgress,
)
from planwatch.text import fold

SEE_ALL = (Role.LEADERSHIP, Role.CONSOLIDATOR, Role.VIEWER, Role.STATISTICS)
#: The reports that count as sent: what consolidations and previous figures read.
CONSOLIDATED_STATES = (ReportState.SUBMITTED, ReportState.ACCEPTED)


# ------------------------------------------------------------------ who owes and who sees


def tasks_owed(agency: Agency, plan: Plan) -> QuerySet[Task]:
    """The plan's tasks the agency leads, itself or through a group it belongs to."""
    return agency_tasks(agency).filter(plan=plan).order_by("position")


def targets_owed(agency: Agency, plan: Plan) -> QuerySet[Target]:
    """The plan's targets the agency leads, itself or through a group it belongs to."""
    group_ids = list(agency.groups.values_list("pk", flat=True))
    return (
        plan.targets.filter(Q(lead_agency=agency) | Q(lead_group__in=group_ids))
        .select_related("indicator", "lead_agency", "lead_group")
        .order_by("position")
    )


def visible_reports(user: Any) -> QuerySet[Report]:
    """The reports ``user`` may read: all for leadership, consolidators, statistics and
    viewers; a reporter only its own agency's; anybody else none."""
    reports = Report.objects.select_related("period__plan__document", "agency")
    if user is None or not getattr(user, "is_authenticated", False):
        return reports.none()
    if has_role(user, *SEE_ALL):
        return reports
    if has_role(user, Role.REPORTER) and user.agency_id is not None:
        return reports.filter(agency_id=user.agency_id)
    return reports.none()


def report_compliance(report: Report, now: datetime) -> str:
    """The report's :class:`Compliance` at ``now``."""
    return compliance(report.state, report.first_submitted_at, report.period.due, now)


def _has_content() -> Q:
    return (
        ~Q(narrative="")
        | Q(Exists(TaskProgress.objects.filter(report=OuterRef("pk"))))
        | Q(Exists(Figure.objects.filter(report=OuterRef("pk"))))
    )


def previous_report(report: Report) -> Report | None:
    """The agency's latest earlier report in the same plan that has content: a starting
    point for this one. One of the same frequency is preferred (last month's for a monthly
    report, last quarter's for a quarterly one)."""
    period = report.period
    earlier = (
        Report.objects.filter(agency_id=report.agency_id, period__plan_id=period.plan_id)
        .exclude(pk=report.pk)
        .filter(
            Q(period__end__lt=period.end) | Q(period__end=period.end, period__due__lt=period.due)
        )
        .filter(_has_content())
        .select_related("period")
        .order_by("-period__end", "-period__due", "-pk")
    )
    return earlier.filter(period__frequency=period.frequency).first() or earlier.first()


# ------------------------------------------------------------------ periods and figures


@dataclass
class PeriodSummary:
    """A period with the reports of it counted by state."""

    period: ReportingPeriod
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def submitted(self) -> int:
        return self.counts.get(ReportState.SUBMITTED, 0)

    @property
    def accepted(self) -> int:
        return self.counts.get(ReportState.ACCEPTED, 0)

    @property
    def returned(self) -> int:
        return self.counts.get(ReportState.RETURNED, 0)

    @property
    def not_sent(self) -> int:
        return self.counts.get(ReportState.PENDING, 0) + self.counts.get(ReportState.DRAFT, 0)


def period_summaries(user: Any, year: int) -> list[tuple[Plan, list[PeriodSummary]]]:
    """The periods of the active plans whose data window ends in ``year``, by plan, each
    with the reports ``user`` may see counted by state. Two queries whatever the size."""
    periods = (
        ReportingPeriod.objects.filter(plan__status=PlanStatus.ACTIVE, end__year=year)
        .select_related("plan__document")
        .order_by("plan_id", "due", "end", "pk")
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        visible_reports(user)
        .filter(period__plan__status=PlanStatus.ACTIVE, period__end__year=year)
        .order_by()
        .values_list("period_id", "state")
        .annotate(n=Count("pk"))
    )
    for period_id, state, n in rows:
        counts[period_id][state] = n
    plans: dict[int, tuple[Plan, list[PeriodSummary]]] = {}
    for period in periods:
        entry = plans.setdefault(period.plan_id, (period.plan, []))
        entry[1].append(PeriodSummary(period=period, counts=counts.get(period.pk, {})))
    return list(plans.values())


#: How far back the previous figure of a target is looked for.
PREVIOUS_FIGURE_WINDOW = timedelta(days=800)


def previous_figures(report: Report, targets: list[Target]) -> dict[int, Figure]:
    """The latest earlier figure of each target (keyed by target id): entered directly (the
    statistics office) or in a submitted or accepted report of the same agency, whose period
    ends before the report's and at most :data:`PREVIOUS_FIGURE_WINDOW` before. One query."""
    if not targets:
        return {}
    period = report.period
    figures = (
        Figure.objects.filter(
            target__in=[t.pk for t in targets],
            period_end__lt=period.end,
            period_end__gte=period.end - PREVIOUS_FIGURE_WINDOW,
        )
        .exclude(kind=FigureKind.PLAN)
        .filter(
            Q(report__isnull=True)
            | Q(report__agency_id=report.agency_id, report__state__in=CONSOLIDATED_STATES)
        )
        .order_by("target_id", "-period_end", "-entered_at", "-pk")
    )
    latest: dict[int, Figure] = {}
    for figure in figures:
        assert figure.target_id is not None
        latest.setdefault(figure.target_id, figure)
    return latest


def period_figures(user: Any, period: ReportingPeriod) -> list[Figure]:
    """The figures of the period's submitted and accepted reports ``user`` may see. One
    query."""
    reports = visible_reports(user).filter(period=period, state__in=CONSOLIDATED_STATES)
    return list(
        Figure.objects.filter(report__in=reports.values("pk"))
        .select_related("report__agency", "target", "indicator")
        .order_by("target__position", "report__agency__name", "pk")
    )


# ------------------------------------------------------------------ the compliance matrix


@dataclass
class Stats:
    """Counts of expected reports by compliance, for one agency or one period."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0
    returned: int = 0
    delays: list[int] = field(default_factory=list)

    def add(self, value: str, delay: int) -> None:
        self.expected += 1
        setattr(self, str(value), getattr(self, str(value)) + 1)
        if value == Compliance.LATE:
            self.delays.append(delay)

    @property
    def due(self) -> int:
        """Expected reports whose standing is settled (all but those not yet due)."""
        return self.expected - self.not_due

    @property
    def submitted(self) -> int:
        """Reports submitted and not sent back (on time or late)."""
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def reporting_rate(self) -> float | None:
        return self.submitted / self.due if self.due else None

    @property
    def timeliness_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def average_delay_days(self) -> float | None:
        return sum(self.delays) / len(self.delays) if self.delays else None

    def counts(self) -> dict[str, int]:
        return {
            "expected": self.expected,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "not_due": self.not_due,
            "returned": self.returned,
        }


@dataclass
class Cell:
    report: Report
    compliance: str
    delay_days: int


@dataclass
class Row:
    agency: Agency
    cells: list[Cell | None]  # aligned with Matrix.periods; None: no report expected
    stats: Stats


@dataclass
class Matrix:
    plan: Plan
    year: int
    now: datetime
    periods: list[ReportingPeriod]
    rows: list[Row]
    period_stats: list[Stats]  # aligned with periods
    totals: Stats

    @property
    def columns(self) -> list[tuple[ReportingPeriod, Stats]]:
        return list(zip(self.periods, self.period_stats, strict=True))


def year_periods(plan: Plan, year: int) -> QuerySet[ReportingPeriod]:
    """The plan's periods whose data window ends in ``year``, in order of due date (on the
    same date the shorter window first: March, then the first quarter)."""
    return ReportingPeriod.objects.filter(plan=plan, end__year=year).order_by(
        "due", "end", "-start", "pk"
    )


def _agency_order(agency: Agency) -> tuple[str, str]:
    return (fold(agency.name), agency.name)


def compliance_matrix(plan: Plan, *, year: int, now: datetime) -> Matrix:
    """Agencies × periods of a plan's year: each expected report's compliance at ``now``.

    Two queries whatever the size: the periods, then every report with its agency.
    """
    periods = list(year_periods(plan, year))
    column = {p.pk: i for i, p in enumerate(periods)}
    reports = Report.objects.filter(period__in=[p.pk for p in periods]).select_related("agency")
    by_agency: dict[int, list[Cell | None]] = {}
    agencies: dict[int, Agency] = {}
    row_stats: dict[int, Stats] = defaultdict(Stats)
    period_stats = [Stats() for _ in periods]
    totals = Stats()
    for report in reports:
        period = periods[column[report.period_id]]
        report.period = period  # no query when a caller reads report.period
        value = compliance(report.state, report.first_submitted_at, period.due, now)
        delay = delay_days(report.first_submitted_at, period.due)
        cells = by_agency.setdefault(report.agency_id, [None] * len(periods))
        agencies[report.agency_id] = report.agency
        cells[column[report.period_id]] = Cell(report=report, compliance=value, delay_days=delay)
        row_stats[report.agency_id].add(value, delay)
        period_stats[column[report.period_id]].add(value, delay)
        totals.add(value, delay)
    rows = [
        Row(agency=agencies[pk], cells=by_agency[pk], stats=row_stats[pk])
        for pk in sorted(agencies, key=lambda pk: _agency_order(agencies[pk]))
    ]
    return Matrix(
        plan=plan,
        year=year,
        now=now,
        periods=periods,
        rows=rows,
        period_stats=period_stats,
        totals=totals,
    )


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def matrix_json(matrix: Matrix) -> dict[str, Any]:
    """The matrix as plain JSON (see :func:`compliance_json`)."""
    return {
        "plan": matrix.plan.document.number or str(matrix.plan),
        "year": matrix.year,
        "as_of": matrix.now.isoformat(),
        "periods": [
            {
                "key": period.key,
                "frequency": period.frequency,
                "kind": period.kind,
                "title": period.title,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "due": period.due.isoformat(),
                **stats.counts(),
                "reporting_rate": _rate(stats.reporting_rate),
                "timeliness_rate": _rate(stats.timeliness_rate),
            }
            for period, stats in matrix.columns
        ],
        "agencies": [
            {
                "agency": row.agency.name,
                "code": row.agency.code,
                **row.stats.counts(),
                "on_time_rate": _rate(row.stats.on_time_rate),
                "average_delay_days": _rate(row.stats.average_delay_days),
                "cells": {
                    period.key: cell.compliance
                    for period, cell in zip(matrix.periods, row.cells, strict=True)
                    if cell is not None
                },
            }
            for row in matrix.rows
        ],
        "totals": {
            **matrix.totals.counts(),
            "on_time_rate": _rate(matrix.totals.on_time_rate),
            "reporting_rate": _rate(matrix.totals.reporting_rate),
        },
    }


def compliance_json(plan: Plan, *, year: int, now: datetime) -> dict[str, Any]:
    """``{"plan", "year", "periods": [{key, frequency, due, expected, on_time, late, missing,
    not_due, …}], "agencies": [{agency, expected, on_time, late, missing, on_time_rate, …}]}``.

    A rate is ``None`` (null) while none of the reports it counts is due yet.
    """
    return matrix_json(compliance_matrix(plan, year=year, now=now))


# ------------------------------------------------------------------ a period's consolidation


@dataclass
class TaskGroup:
    """One task with every agency's progress row on it, side by side."""

    task: Task
    rows: list[TaskProgress]


@dataclass
class SectionGroup:
    section: str
    tasks: list[TaskGroup]


@dataclass
class Issue:
    """A difficulty or a proposal an agency raised about a task."""

    agency: Agency
    task: Task
    kind: str  # "difficulties" or "proposals"
    text: str


@dataclass
class ReportStanding:
    report: Report
    compliance: str


@dataclass
class Consolidation:
    period: ReportingPeriod
    reports: list[ReportStanding]
    tasks: list[TaskGroup]
    sections: list[SectionGroup]
    issues: list[Issue]

    @property
    def difficulties(self) -> list[Issue]:
        return [i for i in self.issues if i.kind == "difficulties"]

    @property
    def proposals(self) -> list[Issue]:
        return [i for i in self.issues if i.kind == "proposals"]


def period_consolidation(
    period: ReportingPeriod,
    *,
    now: datetime | None = None,
    states: tuple[str, ...] = CONSOLIDATED_STATES,
) -> Consolidation:
    """Everything the agencies reported for a period, for the consolidated report.

    Every expected report with its standing; the progress of the reports in ``states``
    (submitted and accepted: what was actually sent) grouped by task in plan order and by
    section; every difficulty and proposal in one list (agency, task, text).
    """
    now = now or timezone.now()
    reports = list(period.reports.select_related("agency"))
    for report in reports:
        report.period = period
    standings = [
        ReportStanding(report=r, compliance=report_compliance(r, now))
        for r in sorted(reports, key=lambda r: _agency_order(r.agency))
    ]
    progress = (
        TaskProgress.objects.filter(report__period=period, report__state__in=states)
        .select_related("task", "report__agency")
        .order_by("task__position", "task__pk", "report__agency__name")
    )
    groups: dict[int, TaskGroup] = {}
    issues: list[Issue] = []
    for row in progress:
        group = groups.get(row.task_id)
        if group is None:
            group = groups[row.task_id] = TaskGroup(task=row.task, rows=[])
        group.rows.append(row)
        agency = row.report.agency
        for kind in ("difficulties", "proposals"):
            text = getattr(row, kind)
            if text:
                issues.append(Issue(agency=agency, task=row.task, kind=kind, text=text))
    for group in groups.values():
        group.rows.sort(key=lambda r: _agency_order(r.report.agency))
    tasks = list(groups.values())
    sections: dict[str, SectionGroup] = {}
    for group in tasks:
        name = group.task.section or ""
        sections.setdefault(name, SectionGroup(section=name, tasks=[])).tasks.append(group)
    return Consolidation(
        period=period,
        reports=standings,
        tasks=tasks,
        sections=list(sections.values()),
        issues=issues,
    )


# ------------------------------------------------------------------ comparing versions


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a report.

    ``part`` is ``narrative``, ``task`` or ``figure``; ``field`` the field that changed, or
    ``added`` / ``removed`` for a whole row (``before`` / ``after`` then hold the row).
    ``item`` names the row for people and logs: the task's code, or for a figure its target,
    kind and period in one line (``T01 estimate 2024-12-15–2025-01-14``). A figure's change
    also says which figure in fields of their own, for pages to present: ``target`` (the
    target's code, or the indicator's name for a figure without one), ``kind`` (estimate,
    preliminary, official), ``period_start`` and ``period_end``.
    """

    part: str
    item: str
    field: str
    before: Any
    after: Any
    target: str | None = None
    kind: str | None = None
    period_start: date | None = None
    period_end: date | None = None


TASK_FIELDS = ("status", "percent", "done", "difficulties", "proposals", "attachment")
FIGURE_FIELDS = ("value", "unit", "note")
#: Fields an older version may lack: read as empty, not as a change.
_TEXT_FIELDS = {"done", "difficulties", "proposals", "attachment", "unit", "note"}


def _figure_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row.get("target_id") or f"i{row.get('indicator_id')}",
        row.get("kind"),
        row.get("period_start"),
        row.get("period_end"),
    )


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _task_where(row: dict[str, Any]) -> dict[str, Any]:
    return {"item": row.get("task") or ""}


def _figure_where(row: dict[str, Any]) -> dict[str, Any]:
    name = row.get("target") or row.get("indicator") or ""
    start, end = row.get("period_start"), row.get("period_end")
    return {
        "item": f"{name} {row.get('kind')} {start}–{end}",
        "target": name,
        "kind": row.get("kind"),
        "period_start": _day(start),
        "period_end": _day(end),
    }


def _value(row: dict[str, Any], name: str) -> Any:
    value = row.get(name)
    return "" if value is None and name in _TEXT_FIELDS else value


def _diff_rows(
    part: str,
    old: dict[Any, dict[str, Any]],
    new: dict[Any, dict[str, Any]],
    where: Any,
    fields: tuple[str, ...],
) -> list[Change]:
    changes = []
    for key, row in new.items():
        before = old.get(key)
        if before is None:
            changes.append(Change(part, field="added", before=None, after=row, **where(row)))
            continue
        for name in fields:
            if _value(before, name) != _value(row, name):
                changes.append(
                    Change(
                        part,
                        field=name,
                        before=_value(before, name),
                        after=_value(row, name),
                        **where(row),
                    )
                )
    for key, row in old.items():
        if key not in new:
            changes.append(Change(part, field="removed", before=row, after=None, **where(row)))
    return changes


def version_changes(older: ReportVersion | None, newer: ReportVersion) -> list[Change]:
    """What changed from ``older`` to ``newer`` (everything in ``newer`` when ``older`` is
    ``None``): the narrative, each task's status, percent, texts and attachment, each
    figure."""
    old = older.content if older is not None else {}
    new = newer.content or {}
    changes: list[Change] = []
    if (old.get("narrative") or "") != (new.get("narrative") or ""):
        changes.append(
            Change("narrative", "", "narrative", old.get("narrative") or "", new.get("narrative"))
        )
    changes += _diff_rows(
        "task",
        {r.get("task_id") or r.get("task"): r for r in old.get("progress", [])},
        {r.get("task_id") or r.get("task"): r for r in new.get("progress", [])},
        _task_where,
        TASK_FIELDS,
    )
    changes += _diff_rows(
        "figure",
        {_figure_key(r): r for r in old.get("figures", [])},
        {_figure_key(r): r for r in new.get("figures", [])},
        _figure_where,
        FIGURE_FIELDS,
    )
    return changes


def previous_version(version: ReportVersion) -> ReportVersion | None:
    """The version submitted before this one, if any."""
    return (
        ReportVersion.objects.filter(report_id=version.report_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )
