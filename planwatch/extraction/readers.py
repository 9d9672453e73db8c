"""Reading a document file: its bytes in, its text out (before :func:`normalize.normalise`).

:func:`read_document` takes a path or the file's bytes and picks the format by the file
name's extension, or by the content when the extension is missing or wrong:

``.txt`` ``.md``  text in UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM,
                  UTF-16 without one (seen by its NUL bytes), else Windows-1258 or -1252
                  when the bytes are not UTF-8 and read as plausible text
``.docx``         paragraphs and tables in body order, Word's list numbers written out,
                  each table row one line ``| cell | cell |``
``.xlsx``         every sheet: its title, then each non-empty row as ``| a | b |``, numbers
                  and dates written the Vietnamese way (``87,5``, ``31/12/2025``)
``.pdf``          the text layer, page by page, pages parted by a blank line

The text comes back in NFC. Any failure is an :class:`ExtractionError` whose message says
what is wrong in words a user understands; no other exception leaves :func:`read_document`.
Zip bombs, decompression bombs in PDF streams, huge files and endless work are cut short by
the limits below (module constants, so a caller or a test can change them).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from planwatch.extraction.errors import ExtractionError
from planwatch.extraction.normalize import LABEL

SUPPORTED = (".txt", ".md", ".docx", ".xlsx", ".pdf")

MAX_FILE_BYTES = 100 * 1024 * 1024  # the file itself
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a DOCX or XLSX, unpacked
MAX_ZIP_MEMBERS = 10_000
MAX_PDF_DECODED_BYTES = 256 * 1024 * 1024  # all of a PDF's decompressed streams together
MAX_PDF_PAGES = 5_000
MAX_TEXT_CHARS = 20_000_000  # the text read out
MAX_XLSX_COLUMNS = 256  # columns A to IV of each sheet; cells beyond are not read
TIME_LIMIT = 60.0  # seconds of reading before giving up

MIN_PDF_LETTERS = 20  # fewer letters than this over all pages: no text layer

NOT_A_DOCUMENT = "not a document: binary data that is not DOCX, XLSX or PDF"
UNREADABLE_ENCODING = "the text is in an encoding planwatch cannot read (unreadable encoding)"

_TEXT, _DOCX, _XLSX, _PDF = "text", "DOCX", "XLSX", "PDF"
_BY_EXTENSION = {".txt": _TEXT, ".md": _TEXT, ".docx": _DOCX, ".xlsx": _XLSX, ".pdf": _PDF}


def read_document(source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> str:
    """The text of a document: a path to it, or its bytes (then ``name``, if given, is the
    file name whose extension says the format). Raises :class:`ExtractionError` only."""
    data, path_name = _load(source)
    extension = _extension(name if name is not None else path_name)
    limits = _Limits(time.monotonic() + TIME_LIMIT)
    kind = _choose_format(data, extension)
    reader = {_TEXT: _read_text, _DOCX: _read_docx, _XLSX: _read_xlsx, _PDF: _read_pdf}[kind]
    try:
        text = reader(data, limits)
    except ExtractionError:
        raise
    except Exception as exc:
        what = "text file" if kind == _TEXT else f"{kind} file"
        raise ExtractionError(f"the {what} is damaged: {_describe(exc)}") from exc
    return _finish(text)


# --- loading and choosing the format -------------------------------------------------------


def _load(source: str | os.PathLike[str] | bytes) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        path_name = None
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        path_name = path.name
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise ExtractionError(f"the file cannot be opened: {_describe(exc)}") from exc
    else:
        raise TypeError(f"read_document takes a path or bytes, not {type(source).__name__}")
    if not data:
        raise ExtractionError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ExtractionError(
            f"the file is too large: more than {MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    return data, path_name


def _extension(name: str | None) -> str:
    if not name:
        return ""
    return os.path.splitext(name.strip())[1].lower()


def _choose_format(data: bytes, extension: str) -> str:
    """The format the content shows; text when it shows none. The extension only says what
    a damaged ZIP archive was meant to be."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_format(data, extension)
    if b"%PDF-" in data[:1024]:
        return _PDF
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ExtractionError(
            "not a document planwatch reads: an old Word or Excel file (.doc, .xls); "
            "save it as DOCX or XLSX first"
        )
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise ExtractionError("not a document planwatch reads: an RTF file; save it as DOCX first")
    # an extension that names a binary format on content that is not that format: the
    # extension is wrong, and the content is read as text (or refused as binary data)
    return _TEXT


