"""Agency pages. Thin: reads come from queries, writes from actions."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planwatch.core.permissions import MANAGERS, READERS, has_role, require_roles
from planwatch.organisations.actions import map_provisional_agency
from planwatch.organisations.choices import AgencyKind
from planwatch.organisations.forms import MapAgencyForm
from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.plans import queries


@require_roles(*READERS)
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = (
        Agency.objects.filter(provisional=False)
        .annotate(
            task_count=Count("led_tasks", distinct=True), user_count=Count("users", distinct=True)
        )
        .order_by("kind", "name")
    )
    groups = AgencyGroup.objects.annotate(
        member_count=Count("members", distinct=True), task_count=Count("led_tasks", distinct=True)
    )
    by_kind = [
        (label, [a for a in agencies if a.kind == kind]) for kind, label in AgencyKind.choices
    ]
    return render(
        request,
        "organisations/agency_list.html",
        {
            "by_kind": [(label, items) for label, items in by_kind if items],
            "groups": groups,
            "unresolved_count": Agency.objects.filter(provisional=True).count(),
            "can_manage": has_role(request.user, *MANAGERS),
        },
    )


@require_roles(*READERS)
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), code=code)
    task_filter = queries.TaskFilter.from_params(request.GET)
    own = task_filter.apply(queries.agency_tasks(agency)).order_by("plan", "position")
    return render(
        request,
        "organisations/agency_detail.html",
        {
            "agency": agency,
            "tasks": own,
            "coordinating": queries.agency_coordinating_tasks(agency).order_by("plan", "position"),
            "targets": agency.led_targets.select_related("plan__document", "indicator").order_by(
                "plan", "position"
            ),
            "groups": agency.groups.all(),
            "aliases": agency.aliases.all(),
            "filter": task_filter,
        },
    )


@require_roles(*READERS)
def group_detail(request: HttpRequest, code: str) -> HttpResponse:
    group = get_object_or_404(AgencyGroup, code=code)
    tasks = queries.task_queryset().filter(Q(lead_group=group)).order_by("plan", "position")
    return render(
        request,
        "organisations/group_detail.html",
        {"group": group, "members": group.members.order_by("name"), "tasks": tasks},
    )


@require_roles(*MANAGERS)
def unresolved(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/unresolved.html",
        {
            "agencies": queries.unresolved_agencies(),
            "agency_options": list(Agency.objects.filter(provisional=False).only("pk", "name")),
            "group_options": list(AgencyGroup.objects.only("pk", "name")),
        },
    )


@require_POST
@require_roles(*MANAGERS)
def map_unresolved(request: HttpRequest, code: str) -> HttpResponse:
    provisional = get_object_or_404(Agency, code=code, provisional=True)
    form = MapAgencyForm(request.POST)
    if form.is_valid():
        target = form.cleaned_data["agency"] or form.cleaned_data["group"]
        map_provisional_agency(
            provisional,
            to_agency=form.cleaned_data["agency"],
            to_group=form.cleaned_data["group"],
            actor=request.user,
        )
        messages.success(
            request,
            _("“%(name)s” now means %(target)s.") % {"name": provisional.name, "target": target},
        )
    else:
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or _("Check the form.")
        )
    return redirect("organisations:unresolved")
