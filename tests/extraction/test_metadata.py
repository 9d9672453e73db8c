"""The document's own particulars: number, kind, issuer, place, date, signer, title."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from planwatch.extraction.metadata import best_spelling, find_document
from planwatch.extraction.normalize import normalise
from planwatch.extraction.structure import paragraphs
from planwatch.text import fold, normalise_doc_number

DEMO = Path(__file__).resolve().parents[2] / "planwatch" / "demo"
SEEDS = sorted(p.stem for p in (DEMO / "seeds").glob("*.txt"))


def document(raw: str) -> dict[str, Any]:
    text = normalise(raw)
    return find_document(text, paragraphs(text))


HEADER = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}
{date_line}
{kind}
{title}
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;
UBND tỉnh ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
{signer}
"""


def header(**fields: str) -> str:
    values = {
        "number": "123/KH-UBND",
        "date_line": "Bắc Ninh, ngày 05 tháng 3 năm 2024",
        "kind": "KẾ HOẠCH",
        "title": "Triển khai thực hiện Nghị quyết số 10/NQ-HĐND ngày 12/12/2023 của HĐND tỉnh",
        "signer": "Nguyễn Văn An",
    }
    values.update(fields)
    return HEADER.format(**values)


def test_decree_30_header() -> None:
    assert document(header()) == {
        "number": "123/KH-UBND",
        "kind": "Kế hoạch",
        "issuer": "Ủy ban nhân dân tỉnh Bắc Ninh",
        "place": "Bắc Ninh",
        "issued_on": "2024-03-05",
        "signer": "Nguyễn Văn An",
        "title": "Triển khai thực hiện Nghị quyết số 10/NQ-HĐND ngày 12/12/2023 của HĐND tỉnh",
    }


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("123/KH-UBND", "123/KH-UBND"),
        ("01/CTr-UBND", "01/CTr-UBND"),
        ("45/NQ- HĐND", "45/NQ-HĐND"),
        ("10/2024/NQ-HĐND", "10/2024/NQ-HĐND"),
        ("12-NQ/TU", "12-NQ/TU"),
        ("/KH-UBND", None),  # an unnumbered draft
        ("     /QĐ-UBND", None),
    ],
)
def test_number(written: str, number: str | None) -> None:
    assert document(header(number=written))["number"] == number


@pytest.mark.parametrize(
    ("line", "place", "issued_on"),
    [
        ("Bắc Ninh, ngày 05 tháng 3 năm 2024", "Bắc Ninh", "2024-03-05"),
        ("Bắc Ninh, ngày 17/01/2025", "Bắc Ninh", "2025-01-17"),
        ("Thừa Thiên Huế, ngày 1 tháng 12 năm 2024", "Thừa Thiên Huế", "2024-12-01"),
        ("Bắc Ninh, ngày tháng năm 2020", "Bắc Ninh", None),  # blank date of a draft
        ("Bắc Ninh, ngày 31 tháng 2 năm 2024", "Bắc Ninh", None),  # no such day
        ("TP. Hồ Chí Minh, ngày 3 tháng 5 năm 2023", "TP. Hồ Chí Minh", "2023-05-03"),
        ("Độc lập - Tự do - Hạnh phúc Bắc Ninh, ngày 2/3/2024", "Bắc Ninh", "2024-03-02"),
    ],
)
def test_place_and_date(line: str, place: str, issued_on: str | None) -> None:
    found = document(header(date_line=line))
    assert (found["place"], found["issued_on"]) == (place, issued_on)


def test_place_typo_takes_the_provinces_spelling() -> None:
    # the register's province is Vĩnh Phúc; OCR dropped a diacritic
    found = document(header(date_line="Vinh Phúc, ngày 10 tháng 4 năm 2020"))
    assert found["place"] == "Vĩnh Phúc"
    # another province's name is kept as written
    assert document(header())["place"] == "Bắc Ninh"


def test_place_typo_takes_the_texts_own_spelling() -> None:
    raw = header(date_line="Bac Ninh, ngày 10 tháng 4 năm 2024") + "Người dân tỉnh Bắc Ninh.\n"
    assert document(raw)["place"] == "Bắc Ninh"


@pytest.mark.parametrize(
    ("written", "spelling"),
    [
        ("Vinh Phúc", "Vĩnh Phúc"),
        ("Bac Ninh", "Bắc Ninh"),
        ("Hà Nam", "Hà Nam"),  # not elsewhere in the text: kept
    ],
)
def test_best_spelling(written: str, spelling: str) -> None:
    text = "Vinh Phúc, ngày …; tỉnh Vĩnh Phúc; Bắc Ninh và bac ninh; Vĩnh Phúc."
    assert best_spelling(text, written) == spelling


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("KẾ HOẠCH", "Kế hoạch"),
        ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "Chương trình hành động"),
        ("QUYẾT ĐỊNH", "Quyết định"),
        ("NGHỊ QUYẾT", "Nghị quyết"),
        ("CHỈ THỊ", "Chỉ thị"),
        ("BÁO CÁO", "Báo cáo"),
        ("ĐỀ ÁN", "Đề án"),
    ],
)
def test_kind_line(line: str, kind: str) -> None:
    assert document(header(kind=line))["kind"] == kind


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("01/CTr-UBND", "Chương trình hành động"),
        ("02/KH-UBND", "Kế hoạch"),
        ("03/NQ-HĐND", "Nghị quyết"),
        ("04/QĐ-UBND", "Quyết định"),
        ("05/CT-UBND", "Chỉ thị"),
        ("06/BC-UBND", "Báo cáo"),
        ("07/TB-UBND", "Thông báo"),
        ("12-NQ/TU", "Nghị quyết"),
        ("/KH-UBND", "Kế hoạch"),
    ],
)
def test_kind_from_the_number_when_the_kind_line_is_lost(number: str, kind: str) -> None:
    assert document(header(number=number, kind="", title=""))["kind"] == kind


