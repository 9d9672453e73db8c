"""Upload a document, review the draft beside its text, correct it, confirm it.

The extractor (``planwatch.extraction.pipeline``) is used when it imports; otherwise (or with
``PLANWATCH_TEST_STAND_IN=1``) a stand-in takes its place: the seed plan file with spans found
from its quotes in the seed text, and for other texts one task per line. Drafts that tests
edit are made from the stand-in, so that their contents are known.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from planwatch.accounts.actions import create_user
from planwatch.core.models import AuditEntry
from planwatch.demo.setup import DEMO_DIR
from planwatch.extraction.errors import ExtractionError
from planwatch.extraction.normalize import normalise
from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.plans import actions, review
from planwatch.plans.actions import DraftClosed, confirm_draft, create_draft
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import DraftStatus, Plan, PlanDraft
from planwatch.plans.planfile import PlanFileError
from tests.conftest import Personas, client_for, make_personas, module_transaction
from tests.test_permissions import PERSONAS

SEED_TEXT = DEMO_DIR / "seeds" / "01-CTr-UBND-2025-vinh-phuc.txt"
SEED_PLAN = DEMO_DIR / "plans" / "01-CTr-UBND-2025-vinh-phuc.plan.json"


# ------------------------------------------------------------------ the stand-in extractor


@dataclass
class StandIn:
    """What ``planwatch.extraction.pipeline.Extraction`` holds."""

    plan: dict[str, Any]
    text: str


def _with_spans(plan: dict[str, Any], text: str) -> dict[str, Any]:
    """The seed plan with a span for every item whose quote is in the text."""
    plan = copy.deepcopy(plan)
    for key in ("targets", "tasks", "reporting", "deadlines"):
        for item in plan[key]:
            start = text.find(item.get("quote") or "\0")
            if start < 0:
                continue
            end = start + len(item["quote"])
            if key == "tasks":  # a task runs to the end of its paragraph
                line_end = text.find("\n", start)
                end = line_end if line_end >= 0 else len(text)
            item["span"] = [start, end]
    return plan


def stand_in_extraction(raw: str, name: str | None = None) -> StandIn:
    text = normalise(raw)
    if "01/CTr-UBND" in text:
        plan = json.loads(SEED_PLAN.read_text(encoding="utf-8"))
        plan["source"] = name
        return StandIn(_with_spans(plan, text), text)
    lines = text.split("\n")
    tasks, offset = [], 0
    for number, line in enumerate(lines):
        if number and line.strip():
            tasks.append({"text": line, "span": [offset, offset + len(line)]})
        offset += len(line) + 1
    plan = {"source": name, "document": {"title": lines[0][:200]}, "tasks": tasks}
    return StandIn(plan, text)


def stand_in_extract_file(source: str | Path | bytes, *, name: str | None = None) -> StandIn:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data.strip():
        raise ExtractionError("the file is empty")
    if b"\0" in data:
        raise ExtractionError("this is not a text document")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractionError("the text is not in a known encoding") from None
    if sum(ch.isalpha() for ch in raw) < 20:
        raise ExtractionError("the document holds no text to read")
    return stand_in_extraction(raw, name)


def _real_pipeline() -> types.ModuleType | None:
    try:
        from planwatch.extraction import pipeline
    except ImportError:
        return None
    return pipeline


# PLANWATCH_TEST_STAND_IN=1 runs the upload tests on the stand-in even when the real one imports
REAL = None if os.environ.get("PLANWATCH_TEST_STAND_IN") else _real_pipeline()


@pytest.fixture
def extractor(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The real extractor when it imports, else the stand-in in its place."""
    if REAL is not None:
        yield "real"
        return
    module = types.ModuleType("planwatch.extraction.pipeline")
    module.extract_file = stand_in_extract_file  # type: ignore[attr-defined]
    module.Extraction = StandIn  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "planwatch.extraction.pipeline", module)
    yield "stand-in"


# ------------------------------------------------------------------ the world


@dataclass
class World:
    personas: Personas
    draft: PlanDraft

    def user(self, persona: str) -> Any:
        return None if persona == "anonymous" else getattr(self.personas, persona)


def _build_world() -> World:
    load_register_file(REGISTER_DIR / "vinh_phuc.json")
    personas = make_personas()
    extraction = stand_in_extraction(SEED_TEXT.read_text(encoding="utf-8"), SEED_TEXT.name)
    draft = create_draft(extraction, source_name=SEED_TEXT.name, actor=personas.consolidator)
    return World(personas=personas, draft=draft)


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    yield from module_transaction(django_db_blocker, _build_world)


