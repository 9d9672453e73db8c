"""Reads of plans used by views, the CLI and exports, with their query counts kept flat."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.plans import planfile
from planwatch.plans.choices import LinkKind
from planwatch.plans.models import DocumentLink, LegalDocument, Plan, ReportingRule, Target, Task
from planwatch.text import fold, normalise_doc_number


class PlanNotFound(LookupError):
    pass


def find_plan(ref: str, *, year: int | None = None) -> Plan:
    """A plan by document number (``01/CTr-UBND``, with ``year`` when several share it) or id."""
    plans = Plan.objects.select_related("document")
    number = normalise_doc_number(ref)
    matches = list(plans.filter(document__number__iexact=number))
    if year is not None:
        matches = [
            p
            for p in matches
            if year in (p.document.issued_on.year if p.document.issued_on else None, p.period_start)
        ]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        years = ", ".join(
            sorted({str(p.document.issued_on.year) for p in matches if p.document.issued_on})
        )
        raise PlanNotFound(f"several plans are numbered {number} ({years}); add --year")
    if ref.isdigit():
        plan = plans.filter(pk=int(ref)).first()
        if plan is not None:
            return plan
    raise PlanNotFound(f"no plan numbered {number!r}")


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("document").annotate(
        target_count=Count("targets", distinct=True), task_count=Count("tasks", distinct=True)
    )


def document_chain(document: LegalDocument) -> dict[str, list[LegalDocument]]:
    """The documents a plan implements (recursively, a chain) and those it only cites."""
    links = (
        DocumentLink.objects.filter(source=document).select_related("target").order_by("position")
    )
    implements = [link.target for link in links if link.kind == LinkKind.IMPLEMENTS]
    references = [link.target for link in links if link.kind == LinkKind.REFERENCES]
    return {"implements": implements, "references": references}


def implemented_by(document: LegalDocument) -> list[LegalDocument]:
    """Documents in the system that carry this one out."""
    return [
        link.source
        for link in DocumentLink.objects.filter(
            target=document, kind=LinkKind.IMPLEMENTS
        ).select_related("source")
    ]


LEAD_RELATED = ("lead_agency", "lead_group")


def plan_targets(plan: Plan) -> QuerySet[Target]:
    return plan.targets.select_related("indicator", *LEAD_RELATED).order_by("position")


@dataclass
class TaskFilter:
    """The filters of a task list, shared by the plan page and the agency page."""

    q: str = ""
    agency: str = ""  # an agency or group code
    section: str = ""
    terms: str = ""  # "", "recurring", "deadline", "none", "overdue-candidates"

    @classmethod
    def from_params(cls, params: Any) -> TaskFilter:
        return cls(
            q=(params.get("q") or "").strip()[:200],
            agency=(params.get("agency") or "").strip()[:64],
            section=(params.get("section") or "").strip()[:80],
            terms=(params.get("terms") or "").strip()[:20],
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.agency or self.section or self.terms)

    def apply(self, tasks: QuerySet[Task]) -> QuerySet[Task]:
        if self.q:
            # One phrase, not word by word: Vietnamese words are syllables, and "hộ nghèo"
            # (poor households) must not find "hỗ trợ … giảm nghèo" or "hộ cận nghèo".
            tasks = tasks.filter(search_text__contains=fold(self.q))
        if self.agency:
            tasks = tasks.filter(Q(lead_agency__code=self.agency) | Q(lead_group__code=self.agency))
        if self.section:
            tasks = tasks.filter(
                Q(section=self.section)
                | Q(section__startswith=self.section + " ")
                | Q(section__startswith=self.section + "(")
            )
        if self.terms == "recurring":
            tasks = tasks.filter(recurring=True)
        elif self.terms == "deadline":
            tasks = tasks.filter(deadline__isnull=False)
        elif self.terms == "none":
            tasks = tasks.filter(deadline__isnull=True, recurring=False)
        return tasks


def task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("plan__document", *LEAD_RELATED).prefetch_related(
        Prefetch(
            "coordinating_agencies",
            queryset=Agency.objects.only("pk", "code", "name", "provisional"),
        ),
        Prefetch("coordinating_groups", queryset=AgencyGroup.objects.only("pk", "code", "name")),
    )


def tasks_by_lead(
    tasks: QuerySet[Task],
) -> list[tuple[str, Agency | AgencyGroup | None, list[Task]]]:
    """Tasks grouped by lead agency or group, groups in order of first appearance."""
    rows = list(tasks.order_by("plan", "position"))
    order: dict[str, int] = {}
    for task in rows:
        order.setdefault(_lead_key(task), len(order))
    rows.sort(key=lambda t: (order[_lead_key(t)], t.plan_id, t.position))
    result = []
    for key, items in groupby(rows, key=_lead_key):
        items_list = list(items)
        first = items_list[0]
        result.append(
            (first.lead.name if first.lead else first.lead_name or "—", first.lead, items_list)
        )
        del key
    return result


def _lead_key(task: Task) -> str:
    if task.lead_agency_id:
        return f"a{task.lead_agency_id}"
    if task.lead_group_id:
        return f"g{task.lead_group_id}"
    return "n" + task.lead_name


def lead_choices(plan: Plan | None = None) -> list[tuple[str, str]]:
    """(code, name) of every agency and group that leads a task, for a filter's menu."""
    tasks = Task.objects.all() if plan is None else plan.tasks.all()
    agencies = Agency.objects.filter(pk__in=tasks.values("lead_agency")).order_by("name")
    groups = AgencyGroup.objects.filter(pk__in=tasks.values("lead_group")).order_by("name")
    return [(g.code, g.name) for g in groups] + [(a.code, a.name) for a in agencies]


