"""Reminders: which are owed on which day, sent once, safe to run concurrently."""

from __future__ import annotations

import copy
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from pytest_django import DjangoDbBlocker

from planwatch.accounts.actions import create_user
from planwatch.accounts.models import User
from planwatch.core.models import AuditEntry
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan, set_plan_status
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan
from planwatch.reporting import reminders
from planwatch.reporting.actions import (
    accept_report,
    generate_calendar,
    return_report,
    save_report,
    submit_report,
)
from planwatch.reporting.choices import ReminderKind, ReportState
from planwatch.reporting.management.commands import remind as remind_command
from planwatch.reporting.models import Notification, Reminder, Report, ReportingPeriod
from tests.conftest import PASSWORD, module_transaction

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = date(2025, 5, 20)
TITLE = "Tháng 05/2025"


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    """A moment of ``day`` in Vietnamese local time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


def days(n: int) -> date:
    return DUE + timedelta(days=n)


@dataclass
class World:
    plan: Plan
    period: ReportingPeriod
    report: Report  # Sở Y tế's, not yet submitted
    submitted: Report  # Sở Công Thương's, submitted
    reporter: User  # Sở Y tế, with an e-mail address


def _plan_file() -> dict[str, Any]:
    return {
        "source": "kh-nhac.txt",
        "document": {
            "number": "88/KH-UBND",
            "kind": "Kế hoạch",
            "issuer": "Ủy ban nhân dân tỉnh Vĩnh Phúc",
            "issued_on": "2025-01-10",
            "title": "Kế hoạch thử nhắc báo cáo",
        },
        "tasks": [
            {"id": "K001", "lead": "Sở Y tế", "text": "Nâng cao chất lượng khám chữa bệnh"},
            {"id": "K002", "lead": "Sở Công Thương", "text": "Xúc tiến thương mại"},
        ],
        "reporting": [
            {
                "who": "Sở Y tế",
                "to": "Sở Tài chính",
                "frequency": "monthly",
                "due": "trước ngày 20 hàng tháng",
            }
        ],
    }


def _build_world() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    plan = import_plan(planfile.parse(_plan_file()), status=PlanStatus.ACTIVE).plan
    generate_calendar(plan, year=2025)
    # keep May's period only, so that no other month's report is owed a reminder
    plan.periods.exclude(key="2025-05").delete()
    period = plan.periods.get()
    assert (period.due, period.title) == (DUE, TITLE)
    report = period.reports.get(agency__name="Sở Y tế")
    # Sở Công Thương reports for May too (an ad-hoc obligation) and has already submitted
    trade = Agency.objects.get(name="Sở Công Thương")
    submitted = Report.objects.create(period=period, agency=trade)
    with time_machine.travel(at(days(-2)), tick=False):
        submit_report(submitted)
    reporter = create_user(
        "baocao.yte",
        password=PASSWORD,
        agency=report.agency,
        roles=["reporter"],
        email="baocao@soyte.vinhphuc.gov.vn",
    )
    create_user(
        "baocao.congthuong",
        password=PASSWORD,
        agency=trade,
        roles=["reporter"],
        email="baocao@sct.vinhphuc.gov.vn",
    )
    return World(plan=plan, period=period, report=report, submitted=submitted, reporter=reporter)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    yield from module_transaction(django_db_blocker, _build_world)


@pytest.fixture
def world(db: None, module_world: World, mailoutbox: list[mail.EmailMessage]) -> World:
    """A copy of the module's objects for one test; mail goes to ``mailoutbox``."""
    return copy.deepcopy(module_world)


def run(when: datetime, worker: str = "w1") -> int:
    """One ``remind`` pass at ``when``, with the clock frozen there."""
    with time_machine.travel(when, tick=False):
        return reminders.run_once(when, worker)


def sent_kinds() -> list[tuple[str, date]]:
    return list(
        Reminder.objects.filter(sent_at__isnull=False)
        .order_by("day", "kind")
        .values_list("kind", "day")
    )


# ------------------------------------------------------------------ which days


