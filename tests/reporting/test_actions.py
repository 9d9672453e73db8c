"""Writes of the reporting cycle: the calendar, the report's state machine, versions,
figures. Every write is atomic and audited."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from planwatch.core import audit
from planwatch.core.models import AuditEntry
from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan
from planwatch.plans.models import Plan, Target, Task
from planwatch.reporting.actions import (
    AttachmentRefused,
    CalendarResult,
    FigureInput,
    ProgressInput,
    ReportLocked,
    accept_report,
    add_ad_hoc_request,
    change_due_date,
    check_attachment,
    generate_calendar,
    record_figure,
    return_report,
    save_report,
    submit_report,
)
from planwatch.reporting.choices import FigureKind, PeriodKind, ReportState
from planwatch.reporting.models import (
    Figure,
    Report,
    ReportingPeriod,
    ReportVersion,
    TaskProgress,
)
from planwatch.reporting.queries import previous_report, report_compliance, version_changes
from tests.reporting.conftest import World

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = date.fromisoformat
GROUP = "Các sở, ban, ngành, UBND các huyện, thành phố"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def log(value: Any) -> dict[str, Any]:
    """An audit entry's ``before`` or ``after``, which must be a dict."""
    assert isinstance(value, dict)
    return value


@pytest.fixture(autouse=True)
def _t01_is_owed(world: World) -> None:
    """T01 is the figure these tests report: every reporting agency owes it here."""
    world.lead("T01")


def task(world: World, code: str) -> Task:
    return world.plan.tasks.get(code=code)


def target(world: World, code: str) -> Target:
    return world.plan.targets.get(code=code)


def progress(
    t: Task,
    status: str = "in_progress",
    percent: int = 50,
    done: str = "",
    difficulties: str = "",
    proposals: str = "",
) -> ProgressInput:
    return ProgressInput(t, status, percent, done, difficulties, proposals)


def figure(t: Target, value: str = "10.5", kind: str = FigureKind.ESTIMATE) -> FigureInput:
    return FigureInput(
        target=t,
        value=Decimal(value),
        kind=kind,
        period_start=D("2024-12-15"),
        period_end=D("2025-01-14"),
    )


def fill(world: World, report: Report, narrative: str = "Tình hình tháng", **kw: Any) -> Report:
    return save_report(
        report,
        narrative=narrative,
        progress=kw.get("progress", [progress(task(world, "K001"))]),
        figures=kw.get("figures", [figure(target(world, "T01"))]),
        actor=kw.get("actor"),
    )


def set_state(report: Report, state: str, **fields: Any) -> Report:
    """Put a report in ``state`` for a test's set-up (not through the actions)."""
    if state in (ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.RETURNED):
        fields.setdefault("first_submitted_at", vn("2025-01-18 09:00"))
        fields.setdefault("submitted_at", vn("2025-01-18 09:00"))
    Report.objects.filter(pk=report.pk).update(state=state, **fields)
    report.refresh_from_db()
    return report


def small_plan(reporting: list[dict[str, Any]], number: str = "90/KH-UBND") -> Plan:
    data = {
        "source": "kh.txt",
        "document": {"number": number, "issued_on": "2025-01-10", "title": "Kế hoạch thử"},
        "targets": [
            {
                "id": "T01",
                "indicator": "Số giường bệnh trên 10.000 dân",
                "comparator": "gte",
                "value": 32,
                "unit": "giường",
                "year": 2025,
                "lead": "Các sở, ban, ngành",
            }
        ],
        "tasks": [
            {"id": "K001", "lead": "Sở Y tế", "text": "Nâng cao chất lượng y tế cơ sở"},
            {"id": "K002", "lead": "Các sở, ban, ngành", "text": "Cải cách hành chính"},
            {"id": "K003", "lead": "Sở Công Thương", "text": "Xúc tiến thương mại"},
        ],
        "reporting": reporting,
    }
    return import_plan(planfile.parse(data)).plan


# ------------------------------------------------------------------ the calendar


def test_the_demo_programme_gets_its_2025_calendar(world: World) -> None:
    assert world.calendar == CalendarResult(periods_created=19, reports_created=594)
    periods = list(world.plan.periods.order_by("due", "frequency"))
    by_frequency: dict[str, int] = {}
    for p in periods:
        by_frequency[p.frequency] = by_frequency.get(p.frequency, 0) + 1
    assert by_frequency == {"monthly": 12, "quarterly": 4, "6-month": 1, "9-month": 1, "annual": 1}
    for p in periods:
        assert p.kind == PeriodKind.REGULAR
        assert p.original_due == p.due
        assert p.rule is not None and p.rule.frequency == p.frequency
        if p.frequency != "annual":
            assert p.due.day == 20
    annual = world.period("2025")
    assert (annual.start, annual.end, annual.due) == (
        D("2024-12-15"),
        D("2025-12-14"),
        D("2025-11-10"),
    )
    assert (world.period("2025-01").start, world.period("2025-01").due) == (
        D("2024-12-15"),
        D("2025-01-20"),
    )
    assert world.period("2025-Q3").title == "Quý III/2025"
    entry = AuditEntry.objects.filter(action="generate_calendar").get()
    assert log(entry.after)["periods_created"] == 19 and log(entry.after)["reports_created"] == 594


