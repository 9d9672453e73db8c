"""The plan file: planwatch's JSON interchange format for a plan document.

The format is the one of the hand-checked annotations (document, implements, references,
targets, tasks, reporting, deadlines, notes); see ``docs/plan-file.md``. This module has no
Django import: :func:`parse` validates a file and returns a :class:`PlanFile`, :func:`dump`
writes one back. A file with any problem is rejected whole with a :class:`PlanFileError`
that names every field at fault.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from planwatch.text import nfc, normalise_doc_number

COMPARATORS = ("eq", "range", "gte", "lte", "approx", "stable")
FREQUENCIES = ("monthly", "quarterly", "6-month", "9-month", "annual", "ad hoc")
MAX_FIGURE = 10**18  # figures are stored with 18 digits before the decimal mark and 6 after


class PlanFileError(ValueError):
    """A plan file that cannot be imported; ``errors`` names each field and its problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = "; ".join(errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"invalid plan file: {shown}{more}")


@dataclass
class DocumentInfo:
    number: str | None = None
    kind: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued_on: date | None = None
    signer: str | None = None
    title: str | None = None


@dataclass
class DocumentRef:
    number: str
    date: date | None = None
    issuer: str | None = None
    title: str | None = None


@dataclass
class TargetItem:
    indicator: str
    comparator: str
    id: str | None = None
    main: bool = False
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    year: int | None = None
    scope: str | None = None
    lead: str | None = None
    quote: str | None = None
    span: tuple[int, int] | None = None
    higher_is_better: bool | None = None
    cumulative: bool | None = None


@dataclass
class TaskItem:
    text: str
    id: str | None = None
    section: str | None = None
    lead: str | None = None
    coordinating: list[str] = field(default_factory=list)
    deadline: date | None = None
    recurring: bool = False
    quote: str | None = None
    expected_output: str | None = None
    span: tuple[int, int] | None = None


@dataclass
class ReportingItem:
    frequency: str
    who: str | None = None
    to: str | None = None
    due: str | None = None
    quote: str | None = None
    span: tuple[int, int] | None = None


@dataclass
class DeadlineItem:
    what: str
    date: date
    quote: str | None = None
    span: tuple[int, int] | None = None


