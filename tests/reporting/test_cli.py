"""``planwatch make-calendar`` and ``planwatch compliance``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connections
from pytest_django import DjangoDbBlocker

from planwatch.cli import main
from planwatch.demo.setup import load_demo_plans
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.plans.models import Plan
from planwatch.reporting.actions import submit_report
from planwatch.reporting.models import Report, ReportingPeriod
from tests.conftest import module_transaction


@dataclass
class Plans:
    plan: Plan  # 01/CTr-UBND, no calendar yet


def _build() -> Plans:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    plans = {r.plan.document.number: r.plan for r in load_demo_plans()}
    return Plans(plan=plans["01/CTr-UBND"])


@pytest.fixture(scope="module")
def module_plans(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Plans]:
    yield from module_transaction(django_db_blocker, _build)


@pytest.fixture
def plans(db: None, module_plans: Plans, monkeypatch: pytest.MonkeyPatch) -> Plans:
    """The demo plans, and the test's connection kept open across ``main()``."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return module_plans


def test_make_calendar_creates_the_periods_and_reports_once(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["make-calendar", "01/CTr-UBND", "--year", "2025"])
    out = capsys.readouterr().out
    assert "01/CTr-UBND, 2025: 19 periods and 594 reports created (19 periods in the year)" in out
    assert ReportingPeriod.objects.filter(plan=plans.plan).count() == 19
    main(["make-calendar", "01/CTr-UBND", "--year", "2025"])
    assert "0 periods and 0 reports created (19 periods in the year)" in capsys.readouterr().out
    assert Report.objects.count() == 594


def test_make_calendar_without_a_year_takes_this_year(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    with time_machine.travel("2026-02-01 10:00 +0700", tick=False):
        main(["make-calendar", "01/CTr-UBND"])
    assert "2026: 19 periods" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["make-calendar", "compliance"])
def test_an_unknown_plan_is_an_error(
    plans: Plans, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "99/XX", "--year", "2025"])
    assert exited.value.code == 1
    assert "no plan numbered '99/XX'" in capsys.readouterr().err


def _with_reports(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    main(["make-calendar", "01/CTr-UBND", "--year", "2025"])
    report = Report.objects.get(period__key="2025-01", agency__name="Sở Y tế")
    with time_machine.travel("2025-01-21 00:00 +0700", tick=False):
        submit_report(report)
    capsys.readouterr()


def test_compliance_prints_json_as_of_a_day(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_reports(plans, capsys)
    main(["compliance", "01/CTr-UBND", "--year", "2025", "--today", "2025-01-20"])
    on_due_day = json.loads(capsys.readouterr().out)
    jan = on_due_day["periods"][0]
    assert (jan["key"], jan["due"], jan["late"], jan["missing"], jan["not_due"]) == (
        "2025-01",
        "2025-01-20",
        1,  # submitted at midnight after the due day: late, and known as such
        0,
        35,
    )
    main(
        ["compliance", "01/CTr-UBND", "--year", "2025", "--today", "2025-01-21", "--format", "json"]
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["plan"], data["year"]) == ("01/CTr-UBND", 2025)
    jan = data["periods"][0]
    assert (jan["expected"], jan["late"], jan["missing"], jan["not_due"]) == (36, 1, 35, 0)
    health = next(a for a in data["agencies"] if a["agency"] == "Sở Y tế")
    assert (health["late"], health["on_time_rate"], health["average_delay_days"]) == (1, 0.0, 1)


def test_compliance_prints_tables_for_people(
    plans: Plans, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_reports(plans, capsys)
    main(
        [
            "compliance",
            "01/CTr-UBND",
            "--year",
            "2025",
            "--today",
            "2025-02-01",
            "--format",
            "table",
        ]
    )
    out = capsys.readouterr().out
    assert out.startswith("01/CTr-UBND, 2025 (as of 01/02/2025 23:59)")
    lines = out.splitlines()
    period_line = next(line for line in lines if line.startswith("2025-01 "))
    assert period_line.split() == [
        "2025-01",
        "20/01/2025",
        "36",
        "0",
        "1",
        "35",
        "0",
        "0",
        "3%",
        "0%",
    ]
    health = next(line for line in lines if line.startswith("Sở Y tế "))
    # expected, on time, late, missing, not due, returned, on time %, average delay
    assert health.split()[3:] == ["19", "0", "1", "0", "18", "0", "0%", "1.0", "d"]


def test_compliance_refuses_a_bad_date(plans: Plans, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compliance", "01/CTr-UBND", "--today", "20/01/2025"])
    assert "--today" in capsys.readouterr().err
