"""Shared fixtures: the agency register, the demo plans and named personas.

Every fixture builds its data through the same action functions the application uses.
Personas (like healthchecks' ``hc/test.py``): ``leader``, ``consolidator``, ``reporter``
(Sở Y tế), ``other_reporter`` (Sở Công Thương), ``statistician``, ``viewer`` and
``outsider`` (an account with no role).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import settings as hypothesis_settings
from pytest_django import DjangoDbBlocker

from planwatch.accounts.actions import create_user
from planwatch.accounts.models import User
from planwatch.demo.setup import load_demo_plans
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency
from planwatch.plans.models import Plan

PASSWORD = "correct horse battery staple"


@pytest.fixture
def register(db: None) -> None:
    """The shipped Vĩnh Phúc agency register."""
    load_register_file(REGISTER_DIR / "vinh_phuc.json")


@pytest.fixture
def demo_plans(register: None) -> dict[str, Plan]:
    """Both seed plans, imported from the project's own copies; keyed '01' and 'NQ12'."""
    results = load_demo_plans()
    plans = {r.plan.document.number or "NQ12": r.plan for r in results}
    return {"01": plans["01/CTr-UBND"], "NQ12": plans["NQ12"]}


def agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


@dataclass
class Personas:
    leader: User
    consolidator: User
    reporter: User
    other_reporter: User
    statistician: User
    viewer: User
    outsider: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


def make_personas() -> Personas:
    """The named personas, built through ``create_user`` (the register must be loaded)."""

    def make(username: str, agency_name: str, roles: list[str]) -> User:
        return create_user(username, password=PASSWORD, agency=agency(agency_name), roles=roles)

    return Personas(
        leader=make("leader", "Ủy ban nhân dân tỉnh Vĩnh Phúc", ["leadership"]),
        consolidator=make("consolidator", "Sở Tài chính", ["consolidator"]),
        reporter=make("reporter", "Sở Y tế", ["reporter"]),
        other_reporter=make("other_reporter", "Sở Công Thương", ["reporter"]),
        statistician=make("statistician", "Cục Thống kê tỉnh Vĩnh Phúc", ["statistics"]),
        viewer=make("viewer", "Văn phòng UBND tỉnh", ["viewer"]),
        outsider=make("outsider", "Văn phòng UBND tỉnh", []),
    )


@pytest.fixture
def personas(register: None) -> Personas:
    return make_personas()


T = TypeVar("T")


def module_transaction(blocker: DjangoDbBlocker, build: Callable[[], T]) -> Iterator[T]:
    """For a module-scoped fixture: ``build()`` once, and roll it all back at the end.

    The data is written inside a transaction kept open for the module; each test runs in a
    savepoint of it (the ``db`` fixture), like Django's ``setUpTestData``. Tests should take
    a copy of the built objects (``copy.deepcopy``) so that none sees another's edits.
    """
    with blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            value = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def client_for(user: User | None) -> Client:
    """A test client logged in as ``user`` (anonymous for ``None``)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def pytest_configure(config: pytest.Config) -> None:
    """A fast password hasher: personas are created in many tests."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Property tests are derandomised so that the suite gives the same verdict on every run (a
# red CI must mean a real regression); HYPOTHESIS_PROFILE=explore searches afresh each time.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
