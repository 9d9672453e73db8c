"""Tasks: the assigned actions of a plan, with their lead and coordinating agencies.

The genre (Decree 30/2020 layout) puts tasks under a heading such as "NHIỆM VỤ, GIẢI PHÁP"
and "TỔ CHỨC THỰC HIỆN", as numbered or lettered items, often grouped in sections that
name the agency in charge ("2.3. Sở Công Thương chủ trì, phối hợp với …"). An item is a task
when it is a leaf of that outline; an item with items under it is a heading whose actor
its items inherit; a paragraph with no label continues the item before it, except right
under a heading, where each such paragraph is a task of its own. Task appendices given as
tables (``| STT | Nội dung | Cơ quan chủ trì | … |``) are read column by column.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from planwatch.extraction.agencies import AgencyMatcher, Mention
from planwatch.extraction.structure import Paragraph
from planwatch.text import fold

# ranks of label kinds in the outline: smaller is higher
_ITEM_RANK = 10
_BULLET_RANK = 20
_PLAIN_RANK = 30

_TASK_HEADING = re.compile(r"nhiem vu|giai phap|to chuc thuc hien|phan cong")
_NOT_TASK_HEADING = re.compile(
    r"muc dich|yeu cau|quan diem|muc tieu|chi tieu|ket qua dat duoc|tinh hinh"
)
_END = re.compile(r"^(?:noi nhan|tren day la|tm\.|kt\.|q\.|tl\.)|\./\.$")
_NOTE = re.compile(r"^\(.*\)\.?$")
_LEAD_PREFIX = re.compile(r"^(?:giao(?: cho)?|de nghi|yeu cau|chi dao)\s+", re.I)
_COORDINATION = re.compile(r"phoi hop(?: voi| cung)?|cung voi")
_CLAUSE_END = re.compile(r"\bthuc hien\b|\bde\b|\btrien khai\b|\btham muu\b|\bto chuc\b|[;.:]")
_RECURRING = re.compile(
    r"thuong xuyen|dinh ky|hang nam|hang quy|hang thang|moi quy|moi nam|hang tuan|hang ky"
)
_NOT_RECURRING = re.compile(
    r"(?:chi|kinh phi|du toan|giao duc|von|nhiem vu chi|tro cap|phu cap|luong)\s+"
    r"(?:ngan sach\s+)?(?:thuong xuyen|hang thang|hang nam)"
)
_DATE = r"(\d{1,2})\s*(?:/|-|\.|\s+thang\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+nam\s+)\s*(\d{4})"
_DEADLINE = re.compile(
    r"(?:truoc|cham nhat(?: la)?|han chot|hoan thanh(?: truoc)?|xong truoc|trong)\s+(?:ngay\s+)?"
    + _DATE
)
_QUARTER = re.compile(
    r"(?:hoan thanh|xong|truoc het|trong)\s+(?:trong\s+)?quy\s+(i{1,3}|iv|[1-4])"
    r"\s*(?:/|nam\s+)(\d{4})"
)
_MONTH = re.compile(r"(?:hoan thanh|xong)\s+(?:trong\s+)?thang\s+(\d{1,2})\s*(?:/|nam\s+)(\d{4})")
_ROMAN_QUARTER = {"i": 3, "ii": 6, "iii": 9, "iv": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_TABLE_ROW = re.compile(r"\s\|\s")


@dataclass
class _Node:
    para: Paragraph
    rank: int
    children: list[_Node] = field(default_factory=list)
    continuation: list[Paragraph] = field(default_factory=list)
    parent: _Node | None = None
    lead: str | None = None
    coordinating: list[str] = field(default_factory=list)
    appendix: bool = False  # a heading whose items are in an appendix, not here


def _rank(p: Paragraph) -> int:
    if p.kind == "roman" or (p.kind == "" and p.is_upper and len(p.text) < 160):
        return 0  # "II. NHIỆM VỤ …", or an unlabelled heading in capitals
    if p.kind == "decimal":
        return p.level
    if p.kind in ("letter", "paren"):
        return _ITEM_RANK
    if p.kind in ("dash", "plus"):
        return _BULLET_RANK
    return _PLAIN_RANK


def _split_inline_items(paras: list[Paragraph]) -> list[Paragraph]:
    """``…thành phố: - Xây dựng …`` holds an intro and a first dash item: split them."""
    result: list[Paragraph] = []
    for p in paras:
        match = re.search(r":\s+(-|–)\s+(?=\S)", p.text)
        if match and p.kind != "dash" and match.start() > 20:
            intro_end = p.start + match.start() + 1
            item_start = p.start + match.start(1)
            result.append(
                Paragraph(
                    p.index,
                    p.start,
                    intro_end,
                    p.text[: match.start() + 1],
                    p.label,
                    p.kind,
                    p.body_start,
                )
            )
            body_start = p.start + match.end()
            result.append(
                Paragraph(
                    p.index, item_start, p.end, p.text[match.start(1) :], "-", "dash", body_start
                )
            )
        else:
            result.append(p)
    return result


def _task_region(paras: list[Paragraph]) -> list[Paragraph]:
    """From the first heading about tasks to the closing lines."""
    start = None
    for i, p in enumerate(paras):
        head = fold(p.body)
        if (
            (p.kind in ("roman", "decimal") or (p.is_upper and p.kind == ""))
            and len(p.body) < 160
            and not re.search(r"[.;]$", p.body)
            and _TASK_HEADING.search(head)
            and not _NOT_TASK_HEADING.search(head)
        ):
            start = i
            break
    if start is None:
        return []
    region = []
    for p in paras[start:]:
        if _END.search(fold(p.text)):
            if p.kind and p.text.endswith("./."):
                region.append(p)  # the last item of the plan, closed with "./."
            break
        region.append(p)
    return region


def _outline(region: list[Paragraph]) -> list[_Node]:
    """The region as a tree: headings with their items, items with their continuations."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    last_top: dict[int, int] = {}
    previous: _Node | None = None
    for p in region:
        if p.kind == "" and _NOTE.match(p.text):
            # "(Chi tiết có phụ lục kèm theo)": the heading before it points at an appendix
            if previous is not None and previous.rank < _ITEM_RANK and not previous.children:
                previous.appendix = True
            continue
        rank = _rank(p)
        if rank == 0:
            last_top.clear()
        if (
            rank == _PLAIN_RANK
            and previous is not None
            and previous.rank in (_ITEM_RANK, _BULLET_RANK)
        ):
            previous.continuation.append(p)  # an unlabelled paragraph continues the item before
            continue
        if p.kind == "decimal" and p.level == 1 and p.label.isdigit():
            number = int(p.label)
            if number <= last_top.get(1, 0):
                stack = [n for n in stack if n.rank == 0][:0]  # numbering restarted: a new part
            last_top[1] = number
        while (
            stack
            and stack[-1].rank >= rank
            and not (rank == _PLAIN_RANK and stack[-1].rank == _PLAIN_RANK)
        ):
            stack.pop()
        if rank == _PLAIN_RANK and stack and stack[-1].rank == _PLAIN_RANK:
            stack.pop()
        node = _Node(p, rank, parent=stack[-1] if stack else None)
        if node.parent is not None:
            node.parent.children.append(node)
        else:
            roots.append(node)
        stack.append(node)
        previous = node
    return roots


