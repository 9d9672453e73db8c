from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    AD_HOC = "ad hoc", _("Ad hoc request")


class ReportState(models.TextChoices):
    PENDING = "pending", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Compliance(models.TextChoices):
    """How an expected report stands against its due date (derived, never stored)."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")
    NOT_DUE = "not_due", _("Not yet due")
    RETURNED = "returned", _("Returned")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class FigureKind(models.TextChoices):
    PLAN = "plan", _("Plan")
    ESTIMATE = "estimate", _("Estimate")
    PRELIMINARY = "preliminary", _("Preliminary")
    OFFICIAL = "official", _("Official")


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    ON_DAY = "on_day", _("On the due date")
    OVERDUE = "overdue", _("After the due date")
