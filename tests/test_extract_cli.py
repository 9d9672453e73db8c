"""``planwatch extract`` and ``planwatch load-plan`` of a plan document (not a plan file)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from planwatch.cli import main
from planwatch.demo.setup import DEMO_DIR
from planwatch.extraction import extract_file
from planwatch.plans import planfile
from planwatch.plans.models import Plan, Target, Task
from tests.test_import import counts

SEED_01 = DEMO_DIR / "seeds" / "01-CTr-UBND-2025-vinh-phuc.txt"


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the test's database connection open across ``main()`` (see tests/test_cli.py)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(scope="module")
def extraction_01() -> dict:
    return extract_file(SEED_01).plan


def unreadable(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files that are no document, with the words their error must hold."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(32)) * 64)
    blank = tmp_path / "blank.md"
    blank.write_text(" \n\n\t\n", encoding="utf-8")
    cut = tmp_path / "cut.docx"
    cut.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    return {
        "empty": (empty, "the file is empty"),
        "binary": (binary, "not a document"),
        "blank": (blank, "no text"),
        "cut": (cut, "the DOCX file is damaged"),
    }


# ------------------------------------------------------------------ extract


def test_extract_prints_a_plan_file_with_every_task(
    db: None, in_process: None, capsys: pytest.CaptureFixture[str], extraction_01: dict
) -> None:
    main(["extract", str(SEED_01)])
    out = capsys.readouterr().out
    plan = planfile.loads(out)
    assert len(plan.tasks) == len(extraction_01["tasks"]) == 61
    assert len(plan.targets) == len(extraction_01["targets"])
    assert plan.document.number == "01/CTr-UBND"
    assert json.loads(out)["source"] == SEED_01.name
    assert Plan.objects.count() == 0  # read, not imported; and the connection still works


def test_extract_as_a_table_for_people(
    db: None, in_process: None, capsys: pytest.CaptureFixture[str], extraction_01: dict
) -> None:
    main(["extract", str(SEED_01), "--format", "table", "--no-conflicts"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Chương trình hành động 01/CTr-UBND  2025-01-17")
    assert f"TARGETS ({len(extraction_01['targets'])})" in lines
    assert "TASKS (61)" in lines
    assert any(line.startswith("K061 ") for line in lines)
    assert any(line.startswith("T01 ") for line in lines)
    assert "REPORTING (" in out and "DEADLINES (" in out


@pytest.mark.parametrize("kind", ["empty", "binary", "blank", "cut"])
def test_extract_of_an_unreadable_file_says_why(db: None, tmp_path: Path, kind: str) -> None:
    path, reason = unreadable(tmp_path)[kind]
    with pytest.raises(CommandError) as caught:
        call_command("extract", str(path), stdout=StringIO())
    assert str(caught.value).startswith(f"{path.name}: ")
    assert reason in str(caught.value)


def test_planwatch_extract_of_an_unreadable_file_exits_with_the_reason(
    db: None, in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, reason = unreadable(tmp_path)["binary"]
    with pytest.raises(SystemExit) as exited:
        main(["extract", str(path)])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert reason in captured.err
    assert captured.out == ""


def test_extract_of_a_missing_file_says_so(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nothing\.txt: no such file"):
        call_command("extract", str(tmp_path / "nothing.txt"))


# ------------------------------------------------------------------ load-plan of a document


def test_load_plan_of_a_document_imports_what_the_extractor_reads(
    register: None, in_process: None, capsys: pytest.CaptureFixture[str], extraction_01: dict
) -> None:
    main(["load-plan", str(SEED_01), "--status", "active"])
    out = capsys.readouterr().out
    assert ": created (plan id" in out
    plan = Plan.objects.get()
    assert plan.document.number == "01/CTr-UBND"
    assert Target.objects.filter(plan=plan).count() == len(extraction_01["targets"])
    assert Task.objects.filter(plan=plan).count() == len(extraction_01["tasks"]) == 61
    assert f"{len(extraction_01['targets'])} targets" in out and "61 tasks" in out
    # the normalised text, which every span points into, is the document's text
    text = extract_file(SEED_01).text
    assert plan.document.source_text == text

    before = counts()
    main(["load-plan", str(SEED_01)])
    assert ": updated (plan id" in capsys.readouterr().out
    after = counts()
    assert {k: v for k, v in after.items() if k != "AuditEntry"} == {
        k: v for k, v in before.items() if k != "AuditEntry"
    }
    assert Plan.objects.get().pk == plan.pk


def test_load_plan_of_a_markdown_copy_finds_the_same_plan(
    register: None, tmp_path: Path, extraction_01: dict
) -> None:
    call_command("load_plan", str(SEED_01), stdout=StringIO())
    copy = tmp_path / "01.md"
    copy.write_text(SEED_01.read_text(encoding="utf-8"), encoding="utf-16")
    out = StringIO()
    call_command("load_plan", str(copy), stdout=out)
    assert ": updated (plan id" in out.getvalue()
    assert Plan.objects.count() == 1
    assert Task.objects.count() == len(extraction_01["tasks"])


@pytest.mark.parametrize("kind", ["empty", "binary", "blank"])
def test_load_plan_of_an_unreadable_document_writes_nothing(
    register: None, tmp_path: Path, kind: str
) -> None:
    call_command("load_plan", str(SEED_01), stdout=StringIO())
    path, reason = unreadable(tmp_path)[kind]
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(path), stdout=StringIO())
    assert str(caught.value).startswith(f"{path.name}: nothing was imported: ")
    assert reason in str(caught.value)
    assert counts() == before


def test_load_plan_of_a_document_with_no_number_or_title_names_what_is_missing(
    register: None, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Ghi chép cuộc họp giao ban của các phòng chuyên môn trong tuần.\n", encoding="utf-8"
    )
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(path), stdout=StringIO())
    assert "notes.txt: nothing was imported" in str(caught.value)
    assert "document: needs a number or a title" in str(caught.value)
    assert counts() == before
