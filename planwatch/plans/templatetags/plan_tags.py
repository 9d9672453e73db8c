"""How a target's figure reads: ``≥ 95 %``, ``10–11 %``, ``27.026 tỷ đồng``."""

from __future__ import annotations

from django import template

from planwatch.core.templatetags.planwatch import vnum
from planwatch.plans.models import Target

register = template.Library()

_SIGNS = {"eq": "", "gte": "≥ ", "lte": "≤ ", "approx": "≈ ", "stable": "~ "}


@register.filter
def target_figure(target: Target) -> str:
    unit = f" {target.unit}" if target.unit else ""
    if target.comparator == "range":
        return f"{vnum(target.low)}–{vnum(target.high)}{unit}"
    if target.value is None:
        return "—"
    return f"{_SIGNS.get(target.comparator, '')}{vnum(target.value)}{unit}"
