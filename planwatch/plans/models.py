"""Legal documents, plans and what a plan sets: targets, tasks, reporting rules, deadlines."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.plans.choices import Comparator, Frequency, LinkKind, PlanStatus


def _figure(label: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=24, decimal_places=6, null=True, blank=True)


class LegalDocument(models.Model):
    """An issued document (văn bản): a plan, or one it implements or cites.

    ``key`` identifies it across imports: the document number and year of issue when the
    number is known, else the folded title (drafts carry no number).
    """

    key = models.CharField(max_length=400, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=80, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=120, blank=True)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    signer = models.CharField(_("signer"), max_length=120, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    title = models.TextField(_("title"), blank=True)
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    links = models.ManyToManyField(
        "self",
        verbose_name=_("linked documents"),
        through="DocumentLink",
        symmetrical=False,
        related_name="cited_by",
        blank=True,
    )

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")

    def __str__(self) -> str:
        if self.number:
            return self.number
        return (self.title or "")[:80] or f"#{self.pk}"

    @property
    def label(self) -> str:
        """``Chương trình hành động 01/CTr-UBND`` or, with no number, kind and title."""
        parts = [self.kind, self.number] if self.number else [self.kind, self.title[:100].strip()]
        return " ".join(p for p in parts if p)


class DocumentLink(models.Model):
    """``source`` implements (carries out) or references (cites) ``target``."""

    source = models.ForeignKey(
        LegalDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="outgoing_links",
    )
    target = models.ForeignKey(
        LegalDocument,
        verbose_name=_("cited document"),
        on_delete=models.CASCADE,
        related_name="incoming_links",
    )
    kind = models.CharField(_("relation"), max_length=16, choices=LinkKind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["kind", "position"]
        verbose_name = _("document link")
        verbose_name_plural = _("document links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="one_link_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class Plan(models.Model):
    """A document that sets targets and tasks, followed from draft to closed."""

    document = models.OneToOneField(
        LegalDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="plan"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    period_start = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "-document__issued_on", "pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.document.label

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def notes_marked(self) -> list[tuple[bool, str]]:
        """Each note with whether it reports a conflict with another plan."""
        return [(str(note).startswith("Conflict:"), str(note)) for note in self.notes or []]

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_end and self.period_start != self.period_end:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")


class Indicator(models.Model):
    """What a target measures; shared across plans so that their figures can be compared."""

    key = models.CharField(max_length=300, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), null=True, blank=True)
    cumulative = models.BooleanField(
        _("accumulates over the year"),
        default=False,
        help_text=_("Monthly figures add up to the year's."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Assignable(models.Model):
    """The lead of an item: as written in the document, and as resolved in the register."""

    lead_name = models.CharField(_("lead as written"), max_length=255, blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("lead agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_%(class)ss",
    )
    lead_group = models.ForeignKey(
        AgencyGroup,
        verbose_name=_("lead group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_%(class)ss",
    )
    span_start = models.PositiveIntegerField(_("start in the text"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("end in the text"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def lead(self) -> Agency | AgencyGroup | None:
        return self.lead_agency or self.lead_group


class Target(Assignable):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="targets"
    )
    code = models.CharField(_("code"), max_length=32)
    position = models.PositiveIntegerField(_("position"), default=0)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator_name = models.CharField(_("indicator as written"), max_length=300)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices)
    value = _figure(_("value"))
    low = _figure(_("low"))
    high = _figure(_("high"))
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=200, blank=True)
    main = models.BooleanField(_("key target"), default=False)
    quote = models.TextField(_("source quote"), blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan"),
            models.CheckConstraint(
                condition=~Q(lead_agency__isnull=False, lead_group__isnull=False),
                name="target_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.indicator_name}"


class Task(Assignable):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    code = models.CharField(_("code"), max_length=32)
    position = models.PositiveIntegerField(_("position"), default=0)
    section = models.CharField(_("section"), max_length=80, blank=True)
    text = models.TextField(_("task"))
    quote = models.TextField(_("source quote"), blank=True)
    coordinating_names = models.JSONField(_("coordinating as written"), default=list, blank=True)
    coordinating_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("coordinating agencies"),
        blank=True,
        related_name="coordinated_tasks",
    )
    coordinating_groups = models.ManyToManyField(
        AgencyGroup,
        verbose_name=_("coordinating groups"),
        blank=True,
        related_name="coordinated_tasks",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recurring = models.BooleanField(_("recurring"), default=False)
    expected_output = models.CharField(_("expected output"), max_length=300, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan"),
            models.CheckConstraint(
                condition=~Q(lead_agency__isnull=False, lead_group__isnull=False),
                name="task_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class ReportingRule(models.Model):
    """A reporting duty the plan imposes: who reports, to whom, how often, by when."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="reporting_rules"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    reporter_name = models.CharField(_("who reports, as written"), max_length=255, blank=True)
    reporter_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency that reports"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_group = models.ForeignKey(
        AgencyGroup,
        verbose_name=_("group that reports"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(_("reports to, as written"), max_length=255, blank=True)
    recipient_agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency reported to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_group = models.ForeignKey(
        AgencyGroup,
        verbose_name=_("group reported to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_text = models.CharField(_("due"), max_length=300, blank=True)
    due_day = models.PositiveSmallIntegerField(_("due day of month"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    quote = models.TextField(_("source quote"), blank=True)
    span_start = models.PositiveIntegerField(_("start in the text"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("end in the text"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()}: {self.reporter_name} → {self.recipient_name}"

    @property
    def reporter(self) -> Agency | AgencyGroup | None:
        return self.reporter_agency or self.reporter_group

    @property
    def recipient(self) -> Agency | AgencyGroup | None:
        return self.recipient_agency or self.recipient_group


class PlanDeadline(models.Model):
    """Another dated obligation the plan sets (issue an agency plan by 05/02/2025 …)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="deadlines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    what = models.TextField(_("what"))
    date = models.DateField(_("date"))
    quote = models.TextField(_("source quote"), blank=True)
    span_start = models.PositiveIntegerField(_("start in the text"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("end in the text"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "date", "position"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.what[:60]}"


class DraftStatus(models.TextChoices):
    READY = "ready", _("Ready for review")
    IMPORTED = "imported", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class PlanDraft(models.Model):
    """A plan read from an uploaded document, waiting to be checked and confirmed.

    ``plan`` is the draft plan file (``docs/plan-file.md``) and ``text`` the normalised text
    its spans point into. Confirming imports it through ``import_plan``; an imported draft is
    kept (``plan_result``) and can no longer be edited.
    """

    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_drafts",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    text = models.TextField(_("normalised text"), blank=True)
    plan = models.JSONField(_("draft plan file"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.READY
    )
    plan_result = models.ForeignKey(
        Plan,
        verbose_name=_("imported plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan draft")
        verbose_name_plural = _("plan drafts")

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("plans:draft", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Only a draft ready for review may be edited, confirmed or discarded."""
        return self.status == DraftStatus.READY

    @property
    def document(self) -> dict[str, Any]:
        document = self.plan.get("document") if isinstance(self.plan, dict) else None
        return document if isinstance(document, dict) else {}

    @property
    def label(self) -> str:
        """``Chương trình hành động 01/CTr-UBND``, or the title, or the file name."""
        doc = self.document
        number, kind, title = doc.get("number"), doc.get("kind"), doc.get("title")
        if number:
            return " ".join(str(p) for p in (kind, number) if p)
        if title:
            return str(title)[:120]
        return self.source_name or f"#{self.pk}"

    def count(self, key: str) -> int:
        items = self.plan.get(key) if isinstance(self.plan, dict) else None
        return len(items) if isinstance(items, list) else 0

    @property
    def uploader_label(self) -> str:
        """Who uploaded the draft, as a person reads it ("—" once the account is gone)."""
        user = self.created_by
        return (user.get_full_name() or user.username) if user is not None else "—"
