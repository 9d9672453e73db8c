from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Comparator(models.TextChoices):
    EQ = "eq", _("reach")
    RANGE = "range", _("from … to")
    GTE = "gte", _("at least")
    LTE = "lte", _("at most")
    APPROX = "approx", _("about")
    STABLE = "stable", _("stable at")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTH = "6-month", _("6-month")
    NINE_MONTH = "9-month", _("9-month")
    ANNUAL = "annual", _("Annual")
    AD_HOC = "ad hoc", _("Ad hoc")


class LinkKind(models.TextChoices):
    IMPLEMENTS = "implements", _("implements")
    REFERENCES = "references", _("references")
