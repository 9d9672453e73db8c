"""The demo: the Vĩnh Phúc register, the two seed plans (read from their documents by the
extractor), one user per role, and a labelled year of reporting history for 01/CTr-UBND
(:mod:`planwatch.demo.history`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from planwatch.accounts.actions import create_user
from planwatch.accounts.choices import Role
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.resolve import AgencyIndex
from planwatch.plans import planfile
from planwatch.plans.actions import ImportResult, import_plan
from planwatch.plans.choices import PlanStatus
from planwatch.plans.conflicts import read_plan_document
from planwatch.plans.models import Plan

if TYPE_CHECKING:
    from planwatch.demo.history import HistoryResult

DEMO_DIR = Path(__file__).resolve().parent
PLAN_FILES = sorted((DEMO_DIR / "plans").glob("*.plan.json"))
SEED_DOCUMENTS = sorted((DEMO_DIR / "seeds").glob("*.txt"))
DEMO_PASSWORD = "planwatch-demo"
HISTORY_PLAN = "01/CTr-UBND"  # the plan whose programme year gets a demo history
HISTORY_YEAR = 2025


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    agency: str
    full_name: str
    staff: bool = False


DEMO_USERS = [
    DemoUser("lanhdao", Role.LEADERSHIP, "Ủy ban nhân dân tỉnh Vĩnh Phúc", "Lãnh đạo UBND tỉnh"),
    DemoUser("tonghop", Role.CONSOLIDATOR, "Sở Tài chính", "Chuyên viên tổng hợp", staff=True),
    DemoUser("baocao", Role.REPORTER, "Sở Y tế", "Chuyên viên Sở Y tế"),
    DemoUser("thongke", Role.STATISTICS, "Cục Thống kê tỉnh Vĩnh Phúc", "Chuyên viên thống kê"),
    DemoUser("xem", Role.VIEWER, "Văn phòng UBND tỉnh", "Người xem"),
]


def load_demo_plans(*, from_documents: bool = False) -> list[ImportResult]:
    """Import both seed plans (active) with their document texts; safe to repeat.

    ``from_documents`` reads the seed documents with the extractor, as a user's upload is
    read; otherwise the hand-checked plan files are loaded (the tests' stable fixture).
    """
    results = []
    if from_documents:
        for path in SEED_DOCUMENTS:
            extraction = read_plan_document(path)
            plan_file = planfile.parse(extraction.plan)
            results.append(
                import_plan(plan_file, source_text=extraction.text, status=PlanStatus.ACTIVE)
            )
        return results
    for path in PLAN_FILES:
        plan_file = planfile.loads(path.read_bytes())
        text_path = DEMO_DIR / "seeds" / (plan_file.source or "")
        text = (
            text_path.read_text(encoding="utf-8")
            if plan_file.source and text_path.is_file()
            else None
        )
        results.append(import_plan(plan_file, source_text=text, status=PlanStatus.ACTIVE))
    return results


@transaction.atomic
def setup_demo(*, from_documents: bool = True) -> tuple[list[ImportResult], list[DemoUser]]:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    results = load_demo_plans(from_documents=from_documents)
    index = AgencyIndex.load()
    for demo in DEMO_USERS:
        agency = index.resolve(demo.agency).agency
        if agency is None:
            raise LookupError(f"demo agency {demo.agency!r} is not in the register")
        create_user(
            demo.username,
            password=DEMO_PASSWORD,
            agency=agency,
            roles=[demo.role],
            full_name=demo.full_name,
            is_staff=demo.staff,
        )
    return results, DEMO_USERS


def setup_demo_history(*, now: datetime | None = None) -> HistoryResult:
    """The demo history of the 2025 programme year of 01/CTr-UBND, up to ``now``; written
    once (a second run finds it and changes nothing). Run after :func:`setup_demo`."""
    from planwatch.demo.history import build_demo_history

    plan = (
        Plan.objects.filter(document__number=HISTORY_PLAN)
        .order_by("-document__issued_on", "-pk")
        .first()
    )
    if plan is None:
        raise LookupError(f"the demo plan {HISTORY_PLAN} is not loaded")
    return build_demo_history(plan, year=HISTORY_YEAR, now=now)
