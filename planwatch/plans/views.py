"""Plan pages. Thin: reads come from ``queries``, writes from ``actions``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planwatch.core.permissions import MANAGERS, READERS, has_role, require_roles
from planwatch.plans import actions, planfile, queries
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan


@require_roles(*READERS)
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": queries.plan_list()})


@require_roles(*READERS)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=pk)
    task_filter = queries.TaskFilter.from_params(request.GET)
    tasks = task_filter.apply(queries.task_queryset().filter(plan=plan))
    grouped = queries.tasks_by_lead(tasks)
    targets = list(queries.plan_targets(plan))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "document": plan.document,
            "chain": queries.document_chain(plan.document),
            "implemented_by": queries.implemented_by(plan.document),
            "main_targets": [t for t in targets if t.main],
            "other_targets": [t for t in targets if not t.main],
            "task_groups": grouped,
            "task_count": sum(len(items) for _, _, items in grouped),
            "total_tasks": plan.tasks.count(),
            "filter": task_filter,
            "lead_choices": queries.lead_choices(plan),
            "section_choices": queries.section_choices(plan),
            "reporting_rules": plan.reporting_rules.select_related(
                "reporter_agency", "reporter_group", "recipient_agency", "recipient_group"
            ),
            "deadlines": plan.deadlines.all(),
            "statuses": PlanStatus.choices,
            "can_manage": has_role(request.user, *MANAGERS),
        },
    )


@require_roles(*READERS)
def plan_source(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=pk)
    return render(request, "plans/plan_source.html", {"plan": plan, "document": plan.document})


@require_roles(*READERS)
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=pk)
    response = HttpResponse(
        planfile.dumps(queries.plan_to_file(plan)), content_type="application/json; charset=utf-8"
    )
    name = (plan.document.number or f"plan-{plan.pk}").replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.plan.json"'
    return response


@require_POST
@require_roles(*MANAGERS)
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=pk)
    status = request.POST.get("status", "")
    if status not in PlanStatus.values:
        messages.error(request, _("Unknown status."))
    else:
        actions.set_plan_status(plan, status, actor=request.user)
        messages.success(
            request, _("The plan is now %(status)s.") % {"status": PlanStatus(status).label}
        )
    return redirect(plan)
