"""Plan pages. Thin: reads come from ``queries``, writes from ``actions``."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from planwatch.core.permissions import MANAGERS, READERS, has_role, require_roles
from planwatch.core.templatetags.planwatch import vnum
from planwatch.extraction import Extraction, ExtractionError, extract_file
from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.plans import actions, planfile, queries, review
from planwatch.plans.choices import Frequency, PlanStatus
from planwatch.plans.conflicts import find_conflicts
from planwatch.plans.forms import (
    AGENCY_LIST_ID,
    ConfirmForm,
    DraftEditor,
    UploadForm,
    max_upload_bytes,
)
from planwatch.plans.models import DraftStatus, Plan, PlanDraft
from planwatch.text import fold, normalise_doc_number


@require_roles(*READERS)
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "plans/plan_list.html",
        {"plans": queries.plan_list(), "can_upload": has_role(request.user, *MANAGERS)},
    )


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


# ------------------------------------------------------------------ drafts from documents


logger = logging.getLogger(__name__)
DRAFTS_PER_PAGE = 50
MAX_POSTED_FIELDS = 50_000  # the review form sent as JSON by review.js


class UploadFailed(Exception):
    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.message, self.detail = message, detail


def read_document(data: bytes, name: str) -> Extraction:
    """Run the extractor on an uploaded document; :class:`UploadFailed` says why it could not."""
    try:
        return extract_file(data, name=name)
    except ExtractionError as exc:
        raise UploadFailed(_("planwatch could not read this document."), str(exc)) from None
    except Exception:
        logger.exception("the extractor failed on %s", name)
        raise UploadFailed(
            _("planwatch could not read this document."),
            _("The reader stopped on an unexpected problem; it has been logged."),
        ) from None


def _check_found_something(extraction: Any) -> None:
    """Refuse a reading that found nothing of a plan: no number or title, target or task."""
    plan = extraction.plan if isinstance(getattr(extraction, "plan", None), dict) else {}
    document = plan.get("document") if isinstance(plan.get("document"), dict) else {}
    if not (
        (document or {}).get("number")
        or (document or {}).get("title")
        or plan.get("targets")
        or plan.get("tasks")
    ):
        raise UploadFailed(
            _("planwatch found nothing of a plan in this document."),
            _("No document number or title, no target and no task was recognised."),
        )


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, or for review.js the address to go to."""
    if _wants_json(request):
        return JsonResponse({"location": url})
    return redirect(url)


