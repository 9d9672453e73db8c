"""Finding tasks: diacritic-insensitive search, the task filters, and what an agency owes."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency
from planwatch.plans import planfile, queries
from planwatch.plans.actions import import_plan
from planwatch.plans.models import Plan
from tests.conftest import Personas, client_for, make_personas, module_transaction

TASKS: list[dict[str, Any]] = [
    {
        "id": "K001",
        "section": "1.1 a)",
        "lead": "Sở Lao động - Thương binh và Xã hội",
        "text": "Hỗ trợ hộ nghèo xây dựng, sửa chữa nhà ở",
        "recurring": True,
    },
    {
        "id": "K002",
        "section": "1.1 b)",
        "lead": "Các sở, ban, ngành",
        "text": "Rà soát, cập nhật danh sách HỘ NGHÈO, hộ cận nghèo hằng năm",
        "deadline": "2025-12-31",
    },
    {
        "id": "K003",
        "section": "1.2",
        "lead": "Sở Y tế",
        "text": unicodedata.normalize("NFD", "Cấp thẻ bảo hiểm y tế cho người thuộc hộ nghèo"),
        "coordinating": ["Bảo hiểm xã hội tỉnh"],
    },
    {
        "id": "K004",
        "section": "1.2(b)",
        "lead": "Sở Y tế",
        "text": "Giảm nghèo bền vững, hỗ trợ sinh kế cho người dân",  # "hỗ" … "nghèo", apart
        "deadline": "2025-06-30",
    },
    {
        "id": "K005",
        "section": "1.21",
        "lead": "UBND các huyện, thành phố",
        "text": "Hỗ trợ hộ cận nghèo tham gia bảo hiểm",
        "recurring": True,
    },
    {
        "id": "K006",
        "section": "2.1",
        "lead": "Sở Công Thương",
        "text": "Phát triển thương mại điện tử, hỗ trợ doanh nghiệp",
        "coordinating": ["Sở Y tế", "Các sở, ban, ngành"],
    },
]


@dataclass
class World:
    personas: Personas
    plan: Plan


def _build_world() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    data = {"document": {"number": "88/KH-UBND", "issued_on": "2025-03-01"}, "tasks": TASKS}
    result = import_plan(planfile.parse(data))
    assert result.unresolved == []
    return World(personas=make_personas(), plan=result.plan)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    """The register, the personas and a plan of six tasks, built once for the module."""
    yield from module_transaction(django_db_blocker, _build_world)


@pytest.fixture
def world(db: None, module_world: World) -> World:
    return copy.deepcopy(module_world)


@pytest.fixture
def plan(world: World) -> Plan:
    return world.plan


@pytest.fixture
def personas(world: World) -> Personas:
    """The module's personas (in place of ``tests.conftest``'s, built for each test)."""
    return world.personas


def codes(tasks: Any) -> list[str]:
    return sorted(task.code for task in tasks)


def filtered(plan: Plan, **params: str) -> list[str]:
    task_filter = queries.TaskFilter.from_params(params)
    return codes(task_filter.apply(queries.task_queryset().filter(plan=plan)))


def page_codes(html: str) -> list[str]:
    return sorted(re.findall(r'id="task-(K\d+)"', html))


# ------------------------------------------------------------------ the plan page


def test_searching_without_diacritics_finds_the_tasks_about_poor_households(
    plan: Plan, personas: Personas
) -> None:
    response = client_for(personas.viewer).get(f"/plans/{plan.pk}/?q=ho+ngheo")
    assert response.status_code == 200
    assert page_codes(response.content.decode()) == ["K001", "K002", "K003"]


@pytest.mark.parametrize("query", ["hộ nghèo", "HỘ NGHÈO", "Hộ  Nghèo", "ho ngheo", "HO NGHEO"])
def test_the_case_and_diacritics_of_a_search_do_not_matter(
    plan: Plan, personas: Personas, query: str
) -> None:
    response = client_for(personas.reporter).get(f"/plans/{plan.pk}/", {"q": query})
    assert page_codes(response.content.decode()) == ["K001", "K002", "K003"]


def test_a_search_written_decomposed_finds_the_same_tasks(plan: Plan) -> None:
    assert filtered(plan, q=unicodedata.normalize("NFD", "hộ nghèo")) == ["K001", "K002", "K003"]


def test_a_search_with_no_match_shows_no_task(plan: Plan, personas: Personas) -> None:
    response = client_for(personas.viewer).get(f"/plans/{plan.pk}/", {"q": "giao thông"})
    assert response.status_code == 200
    assert page_codes(response.content.decode()) == []


def test_the_plan_page_without_a_search_shows_every_task(plan: Plan, personas: Personas) -> None:
    response = client_for(personas.viewer).get(f"/plans/{plan.pk}/")
    assert page_codes(response.content.decode()) == [t["id"] for t in TASKS]


def test_a_search_also_finds_a_task_by_its_lead(plan: Plan) -> None:
    assert filtered(plan, q="so y te") == ["K003", "K004", "K006"]


def test_a_search_keeps_punctuation_of_a_figure(world: World) -> None:
    data = {
        "document": {"number": "89/KH-UBND"},
        "tasks": [
            {"id": "K001", "text": "Tăng trưởng 10-11% so với năm trước"},
            {"id": "K002", "text": "Tăng trưởng 10% và 11% năm sau"},
        ],
    }
    plan = import_plan(planfile.parse(data)).plan
    assert filtered(plan, q="10-11%") == ["K001"]


# ------------------------------------------------------------------ TaskFilter


def test_filtering_by_the_code_of_a_lead_agency(plan: Plan) -> None:
    assert filtered(plan, agency="so-y-te") == ["K003", "K004"]


def test_filtering_by_the_code_of_a_lead_group(plan: Plan) -> None:
    assert filtered(plan, agency="cac-so-ban-nganh") == ["K002"]
    assert filtered(plan, agency="ubnd-cac-huyen-thanh-pho") == ["K005"]


def test_filtering_by_an_unknown_agency_code_finds_nothing(plan: Plan) -> None:
    assert filtered(plan, agency="no-such-agency") == []


def test_filtering_by_section_takes_its_subsections_but_not_longer_numbers(plan: Plan) -> None:
    assert filtered(plan, section="1.1") == ["K001", "K002"]
    assert filtered(plan, section="1.2") == ["K003", "K004"]
    assert filtered(plan, section="1.21") == ["K005"]
    assert filtered(plan, section="2") == []


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        ("recurring", ["K001", "K005"]),
        ("deadline", ["K002", "K004"]),
        ("none", ["K003", "K006"]),
        ("", ["K001", "K002", "K003", "K004", "K005", "K006"]),
    ],
)
def test_filtering_by_terms(plan: Plan, terms: str, expected: list[str]) -> None:
    assert filtered(plan, terms=terms) == expected


def test_filters_combine(plan: Plan) -> None:
    assert filtered(plan, q="ho ngheo", agency="so-y-te") == ["K003"]
    assert filtered(plan, q="ngheo", terms="deadline") == ["K002", "K004"]


def test_task_filter_reads_request_parameters_and_knows_when_it_is_active() -> None:
    empty = queries.TaskFilter.from_params({})
    assert not empty.active
    task_filter = queries.TaskFilter.from_params(
        {"q": "  hộ nghèo ", "agency": "so-y-te", "section": "1.1", "terms": "recurring"}
    )
    assert task_filter == queries.TaskFilter(
        q="hộ nghèo", agency="so-y-te", section="1.1", terms="recurring"
    )
    assert task_filter.active
    assert len(queries.TaskFilter.from_params({"q": "x" * 500}).q) == 200


def test_the_plan_page_applies_the_filters_from_its_address(plan: Plan, personas: Personas) -> None:
    client = client_for(personas.viewer)
    by_agency = client.get(f"/plans/{plan.pk}/", {"agency": "so-y-te"})
    assert page_codes(by_agency.content.decode()) == ["K003", "K004"]
    by_terms = client.get(f"/plans/{plan.pk}/", {"terms": "recurring", "section": "1.1"})
    assert page_codes(by_terms.content.decode()) == ["K001"]


def test_lead_and_section_choices_list_what_the_plan_uses(plan: Plan) -> None:
    leads = dict(queries.lead_choices(plan))
    assert set(leads) == {
        "cac-so-ban-nganh",
        "ubnd-cac-huyen-thanh-pho",
        "so-lao-dong-thuong-binh-va-xa-hoi",
        "so-y-te",
        "so-cong-thuong",
    }
    assert queries.section_choices(plan) == ["1.1", "1.2", "1.21", "2.1"]


# ------------------------------------------------------------------ the agency page


def test_an_agency_owes_its_own_tasks_and_those_of_groups_it_belongs_to(plan: Plan) -> None:
    health = Agency.objects.get(code="so-y-te")
    assert codes(queries.agency_tasks(health)) == ["K002", "K003", "K004"]
    assert codes(queries.agency_coordinating_tasks(health)) == ["K006"]
    districts_only = Agency.objects.get(code="ubnd-huyen-binh-xuyen")
    assert codes(queries.agency_tasks(districts_only)) == ["K005"]


def test_the_agency_page_shows_tasks_owed_through_a_group(plan: Plan, personas: Personas) -> None:
    response = client_for(personas.reporter).get("/agencies/so-y-te/")
    assert response.status_code == 200
    assert list(response.context["tasks"].values_list("code", flat=True)) == [
        "K002",
        "K003",
        "K004",
    ]
    assert [t.code for t in response.context["coordinating"]] == ["K006"]
    html = response.content.decode()
    assert "Rà soát, cập nhật danh sách HỘ NGHÈO" in html  # led by "Các sở, ban, ngành"
    assert "Phát triển thương mại điện tử" in html  # coordinating
    assert "Hỗ trợ hộ cận nghèo" not in html  # districts' task


def test_the_agency_page_can_be_searched_without_diacritics(plan: Plan, personas: Personas) -> None:
    response = client_for(personas.reporter).get("/agencies/so-y-te/", {"q": "HO NGHEO"})
    assert [t.code for t in response.context["tasks"]] == ["K002", "K003"]


def test_an_agency_not_in_a_leading_group_does_not_see_its_tasks(
    plan: Plan, personas: Personas
) -> None:
    response = client_for(personas.viewer).get("/agencies/cuc-thong-ke/")
    assert response.status_code == 200
    assert list(response.context["tasks"]) == []


def test_the_group_page_lists_its_members_and_the_tasks_it_leads(
    plan: Plan, personas: Personas
) -> None:
    response = client_for(personas.viewer).get("/agencies/groups/cac-so-ban-nganh/")
    assert response.status_code == 200
    assert [t.code for t in response.context["tasks"]] == ["K002"]
    members = {a.code for a in response.context["members"]}
    assert {"so-y-te", "so-cong-thuong"} <= members
    assert "ubnd-huyen-binh-xuyen" not in members


def test_tasks_are_grouped_by_lead_in_order_of_first_appearance(plan: Plan) -> None:
    grouped = queries.tasks_by_lead(queries.task_queryset().filter(plan=plan))
    assert [(name, [t.code for t in items]) for name, _, items in grouped] == [
        ("Sở Lao động - Thương binh và Xã hội", ["K001"]),
        ("Các sở, ban, ngành", ["K002"]),
        ("Sở Y tế", ["K003", "K004"]),
        ("UBND các huyện, thành phố", ["K005"]),
        ("Sở Công Thương", ["K006"]),
    ]