def _zip_format(data: bytes, extension: str) -> str:
    expected = _BY_EXTENSION.get(extension)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise ExtractionError(
                    f"the file is a ZIP archive of more than {MAX_ZIP_MEMBERS} files "
                    "(a zip bomb?); planwatch does not unpack it"
                )
            if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
                raise ExtractionError(
                    "the file unpacks to more than "
                    f"{MAX_UNZIPPED_BYTES // (1024 * 1024)} MB (a zip bomb?); "
                    "planwatch does not unpack it"
                )
            names = {member.filename for member in members}
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100)
    except ExtractionError:
        raise
    except Exception as exc:
        if expected in (_DOCX, _XLSX):
            raise ExtractionError(
                f"the {expected} file is damaged: not a complete ZIP archive (cut short?)"
            ) from exc
        raise ExtractionError(
            "not a document: a damaged ZIP archive (a DOCX or XLSX file cut short?)"
        ) from exc
    if "word/document.xml" in names:
        return _DOCX
    if "xl/workbook.xml" in names:
        return _XLSX
    if expected in (_DOCX, _XLSX) and "[Content_Types].xml" in names:
        return expected  # a package whose main part has another name; let the library look
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise ExtractionError(
            "not a document planwatch reads: an OpenDocument file (.odt, .ods); "
            "save it as DOCX or XLSX first"
        )
    if expected == _DOCX:
        raise ExtractionError("the DOCX file is damaged: it has no word/document.xml")
    if expected == _XLSX:
        raise ExtractionError("the XLSX file is damaged: it has no xl/workbook.xml")
    raise ExtractionError("not a document: a ZIP archive that is neither DOCX nor XLSX")


class _Limits:
    """The time left and the text allowed, checked as the reading goes."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.chars = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ExtractionError(
                f"the document took too long to read (more than {TIME_LIMIT:g} s); "
                "is it very large or damaged?"
            )

    def add(self, text: str) -> str:
        self.chars += len(text)
        if self.chars > MAX_TEXT_CHARS:
            raise ExtractionError(
                f"the document is too large: more than {MAX_TEXT_CHARS:,} characters of text"
            )
        self.check()
        return text


def _describe(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    if len(message) > 200:
        message = message[:199] + "…"
    return message or type(exc).__name__


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _finish(text: str) -> str:
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(
            f"the document is too large: more than {MAX_TEXT_CHARS:,} characters of text"
        )
    if not text.strip():
        raise ExtractionError("the document has no text")
    return text


# --- text ----------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# letters that only Windows-1258 (Vietnamese) gives the bytes of: ă ơ ư đ ₫ and the
# combining hook above and dot below (cp1252 reads the same bytes as Ã ã Õ õ Ý ý Ð ð þ Ò ò)
_VIETNAMESE_1258 = frozenset("ăĂơƠưƯđĐ₫\u0309\u0323")
_PUNCTUATION = frozenset("""!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~–—‘’“”…•°§€№""")


def _read_text(data: bytes, limits: _Limits) -> str:
    text = _decode(data)
    if _control_share(text) > 0.01:
        raise ExtractionError(NOT_A_DOCUMENT)
    return limits.add(text)


def _decode(data: bytes) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ExtractionError(UNREADABLE_ENCODING) from exc
    utf16 = _utf16_by_nuls(data)
    if utf16 is not None:
        try:
            return data[: len(data) - len(data) % 2].decode(utf16)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken characters (a file cut inside one, a bad copy): keep it, with
    # U+FFFD for what is broken, when most of its non-ASCII characters decode
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if sum(1 for ch in text if ch > "\x7f") - broken >= 10 * broken:
        return text
    if _binary_share(data) > 0.01:
        raise ExtractionError(NOT_A_DOCUMENT)
    # not UTF-8: an old 8-bit Windows text, if it reads as one
    for codec in ("cp1258", "cp1252"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1258" and not any(ch in _VIETNAMESE_1258 for ch in text):
            continue  # nothing Vietnamese in it: read as Western European
        if _plausible(unicodedata.normalize("NFC", text)):
            return text
    raise ExtractionError(UNREADABLE_ENCODING)


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without a BOM: most characters of a Latin-script text have a NUL high byte."""
    pairs = len(data) // 2
    if pairs < 2:
        return None
    even, odd = data[0 : pairs * 2 : 2].count(0), data[1 : pairs * 2 : 2].count(0)
    if odd > 0.3 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.3 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _binary_share(data: bytes) -> float:
    sample = data[:65536]
    control = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f\x1a")
    return control / len(sample)


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) / len(sample)