def test_every_member_of_the_reporting_group_owes_each_report(world: World) -> None:
    members = set(AgencyGroup.objects.get(name=GROUP).members.values_list("pk", flat=True))
    assert len(members) == 36  # 27 departments, 9 districts
    expected = set(world.period("2025-01").reports.values_list("agency_id", flat=True))
    assert expected == members
    assert set(world.period("2025-H1").reports.values_list("state", flat=True)) == {"pending"}


def test_districts_abolished_on_30_june_owe_no_report_due_after_that(world: World) -> None:
    districts = set(Agency.objects.filter(kind="district").values_list("pk", flat=True))
    assert len(districts) == 9
    assert {a.valid_to for a in Agency.objects.filter(pk__in=districts)} == {D("2025-06-30")}
    for period in world.plan.periods.all():
        owed = set(period.reports.values_list("agency_id", flat=True))
        if period.due > D("2025-06-30"):
            # no one is left to write a report due after the district level is gone
            assert not owed & districts, period.key
            assert len(owed) == 27, period.key
        else:
            assert districts <= owed, period.key
    later = sorted(p.key for p in world.plan.periods.all() if p.due > D("2025-06-30"))
    assert later == [
        "2025", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2025-9M", "2025-Q3", "2025-Q4",
    ]  # fmt: skip


def test_generating_the_calendar_again_creates_nothing(world: World) -> None:
    before = (ReportingPeriod.objects.count(), Report.objects.count())
    assert generate_calendar(world.plan, year=2025) == CalendarResult(0, 0)
    assert (ReportingPeriod.objects.count(), Report.objects.count()) == before
    assert AuditEntry.objects.filter(action="generate_calendar").count() == 1  # the first run


def test_importing_the_plan_again_keeps_the_calendar_and_relinks_its_rules(
    world: World,
) -> None:
    from planwatch.demo.setup import load_demo_plans

    load_demo_plans()  # the reporting rules are replaced: periods lose their rule
    assert world.plan.periods.filter(rule__isnull=True).count() == 19
    assert generate_calendar(world.plan, year=2025) == CalendarResult(0, 0)
    assert not world.plan.periods.filter(rule__isnull=True).exists()
    assert AuditEntry.objects.filter(action="generate_calendar").count() == 2


def test_a_moved_due_date_survives_a_second_generation(world: World) -> None:
    period = world.period("2025-03")
    change_due_date(period, due=D("2025-03-24"), reason="Nghỉ lễ")
    generate_calendar(world.plan, year=2025)
    period.refresh_from_db()
    assert (period.due, period.original_due) == (D("2025-03-24"), D("2025-03-20"))


def test_another_year_gets_its_own_periods_and_the_fixed_date_only_in_its_year(
    world: World,
) -> None:
    result = generate_calendar(world.plan, year=2026)
    assert result.periods_created == 19
    assert result.reports_created == 19 * 27  # the districts are gone
    annual = ReportingPeriod.objects.get(plan=world.plan, key="2026")
    assert annual.due == D("2026-12-20")  # 10/11/2025 is the 2025 report's date only


def test_a_new_member_of_the_group_is_added_when_the_calendar_runs_again(world: World) -> None:
    newcomer = Agency.objects.create(
        code="so-moi", name="Sở Mới", kind="department", valid_from=D("2025-07-01")
    )
    AgencyGroup.objects.get(name=GROUP).members.add(newcomer)
    assert generate_calendar(world.plan, year=2025) == CalendarResult(0, 10)
    keys = set(Report.objects.filter(agency=newcomer).values_list("period__key", flat=True))
    assert keys == {
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2025-Q3", "2025-Q4", "2025-9M", "2025",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("reporting", "agencies"),
    [
        ([{"who": "Sở Y tế", "frequency": "quarterly", "due": "trước ngày 15"}], ["Sở Y tế"]),
        ([{"frequency": "monthly", "due": "trước ngày 20 hàng tháng"}], []),
        ([{"who": "Ban Không Có Thật", "frequency": "monthly"}], []),  # a provisional name
        ([{"who": "Sở Y tế", "frequency": "ad hoc"}], None),
    ],
)
def test_who_a_rule_obliges(
    world: World, reporting: list[dict], agencies: list[str] | None
) -> None:
    plan = small_plan(reporting)
    result = generate_calendar(plan, year=2025)
    if agencies is None:  # ad hoc: nothing scheduled
        assert result == CalendarResult(0, 0)
        return
    periods = list(plan.periods.all())
    assert result.periods_created == len(periods) > 0
    assert result.reports_created == len(periods) * len(agencies)
    for period in periods:
        names = sorted(period.reports.values_list("agency__name", flat=True))
        assert names == agencies
    if reporting[0]["frequency"] == "quarterly":
        assert [p.due for p in periods] == [
            D("2025-03-15"),
            D("2025-06-15"),
            D("2025-09-15"),
            D("2025-12-15"),
        ]


