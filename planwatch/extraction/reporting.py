"""The reporting regime a plan imposes, and its other dated obligations.

:func:`find_reporting` reads the sentences about reports (báo cáo) owed by a subject: who
reports, to whom, how often and by when::

    Thực hiện chế độ báo cáo định kỳ hằng quý và cả năm về Sở Kế hoạch và Đầu tư …, báo cáo
    trước ngày 20 hàng tháng, hàng quý, 6 tháng, 9 tháng và báo cáo tổng kết năm 2025 gửi
    trước ngày 10/11/2025 và theo yêu cầu của UBND tỉnh.

gives one entry per frequency: monthly (due "trước ngày 20 hàng tháng"), quarterly,
6-month, 9-month, annual (due 2025-11-10) and ad hoc. A frequency counts only where it
qualifies a report: "trợ cấp hàng tháng" (a monthly allowance) or a quarterly survey
(khảo sát mỗi quý) are not reporting. "Định kỳ báo cáo … theo quy định" with no period,
"theo yêu cầu", "đột xuất" and "kịp thời báo cáo" are ad hoc.

:func:`find_deadlines` reads obligations with a calendar date: "… trước ngày 05/02/2025",
"hoàn thành trong tháng 6/2025" (the last day of that month). Dates that recur without a
year ("trước ngày 15 tháng 12 hàng năm"), target years ("đến năm 2025") and dates of cited
documents are not deadlines.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from planwatch.extraction.agencies import AgencyMatcher, Mention
from planwatch.extraction.metadata import issued_on
from planwatch.extraction.structure import Paragraph

# ---------------------------------------------------------------- reporting

_REPORT = re.compile(r"\bbáo cáo\b", re.IGNORECASE)
# "báo cáo" that is not a reporting duty: a proposal to an authority, a project document
_NOT_A_REPORT_AFTER = re.compile(
    r"\s*(?:(?:các\s+)?(?:cơ quan|cấp)\s+có thẩm quyền|viên\b|đánh giá tác động|"
    r"nghiên cứu khả thi|kinh tế\s*-\s*kỹ thuật|tài chính\b|quyết toán|tham luận|"
    r"đề xuất\b|xin ý kiến)",
    re.IGNORECASE,
)
# "theo báo cáo của Cục Thống kê", "tại Báo cáo số …": a source, not a duty
_SOURCE_BEFORE = re.compile(r"\b(?:theo|tại|trong|nêu tại|như|căn cứ)\s+$", re.IGNORECASE)
_FREQUENCIES: list[tuple[str, re.Pattern[str]]] = [
    (
        "monthly",
        re.compile(r"\b(?:hằng|hàng|mỗi)\s+tháng\b|\b(?:báo cáo|định kỳ)\s+tháng\b", re.I),
    ),
    (
        "quarterly",
        re.compile(r"\b(?:hằng|hàng|mỗi|theo)\s+quý\b|\b(?:báo cáo|định kỳ)\s+quý\b", re.I),
    ),
    ("6-month", re.compile(r"\b(?:0?6|sáu)\s+tháng\b", re.I)),
    ("9-month", re.compile(r"\b(?:0?9|chín)\s+tháng\b", re.I)),
    (
        "annual",
        re.compile(
            r"\b(?:hằng|hàng|mỗi)\s+năm\b|\bcả\s+năm\b|\b(?:tổng kết|báo cáo|định kỳ)\s+năm\b|"
            r"\b(?:báo cáo|tổng kết)\s+(?:kết quả\s+)?(?:thực hiện\s+)?năm\s+(?:19|20)\d\d\b",
            re.I,
        ),
    ),
    (
        "ad hoc",
        re.compile(
            r"\bđột xuất\b|\b(?:theo|khi có|khi được)\s+yêu cầu\b|\bkịp thời\s+báo cáo\b|"
            r"\bbáo cáo\s+kịp thời\b",
            re.I,
        ),
    ),
]
# words between a report and a frequency that show the frequency belongs to something else
_BLOCKERS = re.compile(
    r"\b(?:khảo sát|điều tra|thu thập|trợ cấp|phụ cấp|lương|cứu trợ|kiểm tra|giám sát|"
    r"họp|giao ban|tập huấn|chi trả|thanh toán|cấp phát|nộp thuế|sinh hoạt|hỗ trợ|"
    r"tuyên truyền|đào tạo|bồi dưỡng)\b",
    re.IGNORECASE,
)
_PERIODIC = re.compile(r"\bđịnh kỳ\b", re.IGNORECASE)
_SENTENCE_STOP = re.compile(r"[.;!?]+(?=\s|$)")
_DUE_BEFORE = re.compile(
    r"trước\s+ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2}|\s*/\s*\d{1,2}(?!\s*/\s*\d))?\s*$", re.I
)
_DUE_AFTER = re.compile(
    r"\s*\(?\s*(?:gửi\s+)?(trước\s+ngày\s+\d{1,2}(?:\s*/\s*\d{1,2}|\s+tháng\s+\d{1,2})?)"
    r"(?!\s*(?:/|năm)\s*\d)",
    re.IGNORECASE,
)
_FULL_DATE = re.compile(
    r"(?:trước|chậm nhất(?:\s+là)?(?:\s+trước)?|hạn chót|xong trước)\s+(?:ngày\s+)?"
    r"(?P<d>\d{1,2})\s*(?:[/.-]\s*(?P<m1>\d{1,2})\s*[/.-]\s*|\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+)"
    r"(?P<y>\d{4})",
    re.IGNORECASE,
)
_RECIPIENT_BEFORE = re.compile(
    r"(?:\bvề|\bgửi|\bcho|\btới|\bđến|\bbáo cáo|\btrình|\bcủa|\bvới|\bphối hợp)\s*$",
    re.IGNORECASE,
)
_TO_BEFORE = re.compile(r"(?:\bvề|\bgửi|\bcho|\btới|\bbáo cáo|\btrình)\s*$", re.IGNORECASE)
_LIST_GAP = re.compile(r"^\s*(?:,|và|,\s*và)\s*(?:báo cáo\s+)?$", re.IGNORECASE)


@dataclass
class _Hit:
    frequency: str
    start: int
    end: int
    report: tuple[int, int] | None  # the "báo cáo" it qualifies
    due: str | None = None
    due_end: int = 0


def find_reporting(
    text: str, paras: Sequence[Paragraph], matcher: AgencyMatcher
) -> list[dict[str, Any]]:
    """The reporting regime: ``{"who", "to", "frequency", "due", "quote", "span"}`` for each
    frequency of each reporting sentence, in text order. ``quote == text[span[0]:span[1]]``."""
    result: list[dict[str, Any]] = []
    for p in paras:
        if not _REPORT.search(p.text):
            continue
        for s_start, s_end in _sentences(text, p):
            sentence = text[s_start:s_end]
            reports = [
                (s_start + m.start(), s_start + m.end())
                for m in _REPORT.finditer(sentence)
                if not _NOT_A_REPORT_AFTER.match(sentence, m.end())
                and not _SOURCE_BEFORE.search(sentence, max(0, m.start() - 12), m.start())
            ]
            if not reports:
                continue
            hits = _frequencies(text, s_start, s_end, reports)
            if not hits:
                continue
            mentions = _find(matcher, text, s_start, s_end)
            who = _subject(text, p, paras, mentions, matcher)
            to = _recipient(text, mentions, s_start, s_end)
            for hit in _one_per_frequency(hits):
                report = hit.report or (hit.start, hit.end)
                start, end = min(hit.start, report[0]), max(hit.end, hit.due_end)
                if report[0] > hit.start:
                    end = max(end, report[1])
                elif hit.frequency == "ad hoc" and hit.start - report[1] > 40:
                    start = hit.start  # "…, và theo yêu cầu của UBND tỉnh"
                    if text[start - 3 : start] == "và ":
                        start -= 3
                result.append(
                    {
                        "who": who,
                        "to": to,
                        "frequency": hit.frequency,
                        "due": hit.due,
                        "quote": text[start:end],
                        "span": [start, end],
                    }
                )
    return result


def _sentences(text: str, p: Paragraph) -> list[tuple[int, int]]:
    """The sentences (and ;-clauses) of a paragraph: a stop followed by a space or the end
    (``27.026`` and ``TP.HCM`` do not end one)."""
    spans = []
    start = p.body_start
    for stop in _SENTENCE_STOP.finditer(text, p.body_start, p.end):
        spans.append(_trim(text, start, stop.end()))
        start = stop.end()
    spans.append(_trim(text, start, p.end))
    return [(a, b) for a, b in spans if b > a]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t-–•+:":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


def _frequencies(text: str, s_start: int, s_end: int, reports: list[tuple[int, int]]) -> list[_Hit]:
    """The frequencies of a sentence that qualify one of its reports."""
    found: list[tuple[_Hit, bool]] = []  # (hit, is a bare "năm" of an enumeration)
    for frequency, pattern in _FREQUENCIES:
        for m in pattern.finditer(text, s_start, s_end):
            found.append((_Hit(frequency, m.start(), m.end(), None), False))
    for m in _BARE_YEAR.finditer(text, s_start, s_end):
        found.append((_Hit("annual", m.start(1), m.end(1), None), True))
    found.sort(key=lambda f: f[0].start)
    # "cả năm" inside "báo cáo năm" is one annual report: drop hits inside others
    found = [f for f in found if not any(_inside(f[0], o) for o, _ in found)]
    blocked = set()
    for i, (hit, _) in enumerate(found):
        if _BLOCKERS.search(text, max(s_start, hit.start - 25), hit.start):
            blocked.add(i)  # "trợ cấp hàng tháng", "khảo sát mỗi quý"
        else:
            hit.report = _report_for(text, hit.start, hit.end, reports)
    # an enumeration ("hàng tháng, hàng quý, 6 tháng (trước ngày 15/6), năm") shares a report
    chained = set()
    for i in range(1, len(found)):
        if i in blocked or i - 1 in blocked:
            continue
        if _LIST_SEPARATOR.match(text[found[i - 1][0].end : found[i][0].start]):
            chained |= {i - 1, i}
            for j, k in ((i, i - 1), (i - 1, i)):
                if found[j][0].report is None:
                    found[j][0].report = found[k][0].report
    for i in range(len(found) - 1, 0, -1):  # carry a report back along a chain
        if i in chained and i - 1 in chained and found[i - 1][0].report is None:
            found[i - 1][0].report = found[i][0].report
    hits = [
        hit
        for i, (hit, bare) in enumerate(found)
        if hit.report is not None and i not in blocked and (not bare or i in chained)
    ]
    _attach_dues(text, hits, s_end)
    if not hits:
        # a single report due on a calendar date: "báo cáo … trước ngày 10/12/2025"
        for report in reports:
            full = _FULL_DATE.search(text, report[1], min(s_end, report[1] + 160))
            if full and not _BLOCKERS.search(text, report[1], full.start()):
                day, month = full.group("d"), full.group("m1") or full.group("m2")
                iso = _iso(day, month, full.group("y"))
                if iso:
                    hits.append(_Hit("ad hoc", report[0], report[1], report, iso, full.end()))
                    break
    if not any(h.frequency != "ad hoc" for h in hits):
        # "định kỳ báo cáo … theo quy định": periodic, but no period is named
        for report in reports:
            window = text[max(s_start, report[0] - 25) : min(s_end, report[1] + 12)]
            if _PERIODIC.search(window) and not any(h.frequency == "ad hoc" for h in hits):
                rule = re.search(r"\btheo quy định\b", text[s_start:s_end], re.I)
                due = "định kỳ theo quy định" if rule else "định kỳ"
                hits.append(_Hit("ad hoc", s_start, s_end, report, due, s_end))
    return hits


def _inside(hit: _Hit, other: _Hit) -> bool:
    return other is not hit and (
        other.start <= hit.start
        and hit.end <= other.end
        and other.end - other.start > hit.end - hit.start
    )


_BARE_YEAR = re.compile(r"(?:,|\bvà)\s*(năm)\b(?!\s*\d)", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(
    r"^\s*(?:\([^()]{0,60}\))?\s*(?:,|;|và|hoặc|,\s*và)?\s*(?:\([^()]{0,60}\))?\s*"
    r"(?:(?:báo cáo|định kỳ)\s+)?$",
    re.IGNORECASE,
)


def _report_for(
    text: str, start: int, end: int, reports: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The report a frequency qualifies: one shortly before it, or shortly after, with no
    other activity (a survey, an allowance …) named between them. A frequency in brackets
    (``khảo sát (mỗi quý/lần)``) qualifies only a report in the same brackets."""
    if _REPORT.search(text, start, end):
        return next((r for r in reports if start <= r[0] < end), None)
    before = [r for r in reports if r[1] <= start and start - r[1] <= 160]
    if before:
        report = before[-1]
        gap = text[report[1] : start]
        if not _BLOCKERS.search(gap) and gap.count("(") <= gap.count(")"):
            return report
    after = [r for r in reports if r[0] >= end and r[0] - end <= 80]
    if after:
        report = after[0]
        gap = text[end : report[0]]
        # "xây dựng kế hoạch hằng năm và báo cáo …": the frequency is the plan's
        if (
            not _BLOCKERS.search(gap)
            and not _PURPOSE.search(gap)
            and gap.count(")") <= gap.count("(")
            and not _OWN_PERIOD.search(text, max(0, start - 25), start)
        ):
            return report
    return None