def _leaves(nodes: Iterable[_Node]) -> Iterable[_Node]:
    for node in nodes:
        if node.children:
            yield from _leaves(node.children)
        else:
            yield node


@dataclass(frozen=True)
class _Actors:
    lead: str | None
    coordinating: list[str]


class _LeadReader:
    def __init__(self, matcher: AgencyMatcher):
        self.matcher = matcher

    def combined(self, mentions: list[Mention]) -> str | None:
        """One register name for several groups named together, if the register has it."""
        if len(mentions) < 2:
            return None
        return self.matcher.canonical_name(", ".join(m.name for m in mentions))

    def actors_at_start(self, text: str, start: int, end: int) -> _Actors | None:
        """The agencies a sentence opens with (``Sở X, Sở Y và Z tổ chức …``)."""
        folded = fold(text[start:end])
        prefix = _LEAD_PREFIX.match(folded)
        offset = start + (prefix.end() if prefix else 0)
        mentions = self.matcher.find(text, offset, end)
        chain: list[Mention] = []
        position = offset
        for m in mentions:
            gap = fold(text[position : m.start])
            if chain and not re.fullmatch(r"\s*(?:,|;|va|cung|-)?\s*(?:cac\s+)?", gap):
                break
            if not chain and gap.strip() not in ("", "cac", "thu truong", "thu truong cac"):
                break
            chain.append(m)
            position = m.end
        if not chain:
            return None
        return self._actors(chain, text, position, end)

    def co_implementers(self, text: str, start: int, end: int, actors: _Actors) -> list[str]:
        """Agencies that open a later clause (``…; Hội Nông dân, Hội Phụ nữ … phổ biến …``)."""
        found: list[str] = []
        for semicolon in re.finditer(";", text[start:end]):
            clause = self.actors_at_start(text, start + semicolon.end(), end)
            if clause is None:
                continue
            for name in [clause.lead, *clause.coordinating]:
                if (
                    name
                    and not self.matcher.is_group(name)
                    and name != actors.lead
                    and name not in actors.coordinating
                    and name not in found
                ):
                    found.append(name)
        return found

    def actors_in_heading(self, text: str, start: int, end: int) -> _Actors | None:
        """The agencies a heading names (``Nhiệm vụ chung của các sở, ban, ngành, …``)."""
        mentions = self.matcher.find(text, start, end)
        if not mentions:
            return None
        head = fold(text[start : mentions[0].start])
        if re.search(r"\b(?:ve|cho|doi voi)\s*$", head):
            return None  # "… về doanh nghiệp": a subject, not an actor
        chain = [mentions[0]]
        for previous, m in itertools.pairwise(mentions):
            gap = fold(text[previous.end : m.start])
            if not re.fullmatch(r"\s*(?:,|;|va)?\s*(?:cac\s+)?", gap):
                break
            chain.append(m)
        return self._actors(chain, text, chain[-1].end, end)

    def _actors(self, chain: list[Mention], text: str, position: int, end: int) -> _Actors:
        combined = self.combined(chain)
        if combined:
            lead, others = combined, []
        else:
            lead, others = chain[0].name, [m.name for m in chain[1:] if not m.is_group]
        rest = fold(text[position:end])
        coordination = _COORDINATION.search(rest)
        if coordination:
            clause_start = position + coordination.end()
            clause_end = _CLAUSE_END.search(rest, coordination.end())
            stop = position + clause_end.start() if clause_end else end
            for m in self.matcher.find(text, clause_start, stop):
                if not m.is_group and m.name != lead and m.name not in others:
                    others.append(m.name)
        return _Actors(lead, others)