def test_an_agency_not_yet_in_existence_owes_nothing_before(world: World) -> None:
    plan = small_plan([{"who": "Sở Y tế", "frequency": "monthly"}])
    Agency.objects.filter(name="Sở Y tế").update(valid_from=D("2025-05-01"))
    generate_calendar(plan, year=2025)
    keys = sorted(plan.periods.filter(reports__isnull=False).values_list("key", flat=True))
    assert keys[0] == "2025-05"  # 15/04–14/05 includes 1 May
    assert len(keys) == 8


# ------------------------------------------------------------------ ad hoc requests, due dates


def test_an_ad_hoc_request_goes_to_every_agency_of_the_plan_by_default(world: World) -> None:
    first = add_ad_hoc_request(
        world.plan,
        title="Báo cáo đột xuất về thiệt hại do bão số 3",
        due=D("2025-09-12"),
        start=D("2025-09-06"),
        end=D("2025-09-10"),
        actor=world.personas.consolidator,
    )
    assert (first.kind, first.frequency, first.key) == (PeriodKind.AD_HOC, "ad hoc", "adhoc-1")
    assert first.original_due == D("2025-09-12")
    assert first.reports.count() == 36
    second = add_ad_hoc_request(
        world.plan,
        title="Số liệu giải ngân",
        due=D("2025-10-01"),
        start=D("2025-01-01"),
        end=D("2025-09-30"),
        agencies=[world.health, world.trade],
    )
    assert second.key == "adhoc-2"
    assert sorted(second.reports.values_list("agency__name", flat=True)) == [
        "Sở Công Thương",
        "Sở Y tế",
    ]
    entry = AuditEntry.objects.filter(action="add_ad_hoc_request").order_by("pk").first()
    assert entry is not None and entry.actor == world.personas.consolidator
    assert log(entry.after)["key"] == "adhoc-1" and log(entry.after)["reports"] == 36


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": " "}, "title"),
        ({"start": D("2025-09-10"), "end": D("2025-09-01")}, "ends before"),
    ],
)
def test_an_ad_hoc_request_needs_a_title_and_a_window(
    world: World, kwargs: dict, message: str
) -> None:
    args = {
        "title": "Báo cáo",
        "due": D("2025-09-12"),
        "start": D("2025-09-01"),
        "end": D("2025-09-10"),
    }
    with pytest.raises(ValueError, match=message):
        add_ad_hoc_request(world.plan, **(args | kwargs))
    assert not ReportingPeriod.objects.filter(kind=PeriodKind.AD_HOC).exists()


def test_changing_a_due_date_needs_a_reason_and_is_audited(world: World) -> None:
    period = world.period("2025-04")
    for reason in ("", "   "):
        with pytest.raises(ValueError, match="reason"):
            change_due_date(period, due=D("2025-04-22"), reason=reason)
    period.refresh_from_db()
    assert period.due == D("2025-04-20")
    assert not AuditEntry.objects.filter(action="change_due_date").exists()
    change_due_date(
        period, due=D("2025-04-22"), reason="Trùng ngày nghỉ", actor=world.personas.consolidator
    )
    period.refresh_from_db()
    assert (period.due, period.original_due, period.due_change_reason) == (
        D("2025-04-22"),
        D("2025-04-20"),
        "Trùng ngày nghỉ",
    )
    entry = AuditEntry.objects.get(action="change_due_date")
    assert entry.before == {"due": "2025-04-20", "reason": ""}
    assert entry.after == {"due": "2025-04-22", "reason": "Trùng ngày nghỉ"}
    assert entry.actor == world.personas.consolidator


# ------------------------------------------------------------------ the state machine

STATES = ["pending", "draft", "submitted", "returned", "accepted"]
ALLOWED = {
    # action: {state before: state after}; any other state is refused
    "save": {"pending": "draft", "draft": "draft", "returned": "returned"},
    "submit": {"pending": "submitted", "draft": "submitted", "returned": "submitted"},
    "accept": {"submitted": "accepted"},
    "return": {"submitted": "returned"},
}


def act(world: World, action: str, report: Report) -> None:
    if action == "save":
        fill(world, report)
    elif action == "submit":
        submit_report(report)
    elif action == "accept":
        accept_report(report, actor=world.personas.consolidator)
    else:
        return_report(report, comment="Thiếu số liệu", actor=world.personas.consolidator)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_transition_of_a_report(world: World, action: str, state: str) -> None:
    report = set_state(world.report("2025-02"), state)
    audits = AuditEntry.objects.filter(action=f"{action}_report")
    after = ALLOWED[action].get(state)
    if after is None:
        with pytest.raises(ReportLocked, match=f"a {state} report cannot be"):
            act(world, action, report)
        report.refresh_from_db()
        assert report.state == state
        assert not audits.exists()
        return
    act(world, action, report)
    assert report.state == after  # the caller's object is up to date
    report.refresh_from_db()
    assert report.state == after
    entry = audits.get()
    assert entry.object_id == str(report.pk)
    assert log(entry.before)["state"] == state and log(entry.after)["state"] == after


