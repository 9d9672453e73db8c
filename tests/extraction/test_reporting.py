"""The reporting regime and the other dated obligations of a plan."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from planwatch.extraction.agencies import AgencyMatcher
from planwatch.extraction.normalize import normalise
from planwatch.extraction.reporting import find_deadlines, find_reporting
from planwatch.extraction.structure import paragraphs

DEMO = Path(__file__).resolve().parents[2] / "planwatch" / "demo"
SEEDS = sorted(p.stem for p in (DEMO / "seeds").glob("*.txt"))


def reporting(raw: str) -> list[dict[str, Any]]:
    text = normalise(raw)
    found = find_reporting(text, paragraphs(text), AgencyMatcher.default())
    for entry in found:
        assert text[entry["span"][0] : entry["span"][1]] == entry["quote"]
    return found


def deadlines(raw: str) -> list[dict[str, Any]]:
    text = normalise(raw)
    found = find_deadlines(text, paragraphs(text))
    for entry in found:
        assert text[entry["span"][0] : entry["span"][1]] == entry["quote"]
    return found


def frequencies(raw: str) -> list[tuple[str, str | None]]:
    return [(r["frequency"], r["due"]) for r in reporting(raw)]


CLAUSE_01 = (
    "- Thực hiện chế độ báo cáo định kỳ hằng quý và cả năm về sở Kế hoạch và Đầu tư để tổng "
    "hợp chung báo cáo UBND tỉnh, báo cáo trước ngày 20 hàng tháng, hàng quý, 6 tháng, 9 tháng "
    "và báo cáo tổng kết năm 2025 gửi trước ngày 10/11/2025 và theo yêu cầu của UBND tỉnh."
)


def test_one_entry_per_frequency_of_a_clause() -> None:
    assert frequencies(CLAUSE_01) == [
        ("monthly", "trước ngày 20 hàng tháng"),
        ("quarterly", "trước ngày 20"),
        ("6-month", "trước ngày 20"),
        ("9-month", "trước ngày 20"),
        ("annual", "2025-11-10"),
        ("ad hoc", "theo yêu cầu của UBND tỉnh"),
    ]


def test_who_and_to_come_from_the_item_above_and_the_recipient() -> None:
    raw = (
        "1. Giám đốc, Thủ trưởng các sở, ban, ngành, Chủ tịch UBND các huyện, thành phố:\n"
        + CLAUSE_01
    )
    found = reporting(raw)
    assert {r["who"] for r in found} == {"Các sở, ban, ngành, UBND các huyện, thành phố"}
    assert {r["to"] for r in found} == {"Sở Kế hoạch và Đầu tư"}
    annual = next(r for r in found if r["frequency"] == "annual")
    assert annual["quote"] == "báo cáo tổng kết năm 2025 gửi trước ngày 10/11/2025"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Sở Kế hoạch và Đầu tư tổng hợp, báo cáo UBND tỉnh trước ngày 25 hằng tháng.",
            [("monthly", "trước ngày 25 hằng tháng")],
        ),
        (
            "Các sở, ngành báo cáo kết quả thực hiện định kỳ 6 tháng (trước ngày 10/6) và hằng "
            "năm (trước ngày 10/12) về Sở Kế hoạch và Đầu tư.",
            [("6-month", "trước ngày 10/6"), ("annual", "trước ngày 10/12")],
        ),
        (
            "Định kỳ hằng quý (trước ngày 15 của tháng cuối quý), 6 tháng (trước ngày 15/6), "
            "năm (trước ngày 15/12) các sở, ban, ngành báo cáo kết quả về Sở Tài chính.",
            [
                ("quarterly", "trước ngày 15"),
                ("6-month", "trước ngày 15/6"),
                ("annual", "trước ngày 15/12"),
            ],
        ),
        (
            "Thời gian gửi báo cáo: Báo cáo 6 tháng gửi trước ngày 15/6; báo cáo năm gửi "
            "trước ngày 15/12.",
            [("6-month", "trước ngày 15/6"), ("annual", "trước ngày 15/12")],
        ),
        (
            "Các sở định kỳ báo cáo kết quả gửi về Sở Kế hoạch và Đầu tư trước ngày 15 tháng "
            "12 hàng năm để tổng hợp, báo cáo UBND tỉnh.",
            [("annual", "trước ngày 15 tháng 12 hàng năm")],
        ),
        ("Sở Y tế báo cáo hàng quý về UBND tỉnh.", [("quarterly", None)]),
        (
            "Sở Tài chính báo cáo số thu 27.026 tỷ đồng về UBND tỉnh hằng tháng.",
            [("monthly", None)],  # a dot inside a number does not end the sentence
        ),
        ("Hằng quý, UBND các huyện, thành phố báo cáo UBND tỉnh.", [("quarterly", None)]),
        ("Báo cáo sơ kết 6 tháng và tổng kết năm.", [("6-month", None), ("annual", None)]),
        ("Sở Y tế báo cáo đột xuất khi có dịch bệnh.", [("ad hoc", None)]),
        ("Các sở báo cáo UBND tỉnh khi có yêu cầu.", [("ad hoc", "khi có yêu cầu")]),
        ("Định kỳ báo cáo kết quả thực hiện theo quy định.", [("ad hoc", "định kỳ theo quy định")]),
        (
            "Giao Sở Kế hoạch và Đầu tư định kỳ báo cáo kết quả thực hiện theo yêu cầu của các "
            "bộ, ngành Trung ương và phục vụ công tác chỉ đạo.",
            [("ad hoc", "theo yêu cầu của các bộ, ngành Trung ương")],
        ),
        (
            "Hiệp hội Doanh nghiệp tỉnh tăng cường khảo sát tại các doanh nghiệp (mỗi quý/lần) "
            "để nắm bắt tình hình, kịp thời báo cáo UBND tỉnh.",
            [("ad hoc", "kịp thời")],
        ),
        (
            "Các sở báo cáo tình hình thực hiện về Sở Tài chính trước ngày 10/12/2025.",
            [("ad hoc", "2025-12-10")],  # a single report on a calendar date
        ),
    ],
)
def test_frequencies(sentence: str, expected: list[tuple[str, str | None]]) -> None:
    assert frequencies(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Triển khai chế độ đặc thù, trợ cấp hàng tháng thanh niên xung phong.",
        "Triển khai trợ cấp hàng tháng cho người cao tuổi và báo cáo kết quả về Sở Y tế.",
        "Bảo đảm chi thường xuyên theo dự toán.",
        "Định kỳ hàng năm tổ chức điều tra, khảo sát thu thập thông tin số liệu.",
        "Tổ chức sơ kết 6 tháng đầu năm và tổng kết năm.",  # no report
        "Theo báo cáo của Cục Thống kê, 9 tháng năm 2024 GRDP tăng 6%.",
        "Tham mưu UBND tỉnh báo cáo cơ quan có thẩm quyền ban hành mức học phí hằng năm.",
        "Lựa chọn báo cáo viên tuyên truyền hằng tháng.",
        "Xây dựng kế hoạch hằng năm và báo cáo kết quả về Sở Nội vụ.",
        "Thẩm định báo cáo đánh giá tác động môi trường của dự án hằng năm.",
        "Tổ chức cứu trợ đột xuất kịp thời khi có thiên tai.",
        "Sở Tài chính báo cáo UBND tỉnh xem xét, quyết định.",  # no period, no date
    ],
)
def test_not_reporting(sentence: str) -> None:
    assert reporting(sentence) == []


def test_subject_is_not_a_place_or_a_recipient() -> None:
    raw = (
        "(5) Hiệp hội doanh nghiệp tỉnh đẩy mạnh xúc tiến thương mại; Tăng cường khảo sát trực "
        "tiếp tại các doanh nghiệp (mỗi quý/lần) để nắm bắt tình hình, kịp thời báo cáo UBND tỉnh."
    )
    [entry] = reporting(raw)
    assert entry["who"] == "Hiệp hội Doanh nghiệp tỉnh"
    assert entry["to"] == "Ủy ban nhân dân tỉnh Vĩnh Phúc"


# ---------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("sentence", "date", "what"),
    [
        (
            "- Xây dựng và ban hành Kế hoạch của cơ quan, đơn vị trước ngày 05/02/2025 trong đó "
            "xác định rõ mục tiêu.",
            "2025-02-05",
            "Xây dựng và ban hành Kế hoạch của cơ quan, đơn vị",
        ),
        (
            "Sở Tài chính trình UBND tỉnh trước ngày 15/3/2025 dự thảo Quyết định.",
            "2025-03-15",
            "Sở Tài chính trình UBND tỉnh",
        ),
        (
            "Xây dựng Đề án trình HĐND tỉnh trước ngày 01 tháng 7 năm 2025.",
            "2025-07-01",
            "Xây dựng Đề án trình HĐND tỉnh",
        ),
        ("Hoàn thành trong tháng 6/2025 việc sắp xếp.", "2025-06-30", "Hoàn thành việc sắp xếp"),
        (
            "Các xã hoàn thành việc rà soát trong quý II/2025.",
            "2025-06-30",
            "Các xã hoàn thành việc rà soát",
        ),
        ("Trình UBND tỉnh trước tháng 6/2025.", "2025-05-31", "Trình UBND tỉnh"),
        ("Chậm nhất đến ngày 31/12/2025 phải hoàn thành.", "2025-12-31", "Phải hoàn thành"),
        (
            "Báo cáo tổng kết năm 2025 gửi trước ngày 10/11/2025.",
            "2025-11-10",
            "Báo cáo tổng kết năm 2025",
        ),
    ],
)
def test_deadlines(sentence: str, date: str, what: str) -> None:
    [entry] = deadlines(sentence)
    assert (entry["date"], entry["what"]) == (date, what)


@pytest.mark.parametrize(
    "sentence",
    [
        "Báo cáo gửi về Sở trước ngày 15 tháng 12 hàng năm.",  # recurs, no year
        "Báo cáo trước ngày 20 hàng tháng.",
        "Phấn đấu đến năm 2025 đạt 95%.",  # a target year
        "Trong năm 2025, hoàn thành xóa nhà tạm.",
        "Thực hiện Nghị quyết số 12-NQ/TU ngày 12/3/2020 của Tỉnh ủy.",  # a cited document
        "Ngày 12 tháng 3 năm 2020, Ban Chấp hành Đảng bộ tỉnh đã ra Nghị quyết.",
        "Tổ chức hội nghị trong ngày 05/02/2025.",
        "Hoàn thành trước ngày 31/02/2025.",  # no such day
    ],
)
def test_not_deadlines(sentence: str) -> None:
    assert deadlines(sentence) == []


def test_a_date_before_the_document_was_issued_is_not_a_deadline() -> None:
    raw = (
        "Số: 5/KH-UBND\nBắc Ninh, ngày 10 tháng 3 năm 2025\nKẾ HOẠCH\nVề X\n"
        "I. NỘI DUNG\n1. Các dự án khởi công trước ngày 01/01/2021 được ưu tiên; "
        "hoàn thành rà soát trước ngày 30/6/2025.\n"
    )
    assert [d["date"] for d in deadlines(raw)] == ["2025-06-30"]


# ---------------------------------------------------------------- the seed plans


def seed(stem: str) -> tuple[str, dict[str, Any]]:
    raw = (DEMO / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((DEMO / "plans" / f"{stem}.plan.json").read_text(encoding="utf-8"))
    return raw, gold


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_reporting(stem: str) -> None:
    raw, gold = seed(stem)
    found = reporting(raw)
    assert {r["frequency"] for r in found} == {r["frequency"] for r in gold["reporting"]}


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_deadlines(stem: str) -> None:
    raw, gold = seed(stem)
    assert sorted(d["date"] for d in deadlines(raw)) == sorted(d["date"] for d in gold["deadlines"])


def test_seed_reporting_details() -> None:
    raw, _ = seed("01-CTr-UBND-2025-vinh-phuc")
    found = {r["frequency"]: r for r in reporting(raw) if r["frequency"] != "ad hoc"}
    assert found["monthly"]["due"] == "trước ngày 20 hàng tháng"
    assert found["annual"]["due"] == "2025-11-10"
    assert found["monthly"]["who"] == "Các sở, ban, ngành, UBND các huyện, thành phố"
    assert found["monthly"]["to"] == "Sở Kế hoạch và Đầu tư"

    raw, _ = seed("KH-NQ12-TU-2020-vinh-phuc")
    annual = next(r for r in reporting(raw) if r["frequency"] == "annual")
    assert annual["due"] == "trước ngày 15 tháng 12 hàng năm"
    assert annual["who"] == "Các sở, ban, ngành, đoàn thể, UBND các huyện, thành phố"


def test_speed_on_a_long_text() -> None:
    raw = "\n\n".join(seed(stem)[0] for stem in SEEDS)  # about 115,000 characters normalised
    text = normalise(raw)
    paras = paragraphs(text)
    matcher = AgencyMatcher.default()
    find_reporting(text, paras, matcher)
    started = time.perf_counter()
    find_reporting(text, paras, matcher)
    find_deadlines(text, paras)
    assert time.perf_counter() - started < 0.5  # typically well under 10 ms each