# "khảo sát mỗi quý để nắm bắt tình hình, kịp thời báo cáo": the period is the survey's
_PURPOSE = re.compile(r"\b(?:để|nhằm)\b", re.IGNORECASE)
# nouns that carry their own period: "kế hoạch hằng năm", "dự toán hằng năm"
_OWN_PERIOD = re.compile(r"\b(?:kế hoạch|chương trình|dự toán|chỉ tiêu|nhiệm vụ)\s*$", re.I)


def _attach_dues(text: str, hits: list[_Hit], s_end: int) -> None:
    """``trước ngày 20 hàng tháng`` → due "trước ngày 20 hàng tháng"; a full date after a
    frequency (``tổng kết năm 2025 gửi trước ngày 10/11/2025``) → the ISO date; the items of
    an enumeration after a due ("…hàng tháng, hàng quý, 6 tháng") share its day."""
    for i, hit in enumerate(hits):
        before = text[max(0, hit.start - 40) : hit.start]
        due = _DUE_BEFORE.search(before)
        if due:
            hit.due = f"{due.group().strip()} {text[hit.start : hit.end]}"
            hit.start = hit.start - (len(before) - due.start())
            hit.due_end = hit.end
            continue
        if hit.frequency == "ad hoc" and re.search(r"kịp thời", text[hit.start : hit.end], re.I):
            hit.due = "kịp thời"
            continue
        if hit.frequency == "ad hoc" and re.match(r"đột xuất", text[hit.start : hit.end], re.I):
            continue
        if hit.frequency == "ad hoc":
            phrase = re.match(r"[^;.()]{0,70}", text[hit.end : s_end])
            tail = phrase.group() if phrase else ""
            owner = re.match(
                r"\s+của\s+[^;.()]{2,60}?(?=\s+(?:và|để|về|trước|nhằm)\b|[,;.()]?$)", tail
            )
            hit.due = text[hit.start : hit.end] + (owner.group() if owner else "")
            hit.due_end = hit.end + (owner.end() if owner else 0)
            continue
        limit = hits[i + 1].start if i + 1 < len(hits) else s_end
        full = _FULL_DATE.search(text, hit.end, min(limit, hit.end + 70))
        if full:
            iso = _iso(full.group("d"), full.group("m1") or full.group("m2"), full.group("y"))
            if iso:
                hit.due = iso
                hit.due_end = full.end()
                continue
        recurring = _DUE_AFTER.match(text, hit.end, limit)
        if recurring:  # "6 tháng (trước ngày 15/6)", "hằng năm trước ngày 15 tháng 12"
            hit.due = " ".join(recurring.group(1).split())
            hit.due_end = recurring.end(1)
            continue
        previous_due = hits[i - 1].due if i else None
        if previous_due and _LIST_GAP.match(text[hits[i - 1].due_end : hit.start]):
            shared = re.match(r"trước\s+ngày\s+\d{1,2}", previous_due, re.I)
            if shared:
                hit.due = shared.group()
                hit.due_end = hit.end