def test_an_accepted_report_is_never_edited(world: World) -> None:
    report = world.report("2025-01")
    fill(world, report)
    submit_report(report)
    accept_report(report, actor=world.personas.consolidator)
    assert (report.decided_by, report.state) == (world.personas.consolidator, "accepted")
    with pytest.raises(ReportLocked):
        fill(world, report, narrative="Sửa sau khi chấp nhận")
    report.refresh_from_db()
    assert report.narrative == "Tình hình tháng"


def test_returning_a_report_needs_a_comment(world: World) -> None:
    report = world.report("2025-01")
    submit_report(report)
    for comment in ("", "  "):
        with pytest.raises(ValueError, match="comment"):
            return_report(report, comment=comment)
    report.refresh_from_db()
    assert report.state == "submitted"
    return_report(report, comment=" Thiếu số liệu giường bệnh ")
    report.refresh_from_db()
    assert (report.state, report.return_comment) == ("returned", "Thiếu số liệu giường bệnh")
    assert report.decided_at is not None


# ------------------------------------------------------------------ saving a report


def test_saving_stores_progress_and_figures_and_replaces_them_wholesale(world: World) -> None:
    report = world.report("2025-01")
    save_report(
        report,
        narrative="  Tháng 1 ổn định  ",
        progress=[
            progress(task(world, "K001"), "in_progress", 40, done="Rà soát xong 3 văn bản"),
            progress(task(world, "K002"), "done", 10, difficulties="Thiếu nhân lực"),
        ],
        figures=[figure(target(world, "T01"), "10.2")],
        actor=world.personas.reporter,
    )
    assert (report.state, report.narrative) == ("draft", "Tháng 1 ổn định")
    rows = {p.task.code: p for p in report.progress.select_related("task")}
    assert (rows["K001"].status, rows["K001"].percent, rows["K001"].done) == (
        "in_progress",
        40,
        "Rà soát xong 3 văn bản",
    )
    assert (rows["K002"].status, rows["K002"].percent) == ("done", 100)  # done is 100 %
    fig = report.figures.get()
    assert fig.value == Decimal("10.2") and fig.indicator == target(world, "T01").indicator
    assert fig.unit == "%" and fig.entered_by == world.personas.reporter
    save_report(
        report,
        narrative="Bản sửa",
        progress=[progress(task(world, "K003"), "not_started", 0)],
        figures=[],
    )
    assert list(report.progress.values_list("task__code", flat=True)) == ["K003"]
    assert not report.figures.exists()
    entries = AuditEntry.objects.filter(action="save_report").order_by("pk")
    assert [log(e.after)["progress"] for e in entries] == [2, 1]
    assert entries[0].before == {
        "state": "pending",
        "versions": 0,
        "narrative": "",
        "progress": 0,
        "figures": 0,
    }


def test_a_task_owed_through_a_group_or_as_lead_may_be_reported(world: World) -> None:
    it = world.report("2025-01", Agency.objects.get(name="Sở Thông tin và Truyền thông"))
    save_report(
        it,
        narrative="",
        progress=[progress(task(world, "K001")), progress(task(world, "K061"))],
        figures=[],
    )
    assert it.progress.count() == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda w: [progress(task(w, "K061"))], "task K061 is not owed by Sở Y tế"),
        (lambda w: [progress(task(w, "K060"))], "task K060 is not owed"),
        (lambda w: [progress(w.other_plan.tasks.first())], "belongs to another plan"),
        (lambda w: [progress(task(w, "K001"), percent=101)], "percent"),
        (lambda w: [progress(task(w, "K001"), percent=-1)], "percent"),
        (lambda w: [progress(task(w, "K001"), status="finished")], "unknown status"),
        (lambda w: [progress(task(w, "K001")), progress(task(w, "K001"))], "twice"),
    ],
)
def test_progress_that_is_not_the_agencys_or_not_valid_is_refused(
    world: World, make: Any, message: str
) -> None:
    report = world.report("2025-01")
    fill(world, report, narrative="Bản đầu")
    with pytest.raises(ValueError, match=message):
        save_report(report, narrative="Bản hai", progress=make(world), figures=[])
    report.refresh_from_db()
    assert report.narrative == "Bản đầu"
    assert list(report.progress.values_list("task__code", flat=True)) == ["K001"]
    assert report.figures.count() == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda w: [figure(w.other_plan.targets.first())], "belongs to another plan"),
        (lambda w: [figure(target(w, "T01"), kind="guess")], "unknown kind"),
        (lambda w: [figure(target(w, "T01"), value="NaN")], "not a number"),
    ],
)
def test_figures_that_are_not_valid_are_refused(world: World, make: Any, message: str) -> None:
    report = world.report("2025-01")
    with pytest.raises(ValueError, match=message):
        save_report(report, narrative="", progress=[], figures=make(world))
    report.refresh_from_db()
    assert report.state == "pending"
    assert not Figure.objects.exists()


def test_a_returned_report_stays_returned_while_it_is_corrected(world: World) -> None:
    report = world.report("2025-01")
    submit_report(report)
    return_report(report, comment="Bổ sung số liệu")
    fill(world, report, narrative="Đã bổ sung")
    assert report.state == "returned"
    submit_report(report)
    assert report.state == "submitted"


