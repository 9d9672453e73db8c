"""Agency names as written in plans, matched to the shipped Vĩnh Phúc register."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from planwatch.organisations.actions import REGISTER_DIR, load_register_file
from planwatch.organisations.models import Agency, AgencyGroup
from planwatch.organisations.resolve import AgencyIndex, match_key, resolve_agency


@dataclass
class Indexes:
    today: AgencyIndex
    after_reform: AgencyIndex  # 2025-07-01: the districts are gone
    before_reform: AgencyIndex


@pytest.fixture(scope="module")
def indexes(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Indexes]:
    """Indexes of the shipped register, built once; the register rows are rolled back.

    An index holds the register in memory, so it answers names without the database.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_register_file(REGISTER_DIR / "vinh_phuc.json")
        built = Indexes(
            today=AgencyIndex.load(),
            after_reform=AgencyIndex.load(on=date(2025, 7, 1)),
            before_reform=AgencyIndex.load(on=date(2025, 6, 30)),
        )
        transaction.set_rollback(True)
    yield built


def code_of(index: AgencyIndex, name: str) -> str | None:
    target = index.resolve(name).target
    return target.code if target is not None else None


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Cục Thống kê tỉnh Vinh Phúc", "cuc-thong-ke"),
        ("UBND tỉnh Vinh Phúc", "ubnd-tinh"),
        ("Sở Y tế tỉnh Vinh Phuc", "so-y-te"),
    ],
)
def test_a_misspelt_province_name_still_resolves(indexes: Indexes, written: str, code: str) -> None:
    assert code_of(indexes.today, written) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("So Y te", "so-y-te"),
        ("so tai nguyen va moi truong", "so-tai-nguyen-va-moi-truong"),
        ("SO GIAO DUC VA DAO TAO", "so-giao-duc-va-dao-tao"),
        ("Uy ban nhan dan tinh Vinh Phuc", "ubnd-tinh"),
    ],
)
def test_a_name_without_diacritics_resolves(indexes: Indexes, written: str, code: str) -> None:
    assert code_of(indexes.today, written) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Sở KH&ĐT", "so-ke-hoach-va-dau-tu"),
        ("UBND tỉnh", "ubnd-tinh"),
        ("BQL các KCN", "ban-quan-ly-cac-khu-cong-nghiep"),
        ("Sở LĐ-TB&XH", "so-lao-dong-thuong-binh-va-xa-hoi"),
        ("Sở TN&MT", "so-tai-nguyen-va-moi-truong"),
        ("BHXH tỉnh", "bao-hiem-xa-hoi-tinh"),
        ("UBMTTQ tỉnh", "uy-ban-mat-tran-to-quoc-tinh"),
        ("Ban quản lý các khu công nghiệp", "ban-quan-ly-cac-khu-cong-nghiep"),
    ],
)
def test_an_abbreviated_name_resolves(indexes: Indexes, written: str, code: str) -> None:
    assert code_of(indexes.today, written) == code


@pytest.mark.parametrize(
    "written",
    [
        "Sở Văn hóa - Thể thao và Du lịch",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Văn hóa – Thể thao và Du lịch",
        "Sở Văn hoá, Thể thao và Du lịch",
        "Sở Văn hóa Thể thao và Du lịch.",
    ],
)
def test_punctuation_variants_of_a_name_resolve(indexes: Indexes, written: str) -> None:
    assert code_of(indexes.today, written) == "so-van-hoa-the-thao-va-du-lich"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Liên hiệp Hội phụ nữ", "hoi-lien-hiep-phu-nu-tinh"),
        ("Hội phụ nữ liên hiệp tỉnh", "hoi-lien-hiep-phu-nu-tinh"),
        ("Phát triển nông thôn và Nông nghiệp Sở", "so-nong-nghiep-va-phat-trien-nong-thon"),
    ],
)
def test_words_in_another_order_resolve(indexes: Indexes, written: str, code: str) -> None:
    assert code_of(indexes.today, written) == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Sở Tài nguyên và Môi truờng", "so-tai-nguyen-va-moi-truong"),
        ("Sở Giáo dục và Đào tao", "so-giao-duc-va-dao-tao"),
        ("Sở Tài nguyên và Môi trươmg", "so-tai-nguyen-va-moi-truong"),
        ("Sở Giáo dục và Đàp tạo", "so-giao-duc-va-dao-tao"),
        ("Sở Công Thươnh", "so-cong-thuong"),
        ("Sở Kế hoạch và Đầu tuw", "so-ke-hoach-va-dau-tu"),
    ],
)
def test_a_one_letter_typo_resolves(indexes: Indexes, written: str, code: str) -> None:
    resolution = indexes.today.resolve(written)
    assert resolution.target is not None and resolution.target.code == code