@dataclass
class PlanFile:
    document: DocumentInfo
    source: str | None = None
    implements: list[DocumentRef] = field(default_factory=list)
    references: list[DocumentRef] = field(default_factory=list)
    targets: list[TargetItem] = field(default_factory=list)
    tasks: list[TaskItem] = field(default_factory=list)
    reporting: list[ReportingItem] = field(default_factory=list)
    deadlines: list[DeadlineItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ reading


class _Reader:
    """Collects every problem of a file instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, problem: str) -> None:
        self.errors.append(f"{path}: {problem}")

    def obj(
        self,
        value: Any,
        path: str,
        allowed: set[str],
        required: frozenset[str] | set[str] = frozenset(),
    ) -> dict | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return None
        unknown = sorted(set(value) - allowed)
        if unknown:
            self.fail(
                path,
                f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
            )
        for key in sorted(required - set(value)):
            self.fail(f"{path}.{key}", "is required")
        return value

    def items(self, data: dict, key: str) -> list[tuple[str, Any]]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {_kind(value)}")
            return []
        return [(f"{key}[{index}]", item) for index, item in enumerate(value)]

    def text(self, data: dict, key: str, path: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required and must be text")
            return None
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"must be text, not {_kind(value)}")
            return None
        value = nfc(value).strip()
        if required and not value:
            self.fail(f"{path}.{key}", "must not be empty")
            return None
        return value or None

    def boolean(self, data: dict, key: str, path: str, default: bool | None) -> bool | None:
        value = data.get(key, default)
        if value is None or isinstance(value, bool):
            return value
        self.fail(f"{path}.{key}", f"must be true or false, not {_kind(value)}")
        return default

    def number(self, data: dict, key: str, path: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = (
                " (write it as a JSON number such as 27026 or 87.5)"
                if isinstance(value, str)
                else ""
            )
            self.fail(f"{path}.{key}", f"must be a number, not {_kind(value)}{hint}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(f"{path}.{key}", "must be a finite number")
            return None
        if abs(value) >= MAX_FIGURE:
            self.fail(
                f"{path}.{key}", f"{value} is too large (at most 18 digits before the decimal mark)"
            )
            return None
        return Decimal(str(value))

    def integer(self, data: dict, key: str, path: str, low: int, high: int) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}.{key}", f"must be a whole number, not {_kind(value)}")
            return None
        if not low <= value <= high:
            self.fail(f"{path}.{key}", f"{value} is outside {low}-{high}")
            return None
        return value

    def day(self, data: dict, key: str, path: str, *, required: bool = False) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "is required (a date YYYY-MM-DD)")
            return None
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            self.fail(f"{path}.{key}", f"must be a date written YYYY-MM-DD, not {value!r}")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{path}.{key}", f"the date {value} does not exist")
            return None

    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...]) -> str | None:
        value = data.get(key)
        if value not in choices:
            shown = repr(value) if value is not None else "nothing"
            self.fail(
                f"{path}.{key}", f"unknown value {shown}; expected one of {', '.join(choices)}"
            )
            return None
        return str(value)

    def span(self, data: dict, path: str) -> tuple[int, int] | None:
        value = data.get("span")
        if value is None:
            return None
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
            and value[0] <= value[1]
        ):
            return (value[0], value[1])
        self.fail(f"{path}.span", "must be [start, end], two character offsets with start <= end")
        return None

    def names(self, data: dict, key: str, path: str) -> list[str]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{path}.{key}", "must be a list of names (text)")
            return []
        return [nfc(v).strip() for v in value if v.strip()]


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


_DOC_FIELDS = {"number", "kind", "issuer", "place", "issued_on", "signer", "title"}
_REF_FIELDS = {"number", "date", "issuer", "title"}
_TARGET_FIELDS = {
    "id", "main", "indicator", "comparator", "value", "low", "high", "unit", "year", "scope",
    "lead", "quote", "span", "higher_is_better", "cumulative",
}  # fmt: skip
_TASK_FIELDS = {
    "id", "section", "lead", "coordinating", "deadline", "recurring", "quote", "text",
    "expected_output", "span",
}  # fmt: skip
_REPORTING_FIELDS = {"who", "to", "frequency", "due", "quote", "span"}
_DEADLINE_FIELDS = {"what", "date", "quote", "span"}
_TOP_FIELDS = {
    "source", "document", "implements", "references", "targets", "tasks", "reporting",
    "deadlines", "notes",
}  # fmt: skip


def loads(raw: bytes | str) -> PlanFile:
    """Parse the text of a plan file (JSON)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PlanFileError(
                [f"file: not UTF-8 text ({exc.reason} at byte {exc.start})"]
            ) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            [f"file: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"]
        ) from None
    return parse(data)


