"""Reminders about reports not yet submitted, sent once each, safe to run concurrently.

Like healthchecks' ``sendalerts``: ``planwatch remind`` runs from cron every few minutes.
Each run first makes sure today's :class:`Reminder` rows exist (:func:`ensure_reminders`;
the unique ``(report, kind, day)`` constraint keeps concurrent runs from duplicating
them), then claims them one at a time with a conditional ``UPDATE`` (:func:`claim_next`:
only one worker's update matches) and sends each (:func:`send`). A worker that crashes
holding a claim leaves it to be taken again after :data:`CLAIM_TIMEOUT`; a send that fails
releases its claim so that a later run retries it.

Which reminders a report gets, by days in the province's local time (Asia/Ho_Chi_Minh):

- ``before``: ``REMIND_DAYS_BEFORE`` days before the due date (none when that is 0);
- ``on_day``: on the due date;
- ``overdue``: the day after the due date, then every ``REMIND_OVERDUE_EVERY_DAYS`` days
  while the report is still missing.

Only reports not yet submitted (pending, draft, or returned for resubmission) of active
plans are reminded about; a reminder whose report was submitted in the meantime stays
unsent.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch

from planwatch.accounts.choices import Role
from planwatch.accounts.models import User
from planwatch.core import audit
from planwatch.plans.choices import PlanStatus
from planwatch.reporting import calendar
from planwatch.reporting.choices import ReminderKind, ReportState
from planwatch.reporting.models import Notification, Reminder, Report

log = logging.getLogger(__name__)

#: A claim older than this belongs to a worker that died; another may take the reminder.
CLAIM_TIMEOUT = timedelta(minutes=10)
#: Reports still owed: never submitted, or returned to be submitted again.
OPEN_STATES = (ReportState.PENDING, ReportState.DRAFT, ReportState.RETURNED)


def local_day(now: datetime) -> date:
    """The calendar day ``now`` falls on in the province (Asia/Ho_Chi_Minh)."""
    return calendar.local_date(now)


def default_worker() -> str:
    """``host:pid``, what a claim records as its owner."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


def _days_before() -> int:
    return int(getattr(settings, "REMIND_DAYS_BEFORE", 3))


def _overdue_every() -> int:
    return max(1, int(getattr(settings, "REMIND_OVERDUE_EVERY_DAYS", 2)))


def reminder_kind(due: date, today: date) -> str | None:
    """The reminder a missing report due on ``due`` gets on ``today``, if any.

    Overdue starts the day after the due date, i.e. once ``calendar.due_instant(due)`` (the
    end of the due day in Vietnam) has passed.
    """
    if today == due:
        return ReminderKind.ON_DAY
    before = _days_before()
    if before > 0 and today == due - timedelta(days=before):
        return ReminderKind.BEFORE
    late = (today - due).days
    if late >= 1 and (late - 1) % _overdue_every() == 0:
        return ReminderKind.OVERDUE
    return None


def due_reminders(now: datetime) -> list[tuple[Report, str, date]]:
    """Every reminder owed today: ``(report, kind, day)``, from one query.

    The candidates are the open reports of active plans due today, due in
    ``REMIND_DAYS_BEFORE`` days, or overdue; the overdue ones are kept on their days only.
    """
    today = local_day(now)
    dues = Q(period__due=today) | Q(period__due__lt=today)
    if _days_before() > 0:
        dues |= Q(period__due=today + timedelta(days=_days_before()))
    reports = (
        Report.objects.filter(state__in=OPEN_STATES, period__plan__status=PlanStatus.ACTIVE)
        .filter(dues)
        .select_related("period__plan__document", "agency")
        .order_by("period__due", "pk")
    )
    owed = []
    for report in reports:
        kind = reminder_kind(report.period.due, today)
        if kind is not None:
            owed.append((report, kind, today))
    return owed


def ensure_reminders(now: datetime) -> int:
    """Create the :class:`Reminder` rows owed today; returns how many were new.

    Safe to run concurrently: a row another run created first is skipped by the unique
    constraint (``ON CONFLICT DO NOTHING``).
    """
    owed = due_reminders(now)
    if not owed:
        return 0
    today = local_day(now)
    existing = set(Reminder.objects.filter(day=today).values_list("report_id", "kind"))
    new = [
        Reminder(report=report, kind=kind, day=day)
        for report, kind, day in owed
        if (report.pk, kind) not in existing
    ]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def claim_next(
    worker: str, now: datetime, *, day: date | None = None, exclude: Collection[int] = ()
) -> Reminder | None:
    """Claim one of today's unsent reminders for ``worker``, or ``None`` when none is left.

    The claim is a conditional ``UPDATE`` on the claim the reminder had when it was read
    (none, or one older than :data:`CLAIM_TIMEOUT`): of two workers racing for it, only one
    update matches a row. ``day`` is the reminders' day (``now``'s local day by default);
    ``exclude`` skips reminders (those that failed in this run).
    """
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    candidates = (
        Reminder.objects.filter(
            free,
            sent_at__isnull=True,
            day=day or local_day(now),
            report__state__in=OPEN_STATES,
            report__period__plan__status=PlanStatus.ACTIVE,
        )
        .exclude(pk__in=list(exclude))
        .order_by("pk")
    )
    while True:
        found = candidates.values_list("pk", "claimed_at").first()
        if found is None:
            return None
        pk, claimed_at = found
        held = Q(claimed_at__isnull=True) if claimed_at is None else Q(claimed_at=claimed_at)
        won = Reminder.objects.filter(held, pk=pk, sent_at__isnull=True).update(
            claimed_at=now, claimed_by=worker
        )
        if won == 1:
            return Reminder.objects.select_related(
                "report__period__plan__document", "report__agency"
            ).get(pk=pk)
        # another worker took it between the read and the update: look again


