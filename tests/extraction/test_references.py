"""Cited documents: the ones a plan implements and every other one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planwatch.extraction.metadata import find_document
from planwatch.extraction.normalize import normalise
from planwatch.extraction.references import DOC_NUMBER, find_references, issuer_name
from planwatch.extraction.structure import paragraphs
from planwatch.text import normalise_doc_number

DEMO = Path(__file__).resolve().parents[2] / "planwatch" / "demo"
SEEDS = sorted(p.stem for p in (DEMO / "seeds").glob("*.txt"))


def cited(raw: str, document: dict[str, Any] | None = None) -> tuple[list[dict], list[dict]]:
    text = normalise(raw)
    paras = paragraphs(text)
    return find_references(text, paras, document if document is not None else {})


def numbers(raw: str) -> list[str]:
    implements, references = cited(raw)
    return [r["number"] for r in implements + references]


@pytest.mark.parametrize(
    ("phrase", "number"),
    [
        ("Nghị quyết số 01/NQ-CP ngày 08/01/2025", "01/NQ-CP"),
        ("Nghị quyết số 45/NQ- HĐND", "45/NQ-HĐND"),
        ("Nghị quyết 45/NQ - HĐND của HĐND tỉnh", "45/NQ-HĐND"),
        ("Quyết định số 3105/QĐ-UBND", "3105/QĐ-UBND"),
        ("Công điện số 140/CĐ-TTg", "140/CĐ-TTg"),
        ("Nghị quyết số 74/2022/QH15", "74/2022/QH15"),
        ("Nghị định số 150/2020/NĐ-CP", "150/2020/NĐ-CP"),
        ("Quyết định số 26/2021/QĐTTg", "26/2021/QĐTTg"),  # as cited: hyphen missing
        ("Luật số 47/2019/QH14", "47/2019/QH14"),
        ("Thông tư số 01/2023/TT-BKHĐT", "01/2023/TT-BKHĐT"),
        ("Công văn số 1234/UBND-KT", "1234/UBND-KT"),
        ("Nghị quyết số 12-NQ/TU", "12-NQ/TU"),
        ("Kết luận số 93-KL/TW", "93-KL/TW"),
        ("Chương trình hành động số 46-CTr/TU", "46-CTr/TU"),
        ("Nghị quyết số 15- NQ/TU", "15-NQ/TU"),
        ("Đề án số 01-ĐA/TU", "01-ĐA/TU"),
        ("Quy định số 08-QĐi/TW", "08-QĐi/TW"),
        ("Nghị quyết số 14-NQ/CP", "14-NQ/CP"),
        ("Chỉ thị số 12/CT-UBND.", "12/CT-UBND"),
    ],
)
def test_document_numbers(phrase: str, number: str) -> None:
    assert numbers(phrase) == [number]


@pytest.mark.parametrize(
    "phrase",
    [
        "nước sạch đạt quy chuẩn 02/BYT",  # a technical standard
        "đạt QCVN 01:2021/BYT",
        "đạt 16,3 bác sỹ/vạn dân và 52 giường/vạn dân",
        "đạt 16/vạn dân",
        "thu nhập 80-85 triệu đồng/người/năm",
        "kỷ niệm Quốc khánh 2/9",
        "quy hoạch tỷ lệ 1/500",
        "phòng, chống dịch Covid-19",
        "điện thoại 0211.3862.555",
        "Tuyến đường Vành đai 5 - Thủ đô",
        "khảo sát mỗi quý/lần",
        "ngày 12/3/2020, năm 2025, giai đoạn 2021-2025",
        "Km 5/QL2",
    ],
)
def test_not_document_numbers(phrase: str) -> None:
    assert numbers(phrase) == []


@pytest.mark.parametrize(
    ("phrase", "date"),
    [
        ("Nghị quyết số 01/NQ-CP ngày 08/01/2025 của Chính phủ", "2025-01-08"),
        ("Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị", "2024-12-22"),
        ("Nghị quyết số 06-NQ/TW ngày 53 24/01/2022 của Bộ Chính trị", "2022-01-24"),  # page no.
        ("Nghị quyết số 14-NQ/CP ngày 08/2/2023", "2023-02-08"),
        ("Nghị quyết số 01/NQ-CP (sau đây gọi tắt là Nghị quyết) ngày 08/01/2025", "2025-01-08"),
        ("Quyết định số 522/QĐ-TTg và Kế hoạch", None),
        ("Nghị quyết số 06/2023/NQ-HĐND của HĐND tỉnh", None),
        ("Quyết định số 1/QĐ-UBND ngày 31/02/2024", None),  # no such day
    ],
)
def test_dates(phrase: str, date: str | None) -> None:
    _, references = cited(phrase)
    assert references[0]["date"] == date


def test_a_list_shares_the_date_after_it() -> None:
    _, references = cited("Nghị quyết số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017 của Ban Chấp hành")
    assert [(r["number"], r["date"]) for r in references] == [
        ("18-NQ/TW", "2017-10-25"),
        ("19-NQ/TW", "2017-10-25"),
    ]


def test_one_entry_per_number_and_a_later_mention_supplies_the_date() -> None:
    _, references = cited(
        "I. NỘI DUNG\nNghị quyết số 45/NQ- HĐND về kế hoạch. "
        "Thực hiện Nghị quyết số 45/NQ-HĐND ngày 12/12/2024 của HĐND tỉnh. "
        "Nghị quyết 45/NQ - HĐND ngày 01/01/2025."
    )
    assert references == [
        {"number": "45/NQ-HĐND", "date": "2024-12-12", "issuer": "Hội đồng nhân dân tỉnh"}
    ]


@pytest.mark.parametrize(
    ("phrase", "issuer"),
    [
        ("Nghị quyết số 01/NQ-CP ngày 08/01/2025 của Chính phủ về nhiệm vụ", "Chính phủ"),
        ("Quyết định số 213/QĐ-TTg ngày 01/3/2024 của Thủ tướng Chính phủ.", "Thủ tướng Chính phủ"),
        ("Kết luận số 93-KL/TW ngày 06/9/2024 của Bộ Chính trị về", "Bộ Chính trị"),
        (
            "Nghị quyết số 45/NQ-HĐND ngày 12/12/2024 của HĐND tỉnh và Công điện",
            "Hội đồng nhân dân tỉnh Vĩnh Phúc",
        ),
        (
            "Nghị quyết số 12-NQ/TU ngày 12/3/2020 của Ban Chấp hành Đảng bộ tỉnh khóa XVI về",
            "Ban Chấp hành Đảng bộ tỉnh Vĩnh Phúc",
        ),
        (
            "Chỉ thị số 36-CT/TU ngày 29/12/2022 của Ban Thường vụ Tỉnh ủy “về",
            "Ban Thường vụ Tỉnh ủy",
        ),
        ("Chỉ thị số 24/CT-UBND ngày 28/11/2023 về tăng cường", None),
        ("Quyết định số 1/QĐ-UBND ngày 2/3/2024 của tỉnh", None),
    ],
)
def test_issuers(phrase: str, issuer: str | None) -> None:
    _, references = cited(phrase, {"issuer": "Ủy ban nhân dân tỉnh Vĩnh Phúc"})
    assert references[0].get("issuer") == issuer


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("HĐND tỉnh", "Hội đồng nhân dân tỉnh Bắc Ninh"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh Bắc Ninh"),
        ("BCH Đảng bộ tỉnh", "Ban Chấp hành Đảng bộ tỉnh Bắc Ninh"),
        ("Chính phủ", "Chính phủ"),
    ],
)
def test_issuer_name(written: str, full: str) -> None:
    assert issuer_name(written, "Bắc Ninh") == full


PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 123/KH-UBND
Bắc Ninh, ngày 5 tháng 3 năm 2024
KẾ HOẠCH
Triển khai thực hiện Chương trình hành động số 46-CTr/TU ngày 27/3/2023 của Tỉnh ủy
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;
Căn cứ Nghị định số 09/2019/NĐ-CP ngày 15/02/2019 của Chính phủ quy định về chế độ báo cáo;
Thực hiện Nghị quyết số 30-NQ/TW ngày 23/11/2022 của Bộ Chính trị;
Xét đề nghị của Sở Kế hoạch và Đầu tư tại Tờ trình số 12/TTr-SKHĐT ngày 01/3/2024;
UBND tỉnh ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Tiếp tục thực hiện Kế hoạch số 52/KH-UBND ngày 27/2/2023 và Nghị quyết số 30-NQ/TW.
2. Báo cáo theo Kế hoạch số 123/KH-UBND.
"""


