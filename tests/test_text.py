"""Vietnamese text helpers: numbers, folding, document numbers, dates (no database)."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal

import pytest

from planwatch.text import (
    fold,
    fold_words,
    format_dmy,
    format_number,
    normalise_doc_number,
    parse_dmy,
    parse_number,
    squash,
    strip_diacritics,
)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("27.026", Decimal("27026")),
        ("87,5", Decimal("87.5")),
        ("0,3", Decimal("0.3")),
        ("1.234.567,8", Decimal("1234567.8")),
        ("1.234.567", Decimal("1234567")),
        ("1.000", Decimal("1000")),
        ("100", Decimal("100")),
        ("16.3", Decimal("16.3")),
        ("-2,5", Decimal("-2.5")),
        ("+4", Decimal("4")),
        (" 27.026 ", Decimal("27026")),
        ("1 234,5", Decimal("1234.5")),
    ],
)
def test_a_vietnamese_number_is_read_with_dots_for_thousands_and_a_comma_for_decimals(
    written: str, value: Decimal
) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize(
    "written", ["", "   ", "abc", "1,2,3", "12.34.56", "1.23,4", "1.234.5", "12,5%", "--3", "2,"]
)
def test_a_text_that_is_not_a_number_raises_value_error_quoting_it(written: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number(written)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (27026, "27.026"),
        (Decimal("87.5"), "87,5"),
        (80.0, "80"),
        (Decimal("80.000"), "80"),
        (0, "0"),
        (Decimal("0.3"), "0,3"),
        (-1234.5, "-1.234,5"),
        (Decimal("1234567.89"), "1.234.567,89"),
        (Decimal("1E+3"), "1.000"),
        (999, "999"),
    ],
)
def test_a_number_is_written_the_vietnamese_way(value: Decimal | float | int, written: str) -> None:
    assert format_number(value) == written


def test_format_number_takes_other_marks_for_english() -> None:
    assert format_number(Decimal("27026.5"), decimal_mark=".", group_mark=",") == "27,026.5"


@pytest.mark.parametrize(
    "written", ["27.026", "87,5", "0,3", "1.234.567,8", "-1.234,5", "999", "1.000"]
)
def test_a_formatted_number_reads_back_to_the_same_value(written: str) -> None:
    assert format_number(parse_number(written)) == written


def test_fold_lowers_case_drops_diacritics_and_squashes_spaces() -> None:
    assert fold("Hộ  NGHÈO") == "ho ngheo"
    assert fold("  Đồng bằng sông Hồng ") == "dong bang song hong"
    assert fold("ĐƯỜNG") == "duong"


def test_fold_reads_decomposed_text_like_composed_text() -> None:
    decomposed = unicodedata.normalize("NFD", "Vĩnh Phúc")
    assert decomposed != "Vĩnh Phúc"
    assert fold(decomposed) == fold("Vĩnh Phúc") == "vinh phuc"


def test_fold_keeps_punctuation_so_a_range_can_be_searched() -> None:
    assert fold("tăng 10-11%") == "tang 10-11%"


def test_fold_words_turns_punctuation_into_spaces() -> None:
    assert fold_words("Sở Văn hóa - Thể thao và Du lịch") == "so van hoa the thao va du lich"
    assert fold_words("Sở Văn hóa, Thể thao và Du lịch") == "so van hoa the thao va du lich"
    assert fold_words("Sở Văn hóa – Thể thao và Du lịch") == "so van hoa the thao va du lich"


def test_fold_words_reads_an_ampersand_as_va() -> None:
    assert fold_words("Sở KH&ĐT") == "so kh va dt"
    assert fold_words("Sở TN&MT") == fold_words("Sở TN và MT")


def test_strip_diacritics_keeps_case() -> None:
    assert strip_diacritics("Vĩnh Phúc, ĐÀ NẴNG") == "Vinh Phuc, DA NANG"


def test_squash_normalises_to_nfc_and_single_spaces() -> None:
    assert squash(unicodedata.normalize("NFD", "  Sở  Y\ttế \n")) == "Sở Y tế"


@pytest.mark.parametrize(
    "written",
    [
        "45/NQ-HĐND",
        "45/NQ- HĐND",
        "45/NQ - HĐND",
        "Số: 45/NQ - HĐND",
        "Số 45/NQ-HĐND",
        "SỐ: 45/NQ-HĐND",
        "45/NQ–HĐND",
        "45/NQ—HĐND.",
        unicodedata.normalize("NFD", "45/NQ-HĐND"),
    ],
)
def test_a_document_number_is_normalised_to_one_form(written: str) -> None:
    assert normalise_doc_number(written) == "45/NQ-HĐND"


def test_a_document_number_keeps_its_case_and_diacritics() -> None:
    assert normalise_doc_number("12-NQ/TU") == "12-NQ/TU"
    assert normalise_doc_number("01/CTr-UBND") == "01/CTr-UBND"


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("05/02/2025", date(2025, 2, 5)),
        ("5/2/2025", date(2025, 2, 5)),
        ("05-02-2025", date(2025, 2, 5)),
        ("05.02.2025", date(2025, 2, 5)),
        (" 29/02/2024 ", date(2024, 2, 29)),
    ],
)
def test_a_day_month_year_date_is_read(written: str, day: date) -> None:
    assert parse_dmy(written) == day


@pytest.mark.parametrize("written", ["30/02/2025", "29/02/2025", "32/01/2025", "01/13/2025"])
def test_a_date_that_does_not_exist_raises_value_error(written: str) -> None:
    with pytest.raises(ValueError):
        parse_dmy(written)


@pytest.mark.parametrize("written", ["2025-02-05", "05/02/25", "", "tháng 2/2025"])
def test_a_date_in_another_format_raises_value_error_quoting_it(written: str) -> None:
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_dmy(written)


def test_format_dmy_writes_day_first_with_leading_zeros() -> None:
    assert format_dmy(date(2025, 2, 5)) == "05/02/2025"
    assert parse_dmy(format_dmy(date(2025, 11, 10))) == date(2025, 11, 10)
