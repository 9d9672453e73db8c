"""One journey through the web application in a real browser.

Playwright's sync API drives Debian's chromium (``/usr/bin/chromium``); no browser is ever
downloaded. The live server runs in a thread of this process, so the data it shows must be
committed: the test uses ``transactional_db``.
"""

from __future__ import annotations

import os
import re

from planwatch.plans.models import Plan
from tests.browser import BROWSER_MARKS, allow_orm_beside_playwright, launch  # noqa: F401
from tests.conftest import PASSWORD, Personas

pytestmark = BROWSER_MARKS


def task_count(text: str) -> int:
    """The first number of the task-count line ("87 nhiệm vụ", "3 tasks of 87")."""
    match = re.search(r"\d[\d.,]*", text)
    assert match, f"no number in the task count {text!r}"
    return int(re.sub(r"[.,]", "", match.group()))


def test_consolidator_logs_in_and_searches_the_tasks_of_a_plan(
    transactional_db: None,
    live_server: object,
    demo_plans: dict[str, Plan],
    personas: Personas,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    plan = demo_plans["01"]
    base = str(live_server).rstrip("/")
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)

            # Anonymous: the plan list sends us to the login page.
            page.goto(f"{base}/plans/")
            assert "/accounts/login/" in page.url
            assert "next=/plans/" in page.url

            login = page.locator("form").filter(has=page.locator("#id_username"))
            login.locator("#id_username").fill(personas.consolidator.username)
            login.locator("#id_password").fill(PASSWORD)
            login.locator("button[type=submit]").click()
            page.wait_for_url(re.compile(r"/plans/$"))

            # The plan list shows both seed plans; open 01/CTr-UBND.
            link = page.locator("main table a", has_text="01/CTr-UBND")
            expect(link).to_have_count(1)
            expect(page.locator("main table tbody tr")).to_have_count(2)
            link.click()
            page.wait_for_url(re.compile(rf"/plans/{plan.pk}/$"))

            # Its title, the key targets and the tasks grouped by lead agency.
            title = plan.document.title
            expect(page.locator("main h1")).to_have_text(title[:1].upper() + title[1:])
            targets = page.locator("table.targets").first
            expect(targets).to_be_visible()
            assert targets.locator("tbody tr").count() >= 1
            assert page.locator("section.lead-group").count() >= 2
            all_tasks = task_count(page.locator("p.count").inner_text())
            assert all_tasks == plan.tasks.count()
            assert page.locator("li.task").count() == all_tasks

            # The search ignores diacritics: "ho ngheo" finds "hộ nghèo".
            page.locator("#f-q").fill("ho ngheo")
            page.locator("form.filters button[type=submit]").click()
            page.wait_for_url(re.compile(r"[?&]q=ho\+ngheo"))
            found = task_count(page.locator("p.count").inner_text())
            assert 0 < found < all_tasks
            texts = page.locator("li.task p.task-text").all_inner_texts()
            assert len(texts) == found
            assert all("hộ nghèo" in text.lower() for text in texts), texts
        finally:
            browser.close()
