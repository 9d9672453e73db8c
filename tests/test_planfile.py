"""The plan file format: what parses, what is rejected and how, and what nothing writes."""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from planwatch.core.models import AuditEntry
from planwatch.demo.setup import PLAN_FILES
from planwatch.organisations.models import Agency
from planwatch.plans import planfile
from planwatch.plans.actions import import_plan
from planwatch.plans.models import LegalDocument, Plan, Target, Task

DEMO_IDS = ["01-CTr-UBND", "KH-NQ12-TU"]


def small_plan() -> dict[str, Any]:
    """A small, valid plan file: two targets, three tasks, one reporting rule, one deadline."""
    return {
        "source": "kh-thu.txt",
        "document": {
            "number": "99/KH-UBND",
            "kind": "Kế hoạch",
            "issuer": "Ủy ban nhân dân tỉnh Vĩnh Phúc",
            "place": "Vĩnh Phúc",
            "issued_on": "2025-03-03",
            "signer": "Nguyễn Văn A",
            "title": "Kế hoạch thử",
        },
        "implements": [{"number": "45/NQ-HĐND", "date": "2024-12-12", "issuer": "HĐND tỉnh"}],
        "references": [{"number": "01/NQ-CP", "date": None}],
        "targets": [
            {
                "id": "T01",
                "main": True,
                "indicator": "Tốc độ tăng trưởng GRDP",
                "comparator": "range",
                "low": 10,
                "high": 11,
                "unit": "%",
                "year": 2025,
            },
            {
                "id": "T02",
                "indicator": "Số giường bệnh/vạn dân",
                "comparator": "gte",
                "value": 40.5,
                "unit": "giường",
                "year": 2025,
                "lead": "Sở Y tế",
            },
        ],
        "tasks": [
            {
                "id": "K001",
                "section": "1.1 a)",
                "lead": "Sở Y tế",
                "coordinating": ["Sở Tài chính"],
                "text": "Nâng cao chất lượng khám chữa bệnh",
                "deadline": "2025-06-30",
            },
            {
                "id": "K002",
                "section": "1.2",
                "lead": "Các sở, ban, ngành",
                "text": "Rà soát thủ tục hành chính",
                "recurring": True,
            },
            {
                "id": "K003",
                "section": "2.1",
                "lead": "Sở Công Thương",
                "text": "Xúc tiến thương mại",
            },
        ],
        "reporting": [
            {
                "who": "Các sở, ban, ngành",
                "to": "Sở Tài chính",
                "frequency": "monthly",
                "due": "trước ngày 20 hàng tháng",
            }
        ],
        "deadlines": [{"what": "Ban hành kế hoạch", "date": "2025-02-05"}],
        "notes": ["ghi chú"],
    }


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit of a plan file: ``tasks.0.deadline`` = value (``...`` deletes the field)."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        index: Any = int(last) if last.isdigit() else last
        if value is ...:
            del node[index]
        else:
            node[index] = value

    return edit


