"""The reporting cycle: periods, the report each agency owes for each, its versions, its
task progress and indicator figures, and the reminders sent about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from planwatch.organisations.models import Agency
from planwatch.plans.choices import Frequency
from planwatch.plans.models import Indicator, Plan, ReportingRule, Target, Task
from planwatch.reporting.choices import (
    FigureKind,
    PeriodKind,
    ProgressStatus,
    ReminderKind,
    ReportState,
)


class ReportingPeriod(models.Model):
    """One round of a plan's reporting: the window the data covers and the due date.

    Regular periods come from the plan's reporting rules (Decree 09/2019 windows unless the
    rule says otherwise); a consolidator adds ad-hoc requests with their own due date.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="periods"
    )
    rule = models.ForeignKey(
        ReportingRule,
        verbose_name=_("reporting rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="periods",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=PeriodKind.choices, default=PeriodKind.REGULAR
    )
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    key = models.CharField(
        _("key"), max_length=32
    )  # 2025-01, 2025-Q1, 2025-H1, 2025-9M, 2025, adhoc-3
    title = models.CharField(_("title"), max_length=200, blank=True)
    start = models.DateField(_("data from"))
    end = models.DateField(_("data to"))
    due = models.DateField(_("due date"))
    original_due = models.DateField(_("due date as first set"))
    due_change_reason = models.TextField(_("reason for the due date change"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "due", "frequency"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "frequency", "key"], name="one_period_per_key"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.document.number or self.plan_id} {self.key}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:period", args=[self.pk])


class Report(models.Model):
    """The report an agency owes for a period. It exists from the moment it is expected
    (``pending``); every submission is kept as a :class:`ReportVersion`."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reports"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ReportState.choices, default=ReportState.PENDING
    )
    narrative = models.TextField(_("general narrative"), blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_comment = models.TextField(_("comment when returned"), blank=True)
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["period", "agency__name"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"], name="one_report_per_agency_period"
            )
        ]
        indexes = [models.Index(fields=["agency", "state"])]

    def __str__(self) -> str:
        return f"{self.agency} · {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report", args=[self.pk])


class ReportVersion(models.Model):
    """A submitted version of a report, frozen: what was sent, by whom, when."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(_("content"))

    class Meta:
        ordering = ["report_id", "number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class TaskProgress(models.Model):
    """What a report says about one task the agency owes."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="progress"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="progress"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProgressStatus.choices,
        default=ProgressStatus.NOT_STARTED,
    )
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    done = models.TextField(_("what was done"), blank=True)
    difficulties = models.TextField(_("difficulties and obstacles"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="attachments/%Y/%m/", blank=True)

    class Meta:
        # no ordering through relations: on large tables it costs a join per level
        ordering = ["report_id", "id"]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="one_progress_per_task"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.task.code}"


class Figure(models.Model):
    """A value of an indicator: for an area and a period, of a kind, from a source.

    Figures reported by an agency belong to its report; the statistics office enters
    figures directly (``report`` empty).
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="figures"
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="figures",
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
    )
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=FigureKind.choices, default=FigureKind.ESTIMATE
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    area = models.CharField(_("area"), max_length=120, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "period_end", "kind"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        indexes = [models.Index(fields=["indicator", "period_end"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.value} {self.unit} ({self.get_kind_display()})"


class Reminder(models.Model):
    """A reminder about one report, sent once: claimed with a conditional update."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    day = models.DateField(_("day"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        ordering = ["day", "report_id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "day"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kind} {self.day:%d/%m/%Y}"


class Notification(models.Model):
    """A message in a user's in-app list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:80]
