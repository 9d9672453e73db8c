from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership")
    CONSOLIDATOR = "consolidator", _("Consolidator")
    REPORTER = "reporter", _("Agency reporter")
    STATISTICS = "statistics", _("Statistics office")
    VIEWER = "viewer", _("Viewer")