def _raw(edit: Callable[[dict[str, Any]], None]) -> bytes:
    data = small_plan()
    edit(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# (id, file bytes, the field named, the problem stated)
MALFORMED: list[tuple[str, bytes, str, str]] = [
    ("not-json", b'{"document": {"number": "1/KH"', "file", "not valid JSON"),
    ("not-json-trailing-comma", b'{"document": {"number": "1/KH"},}', "file", "not valid JSON"),
    (
        "not-utf8",
        '{"document": {"title": "Kế hoạch Thái Nguyên"}}'.encode().replace(
            "á".encode(), "á".encode("latin-1")
        ),
        "file",
        "not UTF-8",
    ),
    ("top-level-list", b"[]", "file", "must be an object, not a list"),
    ("top-level-text", b'"plan"', "file", "must be an object, not text"),
    ("missing-document", json.dumps({"tasks": []}).encode(), "file.document", "is required"),
    ("document-not-object", b'{"document": "99/KH"}', "document", "must be an object, not text"),
    (
        "document-without-number-or-title",
        b'{"document": {"kind": "K\xe1\xba\xbf ho\xe1\xba\xa1ch"}}',
        "document",
        "needs a number or a title",
    ),
    (
        "value-as-text",
        _raw(_set("targets.1.value", "27.026")),
        "targets[1].value",
        "must be a number, not text",
    ),
    ("value-not-finite", _raw(_set("targets.1.value", float("nan"))), "targets[1].value", "finite"),
    (
        "year-as-text",
        _raw(_set("targets.0.year", "2025")),
        "targets[0].year",
        "must be a whole number, not text",
    ),
    ("year-out-of-range", _raw(_set("targets.0.year", 20025)), "targets[0].year", "outside"),
    (
        "recurring-as-yes",
        _raw(_set("tasks.1.recurring", "yes")),
        "tasks[1].recurring",
        "must be true or false, not text",
    ),
    (
        "main-as-number",
        _raw(_set("targets.0.main", 1)),
        "targets[0].main",
        "must be true or false, not a number",
    ),
    (
        "coordinating-not-a-list",
        _raw(_set("tasks.0.coordinating", "Sở Tài chính")),
        "tasks[0].coordinating",
        "must be a list of names",
    ),
    (
        "indicator-as-number",
        _raw(_set("targets.1.indicator", 40)),
        "targets[1].indicator",
        "must be text, not a number",
    ),
    (
        "tasks-not-a-list",
        _raw(_set("tasks", {"K001": {}})),
        "tasks",
        "must be a list, not an object",
    ),
    ("task-not-an-object", _raw(_set("tasks.2", "Xúc tiến")), "tasks[2]", "must be an object"),
    ("task-without-text", _raw(_set("tasks.2.text", ...)), "tasks[2]", "needs its text"),
    (
        "unknown-comparator",
        _raw(_set("targets.1.comparator", "about")),
        "targets[1].comparator",
        "unknown value 'about'; expected one of eq, range",
    ),
    (
        "missing-comparator",
        _raw(_set("targets.1.comparator", ...)),
        "targets[1].comparator",
        "is required",
    ),
    (
        "missing-indicator",
        _raw(_set("targets.1.indicator", ...)),
        "targets[1].indicator",
        "is required",
    ),
    (
        "unknown-frequency",
        _raw(_set("reporting.0.frequency", "weekly")),
        "reporting[0].frequency",
        "unknown value 'weekly'",
    ),
    (
        "date-that-does-not-exist",
        _raw(_set("tasks.0.deadline", "2025-02-30")),
        "tasks[0].deadline",
        "the date 2025-02-30 does not exist",
    ),
    (
        "date-in-day-month-year",
        _raw(_set("tasks.0.deadline", "05/02/2025")),
        "tasks[0].deadline",
        "must be a date written YYYY-MM-DD, not '05/02/2025'",
    ),
    (
        "document-date-that-does-not-exist",
        _raw(_set("document.issued_on", "2025-13-01")),
        "document.issued_on",
        "does not exist",
    ),
    (
        "deadline-without-date",
        _raw(_set("deadlines.0.date", ...)),
        "deadlines[0].date",
        "is required",
    ),
    (
        "reference-without-number",
        _raw(_set("references.0.number", ...)),
        "references[0].number",
        "is required",
    ),
    (
        "range-without-high",
        _raw(_set("targets.0.high", ...)),
        "targets[0].high",
        "a range target needs both low and high",
    ),
    (
        "range-without-low",
        _raw(_set("targets.0.low", None)),
        "targets[0].low",
        "a range target needs both low and high",
    ),
    (
        "range-low-above-high",
        _raw(_set("targets.0.low", 12)),
        "targets[0].low",
        "low 12 is above high 11",
    ),
    (
        "range-with-a-value",
        _raw(_set("targets.0.value", 10.5)),
        "targets[0].value",
        "must be null for a range target",
    ),
    (
        "low-on-a-non-range-target",
        _raw(_set("targets.1.low", 30)),
        "targets[1]",
        "low and high are only for range targets, not gte",
    ),
    (
        "span-backwards",
        _raw(_set("tasks.0.span", [20, 10])),
        "tasks[0].span",
        "must be [start, end]",
    ),
    (
        "notes-not-text",
        _raw(_set("notes", [1, 2])),
        "notes",
        "must be a list of text",
    ),
    (
        "unknown-top-level-field",
        _raw(_set("owner", "Sở Tài chính")),
        "file",
        "unknown field(s) owner",
    ),
    (
        "unknown-task-field",
        _raw(_set("tasks.0.deadlne", "2025-06-30")),
        "tasks[0]",
        "unknown field(s) deadlne",
    ),
    (
        "unknown-document-field",
        _raw(_set("document.date", "2025-03-03")),
        "document",
        "unknown field(s) date",
    ),
    (
        "duplicate-task-ids",
        _raw(_set("tasks.2.id", "K001")),
        "tasks[2].id",
        "'K001' is used twice",
    ),
    (
        "duplicate-target-ids",
        _raw(_set("targets.1.id", "T01")),
        "targets[1].id",
        "'T01' is used twice",
    ),
]


def _message(error: planfile.PlanFileError) -> str:
    return "\n".join(error.errors)


@pytest.mark.parametrize(
    ("raw", "field", "problem"), [case[1:] for case in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_a_malformed_plan_file_is_rejected_naming_the_field_and_the_problem(
    raw: bytes, field: str, problem: str
) -> None:
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.loads(raw)
    assert any(
        error.startswith(f"{field}: ") and problem in error for error in caught.value.errors
    ), _message(caught.value)
    assert field in str(caught.value)


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    data = small_plan()
    data["targets"][1]["value"] = "27.026"
    data["tasks"][0]["deadline"] = "2025-02-30"
    data["tasks"][1]["recurring"] = "yes"
    data["reporting"][0]["frequency"] = "weekly"
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.parse(data)
    fields = {error.split(":")[0] for error in caught.value.errors}
    assert fields == {
        "targets[1].value",
        "tasks[0].deadline",
        "tasks[1].recurring",
        "reporting[0].frequency",
    }


def test_a_value_written_as_vietnamese_text_gets_a_hint_to_write_a_json_number() -> None:
    with pytest.raises(planfile.PlanFileError, match="write it as a JSON number"):
        planfile.loads(_raw(_set("targets.1.value", "27.026")))


def test_the_smallest_valid_file_is_a_document_with_a_number_or_a_title() -> None:
    by_number = planfile.parse({"document": {"number": "7/KH-UBND"}})
    by_title = planfile.parse({"document": {"title": "Kế hoạch không số"}})
    assert by_number.document.number == "7/KH-UBND"
    assert by_title.document.title == "Kế hoạch không số"
    assert by_number.tasks == by_number.targets == []


def test_a_small_plan_file_parses_into_typed_items() -> None:
    plan = planfile.loads(json.dumps(small_plan()))
    assert plan.document.issued_on == date(2025, 3, 3)
    assert plan.implements[0].number == "45/NQ-HĐND"
    assert plan.references[0].date is None
    assert plan.targets[0].low == Decimal("10") and plan.targets[0].high == Decimal("11")
    assert plan.targets[1].value == Decimal("40.5")
    assert plan.tasks[0].deadline == date(2025, 6, 30)
    assert plan.tasks[1].recurring is True and plan.tasks[0].recurring is False
    assert plan.tasks[0].coordinating == ["Sở Tài chính"]
    assert plan.reporting[0].frequency == "monthly"
    assert plan.deadlines[0].date == date(2025, 2, 5)


def test_parsing_normalises_document_numbers_and_unicode() -> None:
    data = small_plan()
    data["document"]["number"] = "Số: 99/KH - UBND"
    data["implements"][0]["number"] = "45/NQ- HĐND"
    data["tasks"][0]["lead"] = unicodedata.normalize("NFD", "  Sở Y tế ")
    plan = planfile.parse(data)
    assert plan.document.number == "99/KH-UBND"
    assert plan.implements[0].number == "45/NQ-HĐND"
    assert plan.tasks[0].lead == "Sở Y tế"


def test_a_task_with_only_a_quote_takes_the_quote_as_its_text() -> None:
    data = small_plan()
    del data["tasks"][2]["text"]
    data["tasks"][2]["quote"] = "Xúc tiến thương mại, đầu tư"
    plan = planfile.parse(data)
    assert plan.tasks[2].text == plan.tasks[2].quote == "Xúc tiến thương mại, đầu tư"


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    raw = "\ufeff".encode() + json.dumps(small_plan(), ensure_ascii=False).encode()
    assert planfile.loads(raw).document.number == "99/KH-UBND"


@pytest.mark.parametrize("path", PLAN_FILES, ids=DEMO_IDS)
def test_each_demo_plan_file_parses(path: Path) -> None:
    plan = planfile.loads(path.read_bytes())
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert len(plan.targets) == len(raw["targets"]) > 0
    assert len(plan.tasks) == len(raw["tasks"]) > 0
    assert all(task.lead for task in plan.tasks)


@pytest.mark.parametrize("path", PLAN_FILES, ids=DEMO_IDS)
def test_dump_and_parse_of_a_demo_plan_give_the_same_file(path: Path) -> None:
    first = planfile.dumps(planfile.loads(path.read_bytes()))
    assert planfile.dumps(planfile.loads(first)) == first


def test_dump_keeps_every_field_of_a_small_plan() -> None:
    data = small_plan()
    dumped = planfile.dump(planfile.parse(copy.deepcopy(data)))
    assert dumped["document"] == data["document"]
    for key in ("implements", "references", "targets", "tasks", "reporting", "deadlines"):
        for original, again in zip(data[key], dumped[key], strict=True):
            for name, value in original.items():
                assert again.get(name) == value, (key, name)


# ------------------------------------------------------------------ nothing is written


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Plan, LegalDocument, Target, Task, Agency, AuditEntry)
    }


@pytest.mark.parametrize(
    ("raw", "field", "problem"), [case[1:] for case in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_loading_a_malformed_file_writes_nothing(
    db: None, tmp_path: Path, raw: bytes, field: str, problem: str
) -> None:
    import_plan(planfile.parse(small_plan()))  # the same document is already there
    before = _counts()
    path = tmp_path / "bad.plan.json"
    path.write_bytes(raw)
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(path))
    message = str(caught.value)
    assert "nothing was imported" in message
    assert f"{field}: " in message and problem in message
    assert _counts() == before
