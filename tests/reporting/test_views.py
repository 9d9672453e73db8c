"""The reporting pages: who may open and change what, the report's whole cycle through the
web, validation that writes nothing, exports and query counts.

The world is a small active plan (two tasks and two targets led by Sở Y tế, one task and
one target by Sở Công Thương, one task for every department) with a monthly reporting rule
for "Các sở, ban, ngành" and its 2025 calendar, built once per module through the actions.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from pytest_django import DjangoDbBlocker

from planwatch.accounts.models import User
from planwatch.core.models import AuditEntry
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan, set_plan_status
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan, Target, Task
from planwatch.reporting import actions, queries, reminders
from planwatch.reporting.choices import FigureKind, ProgressStatus, ReportState
from planwatch.reporting.models import (
    Figure,
    Notification,
    Report,
    ReportingPeriod,
    ReportVersion,
    TaskProgress,
)
from planwatch.reporting.queries import targets_owed, tasks_owed
from tests.conftest import Personas, client_for, make_personas, module_transaction

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEALTH, TRADE = "Sở Y tế", "Sở Công Thương"
PERSONAS = [
    "leader",
    "consolidator",
    "reporter",
    "other_reporter",
    "statistician",
    "viewer",
    "outsider",
    "anonymous",
]
SEE_ALL = {"leader", "consolidator", "statistician", "viewer"}


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


PLAN = {
    "source": "kh-bao-cao.txt",
    "document": {
        "number": "88/KH-UBND",
        "kind": "Kế hoạch",
        "issued_on": "2025-01-10",
        "title": "Kế hoạch thử chế độ báo cáo",
    },
    "targets": [
        {
            "id": "T01",
            "indicator": "Số giường bệnh trên 10.000 dân",
            "comparator": "gte",
            "value": 32,
            "unit": "giường",
            "year": 2025,
            "lead": HEALTH,
        },
        {
            "id": "T02",
            "indicator": "Tỷ lệ dân số tham gia bảo hiểm y tế",
            "comparator": "gte",
            "value": 95,
            "unit": "%",
            "year": 2025,
            "lead": HEALTH,
        },
        {
            "id": "T03",
            "indicator": "Kim ngạch xuất khẩu",
            "comparator": "eq",
            "value": 10000,
            "unit": "triệu USD",
            "year": 2025,
            "lead": TRADE,
        },
    ],
    "tasks": [
        {"id": "K001", "section": "1.1", "lead": HEALTH, "text": "Nâng cao chất lượng y tế cơ sở"},
        {"id": "K002", "section": "1.2", "lead": HEALTH, "text": "Phát triển y tế dự phòng"},
        {"id": "K003", "section": "2.1", "lead": TRADE, "text": "Thúc đẩy xuất khẩu"},
        {"id": "K004", "section": "3", "lead": "Các sở, ban, ngành", "text": "Cải cách hành chính"},
    ],
    "reporting": [
        {
            "who": "Các sở, ban, ngành",
            "to": "Sở Tài chính",
            "frequency": "monthly",
            "due": "trước ngày 20 hàng tháng",
        }
    ],
}


@dataclass
class World:
    personas: Personas
    plan: Plan

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self.personas, persona)

    def agency(self, name: str) -> Agency:
        return Agency.objects.get(name=name)

    def period(self, key: str = "2025-01") -> ReportingPeriod:
        return ReportingPeriod.objects.get(plan=self.plan, key=key)

    def report(self, key: str = "2025-01", agency: str = HEALTH) -> Report:
        return Report.objects.select_related("period__plan", "agency").get(
            period__plan=self.plan, period__key=key, agency__name=agency
        )

    def task(self, code: str) -> Task:
        return self.plan.tasks.get(code=code)

    def target(self, code: str) -> Target:
        return self.plan.targets.get(code=code)


def _build() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    personas = make_personas()
    plan = import_plan(planfile.parse(PLAN), status=PlanStatus.ACTIVE).plan
    actions.generate_calendar(plan, year=2025)
    return World(personas=personas, plan=plan)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    yield from module_transaction(django_db_blocker, _build)


@pytest.fixture
def world(db: None, module_world: World) -> World:
    return copy.deepcopy(module_world)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# ------------------------------------------------------------------ helpers


def form_data(world: World, report: Report, action: str = "save", **fields: str) -> dict[str, Any]:
    """The report form as a browser would send it untouched, with ``fields`` changed:
    ``K001__percent="50"``, ``T01__value="31,5"``, ``narrative="…"``."""
    data: dict[str, Any] = {"action": action, "narrative": ""}
    for task in tasks_owed(report.agency, report.period.plan):
        prefix = f"t{task.pk}-"
        data |= {
            prefix + "status": ProgressStatus.NOT_STARTED,
            prefix + "percent": "0",
            prefix + "done": "",
            prefix + "difficulties": "",
            prefix + "proposals": "",
        }
    for target in targets_owed(report.agency, report.period.plan):
        prefix = f"g{target.pk}-"
        data |= {prefix + "value": "", prefix + "kind": FigureKind.ESTIMATE, prefix + "note": ""}
    for key, value in fields.items():
        if "__" not in key:
            data[key] = value
            continue
        code, name = key.split("__")
        if code.startswith("K"):
            data[f"t{world.task(code).pk}-{name}"] = value
        else:
            data[f"g{world.target(code).pk}-{name}"] = value
    return data


def html(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> str:
    match = re.search(r'<ul class="messages"[^>]*>(.*?)</ul>', html(response), re.S)
    return match.group(1) if match else ""


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# ------------------------------------------------------------------ every page, every persona


def pages(world: World) -> dict[str, str]:
    health, trade = world.report(), world.report(agency=TRADE)
    period = world.period()
    return {
        "index": "/reporting/",
        "report": f"/reporting/reports/{health.pk}/",
        "other-report": f"/reporting/reports/{trade.pk}/",
        "period": f"/reporting/periods/{period.pk}/",
        "export": f"/reporting/periods/{period.pk}/export.xlsx",
        "matrix": f"/reporting/plans/{world.plan.pk}/compliance/?year=2025",
        "figures": "/reporting/figures/",
        "notifications": "/reporting/notifications/",
    }


def expected(persona: str, page: str) -> int | str:
    if persona == "anonymous":
        return "login"
    if persona == "outsider":
        return 403
    if page == "report":
        return 404 if persona == "other_reporter" else 200
    if page == "other-report":
        return 404 if persona == "reporter" else 200
    if page in ("period", "export", "matrix"):
        return 200 if persona in SEE_ALL else 403
    if page == "figures":
        return 200 if persona in ("statistician", "consolidator") else 403
    return 200


@pytest.mark.parametrize(
    "page",
    ["index", "report", "other-report", "period", "export", "matrix", "figures", "notifications"],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_its_role_allows_on_each_page(
    world: World, persona: str, page: str
) -> None:
    url = pages(world)[page]
    response = client_for(world.user(persona)).get(url)
    outcome = expected(persona, page)
    if outcome == "login":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    else:
        assert response.status_code == outcome


def test_a_reporter_guessing_ids_finds_no_other_agencys_report(world: World) -> None:
    client = client_for(world.personas.other_reporter)
    for report in Report.objects.filter(period__plan=world.plan).exclude(agency__name=TRADE)[:40]:
        assert client.get(f"/reporting/reports/{report.pk}/").status_code == 404
    assert client.get("/reporting/reports/999999/").status_code == 404
    response = client.get(f"/reporting/reports/{world.report().pk}/")
    assert response.status_code == 404
    assert "Sở Y tế" not in html(response)


def test_the_nav_shows_reports_and_unread_notifications(world: World) -> None:
    reminders.run_once(vn("2025-01-20 08:00"), worker="test")
    assert Notification.objects.filter(user=world.personas.reporter).count() == 1
    page = html(client_for(world.personas.reporter).get("/plans/"))
    assert 'href="/reporting/"' in page and "Báo cáo" in page
    assert re.search(
        r'href="/reporting/notifications/"[^>]*>Thông báo <span class="count-badge">1', page
    )
    none = html(client_for(world.personas.viewer).get("/plans/"))
    assert "count-badge" not in none
    outsider = client_for(world.personas.outsider).get("/plans/")
    assert 'href="/reporting/"' not in html(outsider)


# ------------------------------------------------------------------ writes by role


def _setup_submitted(world: World) -> Report:
    report = world.report()
    actions.save_report(report, narrative="Đã làm", progress=[], figures=[])
    actions.submit_report(report, actor=world.personas.reporter)
    return report


WRITES = ["save", "submit", "accept", "return", "due", "ad_hoc", "figure", "calendar", "read"]


def _post(world: World, write: str, client: Client) -> tuple[Any, Any]:
    """POST ``write``; returns the response and a function telling whether it happened."""
    period = world.period()
    if write in ("save", "submit"):
        report = world.report()
        data = form_data(world, report, write, narrative="Tình hình", K001__status="in_progress")
        response = client.post(f"/reporting/reports/{report.pk}/", data)
        wanted = ReportState.DRAFT if write == "save" else ReportState.SUBMITTED
        return response, lambda: Report.objects.get(pk=report.pk).state == wanted
    if write in ("accept", "return"):
        report = _setup_submitted(world)
        response = client.post(f"/reporting/reports/{report.pk}/{write}/", {"comment": "Bổ sung"})
        wanted = ReportState.ACCEPTED if write == "accept" else ReportState.RETURNED
        return response, lambda: Report.objects.get(pk=report.pk).state == wanted
    if write == "due":
        response = client.post(
            f"/reporting/periods/{period.pk}/due/", {"due": "25/01/2025", "reason": "Nghỉ Tết"}
        )
        return response, lambda: ReportingPeriod.objects.get(pk=period.pk).due == date(2025, 1, 25)
    if write == "ad_hoc":
        response = client.post(
            f"/reporting/plans/{world.plan.pk}/ad-hoc/",
            {
                "title": "Báo cáo đột xuất",
                "start": "01/01/2025",
                "end": "31/01/2025",
                "due": "05/02/2025",
            },
        )
        return response, lambda: ReportingPeriod.objects.filter(
            plan=world.plan, kind="ad hoc"
        ).exists()
    if write == "figure":
        response = client.post(
            "/reporting/figures/",
            {
                "plan": world.plan.pk,
                "target": world.target("T01").pk,
                "value": "31,5",
                "kind": "official",
                "period_start": "01/01/2025",
                "period_end": "31/01/2025",
                "source": "Cục Thống kê",
            },
        )
        return response, lambda: Figure.objects.filter(report__isnull=True).exists()
    if write == "calendar":
        response = client.post(f"/reporting/plans/{world.plan.pk}/calendar/", {"year": "2026"})
        return response, lambda: ReportingPeriod.objects.filter(
            plan=world.plan, end__year=2026
        ).exists()
    assert write == "read"
    user = world.personas.reporter
    Notification.objects.create(user=user, message="Nhắc báo cáo")
    response = client.post("/reporting/notifications/read/")
    return response, lambda: not Notification.objects.filter(read_at__isnull=True).exists()


def allowed(persona: str, write: str) -> bool | str:
    if write in ("save", "submit"):
        return persona == "reporter"
    if write == "figure":
        return persona in ("statistician", "consolidator")
    if write == "read":
        return persona == "reporter"  # only one's own notifications
    return persona == "consolidator"


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_right_role_writes(world: World, persona: str, write: str) -> None:
    client = client_for(world.user(persona))
    audits = AuditEntry.objects.count()
    response, happened = _post(world, write, client)
    if allowed(persona, write):
        assert response.status_code == 302, messages_of(response)
        assert happened()
        return
    assert not happened()
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif write in ("save", "submit") and persona == "other_reporter":
        assert response.status_code == 404
    elif write == "read":
        assert response.status_code == (403 if persona == "outsider" else 302)
    else:
        assert response.status_code == 403
    created = AuditEntry.objects.count() - audits
    assert created == (2 if write in ("accept", "return") else 0)  # the set-up's own writes


def test_post_only_addresses_refuse_a_get(world: World) -> None:
    client = client_for(world.personas.consolidator)
    report, period = world.report(), world.period()
    for url in (
        f"/reporting/reports/{report.pk}/accept/",
        f"/reporting/reports/{report.pk}/return/",
        f"/reporting/periods/{period.pk}/due/",
        f"/reporting/plans/{world.plan.pk}/ad-hoc/",
        f"/reporting/plans/{world.plan.pk}/calendar/",
        "/reporting/notifications/read/",
    ):
        assert client.get(url).status_code == 405, url


# ------------------------------------------------------------------ the whole cycle


def test_draft_submit_return_resubmit_accept(world: World) -> None:
    report = world.report()
    url = f"/reporting/reports/{report.pk}/"
    with time_machine.travel(vn("2025-01-17 09:00"), tick=False):
        reporter = client_for(world.personas.reporter)
        page = html(reporter.get(url))
        assert "Lưu nháp" in page and "Gửi báo cáo" in page
        assert "15/12/2024 – 14/01/2025" in page and "20/01/2025" in page
        assert "Chưa đến hạn" in page

        # a draft: stored, not sent
        data = form_data(
            world,
            report,
            "save",
            narrative="Tháng 01: triển khai kế hoạch.",
            K001__status="in_progress",
            K001__percent="40",
            K001__done="Khảo sát 10 trạm y tế",
            K001__difficulties="Thiếu nhân lực",
            K001__proposals="Bổ sung biên chế",
            T01__value="31,5",
            T01__kind="estimate",
        )
        response = reporter.post(url, data)
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.DRAFT and report.version_count == 0
        assert report.narrative == "Tháng 01: triển khai kế hoạch."
        row = report.progress.get()
        assert (row.task.code, row.status, row.percent) == ("K001", "in_progress", 40)
        figure = report.figures.get()
        assert figure.value == Decimal("31.5") and figure.unit == "giường"
        assert (figure.period_start, figure.period_end) == (date(2024, 12, 15), date(2025, 1, 14))
        page = html(reporter.get(url))
        assert "Đã lưu bản nháp" in page
        assert 'value="31,5"' in page

        # submitted: version 1
        response = reporter.post(url, data | {"action": "submit"})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED and report.version_count == 1
        assert ReportVersion.objects.get(report=report).number == 1
        page = html(reporter.get(url))
        assert "Đúng hạn" in page
        assert 'id="report-form"' not in page  # read-only once sent
        assert "Khảo sát 10 trạm y tế" in page

    with time_machine.travel(vn("2025-01-18 10:00"), tick=False):
        consolidator = client_for(world.personas.consolidator)
        page = html(consolidator.get(url))
        assert "Chấp nhận" in page and "Trả lại" in page
        # returning needs a comment
        response = consolidator.post(f"{url}return/", {"comment": "  "})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED
        response = consolidator.post(
            f"{url}return/", {"comment": "Bổ sung số liệu giường bệnh tuyến xã."}
        )
        report.refresh_from_db()
        assert report.state == ReportState.RETURNED

    with time_machine.travel(vn("2025-01-22 08:00"), tick=False):
        reporter = client_for(world.personas.reporter)
        page = html(reporter.get(url))
        assert "Bổ sung số liệu giường bệnh tuyến xã." in page
        assert 'id="report-form"' in page
        response = reporter.post(
            url,
            form_data(
                world,
                report,
                "submit",
                narrative="Tháng 01: triển khai kế hoạch.",
                K001__status="in_progress",
                K001__percent="60",
                K001__done="Khảo sát 10 trạm y tế",
                K001__difficulties="Thiếu nhân lực",
                K001__proposals="Bổ sung biên chế",
                T01__value="32",
                T01__kind="preliminary",
            ),
        )
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED and report.version_count == 2
        page = html(reporter.get(url))
        assert "So sánh với bản trước" in page
        changes = page[page.index("So sánh với bản trước") :]
        assert "Task K001" not in changes  # Vietnamese
        assert re.search(
            r"Nhiệm vụ K001</td><td>Tỷ lệ hoàn thành</td><td[^>]*>40%</td><td[^>]*>60%", changes
        )
        # the first submission was on time: resubmitting late does not change that
        assert "Đúng hạn" in page

        consolidator = client_for(world.personas.consolidator)
        response = consolidator.post(f"{url}accept/")
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == ReportState.ACCEPTED
        # an accepted report is never edited
        response = client_for(world.personas.reporter).post(
            url, form_data(world, report, "save", narrative="Sửa")
        )
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.narrative == "Tháng 01: triển khai kế hoạch."

        matrix = html(consolidator.get(f"/reporting/plans/{world.plan.pk}/compliance/?year=2025"))
        health_row = re.search(r"Sở Y tế</th>(.*?)</tr>", matrix, re.S)
        assert health_row is not None
        assert 'comp-on_time" title="Đúng hạn"' in health_row.group(1)
        assert "Chưa gửi" in matrix  # 2025-01 is missing for the agencies that did not report


# ------------------------------------------------------------------ nothing half-written


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"K001__status": "in_progress", "K001__percent": "150"}, "từ 0 đến 100"),
        ({"T01__value": "abc"}, "27.026"),
        ({"T02__note": "Chưa có số"}, "xoá ghi chú"),
    ],
)
def test_invalid_input_writes_nothing_and_says_why(
    world: World, fields: dict[str, str], error: str
) -> None:
    report = world.report()
    audits = AuditEntry.objects.count()
    data = form_data(world, report, "submit", narrative="Tình hình", K002__done="Đã làm", **fields)
    response = client_for(world.personas.reporter).post(f"/reporting/reports/{report.pk}/", data)
    assert response.status_code == 400
    page = html(response)
    assert "Chưa lưu gì" in messages_of(response)
    assert error in page
    assert re.search(r">\s*Tình hình</textarea>", page)  # what was typed stays
    report.refresh_from_db()
    assert report.state == ReportState.PENDING and report.narrative == ""
    assert not TaskProgress.objects.filter(report=report).exists()
    assert not Figure.objects.filter(report=report).exists()
    assert AuditEntry.objects.count() == audits


def test_a_png_renamed_pdf_is_refused_and_nothing_is_stored(world: World, settings: Any) -> None:
    report = world.report()
    data = form_data(world, report, "save", K001__status="in_progress", K001__percent="10")
    field = f"t{world.task('K001').pk}-attachment"
    data[field] = SimpleUploadedFile("bao-cao.pdf", PNG, content_type="application/pdf")
    response = client_for(world.personas.reporter).post(f"/reporting/reports/{report.pk}/", data)
    assert response.status_code == 400
    assert "không thực sự là tệp PDF" in html(response)
    report.refresh_from_db()
    assert report.state == ReportState.PENDING
    assert not TaskProgress.objects.filter(report=report).exists()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("ke-hoach.pdf", pdf_bytes(), True),
        ("ke-hoach.docx", docx_bytes(), True),
        ("ke-hoach.xlsx", docx_bytes(), False),  # a Word file named .xlsx
        ("ke-hoach.exe", pdf_bytes(), False),
        ("ke-hoach.docx", b"PK\x03\x04 not a zip", False),
    ],
)
def test_attachments_are_checked_by_content(
    world: World, name: str, content: bytes, ok: bool
) -> None:
    report = world.report()
    data = form_data(world, report, "save", K001__status="in_progress")
    data[f"t{world.task('K001').pk}-attachment"] = SimpleUploadedFile(name, content)
    response = client_for(world.personas.reporter).post(f"/reporting/reports/{report.pk}/", data)
    assert response.status_code == (302 if ok else 400)
    assert TaskProgress.objects.filter(report=report).exclude(attachment="").exists() == ok


def test_an_attachment_too_large_is_refused(world: World, settings: Any) -> None:
    settings.PLANWATCH_MAX_ATTACHMENT_MB = 1
    report = world.report()
    data = form_data(world, report, "save", K001__status="in_progress")
    big = pdf_bytes() + b"0" * (1024 * 1024)
    data[f"t{world.task('K001').pk}-attachment"] = SimpleUploadedFile("lon.pdf", big)
    response = client_for(world.personas.reporter).post(f"/reporting/reports/{report.pk}/", data)
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in html(response)


def test_an_attachment_is_kept_across_saves_and_served_only_to_who_may_see_it(
    world: World,
) -> None:
    report = world.report()
    url = f"/reporting/reports/{report.pk}/"
    reporter = client_for(world.personas.reporter)
    data = form_data(world, report, "save", K001__status="in_progress", K001__percent="20")
    data[f"t{world.task('K001').pk}-attachment"] = SimpleUploadedFile("bien-ban.pdf", pdf_bytes())
    assert reporter.post(url, data).status_code == 302
    row = TaskProgress.objects.get(report=report)
    name = str(row.attachment.name)
    assert name.endswith(".pdf") and "K001" in name
    assert AuditEntry.objects.filter(action="attach_file").count() == 1

    # saved again without a file: the attachment stays
    data = form_data(world, report, "save", K001__status="in_progress", K001__percent="30")
    assert reporter.post(url, data).status_code == 302
    row = TaskProgress.objects.get(report=report)
    assert row.percent == 30 and str(row.attachment.name) == name

    file_url = f"{url}files/{row.pk}/"
    response = client_for(world.personas.consolidator).get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]
    assert client_for(world.personas.other_reporter).get(file_url).status_code == 404
    assert client_for(world.personas.outsider).get(file_url).status_code == 403


def test_an_attachment_is_removed_on_request_and_the_form_offers_it_only_when_there_is_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.report()
    url = f"/reporting/reports/{report.pk}/"
    reporter = client_for(world.personas.reporter)
    remove = f"t{world.task('K001').pk}-remove_attachment"
    assert f'name="{remove}"' not in html(reporter.get(url))
    data = form_data(world, report, "save", K001__status="in_progress")
    data[f"t{world.task('K001').pk}-attachment"] = SimpleUploadedFile("bien-ban.pdf", pdf_bytes())
    assert reporter.post(url, data).status_code == 302
    row = TaskProgress.objects.get(report=report)
    name = str(row.attachment.name)
    page = html(reporter.get(url))
    assert f'name="{remove}"' in page and "Gỡ tệp đính kèm" in page

    data = form_data(
        world, report, "save", K001__status="in_progress", **{"K001__remove_attachment": "on"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reporter.post(url, data).status_code == 302
    row.refresh_from_db()
    assert not row.attachment and row.status == "in_progress"
    assert not default_storage.exists(name)
    assert AuditEntry.objects.filter(action="remove_file").count() == 1


def test_a_submission_that_fails_keeps_nothing_not_even_the_file(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ValueError("the period is closed")

    monkeypatch.setattr(actions, "submit_report", refuse)
    report = world.report()
    data = form_data(world, report, "submit", narrative="Tháng 1", K001__status="in_progress")
    data[f"t{world.task('K001').pk}-attachment"] = SimpleUploadedFile("bien-ban.pdf", pdf_bytes())
    response = client_for(world.personas.reporter).post(f"/reporting/reports/{report.pk}/", data)
    assert response.status_code == 400
    assert "Chưa lưu gì: the period is closed" in messages_of(response)
    report.refresh_from_db()
    assert (report.state, report.narrative) == (ReportState.PENDING, "")
    assert not TaskProgress.objects.filter(report=report).exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_changed_figure_is_named_by_its_target_kind_and_period(world: World) -> None:
    report = world.report()
    t01 = world.target("T01")

    def save(value: str, kind: str) -> None:
        actions.save_report(
            report,
            narrative="",
            progress=[],
            figures=[
                actions.FigureInput(
                    target=t01,
                    value=Decimal(value),
                    kind=kind,
                    period_start=date(2024, 12, 15),
                    period_end=date(2025, 1, 14),
                )
            ],
        )
        actions.submit_report(report)

    save("31", FigureKind.ESTIMATE)
    actions.return_report(report, comment="Sửa số liệu")
    save("31,5".replace(",", "."), FigureKind.ESTIMATE)
    page = html(client_for(world.personas.consolidator).get(f"/reporting/reports/{report.pk}/"))
    assert re.search(
        r"Số liệu T01 \(Ước thực hiện, 15/12/2024–14/01/2025\)</td><td>Số liệu</td>"
        r"<td[^>]*>31</td><td[^>]*>31,5</td>",
        page,
    )


# ------------------------------------------------------------------ figures and warnings


def test_a_figure_far_from_the_previous_one_is_saved_with_a_warning(world: World) -> None:
    actions.record_figure(
        world.target("T01"),
        value=Decimal("30"),
        kind=FigureKind.OFFICIAL,
        period_start=date(2024, 11, 15),
        period_end=date(2024, 12, 14),
        source="Cục Thống kê",
    )
    report = world.report()
    url = f"/reporting/reports/{report.pk}/"
    reporter = client_for(world.personas.reporter)
    page = html(reporter.get(url))
    assert "30 giường" in page  # the previous figure is shown beside the input

    response = reporter.post(url, form_data(world, report, "save", T01__value="60"), follow=True)
    assert response.status_code == 200
    assert Figure.objects.get(report=report).value == 60  # saved: a warning, not a block
    assert "T01" in messages_of(response) and "50%" in messages_of(response)
    assert "figure-warning" in html(response)

    response = reporter.post(url, form_data(world, report, "save", T01__value="31"), follow=True)
    assert Figure.objects.get(report=report).value == 31
    assert "figure-warning" not in html(response)


def test_the_previous_reports_text_is_offered(world: World) -> None:
    january = world.report()
    actions.save_report(january, narrative="Văn bản tháng 01", progress=[], figures=[])
    actions.submit_report(january)
    february = world.report("2025-02")
    page = html(client_for(world.personas.reporter).get(f"/reporting/reports/{february.pk}/"))
    assert 'id="use-previous"' in page
    assert "Văn bản tháng 01" in page
    assert "Dùng nội dung báo cáo kỳ trước" in page


def test_the_statistics_office_records_a_figure(world: World) -> None:
    client = client_for(world.personas.statistician)
    page = html(client.get("/reporting/figures/", {"plan": world.plan.pk}))
    assert "T01 · Số giường bệnh" in page
    data = {
        "plan": world.plan.pk,
        "target": world.target("T03").pk,
        "value": "27.026",
        "kind": "preliminary",
        "period_start": "01/01/2025",
        "period_end": "30/06/2025",
        "area": "Tỉnh",
        "source": "Cục Thống kê",
        "note": "",
    }
    response = client.post("/reporting/figures/", data, follow=True)
    figure = Figure.objects.get(report__isnull=True)
    assert figure.value == 27026 and figure.kind == "preliminary"
    assert figure.unit == "triệu USD" and figure.entered_by == world.personas.statistician
    assert "27.026 triệu USD" in html(response)

    response = client.post("/reporting/figures/", data | {"value": "abc"})
    assert response.status_code == 400
    assert "27.026" in html(response) and Figure.objects.count() == 1
    response = client.post("/reporting/figures/", data | {"period_end": "01/12/2024"})
    assert response.status_code == 400 and Figure.objects.count() == 1


# ------------------------------------------------------------------ the consolidator


def test_the_consolidator_moves_a_due_date_with_a_reason(world: World) -> None:
    period = world.period()
    client = client_for(world.personas.consolidator)
    url = f"/reporting/periods/{period.pk}/due/"
    response = client.post(url, {"due": "25/01/2025", "reason": ""})
    assert response.status_code == 400
    assert "Nêu lý do" in html(response)
    period.refresh_from_db()
    assert period.due == date(2025, 1, 20)
    response = client.post(url, {"due": "25/01/2025", "reason": "Nghỉ Tết Nguyên đán"}, follow=True)
    period.refresh_from_db()
    assert period.due == date(2025, 1, 25) and period.original_due == date(2025, 1, 20)
    page = html(response)
    assert "25/01/2025" in page and "Nghỉ Tết Nguyên đán" in page


def test_the_consolidator_requests_an_ad_hoc_report(world: World) -> None:
    client = client_for(world.personas.consolidator)
    url = f"/reporting/plans/{world.plan.pk}/ad-hoc/"
    bad = {
        "title": "Báo cáo nhanh",
        "start": "31/01/2025",
        "end": "01/01/2025",
        "due": "05/02/2025",
    }
    response = client.post(url, bad | {"from_period": world.period().pk})
    assert response.status_code == 400
    assert "kết thúc trước khi bắt đầu" in html(response)
    assert not ReportingPeriod.objects.filter(kind="ad hoc").exists()
    good = bad | {"start": "01/01/2025", "end": "31/01/2025"}
    response = client.post(url, good)
    period = ReportingPeriod.objects.get(kind="ad hoc")
    assert response["Location"] == f"/reporting/periods/{period.pk}/"
    expected = Report.objects.filter(period=world.period()).count()
    assert period.reports.count() == expected and period.due == date(2025, 2, 5)


def test_the_consolidator_makes_a_calendar_for_a_year_without_periods(world: World) -> None:
    client = client_for(world.personas.consolidator)
    url = f"/reporting/plans/{world.plan.pk}/compliance/?year=2026"
    page = html(client.get(url))
    assert 'id="calendar-form"' in page
    assert 'id="calendar-form"' not in html(client_for(world.personas.viewer).get(url))
    response = client.post(f"/reporting/plans/{world.plan.pk}/calendar/", {"year": "2026"})
    assert response["Location"].endswith("/compliance/?year=2026")
    assert ReportingPeriod.objects.filter(plan=world.plan, end__year=2026).count() == 12
    page = html(client.get(url))
    assert 'id="calendar-form"' not in page and "Tháng 12/2026" in page


# ------------------------------------------------------------------ pages and their costs


def _submit(
    world: World, agency: str, key: str = "2025-01", when: str = "2025-01-18 09:00"
) -> Report:
    report = world.report(key, agency)
    tasks = list(tasks_owed(report.agency, world.plan))
    with time_machine.travel(vn(when), tick=False):
        actions.save_report(
            report,
            narrative=f"Báo cáo của {agency}",
            progress=[
                actions.ProgressInput(
                    task=t,
                    status=ProgressStatus.IN_PROGRESS,
                    percent=50,
                    done=f"{agency} làm {t.code}",
                    difficulties=f"Khó khăn của {agency}",
                    proposals=f"Kiến nghị của {agency}",
                )
                for t in tasks
            ],
            figures=[],
        )
        actions.submit_report(report)
    return report


def test_the_period_page_consolidates_and_costs_few_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    _submit(world, HEALTH)
    _submit(world, TRADE, when="2025-01-21 09:00")
    period = world.period()
    client = client_for(world.personas.consolidator)
    client.get("/reporting/")  # the session is loaded once
    with django_assert_max_num_queries(12):
        response = client.get(f"/reporting/periods/{period.pk}/")
    page = html(response)
    assert "Sở Y tế làm K001" in page and "Sở Công Thương làm K003" in page
    assert "Khó khăn của Sở Y tế" in page and "Kiến nghị của Sở Công Thương" in page
    assert "18/01/2025 09:00" in page
    assert "Trễ hạn" in page  # Sở Công Thương sent it on the 21st
    by_task = html(client.get(f"/reporting/periods/{period.pk}/", {"by": "task"}))
    assert by_task.count('class="consolidated-task"') == 4  # K001, K002, K003, K004
    # more reports, same cost
    for agency in ("Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ"):
        _submit(world, agency)
    with django_assert_max_num_queries(12):
        client.get(f"/reporting/periods/{period.pk}/")


def test_the_matrix_costs_few_queries_and_labels_every_cell(
    world: World, django_assert_max_num_queries: Any
) -> None:
    _submit(world, HEALTH)
    with time_machine.travel(vn("2025-03-01 09:00"), tick=False):
        client = client_for(world.personas.leader)
        client.get("/reporting/")  # the session is loaded once
        with django_assert_max_num_queries(10):
            response = client.get(f"/reporting/plans/{world.plan.pk}/compliance/", {"year": 2025})
    page = html(response)
    assert response.status_code == 200
    for label in ("Đúng hạn", "Trễ hạn", "Chưa gửi", "Chưa đến hạn", "Bị trả lại"):
        assert label in page  # the legend names every colour
    assert (
        page.count('class="cell comp-')
        == Report.objects.filter(period__plan=world.plan, period__end__year=2025).count()
    )
    assert (
        page.count('class="cell comp-not_due"') > 0 and page.count('class="cell comp-missing"') > 0
    )
    assert 'class="sr-only">Đúng hạn' in page


def test_the_reporters_index_lists_its_own_reports_open_first(world: World) -> None:
    _submit(world, HEALTH)
    with time_machine.travel(vn("2025-02-10 09:00"), tick=False):
        page = html(client_for(world.personas.reporter).get("/reporting/"))
    assert "Báo cáo của tôi" in page
    open_part = page[page.index('id="open-h"') : page.index('id="done-h"')]
    done_part = page[page.index('id="done-h"') :]
    assert "Tháng 02/2025" in open_part and "Tháng 01/2025" not in open_part
    assert "Tháng 01/2025" in done_part and "Đúng hạn" in done_part
    assert open_part.index("Tháng 02/2025") < open_part.index("Tháng 03/2025")
    trade = world.report(agency=TRADE)
    assert f"/reporting/reports/{trade.pk}/" not in page


def test_the_consolidators_index_lists_periods_with_counts(world: World) -> None:
    _submit(world, HEALTH)
    with time_machine.travel(vn("2025-02-10 09:00"), tick=False):
        page = html(client_for(world.personas.consolidator).get("/reporting/", {"year": 2025}))
    assert "88/KH-UBND" in page and "Tháng 01/2025" in page
    period = world.period()
    assert f"/reporting/periods/{period.pk}/" in page
    row = re.search(rf"/reporting/periods/{period.pk}/.*?</tr>", page, re.S)
    assert row is not None
    expected = Report.objects.filter(period=period).count()
    cells = re.findall(r'<td class="num">(?:<span[^>]*>.*?</span>\s*)?(\d+)', row.group(0))
    assert cells[:2] == [str(expected), "1"]


def test_period_summaries_count_each_periods_reports_by_state_in_two_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    consolidator, reporter = world.personas.consolidator, world.personas.reporter
    consolidator.has_role(), reporter.has_role()  # their roles are read once
    with django_assert_max_num_queries(2):
        before = queries.period_summaries(consolidator, 2025)
    _submit(world, HEALTH)
    _submit(world, TRADE, key="2025-02")
    actions.return_report(world.report("2025-02", TRADE), comment="Bổ sung")
    actions.save_report(world.report("2025-03"), narrative="Nháp", progress=[], figures=[])
    data = copy.deepcopy(PLAN)
    data["document"]["number"] = "89/KH-UBND"  # type: ignore[index]
    other = import_plan(planfile.parse(data), status=PlanStatus.ACTIVE).plan
    actions.generate_calendar(other, year=2025)
    with django_assert_max_num_queries(2):  # twice the periods, the same cost
        summaries = queries.period_summaries(consolidator, 2025)
    assert len(before) == 1 and len(summaries) == 2
    plan, rows = summaries[[p.pk for p, _ in summaries].index(world.plan.pk)]
    assert [r.period.key for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    expected = Report.objects.filter(period=world.period()).count()
    january, february, march = rows[:3]
    assert (january.expected, january.submitted, january.not_sent) == (expected, 1, expected - 1)
    assert (february.returned, february.submitted) == (1, 0)
    assert march.counts == {ReportState.PENDING: expected - 1, ReportState.DRAFT: 1}
    # a reporter counts only its own agency's reports
    mine = dict(queries.period_summaries(reporter, 2025))
    assert [r.expected for r in mine[plan][:3]] == [1, 1, 1]
    assert queries.period_summaries(consolidator, 2024) == []
    set_plan_status(other, PlanStatus.CLOSED)
    assert [p.pk for p, _ in queries.period_summaries(consolidator, 2025)] == [world.plan.pk]


def _figure_in(world: World, report: Report, value: str, end: date, kind: str = "estimate") -> None:
    actions.save_report(
        report,
        narrative="",
        progress=[],
        figures=[
            actions.FigureInput(
                target=world.target("T01"),
                value=Decimal(value),
                kind=kind,
                period_start=end.replace(day=1),
                period_end=end,
            )
        ],
    )


def test_the_previous_figure_of_each_target_in_one_query(
    world: World, django_assert_max_num_queries: Any
) -> None:
    t01, t02 = world.target("T01"), world.target("T02")
    march = world.report("2025-03")
    march.period  # noqa: B018  (loaded, as the page has it)
    assert queries.previous_figures(march, []) == {}
    for value, end in (("25", date(2024, 11, 14)), ("26", date(2022, 6, 14))):
        actions.record_figure(
            t01,
            value=Decimal(value),
            kind="official",
            period_start=date(2022, 1, 1),
            period_end=end,
        )
    with django_assert_max_num_queries(1):
        found = queries.previous_figures(march, [t01, t02])
    assert {k: str(v.value.normalize()) for k, v in found.items()} == {t01.pk: "25"}
    january, february = world.report("2025-01"), world.report("2025-02")
    _figure_in(world, january, "30", date(2025, 1, 14))
    actions.submit_report(january)
    _figure_in(world, february, "31", date(2025, 2, 14))  # a draft: not sent, not previous
    assert queries.previous_figures(march, [t01])[t01.pk].value == 30
    actions.submit_report(february)
    assert queries.previous_figures(march, [t01])[t01.pk].value == 31
    assert queries.previous_figures(february, [t01])[t01.pk].value == 30  # only earlier ones
    # another agency's report is not this agency's previous figure
    assert queries.previous_figures(world.report("2025-03", TRADE), [t01])[t01.pk].value == 25


def test_the_periods_figures_are_those_sent_and_visible_in_one_query(
    world: World, django_assert_max_num_queries: Any
) -> None:
    period = world.period()
    _figure_in(world, world.report(), "30", date(2025, 1, 14))
    actions.submit_report(world.report())
    trade = world.report(agency=TRADE)
    actions.save_report(
        trade,
        narrative="",
        progress=[],
        figures=[
            actions.FigureInput(
                target=world.target("T03"),
                value=Decimal(9000),
                kind="estimate",
                period_start=date(2024, 12, 15),
                period_end=date(2025, 1, 14),
            )
        ],
    )
    viewer = world.personas.viewer
    viewer.has_role()
    with django_assert_max_num_queries(1):
        figures = queries.period_figures(viewer, period)
    assert [(f.target_id, f.report.agency.name) for f in figures if f.report] == [
        (world.target("T01").pk, HEALTH)
    ]
    actions.submit_report(trade)
    assert len(queries.period_figures(viewer, period)) == 2
    assert [f.target_id for f in queries.period_figures(world.personas.other_reporter, period)] == [
        world.target("T03").pk
    ]


def test_the_export_has_four_sheets_with_vietnamese_headers(world: World) -> None:
    _submit(world, HEALTH)
    actions.save_report(
        world.report("2025-02"),
        narrative="",
        progress=[],
        figures=[
            actions.FigureInput(
                target=world.target("T01"),
                value=Decimal("31.5"),
                kind=FigureKind.ESTIMATE,
                period_start=date(2025, 1, 15),
                period_end=date(2025, 2, 14),
            )
        ],
    )
    period = world.period()
    response = client_for(world.personas.viewer).get(f"/reporting/periods/{period.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="88-KH-UBND-2025-01.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Báo cáo", "Tiến độ nhiệm vụ", "Khó khăn, kiến nghị", "Số liệu"]
    reports = book["Báo cáo"]
    assert [c.value for c in reports[1]][:4] == [
        "STT",
        "Cơ quan, đơn vị",
        "Trạng thái",
        "Tình hình gửi",
    ]
    assert reports.max_row == 1 + Report.objects.filter(period=period).count()
    rows = {r[1]: r for r in reports.iter_rows(min_row=2, values_only=True)}
    assert rows[HEALTH][2] == "Đã gửi" and rows[HEALTH][3] == "Đúng hạn"
    assert rows[HEALTH][5] == datetime(2025, 1, 18, 9, 0)
    progress = list(book["Tiến độ nhiệm vụ"].iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[3]) for r in progress} == {
        ("K001", HEALTH),
        ("K002", HEALTH),
        ("K004", HEALTH),
    }
    issues = list(book["Khó khăn, kiến nghị"].iter_rows(min_row=2, values_only=True))
    assert len(issues) == 6 and {r[0] for r in issues} == {"Khó khăn, vướng mắc", "Kiến nghị"}
    # the February draft's figure is not in January's export
    assert book["Số liệu"].max_row == 1


def test_notifications_list_and_mark_read(world: World) -> None:
    reminders.run_once(vn("2025-01-20 08:00"), worker="test")
    client = client_for(world.personas.reporter)
    page = html(client.get("/reporting/notifications/"))
    assert "Tháng 01/2025" in page and 'class="unread"' in page
    assert f"/reporting/reports/{world.report().pk}/" in page
    assert '<span class="count-badge">1' in page
    response = client.post("/reporting/notifications/read/", follow=True)
    assert 'class="unread"' not in html(response)
    assert "count-badge" not in html(response)  # the header's count follows at once
    assert not Notification.objects.filter(
        user=world.personas.reporter, read_at__isnull=True
    ).exists()
    # nobody else's list is touched, and nobody sees another's
    assert "Tháng 01/2025" not in html(
        client_for(world.personas.viewer).get("/reporting/notifications/")
    )


def test_pages_speak_english_on_request(world: World) -> None:
    client = client_for(world.personas.reporter)
    client.cookies["django_language"] = "en"
    page = html(client.get(f"/reporting/reports/{world.report().pk}/"))
    assert "Save draft" in page and "Submit the report" in page and "Lưu nháp" not in page
