"""Template filters for figures written the way the reader's language writes them."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

from planwatch.text import format_number

register = template.Library()


@register.filter
def vnum(value: Decimal | float | int | None) -> str:
    """27026 → ``27.026`` and 87.5 → ``87,5`` in Vietnamese (``27,026`` / ``87.5`` in English)."""
    if value is None or value == "":
        return ""
    return format_number(
        Decimal(str(value)),
        decimal_mark=formats.get_format("DECIMAL_SEPARATOR"),
        group_mark=formats.get_format("THOUSAND_SEPARATOR"),
    )