# ------------------------------------------------------------------ submitting, versions


def test_every_submission_is_kept_as_a_version(world: World) -> None:
    report = world.report("2025-01")
    reporter = world.personas.reporter
    fill(
        world,
        report,
        narrative="Bản đầu",
        progress=[progress(task(world, "K001"), "in_progress", 30, proposals="Bổ sung kinh phí")],
        actor=reporter,
    )
    with time_machine.travel(vn("2025-01-19 16:00"), tick=False):
        v1 = submit_report(report, actor=reporter)
    assert (v1.number, v1.submitted_by, report.version_count) == (1, reporter, 1)
    assert report.first_submitted_at == report.submitted_at == vn("2025-01-19 16:00")
    assert v1.content == {
        "narrative": "Bản đầu",
        "progress": [
            {
                "task_id": task(world, "K001").pk,
                "task": "K001",
                "status": "in_progress",
                "percent": 30,
                "done": "",
                "difficulties": "",
                "proposals": "Bổ sung kinh phí",
                "attachment": "",
            }
        ],
        "figures": [
            {
                "target_id": target(world, "T01").pk,
                "target": "T01",
                "indicator_id": target(world, "T01").indicator_id,
                "indicator": target(world, "T01").indicator.name,
                "value": "10.5",
                "kind": "estimate",
                "unit": "%",
                "period_start": "2024-12-15",
                "period_end": "2025-01-14",
                "note": "",
            }
        ],
    }
    return_report(report, comment="Thiếu tiến độ nhiệm vụ K002")
    save_report(
        report,
        narrative="Bản hai",
        progress=[
            progress(task(world, "K001"), "done", 0, proposals="Bổ sung kinh phí"),
            progress(task(world, "K002"), "in_progress", 20),
        ],
        figures=[figure(target(world, "T01"), "10.7")],
    )
    with time_machine.travel(vn("2025-01-23 09:00"), tick=False):
        v2 = submit_report(report, actor=reporter)
    assert v2.number == 2 and report.version_count == 2
    assert report.first_submitted_at == vn("2025-01-19 16:00")  # judged by the first
    assert report.submitted_at == vn("2025-01-23 09:00")
    v1.refresh_from_db()
    assert v1.content["narrative"] == "Bản đầu"  # frozen
    assert [v.number for v in report.versions.all()] == [1, 2]
    changes = {(c.part, c.item, c.field): (c.before, c.after) for c in version_changes(v1, v2)}
    assert changes[("narrative", "", "narrative")] == ("Bản đầu", "Bản hai")
    assert changes[("task", "K001", "status")] == ("in_progress", "done")
    assert changes[("task", "K001", "percent")] == (30, 100)
    assert changes[("task", "K002", "added")][0] is None
    fig_change = [v for k, v in changes.items() if k[0] == "figure"]
    assert fig_change == [("10.5", "10.7")]
    assert len(changes) == 5
    entry = AuditEntry.objects.filter(action="submit_report").order_by("pk").last()
    assert entry is not None and log(entry.before)["state"] == "returned"
    assert log(entry.after)["version"] == 2 and entry.actor == reporter


def test_a_failure_half_way_through_a_submission_leaves_everything_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = world.report("2025-01")
    fill(world, report)

    def fail(*args: Any, **kwargs: Any) -> None:
        assert ReportVersion.objects.filter(report=report).count() == 1  # already written
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        submit_report(report)
    assert report.state == "draft" and report.version_count == 0  # the caller's copy
    report.refresh_from_db()
    assert (report.state, report.version_count) == ("draft", 0)
    assert report.first_submitted_at is None and report.submitted_at is None
    assert not ReportVersion.objects.filter(report=report).exists()

    monkeypatch.undo()
    submit_report(report)
    return_report(report, comment="Sửa lại")
    first = report.first_submitted_at

    def fail_again(*args: Any, **kwargs: Any) -> None:
        assert ReportVersion.objects.filter(report=report).count() == 2
        raise RuntimeError("again")

    monkeypatch.setattr(audit, "record", fail_again)
    with pytest.raises(RuntimeError, match="again"):
        submit_report(report)
    report.refresh_from_db()
    assert (report.state, report.version_count, report.first_submitted_at) == ("returned", 1, first)
    assert list(report.versions.values_list("number", flat=True)) == [1]


# ------------------------------------------------------------------ actions in the past (at=)