def _one_per_frequency(hits: list[_Hit]) -> list[_Hit]:
    """One hit per frequency in a sentence; one with a due date wins."""
    chosen: dict[str, _Hit] = {}
    for hit in hits:
        if hit.frequency not in chosen or (hit.due and not chosen[hit.frequency].due):
            chosen[hit.frequency] = hit
    return sorted(chosen.values(), key=lambda h: h.start)


def _subject(
    text: str,
    p: Paragraph,
    paras: Sequence[Paragraph],
    mentions: list[Mention],
    matcher: AgencyMatcher,
) -> str | None:
    """Who reports: an agency that opens a clause of the sentence (not a recipient), else the
    agency the paragraph or the item above it opens with."""
    actors = [m for m in mentions if _is_actor(text, m)]
    if actors:
        return _joined(text, actors, matcher)
    for q in [p, *_ancestors(paras, p)]:
        found = [m for m in _find(matcher, text, q.body_start, q.end) if _is_actor(text, m)]
        if found:
            return _joined(text, found, matcher)
    return None


_CLAUSE_OPENING = re.compile(
    r"(?:^|[(:;.,\n]|\s[-–+]\s)\s*(?:(?:giao|giao cho|đề nghị|yêu cầu|giám đốc|thủ trưởng|"
    r"chủ tịch|lãnh đạo|người đứng đầu)\s*,?\s*)*$",
    re.IGNORECASE,
)
_ACTOR_AFTER = re.compile(
    r"\s*(?::|(?:có trách nhiệm|chủ trì|chủ động|định kỳ|thực hiện|tổng hợp|tiếp tục)\b|"
    r"báo cáo\b)",
    re.IGNORECASE,
)


