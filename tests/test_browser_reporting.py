"""The reporting cycle in a real browser: a reporter fills and submits its report, the
consolidator returns it with a comment, the reporter corrects and resubmits it, the
consolidator accepts it, and the compliance matrix shows it on time.

Like ``tests/test_browser.py``: Playwright's sync API drives Debian's chromium
(``/usr/bin/chromium``), no browser is downloaded, and the live server runs in a thread of
this process, so the test uses ``transactional_db``. Time cannot be frozen across the live
server: the report is an ad-hoc request due ten days from today.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from planwatch.organisations.models import Agency
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan
from planwatch.reporting.actions import add_ad_hoc_request
from planwatch.reporting.calendar import local_date
from planwatch.reporting.choices import ReportState
from planwatch.reporting.models import Report, ReportingPeriod
from tests.browser import BROWSER_MARKS, allow_orm_beside_playwright, launch  # noqa: F401
from tests.conftest import PASSWORD, Personas

SCREENSHOTS = os.environ.get("PLANWATCH_SCREENSHOTS", "")  # a folder, to look at the pages

pytestmark = BROWSER_MARKS


def _plan() -> Plan:
    data = {
        "source": "kh-bao-cao.txt",
        "document": {"number": "88/KH-UBND", "issued_on": "2025-01-10", "title": "Kế hoạch thử"},
        "targets": [
            {
                "id": "T01",
                "indicator": "Số giường bệnh trên 10.000 dân",
                "comparator": "gte",
                "value": 32,
                "unit": "giường",
                "year": 2025,
                "lead": "Sở Y tế",
            }
        ],
        "tasks": [
            {"id": "K001", "lead": "Sở Y tế", "text": "Nâng cao chất lượng y tế cơ sở"},
            {"id": "K002", "lead": "Sở Công Thương", "text": "Thúc đẩy xuất khẩu"},
        ],
    }
    return import_plan(planfile.parse(data), status=PlanStatus.ACTIVE).plan


def test_a_report_goes_round_the_cycle_in_the_browser(
    transactional_db: None, live_server: Any, personas: Personas
) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    today = local_date(timezone.now())
    plan = _plan()
    health, trade = Agency.objects.get(name="Sở Y tế"), Agency.objects.get(name="Sở Công Thương")
    period: ReportingPeriod = add_ad_hoc_request(
        plan,
        title="Báo cáo nhanh tình hình y tế",
        start=today - timedelta(days=30),
        end=today,
        due=today + timedelta(days=10),
        agencies=[health, trade],
    )
    report = Report.objects.get(period=period, agency=health)
    other = Report.objects.get(period=period, agency=trade)
    base = str(live_server).rstrip("/")

    def shot(page: Page, name: str) -> None:
        if SCREENSHOTS:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)

    def log_in(page: Page, username: str, then: str) -> None:
        page.goto(f"{base}{then}")
        assert "/accounts/login/" in page.url
        login = page.locator("form").filter(has=page.locator("#id_username"))
        login.locator("#id_username").fill(username)
        login.locator("#id_password").fill(PASSWORD)
        login.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(re.escape(then) + "$"))

    def log_out(page: Page) -> None:
        page.locator("header.top form[action$='/accounts/logout/'] button").click()
        page.wait_for_url(re.compile(r"/accounts/login/"))

    report_url = f"/reporting/reports/{report.pk}/"
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)

            # The reporter finds its open report on "my reports" and opens it.
            log_in(page, personas.reporter.username, "/reporting/")
            open_list = page.locator("table.reports").first
            expect(open_list).to_contain_text("Báo cáo nhanh tình hình y tế")
            expect(open_list).to_contain_text("Chưa đến hạn")
            shot(page, "1-my-reports")
            open_list.get_by_role("link", name="Báo cáo nhanh tình hình y tế").click()
            page.wait_for_url(re.compile(re.escape(report_url) + "$"))
            expect(page.locator("#report-state")).to_have_text("Chưa thực hiện")

            # It fills the narrative, its task and its figure, and submits.
            page.get_by_label("Tình hình chung trong kỳ báo cáo").fill("Tình hình y tế ổn định.")
            task = page.locator("details#task-K001")
            task.locator("summary").click()
            task.get_by_label("Trạng thái").select_option("in_progress")
            task.get_by_label("Tỷ lệ hoàn thành").fill("50")
            task.get_by_label("Kết quả thực hiện").fill("Đã khảo sát 10 trạm y tế xã.")
            task.get_by_label("Khó khăn, vướng mắc").fill("Thiếu bác sĩ tuyến xã.")
            page.get_by_label("Số liệu của T01", exact=True).fill("31,5")
            shot(page, "2-report-form")
            page.locator("#submit-button").click()
            page.wait_for_url(re.compile(re.escape(report_url) + "$"))
            expect(page.locator("ul.messages")).to_contain_text("Đã gửi báo cáo (lần gửi 1)")
            expect(page.locator("#report-state")).to_have_text("Đã gửi")
            expect(page.locator("#report-compliance")).to_contain_text("Đúng hạn")
            expect(page.locator("#report-form")).to_have_count(0)

            # Another agency's report does not exist for it.
            response = page.goto(f"{base}/reporting/reports/{other.pk}/")
            assert response is not None and response.status == 404
            expect(page.locator("main h1")).to_have_text("Không tìm thấy trang")
            log_out(page)

            # The consolidator returns it with a comment.
            log_in(page, personas.consolidator.username, report_url)
            expect(page.locator("main")).to_contain_text("Đã khảo sát 10 trạm y tế xã.")
            page.get_by_label("Nội dung cần chỉnh sửa, bổ sung").fill(
                "Bổ sung số giường bệnh tuyến xã."
            )
            page.locator("#return-button").click()
            page.wait_for_url(re.compile(re.escape(report_url) + "$"))
            expect(page.locator("#report-state")).to_have_text("Bị trả lại")
            log_out(page)

            # The reporter sees the comment, corrects and resubmits.
            log_in(page, personas.reporter.username, report_url)
            expect(page.locator("#return-comment")).to_contain_text(
                "Bổ sung số giường bệnh tuyến xã."
            )
            task = page.locator("details#task-K001")
            expect(task).to_have_attribute("open", "")
            expect(task.get_by_label("Tỷ lệ hoàn thành")).to_have_value("50")
            task.get_by_label("Tỷ lệ hoàn thành").fill("70")
            page.get_by_label("Số liệu của T01", exact=True).fill("32")
            shot(page, "3-returned")
            page.locator("#submit-button").click()
            page.wait_for_url(re.compile(re.escape(report_url) + "$"))
            expect(page.locator("#report-state")).to_have_text("Đã gửi")
            changes = page.locator("#version-2 details.changes")
            changes.locator("summary").click()
            expect(changes).to_contain_text("Tỷ lệ hoàn thành")
            expect(changes.locator("table")).to_contain_text("70%")
            shot(page, "4-resubmitted")
            log_out(page)

            # The consolidator accepts it; the matrix shows it on time.
            log_in(page, personas.consolidator.username, report_url)
            page.locator("#accept-button").click()
            page.wait_for_url(re.compile(re.escape(report_url) + "$"))
            expect(page.locator("#report-state")).to_have_text("Đã chấp nhận")
            page.goto(f"{base}/reporting/plans/{plan.pk}/compliance/?year={period.end.year}")
            row = page.locator("table.matrix tbody tr", has_text="Sở Y tế")
            cell = row.locator("td.cell")
            expect(cell).to_have_class(re.compile(r"\bcomp-on_time\b"))
            expect(cell).to_contain_text("ĐH")
            expect(cell).to_have_attribute("title", "Đúng hạn")
            expect(row.locator("td.num").first).to_have_text("100 %")
            shot(page, "5-matrix")
        finally:
            browser.close()

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.version_count == 2
