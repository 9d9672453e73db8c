"""Reviewing a draft plan beside its document: highlights, item keys, problems.

The source pane shows the document's normalised text with every extracted item marked.
Items nest (a target inside a task's paragraph) and overlap (a deadline sentence that runs
into the next task), so the text is cut into flat *segments* wherever the set of items
covering it changes, and each covered segment becomes one ``<mark>`` listing its items.
Every piece of document text is escaped here; nothing from the document reaches the page
unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# The four kinds of item the source pane marks, from the widest (a task's paragraph) to the
# narrowest, which is also the order of the CSS classes (a narrower colour wins).
KINDS = ("task", "reporting", "deadline", "target")
PLAN_KEYS = {
    "target": "targets",
    "task": "tasks",
    "reporting": "reporting",
    "deadline": "deadlines",
}
ID_PREFIX = {"target": ("T", 2), "task": ("K", 3)}


@dataclass(frozen=True)
class Span:
    """One item's place in the text: ``key`` is unique on the page (``target-T03``)."""

    key: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A stretch of text covered by the same items (none for plain text).

    ``keys`` are ordered outermost first; ``first_of`` are the items that begin here.
    """

    start: int
    end: int
    keys: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    first_of: tuple[str, ...] = ()


def segments(length: int, spans: Iterable[Span]) -> list[Segment]:
    """Cut ``[0, length)`` into segments where the set of covering spans changes.

    Spans are clamped to the text; empty ones are ignored. Adjacent segments with the same
    items are merged, so the result alternates between plain text and marked runs only where
    something changes.
    """
    valid: list[Span] = []
    for span in spans:
        start, end = max(0, min(span.start, length)), max(0, min(span.end, length))
        if start < end:
            valid.append(Span(span.key, span.kind, start, end))
    if length <= 0:
        return []
    # outermost first: earlier start, then longer
    order = {s.key: i for i, s in enumerate(sorted(valid, key=lambda s: (s.start, -s.end)))}
    bounds = sorted({0, length, *(s.start for s in valid), *(s.end for s in valid)})
    starting: dict[int, list[Span]] = {}
    ending: dict[int, list[Span]] = {}
    for span in valid:
        starting.setdefault(span.start, []).append(span)
        ending.setdefault(span.end, []).append(span)

    active: dict[str, Span] = {}
    result: list[Segment] = []
    for a, b in pairwise(bounds):
        for span in ending.get(a, []):
            active.pop(span.key, None)
        begun = starting.get(a, [])
        for span in begun:
            active[span.key] = span
        covering = sorted(active.values(), key=lambda s: order[s.key])
        keys = tuple(s.key for s in covering)
        kinds = tuple(k for k in KINDS if any(s.kind == k for s in covering))
        first = tuple(s.key for s in sorted(begun, key=lambda s: order[s.key]))
        if result and result[-1].keys == keys and not first:
            result[-1] = replace(result[-1], end=b)
        else:
            result.append(Segment(a, b, keys, kinds, first))
    return result


def highlight(text: str, spans: Iterable[Span]) -> SafeString:
    """The text as HTML, every covered segment a ``<mark>`` naming its items.

    The first segment of each item carries ``id="src-<key>"`` (or, when several items begin
    at the same place, an empty anchor before the mark holds the others' ids).
    """
    parts: list[str] = []
    for segment in segments(len(text), spans):
        chunk = escape(text[segment.start : segment.end])
        if not segment.keys:
            parts.append(chunk)
            continue
        first, *others = segment.first_of or ("",)
        for key in others:
            parts.append(format_html('<span class="src-anchor" id="src-{}"></span>', key))
        classes = " ".join(["hl", *(f"hl-{kind}" for kind in segment.kinds)])
        if len(segment.keys) > 1:
            classes += " hl-many"
        if first:
            parts.append(
                format_html(
                    '<mark class="{}" data-items="{}" id="src-{}" tabindex="-1">{}</mark>',
                    classes,
                    " ".join(segment.keys),
                    first,
                    chunk,
                )
            )
        else:
            parts.append(
                format_html(
                    '<mark class="{}" data-items="{}">{}</mark>',
                    classes,
                    " ".join(segment.keys),
                    chunk,
                )
            )
    return mark_safe("".join(parts))  # every piece above is escaped


# ------------------------------------------------------------------ items of a draft


@dataclass(frozen=True)
class Item:
    """An item of the draft as the review page names it."""

    kind: str
    index: int
    key: str  # unique on the page, safe in an id and a space-separated list
    label: str  # T03, K012, R1, D2
    data: dict[str, Any]

    @property
    def span(self) -> tuple[int, int] | None:
        return _span(self.data.get("span"))

    @property
    def row_id(self) -> str:
        return f"row-{self.key}"

    @property
    def day(self) -> str:
        """A deadline's date as ``dd/mm/yyyy`` (as written when it is no ISO date)."""
        return dmy(self.data.get("date"))


def dmy(value: Any) -> str:
    """``2025-02-05`` → ``05/02/2025``; anything else as it is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return "" if value is None else str(value)


def references(plan: dict[str, Any], key: str) -> list[dict[str, str]]:
    """The documents a draft implements or cites, dates written ``dd/mm/yyyy``."""
    refs = plan.get(key) if isinstance(plan, dict) else None
    return [
        {
            "number": str(ref.get("number") or ""),
            "date": dmy(ref.get("date")),
            "issuer": str(ref.get("issuer") or ""),
        }
        for ref in (refs if isinstance(refs, list) else [])
        if isinstance(ref, dict)
    ]


def _span(value: Any) -> tuple[int, int] | None:
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[0] < value[1]
    ):
        return (value[0], value[1])
    return None


def _safe_key(text: str) -> str:
    return re.sub(r"[^\w-]", "_", text) or "_"


def draft_items(plan: dict[str, Any]) -> dict[str, list[Item]]:
    """The targets, tasks, reporting duties and deadlines of a draft plan, with keys."""
    result: dict[str, list[Item]] = {}
    used: set[str] = set()
    for kind in ("target", "task", "reporting", "deadline"):
        raw = plan.get(PLAN_KEYS[kind]) if isinstance(plan, dict) else None
        items = []
        for index, data in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(data, dict):
                continue
            given = data.get("id") if kind in ID_PREFIX else None
            label = str(given) if given else f"{kind[0].upper()}{index + 1}"
            key = f"{kind}-{_safe_key(label)}"
            if key in used:
                key = f"{key}-{index + 1}"
            used.add(key)
            items.append(Item(kind, index, key, label, data))
        result[kind] = items
    return result


def item_spans(items: dict[str, list[Item]]) -> list[Span]:
    return [
        Span(item.key, kind, *item.span)
        for kind, kind_items in items.items()
        for item in kind_items
        if item.span
    ]


def assign_ids(items: Sequence[dict[str, Any]], kind: str, reserved: Iterable[str] = ()) -> None:
    """Give targets (``T01``…) and tasks (``K001``…) without an id the next free one, the way
    the import numbers them; ``reserved`` ids (of items dropped from a draft) are not reused."""
    prefix, width = ID_PREFIX[kind]
    used = {str(item["id"]) for item in items if item.get("id")} | set(reserved)
    n = 0
    for item in items:
        if item.get("id"):
            continue
        n += 1
        while f"{prefix}{n:0{width}d}" in used:
            n += 1
        item["id"] = f"{prefix}{n:0{width}d}"
        used.add(item["id"])


# ------------------------------------------------------------------ plan-file problems

_PLACE = re.compile(r"^(targets|tasks|reporting|deadlines)\[(\d+)\]")


@dataclass(frozen=True)
class Problem:
    """One plan-file error, with the row it concerns when it names one."""

    message: str
    item: Item | None = None
    section: str = ""  # "document", "targets" … for errors not about one item


def problems(errors: Iterable[str], items: dict[str, list[Item]]) -> list[Problem]:
    """Attach ``targets[2].low: …`` to the row of the third target."""
    by_place = {
        (PLAN_KEYS[kind], item.index): item
        for kind, kind_items in items.items()
        for item in kind_items
    }
    result = []
    for error in errors:
        match = _PLACE.match(error)
        if match:
            item = by_place.get((match.group(1), int(match.group(2))))
            result.append(Problem(error, item, match.group(1)))
        else:
            result.append(Problem(error, None, error.split(".", 1)[0].split(":", 1)[0]))
    return result
