from django.contrib import admin

from planwatch.organisations.models import Agency, AgencyAlias, AgencyGroup


class AliasInline(admin.TabularInline):
    model = AgencyAlias
    fields = ["name"]
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "valid_from", "valid_to", "provisional"]
    list_filter = ["kind", "provisional"]
    search_fields = ["name", "short_name", "code", "search_key"]
    inlines = [AliasInline]
    autocomplete_fields = ["parent"]


@admin.register(AgencyGroup)
class AgencyGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    filter_horizontal = ["members"]
    inlines = [AliasInline]
