"""A reporting period as an Excel workbook, for the consolidator's own tables.

Four sheets, with Vietnamese headers whatever the reader's language (the workbook goes into
official documents): the reports and their standing, the progress of every task, the
difficulties and proposals, the figures. Built from what the period page already read
(:func:`planwatch.reporting.queries.period_consolidation` and the period's figures): no
query per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planwatch.reporting.choices import Compliance, FigureKind, ProgressStatus, ReportState
from planwatch.reporting.models import Figure, ReportingPeriod
from planwatch.reporting.queries import Consolidation

HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _sheet(
    book: Workbook,
    title: str,
    headers: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    first: bool = False,
) -> Worksheet:
    sheet = book.active if first else book.create_sheet()
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([header for header, _width in headers])
    for column, (_header, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def period_workbook(
    period: ReportingPeriod, consolidation: Consolidation, figures: list[Figure]
) -> bytes:
    """The ``.xlsx`` file of a period (see the module's description)."""
    with translation.override("vi"):
        return _build(period, consolidation, figures)


def _build(period: ReportingPeriod, consolidation: Consolidation, figures: list[Figure]) -> bytes:
    book = Workbook()
    _sheet(
        book,
        _("Reports"),
        [
            (_("No."), 6),
            (_("Agency"), 40),
            (_("State"), 16),
            (_("Compliance"), 16),
            (_("Due date"), 12),
            (_("First submitted"), 18),
            (_("Last submitted"), 18),
            (_("Versions"), 10),
            (_("Comment when returned"), 40),
        ],
        (
            [
                i,
                s.report.agency.name,
                _label(ReportState, s.report.state),
                _label(Compliance, s.compliance),
                period.due,
                s.report.first_submitted_at,
                s.report.submitted_at,
                s.report.version_count,
                s.report.return_comment,
            ]
            for i, s in enumerate(consolidation.reports, start=1)
        ),
        first=True,
    )
    _sheet(
        book,
        _("Task progress"),
        [
            (_("Task"), 10),
            (_("Section"), 12),
            (_("Task text"), 60),
            (_("Agency"), 36),
            (_("Status"), 16),
            (_("Percent done"), 10),
            (_("What was done"), 60),
            (_("Difficulties and obstacles"), 40),
            (_("Proposals"), 40),
        ],
        (
            [
                group.task.code,
                group.task.section,
                group.task.text,
                row.report.agency.name,
                _label(ProgressStatus, row.status),
                row.percent,
                row.done,
                row.difficulties,
                row.proposals,
            ]
            for group in consolidation.tasks
            for row in group.rows
        ),
    )
    _sheet(
        book,
        _("Difficulties, proposals"),
        [
            (_("Kind"), 16),
            (_("Agency"), 36),
            (_("Task"), 10),
            (_("Task text"), 50),
            (_("Content"), 70),
        ],
        (
            [
                _("Difficulties") if issue.kind == "difficulties" else _("Proposals"),
                issue.agency.name,
                issue.task.code,
                issue.task.text,
                issue.text,
            ]
            for issue in consolidation.difficulties + consolidation.proposals
        ),
    )
    _sheet(
        book,
        _("Figures"),
        [
            (pgettext("reporting", "Target"), 10),
            (_("Indicator"), 50),
            (_("Agency"), 36),
            (_("Value"), 14),
            (_("Unit"), 14),
            (_("Kind of figure"), 14),
            (_("Data from"), 12),
            (_("Data to"), 12),
            (_("Note"), 40),
        ],
        (
            [
                f.target.code if f.target else "",
                f.indicator.name,
                f.report.agency.name if f.report else "",
                _number(f.value),
                f.unit,
                _label(FigureKind, f.kind),
                f.period_start,
                f.period_end,
                f.note,
            ]
            for f in figures
        ),
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