def section_choices(plan: Plan) -> list[str]:
    """Top-level sections of a plan's tasks (``1.2``, ``II.2.1`` …) in document order."""
    seen: dict[str, None] = {}
    for section in plan.tasks.order_by("position").values_list("section", flat=True):
        head = section.split(" ")[0].split("(")[0] if section else ""
        if head:
            seen.setdefault(head, None)
    return list(seen)


def agency_tasks(agency: Agency) -> QuerySet[Task]:
    """Every task an agency owes, across plans: as lead, or as a member of a leading group."""
    group_ids = list(agency.groups.values_list("pk", flat=True))
    return task_queryset().filter(Q(lead_agency=agency) | Q(lead_group__in=group_ids))


def agency_coordinating_tasks(agency: Agency) -> QuerySet[Task]:
    return task_queryset().filter(coordinating_agencies=agency)


def unresolved_agencies() -> QuerySet[Agency]:
    """Agencies created from names the register did not know, with how often each is named."""
    return Agency.objects.filter(provisional=True).annotate(
        led_task_count=Count("led_tasks", distinct=True),
        led_target_count=Count("led_targets", distinct=True),
        coordinated_count=Count("coordinated_tasks", distinct=True),
    )


# ------------------------------------------------------------------ export


def _dec(value: Decimal | None) -> Decimal | None:
    return value.normalize() if value is not None else None


def _span(row: Any) -> tuple[int, int] | None:
    if row.span_start is None or row.span_end is None:
        return None
    return (row.span_start, row.span_end)


def plan_to_file(plan: Plan) -> planfile.PlanFile:
    """The plan as a plan file: what ``load-plan`` reads, so the two round-trip."""
    doc = plan.document
    chain = document_chain(doc)

    def ref(d: LegalDocument) -> planfile.DocumentRef:
        return planfile.DocumentRef(
            number=d.number, date=d.issued_on, issuer=d.issuer or None, title=d.title or None
        )

    result = planfile.PlanFile(
        source=doc.source_name or None,
        document=planfile.DocumentInfo(
            number=doc.number or None,
            kind=doc.kind or None,
            issuer=doc.issuer or None,
            place=doc.place or None,
            issued_on=doc.issued_on,
            signer=doc.signer or None,
            title=doc.title or None,
        ),
        implements=[ref(d) for d in chain["implements"]],
        references=[ref(d) for d in chain["references"]],
        notes=list(plan.notes or []),
    )
    for t in plan_targets(plan):
        result.targets.append(
            planfile.TargetItem(
                id=t.code,
                main=t.main,
                indicator=t.indicator_name,
                comparator=t.comparator,
                value=_dec(t.value),
                low=_dec(t.low),
                high=_dec(t.high),
                unit=t.unit or None,
                year=t.year,
                scope=t.scope or None,
                lead=t.lead_name or None,
                quote=t.quote or None,
                span=_span(t),
                higher_is_better=t.indicator.higher_is_better,
                cumulative=t.indicator.cumulative,
            )
        )
    for task in plan.tasks.order_by("position"):
        result.tasks.append(
            planfile.TaskItem(
                id=task.code,
                section=task.section or None,
                lead=task.lead_name or None,
                coordinating=list(task.coordinating_names),
                deadline=task.deadline,
                recurring=task.recurring,
                text=task.text,
                quote=task.quote or None,
                expected_output=task.expected_output or None,
                span=_span(task),
            )
        )
    for rule in ReportingRule.objects.filter(plan=plan).order_by("position"):
        result.reporting.append(
            planfile.ReportingItem(
                frequency=rule.frequency,
                who=rule.reporter_name or None,
                to=rule.recipient_name or None,
                due=rule.due_text or None,
                quote=rule.quote or None,
                span=_span(rule),
            )
        )
    for deadline in plan.deadlines.order_by("position"):
        result.deadlines.append(
            planfile.DeadlineItem(
                what=deadline.what,
                date=deadline.date,
                quote=deadline.quote or None,
                span=_span(deadline),
            )
        )
    return result