def _section_label(node: _Node) -> str:
    labels: list[str] = []
    deepest_decimal = ""
    current: _Node | None = node
    while current is not None:
        p = current.para
        if p.kind == "roman":
            labels.append(p.label + ".")
        elif p.kind == "decimal":
            if not deepest_decimal.startswith(p.label + "."):  # "2.2" already says "2"
                labels.append(p.label)
                deepest_decimal = p.label
        elif p.kind == "letter":
            labels.append(f" {p.label})")
        elif p.kind == "paren":
            labels.append(f"({p.label})")
        elif p.kind in ("dash", "plus"):
            siblings = current.parent.children if current.parent else []
            labels.append(f" (-{siblings.index(current) + 1})" if current in siblings else " (-)")
        else:
            siblings = current.parent.children if current.parent else []
            labels.append(f" (đoạn {siblings.index(current) + 1})" if current in siblings else "")
        current = current.parent
    return "".join(reversed(labels)).strip().replace(". ", ".")


def _deadline(folded: str) -> date | None:
    found: list[date] = []
    for m in _DEADLINE.finditer(folded):
        day, month, year = (int(g) for g in m.groups())
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    for m in _QUARTER.finditer(folded):
        month, year = _ROMAN_QUARTER[m.group(1)], int(m.group(2))
        found.append(_month_end(year, month))
    for m in _MONTH.finditer(folded):
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            found.append(_month_end(year, month))
    return max(found) if found else None


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1).fromordinal(date(year, month + 1, 1).toordinal() - 1)


def _recurring(folded: str) -> bool:
    cleaned = _NOT_RECURRING.sub(" ", folded)
    return bool(_RECURRING.search(cleaned))


