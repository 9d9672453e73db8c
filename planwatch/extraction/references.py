"""The documents a plan cites: the ones it carries out (``implements``) and every other one.

Vietnamese document numbers (số hiệu) come in two shapes:

* state documents: number, optional year, then the kind and the issuer's codes joined by
  hyphens: ``01/NQ-CP``, ``3105/QĐ-UBND``, ``150/2020/NĐ-CP``, ``74/2022/QH15``;
* Party documents put the dash first: ``12-NQ/TU``, ``93-KL/TW``, ``46-CTr/TU``.

Texts damage them (``45/NQ- HĐND``, ``45/NQ - HĐND``, ``15- NQ/TU``, ``26/2021/QĐTTg``); they
are recorded as cited, without spaces (:func:`planwatch.text.normalise_doc_number`). A date
that follows (``ngày 08/01/2025``, ``ngày 22 tháng 12 năm 2024``, even with a stray page
number inside: ``ngày 53 24/01/2022``) and an issuer (``của Chính phủ``) are attached.

The implemented documents are those named after "thực hiện" / "triển khai" in the subject
line, and those cited in the preamble's "Căn cứ …", "Thực hiện …", "Để thực hiện …"
sentences (before the first numbered section). Technical standards (``QCVN``, ``quy chuẩn
02/BYT``), ratios (``16/vạn``), fractions of units and dates are not documents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from planwatch.extraction.structure import Paragraph
from planwatch.text import fold, normalise_doc_number

# a code of a document number: NQ, CP, HĐND, CTr, TTg, QĐTTg, QH15, QĐi, BNNPTNT …
_CODE = r"[A-ZĐ]+[0-9]*(?:[a-zđ][A-ZĐ0-9]*)?"
# a further code after a hyphen: two capitals first, so "45/NQ - Hội đồng" stops at NQ
_MORE = r"(?:\s?-\s?(?=[A-ZĐ][A-ZĐ])" + _CODE + r")"
_END = r"(?![\wĐđ])"
DOC_NUMBER = re.compile(
    r"(?<![\w/.\-])(?:"
    # with a year: 150/2020/NĐ-CP, 74/2022/QH15, 26/2021/QĐTTg
    r"\d{1,5}\s?/\s?(?:19|20)\d\d\s?/\s?(?=[A-ZĐ])" + _CODE + _MORE + r"*"
    # state document: 01/NQ-CP, 45/NQ- HĐND, 3105/QĐ-UBND (at least one hyphen)
    r"|\d{1,5}\s?/\s?(?=[A-ZĐ])" + _CODE + _MORE + r"+"
    # Party document: 12-NQ/TU, 15- NQ/TU, 46-CTr/TU, 08-QĐi/TW
    r"|\d{1,5}\s?-\s?(?=[A-ZĐ])" + _CODE + r"\s?/\s?(?=[A-ZĐ])" + _CODE + _MORE + r"*"
    r")" + _END
)
# technical standards are not legal documents: QCVN 01:2009/BYT, "quy chuẩn 02/BYT"
_STANDARD_BEFORE = re.compile(r"(?:QCVN|TCVN|ISO|quy chuẩn|tiêu chuẩn)\s*(?:số\s*)?$", re.I)

_DATE = (
    r"(?:(?P<d1>\d{1,2})\s*[/.-]\s*(?P<m1>\d{1,2})\s*[/.-]\s*(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))"
)
# after the number: "(sau đây gọi tắt là …)", then "ngày …", possibly with a stray page
# number between "ngày" and the date ("ngày 53 24/01/2022")
_DATE_AFTER = re.compile(
    r"\s*(?:\([^()]{0,150}\)\s*)?,?\s*(?:(?:được\s+)?(?:ban hành|ký)\s+)?ngày\s+"
    r"(?:\d{1,3}\s+(?=\d{1,2}\s*(?:[/.-]|tháng)))?" + _DATE,
    re.IGNORECASE,
)
_ISSUER_AFTER = re.compile(
    r"\s*(?:\([^()]{0,150}\)\s*)?,?\s*của\s+(?P<issuer>[^\W\d_][^,;.:()\n“”\x22]{1,80}?)"
    r"(?=\s+(?:về|phê duyệt|quy định|ban hành|hướng dẫn|thực hiện|triển khai|khóa|khoá|"
    r"nhiệm kỳ|tại|và|đến|trong|với|đã|là|được|nhằm|để|theo|sửa đổi|điều chỉnh|"
    r"năm \d|ngày \d)\b|\s*[,;.:()“”\x22\n]|\s*$)"
)
_LIST_GAP = re.compile(r"\s*(?:,|và|,\s*và)\s*")
_ISSUER_ABBREVIATIONS = [
    (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
    (re.compile(r"\bUBND\b"), "Ủy ban nhân dân"),
    (re.compile(r"\bBCH\b"), "Ban Chấp hành"),
    (re.compile(r"\bBTV\b"), "Ban Thường vụ"),
    (re.compile(r"\bTTg\b"), "Thủ tướng Chính phủ"),
]

# sentences of the preamble that name the legal basis
_BASIS_SENTENCE = re.compile(
    r"\b(?:căn cứ|thực hiện|triển khai|thi hành|cụ thể hóa|cụ thể hoá|đã ra|đã ban hành|"
    r"thông qua|quán triệt)\b",
    re.IGNORECASE,
)
_NOT_BASIS = re.compile(r"^\W*(?:xét|theo đề nghị|trên cơ sở đề nghị)\b", re.IGNORECASE)
_CARRY_OUT = re.compile(r"\b(?:thực hiện|triển khai|thi hành)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;!?:])\s+(?=[^\W\d_\"“(])")


def find_references(
    text: str, paras: Sequence[Paragraph], document: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(implements, references): each ``{"number", "date", "issuer"?}``, one per number.

    ``document`` is :func:`planwatch.extraction.metadata.find_document`'s result; its own
    number is left out, and its title names documents the plan implements.
    """
    own = normalise_doc_number(document.get("number") or "")
    province = _province(document)
    cited: dict[str, dict[str, Any]] = {}  # normalised number -> entry, in order
    matches = [
        m
        for m in DOC_NUMBER.finditer(text)
        if not _STANDARD_BEFORE.search(text, max(0, m.start() - 20), m.start())
    ]
    for i, match in enumerate(matches):
        number = normalise_doc_number(match.group())
        if not number or number == own:
            continue
        # "Nghị quyết số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017": a list shares the date after it
        last = i
        while last + 1 < len(matches) and _LIST_GAP.fullmatch(
            text, matches[last].end(), matches[last + 1].start()
        ):
            last += 1
        when = _date_after(text, matches[last].end())
        issuer = _issuer_after(text, matches[last].end(), province)
        entry = cited.setdefault(number, {"number": number, "date": None})
        if entry["date"] is None and when:
            entry["date"] = when
        if "issuer" not in entry and issuer:
            entry["issuer"] = issuer

    basis = _basis_numbers(text, paras, document) - {own}
    implements = [entry for key, entry in cited.items() if key in basis]
    # a title may name a document the text never cites again
    for number in sorted(basis - cited.keys()):
        implements.append({"number": number, "date": None})
    references = [entry for key, entry in cited.items() if key not in basis]
    return implements, references


