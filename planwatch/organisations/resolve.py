"""Matching agency names written in documents to the agency register.

Names in plans come with typos, missing diacritics, abbreviations and other punctuation
("Vinh Phúc", "Sở KH&ĐT", "Sở Văn hóa - Thể thao và Du lịch"). :class:`AgencyIndex` reads
the register once and answers each name in three steps: an exact match of the name's
matching key against every name, short name and alias; the same after dropping the
province's name; then a fuzzy match above ``AGENCY_MATCH_THRESHOLD`` that must be clearly
better than the runner-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from rapidfuzz import fuzz, process

from planwatch.organisations.models import Agency, AgencyAlias, AgencyGroup
from planwatch.text import agency_key, without_province


def match_key(name: str) -> str:
    """The form two spellings of one agency name share (see :func:`planwatch.text.agency_key`)."""
    return agency_key(name)


@dataclass(frozen=True)
class Resolution:
    """The outcome for one name: an agency, a group, or neither (``method == "unresolved"``)."""

    name: str
    agency: Agency | None = None
    group: AgencyGroup | None = None
    method: str = "unresolved"  # exact, alias, province, fuzzy, unresolved
    score: float = 0.0

    @property
    def resolved(self) -> bool:
        return self.agency is not None or self.group is not None

    @property
    def target(self) -> Agency | AgencyGroup | None:
        return self.agency or self.group


class AgencyIndex:
    """An in-memory index of the register; build one per import, not per name."""

    def __init__(
        self,
        agencies: list[Agency],
        groups: list[AgencyGroup],
        aliases: list[AgencyAlias],
        *,
        province: str = "",
        threshold: int | None = None,
    ):
        self.threshold = threshold if threshold is not None else settings.AGENCY_MATCH_THRESHOLD
        self.province_words = match_key(province) if province else ""
        self.entries: dict[str, list[Agency | AgencyGroup]] = {}
        self.methods: dict[str, str] = {}
        for agency in agencies:
            for text in (agency.name, agency.short_name):
                self._add(text, agency, "exact")
        for group in groups:
            self._add(group.name, group, "exact")
        by_agency = {a.pk: a for a in agencies}
        by_group = {g.pk: g for g in groups}
        for alias in aliases:
            owner: Agency | AgencyGroup | None = None
            if alias.agency_id is not None:
                owner = by_agency.get(alias.agency_id)
            elif alias.group_id is not None:
                owner = by_group.get(alias.group_id)
            if owner is not None:
                self._add(alias.name, owner, "alias")
        # keys without the province's name ("Cục Thống kê tỉnh Vĩnh Phúc" ~ "Cục Thống kê tỉnh")
        for key, owners in list(self.entries.items()):
            short = self._without_province(key)
            if short != key and short not in self.entries:
                self.entries[short] = list(owners)
                self.methods[short] = "province"
        self.keys = list(self.entries)

    @classmethod
    def load(cls, *, on: date | None = None, province: str | None = None) -> AgencyIndex:
        """Index the register; with ``on``, agencies not in existence that day are left out."""
        agencies = [a for a in Agency.objects.all() if a.is_valid_on(on)]
        if province is None:
            province = getattr(settings, "PROVINCE_NAME", "")
        return cls(
            agencies,
            list(AgencyGroup.objects.all()),
            list(AgencyAlias.objects.all()),
            province=province or "",
        )

    def _add(self, text: str, owner: Agency | AgencyGroup, method: str) -> None:
        key = match_key(text or "")
        if not key:
            return
        owners = self.entries.setdefault(key, [])
        if not any(o is owner for o in owners):
            owners.append(owner)
        self.methods.setdefault(key, method)

    def _without_province(self, key: str) -> str:
        return without_province(key, self.province_words)

    def resolve(self, name: str) -> Resolution:
        key = match_key(name or "")
        if not key:
            return Resolution(name=name)
        for candidate in (key, self._without_province(key)):
            owners = self.entries.get(candidate)
            if owners:
                if len(owners) > 1:
                    return Resolution(name=name, method="ambiguous")
                return _resolution(name, owners[0], self.methods[candidate], 100.0)
        if not self.keys:
            return Resolution(name=name)
        short = self._without_province(key)
        matches = process.extract(short, self.keys, scorer=_score, limit=5)
        if not matches:
            return Resolution(name=name)
        best_key, best_score, _ = matches[0]
        if best_score < self.threshold:
            return Resolution(name=name, score=best_score)
        best_owners = self.entries[best_key]
        rivals = [m for m in matches[1:] if not _same(self.entries[m[0]], best_owners)]
        if len(best_owners) > 1 or (rivals and best_score - rivals[0][1] < 3):
            return Resolution(name=name, method="ambiguous", score=best_score)
        return _resolution(name, best_owners[0], "fuzzy", best_score)


def _score(a: str, b: str, **_: object) -> float:
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _same(left: list[Agency | AgencyGroup], right: list[Agency | AgencyGroup]) -> bool:
    return len(left) == len(right) == 1 and left[0] is right[0]


def _resolution(name: str, owner: Agency | AgencyGroup, method: str, score: float) -> Resolution:
    if isinstance(owner, AgencyGroup):
        return Resolution(name=name, group=owner, method=method, score=score)
    return Resolution(name=name, agency=owner, method=method, score=score)


def resolve_agency(name: str, on: date | None = None) -> Resolution:
    """Resolve one name (builds an index each call: use :class:`AgencyIndex` in loops)."""
    return AgencyIndex.load(on=on).resolve(name)
