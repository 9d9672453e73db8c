"""Forms of the plan pages: uploading a plan document and correcting a draft plan.

Figures are typed the Vietnamese way in every language (``27.026``, ``87,5``) and read
with :func:`planwatch.text.parse_number`; dates are ``dd/mm/yyyy``. The forms only check
that each value can be read; whether the whole draft makes a valid plan (a range with both
bounds, ``low <= high`` …) is for :func:`planwatch.plans.planfile.parse` to say, naming the
field.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from planwatch.plans.choices import Comparator, PlanStatus
from planwatch.plans.review import Item, assign_ids
from planwatch.text import format_dmy, format_number, parse_dmy, parse_number

UPLOAD_TYPES = (".txt", ".md", ".docx", ".xlsx", ".pdf")
AGENCY_LIST_ID = "agency-names"


def max_upload_bytes() -> int:
    return int(getattr(settings, "PLANWATCH_MAX_UPLOAD_MB", 20)) * 1024 * 1024


class UploadForm(forms.Form):
    document = forms.FileField(
        label=_("Plan document"),
        help_text=_("A text (.txt, .md), Word (.docx), Excel (.xlsx) or PDF file."),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received; choose the file again."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_TYPES)}),
    )

    def clean_document(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["document"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_TYPES:
            raise ValidationError(
                _("planwatch reads %(types)s files, not “%(suffix)s”."),
                code="type",
                params={"types": ", ".join(UPLOAD_TYPES), "suffix": suffix or upload.name},
            )
        limit = max_upload_bytes()
        if (upload.size or 0) > limit:
            raise ValidationError(
                _("The file is larger than %(mb)s MB."),
                code="size",
                params={"mb": limit // (1024 * 1024)},
            )
        if not upload.size:
            raise ValidationError(_("The file is empty."), code="empty")
        return upload


# ------------------------------------------------------------------ fields


class NumberField(forms.Field):
    """A figure typed the Vietnamese way: ``27.026`` → 27026, ``87,5`` → 87.5."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": _("Write a number such as 27.026 or 87,5.")}

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return format_number(value)
        return value


class DayField(forms.Field):
    """A date typed ``dd/mm/yyyy``."""

    widget = forms.TextInput(
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
    )
    default_error_messages = {
        "invalid": _("Write the date as dd/mm/yyyy, e.g. 05/02/2025."),
        "impossible": _("This date does not exist."),
    }

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return parse_dmy(text)
        except ValueError:
            code = "impossible" if _looks_like_dmy(text) else "invalid"
            raise ValidationError(self.error_messages[code], code=code) from None

    def prepare_value(self, value: Any) -> Any:
        return format_dmy(value) if isinstance(value, date) else value


def _looks_like_dmy(text: str) -> bool:
    parts = text.replace("-", "/").replace(".", "/").split("/")
    return len(parts) == 3 and all(p.strip().isdigit() for p in parts)


def _text(label: Any, max_length: int, *, required: bool = False, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=attrs) if attrs else None,
    )


def _agency(label: Any) -> forms.CharField:
    return _text(label, 255, list=AGENCY_LIST_ID, autocomplete="off")


# ------------------------------------------------------------------ the draft's parts


