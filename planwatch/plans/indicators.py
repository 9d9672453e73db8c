"""What can be told of an indicator from its name alone (pure functions)."""

from __future__ import annotations

import re

from planwatch.text import fold

# Indicators for which less is better: rates that must fall.
_LOWER_IS_BETTER = re.compile(
    r"ho ngheo|ho can ngheo|that nghiep|tu vong|suy dinh duong|thap coi|nhe can|"
    r"tai nan|o nhiem|ngheo da chieu|no dong|no xau|toi pham|xam hai|chi so gia|lam phat|"
    r"benh khong lay|nha tam|dot nat|tieu hao nang luong|phat thai"
)
# Indicators whose monthly figures add up to the year's figure.
_CUMULATIVE = re.compile(
    r"thu ngan sach|thu noi dia|thu xuat nhap khau|chi ngan sach|von dau tu|giai ngan|"
    r"kim ngach|xuat khau|nhap khau|thu hut (von )?dau tu|fdi|ddi|doanh thu|tong muc ban le|"
    r"luot khach|so doanh nghiep thanh lap|giai quyet viec lam|tao viec lam|"
    r"lao dong duoc giai quyet"
)


def higher_is_better(indicator: str, comparator: str) -> bool | None:
    """Whether a higher figure is better: ``lte`` targets and falling rates say no."""
    if _LOWER_IS_BETTER.search(fold(indicator)) or comparator == "lte":
        return False
    if comparator in ("eq", "gte", "range", "approx"):
        return True
    return None


def is_cumulative(indicator: str, unit: str | None) -> bool:
    """Whether monthly figures accumulate to the year's (revenue, investment, disbursement)."""
    if unit and "%" in unit:
        return False
    return bool(_CUMULATIVE.search(fold(indicator)))
