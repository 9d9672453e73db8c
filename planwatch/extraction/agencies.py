"""Finding agency names in plan text and writing them the register's way.

Built from a register file (the JSON of ``planwatch/organisations/data``), so it needs no
database: every agency's and group's name, short name and aliases become patterns over the
folded text (lower case, no diacritics, any punctuation between words), longest first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from planwatch.text import AGENCY_ABBREVIATIONS, agency_key, fold_keep_length, without_province

DEFAULT_REGISTER = (
    Path(__file__).resolve().parent.parent / "organisations" / "data" / "vinh_phuc.json"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # canonical name
    is_group: bool


_TOKEN = re.compile(r"[0-9a-z]+|&")


def _tokens(folded: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Words of folded text with their offsets; ``&`` reads as ``va``."""
    return [
        ("va" if m.group() == "&" else m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(folded, start, len(folded) if end is None else end)
    ]


class AgencyMatcher:
    """Canonical names for agency mentions, from a register."""

    def __init__(self, register: dict[str, Any], *, threshold: float = 88):
        self.province = register.get("province", "")
        self.threshold = threshold
        self.canonical: dict[str, str] = {}  # agency_key of any form -> canonical name
        self.groups: set[str] = set()
        forms: list[tuple[str, str]] = []
        for entry, is_group in [(a, False) for a in register.get("agencies", [])] + [
            (g, True) for g in register.get("groups", [])
        ]:
            name = entry["name"]
            if is_group:
                self.groups.add(name)
            for form in [name, entry.get("short_name") or "", *entry.get("aliases", [])]:
                if form and len(agency_key(form)) >= 3:
                    self.canonical.setdefault(agency_key(form), name)
                    forms.append((form, name))
        self.keys = list(self.canonical)
        # a trie over the words of every written form, for scanning text
        self._trie: dict[str, Any] = {}
        for form, name in forms:
            words = [w for w, _, _ in _tokens(fold_keep_length(form))]
            if len(" ".join(words)) < 4:
                continue
            node = self._trie
            for word in words:
                node = node.setdefault(word, {})
            node.setdefault("", name)

    @classmethod
    def default(cls) -> AgencyMatcher:
        return _default_matcher()

    def is_group(self, name: str | None) -> bool:
        return name in self.groups

    def canonical_name(self, name: str) -> str | None:
        """The register's name for ``name``: exact on the folded form, else a close match."""
        key = agency_key(name)
        if not key:
            return None
        if key in self.canonical:
            return self.canonical[key]
        short = self._without_province(key)
        if short in self.canonical:
            return self.canonical[short]
        best = process.extractOne(short, self.keys, scorer=fuzz.ratio)
        if best and best[1] >= self.threshold:
            return self.canonical[best[0]]
        return None

    def _without_province(self, key: str) -> str:
        return without_province(key, agency_key(self.province) if self.province else "")

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Every agency or group named in ``text[start:end]``, left to right, longest first."""
        end = len(text) if end is None else end
        folded = fold_keep_length(text[start:end])
        words = [(w, s + start, e + start) for w, s, e in _tokens(folded)]
        mentions = []
        i = 0
        while i < len(words):
            node: dict[str, Any] | None = self._trie
            best = None
            for j in range(i, len(words)):
                node = node.get(words[j][0]) if node is not None else None
                if node is None:
                    break
                if "" in node:
                    best = (j, node[""])
            if best is None:
                i += 1
                continue
            j, name = best
            mentions.append(Mention(words[i][1], words[j][2], name, name in self.groups))
            i = j + 1
        return mentions


@lru_cache(maxsize=1)
def _default_matcher() -> AgencyMatcher:
    return AgencyMatcher(json.loads(DEFAULT_REGISTER.read_text(encoding="utf-8")))


__all__ = ["AGENCY_ABBREVIATIONS", "AgencyMatcher", "Mention"]
