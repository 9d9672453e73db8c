"""Who may open which page: role checks shared by every view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from planwatch.accounts.choices import Role

READERS = (Role.LEADERSHIP, Role.CONSOLIDATOR, Role.REPORTER, Role.STATISTICS, Role.VIEWER)
MANAGERS = (Role.CONSOLIDATOR,)


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


def require_roles(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Send anonymous visitors to the login page and refuse users without one of ``roles``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator
