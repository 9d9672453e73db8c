"""Every write to plans: :func:`import_plan` and friends. Atomic, audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model

from planwatch.core import audit
from planwatch.organisations.actions import create_provisional_agency
from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.organisations.resolve import AgencyIndex, Resolution
from planwatch.plans import planfile
from planwatch.plans.choices import LinkKind, PlanStatus
from planwatch.plans.indicators import higher_is_better, is_cumulative
from planwatch.plans.models import (
    DocumentLink,
    Indicator,
    LegalDocument,
    Plan,
    PlanDeadline,
    ReportingRule,
    Target,
    Task,
)
from planwatch.text import fold, fold_words, squash


class ImportRefused(ValueError):
    """The plan file may not be imported over the plan already loaded: it drops tasks that
    agencies have reported on (their progress rows keep them). ``codes`` names them."""

    def __init__(self, codes: list[str]):
        self.codes = list(codes)
        listed = ", ".join(self.codes)
        if len(self.codes) == 1:
            message = (
                f"task {listed} has reports and cannot be removed; keep it in the file or "
                "close the plan"
            )
        else:
            message = (
                f"tasks {listed} have reports and cannot be removed; keep them in the file or "
                "close the plan"
            )
        super().__init__(message)


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    unresolved: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def document_key(number: str | None, issued_year: int | None, title: str | None) -> str:
    """How a document is recognised again: number and year, or with no number its title."""
    if number:
        return f"{number}|{issued_year or ''}"
    return "title|" + fold_words(title or "")[:380]


class _Leads:
    """Resolves names for one import, creating provisional agencies for unknown names."""

    def __init__(self, index: AgencyIndex, actor: Any):
        self.index, self.actor = index, actor
        self.cache: dict[str, Resolution] = {}
        self.unresolved: list[str] = []

    def resolve(self, name: str | None) -> tuple[Agency | None, AgencyGroup | None]:
        if not name:
            return None, None
        name = _main_name(name)
        if name not in self.cache:
            result = self.index.resolve(name)
            if not result.resolved:
                agency = create_provisional_agency(name, actor=self.actor)
                result = Resolution(name=name, agency=agency, method="provisional")
            if result.method == "provisional" or (
                result.agency is not None and result.agency.provisional
            ):
                self.unresolved.append(name)
            self.cache[name] = result
        hit = self.cache[name]
        return hit.agency, hit.group


def _main_name(name: str) -> str:
    """``Sở Kế hoạch và Đầu tư (tổng hợp chung báo cáo UBND tỉnh)`` → the name before the note."""
    return squash(re.sub(r"\s*\(.*?\)\s*$", "", name)) or squash(name)


def _split_names(name: str | None) -> list[str]:
    return [part.strip() for part in (name or "").split(";") if part.strip()]


def complete_task_texts(plan: planfile.PlanFile, source_text: str) -> None:
    """Give tasks that carry only a quote their whole paragraph from the source text."""
    if not source_text:
        return
    flat = re.sub(r"[ \t]+", " ", source_text)
    for task in plan.tasks:
        if task.quote and task.text == task.quote:
            start = flat.find(task.quote)
            if start >= 0:
                end = flat.find("\n", start)
                task.text = squash(flat[start : end if end >= 0 else len(flat)]) or task.text


@transaction.atomic
def import_plan(
    plan_file: planfile.PlanFile,
    *,
    actor: Any = None,
    source_text: str | None = None,
    status: str | None = None,
) -> ImportResult:
    """Create or update a plan from a validated plan file, in one transaction.

    The plan is recognised by its document (number and year, or title); loading it again
    updates it in place: items are matched by their ids, new ones added, missing ones
    removed. Agency names are resolved against the register; names it does not know become
    provisional agencies listed in the result.

    A task some agency has reported on is never removed: a file that leaves it out is
    refused whole with :class:`ImportRefused` naming those tasks, and nothing is written.
    """
    doc_info = plan_file.document
    if source_text:
        complete_task_texts(plan_file, source_text)
    issued_year = doc_info.issued_on.year if doc_info.issued_on else None
    key = document_key(doc_info.number, issued_year, doc_info.title)
    document = LegalDocument.objects.filter(key=key).first()
    before = _summary(document.plan) if document is not None and hasattr(document, "plan") else None
    document_fields = {
        "number": doc_info.number or "",
        "kind": doc_info.kind or "",
        "issuer": doc_info.issuer or "",
        "issued_on": doc_info.issued_on,
        "signer": doc_info.signer or "",
        "place": doc_info.place or "",
        "title": doc_info.title or "",
        "source_name": plan_file.source or "",
    }
    if source_text is not None:
        document_fields["source_text"] = source_text
    if document is None:
        document = LegalDocument.objects.create(key=key, **document_fields)
    else:
        for name, value in document_fields.items():
            setattr(document, name, value)
        document.save()

    years = [t.year for t in plan_file.targets if t.year] + ([issued_year] if issued_year else [])
    plan, created = Plan.objects.get_or_create(document=document)
    plan.period_start = min(years) if years else None
    plan.period_end = max(years) if years else None
    plan.notes = list(plan_file.notes)
    if status is not None:
        if status not in PlanStatus.values:
            raise ValueError(f"unknown plan status {status!r}")
        plan.status = status
    plan.save()

    leads = _Leads(AgencyIndex.load(on=doc_info.issued_on), actor)
    _link_documents(document, plan_file)
    counts = {
        "targets": _sync_targets(plan, plan_file.targets, leads),
        "tasks": _sync_tasks(plan, plan_file.tasks, leads),
        "reporting": _sync_reporting(plan, plan_file.reporting, leads),
        "deadlines": _sync_deadlines(plan, plan_file.deadlines),
    }
    unresolved = sorted(set(leads.unresolved))
    audit.record(
        actor,
        "import_plan",
        plan,
        before=before,
        after=_summary(plan) | {"unresolved": unresolved},
    )
    return ImportResult(plan=plan, created=created, unresolved=unresolved, counts=counts)


def _summary(plan: Plan) -> dict[str, Any]:
    return {
        "document": str(plan.document),
        "status": plan.status,
        "targets": plan.targets.count(),
        "tasks": plan.tasks.count(),
        "reporting": plan.reporting_rules.count(),
        "deadlines": plan.deadlines.count(),
    }


def _link_documents(document: LegalDocument, plan_file: planfile.PlanFile) -> None:
    DocumentLink.objects.filter(source=document).delete()
    for kind, refs in (
        (LinkKind.IMPLEMENTS, plan_file.implements),
        (LinkKind.REFERENCES, plan_file.references),
    ):
        for position, ref in enumerate(refs):
            key = document_key(ref.number, ref.date.year if ref.date else None, None)
            cited = LegalDocument.objects.filter(key=key).first()
            if cited is None and ref.date is None:
                cited = (
                    LegalDocument.objects.filter(number=ref.number).order_by("-issued_on").first()
                )
            if cited is None:
                cited = LegalDocument.objects.create(
                    key=key,
                    number=ref.number,
                    issued_on=ref.date,
                    issuer=ref.issuer or "",
                    title=ref.title or "",
                )
            else:
                changed = False
                for name, value in (("issuer", ref.issuer), ("title", ref.title)):
                    if value and not getattr(cited, name):
                        setattr(cited, name, value)
                        changed = True
                if changed:
                    cited.save()
            DocumentLink.objects.get_or_create(
                source=document, target=cited, kind=kind, defaults={"position": position}
            )


def _codes(items: list[Any], prefix: str, width: int) -> list[str]:
    used = {item.id for item in items if item.id}
    codes, n = [], 0
    for item in items:
        if item.id:
            codes.append(item.id)
            continue
        n += 1
        while f"{prefix}{n:0{width}d}" in used:
            n += 1
        code = f"{prefix}{n:0{width}d}"
        used.add(code)
        codes.append(code)
    return codes


def _indicator(
    name: str, unit: str | None, comparator: str, item: planfile.TargetItem
) -> Indicator:
    indicator, created = Indicator.objects.get_or_create(
        key=fold_words(name)[:300],
        defaults={
            "name": name,
            "unit": unit or "",
            "higher_is_better": item.higher_is_better
            if item.higher_is_better is not None
            else higher_is_better(name, comparator),
            "cumulative": item.cumulative
            if item.cumulative is not None
            else is_cumulative(name, unit),
        },
    )
    if not created:
        changed = False
        if (
            item.higher_is_better is not None
            and indicator.higher_is_better != item.higher_is_better
        ):
            indicator.higher_is_better = item.higher_is_better
            changed = True
        if item.cumulative is not None and indicator.cumulative != item.cumulative:
            indicator.cumulative = item.cumulative
            changed = True
        if changed:
            indicator.save()
    return indicator


def _span(item: Any) -> dict[str, int | None]:
    span = getattr(item, "span", None)
    return {"span_start": span[0] if span else None, "span_end": span[1] if span else None}


def _sync_targets(plan: Plan, items: list[planfile.TargetItem], leads: _Leads) -> int:
    existing = {t.code: t for t in plan.targets.all()}
    codes = _codes(items, "T", 2)
    for position, (code, item) in enumerate(zip(codes, items, strict=True)):
        lead_agency, lead_group = leads.resolve(item.lead)
        fields = {
            "position": position,
            "indicator": _indicator(item.indicator, item.unit, item.comparator, item),
            "indicator_name": item.indicator,
            "comparator": item.comparator,
            "value": item.value,
            "low": item.low,
            "high": item.high,
            "unit": item.unit or "",
            "year": item.year,
            "scope": item.scope or "",
            "main": item.main,
            "quote": item.quote or "",
            "lead_name": item.lead or "",
            "lead_agency": lead_agency,
            "lead_group": lead_group,
            "search_text": fold(
                " ".join(filter(None, [item.indicator, item.quote, item.scope, item.lead]))
            ),
            **_span(item),
        }
        _upsert(Target, existing.pop(code, None), {"plan": plan, "code": code}, fields)
    Target.objects.filter(pk__in=[t.pk for t in existing.values()]).delete()
    return len(items)


def _sync_tasks(plan: Plan, items: list[planfile.TaskItem], leads: _Leads) -> int:
    existing = {t.code: t for t in plan.tasks.all()}
    codes = _codes(items, "K", 3)
    for position, (code, item) in enumerate(zip(codes, items, strict=True)):
        lead_agency, lead_group = leads.resolve(item.lead)
        fields = {
            "position": position,
            "section": item.section or "",
            "text": item.text,
            "quote": item.quote or "",
            "lead_name": item.lead or "",
            "lead_agency": lead_agency,
            "lead_group": lead_group,
            "coordinating_names": list(item.coordinating),
            "deadline": item.deadline,
            "recurring": item.recurring,
            "expected_output": item.expected_output or "",
            "search_text": fold(
                " ".join(filter(None, [item.section, item.text, item.lead, *item.coordinating]))
            ),
            **_span(item),
        }
        task = _upsert(Task, existing.pop(code, None), {"plan": plan, "code": code}, fields)
        agencies, groups = [], []
        for name in item.coordinating:
            agency, group = leads.resolve(name)
            if agency is not None:
                agencies.append(agency)
            if group is not None:
                groups.append(group)
        task.coordinating_agencies.set(agencies)
        task.coordinating_groups.set(groups)
    gone = [t.pk for t in existing.values()]
    # ``progress`` is the reporting app's TaskProgress (on_delete=PROTECT), read through the
    # reverse relation so that plans does not import reporting.
    reported = sorted(
        set(Task.objects.filter(pk__in=gone, progress__isnull=False).values_list("code", flat=True))
    )
    if reported:
        raise ImportRefused(reported)
    Task.objects.filter(pk__in=gone).delete()
    return len(items)


_DUE_DAY = re.compile(
    r"(?:trước|truoc|before|by)\s+(?:ngày\s+|the\s+)?(\d{1,2})(?:th|st|nd|rd)?\b(?!\s*[/.-]\d)",
    re.I,
)


def _due_fields(due: str | None) -> dict[str, Any]:
    """``trước ngày 20 hàng tháng`` → due_day 20; ``2025-11-10`` → due_date."""
    from datetime import date

    text = due or ""
    try:
        return {"due_date": date.fromisoformat(text.strip()), "due_day": None}
    except ValueError:
        pass
    match = _DUE_DAY.search(text)
    day = int(match.group(1)) if match else None
    return {"due_date": None, "due_day": day if day and 1 <= day <= 31 else None}


def _sync_reporting(plan: Plan, items: list[planfile.ReportingItem], leads: _Leads) -> int:
    plan.reporting_rules.all().delete()
    for position, item in enumerate(items):
        who = _split_names(item.who)
        to = _split_names(item.to)
        reporter_agency, reporter_group = leads.resolve(who[0]) if who else (None, None)
        recipient_agency, recipient_group = leads.resolve(to[0]) if to else (None, None)
        ReportingRule.objects.create(
            plan=plan,
            position=position,
            frequency=item.frequency,
            reporter_name=item.who or "",
            reporter_agency=reporter_agency,
            reporter_group=reporter_group,
            recipient_name=item.to or "",
            recipient_agency=recipient_agency,
            recipient_group=recipient_group,
            due_text=item.due or "",
            quote=item.quote or "",
            **_due_fields(item.due),
            **_span(item),
        )
    return len(items)


def _sync_deadlines(plan: Plan, items: list[planfile.DeadlineItem]) -> int:
    plan.deadlines.all().delete()
    PlanDeadline.objects.bulk_create(
        PlanDeadline(
            plan=plan,
            position=position,
            what=item.what,
            date=item.date,
            quote=item.quote or "",
            **_span(item),
        )
        for position, item in enumerate(items)
    )
    return len(items)


def _upsert(
    model: type[Model], row: Model | None, identity: dict[str, Any], fields: dict[str, Any]
) -> Any:
    if row is None:
        return model.objects.create(**identity, **fields)  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


@transaction.atomic
def set_plan_status(plan: Plan, status: str, *, actor: Any = None) -> Plan:
    """Move a plan between draft, active and closed."""
    if status not in PlanStatus.values:
        raise ValueError(f"unknown plan status {status!r}")
    before = plan.status
    if before != status:
        plan.status = status
        plan.save(update_fields=["status", "updated_at"])
        audit.record(
            actor, "set_plan_status", plan, before={"status": before}, after={"status": status}
        )
    return plan


def reassign_lead(
    provisional: Agency, *, to_agency: Agency | None = None, to_group: AgencyGroup | None = None
) -> None:
    """Move every lead, coordinating and reporting reference from one agency to another.

    Called by :func:`planwatch.organisations.actions.map_provisional_agency` inside its
    transaction (it writes the audit record).
    """
    for model in (Target, Task):
        model.objects.filter(lead_agency=provisional).update(
            lead_agency=to_agency, lead_group=to_group
        )
    ReportingRule.objects.filter(reporter_agency=provisional).update(
        reporter_agency=to_agency, reporter_group=to_group
    )
    ReportingRule.objects.filter(recipient_agency=provisional).update(
        recipient_agency=to_agency, recipient_group=to_group
    )
    for task in Task.objects.filter(coordinating_agencies=provisional):
        task.coordinating_agencies.remove(provisional)
        if to_agency is not None:
            task.coordinating_agencies.add(to_agency)
        if to_group is not None:
            task.coordinating_groups.add(to_group)


# ------------------------------------------------------------------ drafts from documents

import copy  # noqa: E402  (the imports of the drafts section)
from typing import Protocol  # noqa: E402

from planwatch.plans.models import DraftStatus, PlanDraft  # noqa: E402
from planwatch.plans.review import assign_ids  # noqa: E402


class DraftSource(Protocol):
    """What :func:`create_draft` needs of an extraction."""

    plan: dict[str, Any]
    text: str


class DraftClosed(ValueError):
    """The draft was imported or discarded already; it cannot change any more."""


def _draft_summary(draft: PlanDraft) -> dict[str, Any]:
    document = draft.document
    return {
        "status": draft.status,
        "document": document.get("number") or document.get("title"),
        **{key: draft.count(key) for key in ("targets", "tasks", "reporting", "deadlines")},
    }


def _locked(draft: PlanDraft) -> PlanDraft:
    """The draft row, locked for the rest of the transaction; refused when no longer open."""
    fresh = PlanDraft.objects.select_for_update().get(pk=draft.pk)
    if not fresh.is_open:
        raise DraftClosed(f"draft {draft.pk} is {fresh.status}")
    return fresh


@transaction.atomic
def create_draft(extraction: DraftSource, *, source_name: str, actor: Any = None) -> PlanDraft:
    """Keep what the extractor read from a document as a draft to review.

    ``extraction`` carries ``plan`` (a plan-file dict) and ``text`` (the normalised text its
    spans point into). Targets and tasks without an id are numbered the way the import would.
    """
    plan = copy.deepcopy(dict(extraction.plan))
    plan.setdefault("document", {})
    if not plan.get("source"):
        plan["source"] = source_name or None
    for key, kind in (("targets", "target"), ("tasks", "task")):
        if isinstance(plan.get(key), list):
            assign_ids([item for item in plan[key] if isinstance(item, dict)], kind)
    draft = PlanDraft.objects.create(
        created_by=actor if getattr(actor, "pk", None) is not None else None,
        source_name=(source_name or "")[:255],
        text=extraction.text,
        plan=plan,
    )
    audit.record(actor, "create_draft", draft, after=_draft_summary(draft))
    return draft


@transaction.atomic
def update_draft(draft: PlanDraft, plan_dict: dict[str, Any], *, actor: Any = None) -> PlanDraft:
    """Store the reviewer's corrections to a draft that is still open."""
    fresh = _locked(draft)
    before = _draft_summary(fresh)
    fresh.plan = plan_dict
    fresh.save(update_fields=["plan", "updated_at"])
    draft.plan, draft.updated_at = fresh.plan, fresh.updated_at
    audit.record(actor, "update_draft", fresh, before=before, after=_draft_summary(fresh))
    return fresh


@transaction.atomic
def confirm_draft(
    draft: PlanDraft, *, actor: Any = None, status: str = PlanStatus.DRAFT
) -> ImportResult:
    """Create (or update) the plan from a reviewed draft through :func:`import_plan`.

    The draft is validated as a plan file first: a :class:`planfile.PlanFileError` leaves
    everything as it was. The draft is then marked imported and cannot be confirmed again.
    """
    if status not in (PlanStatus.DRAFT, PlanStatus.ACTIVE):
        raise ValueError(f"a confirmed draft becomes a draft or an active plan, not {status!r}")
    fresh = _locked(draft)
    plan_file = planfile.parse(fresh.plan)
    result = import_plan(plan_file, actor=actor, source_text=fresh.text, status=status)
    before = _draft_summary(fresh)
    fresh.status = DraftStatus.IMPORTED
    fresh.plan_result = result.plan
    fresh.save(update_fields=["status", "plan_result", "updated_at"])
    draft.status, draft.plan_result = fresh.status, fresh.plan_result
    draft.updated_at = fresh.updated_at
    audit.record(
        actor,
        "confirm_draft",
        fresh,
        before=before,
        after=_draft_summary(fresh) | {"plan": result.plan.pk, "created": result.created},
    )
    return result


@transaction.atomic
def discard_draft(draft: PlanDraft, *, actor: Any = None) -> PlanDraft:
    """Set a draft aside; it stays in the list, marked discarded."""
    fresh = _locked(draft)
    before = _draft_summary(fresh)
    fresh.status = DraftStatus.DISCARDED
    fresh.save(update_fields=["status", "updated_at"])
    draft.status, draft.updated_at = fresh.status, fresh.updated_at
    audit.record(actor, "discard_draft", fresh, before=before, after=_draft_summary(fresh))
    return fresh
