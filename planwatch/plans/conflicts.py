"""Plans that contradict each other: the same indicator and year with different figures.

The 2020 plan and the 2025 programme of one province can set different bed and doctor
ratios for 2025; planwatch shows both and says so, never picking one silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q

from planwatch.plans.models import Target
from planwatch.text import fold_words


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


def find_conflicts(
    targets: list[dict[str, Any]], *, exclude_document: str | None = None
) -> list[Conflict]:
    """Targets of a draft whose indicator and year a loaded plan sets to another figure."""
    wanted = [
        t
        for t in targets
        if t.get("year") and (t.get("value") is not None or t.get("low") is not None)
    ]
    if not wanted:
        return []
    keys = {fold_words(t["indicator"])[:300] for t in wanted}
    years = {t["year"] for t in wanted}
    loaded = Target.objects.filter(indicator__key__in=keys, year__in=years).select_related(
        "indicator", "plan__document"
    )
    if exclude_document:
        loaded = loaded.exclude(Q(plan__document__number=exclude_document))
    by_key: dict[tuple[str, int], list[Target]] = {}
    for row in loaded:
        by_key.setdefault((row.indicator.key, row.year or 0), []).append(row)
    conflicts = []
    for t in wanted:
        ours = _figure(t["comparator"], t.get("value"), t.get("low"), t.get("high"), t.get("unit"))
        for row in by_key.get((fold_words(t["indicator"])[:300], t["year"]), []):
            theirs = _figure(row.comparator, row.value, row.low, row.high, row.unit)
            if theirs != ours:
                conflicts.append(Conflict(t["indicator"], t["year"], ours, theirs, str(row.plan)))
    return conflicts
