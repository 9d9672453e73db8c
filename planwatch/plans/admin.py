from django.contrib import admin

from planwatch.plans.models import (
    DocumentLink,
    Indicator,
    LegalDocument,
    Plan,
    PlanDeadline,
    PlanDraft,
    ReportingRule,
    Target,
    Task,
)


class LinkInline(admin.TabularInline):
    model = DocumentLink
    fk_name = "source"
    autocomplete_fields = ["target"]
    extra = 0


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "issuer", "issued_on"]
    search_fields = ["number", "title", "issuer"]
    inlines = [LinkInline]
    exclude = ["source_text"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "period_start", "period_end"]
    list_filter = ["status"]
    search_fields = ["document__number", "document__title"]
    autocomplete_fields = ["document"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "higher_is_better", "cumulative"]
    list_filter = ["higher_is_better", "cumulative"]
    search_fields = ["name"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "plan",
        "indicator_name",
        "comparator",
        "value",
        "low",
        "high",
        "unit",
        "year",
        "main",
    ]
    list_filter = ["main", "comparator", "plan"]
    search_fields = ["indicator_name", "search_text"]
    autocomplete_fields = ["indicator", "lead_agency", "lead_group"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "plan", "section", "lead_name", "deadline", "recurring"]
    list_filter = ["recurring", "plan"]
    search_fields = ["text", "search_text"]
    autocomplete_fields = [
        "lead_agency",
        "lead_group",
        "coordinating_agencies",
        "coordinating_groups",
    ]


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):
    list_display = ["plan", "frequency", "reporter_name", "recipient_name", "due_text"]
    list_filter = ["frequency"]


@admin.register(PlanDeadline)
class PlanDeadlineAdmin(admin.ModelAdmin):
    list_display = ["plan", "date", "what"]


@admin.register(PlanDraft)
class PlanDraftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source_name", "status", "created_by", "created_at", "plan_result"]
    list_filter = ["status"]
    search_fields = ["source_name"]
    readonly_fields = ["created_by", "created_at", "updated_at", "plan_result"]
    exclude = ["text"]