def _is_actor(text: str, m: Mention) -> bool:
    """A mention that opens a clause (``Giao Sở X``, ``(Các sở … báo cáo``) or is followed by
    what it does (``Sở X chủ trì``, ``… thành phố:``), and is not a recipient."""
    if _RECIPIENT_BEFORE.search(text, max(0, m.start - 12), m.start):
        return False
    if re.search(
        r"\b(?:tại|giữa|trong|từ|đối với|thuộc|cho)\s*$", text[max(0, m.start - 12) : m.start]
    ):
        return False
    line_start = text.rfind("\n", 0, m.start) + 1
    window = max(line_start, m.start - 60)
    # "^" in _CLAUSE_OPENING is the start of the line, not of a cut window
    before = ("" if window == line_start else "…") + text[window : m.start]
    if window == line_start:  # the item label does not count: "(5) Hiệp hội …"
        before = _ITEM_LABEL.sub("", before, count=1)
    return bool(_CLAUSE_OPENING.search(before) or _ACTOR_AFTER.match(text, m.end))


_ITEM_LABEL = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|\(\d+\)|\d+\)|[-–+•*])\s+")


def _find(matcher: AgencyMatcher, text: str, start: int, end: int) -> list[Mention]:
    """:meth:`AgencyMatcher.find` on a slice (it folds the whole string it is given)."""
    return [
        Mention(m.start + start, m.end + start, m.name, m.is_group)
        for m in matcher.find(text[start:end])
    ]