class DocumentForm(forms.Form):
    number = _text(_("Number"), 80)
    kind = _text(_("Kind"), 120)
    issuer = _text(_("Issuer"), 255)
    place = _text(_("Place"), 120)
    issued_on = DayField(label=_("Issued on"), required=False)
    signer = _text(_("Signer"), 120)
    title = forms.CharField(
        label=_("Title"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TargetForm(forms.Form):
    main = forms.BooleanField(label=_("Key target"), required=False)
    indicator = forms.CharField(
        label=_("Indicator"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    comparator = forms.ChoiceField(
        label=_("Comparator"), choices=Comparator.choices, initial=Comparator.EQ
    )
    value = NumberField(label=_("Value"), required=False)
    low = NumberField(label=_("From"), required=False)
    high = NumberField(label=_("To"), required=False)
    unit = _text(_("Unit"), 80)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    scope = _text(_("Scope"), 200)
    lead = _agency(_("Lead agency"))


class TaskForm(forms.Form):
    section = _text(_("Section"), 80)
    text = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    lead = _agency(_("Lead agency"))
    coordinating = forms.CharField(
        label=_("Coordinating agencies"),
        help_text=_("One per line."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deadline = DayField(label=_("Deadline"), required=False)
    recurring = forms.BooleanField(label=_("Recurring"), required=False)
    expected_output = _text(_("Expected output"), 300)


TargetFormSet = forms.formset_factory(TargetForm, extra=1, can_delete=True, can_delete_extra=False)
TaskFormSet = forms.formset_factory(TaskForm, extra=1, can_delete=True, can_delete_extra=False)


def _iso_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _or_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    return value if value not in ("", None) else None


def _day_or_raw(value: Any) -> Any:
    """The initial of a date field: a date when the draft holds a valid one, else the text as
    it stands, so that a bad date is shown, not silently dropped."""
    return _iso_day(value) or value


class DraftEditor:
    """The forms of the review page for one draft plan, and the plan they produce.

    Rows follow the draft's lists in order; the extra row of each list adds an item. Fields
    the page does not edit (quotes, spans, …) are kept from the draft.
    """

    def __init__(self, plan: dict[str, Any], data: Any = None):
        self.plan = plan
        self.old_targets = [t for t in plan.get("targets") or [] if isinstance(t, dict)]
        self.old_tasks = [t for t in plan.get("tasks") or [] if isinstance(t, dict)]
        document = plan.get("document") if isinstance(plan.get("document"), dict) else {}
        self.document = DocumentForm(
            data,
            prefix="doc",
            initial={
                **{k: (document or {}).get(k) for k in DocumentForm.base_fields},
                "issued_on": _day_or_raw((document or {}).get("issued_on")),
            },
        )
        self.targets = TargetFormSet(
            data, prefix="targets", initial=[self._target_initial(t) for t in self.old_targets]
        )
        self.tasks = TaskFormSet(
            data, prefix="tasks", initial=[self._task_initial(t) for t in self.old_tasks]
        )

    @staticmethod
    def _target_initial(item: dict[str, Any]) -> dict[str, Any]:
        return {name: item.get(name) for name in TargetForm.base_fields} | {
            "main": bool(item.get("main"))
        }

    @staticmethod
    def _task_initial(item: dict[str, Any]) -> dict[str, Any]:
        coordinating = item.get("coordinating") or []
        return {
            "section": item.get("section"),
            "text": item.get("text") or item.get("quote"),
            "lead": item.get("lead"),
            "coordinating": "\n".join(str(c) for c in coordinating)
            if isinstance(coordinating, list)
            else coordinating,
            "deadline": _day_or_raw(item.get("deadline")),
            "recurring": bool(item.get("recurring")),
            "expected_output": item.get("expected_output"),
        }

    def is_valid(self) -> bool:
        return all([self.document.is_valid(), self.targets.is_valid(), self.tasks.is_valid()])

    @property
    def error_count(self) -> int:
        count = len(self.document.errors)
        for formset in (self.targets, self.tasks):
            count += len(formset.non_form_errors())
            count += sum(len(form.errors) for form in formset.forms)
        return count

    def rows(self, formset: forms.BaseFormSet, items: list[Item]) -> list[tuple[Any, Item | None]]:
        """Each form with the draft item it edits (``None`` for the row that adds one)."""
        by_index = {item.index: item for item in items}
        return [(form, by_index.get(i)) for i, form in enumerate(formset.forms)]

    # -------------------------------------------------------------- the edited plan

    def to_plan(self) -> dict[str, Any]:
        """The draft plan with the edits applied; call after :meth:`is_valid`."""
        plan = copy.deepcopy(self.plan)
        document = dict(plan.get("document") or {})
        for name in DocumentForm.base_fields:
            value = self.document.cleaned_data.get(name)
            document[name] = value.isoformat() if isinstance(value, date) else _or_none(value)
        plan["document"] = document
        plan["targets"] = self._edited(self.targets, self.old_targets, self._target)
        plan["tasks"] = self._edited(self.tasks, self.old_tasks, self._task)
        assign_ids(plan["targets"], "target", (str(t.get("id")) for t in self.old_targets))
        assign_ids(plan["tasks"], "task", (str(t.get("id")) for t in self.old_tasks))
        return plan

    @staticmethod
    def _edited(formset: forms.BaseFormSet, old: list[dict[str, Any]], apply: Any) -> list[dict]:
        result = []
        for index, form in enumerate(formset.forms):
            existing = index < len(old)
            if not existing and not form.has_changed():
                continue  # the empty row for a new item, left empty
            if form.cleaned_data.get("DELETE"):
                continue  # dropped
            base = copy.deepcopy(old[index]) if existing else {}
            result.append(apply(base, form.cleaned_data))
        return result

    @staticmethod
    def _target(item: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        comparator = data["comparator"]
        ranged = comparator == Comparator.RANGE
        item.update(
            {
                "main": bool(data.get("main")),
                "indicator": data["indicator"].strip(),
                "comparator": comparator,
                # a range has bounds and no value; every other comparator the reverse
                "value": None if ranged else _number(data.get("value")),
                "low": _number(data.get("low")) if ranged else None,
                "high": _number(data.get("high")) if ranged else None,
                "unit": _or_none(data.get("unit")),
                "year": data.get("year"),
                "scope": _or_none(data.get("scope")),
                "lead": _or_none(data.get("lead")),
            }
        )
        return item

    @staticmethod
    def _task(item: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        text = data["text"].strip()
        coordinating = [
            line.strip() for line in (data.get("coordinating") or "").splitlines() if line.strip()
        ]
        deadline = data.get("deadline")
        item.update(
            {
                "section": _or_none(data.get("section")),
                "lead": _or_none(data.get("lead")),
                "coordinating": coordinating,
                "deadline": deadline.isoformat() if deadline else None,
                "recurring": bool(data.get("recurring")),
            }
        )
        # a task the extractor gave only by its quote keeps it so, unless the text was edited
        if item.get("text") or text != (item.get("quote") or "").strip():
            item["text"] = text
        output = _or_none(data.get("expected_output"))
        if output or "expected_output" in item:
            item["expected_output"] = output
        return item


class ConfirmForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Create the plan as"),
        choices=[
            (PlanStatus.DRAFT, PlanStatus.DRAFT.label),
            (PlanStatus.ACTIVE, PlanStatus.ACTIVE.label),
        ],
        initial=PlanStatus.DRAFT,
        widget=forms.RadioSelect,
    )
