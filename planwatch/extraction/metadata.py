"""The document's own particulars: number, kind, issuer, place, date, signer and title.

A Vietnamese administrative document follows the layout of Decree 30/2020/NĐ-CP: the
issuing body at the top left (``ỦY BAN NHÂN DÂN`` / ``TỈNH VĨNH PHÚC``), the national motto
at the top right, ``Số: 01/CTr-UBND`` under the body, ``Vĩnh Phúc, ngày 17 tháng 01 năm
2025`` under the motto, the kind in capitals (``KẾ HOẠCH``), the subject line (trích yếu),
the body, and at the end the signature block (``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH`` /
``PHÓ CHỦ TỊCH`` / the signer's name). Texts copied from legal-document websites also carry
a title line and a metadata table (``Số hiệu | 01/CTr-UBND``, ``Người ký | …``) at the top;
they serve as a fallback when the document's own header or signature is damaged.

:func:`find_document` reads all of these; every rule works on any province's document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from planwatch.extraction.agencies import AgencyMatcher
from planwatch.extraction.structure import Paragraph
from planwatch.text import fold, normalise_doc_number

# ---------------------------------------------------------------- kinds of document

# the kind line, in capitals (folded), and how the kind is written; longest first
KINDS: dict[str, str] = {
    "chuong trinh hanh dong": "Chương trình hành động",
    "ke hoach hanh dong": "Kế hoạch hành động",
    "chuong trinh": "Chương trình",
    "ke hoach": "Kế hoạch",
    "nghi quyet": "Nghị quyết",
    "quyet dinh": "Quyết định",
    "chi thi": "Chỉ thị",
    "bao cao": "Báo cáo",
    "thong bao": "Thông báo",
    "ket luan": "Kết luận",
    "de an": "Đề án",
    "cong dien": "Công điện",
    "huong dan": "Hướng dẫn",
    "to trinh": "Tờ trình",
    "quy dinh": "Quy định",
    "quy che": "Quy chế",
    "nghi dinh": "Nghị định",
    "thong tu": "Thông tư",
    "phuong an": "Phương án",
    "cong van": "Công văn",
}
_KIND_LINE = re.compile(r"^(" + "|".join(KINDS) + r")\b\s*(.*)$")

# the kind code of a document number (01/CTr-UBND, 12-NQ/TU) and the kind it names
KIND_CODES: dict[str, str] = {
    "CTR": "Chương trình hành động",
    "KH": "Kế hoạch",
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "KL": "Kết luận",
    "ĐA": "Đề án",
    "CĐ": "Công điện",
    "HD": "Hướng dẫn",
    "TTR": "Tờ trình",
    "QYĐ": "Quy định",
    "QĐI": "Quy định",
    "QC": "Quy chế",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "PA": "Phương án",
}

# "UBND tỉnh ban hành Chương trình hành động như sau", "ban hành Kế hoạch thực hiện"
_ISSUES_KIND = re.compile(
    r"\bban hành (?:kèm theo [^.;:]{0,40}?)?("
    + "|".join(sorted(KINDS.values(), key=len, reverse=True))
    + r")(?=\s+(?:thực hiện|triển khai|như sau|với|về|này|số|gồm)\b|\s*[:.,])",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- header lines

_DOC_NUMBER = re.compile(
    r"^(\d+)\s*(?:/\s*\d{4}\s*)?/\s*([A-ZĐ][A-Za-zĐđ0-9]*)(?:\s*-\s*[A-ZĐ][A-Za-zĐđ0-9]*)+$"
    r"|^(\d+)\s*-\s*([A-ZĐ][A-Za-zĐđ]*)\s*/\s*[A-ZĐ][A-ZĐ0-9-]*$"
)
_BLANK_NUMBER = re.compile(r"^/\s*(?:\d{4}\s*/\s*)?([A-ZĐ][A-Za-zĐđ0-9]*)(?:\s*-|$)")
_PLACE_DATE = re.compile(
    r"(?P<place>(?:[^\W\d_][^\s,|:;()]*\s+){0,5}[^\W\d_][^\s,|:;()]*)\s*,\s*ngày\b\s*"
    r"(?P<rest>[^|]*)",
    re.IGNORECASE,
)
_DMY_WORDS = re.compile(
    r"^(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})?", re.IGNORECASE
)  # "17 tháng 01 năm 2025"; a blank "tháng năm 2020"
_DMY_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_MOTTO = re.compile(r"cong hoa xa hoi|doc lap\s*-?\s*tu do|chu nghia viet nam")
_BODY_LINE = re.compile(
    r"^(uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|tinh uy|thanh uy|huyen uy|so |ban |"
    r"van phong|cuc |chi cuc|bo |chinh phu|thu tuong)"
)
_LEVELS = ("tinh", "thanh pho", "huyen", "thi xa", "xa", "phuong", "thi tran", "quan")

# metadata table of legal-document websites: "Số hiệu | 01/CTr-UBND"
_META_KEYS = {
    "so hieu": "number",
    "ngay ban hanh": "issued_on",
    "nguoi ky": "signer",
    "loai van ban": "kind",
    "co quan ban hanh": "issuer",
    "noi ban hanh": "issuer",
}

# ---------------------------------------------------------------- signature block

_SIGN_MARK = re.compile(
    r"\b(?:TM|KT|TL|TUQ|Q)\s*\.\s*[A-ZĐÀ-Ỹ]|\b(?:PHÓ )?CHỦ TỊCH\b|\bGIÁM ĐỐC\b|\bBÍ THƯ\b|"
    r"\bTRƯỞNG BAN\b|\bCHÁNH VĂN PHÒNG\b|\bTHỦ TRƯỞNG\b"
)
# words of signature titles and the recipients' list, never a whole name
_TITLE_WORDS = {
    "tm", "kt", "tl", "tuq", "chu", "tich", "pho", "giam", "doc", "uy", "ban", "nhan", "dan",
    "da", "ky", "noi", "nhan:", "luu", "vt", "so", "tinh", "truong", "van", "phong", "bi",
    "thu", "hoi", "dong",
}  # fmt: skip
# words of an agency's name: "Sở Y Tế" and "Trung Tâm Y Tế" are not people
_AGENCY_WORDS = {
    "so", "ban", "uy", "phong", "hoi", "dong", "tinh", "huyen", "xa", "trung", "tam", "cong",
    "ty", "truong", "noi", "nhan", "cuc", "chi", "vien", "benh", "kho", "bac", "quy",
}  # fmt: skip
_SURNAMES = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
    "do", "ho", "ngo", "duong", "ly", "dinh", "trinh", "truong", "mai", "lam", "luong",
    "ha", "dao", "cao", "ta", "chu", "luu", "kieu", "quach", "thai", "van", "tong", "lai",
    "vuong", "khuat", "nghiem", "kim", "la", "lo", "hua", "doan", "tang", "giang", "to",
    "au", "dam", "phung", "nong", "hoa", "thach", "son", "danh", "trieu", "lu", "luc",
}  # fmt: skip


def find_document(
    text: str, paras: Sequence[Paragraph], matcher: AgencyMatcher | None = None
) -> dict[str, Any]:
    """Number, kind, issuer, place, issued_on (ISO date), signer and title of the document.

    ``matcher`` supplies the province whose proper spelling repairs the place name
    (``Vinh Phúc`` → ``Vĩnh Phúc``); the default register's matcher when not given.
    Fields that cannot be read are ``None``.
    """
    if matcher is None:
        matcher = AgencyMatcher.default()
    head = _head(paras)
    meta = _metadata_table(head)
    web_title = _website_title(paras)

    number, number_code = _number(head)
    if number is None and number_code is None and meta.get("number"):
        number, number_code = _parse_number(meta["number"])
    place, issued = _place_and_date(head)
    if issued is None and meta.get("issued_on"):
        issued = _iso_numeric(meta["issued_on"])

    kind, title = _kind_and_title(paras, head)
    if kind is None and number_code:
        kind = KIND_CODES.get(number_code.upper())
    if kind is None:
        match = _ISSUES_KIND.search(text[: _body_limit(text, paras)])
        if match:
            kind = _capitalise(match.group(1).lower())
    if kind is None and web_title:
        kind = web_title[0]
    if kind is None and meta.get("kind") and fold(meta["kind"]) != "van ban khac":
        kind = _capitalise(meta["kind"].strip().lower())
    if title is None and web_title:
        title = web_title[1]

    if place and not (matcher.province and fold(place) == fold(matcher.province)):
        place = best_spelling(text, place)
    province = _province(meta, place, matcher)
    if place and province and fold(place) == fold(province):
        place = province
    issuer = _issuer(head, paras, text, number_code, number, province)
    if issuer and not fold(issuer).startswith(("uy ban", "hoi dong")):
        canonical = matcher.canonical_name(issuer)
        if canonical and (not matcher.province or fold(matcher.province) not in fold(canonical)):
            issuer = canonical
    signer = _signer(paras) or None
    if meta.get("signer") and (signer is None or fold(signer) == fold(meta["signer"])):
        signer = meta["signer"].strip()
    return {
        "number": number,
        "kind": kind,
        "issuer": issuer,
        "place": place,
        "issued_on": issued,
        "signer": signer,
        "title": title,
    }


def issued_on(paras: Sequence[Paragraph]) -> str | None:
    """The issue date in the header's place-and-date line (ISO), or None."""
    return _place_and_date(_head(paras))[1]