def _basis_numbers(text: str, paras: Sequence[Paragraph], document: dict[str, Any]) -> set[str]:
    """The numbers of the documents the plan carries out."""
    basis: set[str] = set()
    title = document.get("title") or ""
    carry = _CARRY_OUT.search(title)
    if carry:
        basis |= {
            normalise_doc_number(m.group()) for m in DOC_NUMBER.finditer(title, carry.start())
        }
    for p in _preamble(paras):
        if "|" in p.text:
            continue  # a website's metadata table
        for sentence in _SENTENCE_END.split(p.text):
            if _NOT_BASIS.search(sentence):
                continue
            found = [m for m in DOC_NUMBER.finditer(sentence)]
            if not found:
                continue
            if _is_title_line(sentence, document):
                carry = _CARRY_OUT.search(sentence)
                if carry:
                    basis |= {
                        normalise_doc_number(m.group()) for m in found if m.start() > carry.start()
                    }
                continue
            if _BASIS_SENTENCE.search(sentence):
                basis |= {
                    normalise_doc_number(m.group())
                    for m in found
                    if not _STANDARD_BEFORE.search(sentence, max(0, m.start() - 20), m.start())
                }
    return basis


def _preamble(paras: Sequence[Paragraph]) -> list[Paragraph]:
    """The paragraphs before the body: up to the first Roman or decimal item, ``Điều 1.``
    or ``QUYẾT ĐỊNH:``; at most 6,000 characters."""
    result: list[Paragraph] = []
    for p in paras:
        if p.kind in ("roman", "decimal") or p.start > 6000:
            break
        if re.match(r"^(?:Điều\s+1\b|QUYẾT ĐỊNH\s*:|PHẦN\s+(?:I|THỨ NHẤT)\b)", p.text):
            break
        result.append(p)
    return result


def _is_title_line(sentence: str, document: dict[str, Any]) -> bool:
    """The subject line, or the website's title line ("Kế hoạch 12/KH-UBND thực hiện …")."""
    title = fold(document.get("title") or "")[:60]
    if title and fold(sentence).startswith(title):
        return True
    own = document.get("number") or ""
    return bool(own) and normalise_doc_number(own) in normalise_doc_number(sentence[:60])


def _date_after(text: str, end: int) -> str | None:
    match = _DATE_AFTER.match(text, end, min(len(text), end + 220))
    if not match:
        return None
    day = match.group("d1") or match.group("d2")
    month = match.group("m1") or match.group("m2")
    year = match.group("y1") or match.group("y2")
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _issuer_after(text: str, end: int, province: str | None) -> str | None:
    """``… ngày 08/01/2025 của Chính phủ về …`` → ``Chính phủ``."""
    position = end
    dated = _DATE_AFTER.match(text, end, min(len(text), end + 220))
    if dated:
        position = dated.end()
    match = _ISSUER_AFTER.match(text, position, min(len(text), position + 240))
    if not match or not match.group("issuer")[0].isupper():
        return None
    return issuer_name(match.group("issuer"), province)


def issuer_name(raw: str, province: str | None = None) -> str:
    """An issuer written in full: ``HĐND tỉnh`` → ``Hội đồng nhân dân tỉnh Vĩnh Phúc``."""
    name = " ".join(raw.split())
    for pattern, full in _ISSUER_ABBREVIATIONS:
        name = pattern.sub(full, name)
    if province and re.search(r"\btỉnh$", name, re.IGNORECASE) and fold(name) != "tinh":
        name = f"{name[: -len('tỉnh')]}tỉnh {province}"
    return name


def _province(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer") or ""
    match = re.search(r"\btỉnh\s+(.+)$", issuer)
    if match:
        return match.group(1).strip()
    return document.get("place") or None
