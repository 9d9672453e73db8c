"""Forms of the reporting pages: an agency's report, the consolidator's decisions and
calendar changes, the statistics office's figures.

Figures are typed the Vietnamese way in every language (``27.026``, ``87,5``) and dates
``dd/mm/yyyy`` (the fields of :mod:`planwatch.plans.forms`). The forms check what a person
typed; the state machine and the rest are for :mod:`planwatch.reporting.actions` to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from planwatch.plans.forms import DayField, NumberField
from planwatch.plans.models import Plan, Target, Task
from planwatch.reporting.actions import (
    ATTACHMENT_TYPES,
    AttachmentRefused,
    FigureInput,
    ProgressInput,
    check_attachment,
)
from planwatch.reporting.choices import FigureKind, ProgressStatus
from planwatch.reporting.models import Figure, Report, TaskProgress

ATTACHMENT_ACCEPT = ",".join(ATTACHMENT_TYPES)
REPORTED_KINDS = [
    (FigureKind.ESTIMATE.value, FigureKind.ESTIMATE.label),
    (FigureKind.PRELIMINARY.value, FigureKind.PRELIMINARY.label),
    (FigureKind.OFFICIAL.value, FigureKind.OFFICIAL.label),
]
TEXT_LIMIT = 20_000
#: The message for each reason :func:`check_attachment` gives.
ATTACHMENT_ERRORS = {
    "type": _("Attach a PDF, Word (.docx) or Excel (.xlsx) file, not “%(name)s”."),
    "size": _("The file is larger than %(mb)s MB."),
    "content": _("“%(name)s” is not really a %(kind)s file; its content says otherwise."),
}


def _textarea(label: Any, rows: int = 2, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows, **attrs}),
    )


# ------------------------------------------------------------------ an agency's report


class NarrativeForm(forms.Form):
    narrative = _textarea(_("General narrative"), rows=6)


class ProgressForm(forms.Form):
    """What the agency says about one task it owes."""

    status = forms.ChoiceField(
        label=_("Status"), choices=ProgressStatus.choices, initial=ProgressStatus.NOT_STARTED
    )
    percent = forms.IntegerField(
        label=_("Percent done"),
        required=False,
        min_value=0,
        max_value=100,
        initial=0,
        error_messages={
            "invalid": _("Write a whole number from 0 to 100."),
            "min_value": _("Write a whole number from 0 to 100."),
            "max_value": _("Write a whole number from 0 to 100."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    done = _textarea(_("What was done"), rows=3)
    difficulties = _textarea(_("Difficulties and obstacles"))
    proposals = _textarea(_("Proposals"))
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Word (.docx) or Excel (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
        error_messages={"empty": _("The file is empty.")},
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attached file"), required=False)

    def clean_percent(self) -> int:
        value = self.cleaned_data.get("percent")
        return 0 if value is None else int(value)

    def clean_attachment(self) -> UploadedFile | None:
        """Checked here for a message beside the field; ``save_report`` checks it again."""
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        if not upload:
            return None
        try:
            check_attachment(upload)
        except AttachmentRefused as exc:
            raise ValidationError(
                ATTACHMENT_ERRORS[exc.code], code=exc.code, params=exc.params
            ) from None
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ProgressStatus.DONE:
            data["percent"] = 100
        return data

    def has_content(self) -> bool:
        """True when the agency said something about the task (not just the blank form)."""
        data = self.cleaned_data
        return bool(
            data.get("status") != ProgressStatus.NOT_STARTED
            or data.get("percent")
            or data.get("done", "").strip()
            or data.get("difficulties", "").strip()
            or data.get("proposals", "").strip()
            or data.get("attachment")
        )


class FigureRowForm(forms.Form):
    """The figure an agency reports for one target it owes."""

    value = NumberField(label=_("Figure"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of figure"), choices=REPORTED_KINDS, initial=FigureKind.ESTIMATE
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value") is None and (data.get("note") or "").strip() and not self.errors:
            self.add_error("value", _("Write the figure, or clear the note."))
        if data.get("value") is not None and abs(data["value"]) >= Decimal(10) ** 18:
            self.add_error("value", _("This number is too large."))
        return data


@dataclass
class TaskRow:
    task: Task
    form: ProgressForm
    existing: TaskProgress | None


@dataclass
class TargetRow:
    target: Target
    form: FigureRowForm
    existing: Figure | None
    previous: Figure | None = None
    warning: bool = False


def differs_much(value: Decimal | None, previous: Figure | None) -> bool:
    """True when ``value`` differs from the previous figure by more than half of it."""
    if value is None or previous is None:
        return False
    before = previous.value
    if before == 0:
        return value != 0
    return abs(value - before) > abs(before) / 2


class ReportEditor:
    """The whole report form: the narrative, one row per task owed, one per target owed.

    ``progress_inputs()`` (with each task's new attachment or its removal) and
    ``figure_inputs()`` give what the actions take, once ``is_valid()``.
    """

    def __init__(
        self,
        report: Report,
        tasks: list[Task],
        targets: list[Target],
        data: Any = None,
        files: Any = None,
    ):
        self.report = report
        bound = data is not None
        progress = {p.task_id: p for p in report.progress.all()}
        figures: dict[int, Figure] = {}
        for saved in report.figures.all():
            if saved.target_id is not None:
                figures.setdefault(saved.target_id, saved)
        self.narrative = NarrativeForm(
            data if bound else None, initial={"narrative": report.narrative}
        )
        self.tasks: list[TaskRow] = []
        for task in tasks:
            row = progress.get(task.pk)
            initial = (
                {
                    "status": row.status,
                    "percent": row.percent,
                    "done": row.done,
                    "difficulties": row.difficulties,
                    "proposals": row.proposals,
                }
                if row
                else {}
            )
            progress_form = ProgressForm(
                data if bound else None,
                files if bound else None,
                prefix=f"t{task.pk}",
                initial=initial,
            )
            self.tasks.append(TaskRow(task=task, form=progress_form, existing=row))
        self.targets: list[TargetRow] = []
        for target in targets:
            figure = figures.get(target.pk)
            initial = (
                {"value": figure.value.normalize(), "kind": figure.kind, "note": figure.note}
                if figure
                else {}
            )
            figure_form = FigureRowForm(
                data if bound else None, prefix=f"g{target.pk}", initial=initial
            )
            self.targets.append(TargetRow(target=target, form=figure_form, existing=figure))

    def forms(self) -> list[forms.Form]:
        return [self.narrative, *(r.form for r in self.tasks), *(r.form for r in self.targets)]

    def is_valid(self) -> bool:
        return all([f.is_valid() for f in self.forms()])  # every form, to show every error

    def error_count(self) -> int:
        return sum(len(f.errors) for f in self.forms())

    def progress_inputs(self) -> list[ProgressInput]:
        rows = []
        for row in self.tasks:
            data = row.form.cleaned_data
            if row.existing is None and not row.form.has_content():
                continue  # a task left blank: nothing is said about it
            rows.append(
                ProgressInput(
                    task=row.task,
                    status=data["status"],
                    percent=data["percent"],
                    done=data.get("done", ""),
                    difficulties=data.get("difficulties", ""),
                    proposals=data.get("proposals", ""),
                    attachment=data.get("attachment"),
                    remove_attachment=bool(data.get("remove_attachment")),
                )
            )
        return rows

    def figure_inputs(self) -> list[FigureInput]:
        period = self.report.period
        rows = []
        for row in self.targets:
            data = row.form.cleaned_data
            if data.get("value") is None:
                continue
            rows.append(
                FigureInput(
                    target=row.target,
                    value=data["value"],
                    kind=data["kind"],
                    period_start=period.start,
                    period_end=period.end,
                    unit=row.target.unit,
                    note=data.get("note", ""),
                )
            )
        return rows


# ------------------------------------------------------------------ the consolidator


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be corrected"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what must be corrected.")},
    )

    def clean_comment(self) -> str:
        comment = (self.cleaned_data.get("comment") or "").strip()
        if not comment:
            raise ValidationError(_("Say what must be corrected."), code="required")
        return comment


class DueDateForm(forms.Form):
    due = DayField(label=_("New due date"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the change.")},
    )

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Give the reason for the change."), code="required")
        return reason


class AdHocForm(forms.Form):
    title = forms.CharField(label=_("Title of the request"), max_length=200)
    start = DayField(label=_("Data from"))
    end = DayField(label=_("Data to"))
    due = DayField(label=_("Due date"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end", _("The data window ends before it starts."))
        if not (data.get("title") or "").strip() and "title" not in self.errors:
            self.add_error("title", _("Give the request a title."))
        return data


class CalendarForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


# ------------------------------------------------------------------ the statistics office


class PlanChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=Plan.objects.select_related("document").order_by("-document__issued_on", "pk"),
        empty_label=_("Choose a plan"),
    )


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = f" ({obj.unit})" if obj.unit else ""
        return f"{obj.code} · {obj.indicator_name[:120]}{unit}"


class FigureForm(forms.Form):
    target = TargetChoiceField(
        label=pgettext_lazy("reporting", "Target"),
        queryset=Target.objects.none(),
        empty_label=_("Choose a target"),
    )
    value = NumberField(label=_("Figure"))
    kind = forms.ChoiceField(
        label=_("Kind of figure"),
        choices=[REPORTED_KINDS[2], REPORTED_KINDS[1], REPORTED_KINDS[0]],
        initial=FigureKind.OFFICIAL,
    )
    period_start = DayField(label=_("Data from"))
    period_end = DayField(label=_("Data to"))
    area = forms.CharField(label=_("Area"), required=False, max_length=120)
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = plan.targets.select_related("indicator").order_by("position")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        value = data.get("value")
        if value is not None and abs(value) >= Decimal(10) ** 18:
            self.add_error("value", _("This number is too large."))
        return data
