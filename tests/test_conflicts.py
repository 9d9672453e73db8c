"""Plans that contradict each other: a document read beside the plans already loaded."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import OperationalError

from planwatch.accounts.models import User
from planwatch.demo.setup import DEMO_DIR, load_demo_plans, setup_demo
from planwatch.extraction import extract_file
from planwatch.plans import conflicts, planfile
from planwatch.plans.actions import import_plan
from planwatch.plans.conflicts import find_conflicts, read_plan_document, same_indicator
from planwatch.plans.models import Plan, Target, Task

SEED_01 = DEMO_DIR / "seeds" / "01-CTr-UBND-2025-vinh-phuc.txt"
SEED_NQ12 = DEMO_DIR / "seeds" / "KH-NQ12-TU-2020-vinh-phuc.txt"
PLAN_01 = DEMO_DIR / "plans" / "01-CTr-UBND-2025-vinh-phuc.plan.json"
IN_01 = "in Chương trình hành động 01/CTr-UBND"

# what the KH-NQ12 plan sets for 2025 against the 01 programme: (words of the indicator,
# figure here, figure in 01)
NQ12_AGAINST_01 = {
    "beds": (r"giường bệnh/vạn dân", "eq 40 giường bệnh/vạn dân", "eq 52 giường bệnh/vạn dân"),
    "doctors": (r"bác sỹ/vạn dân", "eq 15 bác sỹ/vạn dân", "eq 16.3 bác sỹ/vạn dân"),
    "rural water": (r"hộ nông thôn.*nước sạch", "eq 70 %", "eq 84 %"),
    "urban water": (r"dân số đô thị.*cấp nước sạch", "eq 80 %", "eq 96 %"),
}


def load_01_from_its_document() -> Plan:
    """The 01 programme as a user's upload is loaded: read by the extractor, then imported."""
    extraction = read_plan_document(SEED_01)
    return import_plan(planfile.parse(extraction.plan), source_text=extraction.text).plan


def note_for(notes: list[str], words: str) -> list[str]:
    return [n for n in notes if re.match(rf"Conflict: .*{words}.* \(2025\) is ", n, re.I)]


# ------------------------------------------------------------------ reading beside a loaded plan


def test_reading_the_2020_plan_notes_where_it_contradicts_the_2025_programme(
    register: None,
) -> None:
    load_01_from_its_document()
    notes = read_plan_document(SEED_NQ12).plan["notes"]
    for name, (words, here, there) in NQ12_AGAINST_01.items():
        found = note_for(notes, words)
        assert len(found) == 1, (name, notes)
        assert found[0].endswith(f"is {here} here but {there} {IN_01}"), found[0]
    # the urban population share is 50 % in both: no conflict
    assert not [n for n in notes if re.search(r"^Conflict: tỷ lệ dân số đô thị \(", n, re.I)]
    assert all(n.startswith("Conflict: ") and "(2025)" in n for n in notes)
    assert all(IN_01 in n for n in notes)


def test_reading_beside_the_hand_checked_plan_file(register: None) -> None:
    import_plan(planfile.loads(PLAN_01.read_bytes()))
    notes = read_plan_document(SEED_NQ12).plan["notes"]
    for name in ("beds", "doctors"):
        words, here, there = NQ12_AGAINST_01[name]
        found = note_for(notes, words)
        assert len(found) == 1, (name, notes)
        assert found[0].endswith(f"is {here} here but {there} {IN_01}"), found[0]
    assert not [n for n in notes if re.search(r"^Conflict: tỷ lệ dân số đô thị \(", n, re.I)]


def test_a_plan_never_conflicts_with_itself(register: None) -> None:
    load_01_from_its_document()
    assert read_plan_document(SEED_01).plan["notes"] == []
    # the two plans loaded from their hand-checked files: each read again meets only the other
    Plan.objects.all().delete()
    load_demo_plans()
    for seed, other in [(SEED_01, "Kế hoạch Thực hiện Nghị quyết số 12-NQ/TU"), (SEED_NQ12, IN_01)]:
        notes = read_plan_document(seed).plan["notes"]
        assert notes, seed.name
        assert all(other in n for n in notes), notes


def test_reading_without_comparing_adds_no_note(register: None) -> None:
    load_01_from_its_document()
    assert read_plan_document(SEED_NQ12, compare=False).plan["notes"] == []


def test_with_no_database_tables_the_draft_comes_back_without_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NoTable:
        def filter(self, *args: Any, **kwargs: Any) -> Any:
            raise OperationalError("no such table: plans_target")

    monkeypatch.setattr(conflicts.Target, "objects", NoTable())
    result = read_plan_document(SEED_NQ12)  # no database fixture: nothing may be queried
    assert result.plan["notes"] == []
    assert result.plan == extract_file(SEED_NQ12).plan
    assert result.text == extract_file(SEED_NQ12).text