def test_a_reminder_three_days_before_the_due_date(world: World, mailoutbox: list) -> None:
    assert run(at(days(-3))) == 1
    assert sent_kinds() == [(ReminderKind.BEFORE, days(-3))]
    (message,) = mailoutbox
    assert message.to == ["baocao@soyte.vinhphuc.gov.vn"]
    assert "Còn 3 ngày" in message.subject
    assert "20/05/2025" in message.subject


def test_a_reminder_on_the_due_date(world: World, mailoutbox: list) -> None:
    assert run(at(DUE, 7)) == 1
    assert sent_kinds() == [(ReminderKind.ON_DAY, DUE)]
    assert "Hôm nay là hạn nộp báo cáo" in mailoutbox[0].subject


def test_overdue_reminders_every_two_days_while_the_report_is_missing(
    world: World, mailoutbox: list
) -> None:
    sent = {n: run(at(days(n))) for n in range(-5, 8)}
    assert sent == {n: int(n in (-3, 0, 1, 3, 5, 7)) for n in range(-5, 8)}
    assert [kind for kind, _ in sent_kinds()] == ["before", "on_day"] + ["overdue"] * 4
    assert "quá hạn 3 ngày" in mailoutbox[3].body
    assert "Báo cáo đã quá hạn" in mailoutbox[3].subject


def test_the_day_is_the_day_in_vietnam(world: World) -> None:
    # 17:30 UTC on 16/05 is 00:30 on 17/05 in Hà Nội: three days before the due date
    assert run(datetime(2025, 5, 16, 17, 30, tzinfo=ZoneInfo("UTC"))) == 1
    assert sent_kinds() == [(ReminderKind.BEFORE, days(-3))]
    # 16:59 UTC on 20/05 is still the due date (23:59 local)
    assert run(datetime(2025, 5, 20, 16, 59, tzinfo=ZoneInfo("UTC"))) == 1
    assert sent_kinds()[-1] == (ReminderKind.ON_DAY, DUE)


def test_the_settings_set_the_days(world: World, settings: Any) -> None:
    settings.REMIND_DAYS_BEFORE = 5
    settings.REMIND_OVERDUE_EVERY_DAYS = 3
    sent = {n: run(at(days(n))) for n in range(-6, 8)}
    assert [n for n, count in sent.items() if count] == [-5, 0, 1, 4, 7]
    settings.REMIND_DAYS_BEFORE = 0  # none before the due date
    Reminder.objects.all().delete()
    assert [n for n in range(-6, 0) if run(at(days(n)))] == []


def test_which_reminder_on_which_day() -> None:
    kinds = {n: reminders.reminder_kind(DUE, days(n)) for n in range(-4, 6)}
    assert kinds == {
        -4: None,
        -3: "before",
        -2: None,
        -1: None,
        0: "on_day",
        1: "overdue",
        2: None,
        3: "overdue",
        4: None,
        5: "overdue",
    }


# ------------------------------------------------------------------ which reports


def test_no_reminder_for_a_submitted_or_accepted_report(world: World, mailoutbox: list) -> None:
    with time_machine.travel(at(DUE), tick=False):
        submit_report(world.report, actor=world.reporter)
    assert run(at(days(1))) == 0
    accept_report(world.report)
    assert run(at(days(3))) == 0
    assert Reminder.objects.count() == 0
    assert mailoutbox == []


def test_draft_and_returned_reports_are_still_owed(world: World, mailoutbox: list) -> None:
    save_report(world.report, narrative="Đang tổng hợp", progress=[], figures=[])
    assert world.report.state == ReportState.DRAFT
    assert run(at(DUE)) == 1
    assert "dự thảo" in mailoutbox[-1].body
    with time_machine.travel(at(DUE, 15), tick=False):
        submit_report(world.report, actor=world.reporter)
        return_report(world.report, comment="Thiếu số liệu giường bệnh")
    assert run(at(days(1))) == 1
    assert "trả lại" in mailoutbox[-1].body


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.CLOSED])
def test_no_reminder_unless_the_plan_is_active(world: World, mailoutbox: list, status: str) -> None:
    set_plan_status(world.plan, status)
    assert [run(at(days(n))) for n in (-3, 0, 1)] == [0, 0, 0]
    assert Reminder.objects.count() == 0
    assert mailoutbox == []


