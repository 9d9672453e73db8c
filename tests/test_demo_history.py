"""The demo's year of reporting: a deterministic, labelled history of the 2025 programme year
of 01/CTr-UBND, written through the reporting actions with historical times."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from planwatch.accounts.models import User
from planwatch.core.models import AuditEntry
from planwatch.demo.history import (
    AD_HOC_TITLE,
    LABEL,
    MARKER,
    HistoryResult,
    build_demo_history,
)
from planwatch.demo.setup import setup_demo, setup_demo_history
from planwatch.organisations.models import Agency
from planwatch.plans.models import Plan
from planwatch.reporting.actions import generate_calendar
from planwatch.reporting.calendar import due_instant, local_date
from planwatch.reporting.choices import PeriodKind, ProgressStatus, ReportState
from planwatch.reporting.models import Figure, Report, ReportingPeriod, ReportVersion, TaskProgress
from planwatch.reporting.queries import compliance_json, tasks_owed
from tests.conftest import module_transaction

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 11, 29, 10, 0, tzinfo=VN)
MID_2025 = datetime(2025, 4, 25, 10, 0, tzinfo=VN)  # four monthly reports and Q1 are due


@dataclass
class Demo:
    plan: Plan
    result: HistoryResult

    def regular(self) -> list[Report]:
        return list(
            Report.objects.filter(period__plan=self.plan, period__kind=PeriodKind.REGULAR)
            .select_related("period", "agency")
            .order_by("period__due", "period__key", "agency__code")
        )


def build() -> Demo:
    with time_machine.travel(TODAY, tick=False):
        setup_demo(from_documents=True)
        result = setup_demo_history()
    return Demo(plan=Plan.objects.get(document__number="01/CTr-UBND"), result=result)


@pytest.fixture(scope="class")
def class_demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Demo]:
    yield from module_transaction(django_db_blocker, build)


@pytest.fixture
def demo(db: None, class_demo: Demo) -> Demo:
    return copy.deepcopy(class_demo)


def fingerprint(plan: Plan) -> str:
    """Everything the history wrote, by period key, agency code and task or target code
    (never a database id)."""
    reports = (
        Report.objects.filter(period__plan=plan, period__end__year__gte=2025)
        .select_related("period", "agency", "decided_by")
        .prefetch_related("progress__task", "figures__target", "versions")
        .order_by("period__key", "agency__code")
    )
    rows = [
        [
            r.period.key,
            r.agency.code,
            r.state,
            str(r.first_submitted_at),
            str(r.submitted_at),
            str(r.decided_at),
            r.decided_by.username if r.decided_by else None,
            r.version_count,
            r.narrative,
            r.return_comment,
            sorted(
                [p.task.code, p.status, p.percent, p.done, p.difficulties, p.proposals]
                for p in r.progress.all()
            ),
            sorted(
                [f.target.code if f.target else "", f.kind, str(f.value), str(f.period_end)]
                for f in r.figures.all()
            ),
            sorted(
                [v.number, str(v.submitted_at), v.content["narrative"]] for v in r.versions.all()
            ),
        ]
        for r in reports
    ]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


# ------------------------------------------------------------------ deterministic


def test_two_builds_on_fresh_databases_write_the_same_history(db: None) -> None:
    prints, results = [], []
    for shift in (False, True):
        with transaction.atomic(), time_machine.travel(MID_2025, tick=False):
            setup_demo(from_documents=False)
            plan = Plan.objects.get(document__number="01/CTr-UBND")
            if shift:  # other database ids: the 2024 calendar's reports come first
                assert generate_calendar(plan, year=2024).reports_created > 500
            results.append(setup_demo_history())
            prints.append(fingerprint(plan))
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert results[0] == results[1]
    assert results[0].periods == 5 and results[0].reports == 5 * 36
    assert not results[0].ad_hoc  # the year goes on: the next reports are open anyway


def test_a_year_in_progress_leaves_the_reports_not_yet_due_alone(db: None) -> None:
    out = io.StringIO()
    with time_machine.travel(MID_2025, tick=False):
        call_command("demo_setup", "--from-plan-files", stdout=out)
    assert "demo history 2025: 5 periods, 180 reports:" in out.getvalue()
    plan = Plan.objects.get(document__number="01/CTr-UBND")
    later = Report.objects.filter(period__plan=plan, period__due__gt=local_date(MID_2025))
    assert set(later.values_list("state", flat=True)) == {ReportState.PENDING}
    health = Report.objects.get(period__plan=plan, period__key="2025-05", agency__name="Sở Y tế")
    assert health.state == ReportState.PENDING  # baocao's current month is there to fill
    assert not plan.periods.filter(kind=PeriodKind.AD_HOC).exists()
    submitted = Report.objects.filter(period__plan=plan, submitted_at__isnull=False)
    assert submitted.exists()
    assert all(r.submitted_at is not None and r.submitted_at < MID_2025 for r in submitted)
    decided = Report.objects.filter(period__plan=plan, decided_at__isnull=False)
    assert all(r.decided_at is not None and r.decided_at < MID_2025 for r in decided)


def test_now_must_be_aware(db: None) -> None:
    setup_demo(from_documents=False)
    plan = Plan.objects.get(document__number="01/CTr-UBND")
    with pytest.raises(ValueError, match="aware"):
        build_demo_history(plan, now=datetime(2026, 1, 1, 10, 0))


class TestTheDemoYear:
    """The 2025 history as `demo-setup` writes it on 29/11/2026 (built once for the class)."""

    # -------------------------------------------------------------- the outcomes

    def test_the_whole_2025_year_gets_an_outcome_for_every_report(self, demo: Demo) -> None:
        result = demo.result
        assert (result.periods, result.reports) == (19, 594)
        assert sum(result.counts().values()) == result.reports
        shares = {name: n / result.reports for name, n in result.counts().items()}
        assert 0.65 <= shares["on_time"] <= 0.85, shares
        assert 0.05 <= shares["late"] <= 0.16, shares
        assert 0.03 <= shares["missing"] <= 0.12, shares
        assert 0.04 <= shares["returned"] <= 0.13, shares
        assert result.accepted >= 0.85 * (result.on_time + result.late + result.returned)
        assert "594 reports" in result.summary() and "returned and resubmitted" in result.summary()

    def test_every_submitted_report_keeps_its_versions(self, demo: Demo) -> None:
        versions = Counter(ReportVersion.objects.values_list("report_id", flat=True))
        submitted = [r for r in demo.regular() if r.first_submitted_at is not None]
        assert len(submitted) == demo.result.reports - demo.result.missing
        for report in submitted:
            assert report.state in (ReportState.SUBMITTED, ReportState.ACCEPTED), report
            assert versions[report.pk] == report.version_count >= 1, report
        assert not [r for r in demo.regular() if r.first_submitted_at is None and versions[r.pk]]

    def test_returned_reports_were_resubmitted_and_accepted(self, demo: Demo) -> None:
        returned = [r for r in demo.regular() if r.version_count == 2]
        assert len(returned) == demo.result.returned
        consolidator = User.objects.get(username="tonghop")
        for report in returned:
            assert report.state == ReportState.ACCEPTED and report.decided_by == consolidator
            assert LABEL in report.return_comment
            first, second = report.versions.order_by("number")
            assert first.submitted_at == report.first_submitted_at
            assert first.submitted_at <= due_instant(report.period.due)
            assert second.submitted_at == report.submitted_at
            assert (
                timedelta(days=2) <= second.submitted_at - first.submitted_at <= timedelta(days=9)
            )
            assert second.content != first.content  # corrected
            assert report.decided_at is not None and report.submitted_at is not None
            assert report.decided_at > report.submitted_at
        comments = {r.return_comment for r in returned}
        assert any("Đề nghị bổ sung số liệu giải ngân vốn đầu tư công" in c for c in comments)
        # every return and resubmission is in the audit log, with the time it took effect
        entries = AuditEntry.objects.filter(action="return_report")
        assert entries.count() == len(returned)
        assert all(e.actor == consolidator and "at" in (e.after or {}) for e in entries)

    def test_late_reports_came_after_their_due_day(self, demo: Demo) -> None:
        late = [
            r
            for r in demo.regular()
            if r.first_submitted_at and r.first_submitted_at > due_instant(r.period.due)
        ]
        assert len(late) == demo.result.late
        for report in late:
            assert report.first_submitted_at is not None
            assert 1 <= (local_date(report.first_submitted_at) - report.period.due).days <= 14

    def test_on_time_reports_came_at_office_hours_in_the_days_before(self, demo: Demo) -> None:
        for report in demo.regular():
            sent = report.first_submitted_at
            if sent is None or sent > due_instant(report.period.due):
                continue
            local = sent.astimezone(VN)
            assert 0 <= (report.period.due - local.date()).days <= 7, report
            assert local.weekday() < 5
            assert (7, 30) <= (local.hour, local.minute) <= (17, 0)

    def test_missing_reports_were_never_submitted(self, demo: Demo) -> None:
        missing = [r for r in demo.regular() if r.first_submitted_at is None]
        assert len(missing) == demo.result.missing
        states = Counter(r.state for r in missing)
        assert set(states) <= {ReportState.PENDING, ReportState.DRAFT}
        assert states[ReportState.PENDING] and states[ReportState.DRAFT]
        assert not ReportVersion.objects.filter(report__in=missing).exists()

    def test_the_demo_reporter_signs_its_agencys_reports_and_the_system_the_others(
        self, demo: Demo
    ) -> None:
        baocao = User.objects.get(username="baocao")
        for version in ReportVersion.objects.select_related("report__agency", "submitted_by"):
            expected = baocao if version.report.agency_id == baocao.agency_id else None
            assert version.submitted_by == expected

    def test_a_few_agencies_are_systematically_worse(self, demo: Demo) -> None:
        data = compliance_json(demo.plan, year=2025, now=TODAY)
        rates = {a["code"]: a["on_time_rate"] for a in data["agencies"]}
        worse = demo.result.agencies_worse
        assert len(worse) == 4
        others = [rate for code, rate in rates.items() if code not in worse]
        assert max(rates[code] for code in worse) < sum(others) / len(others)

    # -------------------------------------------------------------- what the reports say

    def test_every_narrative_and_comment_is_labelled_demo_data(self, demo: Demo) -> None:
        written = [r for r in demo.regular() if r.state != ReportState.PENDING]
        assert written
        assert all(r.narrative.startswith(f"{MARKER} ") for r in written)
        assert all(
            v.content["narrative"].startswith(f"{MARKER} ") for v in ReportVersion.objects.all()
        )
        returned = Report.objects.exclude(return_comment="")
        assert returned and all(LABEL in r.return_comment for r in returned)
        assert set(Figure.objects.values_list("note", flat=True)) == {LABEL}

    def test_every_report_written_fills_every_task_the_agency_owes(self, demo: Demo) -> None:
        rows = Counter(TaskProgress.objects.values_list("report_id", flat=True))
        owed: dict[int, int] = {}
        for report in demo.regular():
            if report.state == ReportState.PENDING:
                assert not rows[report.pk]
                continue
            if report.agency_id not in owed:
                owed[report.agency_id] = tasks_owed(report.agency, demo.plan).count()
            assert rows[report.pk] == owed[report.agency_id] > 0, report
        texts = TaskProgress.objects.exclude(status=ProgressStatus.NOT_STARTED)
        assert not texts.filter(done="").exists()
        assert texts.exclude(difficulties="").exists() and texts.exclude(proposals="").exists()

    def test_progress_rises_over_the_year(self, demo: Demo) -> None:
        months = [f"2025-{m:02d}" for m in range(1, 13)]
        progress = TaskProgress.objects.filter(
            report__period__key__in=months, report__period__plan=demo.plan
        ).values_list(
            "report__agency__code", "task__code", "report__period__key", "percent", "status"
        )
        courses: dict[tuple[str, str], list[tuple[str, int, str]]] = defaultdict(list)
        for agency, task, key, percent, status in progress:
            courses[(agency, task)].append((key, percent, status))
        for course in courses.values():
            percents = [percent for _, percent, _ in sorted(course)]
            assert percents == sorted(percents), course
        by_month = Counter(
            key for _, _, key, _, status in progress if status == ProgressStatus.DONE
        )
        assert by_month["2025-01"] < by_month["2025-09"] < by_month["2025-12"]
        january = [p for _, _, key, p, _ in progress if key == "2025-01"]
        november = [p for _, _, key, p, _ in progress if key == "2025-11"]
        assert sum(january) / len(january) < 25 < 60 < sum(november) / len(november)

    def test_figures_of_a_cumulative_indicator_rise_towards_the_target(self, demo: Demo) -> None:
        figures = Figure.objects.filter(
            report__agency__name="Sở Y tế",
            report__period__frequency="monthly",
            indicator__cumulative=True,
        ).select_related("target")
        series: dict[str, list[Figure]] = defaultdict(list)
        for figure in figures:
            assert figure.target is not None
            series[figure.target.code].append(figure)
        assert series
        for code, rows in series.items():
            rows.sort(key=lambda f: f.period_end)
            values = [f.value for f in rows]
            assert values == sorted(values) and len(set(values)) == len(values), code
            assert {f.period_start for f in rows} == {date(2024, 12, 15)}  # the year so far
            target = rows[0].target
            assert target is not None
            goal = target.value if target.value is not None else (target.low + target.high) / 2
            assert Decimal("0.85") * goal <= values[-1] <= Decimal("1.15") * goal, code

    def test_figures_are_estimates_monthly_preliminary_quarterly_official_yearly(
        self, demo: Demo
    ) -> None:
        kinds = set(
            Figure.objects.filter(report__period__plan=demo.plan).values_list(
                "report__period__frequency", "kind"
            )
        )
        assert kinds == {
            ("monthly", "estimate"),
            ("quarterly", "preliminary"),
            ("6-month", "preliminary"),
            ("9-month", "preliminary"),
            ("annual", "official"),
        }
        stamped = Figure.objects.filter(report__period__key="2025-03").values_list(
            "entered_at", flat=True
        )
        assert all(moment < datetime(2025, 4, 15, tzinfo=VN) for moment in stamped)

    # -------------------------------------------------------------- for a person trying the demo

    def test_the_demo_reporter_has_a_report_open_and_every_agency_an_ad_hoc_request(
        self,
        demo: Demo,
    ) -> None:
        health = Agency.objects.get(name="Sở Y tế")
        december = Report.objects.get(period__plan=demo.plan, period__key="2025-12", agency=health)
        assert december.state == ReportState.DRAFT
        request = ReportingPeriod.objects.get(plan=demo.plan, kind=PeriodKind.AD_HOC)
        assert request.key == demo.result.ad_hoc
        assert request.title == AD_HOC_TITLE
        assert request.due == local_date(TODAY) + timedelta(days=14)
        open_reports = request.reports.all()
        assert set(open_reports.values_list("state", flat=True)) == {ReportState.PENDING}
        assert health.pk in set(open_reports.values_list("agency_id", flat=True))
        assert open_reports.count() == 27  # the districts were abolished on 30/06/2025

    def test_the_compliance_matrix_of_2025_shows_the_history(self, demo: Demo) -> None:
        totals = compliance_json(demo.plan, year=2025, now=TODAY)["totals"]
        assert totals["on_time"] > totals["late"] > 0
        assert totals["missing"] > 0 and totals["not_due"] == 0 and totals["returned"] == 0
        assert totals["on_time"] == demo.result.on_time + demo.result.returned

    # -------------------------------------------------------------- written once

    def test_building_again_changes_nothing(self, demo: Demo) -> None:
        before = fingerprint(demo.plan)
        counts = (Report.objects.count(), ReportVersion.objects.count(), AuditEntry.objects.count())
        with time_machine.travel(TODAY + timedelta(days=40), tick=False):
            again = build_demo_history(demo.plan)
        assert again.skipped and again.summary().endswith("already there, left as it is")
        assert fingerprint(demo.plan) == before
        assert (
            Report.objects.count(),
            ReportVersion.objects.count(),
            AuditEntry.objects.count(),
        ) == counts

    def test_demo_setup_twice_keeps_the_history(self, demo: Demo) -> None:
        before = fingerprint(demo.plan)
        versions = ReportVersion.objects.count()
        out = io.StringIO()
        with time_machine.travel(TODAY, tick=False):
            call_command("demo_setup", stdout=out)
        assert "demo history 2025: already there" in out.getvalue()
        assert fingerprint(demo.plan) == before and ReportVersion.objects.count() == versions
        out = io.StringIO()
        call_command("demo_setup", "--from-plan-files", "--no-history", stdout=out)
        assert "demo history" not in out.getvalue()


def test_demo_setup_without_history_leaves_the_calendar_untouched(db: None) -> None:
    call_command("demo_setup", "--from-plan-files", "--no-history", stdout=io.StringIO())
    assert not Report.objects.exists() and not ReportVersion.objects.exists()