@require_http_methods(["GET", "POST"])
@require_roles(*MANAGERS)
def draft_upload(request: HttpRequest) -> HttpResponse:
    failure: UploadFailed | None = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            name = Path(upload.name or "document").name
            try:
                extraction = read_document(upload.read(), name)
                _check_found_something(extraction)
            except UploadFailed as exc:
                failure = exc
            else:
                draft = actions.create_draft(extraction, source_name=name, actor=request.user)
                messages.success(
                    request,
                    _("The document was read. Check the draft against the text, then confirm."),
                )
                return _redirect(request, draft.get_absolute_url())
        elif _wants_json(request):
            failure = UploadFailed(
                " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        if _wants_json(request):
            assert failure is not None
            return JsonResponse({"message": failure.message, "detail": failure.detail}, status=400)
    else:
        form = UploadForm()
    return render(
        request,
        "plans/draft_upload.html",
        {
            "form": form,
            "failure": failure,
            "max_bytes": max_upload_bytes(),
            "max_mb": max_upload_bytes() // (1024 * 1024),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*MANAGERS)
def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = PlanDraft.objects.select_related("created_by", "plan_result__document").defer("text")
    status = request.GET.get("status", "")
    if status in DraftStatus.values:
        drafts = drafts.filter(status=status)
    page = Paginator(drafts, DRAFTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/draft_list.html",
        {
            "page": page,
            "drafts": page.object_list,
            "status": status,
            "statuses": DraftStatus.choices,
        },
    )


def _version(draft: PlanDraft) -> str:
    return draft.updated_at.isoformat()


def _posted_fields(request: HttpRequest) -> QueryDict | None:
    """The review form's fields: posted as a form, or by review.js as JSON (a long draft has
    more fields than Django accepts in one form post)."""
    if request.content_type != "application/json":
        return request.POST
    try:
        pairs = json.loads(request.body)["fields"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(pairs, list) or len(pairs) > MAX_POSTED_FIELDS:
        return None
    data = QueryDict(mutable=True)
    for pair in pairs:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            return None
        data.appendlist(pair[0], pair[1])
    return data


def _agency_names() -> list[str]:
    agencies = Agency.objects.filter(provisional=False).values_list("name", flat=True)
    groups = AgencyGroup.objects.filter(provisional=False).values_list("name", flat=True)
    return sorted({*agencies, *groups}, key=fold)


_NUMBER = r"(-?\d+(?:\.\d+)?)"
_FIGURE = re.compile(rf"^(?:(eq|gte|lte|approx|stable) )?{_NUMBER}(?:-{_NUMBER})?(.*)$")
_SIGNS = {"eq": "", "gte": "≥ ", "lte": "≤ ", "approx": "≈ ", "stable": "~ ", None: ""}


def _figure(text: str) -> str:
    """``eq 16.3 bác sỹ`` → ``16,3 bác sỹ``, ``10-11 %`` → ``10–11 %``, in the reader's way."""
    match = _FIGURE.match(str(text))
    if not match:
        return str(text)
    sign, first, second, rest = match.groups()
    figure = vnum(Decimal(first)) + (f"–{vnum(Decimal(second))}" if second else "")
    return f"{_SIGNS.get(sign, '')}{figure}{rest}"


def _conflict_notes(plan: dict[str, Any]) -> list[str]:
    """The draft's targets that a loaded plan sets to another figure, for the reviewer."""
    targets = [
        t
        for t in plan.get("targets") or []
        if isinstance(t, dict) and isinstance(t.get("indicator"), str) and t.get("comparator")
    ]
    document = plan.get("document") if isinstance(plan.get("document"), dict) else {}
    try:
        conflicts = find_conflicts(targets, document=dict(document or {}))
    except (DatabaseError, TypeError, ValueError):
        logger.exception("find_conflicts failed on a draft")
        return []
    return [
        _("%(indicator)s (%(year)s): %(ours)s in this draft, %(theirs)s in %(plan)s.")
        % {
            "indicator": conflict.indicator,
            "year": conflict.year,
            "ours": _figure(conflict.ours),
            "theirs": _figure(conflict.theirs),
            "plan": conflict.plan,
        }
        for conflict in conflicts
    ]


def _existing_plan(plan: dict[str, Any]) -> Plan | None:
    """The plan that confirming this draft would update (same number and year, or title)."""
    document = plan.get("document") if isinstance(plan.get("document"), dict) else {}
    document = document or {}
    number, title = document.get("number"), document.get("title")
    if not (isinstance(number, str) and number) and not (isinstance(title, str) and title):
        return None
    try:
        issued = date.fromisoformat(document.get("issued_on") or "")
    except (TypeError, ValueError):
        issued = None
    key = actions.document_key(
        normalise_doc_number(number) if isinstance(number, str) and number else None,
        issued.year if issued else None,
        title if isinstance(title, str) else None,
    )
    return Plan.objects.filter(document__key=key).select_related("document").first()


def _render_review(
    request: HttpRequest,
    draft: PlanDraft,
    editor: DraftEditor | None = None,
    confirm: ConfirmForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    items = review.draft_items(draft.plan)
    editor = editor or DraftEditor(draft.plan)
    try:
        planfile.parse(draft.plan)
        problems: list[review.Problem] = []
    except planfile.PlanFileError as exc:
        problems = review.problems(exc.errors, items)
    legend = [
        (kind, label, len(items[kind]), sum(1 for i in items[kind] if i.span))
        for kind, label in (
            ("target", _("Targets")),
            ("task", _("Tasks")),
            ("reporting", _("Reporting duties")),
            ("deadline", _("Deadlines")),
        )
    ]
    context = {
        "draft": draft,
        "document": draft.document,
        "editable": draft.is_open,
        "source_html": review.highlight(draft.text, review.item_spans(items)),
        "items": items,
        "legend": legend,
        "editor": editor,
        "target_rows": editor.rows(editor.targets, items["target"]),
        "task_rows": editor.rows(editor.tasks, items["task"]),
        "confirm": confirm or ConfirmForm(),
        "problems": problems,
        "conflicts": _conflict_notes(draft.plan) if draft.is_open else [],
        "existing_plan": _existing_plan(draft.plan) if draft.is_open else None,
        "agency_names": _agency_names() if draft.is_open else [],
        "agency_list_id": AGENCY_LIST_ID,
        "version": _version(draft),
        "frequencies": dict(Frequency.choices),
        "implements": review.references(draft.plan, "implements"),
        "references": review.references(draft.plan, "references"),
    }
    response = render(request, "plans/draft_review.html", context, status=status)
    if _wants_json(request):
        return JsonResponse({"html": response.content.decode()}, status=status)
    return response


@require_http_methods(["GET", "POST"])
@require_roles(*MANAGERS)
def draft_review(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(PlanDraft.objects.select_related("plan_result__document"), pk=pk)
    if request.method == "GET":
        return _render_review(request, draft)

    data = _posted_fields(request)
    if data is None:
        return HttpResponseBadRequest(_("The form could not be read; reload the page."))
    if not draft.is_open:
        messages.error(
            request,
            _("This draft is closed (%(status)s); it can no longer be changed.")
            % {"status": draft.get_status_display()},
        )
        return _redirect(request, draft.get_absolute_url())
    if data.get("version") != _version(draft):
        messages.error(
            request,
            _(
                "The draft was changed by someone else while you were editing it. Your changes "
                "were not saved: here is the current version."
            ),
        )
        return _redirect(request, draft.get_absolute_url())

    confirming = data.get("action") == "confirm"
    editor = DraftEditor(draft.plan, data)
    confirm = ConfirmForm(data) if confirming else None
    if not editor.is_valid() or (confirm is not None and not confirm.is_valid()):
        messages.error(request, _("Some values cannot be read; they are marked below."))
        return _render_review(request, draft, editor, confirm, status=400)

    try:
        edited = editor.to_plan()
        if edited != draft.plan:
            actions.update_draft(draft, edited, actor=request.user)
        if not confirming:
            messages.success(request, _("Your corrections were saved."))
            return _redirect(request, draft.get_absolute_url())
        assert confirm is not None
        result = actions.confirm_draft(
            draft, actor=request.user, status=confirm.cleaned_data["status"]
        )
    except actions.DraftClosed:
        messages.error(request, _("This draft is closed; it can no longer be changed."))
        return _redirect(request, draft.get_absolute_url())
    except planfile.PlanFileError as exc:
        messages.error(
            request,
            ngettext(
                "The plan was not created: %(n)s problem is listed at the top. Your corrections "
                "were saved.",
                "The plan was not created: %(n)s problems are listed at the top. Your "
                "corrections were saved.",
                len(exc.errors),
            )
            % {"n": len(exc.errors)},
        )
        return _redirect(request, draft.get_absolute_url())
    except actions.ImportRefused as exc:
        messages.error(
            request,
            ngettext(
                "The plan was not updated: task %(codes)s has reports and cannot be removed; "
                "keep it in the draft or close the plan. Your corrections were saved.",
                "The plan was not updated: tasks %(codes)s have reports and cannot be removed; "
                "keep them in the draft or close the plan. Your corrections were saved.",
                len(exc.codes),
            )
            % {"codes": ", ".join(exc.codes)},
        )
        return _redirect(request, draft.get_absolute_url())

    if result.created:
        messages.success(request, _("The plan was created from the draft."))
    else:
        messages.success(request, _("The plan already loaded was updated from the draft."))
    if result.unresolved:
        messages.warning(
            request,
            ngettext(
                "%(n)s agency name is not in the register yet; map it under Names to map.",
                "%(n)s agency names are not in the register yet; map them under Names to map.",
                len(result.unresolved),
            )
            % {"n": len(result.unresolved)},
        )
    return _redirect(request, result.plan.get_absolute_url())


@require_POST
@require_roles(*MANAGERS)
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(PlanDraft, pk=pk)
    try:
        actions.discard_draft(draft, actor=request.user)
    except actions.DraftClosed:
        messages.error(request, _("This draft is closed; it can no longer be changed."))
        return redirect(draft)
    messages.success(request, _("The draft was discarded."))
    return redirect("plans:drafts")