def test_a_report_kept_elsewhere_is_stored_with_the_times_it_happened(world: World) -> None:
    report = world.report("2025-01")
    reporter, consolidator = world.personas.reporter, world.personas.consolidator
    saved, sent = vn("2025-01-17 15:10"), vn("2025-01-18 09:30")
    save_report(
        report,
        narrative="Báo cáo tháng 1",
        progress=[progress(task(world, "K001"))],
        figures=[figure(target(world, "T01"))],
        actor=reporter,
        at=saved,
    )
    assert report.updated_at == saved
    assert report.figures.get().entered_at == saved
    version = submit_report(report, actor=reporter, at=sent)
    assert version.submitted_at == report.first_submitted_at == report.submitted_at == sent
    return_report(report, comment="Bổ sung số liệu", actor=consolidator, at=vn("2025-01-20 08:00"))
    fill(world, report, narrative="Đã bổ sung")  # a save now, after the return: allowed
    submit_report(report, actor=reporter, at=vn("2025-01-23 10:00"))
    accept_report(report, actor=consolidator, at=vn("2025-01-24 14:00"))
    report.refresh_from_db()
    assert report.first_submitted_at == sent  # judged by the first: on time
    assert report.submitted_at == vn("2025-01-23 10:00")
    assert (report.state, report.decided_at) == ("accepted", vn("2025-01-24 14:00"))
    assert report.updated_at == vn("2025-01-24 14:00")
    assert [v.submitted_at for v in report.versions.all()] == [sent, vn("2025-01-23 10:00")]
    assert report_compliance(report, vn("2025-02-01 00:00")) == "on_time"
    # the audit log is written now, and says when each action took effect
    entries = {e.action: e for e in AuditEntry.objects.filter(object_id=str(report.pk))}
    assert log(entries["accept_report"].after) == {
        "state": "accepted",
        "at": vn("2025-01-24 14:00").isoformat(),
    }
    assert log(entries["return_report"].after)["at"] == vn("2025-01-20 08:00").isoformat()
    assert all(e.at > vn("2026-01-01 00:00") for e in entries.values())


def test_a_late_submission_in_the_past_is_late(world: World) -> None:
    report = world.report("2025-02")
    submit_report(report, at=datetime(2025, 2, 20, 17, 0, 1, tzinfo=UTC))  # 00:00:01 on the 21st
    assert report_compliance(report, vn("2025-03-01 00:00")) == "late"


@pytest.mark.parametrize("action", ["save", "submit", "accept", "return"])
def test_an_action_in_the_past_needs_an_aware_time(world: World, action: str) -> None:
    report = world.report("2025-01")
    if action in ("accept", "return"):
        submit_report(report)
    before = (report.state, report.version_count, AuditEntry.objects.count())
    naive = datetime(2025, 1, 18, 9, 30)
    with pytest.raises(ValueError, match="aware"):
        if action == "save":
            save_report(report, narrative="x", progress=[], figures=[], at=naive)
        elif action == "submit":
            submit_report(report, at=naive)
        elif action == "accept":
            accept_report(report, at=naive)
        else:
            return_report(report, comment="Thiếu số liệu", at=naive)
    report.refresh_from_db()
    assert (report.state, report.version_count, AuditEntry.objects.count()) == before
    with pytest.raises(ValueError, match="not a date and time"):
        submit_report(report, at=D("2025-01-18"))  # type: ignore[arg-type]


def test_an_action_in_the_past_may_not_precede_the_reports_last_step(world: World) -> None:
    report = world.report("2025-01")
    submit_report(report, at=vn("2025-01-18 09:30"))
    with pytest.raises(ValueError, match="before the report's last submission"):
        accept_report(report, at=vn("2025-01-18 09:29"))
    return_report(report, comment="Sửa lại", at=vn("2025-01-19 08:00"))
    with pytest.raises(ValueError, match="before the report's last submission or decision"):
        submit_report(report, at=vn("2025-01-18 12:00"))
    with pytest.raises(ValueError, match="before the report's last submission or decision"):
        save_report(report, narrative="x", progress=[], figures=[], at=vn("2025-01-19 07:00"))
    report.refresh_from_db()
    assert (report.state, report.version_count) == ("returned", 1)


# ------------------------------------------------------------------ figures, previous report


def test_the_statistics_office_records_a_figure_outside_any_report(world: World) -> None:
    fig = record_figure(
        target(world, "T01"),
        value=Decimal("10.12"),
        kind=FigureKind.PRELIMINARY,
        period_start=D("2025-01-01"),
        period_end=D("2025-03-31"),
        area="Tỉnh Vĩnh Phúc",
        source="Cục Thống kê",
        actor=world.personas.statistician,
    )
    fig.refresh_from_db()
    assert fig.report is None and fig.indicator == target(world, "T01").indicator
    assert (fig.value, fig.unit, fig.kind) == (Decimal("10.12"), "%", "preliminary")
    assert fig.entered_by == world.personas.statistician
    entry = AuditEntry.objects.get(action="record_figure")
    assert log(entry.after)["value"] == "10.12"
    with pytest.raises(ValueError, match="ends before"):
        record_figure(
            target(world, "T01"),
            value=Decimal(1),
            kind="official",
            period_start=D("2025-03-31"),
            period_end=D("2025-01-01"),
        )
    assert Figure.objects.count() == 1


