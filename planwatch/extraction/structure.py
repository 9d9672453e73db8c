"""The paragraphs of a normalised text, with their item labels and character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LABELS = [
    ("roman", re.compile(r"^([IVXLC]+)\.(?=\s|$)\s*")),
    ("decimal", re.compile(r"^(\d+(?:\.\d+)*)\.(?=\s|$)\s*|^(\d+(?:\.\d+)+)(?=\s)\s*")),
    ("letter", re.compile(r"^([a-zđ])\)\s*")),
    ("paren", re.compile(r"^\((\d+)\)\s*|^(\d+)\)\s*")),
    ("dash", re.compile(r"^([-–•*])\s+")),
    ("plus", re.compile(r"^(\+)\s+")),
]


@dataclass(frozen=True)
class Paragraph:
    """One line of the normalised text. ``body`` is the text after the item label."""

    index: int
    start: int
    end: int
    text: str
    label: str = ""  # "II", "1.2", "a", "3", "-", "+" …
    kind: str = ""  # roman, decimal, letter, paren, dash, plus or ""
    body_start: int = 0

    @property
    def body(self) -> str:
        return self.text[self.body_start - self.start :]

    @property
    def level(self) -> int:
        """Depth of a decimal label: ``1.`` is 1, ``1.2.`` is 2."""
        return self.label.count(".") + 1 if self.kind == "decimal" else 0

    @property
    def is_upper(self) -> bool:
        """Written in capitals, as headings of the Decree 30/2020 layout are."""
        letters = [c for c in self.body if c.isalpha()]
        return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def paragraphs(text: str) -> list[Paragraph]:
    """Split a normalised text (one paragraph per line) into labelled paragraphs."""
    result: list[Paragraph] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        kind, label, body_start = "", "", start
        for name, pattern in _LABELS:
            match = pattern.match(line)
            if match:
                kind = name
                label = next(g for g in match.groups() if g is not None)
                body_start = start + match.end()
                break
        result.append(Paragraph(len(result), start, end, line, label, kind, body_start or start))
    return result