# ---------------------------------------------------------------- the header zone


def _head(paras: Sequence[Paragraph]) -> list[Paragraph]:
    """The paragraphs before the body: up to the first Roman or decimal item, at most 40."""
    head: list[Paragraph] = []
    for p in paras[:40]:
        if p.kind in ("roman", "decimal"):
            break
        head.append(p)
    return head


def _cells(p: Paragraph) -> list[str]:
    return [c.strip() for c in p.text.split("|") if c.strip()]


def _metadata_table(head: Sequence[Paragraph]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for p in head:
        cells = _cells(p)
        for i, cell in enumerate(cells[:-1]):
            key = _META_KEYS.get(fold(cell).rstrip(": "))
            if key and key not in meta and fold(cells[i + 1]).rstrip(": ") not in _META_KEYS:
                meta[key] = cells[i + 1]
    return meta


def _website_title(paras: Sequence[Paragraph]) -> tuple[str, str] | None:
    """``Chương trình hành động 01/CTr-UBND thực hiện … do tỉnh Vĩnh Phúc ban hành`` →
    (kind, title without the prefix and the suffix)."""
    for p in paras[:3]:
        if "|" in p.text:
            continue
        match = _KIND_LINE.match(fold(p.text))
        if not match:
            continue
        kind = KINDS[match.group(1)]
        rest = " ".join(p.text.split()[len(match.group(1).split()) :])
        number = re.match(
            r"^(?:số\s*)?(\d+\s*(?:/\s*\d{4})?\s*[/-]\s*[A-ZĐ][\w/-]*)\s*", rest, re.IGNORECASE
        )
        if not number:
            continue
        rest = rest[number.end() :]
        rest = re.sub(r"^năm \d{4}\s+", "", rest)
        rest = re.sub(r"\s+do\s+[^,;.]{2,80}?\s+ban hành\s*$", "", rest).strip()
        if rest:
            return kind, rest
    return None


def _parse_number(raw: str) -> tuple[str | None, str | None]:
    """(number or None, kind code): ``01/CTr-UBND`` → ("01/CTr-UBND", "CTr");
    ``/KH-UBND`` → (None, "KH")."""
    raw = raw.strip().strip(".,;")
    match = _DOC_NUMBER.match(raw)
    if match:
        code = match.group(2) or match.group(4)
        return normalise_doc_number(raw), code
    blank = _BLANK_NUMBER.match(raw)
    if blank:
        return None, blank.group(1)
    return None, None


_NUMBER_AFTER_SO = re.compile(
    r"(?:^|(?<=[|\s\-*]))Số\s*:?\s*((?:\d+\s*(?:/\s*\d{4}\s*)?[/-]\s*)?/?\s*[A-ZĐ][A-Za-zĐđ0-9]*"
    r"(?:\s*[-/]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*)"
)


def _number(head: Sequence[Paragraph]) -> tuple[str | None, str | None]:
    """``Số: 01/CTr-UBND`` → ("01/CTr-UBND", "CTr"); ``Số: /KH-UBND`` → (None, "KH")."""
    for p in head:
        match = _NUMBER_AFTER_SO.search(p.text)
        if match:
            number, code = _parse_number(match.group(1))
            if number or code:
                return number, code
    return None, None


def _place_and_date(head: Sequence[Paragraph]) -> tuple[str | None, str | None]:
    for p in head:
        for cell in _cells(p):
            cell = _NUMBER_AFTER_SO.sub(" ", cell)
            match = _PLACE_DATE.search(cell)
            if not match:
                continue
            place = _place_words(match.group("place"))
            if not place:
                continue
            rest = match.group("rest").strip()
            issued: str | None = None
            numeric = _DMY_NUMERIC.match(rest)
            words = _DMY_WORDS.match(rest)
            if numeric:
                issued = _iso(*(int(g) for g in numeric.groups()))
            elif words and words.group(3):
                if words.group(1) and words.group(2):
                    issued = _iso(int(words.group(1)), int(words.group(2)), int(words.group(3)))
            else:
                continue
            return place, issued
    return None, None


def _place_words(words: str) -> str | None:
    """The place name ending a run of words: its capitalised words (``… Hạnh phúc Vĩnh
    Phúc`` → ``Vĩnh Phúc``), with ``Thành phố`` / ``TP.`` before them."""
    tokens = words.split()
    keep: list[str] = []
    for token in reversed(tokens):
        if token[0].isupper() and not (len(token) > 1 and token.isupper() and len(keep) > 0):
            keep.insert(0, token)
        else:
            break
    if not keep:
        return None
    before = tokens[: len(tokens) - len(keep)]
    if len(before) >= 2 and fold(" ".join(before[-2:])) == "thanh pho":
        keep = before[-2:] + keep
    elif before and fold(before[-1]).rstrip(".") == "tp":
        keep = before[-1:] + keep
    return " ".join(keep)


def _letter_classes() -> dict[str, str]:
    """Every Vietnamese letter under the plain letter it folds to: ``a`` → ``aàáảãạăằ…``."""
    classes: dict[str, str] = {}
    for code in [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        if ch.isalpha() and len(fold(ch)) == 1 and fold(ch).isascii():
            classes[fold(ch)] = classes.get(fold(ch), "") + ch
    return classes


_LETTER_CLASSES = _letter_classes()


def best_spelling(text: str, name: str) -> str:
    """The spelling of ``name`` the text uses with the most diacritics, then most often:
    a place typed ``Vinh Phúc`` once and ``Vĩnh Phúc`` elsewhere is Vĩnh Phúc."""
    parts = []
    for ch in name:
        letters = _LETTER_CLASSES.get(fold(ch)) if ch.isalpha() else None
        parts.append(f"[{letters}]" if letters else r"\s+" if ch.isspace() else re.escape(ch))
    pattern = re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)")
    counts: dict[str, int] = {}
    for m in pattern.finditer(text):
        form = " ".join(m.group().split())
        if form[:1].isupper() and (name.isupper() or not form.isupper()):
            counts[form] = counts.get(form, 0) + 1
    if not counts:
        return name

    def marks(form: str) -> int:
        return sum(not ch.isascii() for ch in form)

    return max(counts, key=lambda form: (marks(form), counts[form]))


def _iso(day: int, month: int, year: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso_numeric(raw: str) -> str | None:
    match = _DMY_NUMERIC.match(raw.strip())
    return _iso(*(int(g) for g in match.groups())) if match else None


def _kind_and_title(
    paras: Sequence[Paragraph], head: Sequence[Paragraph]
) -> tuple[str | None, str | None]:
    """The kind line in capitals and the subject line(s) after it."""
    for p in head:
        if "|" in p.text or not p.is_upper:
            continue
        folded = fold(p.text).strip(" .:")
        match = _KIND_LINE.match(folded)
        if not match or _MOTTO.search(folded):
            continue
        kind = KINDS[match.group(1)]
        rest = match.group(2).strip()
        if rest and len(rest.split()) <= 1 and not rest.startswith(("so", "ve")):
            continue  # "BÁO CÁO VIÊN" and such, not a kind line
        title: str | None = None
        if rest:
            # kind and subject in one line of capitals: "KẾ HOẠCH THỰC HIỆN NGHỊ QUYẾT …"
            words = p.text.strip().split()
            title = _sentence_case(" ".join(words[len(match.group(1).split()) :]))
        else:
            title = _subject_after(paras, p.index)
        if title and title.isupper():
            title = _sentence_case(title)
        return kind, title
    return None, None


def _subject_after(paras: Sequence[Paragraph], index: int) -> str | None:
    """The trích yếu: the paragraph after the kind line, before the preamble; a short
    second line that carries on the subject is joined to it."""
    lines: list[str] = []
    for p in paras[index + 1 : index + 4]:
        body = p.text.strip()
        if re.fullmatch(r"[-_=*.\s]+", body):
            continue
        if p.kind in ("roman", "decimal") or re.match(_PREAMBLE_START, body):
            break
        if lines and (len(body) > 150 or re.search(r"[.;:]$", body) or p.is_upper):
            break
        lines.append(body)
        if re.search(r"[.;:]$", body):
            break
    if not lines:
        return None
    title = " ".join(lines).strip()
    if re.search(r"[;:]$", title):
        return None  # a preamble sentence, not a subject line
    return title.rstrip(".")


_PREAMBLE_START = re.compile(
    r"^(?:Căn cứ|Kính gửi|Xét đề nghị|Theo đề nghị|Ngày \d|Năm \d|Để |Nhằm )"
)


def _body_limit(text: str, paras: Sequence[Paragraph]) -> int:
    """Where the preamble ends: the first Roman or decimal item (or 6,000 characters)."""
    for p in paras:
        if p.kind in ("roman", "decimal") and p.start > 0:
            return min(p.start, 6000)
    return min(len(text), 6000)


# ---------------------------------------------------------------- issuer and province


def _province(meta: dict[str, str], place: str | None, matcher: AgencyMatcher) -> str | None:
    known = matcher.province
    candidates = []
    issuer = meta.get("issuer", "")
    match = re.match(r"^\s*(?:tỉnh|thành phố|tp\.?)\s+(.+?)\s*$", issuer, re.IGNORECASE)
    if match:
        candidates.append(match.group(1))
    if place:
        candidates.append(place)
    for candidate in candidates:
        if known and fold(candidate) == fold(known):
            return known
    return candidates[0] if candidates else None


def _issuer(
    head: Sequence[Paragraph],
    paras: Sequence[Paragraph],
    text: str,
    number_code: str | None,
    number: str | None,
    province: str | None,
) -> str | None:
    # the header: "ỦY BAN NHÂN DÂN" / "TỈNH VĨNH PHÚC", or "UBND TỈNH X" / "SỞ Y TẾ"
    lines: list[str] = []
    for cell in (c for p in head for c in _cells(p)):
        cell = re.split(r"(?i)\bcộng h[òo]a\b", cell)[0].strip()
        folded = fold(cell)
        letters = [c for c in cell if c.isalpha()]
        upper = bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
        if (
            upper
            and not re.search(r"\d", cell)
            and (
                _BODY_LINE.match(folded)
                or (lines and re.match(r"^(" + "|".join(_LEVELS) + r")\b", folded))
            )
        ):
            lines.append(cell)
        elif lines:
            break
    if lines:
        return _body_name(lines, province)
    # no header: the body from the signature block or the number, the province from the place
    tail = " ".join(p.text for p in paras[-30:])
    body = None
    if re.search(r"\bTM\s*\.\s*ỦY BAN NHÂN\s*DÂN\b", tail) or re.search(
        r"-\s*UBND\b", number or ""
    ):
        body = "Ủy ban nhân dân"
    elif re.search(r"\bTM\s*\.\s*HỘI ĐỒNG NHÂN\s*DÂN\b", tail):
        body = "Hội đồng nhân dân"
    elif number_code and re.search(r"\bUBND\b", text[:3000]) and _ISSUES_KIND.search(text[:6000]):
        body = "Ủy ban nhân dân"
    if body is None:
        return None
    level = "tỉnh"
    match = re.search(
        r"\b(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|huyện|thành phố|thị xã|xã)\s+ban hành",
        text[:6000],
    )
    if match:
        level = match.group(1)
    return f"{body} {level} {province}" if province else f"{body} {level}"


_ABBREVIATED_BODIES = {
    "ubnd": "Ủy ban nhân dân",
    "hdnd": "Hội đồng nhân dân",
    "uy ban nhan dan": "Ủy ban nhân dân",
    "hoi dong nhan dan": "Hội đồng nhân dân",
    "tinh uy": "Tỉnh ủy",
    "thanh uy": "Thành ủy",
    "huyen uy": "Huyện ủy",
}


def _body_name(lines: list[str], province: str | None) -> str:
    """``["ỦY BAN NHÂN DÂN", "TỈNH VĨNH PHÚC"]`` → ``Ủy ban nhân dân tỉnh Vĩnh Phúc``; with a
    parent and a child line (``UBND TỈNH X`` / ``SỞ Y TẾ``) the child issues."""
    joined = [lines[0]]
    for line in lines[1:]:
        if re.match(r"^(" + "|".join(_LEVELS) + r")\b", fold(line)):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    name = joined[-1]
    folded = fold(name)
    for abbreviation, full in sorted(_ABBREVIATED_BODIES.items(), key=lambda kv: -len(kv[0])):
        if folded.startswith(abbreviation + " ") or folded == abbreviation:
            rest = name.split()[len(abbreviation.split()) :]
            return _place_name(full, rest, province)
    words = name.split()
    return _capitalise(" ".join(words).lower())


def _place_name(body: str, rest: list[str], province: str | None) -> str:
    if not rest:
        if body.endswith(" ủy"):
            return f"{body} {province}" if province else body
        return f"{body} tỉnh {province}" if province else body
    level_words = 0
    for level in sorted(_LEVELS, key=len, reverse=True):
        if fold(" ".join(rest[: len(level.split())])) == level:
            level_words = len(level.split())
            break
    level = " ".join(rest[:level_words]).lower()
    name = " ".join(w.capitalize() for w in " ".join(rest[level_words:]).lower().split())
    if province and fold(name) == fold(province):
        name = province
    return " ".join(part for part in (body, level, name) if part)


def _sentence_case(text: str) -> str:
    """``VỀ VIỆC THỰC HIỆN NGHỊ QUYẾT SỐ 01/NQ-CP`` → ``Về việc thực hiện nghị quyết số
    01/NQ-CP``: words with digits (document numbers) keep their case."""
    words = [w if re.search(r"\d", w) else w.lower() for w in text.split()]
    return _capitalise(" ".join(words))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# ---------------------------------------------------------------- the signer


def _signer(paras: Sequence[Paragraph]) -> str | None:
    """The name under a signature title (``TM. ỦY BAN NHÂN DÂN``, ``KT. CHỦ TỊCH``, ``PHÓ
    CHỦ TỊCH``), the last block first; appendices may follow the signature."""
    for p in reversed(paras):
        if len(p.text) > 200 or not _SIGN_MARK.search(p.text):
            continue
        for q in paras[p.index : p.index + 7]:
            for cell in reversed(_cells(q)):
                name = _as_name(cell)
                if name:
                    return name
    return None


def _as_name(cell: str) -> str | None:
    cell = re.sub(r"\((?:đã ký|ký|đã ký và đóng dấu)\)", "", cell, flags=re.IGNORECASE)
    cell = re.sub(r"^.*\b(?:CHỦ TỊCH|GIÁM ĐỐC|BÍ THƯ|TRƯỞNG BAN)\s+(?=\S+\s+\S+)", "", cell)
    cell = cell.strip(" .,;:*_")
    words = cell.split()
    if not 2 <= len(words) <= 5:
        return None
    folded = [fold(w) for w in words]
    if all(w in _TITLE_WORDS for w in folded):
        return None
    if cell.isupper():
        if folded[0] not in _SURNAMES or any(w in {"uy", "ban", "chu", "tich"} for w in folded):
            return None
        words = [w.capitalize() for w in cell.lower().split()]
    elif not all(w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words) or (
        folded[0] not in _SURNAMES and (len(words) < 3 or _AGENCY_WORDS & set(folded))
    ):
        return None
    return " ".join(words)
