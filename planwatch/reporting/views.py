"""Reporting pages. Thin: reads come from ``queries``, writes from ``actions``.

Every report a page shows or changes is looked up through
:func:`planwatch.reporting.queries.visible_reports`: a reporter asking for another agency's
report (guessing its id) gets "not found", not a refusal that would confirm it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from planwatch.accounts.choices import Role
from planwatch.accounts.models import User
from planwatch.core.permissions import MANAGERS, READERS, has_role, require_roles
from planwatch.core.templatetags.planwatch import vnum
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan, Target
from planwatch.reporting import actions, queries
from planwatch.reporting.calendar import local_date
from planwatch.reporting.choices import Compliance, FigureKind, ProgressStatus, ReportState
from planwatch.reporting.exports import period_workbook
from planwatch.reporting.forms import (
    AdHocForm,
    CalendarForm,
    DueDateForm,
    FigureForm,
    PlanChoiceForm,
    ReportEditor,
    ReturnForm,
    differs_much,
)
from planwatch.reporting.models import (
    Figure,
    Notification,
    Report,
    ReportingPeriod,
    ReportVersion,
    TaskProgress,
)

SEE_ALL = tuple(queries.SEE_ALL)
FIGURE_ROLES = (Role.STATISTICS, Role.CONSOLIDATOR)
EDITABLE = tuple(actions.EDITABLE)
DONE_STATES = queries.CONSOLIDATED_STATES
MAX_OPEN, MAX_DONE = 200, 50
RECENT_FIGURES = 30
NOTIFICATIONS_PER_PAGE = 50


def _visible(request: HttpRequest) -> QuerySet[Report]:
    return queries.visible_reports(request.user)


def _report_or_404(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(_visible(request), pk=pk)


def can_write(user: Any, report: Report) -> bool:
    """The agency's own reporter: the only one who fills in and submits its report."""
    return has_role(user, Role.REPORTER) and user.agency_id == report.agency_id


def _year(request: HttpRequest, now: datetime) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return local_date(now).year
    return year if 2000 <= year <= 2100 else local_date(now).year


@dataclass
class Standing:
    report: Report
    compliance: str


# ------------------------------------------------------------------ my reports / periods