def _plausible(text: str) -> bool:
    """Reads as text: letters, digits, spaces and common punctuation, few stray marks."""
    sample = text[:65536]
    if not sample.strip():
        return False
    good = sum(1 for ch in sample if ch.isalnum() or ch.isspace() or ch in _PUNCTUATION)
    stray_marks = sum(1 for ch in sample if unicodedata.category(ch) == "Mn")
    return good >= 0.9 * len(sample) and stray_marks <= 0.01 * len(sample)


# --- DOCX ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _read_docx(data: bytes, limits: _Limits) -> str:
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = _Numbering(document)
    except Exception as exc:
        if "is not a Word file" in str(exc):
            raise ExtractionError(
                "not a DOCX document (a macro-enabled document or a template?); "
                "save it as DOCX first"
            ) from exc
        raise ExtractionError(f"the DOCX file is damaged: {_describe(exc)}") from exc
    lines: list[str] = []
    for block in _blocks(body):
        limits.check()
        if block.tag == f"{_W}p":
            line = _paragraph_text(block, numbering)
            if line or (lines and lines[-1]):  # one empty line where Word has several
                lines.append(limits.add(line))
        else:
            lines.extend(limits.add(row) for row in _table_rows(block, numbering, limits))
    return "\n".join(lines).strip("\n")


