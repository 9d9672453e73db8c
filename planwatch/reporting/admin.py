"""The reporting cycle in the admin: for looking, not for writing.

Every change of a period, a report or a figure goes through :mod:`planwatch.reporting.actions`
(atomic, audited, with the state machine's checks), so the admin shows these rows read-only;
only a period's title can be edited here, and notifications deleted.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from planwatch.reporting.models import (
    Figure,
    Notification,
    Reminder,
    Report,
    ReportingPeriod,
    ReportVersion,
    TaskProgress,
)


def _all_fields(model: Any) -> list[str]:
    return [f.name for f in model._meta.fields]


class ReadOnly:
    """No adding, changing or deleting: the rows are written by the actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VersionInline(ReadOnly, admin.TabularInline):
    model = ReportVersion
    fields = readonly_fields = ("number", "submitted_at", "submitted_by")
    extra = 0
    show_change_link = True


class ProgressInline(ReadOnly, admin.TabularInline):
    model = TaskProgress
    fields = readonly_fields = ("task", "status", "percent", "done", "difficulties", "proposals")
    extra = 0


class FigureInline(ReadOnly, admin.TabularInline):
    model = Figure
    fk_name = "report"
    fields = readonly_fields = (
        "target",
        "indicator",
        "value",
        "unit",
        "kind",
        "period_start",
        "period_end",
    )
    extra = 0


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "frequency", "start", "end", "due", "original_due"]
    list_filter = ["kind", "frequency", "plan"]
    list_select_related = ["plan__document"]
    search_fields = ["key", "title", "plan__document__number"]
    date_hierarchy = "due"
    readonly_fields = [f for f in _all_fields(ReportingPeriod) if f not in ("id", "title")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["agency", "period", "state", "first_submitted_at", "version_count"]
    list_filter = ["state", "period__frequency", "period__plan"]
    list_select_related = ["agency", "period__plan__document"]
    search_fields = ["agency__name", "period__key", "narrative"]
    readonly_fields = _all_fields(Report)
    inlines = [ProgressInline, FigureInline, VersionInline]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["report", "number", "submitted_at", "submitted_by"]
    list_select_related = ["report__agency", "report__period__plan__document", "submitted_by"]
    search_fields = ["report__agency__name", "report__period__key"]
    readonly_fields = _all_fields(ReportVersion)


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["report", "task", "status", "percent"]
    list_filter = ["status"]
    list_select_related = ["report__agency", "report__period__plan__document", "task"]
    search_fields = ["task__code", "done", "difficulties", "proposals"]
    readonly_fields = _all_fields(TaskProgress)


@admin.register(Figure)
class FigureAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["indicator", "value", "unit", "kind", "period_start", "period_end", "area"]
    list_filter = ["kind"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__name", "source", "note"]
    readonly_fields = _all_fields(Figure)


@admin.register(Reminder)
class ReminderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["report", "kind", "day", "sent_at"]
    list_filter = ["kind", "day"]
    list_select_related = ["report__agency", "report__period__plan__document"]
    readonly_fields = _all_fields(Reminder)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "read_at", "message"]
    list_filter = ["read_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "message"]
    readonly_fields = _all_fields(Notification)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
