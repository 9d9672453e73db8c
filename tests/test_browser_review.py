"""Reading a plan document in a real browser: upload it, review the draft, confirm it.

Like ``tests/test_browser.py``: Playwright's sync API drives Debian's chromium
(``/usr/bin/chromium``), no browser is downloaded, and the live server runs in a thread of
this process, so the test uses ``transactional_db``. The document is the seed text of
01/CTr-UBND, read by the real extractor (61 tasks and 27 targets); no plan is loaded before,
so confirming the draft creates a new plan.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from django.utils import translation

from planwatch.demo.setup import DEMO_DIR
from planwatch.plans.models import Plan, PlanDraft
from tests.browser import BROWSER_MARKS, allow_orm_beside_playwright, launch  # noqa: F401
from tests.conftest import PASSWORD, Personas

SEED_TEXT = DEMO_DIR / "seeds" / "01-CTr-UBND-2025-vinh-phuc.txt"
TASKS, TARGETS = 61, 27

# Records, across the navigation that follows the upload, every state the upload form's
# status line went through (review.js replaces the page as soon as the draft is made).
RECORD_UPLOAD_STATES = """
document.addEventListener("DOMContentLoaded", function () {
  var status = document.getElementById("upload-status");
  if (!status) { return; }
  var progress = document.getElementById("upload-progress");
  var button = document.querySelector("#upload-form button[type=submit]");
  new MutationObserver(function () {
    var seen = JSON.parse(sessionStorage.getItem("upload-states") || "[]");
    seen.push({text: status.textContent, progress: !progress.hidden,
               disabled: button.disabled});
    sessionStorage.setItem("upload-states", JSON.stringify(seen));
  }).observe(status, {childList: true, characterData: true, subtree: true});
});
"""

pytestmark = BROWSER_MARKS


def vi(message: str) -> str:
    """A message as the site shows it (in Vietnamese unless the user picked English)."""
    with translation.override("vi"):
        return translation.gettext(message)


def first_number(text: str) -> int:
    """The first number of a line ("61 nhiệm vụ", "(27)")."""
    match = re.search(r"\d[\d.,]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"[.,]", "", match.group()))


@pytest.mark.browser
def test_consolidator_uploads_reviews_corrects_and_confirms_a_plan_document(
    transactional_db: None,
    live_server: object,
    personas: Personas,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = str(live_server).rstrip("/")
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"
    assert not Plan.objects.exists()

    with sync_playwright() as p:
        browser = launch(p)
        try:
            # Wide enough for the text and the draft side by side, each scrolling on its own.
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(15_000)
            page.add_init_script(RECORD_UPLOAD_STATES)

            # Log in through the form; the plan list is where we land.
            page.goto(f"{base}/plans/")
            assert "/accounts/login/" in page.url
            login = page.locator("form").filter(has=page.locator("#id_username"))
            login.locator("#id_username").fill(personas.consolidator.username)
            login.locator("#id_password").fill(PASSWORD)
            login.locator("button[type=submit]").click()
            page.wait_for_url(re.compile(r"/plans/$"))

            # Follow the upload link and upload the document with the file input.
            page.locator("main a[href$='/plans/upload/']").click()
            page.wait_for_url(re.compile(r"/plans/upload/$"))
            upload = page.locator("#upload-form")
            reading = upload.get_attribute("data-msg-reading")
            assert reading
            expect(page.locator("#upload-progress")).to_be_hidden()
            upload.locator("input[type=file]").set_input_files(SEED_TEXT)
            with page.expect_response(
                lambda r: r.request.method == "POST" and r.url.endswith("/plans/upload/")
            ) as posted:
                upload.locator("button[type=submit]").click()
            # review.js sent it in the background and was told where the draft is (its answer
            # is JSON, not a redirect); it went there.
            response = posted.value
            assert response.status == 200
            assert response.headers["content-type"].startswith("application/json")
            page.wait_for_url(re.compile(r"/plans/drafts/\d+/$"))

            # While the server read the document, the form said so.
            states: list[dict[str, Any]] = json.loads(
                page.evaluate("sessionStorage.getItem('upload-states') || '[]'")
            )
            assert states, "the upload form never showed its progress"
            assert states[-1] == {"text": reading, "progress": True, "disabled": True}, states

            draft = PlanDraft.objects.get()
            location = draft.get_absolute_url()
            assert page.url == f"{base}{location}"
            expect(page.locator("ul.messages li.success")).to_have_text(
                vi("The document was read. Check the draft against the text, then confirm.")
            )

            # The text is marked: every target and every task has its place in it.
            source = page.locator("#source-text")
            expect(source.locator("mark.hl-target").first).to_be_visible()
            expect(source.locator("mark.hl-task").first).to_be_visible()
            expect(source.locator("[id^='src-target-']")).to_have_count(TARGETS)
            expect(source.locator("[id^='src-task-']")).to_have_count(TASKS)

            # The legend counts them; the draft lists them.
            legend = page.locator("ul.legend li")
            target_legend = legend.filter(has=page.locator(".swatch.hl-target"))
            task_legend = legend.filter(has=page.locator(".swatch.hl-task"))
            assert first_number(target_legend.locator(".muted").inner_text()) == TARGETS
            assert first_number(task_legend.locator(".muted").inner_text()) == TASKS
            expect(page.locator("#targets-h .muted")).to_have_text(f"({TARGETS})")
            expect(page.locator("#tasks-h .muted")).to_have_text(f"({TASKS})")
            targets = page.locator("fieldset.item-target[data-item]")
            tasks = page.locator("fieldset.item-task[data-item]")
            expect(targets).to_have_count(TARGETS)
            expect(tasks).to_have_count(TASKS)

            # The target of 27.026 (found by its figure): "show in the text" scrolls to it.
            target = targets.filter(has=page.locator("input[name$='-value'][value='27.026']"))
            expect(target).to_have_count(1)
            key = target.get_attribute("data-item")
            code = target.locator("legend .code").inner_text().strip()
            assert key and code
            mark = page.locator(f"#src-{key}")
            expect(mark).to_contain_text("27.026")
            expect(mark).not_to_be_in_viewport()
            target.locator("a.show-in-text").click()
            expect(mark).to_be_in_viewport()
            expect(mark).to_be_focused()
            expect(mark).to_have_class(re.compile(r"\bis-active\b"))

            # Correct its figure, drop one task, save.
            value = target.locator("input[name$='-value']")
            value.fill("27.100")
            dropped = tasks.nth(9)
            dropped_code = dropped.locator("legend .code").inner_text().strip()
            dropped.locator("input[type=checkbox][name$='-DELETE']").check()
            page.locator("#draft-form button[name=action][value=save]").click()

            # Saved: the page comes back with the new figure and one task fewer.
            expect(page.locator("#tasks-h .muted")).to_have_text(f"({TASKS - 1})")
            expect(page.locator("ul.messages li.success")).to_have_text(
                vi("Your corrections were saved.")
            )
            assert page.url.endswith(location)
            expect(tasks).to_have_count(TASKS - 1)
            expect(page.locator(f"fieldset[data-item='task-{dropped_code}']")).to_have_count(0)
            saved = page.locator(f"fieldset[data-item='{key}'] input[name$='-value']")
            expect(saved).to_have_value("27.100")
            expect(task_legend.locator(".muted")).to_have_text(f"({TASKS - 1})")
            draft.refresh_from_db()
            assert len(draft.plan["tasks"]) == TASKS - 1
            assert [t["value"] for t in draft.plan["targets"] if t["id"] == code] == [27100]

            # Confirm as active: the new plan's page.
            page.locator("#draft-form input[name=status][value=active]").check()
            page.locator("#draft-form button[name=action][value=confirm]").click()
            page.wait_for_url(re.compile(r"/plans/\d+/$"))
            plan = Plan.objects.get()
            assert page.url == f"{base}{plan.get_absolute_url()}"
            expect(page.locator("ul.messages li.success")).to_have_text(
                vi("The plan was created from the draft.")
            )
            expect(page.locator(".plan-head .badge")).to_have_class(
                re.compile(r"\bstatus-active\b")
            )
            expect(page.locator(f"tr#target-{code} td.num")).to_have_text("27.100 tỷ đồng")
            assert first_number(page.locator("p.count").inner_text()) == TASKS - 1
            expect(page.locator("li.task")).to_have_count(TASKS - 1)

            assert plan.status == "active"
            assert plan.tasks.count() == TASKS - 1
            assert not plan.tasks.filter(code=dropped_code).exists()
            assert plan.targets.count() == TARGETS
            assert plan.targets.get(code=code).value == 27100
        finally:
            browser.close()
