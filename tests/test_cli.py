"""The ``planwatch`` console script and the management commands behind it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from planwatch.accounts.models import User
from planwatch.cli import PLANWATCH_COMMANDS, main
from planwatch.demo.setup import DEMO_DIR, PLAN_FILES
from planwatch.organisations.models import Agency
from planwatch.plans import planfile
from planwatch.plans.choices import PlanStatus
from planwatch.plans.models import Plan, Task
from tests.test_import import assert_every_input_field_comes_back, counts
from tests.test_planfile import DEMO_IDS, small_plan


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the test's database connection open across ``main()``.

    A command run from the command line closes every connection when it ends; in a test
    that connection holds the test's transaction (PostgreSQL would lose it).
    """
    monkeypatch.setattr(connections, "close_all", lambda: None)


def write_plan(tmp_path: Path, data: dict | None = None, name: str = "kh.plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data or small_plan(), ensure_ascii=False), encoding="utf-8")
    return path


def export(ref: str) -> str:
    out = StringIO()
    call_command("export_plan", ref, stdout=out)
    return out.getvalue()


# ------------------------------------------------------------------ planwatch help


@pytest.mark.parametrize("argv", [["help"], [], ["--help"], ["-h"]])
def test_planwatch_help_lists_every_command(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    main(argv)
    out = capsys.readouterr().out
    assert out.startswith("usage: planwatch <command>")
    for name, text in PLANWATCH_COMMANDS.items():
        assert f"  {name}" in out and text in out


def test_a_command_describes_itself(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["load-plan", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "Import a plan in one transaction" in out
    assert "--status" in out


# ------------------------------------------------------------------ export-plan


def test_export_plan_prints_a_plan_file_that_loads(
    db: None, in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_plan()
    data["document"]["number"] = "01/CTr-UBND"
    call_command("load_plan", str(write_plan(tmp_path, data)), stdout=StringIO())
    main(["export-plan", "01/CTr-UBND"])
    plan = planfile.loads(capsys.readouterr().out)
    assert plan.document.number == "01/CTr-UBND"
    assert [t.id for t in plan.tasks] == ["K001", "K002", "K003"]
    assert Plan.objects.count() == 1  # the connection still works


def test_export_plan_writes_to_a_file_with_output(
    db: None, in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("load_plan", str(write_plan(tmp_path)), stdout=StringIO())
    target = tmp_path / "out.plan.json"
    main(["export-plan", "99/KH-UBND", "--output", str(target)])
    assert capsys.readouterr().out == ""
    assert planfile.loads(target.read_bytes()).document.number == "99/KH-UBND"


def test_export_plan_of_an_unknown_number_says_so(db: None) -> None:
    with pytest.raises(CommandError, match="no plan numbered '99/XX'"):
        call_command("export_plan", "99/XX")


def test_export_plan_of_an_unknown_number_exits_with_an_error(
    db: None, in_process: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export-plan", "99/XX"])
    assert exited.value.code == 1
    assert "no plan numbered '99/XX'" in capsys.readouterr().err


def test_export_plan_of_a_shared_number_asks_for_the_year(db: None, tmp_path: Path) -> None:
    for year in ("2024", "2025"):
        data = small_plan()
        data["document"]["issued_on"] = f"{year}-01-05"
        call_command(
            "load_plan", str(write_plan(tmp_path, data, f"{year}.json")), stdout=StringIO()
        )
    with pytest.raises(CommandError, match="add --year"):
        export("99/KH-UBND")
    out = StringIO()
    call_command("export_plan", "99/KH-UBND", year=2024, stdout=out)
    assert planfile.loads(out.getvalue()).document.issued_on is not None


# ------------------------------------------------------------------ load-plan


def test_load_plan_creates_then_updates_a_plan(
    register: None, in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plan(tmp_path)
    main(["load-plan", str(path), "--status", "active"])
    first = capsys.readouterr().out
    assert ": created (plan id" in first
    assert "3 tasks" in first
    plan = Plan.objects.get()
    assert plan.status == PlanStatus.ACTIVE
    main(["load_plan", str(path)])
    assert ": updated (plan id" in capsys.readouterr().out
    assert Plan.objects.count() == 1
    assert Plan.objects.get().status == PlanStatus.ACTIVE  # kept without --status


def test_load_plan_lists_the_names_it_could_not_resolve(register: None, tmp_path: Path) -> None:
    data = small_plan()
    data["tasks"][2]["lead"] = "Công ty TNHH ABC"
    out = StringIO()
    call_command("load_plan", str(write_plan(tmp_path, data)), stdout=out)
    assert "1 agency name(s) not in the register" in out.getvalue()
    assert "  - Công ty TNHH ABC" in out.getvalue()
    assert Agency.objects.get(provisional=True).name == "Công ty TNHH ABC"


def test_load_plan_reads_the_source_text_beside_the_file(db: None, tmp_path: Path) -> None:
    (tmp_path / "kh-thu.txt").write_text("KẾ HOẠCH\nNâng cao chất lượng", encoding="utf-8")
    call_command("load_plan", str(write_plan(tmp_path)), stdout=StringIO())
    assert Plan.objects.get().document.source_text == "KẾ HOẠCH\nNâng cao chất lượng"


def test_load_plan_refuses_a_text_that_is_not_utf8(db: None, tmp_path: Path) -> None:
    text = tmp_path / "text.txt"
    text.write_bytes("Thái Nguyên".encode("latin-1"))
    before = counts()
    with pytest.raises(CommandError, match="cannot read the document text"):
        call_command("load_plan", str(write_plan(tmp_path)), text=str(text))
    assert counts() == before


def test_load_plan_of_a_malformed_file_names_the_field_and_writes_nothing(
    register: None, tmp_path: Path
) -> None:
    data = small_plan()
    data["targets"][0]["year"] = "2025"
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(write_plan(tmp_path, data)))
    assert "kh.plan.json: nothing was imported" in str(caught.value)
    assert "targets[0].year: must be a whole number, not text" in str(caught.value)
    assert counts() == before


def test_planwatch_load_plan_of_a_malformed_file_exits_naming_the_field(
    db: None, in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = small_plan()
    data["tasks"][0]["deadline"] = "2025-02-30"
    with pytest.raises(SystemExit) as exited:
        main(["load-plan", str(write_plan(tmp_path, data))])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "tasks[0].deadline: the date 2025-02-30 does not exist" in err
    assert not Plan.objects.exists()


def test_load_plan_of_a_file_that_does_not_exist_says_so(db: None, tmp_path: Path) -> None:
    missing = tmp_path / "missing.plan.json"
    with pytest.raises(CommandError, match=r"missing\.plan\.json: no such file"):
        call_command("load_plan", str(missing))


def test_planwatch_load_plan_of_a_directory_exits_with_an_error(
    db: None, in_process: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["load-plan", str(tmp_path)])
    assert exited.value.code == 1
    assert "no such file" in capsys.readouterr().err


# ------------------------------------------------------------------ the round trip


@pytest.mark.parametrize("path", PLAN_FILES, ids=DEMO_IDS)
def test_the_cli_round_trip_of_a_demo_plan_loses_nothing(register: None, path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    seed = DEMO_DIR / "seeds" / raw["source"]
    out = StringIO()
    call_command("load_plan", str(path), text=str(seed), stdout=out)
    assert "not in the register" not in out.getvalue()
    plan = Plan.objects.get()
    ref = plan.document.number or str(plan.pk)
    first = export(ref)
    assert_every_input_field_comes_back(raw, json.loads(first))
    assert plan.document.source_text == seed.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PLAN_FILES, ids=DEMO_IDS)
def test_the_cli_export_load_export_of_a_demo_plan_is_identical(
    register: None, path: Path, tmp_path: Path
) -> None:
    call_command("load_plan", str(path), stdout=StringIO())
    plan = Plan.objects.get()
    ref = plan.document.number or str(plan.pk)
    first = export(ref)
    exported = tmp_path / "exported.plan.json"
    exported.write_text(first, encoding="utf-8")
    task_count = Task.objects.count()
    call_command("load_plan", str(exported), stdout=StringIO())
    assert Plan.objects.count() == 1
    assert Task.objects.count() == task_count
    assert export(ref) == first


# ------------------------------------------------------------------ the other commands


def test_create_user_gives_a_user_the_agency_named_loosely(register: None) -> None:
    out = StringIO()
    call_command("create_user", "yte", agency="So Y te", roles=["reporter"], stdout=out)
    user = User.objects.get(username="yte")
    assert user.agency is not None and user.agency.code == "so-y-te"
    assert user.role_codes == {"reporter"}
    assert "yte: Sở Y tế, roles reporter" in out.getvalue()


def test_create_user_refuses_an_agency_not_in_the_register(register: None) -> None:
    with pytest.raises(CommandError, match="no agency in the register matches"):
        call_command("create_user", "x", agency="Công ty TNHH ABC", roles=["viewer"])
    assert not User.objects.filter(username="x").exists()


def test_load_register_loads_the_shipped_register_twice_without_change(db: None) -> None:
    first, second = StringIO(), StringIO()
    call_command("load_register", stdout=first)
    call_command("load_register", stdout=second)
    assert "66 agencies created" in first.getvalue()
    assert "0 agencies created, 0 updated, 0 groups created, 0 aliases added" in second.getvalue()


def test_load_register_of_a_bad_file_says_what_is_wrong(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "register.json"
    bad.write_text(json.dumps({"agencies": [{"code": "x"}]}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"agencies\[0\]: needs a code and a name"):
        call_command("load_register", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_register", str(tmp_path / "missing.json"))
    assert not Agency.objects.exists()


def test_load_plan_refuses_to_drop_a_task_with_reports_and_writes_nothing(
    register: None, tmp_path: Path
) -> None:
    from tests.test_import import report_on

    call_command("load_plan", str(write_plan(tmp_path)), stdout=StringIO())
    plan = Plan.objects.get()
    report_on(plan, "K003")
    data = small_plan()
    data["document"]["title"] = "Kế hoạch thử, sửa đổi"
    del data["tasks"][2]
    with pytest.raises(CommandError) as caught:
        call_command("load_plan", str(write_plan(tmp_path, data)), stdout=StringIO())
    assert str(caught.value) == (
        "kh.plan.json: nothing was imported: task K003 has reports and cannot be removed; "
        "keep it in the file or close the plan"
    )
    plan.refresh_from_db()
    assert plan.document.title == "Kế hoạch thử"
    assert Task.objects.filter(plan=plan, code="K003").exists()
