"""The province's agency register: agencies, their aliases and groups of agencies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from planwatch.organisations.choices import AgencyKind
from planwatch.text import fold_words


class Agency(models.Model):
    """A body that leads or helps with tasks and owes reports (sở, ban, ngành, UBND xã …).

    ``provisional`` agencies were created by an import from a name the register did not
    know; a consolidator maps them to a real agency (or confirms them).
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=AgencyKind.choices, default=AgencyKind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Created from an unresolved name; needs mapping."),
    )
    search_key = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = fold_words(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("organisations:agency", args=[self.code])

    def is_valid_on(self, day: date | None) -> bool:
        if day is None:
            return True
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


class AgencyGroup(models.Model):
    """A collective addressee such as "Các sở, ban, ngành": every member owes the task."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    members = models.ManyToManyField(
        Agency, verbose_name=_("members"), related_name="groups", blank=True
    )
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency group")
        verbose_name_plural = _("agency groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:group", args=[self.code])


class AgencyAlias(models.Model):
    """Another way of writing an agency's or a group's name, used when matching plan text."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    group = models.ForeignKey(
        AgencyGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField(_("alias"), max_length=255)
    key = models.CharField(max_length=255, editable=False, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency alias")
        verbose_name_plural = _("agency aliases")
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(group__isnull=True))
                | (Q(agency__isnull=True) & Q(group__isnull=False)),
                name="alias_names_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = fold_words(self.name)
        super().save(*args, **kwargs)