@pytest.fixture
def world(db: None, module_world: World) -> World:
    return copy.deepcopy(module_world)


# ------------------------------------------------------------------ the page's form, as sent


class _FormReader(HTMLParser):
    """The fields a browser would send for the form with ``id=form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._buffer = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._buffer = a.get("name"), ""
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._buffer += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            # a browser drops the one newline that follows <textarea>
            self.fields.append((self._textarea, self._buffer.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.fields.append((self._select, chosen[0]))
            self._select = None


def form_fields(html: str, form_id: str = "draft-form") -> dict[str, str]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return dict(reader.fields)


def review_form(client: Any, draft: PlanDraft) -> dict[str, str]:
    response = client.get(f"/plans/drafts/{draft.pk}/")
    assert response.status_code == 200
    return form_fields(response.content.decode())


def row(draft: PlanDraft, key: str, item_id: str) -> int:
    """The form index of the target or task ``item_id``."""
    return [item.get("id") for item in draft.plan[key]].index(item_id)


def first_target(draft: PlanDraft, comparator: str) -> tuple[int, dict[str, Any]]:
    for index, item in enumerate(draft.plan["targets"]):
        if item["comparator"] == comparator and item.get("value") not in (None, 27026):
            return index, item
    raise AssertionError(f"no {comparator} target in the seed")


# ------------------------------------------------------------------ who may do what


def _draft_pages(draft: PlanDraft) -> dict[str, tuple[str, str, dict[str, str]]]:
    return {
        "upload": ("get", "/plans/upload/", {}),
        "upload-post": ("post", "/plans/upload/", {}),
        "drafts": ("get", "/plans/drafts/", {}),
        "review": ("get", f"/plans/drafts/{draft.pk}/", {}),
        "save": ("post", f"/plans/drafts/{draft.pk}/", {"action": "save"}),
        "confirm": ("post", f"/plans/drafts/{draft.pk}/", {"action": "confirm"}),
        "discard": ("post", f"/plans/drafts/{draft.pk}/discard/", {}),
    }


@pytest.mark.parametrize(
    "page", ["upload", "upload-post", "drafts", "review", "save", "confirm", "discard"]
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_consolidator_uploads_and_reviews_drafts(
    world: World, persona: str, page: str
) -> None:
    method, url, data = _draft_pages(world.draft)[page]
    client = client_for(world.user(persona))
    if persona == "consolidator" and method == "post" and page in ("save", "confirm"):
        data = review_form(client, world.draft) | data
    audits = AuditEntry.objects.exclude(action="create_draft").count()
    response = getattr(client, method)(url, data)
    world.draft.refresh_from_db()
    if persona == "consolidator":
        assert response.status_code in (200, 302, 400)
        if page == "review":
            assert response.status_code == 200
        return
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    else:
        assert response.status_code == 403
    assert world.draft.status == DraftStatus.READY
    assert AuditEntry.objects.exclude(action="create_draft").count() == audits
    assert not Plan.objects.exists()


def test_the_plan_list_links_to_the_upload_page_for_consolidators_only(world: World) -> None:
    assert "/plans/upload/" in client_for(world.personas.consolidator).get("/plans/").text
    assert "/plans/upload/" not in client_for(world.personas.viewer).get("/plans/").text


def test_a_get_on_discard_is_not_allowed(world: World) -> None:
    client = client_for(world.personas.consolidator)
    assert client.get(f"/plans/drafts/{world.draft.pk}/discard/").status_code == 405


# ------------------------------------------------------------------ uploading


def _upload(client: Any, name: str, content: bytes, **headers: str) -> Any:
    return client.post(
        "/plans/upload/", {"document": SimpleUploadedFile(name, content)}, headers=headers
    )


def test_uploading_the_seed_text_creates_a_draft_and_opens_its_review(
    world: World, extractor: str, tmp_path: Path
) -> None:
    client = client_for(world.personas.consolidator)
    before = PlanDraft.objects.count()
    with override_settings(MEDIA_ROOT=tmp_path):
        response = _upload(client, SEED_TEXT.name, SEED_TEXT.read_bytes())
    assert PlanDraft.objects.count() == before + 1
    draft = PlanDraft.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/drafts/{draft.pk}/"
    assert draft.status == DraftStatus.READY
    assert draft.created_by == world.personas.consolidator
    assert draft.source_name == SEED_TEXT.name
    assert draft.plan["document"]["number"] == "01/CTr-UBND"
    assert len(draft.plan["tasks"]) > 20 and len(draft.plan["targets"]) > 10
    assert "Vĩnh Phúc" in draft.text
    assert AuditEntry.objects.filter(action="create_draft", object_id=str(draft.pk)).exists()
    assert not any(tmp_path.iterdir()), "the uploaded file must not be kept"

    html = client.get(response["Location"]).content.decode()
    assert "<mark" in html and "data-items=" in html
    assert 'id="src-target-' in html and 'id="src-task-' in html


def test_the_upload_page_answers_review_js_with_json(world: World, extractor: str) -> None:
    client = client_for(world.personas.consolidator)
    ajax = {"X-Requested-With": "XMLHttpRequest"}
    response = _upload(client, SEED_TEXT.name, SEED_TEXT.read_bytes(), **ajax)
    assert response.status_code == 200
    assert response.json() == {"location": PlanDraft.objects.latest("pk").get_absolute_url()}

    before = PlanDraft.objects.count()
    response = _upload(client, "bad.pdf", b"\x00\xff" * 500, **ajax)
    assert response.status_code == 400
    assert response.json()["message"]
    assert PlanDraft.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("blank.txt", b"   \n\n  "),
        ("garbage.pdf", bytes(range(256)) * 40),
        ("garbage.docx", bytes(range(256)) * 40),
        ("garbage.txt", b"\x00\x01\x02\xff\xfe" * 400),
        ("program.exe", b"MZ" + b"\x00" * 100),
    ],
)
def test_an_unreadable_upload_shows_why_and_stores_nothing(
    world: World, extractor: str, tmp_path: Path, name: str, content: bytes
) -> None:
    client = client_for(world.personas.consolidator)
    before, audits = PlanDraft.objects.count(), AuditEntry.objects.count()
    with override_settings(MEDIA_ROOT=tmp_path):
        response = _upload(client, name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html or 'class="field-error"' in html
    assert PlanDraft.objects.count() == before
    assert AuditEntry.objects.count() == audits
    assert not any(tmp_path.iterdir())


def test_an_unreadable_document_shows_the_readers_message_as_detail(
    world: World, extractor: str
) -> None:
    response = _upload(client_for(world.personas.consolidator), "scan.pdf", b"%PDF-1.4 junk")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Không đọc được văn bản này." in html
    assert 'class="detail"' in html


def test_an_oversize_upload_is_refused_before_reading(world: World, extractor: str) -> None:
    client = client_for(world.personas.consolidator)
    before = PlanDraft.objects.count()
    with override_settings(PLANWATCH_MAX_UPLOAD_MB=1):
        response = _upload(client, "big.txt", b"a" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "1 MB" in response.content.decode()
    assert PlanDraft.objects.count() == before


def test_the_upload_form_offers_the_readable_types_and_a_progress_bar(world: World) -> None:
    html = client_for(world.personas.consolidator).get("/plans/upload/").content.decode()
    assert 'accept=".txt,.md,.docx,.xlsx,.pdf"' in html
    assert '<progress id="upload-progress"' in html and 'aria-live="polite"' in html
    assert "Đang đọc văn bản…" in html
    assert 'enctype="multipart/form-data"' in html
    assert "review.js" in html


def test_a_missing_extractor_is_reported_not_a_server_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "planwatch.extraction.pipeline", None)
    before = PlanDraft.objects.count()
    response = _upload(client_for(world.personas.consolidator), "a.txt", b"Some text " * 10)
    assert response.status_code == 400
    assert PlanDraft.objects.count() == before


# ------------------------------------------------------------------ the review page


def test_the_review_page_marks_every_located_item_in_the_text(world: World) -> None:
    html = client_for(world.personas.consolidator).get(f"/plans/drafts/{world.draft.pk}/").text
    for kind in ("target", "task", "reporting", "deadline"):
        assert f'class="swatch hl-{kind}"' in html
        assert f"hl-{kind}" in html.split('id="source-text"')[1]
    target = world.draft.plan["targets"][0]["id"]
    assert f'id="src-target-{target}"' in html
    assert f'href="#src-target-{target}"' in html
    assert f'id="row-target-{target}"' in html
    assert 'list="agency-names"' in html and '<datalist id="agency-names">' in html
    assert '<option value="Sở Tài chính">' in html


def test_the_review_page_escapes_the_document_text(world: World) -> None:
    text = "Kế hoạch thử nghiệm\n<script>alert('x')</script> Sở Y tế chủ trì & phối hợp <b>"
    start = text.index("<script>")
    extraction = StandIn(
        {
            "document": {"title": "Kế hoạch thử nghiệm"},
            "tasks": [{"text": text.split("\n")[1], "span": [start, len(text)]}],
        },
        text,
    )
    draft = create_draft(extraction, source_name="x.txt", actor=world.personas.consolidator)
    html = client_for(world.personas.consolidator).get(f"/plans/drafts/{draft.pk}/").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&amp; phối hợp &lt;b&gt;" in html
    assert '<mark class="hl hl-task" data-items="task-K001" id="src-task-K001"' in html


def test_an_uploaded_text_with_markup_is_shown_escaped(world: World, extractor: str) -> None:
    client = client_for(world.personas.consolidator)
    body = (
        "ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC\n"
        "Số: 15/KH-UBND\n"
        "Vĩnh Phúc, ngày 10 tháng 02 năm 2025\n"
        "KẾ HOẠCH\n"
        "Thực hiện nhiệm vụ chuyển đổi số năm 2025\n"
        "II. NHIỆM VỤ VÀ GIẢI PHÁP\n"
        "1. Sở Y tế chủ trì nâng cao chất lượng khám chữa bệnh <script>alert(1)</script>, "
        "hoàn thành trước ngày 30/6/2025.\n"
        "2. Sở Công Thương chủ trì phát triển thương mại điện tử, hoàn thành trong năm 2025.\n"
    )
    response = _upload(client, "markup.txt", body.encode())
    assert response.status_code == 302
    html = client.get(response["Location"]).text
    assert "<script>alert(1)" not in html and "</script>," not in html
    assert "&lt;script&gt;alert(1)" in html
    source = html.split('id="source-text"')[1].split("</div>")[0]
    assert re.search(r'<mark class="hl hl-task[^"]*" data-items="task-K\d+"', source)


def test_the_review_page_costs_the_same_queries_whatever_the_drafts_size(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.personas.consolidator)
    small = create_draft(
        StandIn(
            {
                "document": {"title": "Nhỏ"},
                "targets": [
                    {"indicator": "Tỷ lệ hộ nghèo", "comparator": "lte", "value": 1, "year": 2025}
                ],
                "tasks": [{"text": "Một việc", "span": [0, 8]}],
            },
            "Một việc",
        ),
        source_name="small.txt",
        actor=world.personas.consolidator,
    )
    client.get(f"/plans/drafts/{small.pk}/")  # the session is loaded once
    # the page and the header (the unread notifications count)
    with django_assert_max_num_queries(11) as small_queries:
        client.get(f"/plans/drafts/{small.pk}/")
    with django_assert_max_num_queries(11) as big_queries:
        assert client.get(f"/plans/drafts/{world.draft.pk}/").status_code == 200
    assert len(big_queries.captured_queries) == len(small_queries.captured_queries)


def test_the_drafts_list_shows_each_draft_with_its_status(world: World) -> None:
    client = client_for(world.personas.consolidator)
    html = client.get("/plans/drafts/").text
    assert world.draft.get_absolute_url() in html
    assert "01/CTr-UBND" in html and "Chờ rà soát" in html
    assert world.draft.get_absolute_url() not in client.get("/plans/drafts/?status=imported").text


def test_a_conflict_with_a_loaded_plan_is_noted_at_the_top(world: World) -> None:
    from planwatch.demo.setup import load_demo_plans

    load_demo_plans()  # the 2020 plan sets figures for 2025 too
    draft = PlanDraft.objects.get(pk=world.draft.pk)
    plan = copy.deepcopy(draft.plan)
    plan["document"]["number"] = "99/CTr-UBND"
    index, target = first_target(draft, "eq")
    plan["targets"][index]["value"] = target["value"] + 1
    actions.update_draft(draft, plan, actor=world.personas.consolidator)
    html = client_for(world.personas.consolidator).get(draft.get_absolute_url()).text
    assert 'id="conflicts-h"' in html
    assert target["indicator"] in html.split('id="conflicts-h"')[1].split("</section>")[0]


# ------------------------------------------------------------------ correcting


def test_a_figure_typed_the_vietnamese_way_is_saved_as_a_number(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    index, _ = first_target(draft, "eq")
    data = review_form(client, draft)
    data[f"targets-{index}-value"] = "27.026"
    response = client.post(draft.get_absolute_url(), data | {"action": "save"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.plan["targets"][index]["value"] == 27026
    assert AuditEntry.objects.filter(action="update_draft", object_id=str(draft.pk)).exists()

    data = review_form(client, draft)
    assert data[f"targets-{index}-value"] == "27.026"
    data[f"targets-{index}-value"] = "87,5"
    data[f"targets-{index}-year"] = "2026"
    data[f"targets-{index}-unit"] = "%"
    data[f"targets-{index}-lead"] = "Sở Y tế"
    data[f"targets-{index}-comparator"] = "gte"
    client.post(draft.get_absolute_url(), data | {"action": "save"})
    draft.refresh_from_db()
    item = draft.plan["targets"][index]
    assert (item["value"], item["year"], item["unit"], item["lead"]) == (87.5, 2026, "%", "Sở Y tế")
    assert item["comparator"] == "gte"
    assert item["quote"] and item["span"], "what the page does not edit is kept"


def test_an_unreadable_figure_is_marked_and_nothing_is_saved(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    index, target = first_target(draft, "eq")
    data = review_form(client, draft)
    data[f"targets-{index}-value"] = "hai mươi"
    data["tasks-0-deadline"] = "31/02/2025"
    response = client.post(draft.get_absolute_url(), data | {"action": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "27.026" in html and "87,5" in html  # the hint names both forms
    assert 'aria-invalid="true"' in html
    assert 'value="hai mươi"' in html, "what was typed is shown again"
    draft.refresh_from_db()
    assert draft.plan["targets"][index]["value"] == target["value"]


def test_a_task_is_corrected_dropped_and_added(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    tasks = draft.plan["tasks"]
    dropped, edited = tasks[1]["id"], tasks[2]["id"]
    data = review_form(client, draft)
    data["tasks-1-DELETE"] = "on"
    data["tasks-2-deadline"] = "05/02/2025"
    data["tasks-2-recurring"] = "on"
    data["tasks-2-coordinating"] = "Sở Tài chính\nSở Nội vụ\n"
    new = len(tasks)
    data[f"tasks-{new}-text"] = "Xây dựng cơ sở dữ liệu số về kế hoạch của tỉnh"
    data[f"tasks-{new}-lead"] = "Sở Khoa học và Công nghệ"
    data[f"tasks-{new}-deadline"] = "30/06/2025"
    response = client.post(draft.get_absolute_url(), data | {"action": "save"})
    assert response.status_code == 302
    draft.refresh_from_db()
    ids = [t["id"] for t in draft.plan["tasks"]]
    assert dropped not in ids
    assert len(ids) == len(tasks)  # one dropped, one added
    edited_task = draft.plan["tasks"][ids.index(edited)]
    assert edited_task["deadline"] == "2025-02-05" and edited_task["recurring"] is True
    assert edited_task["coordinating"] == ["Sở Tài chính", "Sở Nội vụ"]
    added = draft.plan["tasks"][-1]
    assert added["text"] == "Xây dựng cơ sở dữ liệu số về kế hoạch của tỉnh"
    assert added["lead"] == "Sở Khoa học và Công nghệ" and added["deadline"] == "2025-06-30"
    assert added["id"] not in ids[:-1] and added["id"].startswith("K")
    assert "span" not in added


def test_a_target_is_added_and_one_dropped(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    count = len(draft.plan["targets"])
    data = review_form(client, draft)
    data["targets-0-DELETE"] = "on"
    data[f"targets-{count}-indicator"] = "Tỷ lệ hộ nghèo"
    data[f"targets-{count}-comparator"] = "lte"
    data[f"targets-{count}-value"] = "0,5"
    data[f"targets-{count}-unit"] = "%"
    data[f"targets-{count}-year"] = "2025"
    client.post(draft.get_absolute_url(), data | {"action": "save"})
    draft.refresh_from_db()
    assert len(draft.plan["targets"]) == count
    assert draft.plan["targets"][-1] | {"id": None} == {
        "id": None,
        "main": False,
        "indicator": "Tỷ lệ hộ nghèo",
        "comparator": "lte",
        "value": 0.5,
        "low": None,
        "high": None,
        "unit": "%",
        "year": 2025,
        "scope": None,
        "lead": None,
    }


def test_an_edit_made_against_an_older_version_is_refused(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    count = len(draft.plan["tasks"])
    data = review_form(client, draft)
    data["tasks-0-DELETE"] = "on"
    actions.update_draft(draft, draft.plan | {"notes": ["x"]}, actor=world.personas.consolidator)
    response = client.post(draft.get_absolute_url(), data | {"action": "save"}, follow=True)
    draft.refresh_from_db()
    assert len(draft.plan["tasks"]) == count
    assert "người khác" in response.content.decode()


def test_review_js_may_send_the_form_as_json(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    count = len(draft.plan["tasks"])
    data = review_form(client, draft)
    data["tasks-0-DELETE"] = "on"
    response = client.post(
        draft.get_absolute_url(),
        json.dumps({"fields": [[k, v] for k, v in data.items()] + [["action", "save"]]}),
        content_type="application/json",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.json() == {"location": draft.get_absolute_url()}
    draft.refresh_from_db()
    assert len(draft.plan["tasks"]) == count - 1

    bad = client.post(draft.get_absolute_url(), "[1, 2", content_type="application/json")
    assert bad.status_code == 400


# ------------------------------------------------------------------ confirming


def test_confirming_creates_the_plan_through_the_import_with_the_edits(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    index, _ = first_target(draft, "eq")
    code = draft.plan["targets"][index]["id"]
    dropped = draft.plan["tasks"][0]["id"]
    count = len(draft.plan["tasks"])
    data = review_form(client, draft)
    data[f"targets-{index}-value"] = "27.026"
    data["tasks-0-DELETE"] = "on"
    response = client.post(
        draft.get_absolute_url(), data | {"action": "confirm", "status": "active"}
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.document.number == "01/CTr-UBND"
    assert plan.targets.get(code=code).value == 27026
    assert not plan.tasks.filter(code=dropped).exists()
    assert plan.tasks.count() == count - 1
    assert plan.document.source_text == draft.text
    spanned = plan.targets.exclude(span_start=None).first()
    assert spanned is not None and spanned.span_end is not None
    assert spanned.quote in draft.text[spanned.span_start : spanned.span_end]
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IMPORTED and draft.plan_result == plan
    assert AuditEntry.objects.filter(action="import_plan").count() == 1
    assert AuditEntry.objects.filter(action="confirm_draft", object_id=str(draft.pk)).exists()

    html = client.get(draft.get_absolute_url()).text
    assert plan.get_absolute_url() in html
    assert 'value="confirm"' not in html  # no more confirming


def test_a_second_confirm_is_refused(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    data = review_form(client, draft) | {"action": "confirm", "status": "draft"}
    assert client.post(draft.get_absolute_url(), data).status_code == 302
    draft.refresh_from_db()
    data["version"] = draft.updated_at.isoformat()
    response = client.post(draft.get_absolute_url(), data, follow=True)
    assert response.status_code == 200
    assert Plan.objects.count() == 1
    assert AuditEntry.objects.filter(action="import_plan").count() == 1
    with pytest.raises(DraftClosed):
        confirm_draft(draft, actor=world.personas.consolidator)
    with pytest.raises(DraftClosed):
        actions.update_draft(draft, draft.plan, actor=world.personas.consolidator)
    with pytest.raises(DraftClosed):
        actions.discard_draft(draft, actor=world.personas.consolidator)
    assert Plan.objects.count() == 1


def test_an_invalid_edit_shows_the_plan_file_error_and_creates_no_plan(world: World) -> None:
    client = client_for(world.personas.consolidator)
    draft = world.draft
    index = next(i for i, t in enumerate(draft.plan["targets"]) if t["comparator"] == "range")
    data = review_form(client, draft)
    data[f"targets-{index}-low"] = "12"
    data[f"targets-{index}-high"] = "10"
    response = client.post(
        draft.get_absolute_url(), data | {"action": "confirm", "status": "active"}, follow=True
    )
    html = response.content.decode()
    assert not Plan.objects.exists()
    assert not AuditEntry.objects.filter(action="import_plan").exists()
    assert f"targets[{index}].low: low 12 is above high 10" in html
    code = draft.plan["targets"][index]["id"]
    assert f'href="#row-target-{code}"' in html
    draft.refresh_from_db()
    assert draft.status == DraftStatus.READY
    assert draft.plan["targets"][index]["low"] == 12, "the corrections are kept"


def test_confirm_draft_writes_nothing_on_a_plan_file_error(world: World) -> None:
    draft = world.draft
    plan = copy.deepcopy(draft.plan)
    plan["tasks"][0]["deadline"] = "2025-02-30"
    actions.update_draft(draft, plan, actor=None)
    with pytest.raises(PlanFileError) as error:
        confirm_draft(draft, actor=world.personas.consolidator, status="active")
    assert "tasks[0].deadline: the date 2025-02-30 does not exist" in error.value.errors
    draft.refresh_from_db()
    assert draft.status == DraftStatus.READY
    assert not Plan.objects.exists()


def test_confirming_a_draft_that_drops_a_task_with_reports_is_refused(world: World) -> None:
    from planwatch.organisations.models import Agency
    from planwatch.reporting.actions import ProgressInput, generate_calendar, save_report
    from planwatch.reporting.models import Report
    from planwatch.reporting.queries import tasks_owed

    plan = confirm_draft(world.draft, status=PlanStatus.ACTIVE).plan
    generate_calendar(plan, year=2025)
    health = Agency.objects.get(name="Sở Y tế")
    report = Report.objects.get(period__plan=plan, period__key="2025-01", agency=health)
    task = tasks_owed(health, plan).first()
    assert task is not None
    save_report(report, narrative="", progress=[ProgressInput(task, "done", 100)], figures=[])
    imports = AuditEntry.objects.filter(action="import_plan").count()

    extraction = stand_in_extraction(SEED_TEXT.read_text(encoding="utf-8"), SEED_TEXT.name)
    draft = create_draft(extraction, source_name=SEED_TEXT.name, actor=world.personas.consolidator)
    client = client_for(world.personas.consolidator)
    data = review_form(client, draft)
    data[f"tasks-{row(draft, 'tasks', task.code)}-DELETE"] = "on"
    response = client.post(
        draft.get_absolute_url(), data | {"action": "confirm", "status": "active"}, follow=True
    )
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    html = response.content.decode()
    assert f"Chưa cập nhật kế hoạch: nhiệm vụ {task.code} đã có báo cáo nên không thể xoá" in html
    assert plan.tasks.filter(pk=task.pk).exists()
    assert AuditEntry.objects.filter(action="import_plan").count() == imports
    draft.refresh_from_db()
    assert draft.status == DraftStatus.READY
    assert task.code not in [t["id"] for t in draft.plan["tasks"]], "the corrections are kept"
    with pytest.raises(actions.ImportRefused, match=task.code):
        confirm_draft(draft)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.READY


def test_discarding_keeps_the_draft_marked_discarded(world: World) -> None:
    client = client_for(world.personas.consolidator)
    response = client.post(f"/plans/drafts/{world.draft.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == "/plans/drafts/"
    world.draft.refresh_from_db()
    assert world.draft.status == DraftStatus.DISCARDED
    assert AuditEntry.objects.filter(action="discard_draft").count() == 1
    html = client.get(world.draft.get_absolute_url()).text
    assert 'value="save"' not in html
    data = {"action": "confirm", "status": "active", "version": world.draft.updated_at.isoformat()}
    client.post(world.draft.get_absolute_url(), data)
    assert not Plan.objects.exists()


# ------------------------------------------------------------------ the segment builder


def spans(*triples: tuple[str, int, int]) -> list[review.Span]:
    return [review.Span(key, key.split("-")[0], start, end) for key, start, end in triples]


def cut(length: int, *triples: tuple[str, int, int]) -> list[tuple[int, int, tuple[str, ...]]]:
    return [(s.start, s.end, s.keys) for s in review.segments(length, spans(*triples))]


def test_segments_of_plain_text() -> None:
    assert cut(10) == [(0, 10, ())]
    assert cut(0) == []


def test_segments_of_a_nested_span() -> None:
    assert cut(100, ("task-K1", 10, 90), ("target-T1", 20, 30)) == [
        (0, 10, ()),
        (10, 20, ("task-K1",)),
        (20, 30, ("task-K1", "target-T1")),
        (30, 90, ("task-K1",)),
        (90, 100, ()),
    ]


def test_segments_of_overlapping_spans() -> None:
    assert cut(20, ("task-A", 0, 10), ("deadline-D1", 5, 15)) == [
        (0, 5, ("task-A",)),
        (5, 10, ("task-A", "deadline-D1")),
        (10, 15, ("deadline-D1",)),
        (15, 20, ()),
    ]


def test_segments_of_spans_sharing_an_edge_and_identical_spans() -> None:
    assert cut(10, ("task-A", 0, 5), ("task-B", 5, 10)) == [
        (0, 5, ("task-A",)),
        (5, 10, ("task-B",)),
    ]
    assert cut(10, ("task-A", 2, 6), ("target-B", 2, 6)) == [
        (0, 2, ()),
        (2, 6, ("task-A", "target-B")),
        (6, 10, ()),
    ]


def test_segments_clamp_spans_to_the_text_and_ignore_empty_ones() -> None:
    assert cut(10, ("task-A", 5, 50), ("task-B", 3, 3), ("task-C", 40, 60)) == [
        (0, 5, ()),
        (5, 10, ("task-A",)),
    ]


def test_each_items_first_segment_is_known_and_outer_items_come_first() -> None:
    result = review.segments(
        30, spans(("target-T1", 10, 20), ("task-K1", 5, 25), ("reporting-R1", 10, 12))
    )
    firsts = {key: s.start for s in result for key in s.first_of}
    assert firsts == {"task-K1": 5, "target-T1": 10, "reporting-R1": 10}
    inner = next(s for s in result if s.start == 10)
    assert inner.keys == ("task-K1", "target-T1", "reporting-R1")
    assert inner.kinds == ("task", "reporting", "target")


def test_highlight_escapes_and_anchors_every_item() -> None:
    text = "a <b>&c</b> d"
    html = review.highlight(text, spans(("task-K1", 2, 11), ("target-T1", 2, 5)))
    assert html == (
        "a "
        '<span class="src-anchor" id="src-target-T1"></span>'
        '<mark class="hl hl-task hl-target hl-many" data-items="task-K1 target-T1" '
        'id="src-task-K1" tabindex="-1">&lt;b&gt;</mark>'
        '<mark class="hl hl-task" data-items="task-K1">&amp;c&lt;/b&gt;</mark>'
        " d"
    )


def test_draft_items_give_unique_keys_safe_in_html() -> None:
    plan = {
        "targets": [{"id": "T 1"}, {"id": "T 1"}, {}],
        "tasks": [{"id": 'K"1'}],
        "reporting": [{"frequency": "monthly", "span": [1, 2]}],
        "deadlines": [{"what": "x", "date": "2025-02-05"}],
    }
    items = review.draft_items(plan)
    keys = [i.key for kind in items.values() for i in kind]
    assert keys == ["target-T_1", "target-T_1-2", "target-T3", "task-K_1", "reporting-R1",
                    "deadline-D1"]  # fmt: skip
    assert items["deadline"][0].day == "05/02/2025"
    assert items["reporting"][0].span == (1, 2)


def test_plan_file_errors_are_tied_to_their_rows() -> None:
    items = review.draft_items({"targets": [{"id": "T01"}, {"id": "T02"}]})
    found = review.problems(
        ["targets[1].low: low 12 is above high 10", "document: needs a number or a title"], items
    )
    assert found[0].item is not None and found[0].item.key == "target-T02"
    assert found[1].item is None and found[1].section == "document"


def test_a_reading_that_finds_nothing_of_a_plan_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planwatch.plans import views

    empty = StandIn({"document": {"number": None, "title": None}, "targets": [], "tasks": []}, "x")
    monkeypatch.setattr(views, "read_document", lambda data, name: empty)
    before = PlanDraft.objects.count()
    response = _upload(client_for(world.personas.consolidator), "a.txt", b"Some text " * 10)
    assert response.status_code == 400
    assert 'class="detail"' in response.content.decode()
    assert PlanDraft.objects.count() == before


def test_a_draft_whose_uploader_was_deleted_still_opens(world: World) -> None:
    leaver = create_user(
        "leaver", password=None, agency=world.personas.consolidator.agency, roles=["consolidator"]
    )
    draft = create_draft(
        StandIn({"document": {"title": "Kế hoạch thử"}}, "Kế hoạch thử"),
        source_name="x.txt",
        actor=leaver,
    )
    leaver.delete()  # the account is removed; the draft keeps no uploader
    response = client_for(world.personas.consolidator).get(f"/plans/drafts/{draft.pk}/")
    assert response.status_code == 200
