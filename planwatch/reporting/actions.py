"""Every write of the reporting cycle. Atomic, audited (:func:`planwatch.core.audit.record`).

The calendar (:func:`generate_calendar`, :func:`add_ad_hoc_request`, :func:`change_due_date`),
an agency's report (:func:`save_report`, :func:`submit_report`), the consolidator's decision
(:func:`accept_report`, :func:`return_report`) and the statistics office's figures
(:func:`record_figure`).

A report moves ``pending`` → ``draft`` → ``submitted`` → ``accepted``, or from
``submitted`` to ``returned`` and, once resubmitted, ``submitted`` again. Every submission
is kept as a frozen :class:`ReportVersion`; an accepted report is never edited.

A task's progress may carry one attachment (PDF, DOCX or XLSX, checked by its content and
size by :func:`check_attachment`, which the report form also calls to answer early). The
file is written to storage inside :func:`save_report`; if the save then fails, the file is
deleted again, and a file the save replaced or removed is deleted once it commits (unless a
submitted version names it: what was sent stays).

The report's actions take an optional ``at``: the (timezone-aware) moment the action took
effect, for reports kept elsewhere and imported, and for the demo's history. It defaults to
now; a backdated action may not precede the report's last submission or decision, and its
audit entry (written now) records it.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from planwatch.core import audit
from planwatch.organisations.models import Agency
from planwatch.plans.choices import Frequency
from planwatch.plans.models import Plan, ReportingRule, Target, Task
from planwatch.reporting.calendar import PeriodSpec, periods_for
from planwatch.reporting.choices import FigureKind, PeriodKind, ProgressStatus, ReportState
from planwatch.reporting.models import (
    Figure,
    Notification,
    Report,
    ReportingPeriod,
    ReportVersion,
    TaskProgress,
)
from planwatch.reporting.queries import targets_owed, tasks_owed

logger = logging.getLogger(__name__)


class ReportLocked(ValueError):
    """The report's state does not allow this write (an accepted report is never edited)."""


EDITABLE = (ReportState.PENDING, ReportState.DRAFT, ReportState.RETURNED)
SUBMITTABLE = EDITABLE


def _moment(at: datetime | None) -> datetime:
    """When an action takes effect: ``at`` (an aware datetime: a report kept elsewhere, or the
    demo's history), else now."""
    if at is None:
        return timezone.now()
    if not isinstance(at, datetime):
        raise ValueError(f"at: {at!r} is not a date and time")
    if timezone.is_naive(at):
        raise ValueError("at: a timezone-aware date and time is needed")
    return at


def _not_before(at: datetime | None, what: str, *earlier: datetime | None) -> None:
    """A backdated action (``at`` given) may not precede the report's last recorded step."""
    latest = max((moment for moment in earlier if moment is not None), default=None)
    if at is not None and latest is not None and at < latest:
        raise ValueError(f"at: {at.isoformat()} is before the report's {what}")


def _backdate_row(report: Report, at: datetime | None) -> None:
    """Give the report's ``updated_at`` (``auto_now``) the time the action took effect."""
    if at is not None:
        Report.objects.filter(pk=report.pk).update(updated_at=at)
        report.updated_at = at


def _user(actor: Any) -> Any:
    """``actor`` when it is a saved user (for foreign keys), else ``None``."""
    return actor if getattr(actor, "pk", None) is not None else None


# ------------------------------------------------------------------ the calendar


@dataclass
class CalendarResult:
    periods_created: int = 0
    reports_created: int = 0


def obliged_agencies(
    rule: ReportingRule, start: date, end: date, due: date | None = None
) -> list[Agency]:
    """The agencies a rule obliges to report for the window ``start``–``end``, due ``due``.

    The rule's agency, or every member of its group, that existed during the window and
    still exists on the due date (``valid_from``/``valid_to``: a district abolished on
    30/06 owes no report due in July), and is not provisional (a name the register did not
    know is not an agency that can report).
    """
    return [a for a in _candidates(rule) if _obliged(a, start, end, due or end)]