def test_implements_are_the_title_and_the_preambles_legal_basis() -> None:
    text = normalise(PLAN)
    paras = paragraphs(text)
    implements, references = find_references(text, paras, find_document(text, paras))
    assert [r["number"] for r in implements] == ["46-CTr/TU", "09/2019/NĐ-CP", "30-NQ/TW"]
    assert implements[0] == {"number": "46-CTr/TU", "date": "2023-03-27", "issuer": "Tỉnh ủy"}
    # a proposal ("Xét đề nghị … Tờ trình") is not legal basis; the own number is left out
    assert [r["number"] for r in references] == ["12/TTr-SKHĐT", "52/KH-UBND"]


def test_the_preamble_narrative_introducing_the_resolution() -> None:
    raw = (
        "KẾ HOẠCH\nVề nâng cao thu nhập\n"
        "Ngày 12 tháng 3 năm 2020, Ban Chấp hành Đảng bộ tỉnh đã ra Nghị quyết số 12-NQ/TU "
        "về nâng cao thu nhập;\nĐể thực hiện Nghị quyết, UBND tỉnh ban hành Kế hoạch như sau:\n"
        "I. MỤC ĐÍCH\n1. Thực hiện Nghị quyết số 10-NQ/TU ngày 20/10/2019.\n"
    )
    implements, references = cited(raw, {"title": "Về nâng cao thu nhập"})
    assert [r["number"] for r in implements] == ["12-NQ/TU"]
    assert [r["number"] for r in references] == ["10-NQ/TU"]


def test_title_names_implemented_documents_only_after_thuc_hien() -> None:
    document = {"title": "Sửa đổi Kế hoạch số 12/KH-UBND để thực hiện Nghị quyết số 5/NQ-HĐND"}
    implements, _ = cited("Nội dung.", document)
    assert implements == [{"number": "5/NQ-HĐND", "date": None}]


def test_doc_number_pattern_is_anchored() -> None:
    assert [m.group() for m in DOC_NUMBER.finditer("ĐT.305/ĐT-310 và A12/QĐ-UBND")] == []


# ---------------------------------------------------------------- the seed plans


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_references(stem: str) -> None:
    raw = (DEMO / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((DEMO / "plans" / f"{stem}.plan.json").read_text(encoding="utf-8"))
    text = normalise(raw)
    paras = paragraphs(text)
    implements, references = find_references(text, paras, find_document(text, paras))

    def table(entries: list[dict[str, Any]]) -> dict[str, str | None]:
        return {normalise_doc_number(e["number"]): e["date"] for e in entries}

    assert table(implements) == table(gold["implements"])
    assert table(references) == table(gold["references"])
    gold_issuers = {normalise_doc_number(e["number"]): e["issuer"] for e in gold["implements"]}
    assert {normalise_doc_number(e["number"]): e.get("issuer") for e in implements} == gold_issuers