def _joined(text: str, mentions: list[Mention], matcher: AgencyMatcher) -> str:
    """Adjacent mentions that together name a group: "các sở, ban, ngành, Chủ tịch UBND các
    huyện, thành phố" → "Các sở, ban, ngành, UBND các huyện, thành phố"."""
    first = mentions[0]
    names = [first.name]
    last = first
    for m in mentions[1:]:
        if not re.fullmatch(r"\s*(?:,|và|,\s*và)\s*", text[last.end : m.start]):
            break
        names.append(m.name)
        last = m
    if len(names) > 1:
        for k in range(len(names), 1, -1):
            combined = matcher.canonical_name(", ".join(names[:k]))
            if combined and matcher.is_group(combined):
                return combined
    return first.name


def _ancestors(paras: Sequence[Paragraph], p: Paragraph) -> list[Paragraph]:
    """The items above ``p``: for a dash item the item it hangs from, and so on up."""
    result: list[Paragraph] = []
    rank = _rank(p)
    for q in reversed(paras[: p.index]):
        if _rank(q) < rank:
            result.append(q)
            rank = _rank(q)
            if rank == 0:
                break
    return result[:3]


def _rank(p: Paragraph) -> int:
    order = {"roman": 0, "decimal": 1, "letter": 10, "paren": 11, "dash": 12, "plus": 13}
    if p.kind == "decimal":
        return p.level
    return order.get(p.kind, 14)


def _recipient(text: str, mentions: list[Mention], s_start: int, s_end: int) -> str | None:
    for m in mentions:
        if _TO_BEFORE.search(text, max(s_start, m.start - 12), m.start):
            return m.name
    written = re.search(
        r"\b(?:gửi về|gửi|về|báo cáo)\s+((?:các\s+)?(?:Bộ|bộ|Sở|sở|Ban|Văn phòng|Cục|"
        r"cơ quan|cấp)\b[^,;.()]{2,60}?)(?=\s+(?:để|trước|theo|và)\b|[,;.()]|$)",
        text[s_start:s_end],
    )
    if written:
        return written.group(1)
    return None


def _iso(day: str, month: str | None, year: str) -> str | None:
    try:
        return date(int(year), int(month or 0), int(day)).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- deadlines

