"""Targets: the document's own target list and the targets set inside task text.

A target is a measurable commitment: an indicator, a comparator, a figure (or a range), a
unit and a year, e.g. "Tỷ lệ hộ nghèo … còn khoảng 0,3%" (``lte`` 0.3 %, 2025). Plans of the
Decree 30/2020 layout state them in three places:

* the **main list** (``main: true``): items ``(1) …``, ``1. …``, ``- …``, ``+ …`` under a
  lead-in about *chỉ tiêu* or *mục tiêu cụ thể* ("Phấn đấu đạt các mục tiêu cụ thể:",
  "2. Các chỉ tiêu chủ yếu"), possibly split into blocks ("- Phấn đấu đến hết năm 2030:",
  "a) Về kinh tế:"); when the heading was lost, a run of three or more short items that
  nearly all state a figure with a comparator. Every item is a target, with a figure or
  without one (value null).
* a **target table** (biểu kèm theo, read as ``| TT | Chỉ tiêu | ĐVT | Kế hoạch 2025 |``
  rows): the plan column is the latest year's kế hoạch / mục tiêu column.
* **embedded** targets (``main: false``) in the rest of the text: a figure with a
  comparator phrase ("phấn đấu đạt X", "trên X", "ít nhất X", "giảm xuống dưới X", "khoảng
  X", "ổn định X", "từ X-Y", "X% trở lên", "top 15", "hai con số"), or a percentage in a
  sentence that sets a goal ("phấn đấu đến năm 2030, 100% học sinh …"); the figures that
  follow a target in its sentence ("… và 17 bác sỹ/vạn dân vào năm 2030", ", trong đó thu
  nội địa 22.026 tỷ đồng") are targets too. A few goals with no figure are kept where the
  wording leaves no doubt: a dated completion ("hoàn thành … trong năm 2025", "đến năm
  2030 khép kín …"), "phấn đấu hoàn thành chỉ tiêu …", "cao hơn mức bình quân …", "xếp ở
  top …".

Comparators: "đạt X" ``eq``; "trên", "ít nhất", "tối thiểu", "không thấp hơn", "X trở lên",
"từ X" ``gte``; "dưới", "không quá", "tối đa", "giảm xuống (dưới)", "còn (khoảng) X" ``lte``;
"khoảng X" ``approx``; "ổn định", "duy trì ở mức" ``stable``; any X-Y ``range``.

Years: a main item takes its block's or lead-in's year, else the plan's year (the year its
title names); an embedded figure takes "vào năm Y" right after it, else the nearest target
year before it in its sentence, else one after it in its clause, else the last one before it
in its paragraph ("đến năm 2025 đạt: …; …"), and none when the sentence says "hằng năm". Not
years: "so với năm 2024", "giai đoạn 2021-2025", dates, "đến năm 2025, định hướng đến năm
2030" (a horizon).

Not targets: figures in quotation marks (scheme titles), anniversaries ("kỷ niệm 95 năm"),
document numbers and dates, ages and denominators that say who is counted ("trẻ em dưới 5
tuổi", "trên 1 vạn dân"), a starting point ("từ 40% lên 45%"), results ("đã đạt", "so với
cùng kỳ", a year before the document was issued, a section "Đánh giá tình hình …"), sums
of money and percentages of a policy with no goal ("hỗ trợ tối đa 30 triệu đồng/hộ", "giảm
50% lệ phí").

A figure restated for the same indicator and year is one target: the first (a main-list
entry before any other), which takes the lead of the restatement's section when it has
none. ``lead_at(offset)`` gives the lead of the section holding an offset.

All matching is done on folded text (lower case, no diacritics), which also absorbs OCR
damage such as "Phân đầu" for "Phấn đấu". Offsets into the folded text are offsets into the
text, so every ``quote`` is ``text[span[0]:span[1]]``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from planwatch.extraction.structure import Paragraph
from planwatch.text import fold_words, parse_number, strip_diacritics

# ---------------------------------------------------------------- folding

_FOLD_TABLE: dict[int, str] = {}


def _fold(text: str) -> str:
    """Lower case without diacritics, one character for one character (offsets are kept)."""
    for ch in set(text):
        code = ord(ch)
        if code not in _FOLD_TABLE:
            folded = strip_diacritics(ch).lower()
            if len(folded) != 1:
                folded = ch.lower() if len(ch.lower()) == 1 else ch
            _FOLD_TABLE[code] = folded
    return text.translate(_FOLD_TABLE)


# ---------------------------------------------------------------- patterns (on folded text)


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
# a figure or a range of two; not part of a word, a date, a document number or a list "1,2,3"
_FIGURE = re.compile(
    rf"(?<![\w/.,\-–])(?P<a>{_NUM})(?:(?:\s*[-–÷]\s*|\s+den\s+)(?P<b>{_NUM}))?(?![\w/]|[.,]\d)"
)
_YEARLIKE = re.compile(r"^(?:19|20)\d\d$")
_TOP = re.compile(
    r"(?<![a-z])(?:top (\d{1,3})(?![\d.,]\d)|nhom (\d{1,3}) (?=[^.;]{0,40}"
    r"(?:dan dau|dung dau|tot nhat|cao nhat)))"
)
_DOUBLE_DIGIT = re.compile(r"(?<![a-z])hai (?:con|chu) so(?![a-z])")
_EACH_HAS_ONE = re.compile(
    r"(?<![a-z])moi (?P<per>[a-z]+(?: [a-z]+)?) (?:deu )?co (?:it nhat )?"
    r"(?P<n>\d{1,2}|mot|hai|ba|bon|nam)(?: \(\d+\))? (?P<what>[a-z]+(?: [a-z]+)?)"
)
_WORD_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5}

# multipliers and currencies that start a unit; nouns that follow a count
_MULTIPLIER = re.compile(r"(?:nghin ty|ngan ty|nghin|ngan|trieu|ty|ti)(?![a-z])")
_CURRENCY = re.compile(r" ?(?:dong|usd|do la|vnd)(?![a-z])(?:/[a-z]+)?")
_PERCENT_PER = re.compile(r"/(?:ca sinh|[a-z]+)")  # "%/năm", "‰/ca sinh"
_ACRONYM = re.compile(r" [A-Z]{2,6}(?!\w)")  # "% GRDP"
_UNIT_WORD = re.compile(r" ?([^\W\d_][\w²³/]*|m2(?![\w]))")
_UNIT_STOP = frozenset(
    _words(
        "duoc dat co va trong theo so vao tren cua tai o voi de nam tu den hoac la nhu thi khi"
        " cho nhung cac tro ve hang nham gom con khong chiem tang giam len xuong se da dang sau"
        " truoc ra phai can hon do thuoc giua qua duoi ngoai bang nay moi thang ngay quy tuan"
        " gio phut ky dot thu muc nhat khoang"
    )
)
_TIME_WORDS = frozenset(_words("nam thang ngay quy tuan gio phut"))

# comparator phrases, matched at the end of the text just before a figure
_CUES: list[tuple[str, str]] = [
    ("gte", r"khong thap hon|khong duoi|khong it hon|it nhat|toi thieu|cao hon|lon hon"),
    (
        "lte",
        r"(?:giam )?xuong (?:duoi|con)|(?:giam )?(?:con )?duoi|giam xuong|giam con|con khoang"
        r"|con|xuong|khong qua|khong vuot qua|toi da|thap hon|it hon|khong lon hon",
    ),
    ("gte", r"tren|hon|vuot|tu"),
    ("approx", r"(?:uoc )?(?:dat )?(?:khoang|xap xi)"),
    ("stable", r"on dinh(?: o muc)?|duy tri(?: o muc)?|giu vung(?: o muc)?"),
    ("eq", r"dat(?: muc| duoc| ty le)?|nang len|tang len|len"),
    ("weak", r"co|la|bang|hoan thanh|dam bao|don|tao|thu hut|chiem|tang|giam"),
]
_CUE_RE = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(f"(?P<{name}{i}>{alts})" for i, (name, alts) in enumerate(_CUES))
    + r")[\s:]*$"
)
_DAT_NEAR = re.compile(r"(?<![a-z])dat(?: [a-z]+){1,3}\s*$")
_OR_MORE = re.compile(r"\s*tro len(?![a-z])")
_GOAL_WORDS = re.compile(
    r"(?<![a-z])(?:phan dau|dam bao|muc tieu|chi tieu|den (?:het )?(?:nam )?\d{4}"
    r"|(?:vao|trong) nam \d{4}|nam \d{4},|dat:)"
)
_GOAL_COLON = re.compile(r"(?<![a-z])(?:dat|muc tieu|chi tieu)\s*:")
_LOOKBACK = 600  # how far back a goal word or a past tense still governs a figure
_KY_NIEM = re.compile(r"(?<![a-z])(?:ky niem|lan thu|khoa|nhiem ky)\s*$")

# years: a target year ("đến hết năm 2025", "vào năm 2030", "năm 2025", "đến 2025")
_YEAR = re.compile(
    r"(?<![a-z])(?P<pre>den het nam|den nam|toi nam|vao nam|trong nam|truoc nam|cuoi nam"
    r"|het nam|nam|den)\s+(?P<y>(?:19|20)\d\d)(?![\d/.,]\d|\s*[-–]\s*\d)"
)
_YEAR_NOT_AFTER = re.compile(
    r"(?:so voi|giai doan|thoi ky|nhiem ky|thang(?: \d+)?|dinh huong|tam nhin|ngay"
    r"|chien luoc|quy hoach|khoa)\s*(?:den\s*)?$"
)
_FROM_YEAR = re.compile(r"(?<![a-z])tu\s*$")  # "từ năm 2021": where a period starts
_HORIZON_AFTER = re.compile(r"^\s*,?\s*(?:dinh huong|tam nhin)")
_ISSUE_DATE = re.compile(
    r"(?<![a-z])ngay\s*(?:\d{1,2})?\s*thang\s*(?:\d{1,2})?\s*nam\s*((?:19|20)\d\d)"
)
_PLAN_PHRASE = re.compile(
    r"(?<![a-z])(?:ke hoach|du toan|chuong trinh|nhiem vu|chi tieu)(?![a-z])[^.\n]{0,90}$"
)
# the heading of a section that reviews the past year
_REVIEW_HEADING = re.compile(
    r"(?:danh gia|tinh hinh|(?:ve )?ket qua (?:thuc hien|dat duoc|nam \d{4}))(?![a-z])"
)
_PAST = re.compile(r"(?<![a-z])da (?:dat|tang|giam|hoan thanh)(?![a-z])")
_SAME_PERIOD = re.compile(r"[\s,]*so (?:voi )?cung ky")
_BASE_YEAR = re.compile(r"so voi (?:cung ky )?nam ((?:19|20)\d\d)")
_YEARLY = re.compile(r"(?<![a-z])hang nam(?![a-z])")  # hằng năm, hàng năm

# the lead-in of a target list
_LEAD_IN = re.compile(
    r"(?<![a-z])(?:chi tieu (?:chu yeu|cu the|kinh te|chinh|sau)|muc tieu cu the|cac chi tieu"
    r"|muc tieu,? chi tieu|muc tieu sau|(?:muc|chi) tieu den (?:het )?nam \d{4}"
    r"|phan dau dat (?:cac|mot so|nhung) (?:muc tieu|chi tieu))"
)
_GENERAL_OBJECTIVE = re.compile(r"muc tieu tong quat")

# where an indicator starts, and what to trim from it
_INDICATOR_HEAD = re.compile(
    r"(?<![a-z])(?:ty le|ti le|so luong|(?<!dan )(?<!ky )(?<!ho )(?<!co )so|tong|toc do"
    r"|thu nhap|tuoi tho|dien tich|gia tri|kim ngach|nang suat|chi so|san luong|von|luot"
    r"|co cau|ty trong|thu (?:ngan sach|noi dia|hut|tu))"
    r"(?![a-z])(?! \d)"
)
_LEADING_NOISE = re.compile(
    r"\s*(?:(?:de|va|hoac|trong do|trong|nham|dong thoi|phan dau|dam bao|nang cao|nang len"
    r"|tang(?! truong)|giam(?! ngheo)|co(?! cau| so)|toan tinh co|toan tinh|thuc hien"
    r"|tap trung|muc tieu|dat|la|ve|gop phan|den het nam \d{4}|den nam \d{4}|den \d{4}"
    r"|nam \d{4}|vao nam \d{4}|trong nam \d{4}|dat muc|cu the|rieng|voi|hang nam|con)"
    r"(?![a-z])[\s,:;.-]*)+"
)
_TRAILING_NOISE = re.compile(
    r"(?:[\s,:;(-]+(?:phan dau|dat|uoc|la|o|tai|muc|tang|giam|xuong|len|co|nang|nang len"
    r"|tang len|chiem|bang|vao|den|tren|duoi|con|khoang|it nhat|toi thieu|on dinh"
    r"|duy tri|nam \d{4}|den (?:het )?nam \d{4}|vao nam \d{4}|trong nam \d{4}|den \d{4}"
    r"|ty le|muc tieu|hoan thanh|dam bao|xep|giam xuong|uoc dat|va|hoac|voi|de|cho"
    r"|(?:nam|xep) (?:trong|o)))+[\s,:;(-]*$"
    r"|[\s,:;(-]+$"
)
_SCOPE = re.compile(
    r"(?:khu vuc |khu |o |tai )?(?:do thi(?: loai [ivx]+)?|nong thon|thanh thi|mien nui"
    r"|cap tinh|cap huyen|cap xa)$"
)
_SCOPE_PAIR = re.compile(
    r"(?<![a-z])(?:o|tai) (?P<a>(?:khu vuc |khu )?(?:do thi|nong thon|thanh thi|mien nui))"
    r" va (?P<b>(?:khu vuc |khu )?(?:do thi|nong thon|thanh thi|mien nui))(?![a-z])"
)
_CONNECTOR = re.compile(r"(?:,|;|(?<![a-z])(?:va|hoac|trong do|con)(?![a-z]))")
_AFTER_STOP = re.compile(
    r",|;|:|\.(?:\s|$)|(?<![a-z])(?:va (?=\d)|voi|vao (?=(?:cac )?nam)|den (?=(?:het )?nam)"
    r"|theo quy dinh|nham|de (?!an))"
)
_LABEL = re.compile(r"(?:[ivxlc]+\.|\d+(?:\.\d+)*\.?|[a-z]\)|\(\d+\)|[-–+•*])\s+")
_MONEY = re.compile(r"(?<!\w)(?:đồng|USD|usd|đô la)(?!\w)")
_FROM_TO = re.compile(r"\s*(?:len|xuong|den|toi)(?: muc)? \d")
_PER_POPULATION = re.compile(r"(?:van|nghin|ngan|trieu)? ?(?:dan|nguoi dan)(?![a-z])")
_PER_IN_INDICATOR = (
    r"[a-z ]{0,14}(?:/| tren (?:1 |mot )?)(?P<per>van dan|nguoi|ho|xa|thon|ca sinh"
    r"|1\.000 dan|nghin dan|100\.000 dan)"
)

# figure-less goals
# completing something is a goal; "hoàn thành trước ngày 31/3/2025" is a deadline, not a target
_COMPLETION = re.compile(
    r"(?<![a-z])(?:hoan thanh|khep kin|cham dut)(?![a-z])"
    r"(?! \d)(?!\s+(?:truoc|trong|cham nhat|ngay|thang|quy|nam|vao|xong)(?![a-z]))"
)
_QUOTA = re.compile(r"(?<![a-z])(?:phan dau|dam bao) hoan thanh (?:cac )?(?:chi tieu|muc tieu)")
_RELATIVE = re.compile(
    r"(?<![a-z])(?P<dir>cao hon|thap hon) (?:muc )?(?:binh quan|trung binh)(?![a-z])"
)
_RANKED = re.compile(r"(?<![a-z])(?:xep|nam) (?:o |trong )(?:top|nhom)(?![a-z])(?! \d)")


@dataclass
class _Target:
    main: bool
    indicator: str
    comparator: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str | None
    year: int | None
    start: int  # quote start
    end: int  # quote end
    at: int  # the figure's offset (for the lead)
    scope: str | None = None
    lead: str | None = None

    def figures(self) -> tuple[Decimal | None, Decimal | None]:
        if self.low is not None or self.high is not None:
            return self.low, self.high
        return self.value, self.value


@dataclass
class _Figure:
    start: int  # first digit (or "top", "hai con số")
    end: int  # end of the unit (and "trở lên")
    low: Decimal
    high: Decimal | None  # a range when set
    unit: str | None
    unit_start: int
    unit_end: int
    cue: str | None  # eq, gte, lte, approx, stable, weak, range-less None
    cue_start: int
    comparator: str | None = None
    kind: str = "number"  # number, top, double-digit, each


# ---------------------------------------------------------------- entry point


def find_targets(
    text: str,
    paras: list[Paragraph],
    *,
    lead_at: Callable[[int], str | None] | None = None,
) -> list[dict[str, Any]]:
    """The targets of a plan in the plan-file schema (see the module docstring)."""
    reader = _Reader(text, paras, lead_at)
    targets = [t for t in reader.run() if _plausible(t)]
    for number, target in enumerate(targets, start=1):
        target["id"] = f"T{number:02d}"
    return targets


_TOO_LARGE = 10**18  # no plan sets a figure of 19 digits: a run of digits, not a target


def _plausible(target: dict[str, Any]) -> bool:
    figures = (target.get("value"), target.get("low"), target.get("high"))
    return all(f is None or abs(f) < _TOO_LARGE for f in figures)


class _Reader:
    def __init__(
        self, text: str, paras: list[Paragraph], lead_at: Callable[[int], str | None] | None
    ) -> None:
        self.text = text
        self.folded = _fold(text)
        self.paras = paras
        self.lead_at = lead_at
        self.years = self._year_mentions()
        self.year_starts = [y[0] for y in self.years]
        self.quoted = self._quoted_ranges()
        issued = _ISSUE_DATE.search(self.folded, 0, 3000)
        self.issue_year = int(issued.group(1)) if issued else None
        self.plan_year = self._plan_year()

    # ------------------------------------------------------------ top level

    def run(self) -> list[dict[str, Any]]:
        lists = self._main_lists()
        in_list = {p.index for items, _ in lists for p, _, _ in items}
        lead_ins = {lead for _, lead in lists if lead is not None}
        main: list[_Target] = []
        tables, table_rows = self._tables()
        main.extend(tables)
        in_list |= table_rows
        for items, _ in lists:
            for para, year, is_sub_lead in items:
                if not is_sub_lead:
                    main.extend(self._main_item(para, year))
        embedded: list[_Target] = []
        review = self._review_paragraphs()
        for para in self.paras:
            if para.index in in_list or para.index in lead_ins or para.index in review:
                continue
            embedded.extend(self._embedded(para))
        if self.lead_at is not None:
            for t in [*main, *embedded]:
                t.lead = self.lead_at(t.at)
        targets = self._deduplicate(main, embedded)
        return [self._as_dict(i, t) for i, t in enumerate(targets, 1)]

    # ------------------------------------------------------------ target tables

    def _tables(self) -> tuple[list[_Target], set[int]]:
        """Targets in a table ("| TT | Chỉ tiêu | ĐVT | Kế hoạch năm 2025 |" and its rows),
        as attached tables (biểu kèm theo) are read; the plan column is the latest year's
        kế hoạch / mục tiêu column."""
        targets: list[_Target] = []
        rows_used: set[int] = set()
        header: tuple[int, int | None, int, int | None] | None = None  # cols and year
        for para in self.paras:
            if "|" not in para.text:
                header = None
                continue
            cells = self._cells(para)
            folded_cells = [_fold(c[2]).strip() for c in cells]
            found = _table_header(folded_cells)
            if found is not None:
                header = found
                rows_used.add(para.index)
                continue
            if header is None:
                continue
            rows_used.add(para.index)
            name_col, unit_col, value_col, year = header
            if value_col >= len(cells) or name_col >= len(cells):
                continue
            value = _table_value(folded_cells[value_col])
            name = cells[name_col][2].strip()
            if value is None or len(name) < 3:
                continue
            comparator, low, high = value
            unit = (
                cells[unit_col][2].strip() if unit_col is not None and unit_col < len(cells) else ""
            )
            targets.append(
                _Target(
                    main=True,
                    indicator=re.sub(r"^[\divxIVX.\-+\s]+(?=\w)", "", name),
                    comparator=comparator,
                    value=low if high is None and comparator != "range" else None,
                    low=low if comparator == "range" else None,
                    high=high if comparator == "range" else None,
                    unit=unit or None,
                    year=year or self.plan_year,
                    start=para.start,
                    end=para.end,
                    at=para.start + cells[value_col][0],
                )
            )
        return targets, rows_used

    def _cells(self, para: Paragraph) -> list[tuple[int, int, str]]:
        cells = []
        pos = 0
        for part in para.text.split("|"):
            cells.append((pos, pos + len(part), part))
            pos += len(part) + 1
        return cells

    def _review_paragraphs(self) -> set[int]:
        """Paragraphs of a section that reviews the past ("I. ĐÁNH GIÁ KẾT QUẢ NĂM 2024"):
        their figures are results, not targets."""
        review: set[int] = set()
        rank: int | None = None
        for para in self.paras:
            here = _heading_rank(para)
            if rank is not None and here is not None and here <= rank:
                rank = None
            if rank is None and here is not None:
                body = self.folded[para.body_start : para.end]
                if _REVIEW_HEADING.match(body) and len(body) < 200:
                    rank = here
                    continue
            if rank is not None:
                review.add(para.index)
        return review

    def _as_dict(self, number: int, t: _Target) -> dict[str, Any]:
        return {
            "id": f"T{number:02d}",
            "main": t.main,
            "indicator": t.indicator,
            "comparator": t.comparator,
            "value": _json_number(t.value),
            "low": _json_number(t.low),
            "high": _json_number(t.high),
            "unit": t.unit,
            "year": t.year,
            "scope": t.scope,
            "lead": t.lead,
            "quote": self.text[t.start : t.end],
            "span": [t.start, t.end],
        }

    # ------------------------------------------------------------ years and quotes

    def _year_mentions(self) -> list[tuple[int, int, int, bool]]:
        """(start, end, year, followed by a colon) of every target-year phrase."""
        found = []
        f = self.folded
        for m in _YEAR.finditer(f):
            before = f[max(0, m.start() - 25) : m.start()]
            if _YEAR_NOT_AFTER.search(before) or _HORIZON_AFTER.match(f[m.end() : m.end() + 20]):
                continue
            if m.group("pre") == "nam" and _FROM_YEAR.search(before):
                continue
            colon = ":" in f[m.end() : m.end() + 12].split("\n", 1)[0]
            found.append((m.start(), m.end(), int(m.group("y")), colon))
        return found

    def _quoted_ranges(self) -> list[tuple[int, int]]:
        ranges = []
        for m in re.finditer(r"“[^”\n]{0,400}”|\"[^\"\n]{0,400}\"", self.text):
            ranges.append((m.start(), m.end()))
        return ranges

    def _in_quotes(self, pos: int) -> bool:
        return any(a < pos < b for a, b in self.quoted)

    def _years_in(self, start: int, end: int) -> list[tuple[int, int, int, bool]]:
        i = bisect.bisect_left(self.year_starts, start)
        found = []
        while i < len(self.years) and self.years[i][0] < end:
            if self.years[i][1] <= end:
                found.append(self.years[i])
            i += 1
        return found

    def _year_for(
        self,
        fig_start: int,
        fig_end: int,
        sentence: tuple[int, int],
        clause_end: int,
        para: Paragraph,
    ) -> int | None:
        """The target year of a figure: "vào năm Y" right after it, else the nearest year
        before it in its sentence, else one after it in its clause, else (unless the
        sentence says "hằng năm") the nearest one before it in its paragraph."""
        for y in self._years_in(fig_end, min(clause_end, fig_end + 25)):
            if not self.folded[fig_end : y[0]].strip(" ,"):
                return y[2]
        before = self._years_in(sentence[0], fig_start)
        if before:
            return before[-1][2]
        after = self._years_in(fig_end, clause_end)
        if after:
            return after[0][2]
        if _YEARLY.search(self.folded, max(sentence[0], fig_start - _LOOKBACK), fig_start):
            return None
        carried = self._years_in(para.start, fig_start)
        return carried[-1][2] if carried else None

    def _plan_year(self) -> int | None:
        """The year of a one-year plan, from its title and opening: the year named most
        often ("kế hoạch … năm 2025" counts thrice), not before the year it was issued."""
        counts: dict[int, int] = {}
        head = self.folded[:3000]
        for m in re.finditer(r"(?<![a-z])nam ((?:19|20)\d\d)(?![\d/.,]\d|\s*[-–]\s*\d)", head):
            year = int(m.group(1))
            before = head[max(0, m.start() - 25) : m.start()]
            if re.search(
                r"(?:so voi|giai doan|thoi ky|thang(?: \d+)?|tu|den(?: het)?)\s*$", before
            ):
                continue
            if _HORIZON_AFTER.match(head[m.end() : m.end() + 20]):
                continue
            if self.issue_year and year < self.issue_year:
                continue
            line_start = head.rfind("\n", 0, m.start()) + 1
            weight = 3 if _PLAN_PHRASE.search(head, line_start, m.start()) else 1
            counts[year] = counts.get(year, 0) + weight
        if not counts:
            return None
        year, count = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        return year if count >= 2 else None

    # ------------------------------------------------------------ the main list

    def _main_lists(self) -> list[tuple[list[tuple[Paragraph, int | None, bool]], int | None]]:
        """Target lists: (items as (paragraph, year, is a sub-lead), lead-in paragraph index)."""
        plan_year = self.plan_year
        lists: list[tuple[list[tuple[Paragraph, int | None, bool]], int | None]] = []
        used: set[int] = set()
        for i, para in enumerate(self.paras):
            body = self.folded[para.body_start : para.end]
            if para.index in used or not self._is_lead_in(para, body):
                continue
            year = self._own_year(para.body_start, para.end) or plan_year
            items = self._items_after(i, year)
            leaves = [p for p, _, sub in items if not sub]
            with_figure = sum(1 for p in leaves if self._has_figure(p))
            if leaves and with_figure >= max(1, len(leaves) / 2):
                lists.append((items, para.index))
                used.update(p.index for p, _, _ in items)
        if lists:
            return lists
        # a lost heading: a run of short items that nearly all hold a figure
        i = 0
        while i < len(self.paras):
            para = self.paras[i]
            if para.kind not in ("paren", "dash", "plus", "letter", "decimal"):
                i += 1
                continue
            j = i
            while (
                j < len(self.paras)
                and self.paras[j].kind == para.kind
                and self.paras[j].level == para.level
            ):
                j += 1
            run = self.paras[i:j]
            if len(run) >= 3 and self._looks_like_target_run(run):
                year = plan_year
                lists.append(([(p, year, False) for p in run], None))
            i = j
        return lists

    def _is_lead_in(self, para: Paragraph, body: str) -> bool:
        if len(body) > 250 or _GENERAL_OBJECTIVE.search(body) or not _LEAD_IN.search(body):
            return False
        return (
            body.rstrip().endswith(":")
            or para.kind in ("roman", "decimal", "letter")
            or para.is_upper
        )

    def _items_after(self, i: int, year: int | None) -> list[tuple[Paragraph, int | None, bool]]:
        lead = self.paras[i]
        items: list[tuple[Paragraph, int | None, bool]] = []
        sub_kind: str | None = None
        sub_year = year
        for k in range(i + 1, len(self.paras)):
            para = self.paras[k]
            following = self.paras[k + 1] if k + 1 < len(self.paras) else None
            if para.kind == "":
                # an unlabelled line in the list: only right after the lead-in or another
                # unlabelled item, and only when it states a figure
                first = not items and para.end - para.start < 300
                after_plain = bool(items) and items[-1][0].kind == ""
                if not ((first or after_plain) and self._has_figure(para)):
                    break
            if para.kind == "roman":
                break
            if para.kind == "decimal":
                # numbered items: below a numbered lead-in, under a Roman heading, or as the
                # list's own items
                if lead.kind == "decimal" and para.level <= lead.level:
                    break
                if lead.kind not in ("decimal", "roman"):
                    opening = items[0][0] if items else para
                    if opening.kind != "decimal" or para.level < opening.level:
                        break
            if para.kind == lead.kind and lead.kind not in ("decimal", "roman"):
                break
            if self._is_sub_lead(para, following) and sub_kind in (None, para.kind):
                sub_kind = para.kind
                sub_year = self._own_year(para.body_start, para.end) or year
                items.append((para, sub_year, True))
                continue
            items.append((para, sub_year if para.kind != sub_kind else year, False))
        return items

    def _is_sub_lead(self, para: Paragraph, following: Paragraph | None) -> bool:
        """ "- Phấn đấu đến hết năm 2030:", "a) Về kinh tế": a heading inside the list."""
        body = self.folded[para.body_start : para.end].rstrip()
        if body.endswith(":") and len(body) < 200:
            return True
        return (
            len(body) < 80
            and following is not None
            and following.kind in ("paren", "letter", "dash", "plus")
            and following.kind != para.kind
            and not self._has_figure(para)
        )

    def _own_year(self, start: int, end: int) -> int | None:
        years = self._years_in(start, end)
        return years[0][2] if years else None

    def _has_figure(self, para: Paragraph, *, compared: bool = False) -> bool:
        """Whether a paragraph states a figure with its unit (and, if ``compared``, with a
        comparator phrase: "đạt", "trên", "khoảng", "từ X-Y" …)."""
        return any(
            fig.unit and (fig.comparator or not compared)
            for fig in self._figures(para.body_start, para.end)
        )

    def _looks_like_target_run(self, run: list[Paragraph]) -> bool:
        with_figure = sum(1 for p in run if self._has_figure(p, compared=True))
        mean_length = sum(p.end - p.start for p in run) / len(run)
        return with_figure >= 0.75 * len(run) and mean_length <= 300

    def _main_item(self, para: Paragraph, year: int | None) -> list[_Target]:
        start, end = para.body_start, para.end
        targets = self._targets_in(para, start, end, main=True, default_year=year)
        if targets:
            return targets
        indicator_end = end
        while indicator_end > start and self.text[indicator_end - 1] in " .;:,":
            indicator_end -= 1
        if indicator_end - start < 8:
            return []
        a, b = self._trim(start, indicator_end)
        indicator = self.text[a:b] if b - a >= 8 else self.text[start:indicator_end]
        own = self._own_year(start, end)
        return [
            _Target(
                main=True,
                indicator=indicator,
                comparator="eq",
                value=None,
                low=None,
                high=None,
                unit=None,
                year=own or year,
                start=start,
                end=indicator_end,
                at=start,
            )
        ]

    # ------------------------------------------------------------ figures

    def _figures(self, start: int, end: int) -> list[_Figure]:
        """Every figure with its unit and the comparator phrase before it."""
        f = self.folded
        found: list[_Figure] = []
        for m in _FIGURE.finditer(f, start, end):
            a, b = m.group("a"), m.group("b")
            if _YEARLIKE.match(a) or (b and _YEARLIKE.match(b)):
                continue
            try:
                low = parse_number(a)
                high = parse_number(b) if b else None
            except ValueError:
                continue
            if high is not None and high <= low:
                continue
            unit_start, unit_end, unit = self._unit(m.end(), end)
            fig = _Figure(
                start=m.start(),
                end=unit_end,
                low=low,
                high=high,
                unit=unit,
                unit_start=unit_start,
                unit_end=unit_end,
                cue=None,
                cue_start=m.start(),
            )
            found.append(fig)
        for m in _TOP.finditer(f, start, end):
            found.append(
                _Figure(
                    start=m.start(),
                    end=m.end(),
                    low=Decimal(m.group(1) or m.group(2)),
                    high=None,
                    unit="top",
                    unit_start=m.start(),
                    unit_end=m.start() + 3,
                    cue="lte",
                    cue_start=m.start(),
                    comparator="lte",
                    kind="top",
                )
            )
        for m in _DOUBLE_DIGIT.finditer(f, start, end):
            found.append(
                _Figure(
                    start=m.start(),
                    end=m.end(),
                    low=Decimal(10),
                    high=None,
                    unit="%",
                    unit_start=m.start(),
                    unit_end=m.end(),
                    cue="gte",
                    cue_start=m.start(),
                    comparator="gte",
                    kind="double-digit",
                )
            )
        for m in _EACH_HAS_ONE.finditer(f, start, end):
            n = m.group("n")
            per_unit = f"{self.text[m.start('what') : m.end('what')]}/"
            per_unit += self.text[m.start("per") : m.end("per")]
            found.append(
                _Figure(
                    start=m.start(),
                    end=m.end(),
                    low=Decimal(_WORD_NUMBERS.get(n) or int(n)),
                    high=None,
                    unit=per_unit,
                    unit_start=m.start("what"),
                    unit_end=m.end(),
                    cue="eq",
                    cue_start=m.start(),
                    comparator="eq",
                    kind="each",
                )
            )
        found.sort(key=lambda x: x.start)
        # drop plain figures inside the special ones ("top 15", "mỗi thôn có 01 …")
        result: list[_Figure] = []
        for fig in found:
            if result and fig.start < result[-1].end and fig.cue is None:
                continue
            result.append(fig)
        for fig in result:
            if fig.cue is None:
                self._cue(fig, start)
        return result

    def _unit(self, pos: int, limit: int) -> tuple[int, int, str | None]:
        """The unit after a figure: "%", "tỷ đồng", "triệu đồng/người", "nghìn lao động",
        "bác sỹ/vạn dân", "khu công nghiệp" … (at most four words after the multiplier)."""
        f = self.folded
        i = pos
        if i < limit and f[i] == " ":
            i += 1
        if i >= limit:
            return pos, pos, None
        start = i
        if f[i] in "%‰":
            end = i + 1
            tail = _PERCENT_PER.match(f, end, limit) or _ACRONYM.match(self.text, end, limit)
            if tail:
                end = tail.end()
            return start, end, self.text[start:end]
        end = i
        words = 0
        mult = _MULTIPLIER.match(f, i, limit)
        if mult:
            end = mult.end()
            currency = _CURRENCY.match(f, end, limit)
            if currency:
                return start, currency.end(), self.text[start : currency.end()]
        j = end
        while words < 6:
            w = _UNIT_WORD.match(f, j, limit)
            if not w:
                break
            word = w.group(1)
            head = word.split("/", 1)[0]
            if head in _UNIT_STOP or (words == 0 and not mult and head in _TIME_WORDS):
                break
            j = w.end()
            end = j
            words += 1
        if end == start:
            return pos, pos, None
        if not mult and words == 0:
            return pos, pos, None
        return start, end, self.text[start:end]

    def _cue(self, fig: _Figure, floor: int) -> None:
        f = self.folded
        window_start = max(floor, fig.start - 40)
        window = f[window_start : fig.start]
        m = _CUE_RE.search(window)
        if m:
            name = next(k for k, v in m.groupdict().items() if v is not None)
            fig.cue = re.sub(r"\d+$", "", name)
            fig.cue_start = window_start + m.start()
        else:
            near = _DAT_NEAR.search(window)
            if near:
                fig.cue = "eq"
                fig.cue_start = window_start + near.start()
        more = _OR_MORE.match(f, fig.end)
        if more:
            fig.cue = "gte"
            fig.end = more.end()
        if fig.high is not None:
            fig.comparator = "range"
        elif fig.cue in ("eq", "gte", "lte", "approx", "stable"):
            fig.comparator = fig.cue
        else:
            fig.comparator = None

    # ------------------------------------------------------------ targets in a text

    def _sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        spans = []
        s = start
        for m in re.finditer(r"(?<=[.!?…])\s+(?=\S)", self.text[start:end]):
            cut = start + m.start()
            before = self.folded[max(s, cut - 6) : cut]
            if re.search(r"(?:v\.v|\d)\.{1,3}$", before) and not before.endswith(".."):
                continue
            spans.append((s, cut))
            s = start + m.end()
        spans.append((s, end))
        return spans

    def _clauses(self, sentence: tuple[int, int]) -> list[tuple[int, int]]:
        spans = []
        s = sentence[0]
        for m in re.finditer(";", self.folded[sentence[0] : sentence[1]]):
            spans.append((s, sentence[0] + m.start()))
            s = sentence[0] + m.end()
        spans.append((s, sentence[1]))
        return spans

    def _clause_bounds(self, pos: int, sentence: tuple[int, int]) -> tuple[int, int]:
        f = self.folded
        left = max(f.rfind(";", sentence[0], pos), f.rfind(":", sentence[0], pos))
        right = f.find(";", pos, sentence[1])
        return (left + 1 if left >= 0 else sentence[0]), (right if right >= 0 else sentence[1])

    def _targets_in(
        self,
        para: Paragraph,
        start: int,
        end: int,
        *,
        main: bool,
        default_year: int | None = None,
    ) -> list[_Target]:
        targets: list[_Target] = []
        f = self.folded
        for sentence in self._sentences(start, end):
            figures = self._figures(*sentence)
            previous: _Target | None = None
            prev_end = sentence[0]
            for k, fig in enumerate(figures):
                next_start = figures[k + 1].start if k + 1 < len(figures) else sentence[1]
                if self._in_quotes(fig.start) or _KY_NIEM.search(
                    f, max(0, fig.start - 20), fig.start
                ):
                    continue
                if fig.unit is None:
                    continue
                unit_f = f[fig.unit_start : fig.unit_end]
                if unit_f.startswith("tuoi") and fig.cue not in ("eq", "weak"):
                    continue  # "trẻ em dưới 5 tuổi", "từ 15 tuổi trở lên": who, not how many
                if _PER_POPULATION.match(unit_f) and fig.low <= 100_000:
                    continue  # "số bác sĩ trên 1 vạn dân": a denominator
                if fig.high is None and _FROM_TO.match(f, fig.end):
                    continue  # "tăng từ 50% lên 60%": the starting point
                gap = f[prev_end : fig.cue_start]
                continuing = (
                    previous is not None and len(gap) <= 120 and bool(_CONNECTOR.search(gap))
                )
                clause = self._clause_bounds(fig.start, sentence)
                if not main and not self._accept(fig, sentence, clause, continuing, para):
                    continue
                if not main and (
                    _PAST.search(f, max(clause[0], fig.start - _LOOKBACK), fig.start)
                    or _SAME_PERIOD.match(f, fig.end, clause[1])
                ):
                    continue  # "đã đạt 8.500 tỷ đồng", "tăng 8,3% so với cùng kỳ": results
                comparator = fig.comparator
                if comparator is None:
                    comparator = previous.comparator if continuing and previous else "eq"
                    if comparator == "range":
                        comparator = "eq"
                indicator, ind_start, ind_end, scope = self._indicator(
                    fig, next_start, clause, prev_end, previous
                )
                if not indicator.strip():
                    continue  # a figure with no words to say what it measures
                year = self._year_for(fig.start, fig.end, sentence, clause[1], para)
                if main:
                    if not self._years_in(start, end):
                        year = default_year
                    if year is None:
                        base = _BASE_YEAR.search(f, start, end)
                        year = int(base.group(1)) + 1 if base else None
                # a figure for a year already past is a result, not a target; the next
                # figure may still take its indicator ("Năm 2024, X ước đạt 9,2%; năm 2025
                # phấn đấu đạt 10%")
                past = bool(not main and year and self.issue_year and year < self.issue_year)
                unit = self._unit_with_per(fig, indicator)
                q_start = min(ind_start, fig.cue_start) if ind_start >= 0 else fig.cue_start
                target = _Target(
                    main=main,
                    indicator=indicator,
                    comparator=comparator,
                    value=fig.low if fig.high is None else None,
                    low=fig.low if fig.high is not None else None,
                    high=fig.high,
                    unit=unit,
                    year=year,
                    start=q_start,
                    end=max(fig.end, ind_end),
                    at=fig.start,
                    scope=scope,
                )
                target = self._trim_quote(target)
                if not past:
                    targets.extend(self._split_scopes(target))
                previous = target
                prev_end = fig.end
            if not main:
                for clause in self._clauses(sentence):
                    if not any(clause[0] <= t.at < clause[1] for t in targets):
                        targets.extend(self._figureless(para, clause, sentence))
        return targets

    def _accept(
        self,
        fig: _Figure,
        sentence: tuple[int, int],
        clause: tuple[int, int],
        continuing: bool,
        para: Paragraph,
    ) -> bool:
        """Whether a figure in task text is a target. A comparator phrase ("đạt", "trên",
        "ít nhất", "khoảng", "ổn định" …) makes it one; a sum of money also needs a goal
        ("phấn đấu", "đến năm 2025", "mục tiêu" …) or "đạt" ("hỗ trợ tối đa 30 triệu
        đồng/hộ" is a policy, not a target); a percentage needs a goal or a verb of result
        ("đảm bảo 100% …", "hoàn thành 100% …"); a figure after a target ("… và 17 bác
        sỹ/vạn dân") follows it."""
        f = self.folded
        percent = (fig.unit or " ")[0] in "%‰"
        window = max(sentence[0], fig.start - _LOOKBACK)
        goal = bool(_GOAL_WORDS.search(f, window, fig.start)) or self._colon_context(
            para, fig.start
        )
        if percent and self._colon_head(clause, sentence[0]):
            return True
        cue_word = f[fig.cue_start : fig.cue_start + 4]
        if _MONEY.search(fig.unit or "") and not goal and not continuing:
            return cue_word.startswith("dat") or bool(
                _DAT_NEAR.search(f, max(clause[0], fig.start - 30), fig.start)
            )
        if fig.high is not None:
            return fig.cue is not None or goal
        if fig.cue in ("eq", "gte", "lte", "approx", "stable"):
            if fig.cue == "gte" and cue_word.startswith("tu") and not goal:
                return continuing  # "từ 15 tuổi", "từ 2 năm": who or since when
            return True
        if continuing:
            return True
        if fig.cue == "weak" and cue_word.startswith(("tang", "giam", "chie")):
            return goal  # "giảm 50% lệ phí" is a measure; "phấn đấu … giảm 0,5%" a target
        if percent:
            return fig.cue == "weak" or goal
        return fig.cue == "weak" and goal

    def _colon_context(self, para: Paragraph, pos: int) -> bool:
        """Whether a "đến năm 2025 đạt:" or "mục tiêu:" before ``pos`` opens a list of goals."""
        start = max(para.start, pos - 3 * _LOOKBACK)
        return any(y[3] for y in self._years_in(start, pos)) or bool(
            _GOAL_COLON.search(self.folded, start, pos)
        )

    def _indicator(
        self,
        fig: _Figure,
        next_start: int,
        clause: tuple[int, int],
        prev_end: int,
        previous: _Target | None,
    ) -> tuple[str, int, int, str | None]:
        """The indicator a figure measures, where its words start (-1: not before the
        figure) and end (-1: not after it), and its area. The noun phrase before the
        comparator phrase ("Tỷ lệ hộ nghèo … còn khoảng 0,3%"); else the words after the
        figure ("100% học sinh hoàn thành …" → "Tỷ lệ học sinh hoàn thành …"); else, after
        "và" or ", trong đó", the previous one's; else what stands before a colon."""
        f = self.folded
        if fig.kind == "each":
            end = self._clause_text_end(fig.start, min(next_start, clause[1]))
            return self.text[fig.start : end], fig.start, end, None
        seg_start = max(clause[0], prev_end)
        seg_end = fig.cue_start
        if previous is not None and prev_end > clause[0]:
            # after the previous figure: only what follows the connector is ours
            first = _CONNECTOR.search(f, seg_start, seg_end)
            if first is not None:
                seg_start = first.end()
        cut = self._last_comma(seg_start, seg_end)
        if cut is not None:
            a, b = self._trim(cut, seg_end)
            if len(f[a:b].split()) >= 3 or seg_end - seg_start > 90 or b <= a:
                seg_start = cut
        head = _INDICATOR_HEAD.search(f, seg_start, seg_end)
        if head:
            seg_start = head.start()
        a, b = self._trim(seg_start, seg_end)
        own = self.text[a:b] if b - a >= 3 else ""
        after, after_end, unit_only = self._words_after(fig, min(next_start, clause[1]))
        weak = fig.cue in (None, "weak")
        if own and previous is not None and _SCOPE.fullmatch(f[a:b]):
            base = previous.indicator
            if previous.scope and base.endswith(previous.scope):
                base = base[: -len(previous.scope)].rstrip(" ,")
            else:
                found = _SCOPE.search(_fold(base))
                if found:
                    previous.scope = base[found.start() :].strip()
                    base = base[: found.start()].rstrip(" ,")
                    previous.indicator = base
            return base, a, -1, own
        colon_head = self._colon_head(clause, prev_end)
        if colon_head and own and len(re.findall(r"\w+", own)) <= 4:
            # "Tỷ lệ trường đạt chuẩn quốc gia: mầm non 85%, tiểu học 95%"
            start = colon_head[0] if previous is None else a
            return self.text[colon_head[0] : colon_head[1]], start, -1, own
        if own and not (weak and after and not unit_only and not head):
            return own, a, -1, None
        if after and not unit_only:
            return after, -1, after_end, None
        if own:
            return own, a, -1, None
        if previous is not None:
            return previous.indicator, -1, -1, previous.scope
        if clause[0] > 0 and f[clause[0] - 1] == ":":
            # "Số xã đạt chuẩn nông thôn mới nâng cao: 45 xã"
            line_start = max(self.text.rfind("\n", 0, clause[0]) + 1, prev_end)
            a, b = self._trim(line_start, clause[0] - 1)
            if b - a >= 3:
                return self.text[a:b], a, -1, None
        return after, -1, after_end, None

    def _colon_head(self, clause: tuple[int, int], floor: int) -> tuple[int, int] | None:
        """The indicator before the colon that opens a clause ("Tỷ lệ …: mầm non 85%")."""
        f = self.folded
        if clause[0] == 0 or f[clause[0] - 1] != ":":
            return None
        line_start = self.text.rfind("\n", 0, clause[0]) + 1
        label = _LABEL.match(f, line_start, clause[0])
        if label:
            line_start = label.end()
        left = max(
            f.rfind(";", line_start, clause[0] - 1), f.rfind(". ", line_start, clause[0] - 1)
        )
        a, b = self._trim(max(left + 1, line_start), clause[0] - 1)
        if b - a >= 3 and _INDICATOR_HEAD.match(f, a, b) and len(f[a:b].split()) <= 15:
            return a, b
        return None

    def _last_comma(self, start: int, end: int) -> int | None:
        """The offset after the last ", " or ": " outside brackets in [start, end)."""
        f = self.folded
        depth = 0
        for i in range(end - 1, start, -1):
            ch = f[i]
            if ch == ")":
                depth += 1
            elif ch == "(":
                depth = max(0, depth - 1)
            elif ch in ",:" and depth == 0 and f[i + 1 : i + 2] == " ":
                return i + 2
        return None

    def _words_after(self, fig: _Figure, limit: int) -> tuple[str, int, bool]:
        """ "100% học sinh hoàn thành …" → "Tỷ lệ học sinh hoàn thành …"; "15.000 doanh
        nghiệp được thành lập" → "Số doanh nghiệp được thành lập"."""
        f = self.folded
        if not fig.unit or fig.unit == "top":
            return "", -1, False
        percent = fig.unit[0] in "%‰"
        start = fig.end if percent else fig.unit_start
        if not percent:
            mult = _MULTIPLIER.match(f, start)
            if mult:
                start = mult.end() + 1
                if _CURRENCY.match(f, mult.end()):
                    return "", -1, False
        end = limit
        for stop in _AFTER_STOP.finditer(f, fig.end, end):
            words_before = len(re.findall(r"\w+", f[start : stop.start()]))
            if stop.group(0) == "," and 0 < words_before < 3:
                continue  # "100% số huyện, thành phố được công nhận …"
            end = stop.start()
            break
        a, b = self._trim(start, end)
        if b <= a or (percent and b - a < 4):
            return "", -1, False
        unit_only = not percent and b <= fig.unit_end
        if percent and re.match(r"so (?!luong)", f[a:b]):
            a += 3
        words = self.text[a:b]
        if not re.match(r"(?:ty le|ti le|so|tong)(?![a-z])", f[a:b]):
            words = ("Tỷ lệ " if percent else "Số ") + words
        return words, b, unit_only

    def _trim(self, start: int, end: int) -> tuple[int, int]:
        f = self.folded
        while True:
            m = _LEADING_NOISE.match(f, start, end)
            if not m or m.end() == start:
                break
            start = m.end()
        while start < end and f[start] in " ,;:.-)":
            start += 1
        while True:
            m = _TRAILING_NOISE.search(f, start, end)
            if not m or m.start() == end:
                break
            end = m.start()
        # an opening bracket left unclosed
        seg = f[start:end]
        if seg.count("(") > seg.count(")"):
            end = start + seg.rfind("(")
            while end > start and f[end - 1] == " ":
                end -= 1
        return start, end

    def _unit_with_per(self, fig: _Figure, indicator: str) -> str | None:
        """ "bác sỹ" measured in an indicator "Số bác sỹ/vạn dân" is "bác sỹ/vạn dân"."""
        unit = fig.unit
        if not unit or unit[0] in "%‰" or "/" in unit:
            return unit
        folded_unit = _fold(unit)
        folded_ind = _fold(indicator)
        m = re.search(re.escape(folded_unit) + _PER_IN_INDICATOR, folded_ind)
        if m:
            return (
                f"{indicator[m.start() : m.start('per')].split(' trên ')[0].rstrip('/ ')}/"
                + (indicator[m.start("per") : m.end()])
            )
        return unit

    def _trim_quote(self, target: _Target) -> _Target:
        while target.start < target.end and self.text[target.start] in " ,;:.-":
            target.start += 1
        return target

    def _split_scopes(self, target: _Target) -> list[_Target]:
        """ "… ở khu đô thị và khu vực nông thôn đạt 100%": one target per area."""
        folded = _fold(target.indicator)
        m = _SCOPE_PAIR.search(folded)
        if not m:
            return [target]
        base = (target.indicator[: m.start()] + target.indicator[m.end() :]).strip(" ,")
        first = replace(target, indicator=base, scope=target.indicator[m.start("a") : m.end("a")])
        second = replace(target, indicator=base, scope=target.indicator[m.start("b") : m.end("b")])
        return [first, second]

    # ------------------------------------------------------------ figure-less goals

    def _figureless(
        self, para: Paragraph, part: tuple[int, int], sentence: tuple[int, int]
    ) -> list[_Target]:
        f = self.folded
        found: list[_Target] = []
        s0, s1 = part
        for m in _RELATIVE.finditer(f, s0, s1):
            clause = self._clause_bounds(m.start(), sentence)
            a, b = self._trim(clause[0], m.start())
            if b - a < 10:
                continue
            comparator = "gte" if m.group("dir") == "cao hon" else "lte"
            tail = f[m.end() : clause[1]]
            # "… cao hơn mức bình quân của vùng vào các năm 2025 và 2030": one per year
            years: list[int | None] = [
                int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?![\d/-])", tail)
            ]
            if not years:
                years = [self._year_for(m.start(), m.end(), sentence, clause[1], para)]
            indicator = f"{self.text[a:b]} ({self.text[m.start() : m.end()]})"
            end = self._clause_text_end(m.end(), clause[1])
            for year in years:
                found.append(self._plain(indicator, comparator, year, a, end, m.start()))
        for m in _RANKED.finditer(f, s0, s1):
            clause = self._clause_bounds(m.start(), sentence)
            a, b = self._trim(clause[0], m.start())
            if b - a < 10:
                continue
            end = self._clause_text_end(m.end(), clause[1])
            year = self._year_for(m.start(), m.end(), sentence, clause[1], para)
            indicator = self.text[a:end]
            found.append(self._plain(indicator, "eq", year, a, end, m.start()))
        if found:
            return found
        for m in _QUOTA.finditer(f, s0, s1):
            clause = self._clause_bounds(m.start(), sentence)
            start = m.start() + len(m.group(0).split(" hoan thanh")[0]) + 1
            end = self._clause_text_end(m.end(), clause[1], stop_at_reference=True)
            year = self._clause_year(m.start(), clause, para)
            found.append(self._plain(self.text[start:end], "eq", year, m.start(), end, m.start()))
        if found:
            return found
        for m in _COMPLETION.finditer(f, s0, s1):
            clause = self._clause_bounds(m.start(), sentence)
            year = self._clause_year(m.start(), clause, para)
            if year is None:
                continue
            end = self._clause_text_end(m.end(), clause[1], stop_at_year=True)
            if end - m.end() < 8:
                continue
            quote_start = m.start()
            lead_year = [y for y in self._years_in(clause[0], m.start())]
            if lead_year:
                quote_start = lead_year[-1][0]
            found.append(
                self._plain(self.text[m.start() : end], "eq", year, quote_start, end, m.start())
            )
            break
        return found

    def _clause_year(self, pos: int, clause: tuple[int, int], para: Paragraph) -> int | None:
        """A year stated in the clause itself, or set by a "đến năm 2030 đạt:" before it."""
        own = self._years_in(clause[0], clause[1])
        own = [y for y in own if not re.match(r"nam \d{4}(?!,)", self.folded[y[0] : y[1] + 1])]
        if own:
            return own[-1][2]
        colon = [y for y in self._years_in(para.start, pos) if y[3]]
        return colon[-1][2] if colon else None

    def _clause_text_end(
        self,
        pos: int,
        clause_end: int,
        *,
        stop_at_year: bool = False,
        stop_at_reference: bool = False,
    ) -> int:
        f = self.folded
        end = clause_end
        stops = [r"\.(?:\s|$)", r";"]
        if stop_at_year:
            stops.append(r"(?<![a-z])(?:trong|den|vao|truoc) (?:het )?nam \d{4}")
        if stop_at_reference:
            stops.append(r"(?<![a-z])theo (?:chuong trinh|nghi quyet|ke hoach|quyet dinh)")
        m = re.compile("|".join(stops)).search(f, pos, end)
        if m:
            end = m.start()
        comma = f.find(", ", pos, end)
        if comma >= 0 and len(f[pos:comma].split()) >= 4:
            end = comma
        while end > pos and f[end - 1] in " ,;:.":
            end -= 1
        return end

    def _plain(
        self, indicator: str, comparator: str, year: int | None, start: int, end: int, at: int
    ) -> _Target:
        return _Target(
            main=False,
            indicator=indicator.strip(" ,;:."),
            comparator=comparator,
            value=None,
            low=None,
            high=None,
            unit=None,
            year=year,
            start=start,
            end=end,
            at=at,
        )

    # ------------------------------------------------------------ embedded targets

    def _embedded(self, para: Paragraph) -> list[_Target]:
        return self._targets_in(para, para.body_start, para.end, main=False)

    # ------------------------------------------------------------ duplicates

    def _deduplicate(self, main: list[_Target], embedded: list[_Target]) -> list[_Target]:
        """One target per quantity: a figure restated for the same indicator and year is
        dropped; the kept one (a main-list entry first) takes the restatement's lead."""
        kept: list[_Target] = []
        by_quantity: dict[tuple[Any, ...], list[_Target]] = {}
        for target in [*main, *embedded]:
            key = (*target.figures(), target.year)
            twin = next((k for k in by_quantity.get(key, []) if _same_quantity(k, target)), None)
            if twin is None:
                kept.append(target)
                by_quantity.setdefault(key, []).append(target)
                continue
            if twin.lead is None:
                twin.lead = target.lead
        main_kept = sorted((t for t in kept if t.main), key=lambda t: t.at)
        rest = sorted((t for t in kept if not t.main), key=lambda t: t.at)
        return main_kept + rest


def _table_header(cells: list[str]) -> tuple[int, int | None, int, int | None] | None:
    """(indicator column, unit column, plan column, its year) of a target table's header."""
    name_col = next(
        (i for i, c in enumerate(cells) if re.match(r"(?:cac )?chi tieu$|noi dung", c)), None
    )
    if name_col is None:
        return None
    unit_col = next((i for i, c in enumerate(cells) if re.match(r"d\.?v\.?t|don vi", c)), None)
    best: tuple[int, int, int] | None = None  # (year, priority, column)
    for i, c in enumerate(cells):
        if i <= name_col or i == unit_col or re.search(r"uoc|thuc hien|so sanh|ghi chu|\bth\b", c):
            continue
        if not re.search(r"ke hoach|\bkh\b|muc tieu|chi tieu|phan dau|nam \d{4}|\d{4}", c):
            continue
        years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", c)]
        year = max(years) if years else 0
        priority = 1 if re.search(r"ke hoach|\bkh\b|muc tieu|chi tieu|phan dau", c) else 0
        if best is None or (year, priority) >= best[:2]:
            best = (year, priority, i)
    if best is None:
        return None
    return name_col, unit_col, best[2], best[0] or None


_TABLE_VALUE = re.compile(
    rf"^(?P<cmp>>=|<=|≥|≤|>|<|tren|duoi|it nhat|toi thieu|toi da|khong qua|khoang|on dinh)?\s*"
    rf"(?P<a>{_NUM})(?:\s*[-–]\s*(?P<b>{_NUM}))?\s*%?\s*(?P<more>tro len)?$"
)
_TABLE_CMP = {
    ">=": "gte",
    "≥": "gte",
    ">": "gte",
    "tren": "gte",
    "it nhat": "gte",
    "toi thieu": "gte",
    "<=": "lte",
    "≤": "lte",
    "<": "lte",
    "duoi": "lte",
    "toi da": "lte",
    "khong qua": "lte",
    "khoang": "approx",
    "on dinh": "stable",
}


def _table_value(cell: str) -> tuple[str, Decimal, Decimal | None] | None:
    m = _TABLE_VALUE.match(cell.strip())
    if not m:
        return None
    try:
        low = parse_number(m.group("a"))
        high = parse_number(m.group("b")) if m.group("b") else None
    except ValueError:
        return None
    if high is not None:
        return "range", low, high
    comparator = "gte" if m.group("more") else _TABLE_CMP.get(m.group("cmp") or "", "eq")
    return comparator, low, None


def _heading_rank(para: Paragraph) -> int | None:
    """How high a heading stands: I. → 0, 1. → 1, 1.2. → 2; None for other paragraphs."""
    if para.kind == "roman":
        return 0
    if para.kind == "decimal":
        return para.level
    return None


def _same_quantity(a: _Target, b: _Target) -> bool:
    if a.value is None and a.low is None:
        return False
    if a.figures() != b.figures() or a.year != b.year:
        return False
    if a.main == b.main and a.start == b.start:
        return False  # two areas of one statement
    if a.scope and b.scope and a.scope != b.scope:
        return False
    similarity = _similarity(a.indicator, b.indicator)
    same_unit = _units_agree(a.unit, b.unit)
    return similarity >= 0.5 or (same_unit and a.low is not None)


def _units_agree(a: str | None, b: str | None) -> bool:
    ua, ub = fold_words(a or "").replace(" ", ""), fold_words(b or "").replace(" ", "")
    return bool(ua and ub) and (ua in ub or ub in ua)


_MINOR_WORDS = frozenset(_words("cua cac va o tai trong theo duoc co la nhung voi cho"))


def _similarity(a: str, b: str) -> float:
    wa = set(fold_words(a).split()) - _MINOR_WORDS
    wb = set(fold_words(b).split()) - _MINOR_WORDS
    if len(wa) < 2 or len(wb) < 2:
        return 0.0
    return max(len(wa & wb) / len(wa | wb), len(wa & wb) / min(len(wa), len(wb)) - 0.3)


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