# ------------------------------------------------------------------ what counts as the same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Tỷ lệ giường bệnh/vạn dân", "Số giường bệnh/vạn dân", True),
        ("tỷ lệ bác sỹ/vạn dân", "Số bác sỹ/vạn dân", True),
        ("Tỷ lệ dân số đô thị", "tỷ lệ dân số đô thị", True),
        (
            "Tỷ lệ dân số đô thị (dân số đô thị tại các khu vực đã được công nhận đô thị)",
            "tỷ lệ dân số đô thị",
            True,
        ),
        (
            "Tỷ lệ hộ ở khu vực nông thôn được sử dụng nước sạch",
            "Tỷ lệ hộ nông thôn được sử dụng nước sạch đạt quy chuẩn 02/BYT",
            True,
        ),
        (
            "tỷ lệ dân số đô thị",
            "Tỷ lệ dân số đô thị loại IV được cấp nước sạch từ hệ thống cấp nước tập trung",
            False,
        ),
        ("Số giường bệnh/vạn dân", "Số bác sỹ/vạn dân", False),
        ("Tỷ lệ hộ nghèo", "Tỷ lệ lao động qua đào tạo", False),
        ("Tổng thu ngân sách nhà nước", "Thu nội địa", False),
        ("Tỷ lệ", "Số", False),  # nothing measured: never the same
        ("", "Tỷ lệ hộ nghèo", False),
    ],
)
def test_same_indicator(a: str, b: str, same: bool) -> None:
    assert same_indicator(a, b) is same
    assert same_indicator(b, a) is same


WASTE = "Tỷ lệ thu gom và xử lý chất thải rắn sinh hoạt đạt quy chuẩn môi trường"
OWN_DOCUMENT = {"number": "99/KH-UBND", "issued_on": "2025-03-01", "title": "Kế hoạch thử"}


def target(**fields: Any) -> dict[str, Any]:
    return {
        "indicator": "Số giường bệnh/vạn dân",
        "comparator": "eq",
        "value": 45,
        "low": None,
        "high": None,
        "unit": "giường bệnh/vạn dân",
        "year": 2025,
        "scope": None,
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "figures"),
    [
        ({}, [("eq 45 giường bệnh/vạn dân", "eq 52 giường bệnh/vạn dân")]),
        ({"value": 52}, []),  # the same figure
        ({"year": 2026}, []),  # another year
        ({"year": None}, []),  # no year: nothing to compare
        ({"value": None}, []),  # no figure
        ({"unit": "giường bệnh"}, []),  # another unit
        (
            {"unit": "GIƯỜNG BỆNH/VẠN DÂN"},
            [("eq 45 GIƯỜNG BỆNH/VẠN DÂN", "eq 52 giường bệnh/vạn dân")],
        ),
        ({"scope": "khu vực nông thôn"}, []),  # a scope the loaded target does not have
        (
            {"comparator": "range", "value": None, "low": 50, "high": 55},
            [("50-55 giường bệnh/vạn dân", "eq 52 giường bệnh/vạn dân")],
        ),
        (
            {"comparator": "gte", "value": 52},
            [("gte 52 giường bệnh/vạn dân", "eq 52 giường bệnh/vạn dân")],
        ),
        # the loaded plan sets 98 % for towns and 80 % for the countryside
        (
            {"indicator": WASTE, "unit": "%", "value": 80, "scope": "khu vực đô thị"},
            [("eq 80 %", "eq 98 %")],
        ),
        ({"indicator": WASTE, "unit": "%", "value": 80, "scope": "khu vực nông thôn"}, []),
        ({"indicator": WASTE, "unit": "%", "value": 80, "scope": "miền núi"}, []),
    ],
)
def test_conflicts_need_the_same_indicator_year_unit_and_scope(
    register: None, fields: dict[str, Any], figures: list[tuple[str, str]]
) -> None:
    import_plan(planfile.loads(PLAN_01.read_bytes()))
    found = find_conflicts([target(**fields)], document=OWN_DOCUMENT)
    assert [(c.ours, c.theirs) for c in found] == figures
    assert all(c.plan == "Chương trình hành động 01/CTr-UBND" for c in found)


def test_a_target_of_the_document_being_read_is_not_compared_with_itself(register: None) -> None:
    import_plan(planfile.loads(PLAN_01.read_bytes()))
    own = {"number": "01/CTr-UBND", "issued_on": "2025-01-17", "title": None}
    assert find_conflicts([target()], document=own) == []
    # the same number issued another year is another document
    assert len(find_conflicts([target()], document={**own, "issued_on": "2024-01-10"})) == 1


def test_no_targets_to_compare_makes_no_query(db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert find_conflicts([target(year=None), target(value=None)], document=OWN_DOCUMENT) == []


# ------------------------------------------------------------------ the demo


def test_the_demo_reads_both_seed_documents_and_notes_their_conflicts(db: None) -> None:
    results, _ = setup_demo(from_documents=True)
    by_number = {r.plan.document.number or "NQ12": r.plan for r in results}
    expected = {"01/CTr-UBND": (27, 61), "NQ12": (56, 125)}
    for number, (targets, tasks) in expected.items():
        plan = by_number[number]
        assert Target.objects.filter(plan=plan).count() == targets, number
        assert Task.objects.filter(plan=plan).count() == tasks, number
    nq12 = Plan.objects.get(pk=by_number["NQ12"].pk)
    for name, (words, here, there) in NQ12_AGAINST_01.items():
        found = note_for(nq12.notes, words)
        assert len(found) == 1, (name, nq12.notes)
        assert found[0].endswith(f"is {here} here but {there} {IN_01}")
    assert all(flagged for flagged, _ in nq12.notes_marked)

    before = (Plan.objects.count(), Target.objects.count(), Task.objects.count())
    users = User.objects.count()
    notes = list(nq12.notes)
    setup_demo(from_documents=True)
    assert (Plan.objects.count(), Target.objects.count(), Task.objects.count()) == before
    assert User.objects.count() == users
    assert Plan.objects.get(pk=nq12.pk).notes == notes  # not noted twice