def test_a_fuzzy_match_says_so_with_its_score(indexes: Indexes) -> None:
    resolution = indexes.today.resolve("Sở Công Thươnh")
    assert resolution.method == "fuzzy"
    assert indexes.today.threshold <= resolution.score < 100


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Các sở, ban, ngành", "cac-so-ban-nganh"),
        ("Các sở, ban, ngành tỉnh", "cac-so-ban-nganh"),
        ("UBND các huyện, thành phố", "ubnd-cac-huyen-thanh-pho"),
        ("Ủy ban nhân dân các huyện, thành phố", "ubnd-cac-huyen-thanh-pho"),
        ("Các sở, ban, ngành, UBND các huyện, thành phố", "cac-so-ban-nganh-ubnd-huyen"),
    ],
)
def test_a_group_name_resolves_to_the_group(indexes: Indexes, written: str, code: str) -> None:
    resolution = indexes.today.resolve(written)
    assert resolution.agency is None
    assert isinstance(resolution.group, AgencyGroup)
    assert resolution.group.code == code


@pytest.mark.parametrize(
    "written", ["Công ty TNHH ABC", "Công ty cổ phần XYZ", "Bệnh viện Bạch Mai", "", "   ", "—"]
)
def test_a_name_far_from_every_agency_does_not_resolve(indexes: Indexes, written: str) -> None:
    resolution = indexes.today.resolve(written)
    assert not resolution.resolved
    assert resolution.target is None
    assert resolution.method == "unresolved"


def test_an_agency_resolves_to_an_agency_not_a_group(indexes: Indexes) -> None:
    resolution = indexes.today.resolve("Sở Y tế")
    assert isinstance(resolution.agency, Agency)
    assert resolution.group is None
    assert resolution.method == "exact"


def test_the_districts_are_left_out_after_they_were_dissolved(indexes: Indexes) -> None:
    assert code_of(indexes.before_reform, "UBND huyện Bình Xuyên") == "ubnd-huyen-binh-xuyen"
    assert code_of(indexes.today, "UBND huyện Bình Xuyên") == "ubnd-huyen-binh-xuyen"
    assert code_of(indexes.after_reform, "UBND huyện Bình Xuyên") is None
    assert code_of(indexes.after_reform, "UBND thành phố Vĩnh Yên") is None
    assert code_of(indexes.after_reform, "Sở Y tế") == "so-y-te"


def test_match_key_expands_abbreviations_and_drops_punctuation() -> None:
    assert match_key("UBND tỉnh") == "uy ban nhan dan tinh"
    assert match_key("BQL các KCN") == "ban quan ly cac khu cong nghiep"
    assert match_key("Sở Văn hóa - Thể thao") == match_key("Sở Văn hóa, Thể thao")


def test_resolve_agency_reads_the_register_from_the_database(register: None) -> None:
    found = resolve_agency("So Y te")
    assert found.agency is not None and found.agency.code == "so-y-te"
    assert resolve_agency("UBND huyện Yên Lạc", on=date(2025, 8, 1)).target is None