def test_the_previous_report_is_offered_as_a_starting_point(world: World) -> None:
    jan, feb, mar = (world.report(k) for k in ("2025-01", "2025-02", "2025-03"))
    assert previous_report(feb) is None  # January is empty
    fill(world, jan, narrative="Tháng 1")
    assert previous_report(feb) == jan
    assert previous_report(mar) == jan  # February has nothing yet
    fill(world, feb, narrative="", progress=[progress(task(world, "K002"))], figures=[])
    assert previous_report(mar) == feb
    q1, q2 = world.report("2025-Q1"), world.report("2025-Q2")
    assert previous_report(q2) == feb  # no quarterly report yet: the latest one
    fill(world, q1, narrative="Quý I")
    assert previous_report(q2) == q1  # the same frequency is preferred
    assert previous_report(world.report("2025-01", world.trade)) is None  # not another's


# ------------------------------------------------------------------ the admin


@pytest.mark.parametrize(
    "model", ["reportingperiod", "report", "reportversion", "taskprogress", "figure", "reminder"]
)
def test_the_admin_shows_the_reporting_rows_read_only(world: World, model: str) -> None:
    from planwatch.accounts.actions import create_user
    from tests.conftest import client_for

    report = world.report("2025-01")
    fill(world, report)
    submit_report(report)
    staff = create_user(
        "staff", password=None, agency=world.health, roles=["consolidator"], is_staff=True
    )
    staff.is_superuser = True
    staff.save()
    client = client_for(staff)
    listing = client.get(f"/admin/reporting/{model}/")
    assert listing.status_code == 200
    assert client.get(f"/admin/reporting/{model}/add/").status_code == 403
    row = {
        "reportingperiod": report.period_id,
        "report": report.pk,
        "reportversion": report.versions.get().pk,
        "taskprogress": report.progress.get().pk,
        "figure": report.figures.get().pk,
    }.get(model)
    if row is not None:
        page = client.get(f"/admin/reporting/{model}/{row}/change/")
        assert page.status_code == 200
        editable = model == "reportingperiod"  # only a period's title
        assert (b'name="title"' in page.content) is editable
        assert b'name="due"' not in page.content


# ------------------------------------------------------------------ attachments


