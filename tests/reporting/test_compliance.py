"""Who reported on time: the compliance matrix and its JSON, visibility of reports, a
period's consolidation and the comparison of versions."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planwatch.accounts.actions import create_user
from planwatch.organisations.models import Agency
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan
from planwatch.reporting.actions import (
    FigureInput,
    ProgressInput,
    accept_report,
    generate_calendar,
    return_report,
    save_report,
    submit_report,
)
from planwatch.reporting.choices import Compliance
from planwatch.reporting.models import Report, ReportVersion
from planwatch.reporting.queries import (
    compliance_json,
    compliance_matrix,
    period_consolidation,
    targets_owed,
    tasks_owed,
    version_changes,
    visible_reports,
)
from tests.reporting.conftest import World

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = date.fromisoformat
NOW = datetime(2025, 3, 25, 12, 0, tzinfo=VN)


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def submit_at(report: Report, moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        submit_report(report)


def scenario(world: World) -> None:
    """Sở Y tế and Sở Công Thương report, on time, late, returned, early; nobody else."""
    health = {k: world.report(k) for k in ("2025-01", "2025-02", "2025-03")}
    submit_at(health["2025-01"], vn("2025-01-20 23:59:59"))
    accept_report(health["2025-01"])
    submit_at(health["2025-02"], vn("2025-02-21 00:00:00"))
    submit_at(health["2025-03"], vn("2025-03-10 09:00"))
    return_report(health["2025-03"], comment="Thiếu số liệu")
    trade = {k: world.report(k, world.trade) for k in ("2025-01", "2025-02", "2025-03", "2025-04")}
    submit_at(trade["2025-01"], vn("2025-01-25 10:00"))
    save_report(trade["2025-02"], narrative="Đang viết", progress=[], figures=[])
    submit_at(trade["2025-03"], vn("2025-03-18 15:00"))
    submit_at(trade["2025-04"], vn("2025-03-24 08:00"))  # early


def cells(matrix: Any, agency: Agency) -> dict[str, str | None]:
    row = next(r for r in matrix.rows if r.agency == agency)
    return {
        p.key: (c.compliance if c else None) for p, c in zip(matrix.periods, row.cells, strict=True)
    }


# ------------------------------------------------------------------ the matrix


def test_the_matrix_shows_each_agencys_standing_in_each_period(world: World) -> None:
    scenario(world)
    matrix = compliance_matrix(world.plan, year=2025, now=NOW)
    keys = [p.key for p in matrix.periods]
    assert keys[:6] == ["2025-01", "2025-02", "2025-03", "2025-Q1", "2025-04", "2025-05"]
    assert [p.due for p in matrix.periods] == sorted(p.due for p in matrix.periods)
    assert len(keys) == 19 and len(matrix.rows) == 36
    health = cells(matrix, world.health)
    assert [health[k] for k in keys[:5]] == [
        Compliance.ON_TIME,
        Compliance.LATE,
        Compliance.RETURNED,
        Compliance.MISSING,
        Compliance.NOT_DUE,
    ]
    trade = cells(matrix, world.trade)
    assert [trade[k] for k in keys[:5]] == ["late", "missing", "on_time", "missing", "on_time"]

    stats = {r.agency.name: r.stats for r in matrix.rows}
    h = stats["Sở Y tế"]
    assert (h.expected, h.on_time, h.late, h.missing, h.not_due, h.returned) == (19, 1, 1, 1, 15, 1)
    assert h.on_time_rate == pytest.approx(1 / 4)
    assert h.average_delay_days == 1
    t = stats["Sở Công Thương"]
    assert (t.expected, t.on_time, t.late, t.missing, t.not_due, t.returned) == (19, 2, 1, 2, 14, 0)
    assert t.on_time_rate == pytest.approx(2 / 5)
    assert t.average_delay_days == 5
    silent = stats["Sở Tài chính"]
    assert (silent.missing, silent.not_due, silent.on_time_rate) == (4, 15, 0.0)
    assert silent.average_delay_days is None

    columns = {p.key: s for p, s in matrix.columns}
    jan = columns["2025-01"]
    assert (jan.expected, jan.on_time, jan.late, jan.missing, jan.not_due) == (36, 1, 1, 34, 0)
    assert jan.reporting_rate == pytest.approx(2 / 36)
    assert jan.timeliness_rate == pytest.approx(1 / 36)
    mar = columns["2025-03"]
    assert (mar.on_time, mar.returned, mar.missing) == (1, 1, 34)
    apr = columns["2025-04"]
    assert (apr.on_time, apr.not_due, apr.reporting_rate, apr.timeliness_rate) == (1, 35, 1.0, 1.0)
    may = columns["2025-05"]
    assert (may.not_due, may.reporting_rate, may.timeliness_rate) == (36, None, None)
    assert matrix.totals.expected == 594


def test_a_district_has_no_cell_for_reports_due_after_it_was_abolished(world: World) -> None:
    matrix = compliance_matrix(world.plan, year=2025, now=NOW)
    district = Agency.objects.filter(kind="district").order_by("name").first()
    assert district is not None
    row = cells(matrix, district)
    assert row["2025-06"] == Compliance.NOT_DUE
    assert row["2025-07"] is None and row["2025-Q4"] is None and row["2025"] is None
    # six monthly, two quarterly and the 6-month report fall due by 30/06
    assert next(r for r in matrix.rows if r.agency == district).stats.expected == 9


@pytest.mark.parametrize(
    ("submitted", "expected", "delay"),
    [
        (vn("2025-01-20 23:59:59"), Compliance.ON_TIME, 0),
        (vn("2025-01-21 00:00:00"), Compliance.LATE, 1),
        (datetime(2025, 1, 20, 16, 59, 59, tzinfo=UTC), Compliance.ON_TIME, 0),
        (datetime(2025, 1, 20, 17, 0, 0, tzinfo=UTC), Compliance.LATE, 1),
    ],
)
def test_the_last_second_of_the_due_day_is_on_time_and_midnight_is_late(
    world: World, submitted: datetime, expected: str, delay: int
) -> None:
    submit_at(world.report("2025-01"), submitted)
    matrix = compliance_matrix(world.plan, year=2025, now=NOW)
    row = next(r for r in matrix.rows if r.agency == world.health)
    cell = row.cells[0]
    assert cell is not None and (cell.compliance, cell.delay_days) == (expected, delay)


@pytest.mark.parametrize(
    ("now", "missing"),
    [(vn("2025-01-20 23:59:59"), 0), (vn("2025-01-21 00:00:00"), 36)],
)
def test_a_report_becomes_missing_at_midnight_after_its_due_day(
    world: World, now: datetime, missing: int
) -> None:
    with time_machine.travel(now, tick=False):
        from django.utils import timezone

        data = compliance_json(world.plan, year=2025, now=timezone.now())
    jan = data["periods"][0]
    assert jan["key"] == "2025-01"
    assert (jan["missing"], jan["not_due"]) == (missing, 36 - missing)


def test_the_matrix_costs_two_queries_whatever_its_size(
    world: World, django_assert_num_queries: Any
) -> None:
    scenario(world)
    with django_assert_num_queries(2):
        big = compliance_matrix(world.plan, year=2025, now=NOW)
        for row in big.rows:  # reading what a page shows costs nothing more
            for cell in row.cells:
                if cell is not None:
                    _ = (cell.report.agency.name, cell.report.period.due, cell.report.state)
    assert len(big.rows) * len(big.periods) == 36 * 19
    small = import_plan(
        planfile.parse(
            {
                "source": "kh.txt",
                "document": {"number": "91/KH-UBND", "issued_on": "2025-01-10", "title": "Thử"},
                "reporting": [{"who": "Sở Y tế", "frequency": "annual"}],
            }
        )
    ).plan
    generate_calendar(small, year=2025)
    with CaptureQueriesContext(connection) as small_queries:
        assert len(compliance_matrix(small, year=2025, now=NOW).rows) == 1
    assert len(small_queries) == 2


def test_compliance_json_has_the_agreed_shape(
    world: World, django_assert_max_num_queries: Any
) -> None:
    scenario(world)
    with django_assert_max_num_queries(3):
        data = compliance_json(world.plan, year=2025, now=NOW)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert (data["plan"], data["year"]) == ("01/CTr-UBND", 2025)
    assert (
        data["periods"][0].items()
        >= {
            "key": "2025-01",
            "frequency": "monthly",
            "due": "2025-01-20",
            "expected": 36,
            "on_time": 1,
            "late": 1,
            "missing": 34,
            "not_due": 0,
        }.items()
    )
    annual = next(p for p in data["periods"] if p["key"] == "2025")
    assert (annual["frequency"], annual["due"]) == ("annual", "2025-11-10")
    for period in data["periods"]:
        assert {
            "key",
            "frequency",
            "due",
            "expected",
            "on_time",
            "late",
            "missing",
            "not_due",
        } <= set(period)
    agencies = {a["agency"]: a for a in data["agencies"]}
    assert len(agencies) == 36
    health = agencies["Sở Y tế"]
    assert {k: health[k] for k in ("expected", "on_time", "late", "missing", "on_time_rate")} == {
        "expected": 19,
        "on_time": 1,
        "late": 1,
        "missing": 1,
        "on_time_rate": 0.25,
    }
    assert health["cells"]["2025-03"] == "returned"
    assert agencies["Sở Công Thương"]["on_time_rate"] == 0.4
    for agency in data["agencies"]:
        assert 0.0 <= agency["on_time_rate"] <= 1.0


def test_compliance_json_gives_no_rate_before_anything_is_due(world: World) -> None:
    data = compliance_json(world.plan, year=2025, now=vn("2025-01-01 08:00"))
    assert {a["on_time_rate"] for a in data["agencies"]} == {None}
    assert {p["not_due"] == p["expected"] for p in data["periods"]} == {True}


def test_another_year_has_no_periods_yet(world: World) -> None:
    data = compliance_json(world.plan, year=2026, now=NOW)
    assert (data["periods"], data["agencies"]) == ([], [])


# ------------------------------------------------------------------ who sees which reports

SEES_ALL = ["leader", "consolidator", "statistician", "viewer"]


@pytest.mark.parametrize(
    "persona",
    ["leader", "consolidator", "reporter", "other_reporter", "statistician", "viewer", "outsider"],
)
def test_each_persona_sees_the_reports_its_role_allows(world: World, persona: str) -> None:
    user = getattr(world.personas, persona)
    seen = visible_reports(user)
    if persona in SEES_ALL:
        assert seen.count() == Report.objects.count() == 594
    elif persona == "reporter":
        assert set(seen.values_list("agency__name", flat=True)) == {"Sở Y tế"}
        assert seen.count() == 19
    elif persona == "other_reporter":
        assert set(seen.values_list("agency__name", flat=True)) == {"Sở Công Thương"}
    else:
        assert not seen.exists()


def test_nobody_else_sees_a_report(world: World) -> None:
    assert not visible_reports(AnonymousUser()).exists()
    assert not visible_reports(None).exists()
    inactive = world.personas.viewer
    inactive.is_active = False
    assert not visible_reports(inactive).exists()
    homeless = create_user("homeless", password=None, agency=None, roles=["reporter"])
    assert not visible_reports(homeless).exists()
    both = create_user("both", password=None, agency=world.health, roles=["reporter", "viewer"])
    assert visible_reports(both).count() == 594


# ------------------------------------------------------------------ what an agency owes


def test_an_agency_owes_the_tasks_it_leads_and_those_of_its_groups(world: World) -> None:
    health = set(tasks_owed(world.health, world.plan).values_list("code", flat=True))
    assert len(health) == 59 and "K061" not in health and "K060" not in health
    it = Agency.objects.get(name="Sở Thông tin và Truyền thông")
    assert set(tasks_owed(it, world.plan).values_list("code", flat=True)) == health | {"K061"}
    assert not tasks_owed(Agency.objects.get(name="Tỉnh ủy Vĩnh Phúc"), world.plan).exists()
    assert not targets_owed(world.health, world.plan).exists()  # no target names a lead


def test_an_agency_owes_the_targets_it_or_its_group_leads(world: World) -> None:
    plan = import_plan(
        planfile.parse(
            {
                "source": "kh.txt",
                "document": {"number": "92/KH-UBND", "issued_on": "2025-01-10", "title": "Thử"},
                "targets": [
                    {
                        "id": "T01",
                        "indicator": "Số giường bệnh",
                        "comparator": "gte",
                        "value": 32,
                        "year": 2025,
                        "lead": "Sở Y tế",
                    },
                    {
                        "id": "T02",
                        "indicator": "Tỷ lệ cải cách",
                        "comparator": "gte",
                        "value": 90,
                        "year": 2025,
                        "lead": "Các sở, ban, ngành",
                    },
                    {
                        "id": "T03",
                        "indicator": "Kim ngạch xuất khẩu",
                        "comparator": "gte",
                        "value": 5,
                        "year": 2025,
                        "lead": "Sở Công Thương",
                    },
                ],
            }
        )
    ).plan
    assert list(targets_owed(world.health, plan).values_list("code", flat=True)) == ["T01", "T02"]
    assert list(targets_owed(world.trade, plan).values_list("code", flat=True)) == ["T02", "T03"]


# ------------------------------------------------------------------ consolidation, versions


def test_a_periods_consolidation_puts_every_agencys_progress_side_by_side(world: World) -> None:
    world.lead("T01")
    k001, k004 = world.plan.tasks.get(code="K001"), world.plan.tasks.get(code="K004")
    t01 = world.plan.targets.get(code="T01")
    finance = Agency.objects.get(name="Sở Tài chính")
    for agency, status, difficulty in (
        (world.trade, "done", ""),
        (world.health, "in_progress", "Thiếu bác sĩ"),
        (finance, "in_progress", "Chưa gửi"),
    ):
        report = world.report("2025-01", agency)
        save_report(
            report,
            narrative=f"Báo cáo của {agency.name}",
            progress=[
                ProgressInput(
                    k001, status, 40, difficulties=difficulty, proposals="Bổ sung biên chế"
                ),
                ProgressInput(k004, "not_started", 0),
            ],
            figures=[FigureInput(t01, Decimal("10"), "estimate", D("2024-12-15"), D("2025-01-14"))],
        )
        if agency != finance:  # Sở Tài chính keeps a draft
            submit_at(report, vn("2025-01-18 10:00"))
    result = period_consolidation(world.period("2025-01"), now=vn("2025-01-19 10:00"))
    assert len(result.reports) == 36
    standing = {s.report.agency.name: s.compliance for s in result.reports}
    assert standing["Sở Y tế"] == standing["Sở Công Thương"] == "on_time"
    assert standing["Sở Tài chính"] == "not_due"
    assert [g.task.code for g in result.tasks] == ["K001", "K004"]
    k001_rows = result.tasks[0].rows
    assert [r.report.agency.name for r in k001_rows] == ["Sở Công Thương", "Sở Y tế"]
    assert [r.status for r in k001_rows] == ["done", "in_progress"]
    assert [(s.section, [g.task.code for g in s.tasks]) for s in result.sections] == [
        ("[1.1] a)", ["K001"]),
        (k004.section, ["K004"]),
    ]
    assert [(i.agency.name, i.task.code, i.kind, i.text) for i in result.issues] == [
        ("Sở Công Thương", "K001", "proposals", "Bổ sung biên chế"),
        ("Sở Y tế", "K001", "difficulties", "Thiếu bác sĩ"),
        ("Sở Y tế", "K001", "proposals", "Bổ sung biên chế"),
    ]
    assert [i.text for i in result.difficulties] == ["Thiếu bác sĩ"]
    assert len(result.proposals) == 2


def test_the_first_version_is_compared_with_nothing(world: World) -> None:
    report = world.report("2025-01")
    k001 = world.plan.tasks.get(code="K001")
    save_report(
        report, narrative="Bản đầu", progress=[ProgressInput(k001, "in_progress", 10)], figures=[]
    )
    submit_report(report)
    v1 = ReportVersion.objects.get(report=report)
    changes = version_changes(None, v1)
    assert [(c.part, c.item, c.field) for c in changes] == [
        ("narrative", "", "narrative"),
        ("task", "K001", "added"),
    ]
    assert changes[0].before == "" and changes[0].after == "Bản đầu"
    assert version_changes(v1, v1) == []


def test_a_removed_task_and_a_changed_figure_are_listed(world: World) -> None:
    world.lead("T01")
    report = world.report("2025-01")
    k001, k002 = (world.plan.tasks.get(code=c) for c in ("K001", "K002"))
    t01 = world.plan.targets.get(code="T01")

    def fig(value: str, note: str = "") -> FigureInput:
        return FigureInput(
            t01, Decimal(value), "estimate", D("2024-12-15"), D("2025-01-14"), note=note
        )

    save_report(
        report,
        narrative="A",
        progress=[ProgressInput(k001, "in_progress", 10), ProgressInput(k002, "in_progress", 10)],
        figures=[fig("10.5")],
    )
    v1 = submit_report(report)
    return_report(report, comment="Sửa")
    save_report(
        report,
        narrative="A",
        progress=[ProgressInput(k001, "in_progress", 10, done="Đã họp")],
        figures=[
            fig("10.50", "ước tính lại"),
            FigureInput(t01, Decimal(11), "preliminary", D("2024-12-15"), D("2025-01-14")),
        ],
    )
    v2 = submit_report(report)
    changes = [(c.part, c.item, c.field, c.before, c.after) for c in version_changes(v1, v2)]
    assert ("task", "K001", "done", "", "Đã họp") in changes
    assert ("figure", "T01 estimate 2024-12-15–2025-01-14", "note", "", "ước tính lại") in changes
    assert not [c for c in changes if c[2] == "value"]  # 10.5 and 10.50 are the same figure
    kinds = sorted((c[0], c[1].split()[0] if c[1] else "", c[2]) for c in changes)
    assert kinds == [
        ("figure", "T01", "added"),
        ("figure", "T01", "note"),
        ("task", "K001", "done"),
        ("task", "K002", "removed"),
    ]
