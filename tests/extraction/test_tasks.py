"""Tasks: segmentation of the outline, lead and coordinating agencies, deadlines, recurrence."""

from __future__ import annotations

import pytest

from planwatch.extraction import extract_text
from planwatch.extraction.normalize import normalise
from planwatch.extraction.structure import paragraphs
from planwatch.extraction.tasks import find_tasks

PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 25/KH-UBND
Bắc Ninh, ngày 10 tháng 02 năm 2025
KẾ HOẠCH
Triển khai thực hiện Nghị quyết số 30/NQ-HĐND ngày 10/12/2024 của HĐND tỉnh
I. MỤC ĐÍCH, YÊU CẦU
1. Cụ thể hóa các nhiệm vụ của Nghị quyết thành các nhiệm vụ của các sở, ngành.
II. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU
1. Nhiệm vụ chung của các sở, ban, ngành, UBND các huyện, thành phố
a) Rà soát, cắt giảm thủ tục hành chính không cần thiết trong mọi lĩnh vực quản lý.
b) Đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước các cấp.
Thường xuyên cập nhật dữ liệu lên hệ thống thông tin báo cáo của tỉnh.
2. Nhiệm vụ cụ thể của các sở, ngành
2.1. Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Kho bạc Nhà nước tỉnh thực hiện:
- Tham mưu bố trí vốn đầu tư công năm 2025, hoàn thành trước ngày 31/3/2025.
- Đẩy nhanh giải ngân vốn đầu tư công, định kỳ hằng tháng báo cáo UBND tỉnh.
2.2. Sở Y tế
(1) Nâng cao chất lượng khám chữa bệnh tại tuyến cơ sở, phấn đấu đạt 35 giường bệnh/vạn dân.
(2) Hoàn thành đề án phát triển y tế cơ sở trong quý II năm 2025.
2.3. Nâng cao hiệu quả phối hợp
Hội Nông dân tỉnh, Hội Cựu chiến binh tỉnh tuyên truyền hội viên tham gia các mô hình sản xuất.
Các doanh nghiệp chủ động đổi mới công nghệ, nâng cao năng suất lao động.
III. TỔ CHỨC THỰC HIỆN
1. Giao Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này.
2. Các sở, ban, ngành tổ chức thực hiện nghiêm túc Kế hoạch./.
Nơi nhận:
- Như trên;
"""


@pytest.fixture(scope="module")
def tasks() -> list[dict]:
    return extract_text(PLAN).plan["tasks"]


def by_start(tasks: list[dict], words: str) -> dict:
    return next(t for t in tasks if t["text"].startswith(words))


def test_only_leaves_of_the_task_part_are_tasks(tasks):
    texts = [t["text"][:30] for t in tasks]
    assert len(tasks) == 10, texts
    assert not any(
        t["text"].startswith(("Cụ thể hóa", "NHIỆM VỤ", "Nhiệm vụ chung", "Nơi nhận"))
        for t in tasks
    )


def test_a_paragraph_without_label_continues_the_item_before_it(tasks):
    task = by_start(tasks, "Đẩy mạnh chuyển đổi số")
    assert task["text"].endswith("hệ thống thông tin báo cáo của tỉnh.")
    assert task["recurring"] is True


def test_items_take_the_agency_of_their_section_heading(tasks):
    assert (
        by_start(tasks, "Rà soát, cắt giảm")["lead"]
        == "Các sở, ban, ngành, UBND các huyện, thành phố"
    )
    assert by_start(tasks, "Tham mưu bố trí")["lead"] == "Sở Tài chính"
    assert by_start(tasks, "Nâng cao chất lượng khám")["lead"] == "Sở Y tế"


def test_the_coordinating_agencies_of_a_heading_pass_to_its_items(tasks):
    coordinating = by_start(tasks, "Tham mưu bố trí")["coordinating"]
    assert "Sở Xây dựng" in coordinating
    assert any("Kho bạc" in name for name in coordinating)


def test_an_item_that_opens_with_agencies_is_theirs(tasks):
    task = by_start(tasks, "Hội Nông dân tỉnh")
    assert task["lead"].startswith("Hội Nông dân")
    assert any(name.startswith("Hội Cựu chiến binh") for name in task["coordinating"])
    assert by_start(tasks, "Các doanh nghiệp chủ động")["lead"] == "Các doanh nghiệp"
    assert by_start(tasks, "Giao Sở Nội vụ")["lead"] == "Sở Nội vụ"


def test_plain_paragraphs_right_under_a_heading_are_tasks_of_their_own(tasks):
    assert (
        by_start(tasks, "Hội Nông dân tỉnh")["section"]
        != by_start(tasks, "Các doanh nghiệp")["section"]
    )


@pytest.mark.parametrize(
    ("words", "deadline", "recurring"),
    [
        ("Tham mưu bố trí", "2025-03-31", False),
        ("Đẩy nhanh giải ngân", None, True),
        ("Hoàn thành đề án", "2025-06-30", False),
        ("Rà soát, cắt giảm", None, False),
    ],
)
def test_deadlines_and_recurrence_are_read_from_the_task(tasks, words, deadline, recurring):
    task = by_start(tasks, words)
    assert task["deadline"] == deadline
    assert task["recurring"] is recurring


def test_the_closing_sentence_and_recipients_are_not_tasks(tasks):
    assert (
        by_start(tasks, "Các sở, ban, ngành tổ chức thực hiện nghiêm túc")["lead"]
        == "Các sở, ban, ngành"
    )
    assert not any("Như trên" in t["text"] for t in tasks)


def test_recurrent_spending_and_monthly_allowances_are_not_recurring_tasks():
    text = normalise(
        "II. NHIỆM VỤ, GIẢI PHÁP\n"
        "a) Tiết kiệm chi thường xuyên để tăng chi đầu tư phát triển.\n"
        "b) Chi trả trợ cấp hàng tháng đầy đủ, kịp thời cho đối tượng bảo trợ xã hội.\n"
        "c) Định kỳ kiểm tra việc thực hiện các dự án đầu tư công.\n"
    )
    tasks = find_tasks(text, paragraphs(text))
    assert [t["recurring"] for t in tasks] == [False, False, True]


def test_an_intro_with_an_inline_first_item_is_split():
    text = normalise(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Trên cơ sở Kế hoạch này, Thủ trưởng các sở, ban, ngành: - Xây dựng kế hoạch của cơ "
        "quan trước ngày 05/02/2025.\n"
        "- Báo cáo kết quả thực hiện định kỳ hằng quý.\n"
    )
    tasks = find_tasks(text, paragraphs(text))
    assert [t["text"][:15] for t in tasks] == ["Xây dựng kế hoạ", "Báo cáo kết quả"]
    assert tasks[0]["deadline"] == "2025-02-05"
    assert tasks[0]["lead"] == "Các sở, ban, ngành"


def test_a_heading_that_points_to_an_appendix_is_not_a_task():
    text = normalise(
        "II. NHIỆM VỤ, GIẢI PHÁP\n"
        "1. Nhiệm vụ chung\n"
        "a) Đẩy mạnh cải cách hành chính trong toàn tỉnh.\n"
        "2. Nhiệm vụ cụ thể của các sở, ngành\n"
        "(Chi tiết có phụ lục kèm theo)\n"
    )
    tasks = find_tasks(text, paragraphs(text))
    assert [t["text"] for t in tasks] == ["Đẩy mạnh cải cách hành chính trong toàn tỉnh."]


def test_a_task_table_is_read_column_by_column():
    text = normalise(
        "PHỤ LỤC NHIỆM VỤ\n"
        "| STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp "
        "| Thời gian hoàn thành | Sản phẩm |\n"
        "| 1 | Xây dựng đề án phát triển kinh tế đêm | Sở Văn hóa, Thể thao và Du lịch "
        "| Sở Công Thương | Quý III/2025 | Đề án |\n"
        "| 2 | Rà soát quy hoạch các khu công nghiệp | Ban Quản lý các Khu công nghiệp "
        "| Sở Xây dựng | 2025 | Báo cáo |\n"
    )
    tasks = find_tasks(text, paragraphs(text))
    assert [t["lead"] for t in tasks] == [
        "Sở Văn hóa, Thể thao và Du lịch",
        "Ban Quản lý các Khu công nghiệp tỉnh",
    ]
    assert tasks[0]["coordinating"] == ["Sở Công Thương"]
    assert tasks[0]["deadline"] == "2025-09-30"
    assert tasks[1]["deadline"] == "2025-12-31"
    assert tasks[0]["expected_output"] == "Đề án"
    for task in tasks:
        start, end = task["span"]
        assert text[start:end] == task["text"]


def test_spans_point_at_the_task_text(tasks):
    text = normalise(PLAN)
    for task in tasks:
        start, end = task["span"]
        assert " ".join(text[start:end].split()) == task["text"]