@require_roles(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    now = timezone.now()
    context: dict[str, Any] = {
        "now": now,
        "today": local_date(now),
        "can_enter_figures": has_role(user, *FIGURE_ROLES),
    }
    if has_role(user, Role.REPORTER) and user.agency_id is not None:
        mine = _visible(request).filter(agency_id=user.agency_id)
        context["open_reports"] = [
            Standing(r, queries.report_compliance(r, now))
            for r in mine.filter(state__in=EDITABLE).order_by(
                "period__due", "period__plan_id", "pk"
            )[:MAX_OPEN]
        ]
        context["done_reports"] = [
            Standing(r, queries.report_compliance(r, now))
            for r in mine.filter(state__in=DONE_STATES).order_by("-period__due", "-pk")[:MAX_DONE]
        ]
        context["is_reporter"] = True
    if has_role(user, *SEE_ALL):
        year = _year(request, now)
        years = {
            d.year
            for d in ReportingPeriod.objects.filter(plan__status=PlanStatus.ACTIVE).dates(
                "end", "year"
            )
        }
        context.update(
            sees_all=True,
            year=year,
            years=sorted(years | {year}),
            plans=queries.period_summaries(request.user, year),
            active_plans=Plan.objects.filter(status=PlanStatus.ACTIVE)
            .select_related("document")
            .order_by("-document__issued_on", "pk"),
        )
    return render(request, "reporting/index.html", context)


# ------------------------------------------------------------------ a report


@dataclass
class ChangeRow:
    where: str
    what: str
    before: str
    after: str


def _field_label(name: str) -> str:
    labels = {
        "narrative": _("General narrative"),
        "status": _("Status"),
        "percent": _("Percent done"),
        "done": _("What was done"),
        "difficulties": _("Difficulties and obstacles"),
        "proposals": _("Proposals"),
        "attachment": _("Attachment"),
        "value": _("Figure"),
        "unit": _("Unit"),
        "note": _("Note"),
        "added": _("added"),
        "removed": _("removed"),
    }
    return labels.get(name, name)


def _number_text(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return vnum(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def _value_text(part: str, name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # a whole row added or removed
        if part == "task":
            status = _choice_label(ProgressStatus, value.get("status"))
            return f"{status}, {value.get('percent', 0)}%"
        unit = value.get("unit") or ""
        kind = _choice_label(FigureKind, value.get("kind"))
        return f"{_number_text(value.get('value'))} {unit} ({kind})".replace("  ", " ")
    if name == "status":
        return _choice_label(ProgressStatus, value)
    if name == "percent":
        return f"{value}%"
    if name == "value":
        return _number_text(value)
    if name == "attachment":
        return Path(str(value)).name if value else ""
    return str(value)


def _choice_label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _figure_where(change: queries.Change) -> str:
    """``T01 (Ước thực hiện, 15/01/2025–14/02/2025)``: the target, the kind, the period."""
    details = [_choice_label(FigureKind, change.kind)] if change.kind else []
    if change.period_start and change.period_end:
        start, end = (d.strftime("%d/%m/%Y") for d in (change.period_start, change.period_end))
        details.append(f"{start}–{end}")
    name = change.target or ""
    return f"{name} ({', '.join(details)})" if details else name


def _change_rows(changes: list[queries.Change]) -> list[ChangeRow]:
    rows = []
    for change in changes:
        if change.part == "narrative":
            where = _("General narrative")
        elif change.part == "task":
            where = _("Task %(code)s") % {"code": change.item}
        else:
            where = _("Figure %(item)s") % {"item": _figure_where(change)}
        rows.append(
            ChangeRow(
                where=where,
                what=_field_label(change.field),
                before=_value_text(change.part, change.field, change.before),
                after=_value_text(change.part, change.field, change.after),
            )
        )
    return rows


@dataclass
class VersionRow:
    version: ReportVersion
    changes: list[ChangeRow] | None  # None for the first version


def _versions(report: Report) -> list[VersionRow]:
    versions = list(report.versions.select_related("submitted_by").order_by("number"))
    rows = []
    previous: ReportVersion | None = None
    for version in versions:
        changes = (
            None if previous is None else _change_rows(queries.version_changes(previous, version))
        )
        rows.append(VersionRow(version=version, changes=changes))
        previous = version
    rows.reverse()  # the newest first
    return rows


def _owed(report: Report) -> tuple[list[Any], list[Target]]:
    plan = report.period.plan
    return (
        list(queries.tasks_owed(report.agency, plan)),
        list(queries.targets_owed(report.agency, plan)),
    )


def _write_report(request: HttpRequest, report: Report, editor: ReportEditor, submit: bool) -> None:
    """Save (and submit) in one transaction, files included: all of it, or nothing."""
    actions.save_report(
        report,
        narrative=editor.narrative.cleaned_data.get("narrative", ""),
        progress=editor.progress_inputs(),
        figures=editor.figure_inputs(),
        actor=request.user,
        submit=submit,
    )


def _warn_figures(editor: ReportEditor, previous: dict[int, Figure]) -> list[str]:
    """Targets whose new figure differs from the previous one by more than half."""
    codes = []
    for row in editor.targets:
        row.previous = previous.get(row.target.pk)
        value = getattr(row.form, "cleaned_data", {}).get("value") if row.form.is_bound else None
        if not row.form.is_bound and row.existing is not None:
            value = row.existing.value
        row.warning = differs_much(value, row.previous)
        if row.warning:
            codes.append(row.target.code)
    return codes


@require_http_methods(["GET", "POST"])
@require_roles(*READERS)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    now = timezone.now()
    writer = can_write(request.user, report)
    editable = writer and report.state in EDITABLE
    status = 200
    editor: ReportEditor | None = None
    if request.method == "POST":
        if not writer:
            raise PermissionDenied
        if not editable:
            messages.error(request, _("This report can no longer be changed."))
            return redirect(report)
        tasks, targets = _owed(report)
        editor = ReportEditor(report, tasks, targets, data=request.POST, files=request.FILES)
        submit = request.POST.get("action") == "submit"
        valid = editor.is_valid()
        warned = _warn_figures(editor, queries.previous_figures(report, targets))
        if valid:
            try:
                _write_report(request, report, editor, submit)
            except ValueError as exc:
                report.refresh_from_db()
                messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": str(exc)})
            else:
                if submit:
                    messages.success(
                        request,
                        _("The report was submitted (version %(n)d).")
                        % {"n": report.version_count},
                    )
                else:
                    messages.success(request, _("The draft was saved."))
                if warned:
                    messages.warning(
                        request,
                        _(
                            "Check these figures: each differs from the previous one by more "
                            "than 50%%: %(codes)s."
                        )
                        % {"codes": ", ".join(warned)},
                    )
                return redirect(report)
        else:
            count = editor.error_count()
            messages.error(
                request,
                ngettext(
                    "Nothing was saved: %(n)d field needs correcting.",
                    "Nothing was saved: %(n)d fields need correcting.",
                    count,
                )
                % {"n": count},
            )
        status = 400
    context: dict[str, Any] = {
        "report": report,
        "period": report.period,
        "plan": report.period.plan,
        "compliance": queries.report_compliance(report, now),
        "editable": editable,
        "can_decide": has_role(request.user, *MANAGERS) and report.state == ReportState.SUBMITTED,
        "can_see_period": has_role(request.user, *SEE_ALL),
        "versions": _versions(report),
        "return_form": ReturnForm(),
    }
    if editable:
        if editor is None:
            tasks, targets = _owed(report)
            editor = ReportEditor(report, tasks, targets)
            _warn_figures(editor, queries.previous_figures(report, targets))
        context["editor"] = editor
        previous = queries.previous_report(report)
        context["previous"] = previous
        context["previous_narrative"] = previous.narrative if previous else ""
        context["max_attachment_mb"] = actions.max_attachment_bytes() // (1024 * 1024)
    else:
        context["progress"] = list(
            report.progress.select_related("task").order_by("task__position", "task__pk")
        )
        context["figures"] = list(
            report.figures.select_related("target", "indicator").order_by(
                "target__position", "indicator__name", "pk"
            )
        )
    return render(request, "reporting/report.html", context, status=status)


@require_roles(*READERS)
def report_attachment(request: HttpRequest, pk: int, progress_pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    row = get_object_or_404(
        TaskProgress.objects.exclude(attachment=""), report=report, pk=progress_pk
    )
    try:
        handle = row.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("the file is missing") from None
    name = Path(str(row.attachment.name)).name
    return cast(HttpResponse, FileResponse(handle, as_attachment=True, filename=name))


@require_POST
@require_roles(*MANAGERS)
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        actions.accept_report(report, actor=request.user)
    except actions.ReportLocked:
        messages.error(request, _("Only a submitted report can be accepted."))
    else:
        messages.success(request, _("The report was accepted."))
    return redirect(report)


@require_POST
@require_roles(*MANAGERS)
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The report was not returned: %(reason)s")
            % {"reason": " ".join(str(e) for e in form.errors.get("comment", []))},
        )
        return redirect(report)
    try:
        actions.return_report(report, comment=form.cleaned_data["comment"], actor=request.user)
    except actions.ReportLocked:
        messages.error(request, _("Only a submitted report can be returned."))
    else:
        messages.success(request, _("The report was returned to the agency with your comment."))
    return redirect(report)


# ------------------------------------------------------------------ a period


def _period_page(
    request: HttpRequest,
    period: ReportingPeriod,
    *,
    due_form: DueDateForm | None = None,
    adhoc_form: AdHocForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    consolidation = queries.period_consolidation(period, now=now)
    by = "task" if request.GET.get("by") == "task" else "section"
    manager = has_role(request.user, *MANAGERS)
    return render(
        request,
        "reporting/period.html",
        {
            "period": period,
            "plan": period.plan,
            "consolidation": consolidation,
            "narratives": [
                s.report
                for s in consolidation.reports
                if s.report.state in DONE_STATES and s.report.narrative
            ],
            "figures": queries.period_figures(request.user, period),
            "by": by,
            "can_manage": manager,
            "due_form": due_form or DueDateForm(initial={"due": period.due}),
            "adhoc_form": adhoc_form or AdHocForm(),
            "year": period.end.year,
        },
        status=status,
    )


def _period_or_404(pk: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod.objects.select_related("plan__document"), pk=pk)


@require_roles(*SEE_ALL)
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_page(request, _period_or_404(pk))


@require_roles(*SEE_ALL)
def period_export(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_or_404(pk)
    content = period_workbook(
        period,
        queries.period_consolidation(period, now=timezone.now()),
        queries.period_figures(request.user, period),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    number = (period.plan.document.number or f"plan-{period.plan_id}").replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{number}-{period.key}.xlsx"'
    return response


@require_POST
@require_roles(*MANAGERS)
def period_due(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period_or_404(pk)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The due date was not changed; see the form below."))
        return _period_page(request, period, due_form=form, status=400)
    old = period.due
    actions.change_due_date(
        period, due=form.cleaned_data["due"], reason=form.cleaned_data["reason"], actor=request.user
    )
    messages.success(
        request,
        _("The due date moved from %(old)s to %(new)s.")
        % {"old": old.strftime("%d/%m/%Y"), "new": period.due.strftime("%d/%m/%Y")},
    )
    return redirect(period)


@require_POST
@require_roles(*MANAGERS)
def plan_ad_hoc(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=plan_pk)
    form = AdHocForm(request.POST)
    origin = None
    if (request.POST.get("from_period") or "").isdigit():
        origin = ReportingPeriod.objects.filter(
            plan=plan, pk=int(request.POST["from_period"])
        ).first()

    def again(status: int = 400) -> HttpResponse:
        if origin is not None:
            return _period_page(request, origin, adhoc_form=form, status=status)
        return _matrix_page(request, plan, adhoc_form=form, status=status)

    if not form.is_valid():
        messages.error(request, _("The request was not added; see the form below."))
        return again()
    if not _visible(request).filter(period__plan=plan).exists():
        messages.error(
            request,
            _("No agency owes reports in this plan yet: make the reporting calendar first."),
        )
        return again()
    data = form.cleaned_data
    try:
        period = actions.add_ad_hoc_request(
            plan,
            title=data["title"],
            due=data["due"],
            start=data["start"],
            end=data["end"],
            actor=request.user,
        )
    except ValueError as exc:
        messages.error(request, _("The request was not added: %(reason)s") % {"reason": exc})
        return again()
    count = _visible(request).filter(period=period).count()
    messages.success(
        request,
        ngettext(
            "The request was added; %(n)d agency owes a report.",
            "The request was added; %(n)d agencies owe a report.",
            count,
        )
        % {"n": count},
    )
    return redirect(period)


# ------------------------------------------------------------------ the compliance matrix


def _matrix_page(
    request: HttpRequest,
    plan: Plan,
    *,
    adhoc_form: AdHocForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    year = _year(request, now)
    matrix = queries.compliance_matrix(plan, year=year, now=now)
    years = {d.year for d in ReportingPeriod.objects.filter(plan=plan).dates("end", "year")}
    return render(
        request,
        "reporting/matrix.html",
        {
            "plan": plan,
            "matrix": matrix,
            "year": year,
            "years": sorted(years | {year}),
            "can_manage": has_role(request.user, *MANAGERS),
            "calendar_form": CalendarForm(initial={"year": year}),
            "legend": list(Compliance.values),
            "adhoc_form": adhoc_form or AdHocForm(),
            "now": now,
        },
        status=status,
    )


@require_roles(*SEE_ALL)
def compliance_matrix(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=plan_pk)
    return _matrix_page(request, plan)


@require_POST
@require_roles(*MANAGERS)
def make_calendar(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("document"), pk=plan_pk)
    form = CalendarForm(request.POST)
    url = reverse("reporting:matrix", args=[plan.pk])
    if not form.is_valid():
        messages.error(request, _("Give a year from 2000 to 2100."))
        return redirect(url)
    year = form.cleaned_data["year"]
    result = actions.generate_calendar(plan, year=year, actor=request.user)
    if result.periods_created or result.reports_created:
        messages.success(
            request,
            _("Calendar of %(year)d: %(periods)d periods and %(reports)d expected reports added.")
            % {"year": year, "periods": result.periods_created, "reports": result.reports_created},
        )
    else:
        messages.info(
            request,
            _("Nothing to add: the plan's reporting rules give no new period for %(year)d.")
            % {"year": year},
        )
    return redirect(f"{url}?year={year}")


# ------------------------------------------------------------------ figures


@require_http_methods(["GET", "POST"])
@require_roles(*FIGURE_ROLES)
def figures(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    plan_form = PlanChoiceForm(source if source.get("plan") else None)
    plan = plan_form.cleaned_data["plan"] if plan_form.is_bound and plan_form.is_valid() else None
    form: FigureForm | None = None
    status = 200
    if request.method == "POST":
        if plan is None:
            messages.error(request, _("Choose a plan first."))
            status = 400
        else:
            form = FigureForm(request.POST, plan=plan)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    actions.record_figure(
                        data["target"],
                        value=data["value"],
                        kind=data["kind"],
                        period_start=data["period_start"],
                        period_end=data["period_end"],
                        area=data["area"],
                        source=data["source"],
                        note=data["note"],
                        actor=request.user,
                    )
                except ValueError as exc:
                    messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": exc})
                    status = 400
                else:
                    messages.success(
                        request,
                        _("The figure for %(target)s was recorded.")
                        % {"target": data["target"].code},
                    )
                    return redirect(f"{reverse('reporting:figures')}?plan={plan.pk}")
            else:
                messages.error(request, _("Nothing was saved; correct the fields marked below."))
                status = 400
    if plan is not None and form is None:
        form = FigureForm(plan=plan)
    recent = (
        Figure.objects.filter(report__isnull=True)
        .select_related("indicator", "target__plan__document", "entered_by")
        .order_by("-entered_at", "-pk")[:RECENT_FIGURES]
    )
    return render(
        request,
        "reporting/figures.html",
        {"plan_form": plan_form, "plan": plan, "form": form, "recent": recent},
        status=status,
    )


# ------------------------------------------------------------------ notifications


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # require_roles let only signed-in users through
    return user


@require_roles(*READERS)
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(user=_me(request)).order_by("-created_at", "-pk")
    page = Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/notifications.html",
        {"page": page, "items": page.object_list},
    )


@require_POST
@require_roles(*READERS)
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = actions.mark_notifications_read(_me(request))
    if count:
        messages.success(
            request,
            ngettext(
                "%(n)d notification marked as read.", "%(n)d notifications marked as read.", count
            )
            % {"n": count},
        )
    return redirect("reporting:notifications")