def parse(data: Any) -> PlanFile:
    """Validate a decoded plan file and build a :class:`PlanFile`; raise :class:`PlanFileError`."""
    r = _Reader()
    top = r.obj(data, "file", _TOP_FIELDS, {"document"})
    if top is None:
        raise PlanFileError(r.errors)

    doc = DocumentInfo()
    raw_doc = r.obj(top.get("document"), "document", _DOC_FIELDS) if "document" in top else None
    if raw_doc is not None:
        number = r.text(raw_doc, "number", "document")
        doc = DocumentInfo(
            number=normalise_doc_number(number) if number else None,
            kind=r.text(raw_doc, "kind", "document"),
            issuer=r.text(raw_doc, "issuer", "document"),
            place=r.text(raw_doc, "place", "document"),
            issued_on=r.day(raw_doc, "issued_on", "document"),
            signer=r.text(raw_doc, "signer", "document"),
            title=r.text(raw_doc, "title", "document"),
        )
        if not doc.number and not doc.title:
            r.fail("document", "needs a number or a title to identify it")

    plan = PlanFile(document=doc, source=r.text(top, "source", "file"))

    for key, target_list in (("implements", plan.implements), ("references", plan.references)):
        for path, item in r.items(top, key):
            ref = r.obj(item, path, _REF_FIELDS, {"number"})
            if ref is None:
                continue
            number = r.text(ref, "number", path, required=True)
            if number:
                target_list.append(
                    DocumentRef(
                        number=normalise_doc_number(number),
                        date=r.day(ref, "date", path),
                        issuer=r.text(ref, "issuer", path),
                        title=r.text(ref, "title", path),
                    )
                )

    for path, item in r.items(top, "targets"):
        raw = r.obj(item, path, _TARGET_FIELDS, {"indicator", "comparator"})
        if raw is None:
            continue
        target = TargetItem(
            id=r.text(raw, "id", path),
            main=bool(r.boolean(raw, "main", path, False)),
            indicator=r.text(raw, "indicator", path, required=True) or "",
            comparator=r.choice(raw, "comparator", path, COMPARATORS) or "",
            value=r.number(raw, "value", path),
            low=r.number(raw, "low", path),
            high=r.number(raw, "high", path),
            unit=r.text(raw, "unit", path),
            year=r.integer(raw, "year", path, 1900, 2200),
            scope=r.text(raw, "scope", path),
            lead=r.text(raw, "lead", path),
            quote=r.text(raw, "quote", path),
            span=r.span(raw, path),
            higher_is_better=r.boolean(raw, "higher_is_better", path, None),
            cumulative=r.boolean(raw, "cumulative", path, None),
        )
        if target.comparator == "range":
            if target.low is None or target.high is None:
                for bound in ("low", "high"):
                    if raw.get(bound) is None:  # (a bad number is reported already)
                        r.fail(f"{path}.{bound}", "a range target needs both low and high")
            elif target.low > target.high:
                r.fail(f"{path}.low", f"low {target.low} is above high {target.high}")
            if target.value is not None:
                r.fail(f"{path}.value", "must be null for a range target (use low and high)")
        elif target.comparator and (target.low is not None or target.high is not None):
            r.fail(path, f"low and high are only for range targets, not {target.comparator}")
        plan.targets.append(target)

    for path, item in r.items(top, "tasks"):
        raw = r.obj(item, path, _TASK_FIELDS)
        if raw is None:
            continue
        text = r.text(raw, "text", path)
        quote = r.text(raw, "quote", path)
        if not text and not quote:
            r.fail(path, "needs its text (or at least a quote)")
        plan.tasks.append(
            TaskItem(
                id=r.text(raw, "id", path),
                section=r.text(raw, "section", path),
                lead=r.text(raw, "lead", path),
                coordinating=r.names(raw, "coordinating", path),
                deadline=r.day(raw, "deadline", path),
                recurring=bool(r.boolean(raw, "recurring", path, False)),
                text=text or quote or "",
                quote=quote,
                expected_output=r.text(raw, "expected_output", path),
                span=r.span(raw, path),
            )
        )

    for path, item in r.items(top, "reporting"):
        raw = r.obj(item, path, _REPORTING_FIELDS, {"frequency"})
        if raw is None:
            continue
        plan.reporting.append(
            ReportingItem(
                frequency=r.choice(raw, "frequency", path, FREQUENCIES) or "",
                who=r.text(raw, "who", path),
                to=r.text(raw, "to", path),
                due=r.text(raw, "due", path),
                quote=r.text(raw, "quote", path),
                span=r.span(raw, path),
            )
        )

    for path, item in r.items(top, "deadlines"):
        raw = r.obj(item, path, _DEADLINE_FIELDS, {"what", "date"})
        if raw is None:
            continue
        day = r.day(raw, "date", path, required=True)
        what = r.text(raw, "what", path, required=True)
        if day and what:
            plan.deadlines.append(
                DeadlineItem(
                    what=what, date=day, quote=r.text(raw, "quote", path), span=r.span(raw, path)
                )
            )

    notes = top.get("notes", [])
    if notes is not None and (
        not isinstance(notes, list) or not all(isinstance(n, str) for n in notes)
    ):
        r.fail("notes", "must be a list of text")
    elif notes:
        plan.notes = [nfc(n) for n in notes]

    _check_unique_ids(r, "targets", [t.id for t in plan.targets])
    _check_unique_ids(r, "tasks", [t.id for t in plan.tasks])
    if r.errors:
        raise PlanFileError(r.errors)
    return plan


