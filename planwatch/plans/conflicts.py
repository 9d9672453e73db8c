"""Plans that contradict each other: the same indicator and year with different figures.

The 2020 plan and the 2025 programme of one province can set different bed and doctor
ratios for 2025; planwatch shows both and says so, never picking one silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import DatabaseError

from planwatch.extraction import Extraction, extract_file
from planwatch.plans.actions import document_key
from planwatch.plans.models import Target
from planwatch.text import fold


@dataclass(frozen=True)
class Conflict:
    indicator: str
    year: int
    ours: str
    theirs: str
    plan: str

    def note(self) -> str:
        return (
            f"Conflict: {self.indicator} ({self.year}) is {self.ours} here "
            f"but {self.theirs} in {self.plan}"
        )


def _figure(comparator: str, value: Any, low: Any, high: Any, unit: str | None) -> str:
    def num(x: Any) -> str:
        return format(Decimal(str(x)).normalize(), "f")

    unit = f" {unit}" if unit else ""
    if comparator == "range":
        return f"{num(low)}-{num(high)}{unit}"
    return f"{comparator} {num(value)}{unit}"


_LEADING = re.compile(r"^(?:ty le|so|tong so|tong|muc|chi so)\s+")


def indicator_key(name: str) -> str:
    """What an indicator measures, without the words that only say how: ``Tỷ lệ giường
    bệnh/vạn dân`` and ``Số giường bệnh/vạn dân`` agree."""
    key = re.sub(r"\([^)]*\)", " ", fold(name))
    return _LEADING.sub("", " ".join(key.split()))


def same_indicator(a: str, b: str) -> bool:
    """Most words of the shorter name are in the longer one, and the two share at least half
    of all their words: "dân số đô thị" is not "dân số đô thị … được cấp nước sạch"."""
    left, right = set(indicator_key(a).split()), set(indicator_key(b).split())
    if not left or not right:
        return False
    shared = len(left & right)
    return shared / min(len(left), len(right)) >= 0.7 and shared / len(left | right) >= 0.5


def find_conflicts(targets: list[dict[str, Any]], *, document: dict[str, Any]) -> list[Conflict]:
    """Targets of a draft whose indicator, year, unit and scope a loaded plan (other than the
    draft's own document) sets to another figure."""
    wanted = [
        t
        for t in targets
        if t.get("year") and (t.get("value") is not None or t.get("low") is not None)
    ]
    if not wanted:
        return []
    issued = document.get("issued_on")
    own_key = document_key(
        document.get("number"), int(issued[:4]) if issued else None, document.get("title")
    )
    loaded = (
        Target.objects.filter(year__in={t["year"] for t in wanted})
        .exclude(plan__document__key=own_key)
        .select_related("plan__document")
    )
    by_year: dict[int, list[Target]] = {}
    for row in loaded:
        if row.value is not None or row.low is not None:
            by_year.setdefault(row.year or 0, []).append(row)
    conflicts = []
    for t in wanted:
        ours = _figure(t["comparator"], t.get("value"), t.get("low"), t.get("high"), t.get("unit"))
        for row in by_year.get(t["year"], []):
            if fold(row.unit) != fold(t.get("unit") or "") or fold(row.scope) != fold(
                t.get("scope") or ""
            ):
                continue
            if not same_indicator(row.indicator_name, t["indicator"]):
                continue
            theirs = _figure(row.comparator, row.value, row.low, row.high, row.unit)
            if theirs != ours:
                conflicts.append(Conflict(t["indicator"], t["year"], ours, theirs, str(row.plan)))
    return conflicts


def read_plan_document(
    source: str | Path | bytes, *, name: str | None = None, compare: bool = True
) -> Extraction:
    """Read a plan document with the extractor and note, in the draft's ``notes``, every
    target whose indicator and year a loaded plan sets to another figure."""
    extraction = extract_file(source, name=name)
    if compare:
        plan = extraction.plan
        try:
            conflicts = find_conflicts(plan["targets"], document=plan["document"])
        except DatabaseError:
            conflicts = []  # no database yet: nothing to compare with
        plan["notes"].extend(c.note() for c in conflicts)
    return extraction
