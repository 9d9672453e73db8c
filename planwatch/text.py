"""Vietnamese text helpers with no Django import.

Folding of diacritics for search and matching, Vietnamese numbers (``27.026``, ``87,5``),
dates (``dd/mm/yyyy``) and document numbers (``45/NQ- HĐND`` → ``45/NQ-HĐND``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z%]+")


def nfc(text: str) -> str:
    """NFC-normalise ``text`` (Vietnamese is often stored decomposed, NFD)."""
    return unicodedata.normalize("NFC", text or "")


def squash(text: str) -> str:
    """NFC and single spaces, trimmed."""
    return _SPACES.sub(" ", nfc(text)).strip()


_STRIPPED: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}


def strip_diacritics(text: str) -> str:
    """``Vĩnh Phúc`` → ``Vinh Phuc``, ``Đồng`` → ``Dong``; case is kept."""
    text = nfc(text)
    for ch in set(text):
        if ord(ch) not in _STRIPPED:
            parts = unicodedata.normalize("NFD", ch)
            _STRIPPED[ord(ch)] = "".join(c for c in parts if not unicodedata.combining(c))
    return text.translate(_STRIPPED)


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: the form used for searching.

    ``fold("Hộ  NGHÈO")`` == ``"ho ngheo"``; punctuation is kept so that a search for
    ``"10-11%"`` still works.
    """
    return _SPACES.sub(" ", strip_diacritics(text).casefold()).strip()


def fold_words(text: str) -> str:
    """:func:`fold`, with every run of punctuation turned into one space.

    ``"Sở Văn hóa - Thể thao và Du lịch"`` and ``"Sở Văn hóa, Thể thao và Du lịch"`` give the
    same result.
    """
    return _SPACES.sub(" ", _NON_WORD.sub(" ", fold(text.replace("&", " và ")))).strip()


def fold_keep_length(text: str) -> str:
    """:func:`fold` without merging spaces, so that offsets into the result are offsets
    into ``text`` (each precomposed Vietnamese letter folds to one letter)."""
    folded = strip_diacritics(text).lower()
    return folded if len(folded) == len(text) else text.lower()


# Abbreviations of agency names, written out (on folded text, whole words only).
AGENCY_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "tp": "thanh pho",
    "kcn": "khu cong nghiep",
    "bql": "ban quan ly",
    "bch": "ban chap hanh",
    "nhnn": "ngan hang nha nuoc",
    "bhxh": "bao hiem xa hoi",
    "ptth": "phat thanh truyen hinh",
    "pt th": "phat thanh truyen hinh",
}
_ABBREVIATION_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, AGENCY_ABBREVIATIONS), key=len, reverse=True)) + r")\b"
)


def agency_key(name: str) -> str:
    """The form two spellings of one agency name share: folded, punctuation-free, with
    abbreviations written out (``Sở KH&ĐT`` and ``sở kh và đt`` agree)."""
    return _ABBREVIATION_RE.sub(lambda m: AGENCY_ABBREVIATIONS[m.group(1)], fold_words(name))


def without_province(key: str, province_key: str) -> str:
    """An :func:`agency_key` without the province's name: ``cuc thong ke tinh vinh phuc`` and
    ``cuc thong ke tinh`` both give ``cuc thong ke`` (a trailing "tỉnh" names the same
    province). ``province_key`` is the province's own :func:`agency_key`, or empty."""
    short = key
    if province_key:
        pattern = rf"\b(tinh )?{re.escape(province_key)}\b"
        short = " ".join(re.sub(pattern, " ", key).split())
    short = re.sub(r"(?<=\w) tinh$", "", short)
    return short or key


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^[+-]?\d+(?:,\d+)?$|^[+-]?\d+\.\d+$")


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way.

    ``27.026`` → 27026, ``87,5`` → 87.5, ``1.234.567,8`` → 1234567.8, ``0,3`` → 0.3.
    A dot followed by exactly three digits is a thousands separator; a comma is the
    decimal mark. A dot followed by other than three digits (``16.3``) is read as a decimal
    point, as it is in texts typed on English keyboards. Raises ``ValueError`` otherwise.
    """
    raw = squash(text).replace(" ", "")
    if not raw or not _NUMBER.match(raw):
        raise ValueError(f"not a number: {text!r}")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif re.search(r"\.\d{3}(?:\.|$)", raw) and not re.search(r"\.\d{1,2}$|\.\d{4,}$", raw):
        raw = raw.replace(".", "")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def format_number(
    value: Decimal | float | int, *, decimal_mark: str = ",", group_mark: str = "."
) -> str:
    """Write a number the Vietnamese way: 27026 → ``27.026``, 87.5 → ``87,5``.

    Trailing zeros of the fraction are dropped (``80.0`` → ``80``).
    """
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    sign = "-" if number < 0 else ""
    text = format(abs(number).normalize(), "f")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = group_mark.join(groups)
    if fraction.strip("0"):
        result += decimal_mark + fraction.rstrip("0")
    return sign + result


# ---------------------------------------------------------------- dates

_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def parse_dmy(text: str) -> date:
    """``05/02/2025`` → date(2025, 2, 5); raises ``ValueError`` for a date that does not exist."""
    match = _DMY.match(text or "")
    if not match:
        raise ValueError(f"not a dd/mm/yyyy date: {text!r}")
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


def format_dmy(value: date) -> str:
    return value.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- document numbers

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})


def normalise_doc_number(text: str) -> str:
    """Canonical form of a document number (số hiệu).

    Spaces are removed and dashes unified: ``"45/NQ- HĐND"`` and ``"45/NQ - HĐND"`` →
    ``"45/NQ-HĐND"``; a leading ``Số:`` is dropped. Letters keep their case and diacritics.
    """
    text = nfc(text).translate(_DASHES)
    text = re.sub(r"^\s*(?:số|Số|SỐ)\s*:?\s*", "", text)
    return re.sub(r"\s+", "", text).strip(".,;:")
