"""Reads of plans: finding a plan, and pages whose query count does not grow with tasks."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries, DjangoDbBlocker

from planwatch.accounts.models import User
from planwatch.demo.setup import load_demo_plans
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.plans import planfile, queries
from planwatch.plans.actions import import_plan
from planwatch.plans.models import Plan
from tests.conftest import Personas, client_for, make_personas, module_transaction

MAX_QUERIES = 30


@dataclass
class World:
    personas: Personas
    plans: dict[str, Plan]  # "01", "NQ12" (the demo plans) and "small" (one task)


def _build_world() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    results = load_demo_plans()
    plans = {"01": results[0].plan, "NQ12": results[1].plan, "small": one_task_plan()}
    return World(personas=make_personas(), plans=plans)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    """The register, both demo plans, a one-task plan and the personas, built once."""
    yield from module_transaction(django_db_blocker, _build_world)


@pytest.fixture
def world(db: None, module_world: World) -> World:
    return copy.deepcopy(module_world)


def count_queries(user: User, url: str) -> int:
    client = client_for(user)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def one_task_plan() -> Plan:
    data = {
        "document": {"number": "5/KH-UBND", "issued_on": "2025-01-02"},
        "implements": [{"number": "45/NQ-HĐND", "date": "2024-12-12"}],
        "targets": [{"id": "T01", "indicator": "Số giường bệnh", "comparator": "eq", "value": 40}],
        "tasks": [
            {
                "id": "K001",
                "lead": "Sở Y tế",
                "coordinating": ["Sở Tài chính", "Các sở, ban, ngành"],
                "text": "Một nhiệm vụ",
            }
        ],
        "reporting": [{"who": "Sở Y tế", "to": "Sở Tài chính", "frequency": "annual"}],
    }
    return import_plan(planfile.parse(data)).plan


def test_the_plan_page_of_the_125_task_plan_needs_few_queries(
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    plan = world.plans["NQ12"]
    assert plan.tasks.count() == 125
    client = client_for(world.personas.reporter)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="task"') == 125


def test_the_plan_page_needs_as_many_queries_for_125_tasks_as_for_one(
    world: World,
) -> None:
    small = count_queries(world.personas.viewer, f"/plans/{world.plans['small'].pk}/")
    large = count_queries(world.personas.viewer, f"/plans/{world.plans['NQ12'].pk}/")
    assert large == small
    assert large <= MAX_QUERIES


def test_a_filtered_plan_page_needs_few_queries(
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    plan = world.plans["01"]
    client = client_for(world.personas.viewer)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/plans/{plan.pk}/", {"q": "ho ngheo", "terms": "none"})
    assert response.status_code == 200


def test_the_agency_page_needs_few_queries(
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(world.personas.reporter)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/agencies/so-y-te/")
    assert response.status_code == 200
    assert len(response.context["tasks"]) > 50  # its own and its groups', across both plans


def test_the_agency_page_needs_no_more_queries_when_the_agency_owes_more_tasks(
    world: World,
) -> None:
    def load(count: int) -> int:
        tasks = [
            {
                "id": f"K{n:03d}",
                "lead": ("Sở Y tế", "Các sở, ban, ngành")[n % 2],
                "coordinating": ["Sở Y tế", "Các sở, ban, ngành"],
                "text": f"Việc {n}",
            }
            for n in range(count)
        ]
        import_plan(planfile.parse({"document": {"number": "6/KH-UBND"}, "tasks": tasks}))
        return count_queries(world.personas.reporter, "/agencies/so-y-te/")

    few, many = load(2), load(100)
    assert many == few
    assert many <= MAX_QUERIES


@pytest.mark.parametrize(
    "url", ["/plans/", "/agencies/", "/agencies/groups/cac-so-ban-nganh/", "/agencies/unresolved/"]
)
def test_list_pages_need_few_queries(
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    url: str,
) -> None:
    client = client_for(world.personas.consolidator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


def test_the_plan_file_download_needs_few_queries(
    world: World,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_for(world.personas.viewer)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/plans/{world.plans['NQ12'].pk}/plan.json")
    assert response.status_code == 200


# ------------------------------------------------------------------ finding a plan


def test_a_plan_is_found_by_its_number_written_in_any_spacing(world: World) -> None:
    plan = world.plans["01"]
    assert queries.find_plan("01/CTr-UBND") == plan
    assert queries.find_plan("Số: 01/CTr - UBND") == plan
    assert queries.find_plan("01/ctr-ubnd") == plan


def test_a_plan_without_a_number_is_found_by_its_id(world: World) -> None:
    plan = world.plans["NQ12"]
    assert plan.document.number == ""
    assert queries.find_plan(str(plan.pk)) == plan


def test_an_unknown_plan_number_raises_plan_not_found(world: World) -> None:
    with pytest.raises(queries.PlanNotFound, match="no plan numbered '99/XX'"):
        queries.find_plan("99/XX")


def test_two_plans_sharing_a_number_need_a_year(world: World) -> None:
    for issued in ("2024-01-05", "2025-01-05"):
        import_plan(planfile.parse({"document": {"number": "02/KH-UBND", "issued_on": issued}}))
    with pytest.raises(queries.PlanNotFound, match=r"several plans .*2024, 2025.*--year"):
        queries.find_plan("02/KH-UBND")
    found = queries.find_plan("02/KH-UBND", year=2025)
    assert found.document.issued_on is not None and found.document.issued_on.year == 2025


def test_the_plan_list_counts_targets_and_tasks(world: World) -> None:
    rows = {plan.pk: plan for plan in queries.plan_list()}
    first, second = rows[world.plans["01"].pk], rows[world.plans["NQ12"].pk]
    assert (first.target_count, first.task_count) == (27, 61)  # type: ignore[attr-defined]
    assert (second.target_count, second.task_count) == (56, 125)  # type: ignore[attr-defined]


def test_the_2025_programme_implements_the_resolutions_it_carries_out(world: World) -> None:
    chain = queries.document_chain(world.plans["01"].document)
    assert [d.number for d in chain["implements"]] == ["01/NQ-CP", "45/NQ-HĐND"]
    assert len(chain["references"]) == 29


def test_the_plan_list_shows_both_seed_plans(world: World) -> None:
    response = client_for(world.personas.consolidator).get("/plans/")
    html = response.content.decode()
    assert "01/CTr-UBND" in html
    assert f"/plans/{world.plans['NQ12'].pk}/" in html