def _candidates(rule: ReportingRule) -> list[Agency]:
    if rule.reporter_agency_id is not None:
        agencies = Agency.objects.filter(pk=rule.reporter_agency_id)
    elif rule.reporter_group_id is not None:
        agencies = Agency.objects.filter(groups=rule.reporter_group_id)
    else:
        return []
    return list(agencies.filter(provisional=False).order_by("name"))


def _obliged(agency: Agency, start: date, end: date, due: date) -> bool:
    existed = agency.valid_from is None or agency.valid_from <= end
    still_exists = agency.valid_to is None or agency.valid_to >= max(due, start)
    return existed and still_exists


def _specs(rule: ReportingRule, year: int) -> list[PeriodSpec]:
    due_date = rule.due_date if rule.due_date and rule.due_date.year == year else None
    return periods_for(rule.frequency, year, due_day=rule.due_day, due_date=due_date)


@transaction.atomic
def generate_calendar(plan: Plan, *, year: int, actor: Any = None) -> CalendarResult:
    """Create the year's periods of every regular reporting rule of the plan, and in each
    the report every obliged agency owes (``pending``).

    Idempotent: periods are found again by plan, frequency and key, reports by period and
    agency, so running it twice creates nothing new (and writes no audit entry); an existing
    period keeps its due date (a consolidator may have moved it). Rules without a reporter
    create periods but no reports; ``ad hoc`` rules create nothing (see
    :func:`add_ad_hoc_request`).
    """
    result = CalendarResult()
    created_keys: list[str] = []
    rules = plan.reporting_rules.exclude(frequency=Frequency.AD_HOC).order_by("position")
    relinked = 0
    for rule in rules:
        candidates = _candidates(rule)
        for spec in _specs(rule, year):
            period, created = ReportingPeriod.objects.get_or_create(
                plan=plan,
                frequency=spec.frequency,
                key=spec.key,
                defaults={
                    "rule": rule,
                    "kind": PeriodKind.REGULAR,
                    "title": spec.title,
                    "start": spec.start,
                    "end": spec.end,
                    "due": spec.due,
                    "original_due": spec.due,
                },
            )
            if created:
                result.periods_created += 1
                created_keys.append(spec.key)
            elif period.rule_id is None:  # the plan was imported again: its rules are new
                period.rule = rule
                period.save(update_fields=["rule"])
                relinked += 1
            obliged = [a for a in candidates if _obliged(a, period.start, period.end, period.due)]
            result.reports_created += _expect_reports(period, obliged)
    if result.periods_created or result.reports_created or relinked:
        audit.record(
            actor,
            "generate_calendar",
            plan,
            after={
                "year": year,
                "periods_created": result.periods_created,
                "reports_created": result.reports_created,
                "periods": created_keys,
            },
        )
    return result


def _expect_reports(period: ReportingPeriod, agencies: list[Agency]) -> int:
    have = set(period.reports.values_list("agency_id", flat=True))
    missing = [Report(period=period, agency=a) for a in agencies if a.pk not in have]
    Report.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def add_ad_hoc_request(
    plan: Plan,
    *,
    title: str,
    due: date,
    start: date,
    end: date,
    agencies: list[Agency] | None = None,
    actor: Any = None,
) -> ReportingPeriod:
    """A report the People's Committee asks for outside the calendar (``theo yêu cầu``).

    ``agencies`` default to every agency that owes a report in any period of the plan.
    """
    title = (title or "").strip()
    if not title:
        raise ValueError("an ad-hoc request needs a title")
    if end < start:
        raise ValueError("the period ends before it starts")
    if agencies is None:
        agencies = list(
            Agency.objects.filter(reports__period__plan=plan).distinct().order_by("name")
        )
    provisional = [a.name for a in agencies if a.provisional]
    if provisional:
        raise ValueError(f"provisional agencies cannot report: {', '.join(provisional)}")
    # Lock the plan row so that two requests made at once do not take the same number.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    keys = ReportingPeriod.objects.filter(plan=plan, kind=PeriodKind.AD_HOC).values_list(
        "key", flat=True
    )
    numbers = [int(k.split("-", 1)[1]) for k in keys if k.split("-", 1)[-1].isdigit()]
    period = ReportingPeriod.objects.create(
        plan=plan,
        kind=PeriodKind.AD_HOC,
        frequency=Frequency.AD_HOC,
        key=f"adhoc-{max(numbers, default=0) + 1}",
        title=title[:200],
        start=start,
        end=end,
        due=due,
        original_due=due,
    )
    count = _expect_reports(period, agencies)
    audit.record(
        actor, "add_ad_hoc_request", period, after=_period_summary(period) | {"reports": count}
    )
    return period