def test_kind_from_the_preamble() -> None:
    raw = (
        "Số: 7/UBND-TH\nNăm 2025 …; UBND tỉnh ban hành Chương trình hành động như sau:\n"
        "1. Mục đích\n"
    )
    assert document(raw)["kind"] == "Chương trình hành động"


@pytest.mark.parametrize(
    ("lines", "issuer"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH", "Ủy ban nhân dân tỉnh Bắc Ninh"),
        ("UBND TỈNH NGHỆ AN", "Ủy ban nhân dân tỉnh Nghệ An"),
        ("HỘI ĐỒNG NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG", "Hội đồng nhân dân thành phố Hải Phòng"),
        ("UBND TỈNH LÀO CAI\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ", "Sở Kế hoạch và Đầu tư"),  # the child issues
        ("TỈNH ỦY QUẢNG NINH", "Tỉnh ủy Quảng Ninh"),
        (
            "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Ủy ban nhân dân tỉnh Thái Bình",
        ),
    ],
)
def test_issuer_from_the_header(lines: str, issuer: str) -> None:
    raw = f"{lines}\nSố: 5/KH-UBND\nHà Nội, ngày 2 tháng 3 năm 2024\nKẾ HOẠCH\nVề việc X\n"
    assert document(raw)["issuer"] == issuer


def test_issuer_without_a_header_from_the_signature_and_the_place() -> None:
    raw = (
        "Số: /KH-UBND\nVinh Phúc, ngày tháng năm 2020\nKẾ HOẠCH\nThực hiện Nghị quyết\n"
        "I. MỤC ĐÍCH\nNội dung.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Trì\n"
    )
    found = document(raw)
    assert found["issuer"] == "Ủy ban nhân dân tỉnh Vĩnh Phúc"
    assert found["signer"] == "Nguyễn Văn Trì"


@pytest.mark.parametrize(
    ("block", "signer"),
    [
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Trì", "Nguyễn Văn Trì"),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nVũ Việt Văn", "Vũ Việt Văn"),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNGUYỄN VĂN ĐỆ", "Nguyễn Văn Đệ"),
        (
            "| Nơi nhận: - Như trên; - Lưu: VT. | TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Phan Ngọc Thọ |",
            "Phan Ngọc Thọ",
        ),
        ("TM. ỦY BAN NHÂN\nDÂN", None),  # truncated: no name
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)", None),
    ],
)
def test_signer(block: str, signer: str | None) -> None:
    raw = "Số: 5/KH-UBND\nKẾ HOẠCH\nVề việc X\nI. MỤC ĐÍCH\nNội dung.\nNơi nhận:\n- Lưu: VT.\n"
    raw += block + "\n"
    assert document(raw)["signer"] == signer


WEBSITE = """Kế hoạch 15/KH-UBND năm 2024 thực hiện Chỉ thị 05-CT/TU do tỉnh Hà Nam ban hành
Số hiệu | 15/KH-UBND |
Ngày ban hành | 20/02/2024 |
Loại văn bản | Văn bản khác |
Cơ quan ban hành | Tỉnh Hà Nam |
Người ký | Trương Quốc Huy |
ỦY BAN NHÂN DÂN |
Năm 2024 … UBND tỉnh ban hành Kế hoạch như sau:
1. Mục đích
TM. ỦY BAN NHÂN
DÂN |
"""


def test_website_metadata_table_is_the_fallback() -> None:
    found = document(WEBSITE)
    assert found["number"] == "15/KH-UBND"
    assert found["issued_on"] == "2024-02-20"
    assert found["signer"] == "Trương Quốc Huy"
    assert found["kind"] == "Kế hoạch"  # not the website's "Văn bản khác"
    assert found["issuer"] == "Ủy ban nhân dân tỉnh Hà Nam"
    # the website's title line without its prefix and its suffix
    assert found["title"] == "thực hiện Chỉ thị 05-CT/TU"


def test_kind_and_title_in_one_line_of_capitals() -> None:
    found = document(header(kind="KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT SỐ 01/NQ-CP", title=""))
    assert found["kind"] == "Kế hoạch"
    assert found["title"] == "Thực hiện nghị quyết số 01/NQ-CP"


def test_a_preamble_sentence_is_not_a_title() -> None:
    raw = header(title="Căn cứ Nghị quyết số 10/NQ-HĐND ngày 12/12/2023 của HĐND tỉnh;")
    assert document(raw)["title"] is None


def test_empty_text() -> None:
    assert document("") == {
        "number": None,
        "kind": None,
        "issuer": None,
        "place": None,
        "issued_on": None,
        "signer": None,
        "title": None,
    }


# ---------------------------------------------------------------- the seed plans


def seed(stem: str) -> tuple[dict[str, Any], dict[str, Any]]:
    raw = (DEMO / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((DEMO / "plans" / f"{stem}.plan.json").read_text(encoding="utf-8"))
    return document(raw), gold["document"]


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_document(stem: str) -> None:
    found, gold = seed(stem)
    assert normalise_doc_number(found["number"] or "") == normalise_doc_number(gold["number"] or "")
    for field in ("kind", "place", "signer", "issuer"):
        assert fold(found[field] or "") == fold(gold[field] or ""), field
    assert found["issued_on"] == gold["issued_on"]
    assert fold(found["title"]) == fold(gold["title"])


def test_seeds_are_there() -> None:
    assert len(SEEDS) == 2
