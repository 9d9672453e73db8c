"""The world the reporting tests share: the register, the personas, the two demo plans and
the 2025 calendar of 01/CTr-UBND, built once per test module and rolled back after it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytest_django import DjangoDbBlocker

from planwatch.demo.setup import load_demo_plans
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.plans.models import Plan
from planwatch.reporting.actions import CalendarResult, generate_calendar
from planwatch.reporting.models import Report, ReportingPeriod
from tests.conftest import Personas, make_personas, module_transaction

#: The group every report of the demo plan is owed by (27 departments, 9 districts).
REPORTING_GROUP = "Các sở, ban, ngành, UBND các huyện, thành phố"


@dataclass
class World:
    personas: Personas
    plan: Plan  # 01/CTr-UBND, with its 2025 calendar
    other_plan: Plan  # the 12-NQ/TU implementation plan, no calendar
    calendar: CalendarResult

    @property
    def health(self) -> Agency:
        return Agency.objects.get(name="Sở Y tế")

    @property
    def trade(self) -> Agency:
        return Agency.objects.get(name="Sở Công Thương")

    def period(self, key: str) -> ReportingPeriod:
        return ReportingPeriod.objects.get(plan=self.plan, key=key)

    def report(self, key: str, agency: Agency | None = None) -> Report:
        return Report.objects.select_related("period__plan", "agency").get(
            period__plan=self.plan, period__key=key, agency=agency or self.health
        )

    def lead(self, code: str, group: str = REPORTING_GROUP) -> None:
        """Give a target of the plan a lead group, so that its members owe its figures.

        The demo plan's targets name no lead; a test's set-up, not through the actions (a
        plan file naming it would be imported again, which is slow).
        """
        self.plan.targets.filter(code=code).update(
            lead_agency=None, lead_group=AgencyGroup.objects.get(name=group)
        )


def build_world() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    personas = make_personas()
    plans = {r.plan.document.number or "NQ12": r.plan for r in load_demo_plans()}
    plan = plans["01/CTr-UBND"]
    calendar = generate_calendar(plan, year=2025)
    return World(personas=personas, plan=plan, other_plan=plans["NQ12"], calendar=calendar)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    yield from module_transaction(django_db_blocker, build_world)


@pytest.fixture
def world(db: None, module_world: World) -> World:
    """A copy of the module's objects for one test, so that no test sees another's edits."""
    return copy.deepcopy(module_world)