def _period_summary(period: ReportingPeriod) -> dict[str, Any]:
    return {
        "key": period.key,
        "title": period.title,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "due": period.due.isoformat(),
        "reason": period.due_change_reason,
    }


@transaction.atomic
def change_due_date(
    period: ReportingPeriod, *, due: date, reason: str, actor: Any = None
) -> ReportingPeriod:
    """Move a period's due date, with the reason (kept on the period and in the audit log)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a change of due date needs a reason")
    fresh = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    before = {"due": fresh.due.isoformat(), "reason": fresh.due_change_reason}
    fresh.due = due
    fresh.due_change_reason = reason
    fresh.save(update_fields=["due", "due_change_reason"])
    period.due, period.due_change_reason = fresh.due, fresh.due_change_reason
    audit.record(
        actor,
        "change_due_date",
        fresh,
        before=before,
        after={"due": due.isoformat(), "reason": reason},
    )
    return period


# ------------------------------------------------------------------ an agency's report


#: What an attachment may be, by file name suffix: the kind its content must show.
ATTACHMENT_TYPES = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx"}


class AttachmentRefused(ValueError):
    """An attachment that is not what its name says (by content), not an allowed type, or
    too large. ``code`` is ``type``, ``size`` or ``content``; ``params`` has ``name`` and
    ``mb`` or ``kind``, for a translated message."""

    def __init__(self, message: str, *, code: str, params: dict[str, Any]):
        super().__init__(message)
        self.code = code
        self.params = params


def max_attachment_bytes() -> int:
    """The largest attachment a report takes (``PLANWATCH_MAX_ATTACHMENT_MB``)."""
    return int(getattr(settings, "PLANWATCH_MAX_ATTACHMENT_MB", 10)) * 1024 * 1024


def sniff_document(upload: Any) -> str | None:
    """``pdf``, ``docx`` or ``xlsx`` from the file's content (its first bytes and, for a
    zip, the names inside), or ``None`` for anything else. The file is rewound."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if not head.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None
    finally:
        upload.seek(0)


def check_attachment(upload: Any, *, label: str = "") -> str:
    """The kind (``pdf``, ``docx``, ``xlsx``) of an attachment that may be stored; else
    :class:`AttachmentRefused` saying why (``label``, e.g. ``task K001``, starts the
    message). The name's suffix must be allowed, the size within the limit and the content
    of the kind the suffix says."""
    name = Path(getattr(upload, "name", None) or "").name
    suffix = Path(name).suffix.lower()
    prefix = f"{label}: " if label else ""
    wanted = ATTACHMENT_TYPES.get(suffix)
    if wanted is None:
        raise AttachmentRefused(
            f"{prefix}attach a PDF, Word (.docx) or Excel (.xlsx) file, not “{name}”",
            code="type",
            params={"name": name},
        )
    limit = max_attachment_bytes()
    if (getattr(upload, "size", None) or 0) > limit:
        mb = limit // (1024 * 1024)
        raise AttachmentRefused(
            f"{prefix}“{name}” is larger than {mb} MB", code="size", params={"name": name, "mb": mb}
        )
    if sniff_document(upload) != wanted:
        kind = suffix.lstrip(".").upper()
        raise AttachmentRefused(
            f"{prefix}“{name}” is not really a {kind} file; its content says otherwise",
            code="content",
            params={"name": name, "kind": kind},
        )
    return wanted


