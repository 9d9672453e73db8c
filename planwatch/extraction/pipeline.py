"""The extractor's one entry point: a document in, a plan file out."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planwatch.extraction.agencies import AgencyMatcher
from planwatch.extraction.errors import ExtractionError
from planwatch.extraction.metadata import find_document
from planwatch.extraction.normalize import normalise
from planwatch.extraction.readers import read_document
from planwatch.extraction.references import find_references
from planwatch.extraction.reporting import find_deadlines, find_reporting
from planwatch.extraction.structure import paragraphs
from planwatch.extraction.targets import find_targets
from planwatch.extraction.tasks import find_tasks


@dataclass
class Extraction:
    """A draft plan: ``plan`` in the plan-file format, ``text`` the normalised document text
    that every ``span`` points into."""

    plan: dict[str, Any]
    text: str


def _lead_at(tasks: list[dict[str, Any]]) -> Callable[[int], str | None]:
    """The lead of the task whose text holds an offset (targets set inside a task)."""
    spans = sorted((t["span"][0], t["span"][1], t.get("lead")) for t in tasks if t.get("span"))
    starts = [s for s, _, _ in spans]

    def lead_at(offset: int) -> str | None:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and spans[i][0] <= offset < spans[i][1]:
            return spans[i][2]
        return None

    return lead_at


def extract_text(
    raw: str, *, name: str | None = None, matcher: AgencyMatcher | None = None
) -> Extraction:
    """Read a plan from the text of its document."""
    text = normalise(raw)
    if sum(ch.isalpha() for ch in text) < 20:
        raise ExtractionError("the document holds no text to read")
    matcher = matcher or AgencyMatcher.default()
    paras = paragraphs(text)
    document = find_document(text, paras, matcher=matcher)
    implements, references = find_references(text, paras, document)
    tasks = find_tasks(text, paras, matcher)
    targets = find_targets(text, paras, lead_at=_lead_at(tasks))
    plan = {
        "source": name,
        "document": document,
        "implements": implements,
        "references": references,
        "targets": targets,
        "tasks": tasks,
        "reporting": find_reporting(text, paras, matcher),
        "deadlines": find_deadlines(text, paras),
        "notes": [],
    }
    return Extraction(plan=plan, text=text)


def extract_file(
    source: str | Path | bytes, *, name: str | None = None, matcher: AgencyMatcher | None = None
) -> Extraction:
    """Read a plan from a document file (txt, md, docx, xlsx, pdf) or its bytes."""
    if name is None and not isinstance(source, bytes):
        name = Path(source).name
    return extract_text(read_document(source, name=name), name=name, matcher=matcher)
