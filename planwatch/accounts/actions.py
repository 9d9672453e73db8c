"""Every write to users and roles: atomic, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from planwatch.accounts.choices import Role
from planwatch.accounts.models import RoleAssignment, User
from planwatch.core import audit
from planwatch.organisations.models import Agency


@transaction.atomic
def create_user(
    username: str,
    *,
    password: str | None,
    agency: Agency | None,
    roles: Iterable[str],
    full_name: str = "",
    email: str = "",
    is_staff: bool = False,
    actor: Any = None,
) -> User:
    """Create a user with an agency and roles, or bring an existing one up to date."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValueError(
            f"unknown role(s): {', '.join(unknown)}; expected {', '.join(Role.values)}"
        )
    first, _, last = full_name.rpartition(" ")
    user, created = User.objects.get_or_create(username=username)
    before = (
        None if created else {"agency": str(user.agency or ""), "roles": sorted(user.role_codes)}
    )
    user.agency = agency
    user.first_name, user.last_name = first, last
    user.email = email
    user.is_staff = is_staff
    if password is not None:
        user.set_password(password)
    user.save()
    user.role_assignments.exclude(role__in=roles).delete()
    for role in roles:
        RoleAssignment.objects.get_or_create(user=user, role=role)
    user._role_codes = set(roles)
    audit.record(
        actor,
        "create_user" if created else "update_user",
        user,
        before=before,
        after={"agency": str(agency or ""), "roles": roles, "staff": is_staff},
    )
    return user