@dataclass
class ProgressInput:
    """What an agency says about one task. ``attachment``: a new file, which replaces the
    one the task has; ``remove_attachment``: drop the one it has (without a new file). With
    neither, a file attached before stays."""

    task: Task
    status: str
    percent: int
    done: str = ""
    difficulties: str = ""
    proposals: str = ""
    attachment: UploadedFile | None = None
    remove_attachment: bool = False


@dataclass
class FigureInput:
    target: Target
    value: Decimal
    kind: str
    period_start: date
    period_end: date
    unit: str = ""
    note: str = ""


def _locked(report: Report, allowed: tuple[str, ...], doing: str) -> Report:
    """The report row, locked for the transaction; :class:`ReportLocked` when ``doing`` is
    not allowed in its state."""
    fresh = (
        Report.objects.select_for_update(of=("self",))
        .select_related("period__plan__document", "agency")
        .get(pk=report.pk)
    )
    if fresh.state not in allowed:
        raise ReportLocked(f"a {fresh.state} report cannot be {doing}")
    return fresh


def _copy_back(source: Report, target: Report) -> None:
    """Refresh the caller's object with the saved row's fields (after success only)."""
    for field in Report._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def _state(report: Report) -> dict[str, Any]:
    return {
        "state": report.state,
        "versions": report.version_count,
        "narrative": report.narrative,
        "progress": report.progress.count(),
        "figures": report.figures.count(),
    }


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{label}: {value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{label}: {value!r} is not a number")
    if abs(number) >= Decimal(10) ** 18:
        raise ValueError(f"{label}: {value} is too large")
    return number


PROGRESS_FIELDS = ("status", "percent", "done", "difficulties", "proposals")


@dataclass
class _ProgressRow:
    """A checked :class:`ProgressInput`: the values to store and what to do with the file."""

    task: Task
    values: dict[str, Any]
    attachment: UploadedFile | None
    remove_attachment: bool


def _check_progress(report: Report, rows: list[ProgressInput]) -> list[_ProgressRow]:
    plan = report.period.plan
    owed = set(tasks_owed(report.agency, plan).values_list("pk", flat=True))
    seen: set[int] = set()
    result = []
    for row in rows:
        task = row.task
        if task.pk not in owed:
            raise ValueError(
                f"task {task.code} is not owed by {report.agency} in {plan}"
                if task.plan_id == plan.pk
                else f"task {task.code} belongs to another plan"
            )
        if task.pk in seen:
            raise ValueError(f"task {task.code} is reported twice")
        seen.add(task.pk)
        if row.status not in ProgressStatus.values:
            raise ValueError(f"task {task.code}: unknown status {row.status!r}")
        percent = 100 if row.status == ProgressStatus.DONE else row.percent
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ValueError(f"task {task.code}: percent must be a whole number from 0 to 100")
        if row.attachment is not None:
            check_attachment(row.attachment, label=f"task {task.code}")
        result.append(
            _ProgressRow(
                task=task,
                values={
                    "status": row.status,
                    "percent": percent,
                    "done": (row.done or "").strip(),
                    "difficulties": (row.difficulties or "").strip(),
                    "proposals": (row.proposals or "").strip(),
                },
                attachment=row.attachment,
                remove_attachment=bool(row.remove_attachment),
            )
        )
    return result


def _check_figures(report: Report, rows: list[FigureInput], actor: Any) -> list[Figure]:
    plan = report.period.plan
    owed = set(targets_owed(report.agency, plan).values_list("pk", flat=True))
    result = []
    for row in rows:
        target = row.target
        if target.plan_id != plan.pk:
            raise ValueError(f"target {target.code} belongs to another plan")
        if target.pk not in owed:
            raise ValueError(f"target {target.code} is not owed by {report.agency} in {plan}")
        result.append(
            _figure(
                target,
                value=row.value,
                kind=row.kind,
                period_start=row.period_start,
                period_end=row.period_end,
                unit=row.unit,
                note=row.note,
                report=report,
                actor=actor,
            )
        )
    return result


def _figure(
    target: Target,
    *,
    value: Any,
    kind: str,
    period_start: date,
    period_end: date,
    unit: str = "",
    area: str = "",
    source: str = "",
    note: str = "",
    report: Report | None = None,
    actor: Any = None,
) -> Figure:
    label = f"target {target.code}"
    if kind not in FigureKind.values:
        raise ValueError(f"{label}: unknown kind of figure {kind!r}")
    if period_end < period_start:
        raise ValueError(f"{label}: the figure's period ends before it starts")
    return Figure(
        indicator_id=target.indicator_id,
        target=target,
        report=report,
        value=_decimal(value, label),
        unit=(unit or target.unit or "").strip(),
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        area=(area or "").strip(),
        source=(source or "").strip(),
        note=(note or "").strip(),
        entered_by=_user(actor),
    )


def save_report(
    report: Report,
    *,
    narrative: str,
    progress: list[ProgressInput],
    figures: list[FigureInput],
    actor: Any = None,
    at: datetime | None = None,
    submit: bool = False,
) -> Report:
    """Store what an agency wrote: the narrative, its tasks' progress, its figures; with
    ``submit``, send it too (:func:`submit_report`) in the same transaction.

    Allowed while the report is pending, a draft or returned. The progress given is the
    report's progress: a task's row is updated in place (its attachment stays unless a new
    file replaces it or ``remove_attachment``), a task not given loses its row; the figures
    given replace the report's figures. Only the tasks and targets the agency owes may be
    reported (:func:`~planwatch.reporting.queries.tasks_owed`, ``targets_owed``). A pending
    report becomes a draft; a returned one stays returned until it is submitted again.

    All of it or nothing: a file written to storage for a save that fails is deleted again
    (a caller that wraps this in a larger transaction should pass ``submit`` rather than
    call :func:`submit_report` after it, so that a failure there deletes the file too).
    Files replaced, removed or left by a dropped row are deleted once the save commits,
    unless a submitted version names them.

    ``at`` (aware) is when the save took effect, for a report kept elsewhere or the demo's
    history: the report's ``updated_at`` and its figures' ``entered_at`` take it, and the
    audit entry (written now) notes it. It may not precede the report's last submission or
    decision.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            _save(report, narrative, progress, figures, actor, at, stored)
            if submit:
                submit_report(report, actor=actor, at=at)
    except BaseException:
        _delete_files(stored)  # the files of a save that did not happen
        raise
    return report


def _save(
    report: Report,
    narrative: str,
    progress: list[ProgressInput],
    figures: list[FigureInput],
    actor: Any,
    at: datetime | None,
    stored: list[str],
) -> None:
    moment = _moment(at)
    fresh = _locked(report, EDITABLE, "edited")
    _not_before(at, "last submission or decision", fresh.submitted_at, fresh.decided_at)
    before = _state(fresh)
    progress_rows = _check_progress(fresh, progress)
    figure_rows = _check_figures(fresh, figures, actor)
    unused = _write_progress(fresh, progress_rows, actor, stored)
    fresh.figures.all().delete()
    Figure.objects.bulk_create(figure_rows)
    if at is not None and figure_rows:  # entered_at is auto_now_add: set it afterwards
        Figure.objects.filter(report=fresh).update(entered_at=moment)
    fresh.narrative = (narrative or "").strip()
    if fresh.state != ReportState.RETURNED:
        fresh.state = ReportState.DRAFT
    fresh.save(update_fields=["narrative", "state", "updated_at"])
    _backdate_row(fresh, at)
    after = _state(fresh) | ({"at": moment.isoformat()} if at is not None else {})
    audit.record(actor, "save_report", fresh, before=before, after=after)
    if unused:
        sent = _files_sent(fresh)
        obsolete = [name for name in unused if name not in sent]
        transaction.on_commit(lambda: _delete_files(obsolete))
    _copy_back(fresh, report)


def _write_progress(
    report: Report, rows: list[_ProgressRow], actor: Any, stored: list[str]
) -> list[str]:
    """Make the report's progress rows those of ``rows``, in place, keyed by task.

    New files are written to storage (their names added to ``stored`` as they are, for the
    caller to delete should the save fail). Returns the names of the files no row keeps.
    """
    existing = {p.task_id: p for p in report.progress.select_related("task")}
    created: list[TaskProgress] = []
    updated: list[TaskProgress] = []
    unused: list[str] = []
    for row in rows:
        progress = existing.pop(row.task.pk, None)
        if progress is None:
            progress = TaskProgress(report=report, task=row.task)
            created.append(progress)
        else:
            updated.append(progress)
        for name, value in row.values.items():
            setattr(progress, name, value)
        old = str(progress.attachment.name or "")
        if row.attachment is not None:
            filename = f"{report.pk}-{row.task.code}-{Path(row.attachment.name or 'file').name}"
            progress.attachment.save(filename, row.attachment, save=False)
            stored.append(str(progress.attachment.name))
        elif row.remove_attachment:
            progress.attachment = ""
        new = str(progress.attachment.name or "")
        if old and old != new:
            unused.append(old)
        if row.attachment is not None:
            audit.record(
                actor,
                "attach_file",
                report,
                before={"task": row.task.code, "file": old},
                after={"task": row.task.code, "file": new, "size": row.attachment.size},
            )
        elif old and not new:
            _audit_removed(actor, report, row.task, old)
    for dropped in existing.values():  # tasks no longer reported: their rows go
        if dropped.attachment:
            unused.append(str(dropped.attachment.name))
            _audit_removed(actor, report, dropped.task, str(dropped.attachment.name))
    if existing:
        TaskProgress.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
    TaskProgress.objects.bulk_update(updated, [*PROGRESS_FIELDS, "attachment"])
    TaskProgress.objects.bulk_create(created)
    return unused


def _audit_removed(actor: Any, report: Report, task: Task, name: str) -> None:
    audit.record(actor, "remove_file", report, before={"task": task.code, "file": name})


def _files_sent(report: Report) -> set[str]:
    """The attachments the report's submitted versions name (kept: what was sent)."""
    names: set[str] = set()
    for content in report.versions.values_list("content", flat=True):
        for row in (content or {}).get("progress", []):
            if row.get("attachment"):
                names.add(str(row["attachment"]))
    return names


def _delete_files(names: Iterable[str]) -> None:
    """Delete files from storage; one that cannot be deleted is logged, not raised (this
    runs while another error is on its way, or after the save has committed)."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete the attachment %s", name, exc_info=True)


def snapshot(report: Report) -> dict[str, Any]:
    """The report's content as JSON: what a :class:`ReportVersion` keeps (what the agency
    wrote; the tasks' own text stays with the plan)."""
    progress = report.progress.select_related("task").order_by("task__position", "task__pk")
    figures = report.figures.select_related("indicator", "target").order_by(
        "target__position", "indicator__name", "period_start", "period_end", "kind", "pk"
    )
    return {
        "narrative": report.narrative,
        "progress": [
            {
                "task_id": row.task_id,
                "task": row.task.code,
                "status": row.status,
                "percent": row.percent,
                "done": row.done,
                "difficulties": row.difficulties,
                "proposals": row.proposals,
                "attachment": str(row.attachment.name or ""),
            }
            for row in progress
        ],
        "figures": [
            {
                "target_id": row.target_id,
                "target": row.target.code if row.target else None,
                "indicator_id": row.indicator_id,
                "indicator": row.indicator.name,
                "value": str(row.value.normalize()) if row.value is not None else None,
                "kind": row.kind,
                "unit": row.unit,
                "period_start": row.period_start.isoformat(),
                "period_end": row.period_end.isoformat(),
                "note": row.note,
            }
            for row in figures
        ],
    }


@transaction.atomic
def submit_report(
    report: Report, *, actor: Any = None, at: datetime | None = None
) -> ReportVersion:
    """Send the report: freeze its content as a new version and mark it submitted.

    ``first_submitted_at`` (what timeliness is judged by) is set the first time only.
    ``at`` (aware) is when it was sent, for a report kept elsewhere or the demo's history;
    it may not precede the report's last submission or decision.
    """
    now = _moment(at)
    fresh = _locked(report, SUBMITTABLE, "submitted")
    _not_before(at, "last submission or decision", fresh.submitted_at, fresh.decided_at)
    before = _state(fresh)
    version = ReportVersion.objects.create(
        report=fresh,
        number=fresh.version_count + 1,
        submitted_at=now,
        submitted_by=_user(actor),
        content=snapshot(fresh),
    )
    fresh.version_count = version.number
    fresh.state = ReportState.SUBMITTED
    fresh.submitted_at = now
    if fresh.first_submitted_at is None:
        fresh.first_submitted_at = now
    fresh.save(
        update_fields=[
            "version_count",
            "state",
            "submitted_at",
            "first_submitted_at",
            "updated_at",
        ]
    )
    _backdate_row(fresh, at)
    audit.record(
        actor,
        "submit_report",
        fresh,
        before=before,
        after=_state(fresh) | {"version": version.number, "submitted_at": now.isoformat()},
    )
    _copy_back(fresh, report)
    return version


@transaction.atomic
def accept_report(report: Report, *, actor: Any = None, at: datetime | None = None) -> Report:
    """The consolidator accepts a submitted report; it can no longer change.

    ``at`` (aware) is when it was accepted (history); not before the last submission.
    """
    moment = _moment(at)
    fresh = _locked(report, (ReportState.SUBMITTED,), "accepted")
    _not_before(at, "last submission", fresh.submitted_at)
    before = {"state": fresh.state}
    fresh.state = ReportState.ACCEPTED
    fresh.decided_at = moment
    fresh.decided_by = _user(actor)
    fresh.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
    _backdate_row(fresh, at)
    after = {"state": fresh.state} | ({"at": moment.isoformat()} if at is not None else {})
    audit.record(actor, "accept_report", fresh, before=before, after=after)
    _copy_back(fresh, report)
    return report


@transaction.atomic
def return_report(
    report: Report, *, comment: str, actor: Any = None, at: datetime | None = None
) -> Report:
    """The consolidator sends a submitted report back with a comment saying what to fix.

    ``at`` (aware) is when it was returned (history); not before the last submission.
    """
    comment = (comment or "").strip()
    if not comment:
        raise ValueError("returning a report needs a comment")
    moment = _moment(at)
    fresh = _locked(report, (ReportState.SUBMITTED,), "returned")
    _not_before(at, "last submission", fresh.submitted_at)
    before = {"state": fresh.state, "comment": fresh.return_comment}
    fresh.state = ReportState.RETURNED
    fresh.return_comment = comment
    fresh.decided_at = moment
    fresh.decided_by = _user(actor)
    fresh.save(update_fields=["state", "return_comment", "decided_at", "decided_by", "updated_at"])
    _backdate_row(fresh, at)
    after = {"state": fresh.state, "comment": comment}
    if at is not None:
        after["at"] = moment.isoformat()
    audit.record(actor, "return_report", fresh, before=before, after=after)
    _copy_back(fresh, report)
    return report


# ------------------------------------------------------------------ the statistics office


@transaction.atomic
def record_figure(
    target: Target,
    *,
    value: Decimal,
    kind: str,
    period_start: date,
    period_end: date,
    unit: str = "",
    area: str = "",
    source: str = "",
    note: str = "",
    actor: Any = None,
) -> Figure:
    """A figure entered directly (by the statistics office), outside any report."""
    figure = _figure(
        target,
        value=value,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        unit=unit,
        area=area,
        source=source,
        note=note,
        actor=actor,
    )
    figure.save()
    audit.record(
        actor,
        "record_figure",
        figure,
        after={
            "target": target.code,
            "indicator": figure.indicator_id,
            "value": str(figure.value),
            "unit": figure.unit,
            "kind": kind,
            "period": [period_start.isoformat(), period_end.isoformat()],
            "area": figure.area,
            "source": figure.source,
        },
    )
    return figure


def mark_notifications_read(user: Any) -> int:
    """Mark all of a user's notifications read; returns how many were unread.

    Reading one's own messages changes nothing of the reporting record, so no audit entry.
    """
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