def _blocks(parent: Any) -> Iterator[Any]:
    """The paragraphs and tables of a body or cell, in order, through content controls."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif tag == f"{_W}customXml":
            yield from _blocks(child)


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children with the tag, also those wrapped in content controls or custom XML."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == f"{_W}customXml":
            yield from _children(child, tag)


@cache
def _text_xpath() -> Any:
    from lxml import etree

    # the visible text of a paragraph: not deleted text, not text boxes (whose text Word
    # also keeps in an mc:Fallback copy)
    return etree.XPath(
        "(.//w:t | .//w:tab | .//w:ptab | .//w:br | .//w:cr | .//w:noBreakHyphen)"
        "[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent"
        " or ancestor::mc:Fallback)]",
        namespaces={"w": _W_NS, "mc": _MC_NS},
    )


def _paragraph_text(paragraph: Any, numbering: _Numbering) -> str:
    parts: list[str] = []
    for element in _text_xpath()(paragraph):
        tag = element.tag
        if tag == f"{_W}t":
            parts.append(element.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:  # w:br, w:cr
            parts.append("\n")
    text = "".join(parts).strip()
    label = numbering.label(paragraph)
    if label:
        return f"{label} {text}".rstrip()
    return text


def _table_rows(table: Any, numbering: _Numbering, limits: _Limits) -> Iterator[str]:
    """Each row as ``| cell | cell |``; a cell merged across columns once, a cell merged
    down the rows repeated in each of them (as python-docx's ``row.cells`` gives it)."""
    for cells in _table_cells(table, numbering, limits):
        yield "| " + " | ".join(cells) + " |"


def _table_cells(table: Any, numbering: _Numbering, limits: _Limits) -> Iterator[list[str]]:
    above: dict[int, str] = {}  # grid column → text of a vertically merged cell
    for row in _children(table, f"{_W}tr"):
        limits.check()
        cells: list[str] = []
        column = _int_val(row.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for cell in _children(row, f"{_W}tc"):
            span = max(1, min(_int_val(cell.find(f"{_W}tcPr/{_W}gridSpan"), 1), 1000))
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") != "restart":
                text = above.get(column, "")
            else:
                text = _cell_text(cell, numbering, limits)
                if merge is not None:
                    above[column] = text
                else:
                    above.pop(column, None)
            cells.append(text)
            column += span
        if any(cells):
            yield cells


def _cell_text(cell: Any, numbering: _Numbering, limits: _Limits) -> str:
    parts: list[str] = []
    for block in _blocks(cell):
        if block.tag == f"{_W}p":
            parts.append(_paragraph_text(block, numbering))
        else:  # a table inside the cell: its cells' text, in order
            parts.extend(" ".join(cells) for cells in _table_cells(block, numbering, limits))
    return " ".join(" ".join(parts).split())


def _int_val(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))
    except (TypeError, ValueError):
        return default


class _Numbering:
    """Word's automatic list numbers ("1.", "a)", "-"), worked out the way Word counts."""

    def __init__(self, document: Any):
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → abstract, overrides
        self.levels: dict[str, dict[int, tuple[int, str, str, bool]]] = {}
        self.style_links: dict[str, str] = {}  # abstract → numbering style it points to
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        try:
            numbering = document.part.numbering_part.element
        except Exception:
            numbering = None
        if numbering is not None:
            self._read_numbering(numbering)
        try:
            styles = document.part.styles.element
        except Exception:
            styles = None
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, numbering: Any) -> None:
        for abstract in numbering.iterchildren(f"{_W}abstractNum"):
            key = abstract.get(f"{_W}abstractNumId", "")
            levels: dict[int, tuple[int, str, str, bool]] = {}
            for level in abstract.iterchildren(f"{_W}lvl"):
                try:
                    ilvl = int(level.get(f"{_W}ilvl", "0"))
                except ValueError:
                    continue
                start = _int_val(level.find(f"{_W}start"), 0)
                fmt_el = level.find(f"{_W}numFmt")
                fmt = fmt_el.get(f"{_W}val", "decimal") if fmt_el is not None else "decimal"
                text_el = level.find(f"{_W}lvlText")
                text = text_el.get(f"{_W}val", "") if text_el is not None else ""
                legal = level.find(f"{_W}isLgl") is not None
                levels[ilvl] = (start, fmt, text, legal)
            self.levels[key] = levels
            link = abstract.find(f"{_W}numStyleLink")
            if link is not None and link.get(f"{_W}val"):
                self.style_links[key] = link.get(f"{_W}val")
        for num in numbering.iterchildren(f"{_W}num"):
            abstract_id = num.find(f"{_W}abstractNumId")
            if abstract_id is None:
                continue
            overrides: dict[int, int] = {}
            for override in num.iterchildren(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    with contextlib.suppress(ValueError):
                        overrides[int(override.get(f"{_W}ilvl", "0"))] = _int_val(start, 1)
            self.nums[num.get(f"{_W}numId", "")] = (abstract_id.get(f"{_W}val", ""), overrides)

    def _read_styles(self, styles: Any) -> None:
        for style in styles.iterchildren(f"{_W}style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            num_id = ilvl = None
            if num_pr is not None:
                num_el = num_pr.find(f"{_W}numId")
                num_id = num_el.get(f"{_W}val") if num_el is not None else None
                ilvl_el = num_pr.find(f"{_W}ilvl")
                ilvl = _int_val(ilvl_el, 0) if ilvl_el is not None else None
            based = style.find(f"{_W}basedOn")
            based_on = based.get(f"{_W}val") if based is not None else None
            self.styles[style.get(f"{_W}styleId", "")] = (num_id, ilvl, based_on)

    def _from_style(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id = ilvl = None
        for _ in range(20):  # basedOn chains are short; a loop is a damaged file
            if style_id is None or style_id not in self.styles:
                break
            style_num, style_ilvl, style_id = self.styles[style_id]
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
            if num_id is not None and ilvl is not None:
                break
        return num_id, ilvl

    def _abstract(self, num_id: str) -> str | None:
        for _ in range(5):  # an abstract numbering may point at a numbering style
            if num_id not in self.nums:
                return None
            abstract = self.nums[num_id][0]
            if abstract not in self.style_links or self.levels.get(abstract):
                return abstract
            linked, _ilvl = self._from_style(self.style_links[abstract])
            if linked is None:
                return abstract
            num_id = linked
        return None

    def label(self, paragraph: Any) -> str:
        if not self.nums:
            return ""
        p_pr = paragraph.find(f"{_W}pPr")
        if p_pr is None:
            return ""
        num_id = ilvl = None
        num_pr = p_pr.find(f"{_W}numPr")
        if num_pr is not None:
            num_el = num_pr.find(f"{_W}numId")
            num_id = num_el.get(f"{_W}val") if num_el is not None else None
            ilvl_el = num_pr.find(f"{_W}ilvl")
            ilvl = _int_val(ilvl_el, 0) if ilvl_el is not None else None
        if num_id is None or ilvl is None:
            style = p_pr.find(f"{_W}pStyle")
            style_num, style_ilvl = self._from_style(
                style.get(f"{_W}val") if style is not None else None
            )
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0":
            return ""
        ilvl = min(max(ilvl or 0, 0), 8)
        abstract = self._abstract(num_id)
        if abstract is None:
            return ""
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return ""
        overrides = self.nums[num_id][1]
        counters = self.counters.setdefault(abstract, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for level in overrides:
                if 0 <= level <= 8:
                    counters[level] = None
        current = counters[ilvl]
        counters[ilvl] = (
            current + 1 if current is not None else overrides.get(ilvl, levels[ilvl][0])
        )
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        _start, fmt, text, legal = levels[ilvl]
        if fmt == "bullet":
            return text if text in ("-", "–", "+", "•", "*") else "-"

        def number(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            if level not in levels or level > ilvl:
                return ""
            value = counters[level]
            if value is None:
                value = overrides.get(level, levels[level][0])
            return _format_number(value, "decimal" if legal else levels[level][1])

        return re.sub(r"%([1-9])", number, text).strip()


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(value)


def _roman(value: int) -> str:
    digits = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for amount, letters in digits:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


# --- XLSX ----------------------------------------------------------------------------------


def _read_xlsx(data: bytes, limits: _Limits) -> str:
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:
        raise ExtractionError(f"the XLSX file is damaged: {_describe(exc)}") from exc
    try:
        sheets: list[str] = []
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            lines = _sheet_lines(sheet, limits)
            if lines:
                sheets.append("\n".join([limits.add(str(sheet.title)), *lines]))
        return "\n\n".join(sheets)
    finally:
        workbook.close()


def _sheet_lines(sheet: Any, limits: _Limits) -> list[str]:
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # the stored dimensions may be wrong; read what is there
    rows: list[list[str]] = []
    for row in sheet.iter_rows():
        limits.check()
        # at most MAX_XLSX_COLUMNS columns (openpyxl makes a row as wide as its last cell)
        cells = [
            _xlsx_cell(cell) if cell.value is not None else "" for cell in row[:MAX_XLSX_COLUMNS]
        ]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            limits.add("".join(cells))
            rows.append(cells)
    # columns empty in every row (at the edges or in between) are left out
    used = sorted({i for cells in rows for i, text in enumerate(cells) if text})
    return [
        "| " + " | ".join(cells[i] if i < len(cells) else "" for i in used) + " |" for cells in rows
    ]


def _xlsx_cell(cell: Any) -> str:
    value = cell.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M" if not value.second else "%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, clock_time):
        return value.strftime("%H:%M" if not value.second else "%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        number_format = str(getattr(cell, "number_format", "") or "")
        if "%" in re.sub(r'"[^"]*"|\\.', "", number_format):
            return _vietnamese_number(value * 100) + "%"
        return _vietnamese_number(value)
    return " ".join(str(value).split())


def _vietnamese_number(value: float) -> str:
    """27026.0 → "27026", 87.5 → "87,5", without float noise (0.1 + 0.2 → "0,3")."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    if text in ("-0", "-0.0"):
        text = "0"
    return text.replace(".", ",")


# --- PDF -----------------------------------------------------------------------------------

_pdf_budget: ContextVar[list[int] | None] = ContextVar("planwatch_pdf_budget", default=None)


class _PdfTooLarge(Exception):
    pass


def _spend(amount: int) -> int:
    """Count decompressed bytes against the PDF being read; what may still be spent."""
    budget = _pdf_budget.get()
    if budget is None:
        return MAX_PDF_DECODED_BYTES
    budget[0] -= amount
    if budget[0] < 0:
        raise _PdfTooLarge
    return budget[0]


def _bounded_inflate(data: bytes, *args: Any) -> bytes:
    """zlib.decompress, stopping at the budget (a decompression bomb)."""
    room = _spend(0)
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, room + 1)
    _spend(len(out))
    if not inflater.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return out


def _bounded_inflate_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted`` (tolerate a bad checksum at the end) in linear
    time: pdfminer's own feeds one byte at a time and takes minutes on a 100 kB stream."""
    room = _spend(0)
    inflater = zlib.decompressobj()
    out = [inflater.decompress(data[:-3], room + 1)]  # a zlib.error here is pdfminer's too
    _spend(len(out[0]))
    try:
        for i in range(max(0, len(data) - 3), len(data)):
            room = _spend(0)
            out.append(inflater.decompress(data[i : i + 1], room + 1))
            _spend(len(out[-1]))
    except zlib.error:
        pass
    return b"".join(out)


def _bounded_lzw(data: bytes) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = []
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        _spend(len(chunk))
        out.append(chunk)
    return b"".join(out)


def _bounded_run_length(data: bytes) -> bytes:
    out = []
    i = 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            run = data[i + 1 : i + 2 + length]
            i += 2 + length
        else:
            run = data[i + 1 : i + 2] * (257 - length)
            i += 2
        _spend(len(run))
        out.append(run)
    return b"".join(out)


class _BoundedZlib:
    decompress = staticmethod(_bounded_inflate)
    decompressobj = staticmethod(zlib.decompressobj)
    error = zlib.error


@cache
def _pdfminer() -> Any:
    """pdfminer.six, with its stream decoders bounded: planwatch is its only user in the
    process, and pdfminer has no limits of its own (a 100 kB stream can decompress to gigabytes,
    or take pdfminer minutes when its checksum is broken)."""
    from pdfminer import pdftypes
    from pdfminer.converter import PDFPageAggregator

    pdftypes.__dict__.update(
        zlib=_BoundedZlib,
        decompress_corrupted=_bounded_inflate_corrupted,
        lzwdecode=_bounded_lzw,
        rldecode=_bounded_run_length,
    )

    class Device(PDFPageAggregator):
        """Collects each page's layout, and checks the clock every thousand characters."""

        limits: _Limits | None = None
        count = 0

        def render_char(self, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            if self.limits is not None and self.count % 1000 == 0:
                self.limits.check()
            return super().render_char(*args, **kwargs)

    return Device


def _read_pdf(data: bytes, limits: _Limits) -> str:
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n")[-2048:]:
        raise ExtractionError(
            "the PDF file is damaged: it is cut short (its end-of-file marker is missing)"
        )
    device_class = _pdfminer()
    token = _pdf_budget.set([MAX_PDF_DECODED_BYTES])
    try:
        return _pdf_text(data, limits, device_class)
    except _PdfTooLarge as exc:
        raise ExtractionError(
            "the PDF is too large to read: its contents unpack to more than "
            f"{MAX_PDF_DECODED_BYTES // (1024 * 1024)} MB"
        ) from exc
    finally:
        _pdf_budget.reset(token)


def _pdf_text(data: bytes, limits: _Limits, device_class: Any) -> str:
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFEncryptionError as exc:
        raise ExtractionError("the PDF is encrypted; remove its password first") from exc
    except (ExtractionError, _PdfTooLarge):
        raise
    except Exception as exc:
        raise ExtractionError(f"the PDF file is damaged: {_describe(exc)}") from exc
    resources = PDFResourceManager(caching=True)
    # boxes_flow=None: boxes in reading position, not pdfminer's clustering, which is
    # quadratic in the boxes of a page (minutes for a page of a few thousand words)
    device = device_class(resources, laparams=LAParams(boxes_flow=None, all_texts=True))
    device.limits = limits
    interpreter = PDFPageInterpreter(resources, device)
    pages: list[str] = []
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        if number > MAX_PDF_PAGES:
            raise ExtractionError(f"the PDF has more than {MAX_PDF_PAGES} pages")
        limits.check()
        interpreter.process_page(page)
        pages.append(limits.add(_page_text(device.get_result())))
    if not pages:
        raise ExtractionError("the PDF file is damaged: it has no pages")
    text = "\n\n".join(pages)
    unmapped = len(re.findall(r"\(cid:\d+\)", text))
    text = re.sub(r"\(cid:\d+\)", "", text)
    letters = sum(1 for ch in text if ch.isalpha())
    if unmapped > letters:
        raise ExtractionError(
            "the PDF's text layer cannot be decoded (its fonts have no Unicode map); run OCR first"
        )
    if letters < MIN_PDF_LETTERS:
        raise ExtractionError("the PDF has no text layer (a scan?); run OCR first")
    return text


def _page_text(layout: Any) -> str:
    """The page's text boxes top to bottom; boxes whose tops align (table cells, the two
    columns of a letterhead) left to right. Within a box, a line that runs to the right
    margin is joined with the next when the sentence plainly goes on (see :func:`_runs_on`)."""
    from pdfminer.layout import LTFigure, LTTextBox, LTTextBoxHorizontal

    boxes: list[Any] = []

    def collect(container: Any) -> None:
        for item in container:
            if isinstance(item, LTTextBox):
                boxes.append(item)
            elif isinstance(item, LTFigure):
                collect(item)

    collect(layout)
    boxes.sort(key=lambda box: -box.y1)
    bands: list[list[Any]] = []
    top = 0.0
    for box in boxes:
        line_height = box.height / max(1, len(box))
        if bands and box.y1 >= top - max(2.0, 0.6 * line_height):
            bands[-1].append(box)
        else:
            bands.append([box])
            top = box.y1
    right = max((line.x1 for box in boxes for line in box), default=0.0)
    lines: list[str] = []
    for band in bands:
        for box in sorted(band, key=lambda box: box.x0):
            previous = None
            for line in box:
                # justified lines come with wide gaps: one space between words
                text = " ".join(line.get_text().split())
                if not text:
                    continue
                if (
                    previous is not None
                    and isinstance(box, LTTextBoxHorizontal)
                    and _runs_on(previous, lines[-1], line, text, right)
                ):
                    lines[-1] = f"{lines[-1]} {text}"
                else:
                    lines.append(text)
                previous = line
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"[.;:!?…]['\"”’)\]]*$")


def _runs_on(previous: Any, previous_text: str, line: Any, text: str, right: float) -> bool:
    """A line wrapped inside a paragraph. This one is neither indented (a first line) nor an
    item's label, and the one before is justified to the right edge of the text, or ends
    near it and ends no sentence."""
    if line.x0 > previous.x0 + 2 or LABEL.match(text):
        return False
    if previous.x1 >= right - 1.5:
        return True
    return previous.x1 >= right - 0.1 * previous.width and not _SENTENCE_END.search(previous_text)