def pdf_file(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def zip_file(name: str, folder: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def with_file(world: World, file: Any = None, remove: bool = False, **kw: Any) -> ProgressInput:
    return ProgressInput(
        task=task(world, "K001"),
        status=kw.get("status", "in_progress"),
        percent=kw.get("percent", 40),
        attachment=file,
        remove_attachment=remove,
    )


def test_the_action_stores_an_attachment_and_keeps_it_until_it_is_replaced_or_removed(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.report("2025-01")
    reporter = world.personas.reporter

    def save(row: ProgressInput) -> TaskProgress:
        with django_capture_on_commit_callbacks(execute=True):
            save_report(report, narrative="", progress=[row], figures=[], actor=reporter)
        return report.progress.get()

    first = save(with_file(world, pdf_file()))
    name = str(first.attachment.name)
    assert name.startswith("attachments/") and name.endswith("-K001-bien-ban.pdf")
    assert default_storage.exists(name)
    attach = AuditEntry.objects.get(action="attach_file")
    assert attach.actor == reporter
    assert log(attach.after) == {"task": "K001", "file": name, "size": pdf_file().size}

    # saved again without a file: the same row, updated in place, keeps its file
    again = save(with_file(world, percent=70))
    assert (again.pk, again.percent, str(again.attachment.name)) == (first.pk, 70, name)
    assert default_storage.exists(name)

    # a new file replaces it; the old one is deleted once the save commits
    replaced = save(with_file(world, zip_file("ke-hoach.docx", "word")))
    new_name = str(replaced.attachment.name)
    assert replaced.pk == first.pk and new_name.endswith("-K001-ke-hoach.docx")
    assert default_storage.exists(new_name) and not default_storage.exists(name)
    last = AuditEntry.objects.filter(action="attach_file").order_by("pk").last()
    assert last is not None and log(last.before)["file"] == name

    # removed on request
    removed = save(with_file(world, remove=True))
    assert removed.pk == first.pk and not removed.attachment
    assert not default_storage.exists(new_name)
    assert stored_files(media) == []
    entry = AuditEntry.objects.get(action="remove_file")
    assert log(entry.before) == {"task": "K001", "file": new_name} and entry.after is None


def test_a_task_no_longer_reported_loses_its_row_and_its_file(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.report("2025-01")
    k002 = progress(task(world, "K002"))
    save_report(report, narrative="", progress=[with_file(world, pdf_file()), k002], figures=[])
    kept = report.progress.get(task__code="K002")
    name = str(report.progress.get(task__code="K001").attachment.name)
    with django_capture_on_commit_callbacks(execute=True):
        save_report(report, narrative="", progress=[k002], figures=[])
    assert list(report.progress.values_list("pk", flat=True)) == [kept.pk]  # in place
    assert not default_storage.exists(name)


def test_a_file_a_submitted_version_names_is_kept_when_it_is_replaced(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.report("2025-01")
    save_report(report, narrative="", progress=[with_file(world, pdf_file())], figures=[])
    sent = str(report.progress.get().attachment.name)
    version = submit_report(report)
    assert version.content["progress"][0]["attachment"] == sent  # the name, not the file
    return_report(report, comment="Thiếu biên bản có chữ ký")
    with django_capture_on_commit_callbacks(execute=True):
        save_report(
            report, narrative="", progress=[with_file(world, pdf_file("moi.pdf"))], figures=[]
        )
    new = str(report.progress.get().attachment.name)
    assert new != sent and default_storage.exists(new)
    assert default_storage.exists(sent)  # version 1 sent it: it stays
    v2 = submit_report(report)
    changes = {(c.item, c.field): (c.before, c.after) for c in version_changes(version, v2)}
    assert changes == {("K001", "attachment"): (sent, new)}


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda: SimpleUploadedFile("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64), "content",
         "“anh.pdf” is not really a PDF file"),
        (lambda: zip_file("so-lieu.xlsx", "word"), "content", "not really a XLSX file"),
        (lambda: SimpleUploadedFile("chay.exe", b"%PDF-1.4"), "type", "not “chay.exe”"),
        (lambda: pdf_file("lon.pdf"), "size", "“lon.pdf” is larger than 1 MB"),
    ],
)  # fmt: skip
def test_an_attachment_is_checked_by_the_action_and_nothing_is_written(
    world: World, media: Path, settings: Any, make: Any, code: str, message: str
) -> None:
    settings.PLANWATCH_MAX_ATTACHMENT_MB = 1
    upload = make()
    if code == "size":
        upload = SimpleUploadedFile("lon.pdf", upload.read() + b"0" * (1024 * 1024))
    report = world.report("2025-01")
    fill(world, report, narrative="Bản đầu")
    audits = AuditEntry.objects.count()
    with pytest.raises(AttachmentRefused, match=re.escape(message)) as refused:
        save_report(report, narrative="Bản hai", progress=[with_file(world, upload)], figures=[])
    assert str(refused.value).startswith("task K001: ")
    assert refused.value.code == code
    assert isinstance(refused.value, ValueError)
    report.refresh_from_db()
    assert report.narrative == "Bản đầu" and not report.progress.get().attachment
    assert AuditEntry.objects.count() == audits
    assert stored_files(media) == []


def test_check_attachment_names_the_kind_by_content(settings: Any) -> None:
    settings.PLANWATCH_MAX_ATTACHMENT_MB = 1
    assert check_attachment(pdf_file("a.PDF")) == "pdf"
    assert check_attachment(zip_file("a.docx", "word")) == "docx"
    assert check_attachment(zip_file("a.xlsx", "xl")) == "xlsx"
    with pytest.raises(AttachmentRefused) as refused:
        check_attachment(SimpleUploadedFile("a.docx", b"PK\x03\x04 not a zip"))
    assert (refused.value.code, refused.value.params) == (
        "content",
        {"name": "a.docx", "kind": "DOCX"},
    )


def test_a_save_that_fails_deletes_the_file_it_wrote(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = world.report("2025-01")
    record = audit.record

    def fail_on(action: str) -> Any:
        def recording(actor: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            if name == action:
                assert stored_files(media), "the file was written before the failure"
                raise RuntimeError("disk full")
            return record(actor, name, *args, **kwargs)

        return recording

    for action, submit in (("save_report", False), ("submit_report", True)):
        monkeypatch.setattr(audit, "record", fail_on(action))
        with pytest.raises(RuntimeError, match="disk full"):
            save_report(
                report,
                narrative="Tháng 1",
                progress=[with_file(world, pdf_file())],
                figures=[],
                submit=submit,
            )
        assert stored_files(media) == [], action
        report.refresh_from_db()
        assert (report.state, report.narrative, report.version_count) == ("pending", "", 0)
        assert not report.progress.exists()
        assert not AuditEntry.objects.filter(action="attach_file").exists()


def test_save_and_submit_in_one_call(world: World, media: Path) -> None:
    report = world.report("2025-01")
    save_report(
        report,
        narrative="Tháng 1",
        progress=[with_file(world, pdf_file())],
        figures=[figure(target(world, "T01"))],
        submit=True,
    )
    assert (report.state, report.version_count) == ("submitted", 1)
    content = report.versions.get().content
    assert content["progress"][0]["attachment"] == str(report.progress.get().attachment.name)
    assert len(content["figures"]) == 1


# ------------------------------------------------------------------ figures owed


def test_a_figure_for_a_target_the_agency_does_not_owe_is_refused(world: World) -> None:
    report = world.report("2025-01")
    fill(world, report, narrative="Bản đầu")
    with pytest.raises(ValueError, match=r"target T02 is not owed by Sở Y tế in .*01/CTr-UBND"):
        save_report(
            report,
            narrative="Bản hai",
            progress=[],
            figures=[figure(target(world, "T01")), figure(target(world, "T02"))],
        )
    report.refresh_from_db()
    assert report.narrative == "Bản đầu"
    assert list(report.figures.values_list("target__code", flat=True)) == ["T01"]
    # owed through a group: any member may report it, an agency outside the group may not
    it = world.report("2025-01", Agency.objects.get(name="Sở Thông tin và Truyền thông"))
    save_report(it, narrative="", progress=[], figures=[figure(target(world, "T01"))])
    assert it.figures.count() == 1
