"""Who may open which page and who may change what: every persona on every page."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

import pytest
from pytest_django import DjangoDbBlocker

from planwatch.accounts.actions import create_user
from planwatch.accounts.models import User
from planwatch.core.models import AuditEntry
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency, AgencyAlias, AgencyGroup
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan
from tests.conftest import Personas, client_for, make_personas, module_transaction

PERSONAS = [
    "leader",
    "consolidator",
    "reporter",
    "other_reporter",
    "statistician",
    "viewer",
    "outsider",
    "anonymous",
]
ROLES = ["leader", "consolidator", "reporter", "other_reporter", "statistician", "viewer"]


@dataclass
class World:
    personas: Personas
    plan: Plan
    provisional: Agency

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self.personas, persona)


T = TypeVar("T")


def _build_world() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    personas = make_personas()
    data = {
        "source": "kh.txt",
        "document": {"number": "77/KH-UBND", "issued_on": "2025-02-01", "title": "Thử"},
        "tasks": [
            {"id": "K001", "lead": "Sở Y tế", "text": "Nâng cao chất lượng y tế cơ sở"},
            {"id": "K002", "lead": "Trung tâm Xúc tiến Đầu tư", "text": "Xúc tiến đầu tư"},
        ],
    }
    plan = import_plan(planfile.parse(data), source_text="Nâng cao chất lượng y tế").plan
    provisional = Agency.objects.get(provisional=True)
    return World(personas=personas, plan=plan, provisional=provisional)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    """The register, the personas and a small plan naming one unknown agency, built once."""
    yield from module_transaction(django_db_blocker, _build_world)


@pytest.fixture
def world(db: None, module_world: World) -> World:
    """A copy of the module's objects for one test, so that no test sees another's edits."""
    return copy.deepcopy(module_world)


def pages(world: World) -> dict[str, str]:
    pk = world.plan.pk
    return {
        "plan-list": "/plans/",
        "plan": f"/plans/{pk}/",
        "plan-source": f"/plans/{pk}/source/",
        "plan-file": f"/plans/{pk}/plan.json",
        "agency-list": "/agencies/",
        "agency": "/agencies/so-y-te/",
        "group": "/agencies/groups/cac-so-ban-nganh/",
        "unresolved": "/agencies/unresolved/",
        "admin": "/admin/",
    }


PAGES = [
    "plan-list",
    "plan",
    "plan-source",
    "plan-file",
    "agency-list",
    "agency",
    "group",
    "unresolved",
    "admin",
]


def expected(persona: str, page: str) -> str:
    """``200``, ``403``, ``login`` (the application's) or ``admin-login``."""
    if page == "admin":
        return "admin-login"  # none of the personas is staff
    if persona == "anonymous":
        return "login"
    if persona == "outsider":
        return "403"
    if page == "unresolved":
        return "200" if persona == "consolidator" else "403"
    return "200"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_its_role_allows_on_each_page(
    db: None, world: World, persona: str, page: str
) -> None:
    url = pages(world)[page]
    response = client_for(world.user(persona)).get(url)
    outcome = expected(persona, page)
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    elif outcome == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=/admin/")
    else:
        assert response.status_code == int(outcome)


def test_a_staff_member_opens_the_admin(db: None, world: World) -> None:
    staff = create_user(
        "admin-user",
        password=None,
        agency=world.personas.consolidator.agency,
        roles=["consolidator"],
        is_staff=True,
    )
    assert client_for(staff).get("/admin/").status_code == 200


def test_the_plan_file_download_is_json_that_loads(db: None, world: World) -> None:
    response = client_for(world.personas.viewer).get(pages(world)["plan-file"])
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="77-KH-UBND.plan.json"' in response["Content-Disposition"]
    assert planfile.loads(response.content).document.number == "77/KH-UBND"


def test_an_unknown_plan_or_agency_is_not_found(db: None, world: World) -> None:
    client = client_for(world.personas.viewer)
    assert client.get("/plans/999999/").status_code == 404
    assert client.get("/agencies/no-such-agency/").status_code == 404
    assert client.get("/agencies/groups/no-such-group/").status_code == 404


# ------------------------------------------------------------------ changing a plan's status


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_consolidator_changes_a_plans_status(db: None, world: World, persona: str) -> None:
    plan = world.plan
    assert plan.status == PlanStatus.DRAFT
    url = f"/plans/{plan.pk}/status/"
    audits = AuditEntry.objects.filter(action="set_plan_status")
    response = client_for(world.user(persona)).post(url, {"status": PlanStatus.ACTIVE})
    plan.refresh_from_db()
    if persona == "consolidator":
        assert response.status_code == 302
        assert response["Location"] == f"/plans/{plan.pk}/"
        assert plan.status == PlanStatus.ACTIVE
        entry = audits.get()
        assert entry.actor == world.personas.consolidator
        assert entry.before == {"status": "draft"}
        assert entry.after == {"status": "active"}
        assert entry.object_id == str(plan.pk)
    else:
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403
        assert plan.status == PlanStatus.DRAFT
        assert not audits.exists()


def test_an_unknown_status_changes_nothing(db: None, world: World) -> None:
    client = client_for(world.personas.consolidator)
    response = client.post(f"/plans/{world.plan.pk}/status/", {"status": "archived"})
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.DRAFT
    assert not AuditEntry.objects.filter(action="set_plan_status").exists()


def test_setting_the_same_status_writes_no_audit_entry(db: None, world: World) -> None:
    client = client_for(world.personas.consolidator)
    client.post(f"/plans/{world.plan.pk}/status/", {"status": PlanStatus.DRAFT})
    assert not AuditEntry.objects.filter(action="set_plan_status").exists()


# ------------------------------------------------------------------ mapping an unknown name


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_consolidator_maps_a_provisional_agency(
    db: None, world: World, persona: str
) -> None:
    provisional = world.provisional
    target = Agency.objects.get(code="so-ke-hoach-va-dau-tu")
    url = f"/agencies/unresolved/{provisional.code}/map/"
    response = client_for(world.user(persona)).post(url, {"agency": target.pk})
    task = world.plan.tasks.get(code="K002")
    if persona == "consolidator":
        assert response.status_code == 302
        assert response["Location"] == "/agencies/unresolved/"
        assert not Agency.objects.filter(pk=provisional.pk).exists()
        assert task.lead_agency == target
        assert AgencyAlias.objects.filter(name=provisional.name, agency=target).exists()
        entry = AuditEntry.objects.get(action="map_provisional_agency")
        assert entry.actor == world.personas.consolidator
    else:
        assert response.status_code == (302 if persona == "anonymous" else 403)
        assert Agency.objects.filter(pk=provisional.pk, provisional=True).exists()
        assert task.lead_agency == provisional
        assert not AuditEntry.objects.filter(action="map_provisional_agency").exists()


def test_mapping_to_both_an_agency_and_a_group_is_refused(db: None, world: World) -> None:
    client = client_for(world.personas.consolidator)
    response = client.post(
        f"/agencies/unresolved/{world.provisional.code}/map/",
        {
            "agency": Agency.objects.get(code="so-y-te").pk,
            "group": AgencyGroup.objects.get(code="cac-so-ban-nganh").pk,
        },
    )
    assert response.status_code == 302
    assert Agency.objects.filter(pk=world.provisional.pk, provisional=True).exists()


def test_mapping_a_real_agency_is_not_found(db: None, world: World) -> None:
    client = client_for(world.personas.consolidator)
    target = Agency.objects.get(code="so-tai-chinh")
    response = client.post("/agencies/unresolved/so-y-te/map/", {"agency": target.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["consolidator", "viewer", "anonymous"])
def test_a_get_on_a_post_only_address_is_not_allowed(db: None, world: World, persona: str) -> None:
    client = client_for(world.user(persona))
    assert client.get(f"/plans/{world.plan.pk}/status/").status_code == 405
    assert client.get(f"/agencies/unresolved/{world.provisional.code}/map/").status_code == 405
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.DRAFT
