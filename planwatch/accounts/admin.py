from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from planwatch.accounts.models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "role_assignments__role"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Agency"), {"fields": ["agency"]}))  # type: ignore[misc]
    autocomplete_fields = ["agency"]
    inlines = [RoleInline]