def _check_unique_ids(r: _Reader, key: str, ids: list[str | None]) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id is None:
            continue
        if item_id in seen:
            r.fail(f"{key}[{index}].id", f"{item_id!r} is used twice")
        seen.add(item_id)


# ------------------------------------------------------------------ writing


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _span(value: tuple[int, int] | None) -> list[int] | None:
    return list(value) if value else None


def _drop_none(data: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None or k in keep}


def dump(plan: PlanFile) -> dict[str, Any]:
    """The plan as a JSON-ready dict in the plan file format."""
    doc = plan.document
    return {
        "source": plan.source,
        "document": {
            "number": doc.number,
            "kind": doc.kind,
            "issuer": doc.issuer,
            "place": doc.place,
            "issued_on": _day(doc.issued_on),
            "signer": doc.signer,
            "title": doc.title,
        },
        "implements": [
            _drop_none(
                {"number": d.number, "date": _day(d.date), "issuer": d.issuer, "title": d.title},
                ("date",),
            )
            for d in plan.implements
        ],
        "references": [
            _drop_none(
                {"number": d.number, "date": _day(d.date), "issuer": d.issuer, "title": d.title},
                ("date",),
            )
            for d in plan.references
        ],
        "targets": [
            _drop_none(
                {
                    "id": t.id,
                    "main": t.main,
                    "indicator": t.indicator,
                    "comparator": t.comparator,
                    "value": _num(t.value),
                    "low": _num(t.low),
                    "high": _num(t.high),
                    "unit": t.unit,
                    "year": t.year,
                    "scope": t.scope,
                    "lead": t.lead,
                    "quote": t.quote,
                    "span": _span(t.span),
                    "higher_is_better": t.higher_is_better,
                    "cumulative": t.cumulative,
                },
                ("value", "low", "high", "unit", "year", "scope", "lead"),
            )
            for t in plan.targets
        ],
        "tasks": [
            _drop_none(
                {
                    "id": t.id,
                    "section": t.section,
                    "lead": t.lead,
                    "coordinating": list(t.coordinating),
                    "deadline": _day(t.deadline),
                    "recurring": t.recurring,
                    "text": t.text,
                    "quote": t.quote,
                    "expected_output": t.expected_output,
                    "span": _span(t.span),
                },
                ("section", "lead", "deadline"),
            )
            for t in plan.tasks
        ],
        "reporting": [
            _drop_none(
                {
                    "who": r.who,
                    "to": r.to,
                    "frequency": r.frequency,
                    "due": r.due,
                    "quote": r.quote,
                    "span": _span(r.span),
                }
            )
            for r in plan.reporting
        ],
        "deadlines": [
            _drop_none(
                {"what": d.what, "date": _day(d.date), "quote": d.quote, "span": _span(d.span)}
            )
            for d in plan.deadlines
        ],
        "notes": list(plan.notes),
    }


def dumps(plan: PlanFile) -> str:
    return json.dumps(dump(plan), ensure_ascii=False, indent=1) + "\n"