def find_tasks(
    text: str, paras: list[Paragraph], matcher: AgencyMatcher | None = None
) -> list[dict]:
    """Every task of the plan, in document order, in the plan-file schema with spans."""
    matcher = matcher or AgencyMatcher.default()
    reader = _LeadReader(matcher)
    default_lead = matcher.canonical_name("Các sở, ban, ngành, UBND các huyện, thành phố")
    tasks = _table_tasks(text, paras, matcher)
    region = _split_inline_items(_task_region([p for p in paras if not _TABLE_ROW.search(p.text)]))
    roots = _outline(region)

    def assign(nodes: list[_Node], inherited: str | None) -> None:
        for node in nodes:
            p = node.para
            if node.children:
                actors = reader.actors_in_heading(text, p.body_start, p.end)
                node.lead = actors.lead if actors else inherited
                node.coordinating = actors.coordinating if actors else []
                assign(node.children, node.lead)
            else:
                end = node.continuation[-1].end if node.continuation else p.end
                actors = reader.actors_at_start(text, p.body_start, end)
                node.lead = actors.lead if actors else inherited
                node.coordinating = actors.coordinating if actors else []
                if actors:
                    node.coordinating += reader.co_implementers(text, p.body_start, end, actors)

    assign(roots, default_lead)
    for node in _leaves(roots):
        p = node.para
        if node.appendix or node.rank == 0:
            continue  # a part heading with nothing under it is not a task
        end = node.continuation[-1].end if node.continuation else p.end
        body = text[p.body_start : end]
        if len(body.strip()) < 15:
            continue
        coordinating = list(node.coordinating)
        heading = node.parent
        while not coordinating and heading is not None and heading.lead == node.lead:
            coordinating = list(heading.coordinating)
            heading = heading.parent
        folded = fold(body)
        tasks.append(
            {
                "section": _section_label(node),
                "lead": node.lead,
                "coordinating": coordinating,
                "deadline": (d.isoformat() if (d := _deadline(folded)) else None),
                "recurring": _recurring(folded),
                "text": re.sub(r"\s+", " ", body).strip(),
                "span": [p.body_start, end],
            }
        )
    tasks.sort(key=lambda t: t["span"][0])
    for number, task in enumerate(tasks, start=1):
        task["id"] = f"K{number:03d}"
    return tasks


# ------------------------------------------------------------------ task tables

_COLUMNS = {
    "text": re.compile(r"noi dung|nhiem vu|ten (?:nhiem vu|de an|cong viec)|cong viec"),
    "lead": re.compile(r"chu tri"),
    "coordinating": re.compile(r"phoi hop"),
    "deadline": re.compile(r"thoi gian|thoi han|tien do|hoan thanh"),
    "output": re.compile(r"san pham|ket qua|hinh thuc"),
}


def _cells(p: Paragraph, text: str) -> list[tuple[int, int]]:
    """Offsets of each cell of a ``a | b | c`` row."""
    cells = []
    position = p.start
    for part in p.text.split("|"):
        start = position + len(part) - len(part.lstrip())
        end = position + len(part.rstrip())
        cells.append((start, max(start, end)))
        position += len(part) + 1
    return cells


def _table_tasks(text: str, paras: list[Paragraph], matcher: AgencyMatcher) -> list[dict]:
    tasks: list[dict] = []
    columns: dict[str, int] | None = None
    for p in paras:
        if not _TABLE_ROW.search(p.text):
            columns = None
            continue
        cells = _cells(p, text)
        values = [fold(text[s:e]) for s, e in cells]
        header: dict[str, int] = {}
        for name, pattern in _COLUMNS.items():
            for i, value in enumerate(values):
                if pattern.search(value) and i not in header.values() and len(value) < 60:
                    header[name] = i
                    break
        if "text" in header and ("lead" in header or "deadline" in header):
            columns = header
            continue
        if columns is None or len(cells) <= columns["text"]:
            continue
        s, e = cells[columns["text"]]
        body = text[s:e].strip()
        if len(body) < 15 or re.fullmatch(r"[\dIVX.]+", body):
            continue

        row = {
            name: text[cells[i][0] : cells[i][1]] for name, i in columns.items() if i < len(cells)
        }

        def cell(name: str, row: dict[str, str] = row) -> str:
            return row.get(name, "")

        lead_mentions = matcher.find(cell("lead"))
        lead = lead_mentions[0].name if lead_mentions else (cell("lead").strip() or None)
        coordinating = [m.name for m in matcher.find(cell("coordinating"))]
        terms = fold(cell("deadline"))
        deadline = _deadline(terms) or _deadline("hoan thanh " + terms)
        if deadline is None:
            year = re.fullmatch(r"\s*(?:nam\s+)?(\d{4})\s*", terms)
            deadline = date(int(year.group(1)), 12, 31) if year else None
        tasks.append(
            {
                "section": "",
                "lead": lead,
                "coordinating": coordinating,
                "deadline": deadline.isoformat() if deadline else None,
                "recurring": _recurring(terms) or _recurring(fold(body)),
                "text": re.sub(r"\s+", " ", body),
                "expected_output": cell("output").strip() or None,
                "span": [s, e],
            }
        )
    return tasks
