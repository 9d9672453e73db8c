"""Badges and rates of the reporting pages: colour AND words, never colour alone."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from planwatch.core.templatetags.planwatch import vnum
from planwatch.reporting.choices import Compliance, ReportState

register = template.Library()

SYMBOLS: dict[str, str] = {
    Compliance.ON_TIME: "✓",
    Compliance.LATE: "!",
    Compliance.MISSING: "✗",
    Compliance.NOT_DUE: "○",
    Compliance.RETURNED: "↩",
}


def abbreviation(value: str) -> str:
    """A short label for a matrix cell (the full one goes in its title and for readers)."""
    labels: dict[str, str] = {
        Compliance.ON_TIME: pgettext("compliance, short", "OT"),
        Compliance.LATE: pgettext("compliance, short", "LT"),
        Compliance.MISSING: pgettext("compliance, short", "MS"),
        Compliance.NOT_DUE: pgettext("compliance, short", "ND"),
        Compliance.RETURNED: pgettext("compliance, short", "RT"),
    }
    return labels.get(value, value)


def _label(choices: type[Compliance] | type[ReportState], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.simple_tag
def compliance_badge(value: str) -> SafeString:
    """``<span class="comp comp-late">! Trễ hạn</span>``: symbol, colour and words."""
    return format_html(
        '<span class="comp comp-{}"><span aria-hidden="true">{}</span> {}</span>',
        value,
        SYMBOLS.get(value, ""),
        _label(Compliance, value),
    )


@register.simple_tag
def compliance_cell(value: str, delay: int = 0) -> SafeString:
    """The short form of a matrix cell, with the full label for screen readers."""
    late = f" +{delay}" if value == Compliance.LATE and delay else ""
    return format_html(
        '<span aria-hidden="true">{} {}{}</span><span class="sr-only">{}</span>',
        SYMBOLS.get(value, ""),
        abbreviation(value),
        late,
        _label(Compliance, value),
    )


@register.filter
def compliance_label(value: str) -> str:
    return _label(Compliance, value)


@register.filter
def compliance_short(value: str) -> str:
    return abbreviation(value)


@register.simple_tag
def state_badge(value: str) -> SafeString:
    return format_html('<span class="badge state-{}">{}</span>', value, _label(ReportState, value))


@register.filter
def pct(rate: float | None) -> str:
    """0.875 → ``87,5 %`` (in Vietnamese), ``—`` when there is no rate yet."""
    if rate is None:
        return "—"
    return f"{vnum(round(Decimal(str(rate)) * 100, 1))} %"


@register.filter
def days(value: float | None) -> str:
    """An average delay in days, one decimal: ``2,5``; ``—`` when nothing was late."""
    if value is None:
        return "—"
    return vnum(round(Decimal(str(value)), 1))


@register.filter
def basename(path: str) -> str:
    """``attachments/2025/01/12-K001-ke-hoach.pdf`` → ``12-K001-ke-hoach.pdf``."""
    return str(path or "").rsplit("/", 1)[-1]
