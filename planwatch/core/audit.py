"""Writing audit records; called by every action function inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from planwatch.core.models import AuditEntry


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "username", None) or actor)


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    before: Any = None,
    after: Any = None,
    message: str = "",
    object_type: str = "",
) -> AuditEntry:
    """Write one audit entry. ``actor`` is a user or ``None`` for the system (CLI, migrations)."""
    user = actor if getattr(actor, "pk", None) is not None else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        message=message,
    )