_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DEADLINE = re.compile(
    r"(?P<marker>\b(?:trước|chậm nhất(?:\s+(?:là|trước|vào|đến))*|hạn chót\s*:?|"
    r"thời hạn(?:\s+hoàn thành)?\s*:?|thời gian hoàn thành\s*:?|xong trước|trong)\s+)"
    r"(?:"
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s*(?:[/.-]\s*(?P<m1>\d{1,2})\s*[/.-]\s*"
    r"|\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+)(?P<y>\d{4})"
    r"|tháng\s+(?P<month>\d{1,2})\s*(?:/\s*|\s+năm\s+)(?P<month_y>\d{4})"
    r"|quý\s+(?P<quarter>IV|I{1,3}|[1-4])\s*(?:/\s*|\s+năm\s+)(?P<quarter_y>\d{4})"
    r")\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;:!?](?=\s)|\s[-–](?=\s)|\(|\)")
_TRAILING_VERB = re.compile(r"\s+(?:gửi|nộp|hoàn thành|xong|trình|về)$", re.IGNORECASE)


def find_deadlines(text: str, paras: Sequence[Paragraph]) -> list[dict[str, Any]]:
    """Obligations with a calendar date: ``{"what", "date", "quote", "span"}``, one per
    dated clause, in text order."""
    result: list[dict[str, Any]] = []
    issued = issued_on(paras)
    for p in paras:
        for m in _DEADLINE.finditer(text, p.body_start, p.end):
            when = _deadline_date(m)
            if when is None or (issued and when < issued):
                continue  # no date, or a date before the document was issued: not a limit
            if m.group("d") is not None and re.match(r"trong\b", m.group("marker"), re.I):
                continue  # "trong ngày 05/02/2025" is an event's date, not a limit
            start = _clause_start(text, p, m.start())
            what = _description(text, start, m.start())
            if len(what.split()) <= 2:  # "Hoàn thành trong tháng 6/2025 việc sắp xếp"
                tail = re.match(r"[^.;:()]{0,100}", text[m.end() : p.end])
                what = f"{what} {tail.group().strip(' ,') if tail else ''}".strip()
            if not what:  # "- Hoàn thành trước …" under a task, "Thời hạn: …"
                what = _description(text, *_previous_clause(text, paras, p, start))
            if not what:  # nothing before it to say what is due: the dated phrase itself
                what = _description(text, m.start(), m.end())
            what = what[:1].upper() + what[1:]
            result.append(
                {
                    "what": what,
                    "date": when,
                    "quote": text[start : m.end()],
                    "span": [start, m.end()],
                }
            )
    return result


def _previous_clause(
    text: str, paras: Sequence[Paragraph], p: Paragraph, start: int
) -> tuple[int, int]:
    """The clause before ``start`` in its paragraph, else the paragraph before it."""
    end = start
    while end > p.body_start and text[end - 1] in " .;:,-–":
        end -= 1
    if end > p.body_start:
        return _clause_start(text, p, end), end
    if p.index:
        q = paras[p.index - 1]
        return q.body_start, min(q.end, q.body_start + 120)
    return start, start


def _deadline_date(m: re.Match[str]) -> str | None:
    if m.group("d"):
        return _iso(m.group("d"), m.group("m1") or m.group("m2"), m.group("y"))
    before = re.search(r"\btrước\s+$", m.group("marker"), re.I) is not None
    if m.group("month"):
        year, month = int(m.group("month_y")), int(m.group("month"))
        if not 1 <= month <= 12:
            return None
        if before:  # "trước tháng 6/2025": by the end of May
            end = date(year, month, 1).toordinal() - 1
            return date.fromordinal(end).isoformat()
        return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    if m.group("quarter"):
        year, quarter = int(m.group("quarter_y")), _ROMAN_QUARTERS[m.group("quarter").lower()]
        if before:
            return date.fromordinal(date(year, 3 * quarter - 2, 1).toordinal() - 1).isoformat()
        month = 3 * quarter
        return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    return None


def _clause_start(text: str, p: Paragraph, at: int) -> int:
    start = p.body_start
    for b in _CLAUSE_BREAK.finditer(text, p.body_start, at):
        start = b.end()
    while start < at and text[start] in " -–+•":
        start += 1
    if at - start > 120:  # a long sentence: the last item before the date
        comma = text.rfind(", ", start, at)
        if comma > 0:
            start = comma + 2
        conj = text.rfind(" và ", start, at)
        if conj > 0 and len(text[conj + 4 : at].split()) >= 3:
            start = conj + 4
    return start


def _description(text: str, start: int, end: int) -> str:
    what = text[start:end].strip(" ,;:")
    what = _TRAILING_VERB.sub("", what).strip(" ,;:")
    return what[:1].upper() + what[1:]
