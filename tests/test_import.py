"""import_plan and plan_to_file: what an import writes, and what an export gives back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

from planwatch.core.models import AuditEntry
from planwatch.demo.setup import DEMO_DIR, PLAN_FILES, load_demo_plans
from planwatch.organisations.actions import (
    REGISTER_DIR,
    RegisterResult,
    load_register_file,
    map_provisional_agency,
)
from planwatch.organisations.models import Agency, AgencyAlias, AgencyGroup
from planwatch.plans import actions, planfile, queries
from planwatch.plans.actions import import_plan
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import (
    DocumentLink,
    LegalDocument,
    Plan,
    PlanDeadline,
    ReportingRule,
    Target,
    Task,
)
from tests.conftest import module_transaction
from tests.test_planfile import DEMO_IDS, small_plan


@pytest.fixture(scope="module")
def module_register(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[RegisterResult]:
    """The shipped register, loaded once for the module (and rolled back at its end)."""
    yield from module_transaction(
        django_db_blocker, lambda: load_register_file(REGISTER_DIR / "vinh_phuc.json")
    )


@pytest.fixture
def registered(db: None, module_register: RegisterResult) -> None:
    """The shipped register; what a test writes is rolled back after it."""


LIST_KEYS = ("implements", "references", "targets", "tasks", "reporting", "deadlines")


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Plan,
            LegalDocument,
            DocumentLink,
            Target,
            Task,
            ReportingRule,
            PlanDeadline,
            Agency,
            AgencyAlias,
            AuditEntry,
        )
    }


def assert_every_input_field_comes_back(raw: dict[str, Any], exported: dict[str, Any]) -> None:
    """Each field written in ``raw`` has its (normalised) value in ``exported``."""
    normalised = planfile.dump(planfile.parse(raw))
    for key in ("source", "notes"):
        if key in raw:
            assert exported[key] == normalised[key], key
    for name in raw["document"]:
        assert exported["document"][name] == normalised["document"][name], f"document.{name}"
    for key in LIST_KEYS:
        items = raw.get(key) or []
        assert len(exported[key]) == len(items), key
        for index, item in enumerate(items):
            for name in item:
                assert exported[key][index].get(name) == normalised[key][index].get(name), (
                    f"{key}[{index}].{name}"
                )


def import_demo(path: Path) -> Plan:
    plan_file = planfile.loads(path.read_bytes())
    text = (DEMO_DIR / "seeds" / (plan_file.source or "")).read_text(encoding="utf-8")
    return import_plan(plan_file, source_text=text).plan


# ------------------------------------------------------------------ a first import


def test_a_minimal_plan_file_imports(registered: None) -> None:
    result = import_plan(planfile.parse({"document": {"number": "7/KH-UBND"}}))
    assert result.created
    assert result.plan.document.number == "7/KH-UBND"
    assert result.counts == {"targets": 0, "tasks": 0, "reporting": 0, "deadlines": 0}
    assert result.unresolved == []


def test_a_plan_without_a_number_is_known_by_its_title(registered: None) -> None:
    first = import_plan(planfile.parse({"document": {"title": "Kế hoạch không số"}}))
    again = import_plan(planfile.parse({"document": {"title": "KẾ HOẠCH  không số"}}))
    assert not again.created
    assert again.plan.pk == first.plan.pk


def test_a_small_plan_imports_every_item_with_resolved_leads(registered: None) -> None:
    result = import_plan(planfile.parse(small_plan()), status=PlanStatus.ACTIVE)
    plan = result.plan
    assert result.counts == {"targets": 2, "tasks": 3, "reporting": 1, "deadlines": 1}
    assert result.unresolved == []
    assert plan.status == PlanStatus.ACTIVE
    assert (plan.period_start, plan.period_end) == (2025, 2025)
    task = plan.tasks.get(code="K001")
    assert task.lead_agency is not None and task.lead_agency.code == "so-y-te"
    assert [a.code for a in task.coordinating_agencies.all()] == ["so-tai-chinh"]
    group_task = plan.tasks.get(code="K002")
    assert group_task.lead_group is not None and group_task.lead_group.code == "cac-so-ban-nganh"
    assert group_task.lead_agency is None
    rule = plan.reporting_rules.get()
    assert rule.due_day == 20
    assert rule.recipient_agency is not None and rule.recipient_agency.code == "so-tai-chinh"
    chain = queries.document_chain(plan.document)
    assert [d.number for d in chain["implements"]] == ["45/NQ-HĐND"]
    assert [d.number for d in chain["references"]] == ["01/NQ-CP"]
    assert AuditEntry.objects.filter(action="import_plan", object_id=str(plan.pk)).count() == 1


def test_items_without_ids_get_codes_in_order(registered: None) -> None:
    data = small_plan()
    for item in data["targets"] + data["tasks"]:
        del item["id"]
    plan = import_plan(planfile.parse(data)).plan
    assert list(plan.targets.values_list("code", flat=True)) == ["T01", "T02"]
    assert list(plan.tasks.values_list("code", flat=True)) == ["K001", "K002", "K003"]


def test_a_task_given_only_as_a_quote_gets_its_paragraph_from_the_source_text(
    registered: None,
) -> None:
    data = small_plan()
    del data["tasks"][2]["text"]
    data["tasks"][2]["quote"] = "Xúc tiến thương mại"
    source = "2.1. Nhiệm vụ\nXúc tiến thương mại,   đầu tư và du lịch năm 2025.\nHết."
    plan = import_plan(planfile.parse(data), source_text=source).plan
    task = plan.tasks.get(code="K003")
    assert task.text == "Xúc tiến thương mại, đầu tư và du lịch năm 2025."
    assert task.quote == "Xúc tiến thương mại"
    assert plan.document.source_text == source


# ------------------------------------------------------------------ the round trip


@pytest.mark.parametrize("path", PLAN_FILES, ids=DEMO_IDS)
def test_load_then_export_of_a_demo_plan_loses_nothing(registered: None, path: Path) -> None:
    plan = import_demo(path)
    exported = planfile.dump(queries.plan_to_file(plan))
    assert_every_input_field_comes_back(json.loads(path.read_text(encoding="utf-8")), exported)


@pytest.mark.parametrize("path", PLAN_FILES, ids=DEMO_IDS)
def test_export_then_load_then_export_of_a_demo_plan_is_identical(
    registered: None, path: Path
) -> None:
    plan = import_demo(path)
    first = planfile.dumps(queries.plan_to_file(plan))
    before = counts()
    again = import_plan(planfile.loads(first))
    assert not again.created and again.plan.pk == plan.pk
    assert planfile.dumps(queries.plan_to_file(again.plan)) == first
    assert {k: v for k, v in counts().items() if k != "AuditEntry"} == {
        k: v for k, v in before.items() if k != "AuditEntry"
    }


def test_the_round_trip_of_a_small_plan_keeps_every_field(registered: None) -> None:
    data = small_plan()
    plan = import_plan(planfile.parse(data)).plan
    exported = planfile.dump(queries.plan_to_file(plan))
    assert_every_input_field_comes_back(data, exported)
    assert exported["targets"][1]["value"] == 40.5
    assert exported["targets"][0]["low"] == 10 and exported["targets"][0]["high"] == 11


def test_importing_both_demo_plans_leaves_no_name_unresolved(registered: None) -> None:
    results = load_demo_plans()
    assert [r.unresolved for r in results] == [[], []]
    assert [r.counts["tasks"] for r in results] == [61, 125]
    assert not Agency.objects.filter(provisional=True).exists()
    assert not AgencyGroup.objects.filter(provisional=True).exists()
    for model in (Target, Task):
        leads = model.objects.exclude(lead_name="")
        assert not leads.filter(lead_agency=None, lead_group=None).exists(), model.__name__


def test_every_coordinating_name_in_the_demo_plans_resolves(registered: None) -> None:
    load_demo_plans()
    for task in Task.objects.prefetch_related("coordinating_agencies", "coordinating_groups"):
        resolved = task.coordinating_agencies.count() + task.coordinating_groups.count()
        assert resolved == len(task.coordinating_names), (task.code, task.coordinating_names)


def test_a_reference_without_a_date_links_to_the_known_document_of_that_number(
    registered: None,
) -> None:
    data = small_plan()
    data["references"] = [{"number": "522/QĐ-TTg", "date": "2018-05-14", "title": "Đề án"}]
    import_plan(planfile.parse(data))
    later = small_plan()
    later["document"]["number"] = "100/KH-UBND"
    later["references"] = [{"number": "522/QĐ-TTg", "date": None}]
    plan = import_plan(planfile.parse(later)).plan
    assert LegalDocument.objects.filter(number="522/QĐ-TTg").count() == 1
    exported = planfile.dump(queries.plan_to_file(plan))
    assert exported["references"] == [
        {"number": "522/QĐ-TTg", "date": "2018-05-14", "title": "Đề án"}
    ]


# ------------------------------------------------------------------ importing again


def test_loading_the_same_document_twice_updates_instead_of_duplicating(registered: None) -> None:
    first = import_plan(planfile.parse(small_plan()))
    before = counts()
    again = import_plan(planfile.parse(small_plan()))
    assert not again.created
    assert again.plan.pk == first.plan.pk
    after = counts()
    assert after.pop("AuditEntry") == before.pop("AuditEntry") + 1
    assert after == before


def test_loading_a_changed_file_updates_values_and_removes_what_is_gone(registered: None) -> None:
    plan = import_plan(planfile.parse(small_plan())).plan
    task_pk = plan.tasks.get(code="K001").pk
    data = small_plan()
    data["targets"][1]["value"] = 42
    data["tasks"][0]["text"] = "Nâng cao chất lượng khám chữa bệnh tuyến xã"
    data["tasks"][0]["lead"] = "Sở Tài chính"
    del data["tasks"][1]
    data["tasks"].append({"id": "K004", "lead": "Sở Y tế", "text": "Chuyển đổi số y tế"})
    data["reporting"] = []
    result = import_plan(planfile.parse(data))
    assert not result.created
    assert Target.objects.get(plan=plan, code="T02").value == Decimal("42")
    assert list(plan.tasks.order_by("position").values_list("code", flat=True)) == [
        "K001",
        "K003",
        "K004",
    ]
    task = plan.tasks.get(code="K001")
    assert task.pk == task_pk  # updated in place
    assert task.text.endswith("tuyến xã")
    assert task.lead_agency is not None and task.lead_agency.code == "so-tai-chinh"
    assert not plan.reporting_rules.exists()
    entry = AuditEntry.objects.filter(action="import_plan").first()
    assert entry is not None and entry.before is not None and entry.after is not None
    assert (entry.before["tasks"], entry.after["tasks"]) == (3, 3)
    assert entry.before["reporting"] == 1 and entry.after["reporting"] == 0


def test_an_error_in_the_middle_of_an_import_leaves_the_database_unchanged(
    registered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_plan(planfile.parse(small_plan()))
    before = counts()
    data = small_plan()
    data["targets"][1]["value"] = 99
    data["targets"].append(
        {"id": "T03", "indicator": "Chỉ số mới", "comparator": "eq", "value": 1, "lead": "Ban X"}
    )

    def broken(*args: Any, **kwargs: Any) -> int:
        assert Target.objects.filter(code="T03").exists()  # targets were written
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_sync_tasks", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        import_plan(planfile.parse(data))
    assert counts() == before
    assert Target.objects.get(code="T02").value == Decimal("40.5")
    assert not Agency.objects.filter(name="Ban X").exists()


def test_an_error_in_a_first_import_leaves_no_plan_behind(
    registered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = counts()

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_sync_tasks", broken)
    with pytest.raises(RuntimeError):
        import_plan(planfile.parse(small_plan()))
    assert counts() == before


def test_an_unknown_status_is_refused_and_nothing_is_written(registered: None) -> None:
    before = counts()
    with pytest.raises(ValueError, match="unknown plan status"):
        import_plan(planfile.parse(small_plan()), status="archived")
    assert counts() == before


# ------------------------------------------------------------------ unknown names


def _plan_naming(lead: str, coordinating: list[str] | None = None) -> planfile.PlanFile:
    data = small_plan()
    data["tasks"][2]["lead"] = lead
    data["tasks"][2]["coordinating"] = coordinating or []
    return planfile.parse(data)


def test_an_unknown_name_becomes_a_provisional_agency_listed_as_unresolved(
    registered: None,
) -> None:
    result = import_plan(_plan_naming("Trung tâm Xúc tiến Đầu tư", ["Công ty TNHH ABC"]))
    assert result.unresolved == ["Công ty TNHH ABC", "Trung tâm Xúc tiến Đầu tư"]
    task = result.plan.tasks.get(code="K003")
    assert task.lead_agency is not None
    assert task.lead_agency.provisional
    assert task.lead_agency.name == "Trung tâm Xúc tiến Đầu tư"
    assert [a.name for a in task.coordinating_agencies.all()] == ["Công ty TNHH ABC"]
    assert set(queries.unresolved_agencies().values_list("name", flat=True)) == {
        "Công ty TNHH ABC",
        "Trung tâm Xúc tiến Đầu tư",
    }
    assert AuditEntry.objects.filter(action="create_provisional_agency").count() == 2


def test_a_second_spelling_of_an_unknown_name_reuses_its_provisional_agency(
    registered: None,
) -> None:
    import_plan(_plan_naming("Trung tâm Xúc tiến Đầu tư"))
    data = small_plan()
    data["document"]["number"] = "100/KH-UBND"
    data["tasks"][2]["lead"] = "TRUNG TÂM XÚC TIẾN ĐẦU TƯ"
    import_plan(planfile.parse(data))
    assert Agency.objects.filter(provisional=True).count() == 1


def test_mapping_a_provisional_agency_moves_its_tasks_and_teaches_the_register(
    registered: None,
) -> None:
    result = import_plan(_plan_naming("Trung tâm Xúc tiến Đầu tư", ["Trung tâm Xúc tiến Đầu tư"]))
    provisional = Agency.objects.get(provisional=True)
    real = Agency.objects.get(code="so-ke-hoach-va-dau-tu")
    map_provisional_agency(provisional, to_agency=real)

    task = result.plan.tasks.get(code="K003")
    assert task.lead_agency == real
    assert list(task.coordinating_agencies.all()) == [real]
    assert task.lead_name == "Trung tâm Xúc tiến Đầu tư"  # as written stays
    assert not Agency.objects.filter(pk=provisional.pk).exists()
    alias = AgencyAlias.objects.get(name="Trung tâm Xúc tiến Đầu tư")
    assert alias.agency == real
    entry = AuditEntry.objects.get(action="map_provisional_agency")
    assert entry.before == {"provisional": "Trung tâm Xúc tiến Đầu tư"}
    assert entry.object_id == str(real.pk)

    data = small_plan()
    data["document"]["number"] = "100/KH-UBND"
    data["tasks"][0]["lead"] = "Trung tâm Xúc tiến Đầu tư"
    later = import_plan(planfile.parse(data))
    assert later.unresolved == []
    assert later.plan.tasks.get(code="K001").lead_agency == real
    assert not Agency.objects.filter(provisional=True).exists()


def test_a_provisional_agency_can_be_mapped_to_a_group(registered: None) -> None:
    result = import_plan(_plan_naming("Các sở ngành liên quan"))
    provisional = Agency.objects.get(provisional=True)
    group = AgencyGroup.objects.get(code="cac-so-ban-nganh")
    map_provisional_agency(provisional, to_group=group)
    task = result.plan.tasks.get(code="K003")
    assert (task.lead_agency, task.lead_group) == (None, group)
    assert AgencyAlias.objects.get(name="Các sở ngành liên quan").group == group


def test_mapping_refuses_a_real_agency_or_two_targets(registered: None) -> None:
    import_plan(_plan_naming("Trung tâm Xúc tiến Đầu tư"))
    provisional = Agency.objects.get(provisional=True)
    real = Agency.objects.get(code="so-y-te")
    group = AgencyGroup.objects.get(code="cac-so-ban-nganh")
    with pytest.raises(ValueError, match="not a provisional agency"):
        map_provisional_agency(real, to_agency=Agency.objects.get(code="so-tai-chinh"))
    with pytest.raises(ValueError, match="exactly one"):
        map_provisional_agency(provisional, to_agency=real, to_group=group)
    with pytest.raises(ValueError, match="exactly one"):
        map_provisional_agency(provisional)
    assert Agency.objects.filter(pk=provisional.pk, provisional=True).exists()


# ------------------------------------------------------------------ tasks with reports


def report_on(plan: Plan, *codes: str) -> None:
    """The plan's 2025 calendar, and January reports saying something about ``codes``
    (each by its lead agency)."""
    from planwatch.reporting.actions import ProgressInput, generate_calendar, save_report
    from planwatch.reporting.models import Report

    generate_calendar(plan, year=2025)
    for code in codes:
        task = plan.tasks.get(code=code)
        report = Report.objects.get(
            period__plan=plan, period__key="2025-01", agency=task.lead_agency
        )
        save_report(
            report, narrative="", progress=[ProgressInput(task, "in_progress", 10)], figures=[]
        )


def test_a_file_that_drops_tasks_with_reports_is_refused_naming_them(registered: None) -> None:
    plan = import_plan(planfile.parse(small_plan())).plan
    report_on(plan, "K001", "K003")
    before = counts()
    data = small_plan()
    data["targets"][1]["value"] = 99
    data["tasks"] = [data["tasks"][1]]  # K001 and K003 have reports, K002 has none
    with pytest.raises(actions.ImportRefused) as refused:
        import_plan(planfile.parse(data))
    assert str(refused.value) == (
        "tasks K001, K003 have reports and cannot be removed; keep them in the file or close "
        "the plan"
    )
    assert refused.value.codes == ["K001", "K003"]
    assert isinstance(refused.value, ValueError)
    assert counts() == before  # nothing written
    assert Target.objects.get(plan=plan, code="T02").value == Decimal("40.5")
    assert sorted(plan.tasks.values_list("code", flat=True)) == ["K001", "K002", "K003"]

    data = small_plan()
    del data["tasks"][0]
    with pytest.raises(actions.ImportRefused, match=r"^task K001 has reports .* keep it in"):
        import_plan(planfile.parse(data))

    # a task nobody reported on may go; the reported ones stay, updated
    data = small_plan()
    del data["tasks"][1]
    data["tasks"][0]["text"] = "Nâng cao chất lượng khám chữa bệnh tuyến xã"
    import_plan(planfile.parse(data))
    assert sorted(plan.tasks.values_list("code", flat=True)) == ["K001", "K003"]
    assert plan.tasks.get(code="K001").progress.count() == 1