def release(reminder: Reminder) -> None:
    """Give a claimed, unsent reminder back so that a later run takes it again."""
    Reminder.objects.filter(
        pk=reminder.pk, sent_at__isnull=True, claimed_by=reminder.claimed_by
    ).update(claimed_at=None, claimed_by="")
    reminder.claimed_at, reminder.claimed_by = None, ""


def recipients(report: Report) -> list[User]:
    """The active reporters of the report's agency, by user name."""
    return list(
        User.objects.filter(
            agency_id=report.agency_id, is_active=True, role_assignments__role=Role.REPORTER
        )
        .distinct()
        .order_by("username")
    )


def report_path(report: Report) -> str:
    """The report's page; ``/reporting/reports/<id>/`` until the reporting URLs exist."""
    try:
        return report.get_absolute_url()
    except NoReverseMatch:
        return f"/reporting/reports/{report.pk}/"


STATE_LINES: dict[str, str] = {
    ReportState.PENDING: "Báo cáo chưa được lập.",
    ReportState.DRAFT: "Báo cáo đang ở dạng dự thảo, chưa được gửi.",
    ReportState.RETURNED: "Báo cáo đã bị trả lại, đề nghị chỉnh sửa và gửi lại.",
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    notice: str  # the one line of the in-app notification
    url: str


def compose(reminder: Reminder, today: date) -> Message:
    """The Vietnamese text of a reminder: plan number, period, due date (dd/mm/yyyy), link."""
    report = reminder.report
    period = report.period
    document = period.plan.document
    plan_label = document.number or document.label or f"kế hoạch #{period.plan_id}"
    period_label = period.title or f"kỳ {period.key}"
    due = f"{period.due:%d/%m/%Y}"
    url = report_path(report)
    if reminder.kind == ReminderKind.BEFORE:
        days = (period.due - today).days
        headline = f"Còn {days} ngày đến hạn nộp báo cáo"
        lead = f"Còn {days} ngày nữa là đến hạn nộp báo cáo {period_label} theo {plan_label}."
    elif reminder.kind == ReminderKind.ON_DAY:
        headline = "Hôm nay là hạn nộp báo cáo"
        lead = f"Hôm nay ({due}) là hạn cuối nộp báo cáo {period_label} theo {plan_label}."
    else:
        days = (today - period.due).days
        headline = "Báo cáo đã quá hạn"
        lead = (
            f"Báo cáo {period_label} theo {plan_label} đã quá hạn {days} ngày "
            f"(hạn nộp {due}) nhưng {report.agency.name} chưa nộp."
        )
    state_line = STATE_LINES.get(report.state, "")
    subject = f"[planwatch] {headline}: {period_label} – {plan_label} (hạn {due})"
    body = "\n".join(
        [
            f"Kính gửi {report.agency.name},",
            "",
            lead,
            f"Kỳ báo cáo: {period_label} (số liệu từ {period.start:%d/%m/%Y} "
            f"đến {period.end:%d/%m/%Y}).",
            f"Hạn nộp: {due}.",
            *([state_line] if state_line else []),
            "",
            f"Lập và gửi báo cáo tại: {url}",
            "",
            "Thư này được gửi tự động từ planwatch, đề nghị không trả lời thư này.",
        ]
    )
    notice = f"{headline}: {period_label} – {plan_label}, hạn nộp {due}."
    return Message(subject=subject, body=body, notice=notice, url=url)


def send(reminder: Reminder, now: datetime) -> int:
    """Send a claimed reminder; returns how many users were notified.

    One e-mail to every active reporter of the agency with an address, an in-app
    notification for each of them (with or without an address), then the reminder is
    marked sent with its recipients and the sending audited. When anything fails the claim
    is released (a later run retries) and the error is raised again.
    """
    try:
        users = recipients(reminder.report)
        message = compose(reminder, local_day(now))
        addresses = [u.email for u in users if u.email]
        if addresses:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=addresses,
            ).send()
        sent_to = [{"user": u.username, "email": u.email} for u in users]
        with transaction.atomic():
            Notification.objects.bulk_create(
                Notification(user=u, message=message.notice, url=message.url) for u in users
            )
            Reminder.objects.filter(pk=reminder.pk).update(sent_at=now, recipients=sent_to)
            reminder.sent_at, reminder.recipients = now, sent_to
            audit.record(
                None,
                "send_reminder",
                reminder,
                after={
                    "kind": reminder.kind,
                    "day": reminder.day.isoformat(),
                    "recipients": sent_to,
                    "worker": reminder.claimed_by,
                },
            )
    except Exception:
        release(reminder)
        raise
    if not users:
        log.warning("reminder %s: %s has no active reporter", reminder.pk, reminder.report.agency)
    return len(users)


def run_once(now: datetime, worker: str | None = None) -> int:
    """Create today's reminders, then claim and send them until none is left.

    Returns how many reminders were sent. A reminder that fails to send is logged, released
    and left for the next run; the others still go out.
    """
    worker = worker or default_worker()
    today = local_day(now)
    ensure_reminders(now)
    sent = 0
    failed: set[int] = set()
    started = time.monotonic()
    while True:
        # each claim is stamped with the time it is made (``now`` plus the time this pass
        # has taken), so that a long pass's claims never look abandoned to another worker
        stamp = now + timedelta(seconds=time.monotonic() - started)
        reminder = claim_next(worker, stamp, day=today, exclude=failed)
        if reminder is None:
            break
        try:
            send(reminder, stamp)
        except Exception:
            log.exception("reminder %s could not be sent; it will be retried", reminder.pk)
            failed.add(reminder.pk)
        else:
            sent += 1
    return sent