def test_a_report_submitted_after_its_reminder_was_created_is_not_reminded(
    world: World, mailoutbox: list
) -> None:
    now = at(DUE)
    assert reminders.ensure_reminders(now) == 1
    submit_report(world.report, actor=world.reporter)
    assert run(now) == 0
    assert mailoutbox == []


def test_candidates_come_in_one_query(world: World, django_assert_num_queries: Any) -> None:
    for name in ("Sở Xây dựng", "Sở Nội vụ", "Sở Tư pháp"):
        Report.objects.create(period=world.period, agency=Agency.objects.get(name=name))
    with django_assert_num_queries(1):
        owed = reminders.due_reminders(at(DUE))
        labels = [(r.agency.name, r.period.plan.document.number, kind) for r, kind, _ in owed]
    assert len(labels) == 4
    assert {kind for _, _, kind in labels} == {"on_day"}


# ------------------------------------------------------------------ once only


def test_running_again_sends_nothing_more(world: World, mailoutbox: list) -> None:
    assert run(at(DUE, 8)) == 1
    assert run(at(DUE, 8, 5)) == 0
    assert run(at(DUE, 9), worker="w2") == 0
    assert reminders.ensure_reminders(at(DUE, 10)) == 0
    assert Reminder.objects.count() == 1
    assert len(mailoutbox) == 1


def test_two_workers_never_claim_the_same_reminder(world: World) -> None:
    now = at(DUE)
    reminders.ensure_reminders(now)
    first = reminders.claim_next("w1", now)
    assert first is not None and first.claimed_by == "w1"
    # the second worker read the reminder as unclaimed, but its conditional update loses
    lost = Reminder.objects.filter(pk=first.pk, claimed_at__isnull=True).update(
        claimed_at=now, claimed_by="w2"
    )
    assert lost == 0
    assert reminders.claim_next("w2", now + timedelta(minutes=1)) is None
    assert Reminder.objects.get(pk=first.pk).claimed_by == "w1"


