"""What the header needs on every page: whether to show the reporting links, and how many
of the user's notifications are unread (one query)."""

from __future__ import annotations

from django.http import HttpRequest

from planwatch.core.permissions import READERS, has_role
from planwatch.reporting.models import Notification
from planwatch.reporting.queries import SEE_ALL


def unread_count(request: HttpRequest) -> int:
    """The signed-in user's unread notifications."""
    return Notification.objects.filter(user=request.user.pk, read_at__isnull=True).count()


def reporting(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not has_role(user, *READERS):
        return {"reporting_nav": False, "reporting_sees_all": False, "unread_notifications": 0}
    return {
        "reporting_nav": True,
        # leadership, consolidators, statistics and viewers read every agency's reports
        "reporting_sees_all": has_role(user, *SEE_ALL),
        "unread_notifications": unread_count(request),
    }
