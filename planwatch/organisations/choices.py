from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Department or agency")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    CENTRAL_BRANCH = "central_branch", _("Central branch")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")