def test_a_claim_lost_in_a_race_moves_on(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between a worker's read and its update, another worker claims the reminder."""
    now = at(DUE)
    reminders.ensure_reminders(now)
    pk = Reminder.objects.get().pk
    update = type(Reminder.objects.all()).update
    calls: list[str] = []

    def racing_update(queryset: Any, **fields: Any) -> int:
        if fields.get("claimed_by") == "w2" and not calls:
            calls.append("w1 wins")
            update(Reminder.objects.filter(pk=pk), claimed_at=now, claimed_by="w1")
        return update(queryset, **fields)

    monkeypatch.setattr(type(Reminder.objects.all()), "update", racing_update)
    assert reminders.claim_next("w2", now) is None
    assert calls == ["w1 wins"]
    assert Reminder.objects.get(pk=pk).claimed_by == "w1"


def test_a_crashed_workers_claim_is_taken_over_after_ten_minutes(
    world: World, mailoutbox: list
) -> None:
    now = at(DUE)
    reminders.ensure_reminders(now)
    assert reminders.claim_next("crashed", now) is not None
    assert run(now + timedelta(minutes=5), worker="w2") == 0
    assert run(now + timedelta(minutes=11), worker="w2") == 1
    reminder = Reminder.objects.get()
    assert reminder.claimed_by == "w2" and reminder.sent_at is not None
    assert len(mailoutbox) == 1


def test_a_failure_in_sending_releases_the_claim(
    world: World, mailoutbox: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(mail.EmailMessage, "send", broken)
    now = at(DUE)
    assert run(now) == 0
    reminder = Reminder.objects.get()
    assert (reminder.claimed_at, reminder.claimed_by, reminder.sent_at) == (None, "", None)
    assert Notification.objects.count() == 0
    # send() itself raises after releasing
    claimed = reminders.claim_next("w1", now)
    assert claimed is not None
    with pytest.raises(ConnectionRefusedError):
        reminders.send(claimed, now)
    assert Reminder.objects.get().claimed_at is None
    # the mail server is back: the next run sends it
    monkeypatch.undo()
    assert run(now + timedelta(minutes=5)) == 1
    assert len(mailoutbox) == 1


# ------------------------------------------------------------------ what is sent


def test_the_email_is_vietnamese_and_names_the_period_and_due_date(
    world: World, mailoutbox: list
) -> None:
    run(at(days(-3)))
    (message,) = mailoutbox
    assert message.subject == (
        f"[planwatch] Còn 3 ngày đến hạn nộp báo cáo: {TITLE} – 88/KH-UBND (hạn 20/05/2025)"
    )
    body = message.body
    assert "Kính gửi Sở Y tế," in body
    assert f"Còn 3 ngày nữa là đến hạn nộp báo cáo {TITLE} theo 88/KH-UBND." in body
    assert "Hạn nộp: 20/05/2025." in body
    assert "số liệu từ 15/04/2025 đến 14/05/2025" in body
    assert reminders.report_path(world.report) in body
    assert str(world.report.pk) in reminders.report_path(world.report)


def test_every_active_reporter_of_the_agency_is_notified(world: World, mailoutbox: list) -> None:
    health = world.report.agency
    no_email = create_user("baocao2.yte", password=None, agency=health, roles=["reporter"])
    gone = create_user(
        "cu.yte", password=None, agency=health, roles=["reporter"], email="cu@soyte.vn"
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    create_user("xem.yte", password=None, agency=health, roles=["viewer"], email="xem@soyte.vn")
    both = create_user(
        "lanhdao.yte",
        password=None,
        agency=health,
        roles=["reporter", "leadership"],
        email="ld@soyte.vn",
    )
    assert run(at(DUE)) == 1
    (message,) = mailoutbox
    assert sorted(message.to) == ["baocao@soyte.vinhphuc.gov.vn", "ld@soyte.vn"]
    notified = Notification.objects.values_list("user__username", flat=True)
    assert sorted(notified) == sorted([world.reporter.username, no_email.username, both.username])
    reminder = Reminder.objects.get()
    assert [r["user"] for r in reminder.recipients] == sorted(notified)


def test_the_notification_list_gets_the_reminder(world: World) -> None:
    run(at(days(1)))
    (note,) = Notification.objects.filter(user=world.reporter)
    assert "Báo cáo đã quá hạn" in note.message
    assert TITLE in note.message and "20/05/2025" in note.message
    assert note.url == reminders.report_path(world.report)
    assert note.read_at is None
    assert note.created_at == at(days(1))  # the clock was frozen


def test_sending_is_audited(world: World) -> None:
    run(at(DUE))
    entry = AuditEntry.objects.get(action="send_reminder")
    assert entry.actor_label == "system"
    assert entry.after == {
        "kind": "on_day",
        "day": "2025-05-20",
        "recipients": [{"user": "baocao.yte", "email": "baocao@soyte.vinhphuc.gov.vn"}],
        "worker": "w1",
    }


def test_a_reminder_reaches_nobody_when_the_agency_has_no_reporter(
    world: World, mailoutbox: list
) -> None:
    User.objects.filter(pk=world.reporter.pk).update(is_active=False)
    assert run(at(DUE)) == 1
    assert mailoutbox == []
    assert Reminder.objects.get().recipients == []


# ------------------------------------------------------------------ the command


def test_the_command_prints_how_many_were_sent(world: World, mailoutbox: list) -> None:
    out = StringIO()
    with time_machine.travel(at(DUE), tick=False):
        call_command("remind", stdout=out)
        call_command("remind", stdout=out)
    assert out.getvalue() == "1 reminder(s) sent\n0 reminder(s) sent\n"
    assert len(mailoutbox) == 1


def test_the_loop_stops_cleanly_on_sigterm(
    world: World, mailoutbox: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    passes: list[datetime] = []
    run_once = reminders.run_once

    def one_pass(now: datetime, worker: str | None = None) -> int:
        passes.append(now)
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd or docker stop would
        return run_once(now, worker)

    monkeypatch.setattr(reminders, "run_once", one_pass)
    # between passes the loop closes stale connections; the test's holds its transaction
    monkeypatch.setattr(remind_command, "close_old_connections", lambda: None)
    before = signal.getsignal(signal.SIGTERM)
    out = StringIO()
    with time_machine.travel(at(DUE), tick=False):
        call_command("remind", "--loop", "--interval", "30", stdout=out)
    assert len(passes) == 1
    assert out.getvalue() == "1 reminder(s) sent\nStopped.\n"
    assert signal.getsignal(signal.SIGTERM) == before
