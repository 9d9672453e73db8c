"""Reading documents into text: every format from generated samples, content sniffing, and
robustness (damaged, hostile and arbitrary input gives text or an ExtractionError, never
anything else, and never hangs). No database."""

from __future__ import annotations

import datetime
import io
import random
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planwatch.extraction import readers
from planwatch.extraction.errors import ExtractionError
from planwatch.extraction.readers import SUPPORTED, read_document

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
NAMES = ["x.txt", "x.md", "x.docx", "x.xlsx", "x.pdf", "x"]
TASK_HEADER = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
]
PLAN_TEXT = (
    "KẾ HOẠCH\n"
    "Triển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị\n"
    "1. Nâng cao nhận thức về vai trò của khoa học, công nghệ, đổi mới sáng tạo.\n"
    "2. Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành thực hiện.\n"
)


def fails(data: bytes | str | Path, name: str | None = None) -> str:
    """The ExtractionError's message for a document that must not read."""
    with pytest.raises(ExtractionError) as caught:
        read_document(data, name=name)
    return str(caught.value)


# --- samples ---------------------------------------------------------------------------------


def docx_bytes(*, nfd: bool = False) -> bytes:
    import docx

    document = docx.Document()
    text = (lambda s: unicodedata.normalize("NFD", s)) if nfd else (lambda s: s)
    document.add_paragraph(text("KẾ HOẠCH thực hiện Nghị quyết số 57-NQ/TW"))
    document.add_paragraph(text("Mục tiêu thứ nhất"), style="List Number")
    document.add_paragraph(text("Mục tiêu thứ hai"), style="List Number")
    document.add_paragraph(text("II. NHIỆM VỤ"))
    table = document.add_table(rows=4, cols=6)
    for cell, header in zip(table.rows[0].cells, TASK_HEADER, strict=True):
        cell.text = header
    rows = [
        ["1", "Xây dựng đề án chuyển đổi số", "Sở Khoa học và Công nghệ", "Sở Tài chính"],
        ["2", "Đào tạo nguồn nhân lực", "Sở Nội vụ", "Sở Giáo dục và Đào tạo"],
    ]
    for row, values in zip(table.rows[1:3], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = text(value)
        row.cells[4].text = "Quý IV/2025"
        row.cells[5].text = "Đề án"
    table.rows[1].cells[1].add_paragraph(text("giai đoạn 2025 - 2030"))
    # a row whose content spans three columns: written once
    table.rows[3].cells[0].text = "3"
    merged = table.rows[3].cells[1].merge(table.rows[3].cells[3])
    merged.text = text("Nhiệm vụ khác")
    document.add_paragraph(text("III. TỔ CHỨC THỰC HIỆN"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Chỉ tiêu"
    # data from B3: an empty first column and two empty first rows, skipped
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = "STT", "Chỉ tiêu", "Giá trị", "Hạn"
    sheet["B4"], sheet["C4"], sheet["D4"] = 1, "Tổng sản phẩm (tỷ đồng)", 27026.0
    sheet["E4"] = datetime.datetime(2025, 12, 31)
    sheet["B5"], sheet["C5"], sheet["D5"] = 2, "Tỷ lệ đô thị hóa", 87.5
    sheet["E5"] = datetime.date(2030, 6, 30)
    sheet["B6"], sheet["C6"], sheet["D6"] = 3, "Tỷ lệ hộ nghèo", 0.015
    sheet["D6"].number_format = "0.0%"
    sheet["B8"], sheet["C8"], sheet["D8"] = 4, "Sai số dấu phẩy động", 0.1 + 0.2
    workbook.create_sheet("Trống")
    tasks = workbook.create_sheet("Nhiệm vụ")
    tasks.append(TASK_HEADER)
    tasks.append([1, "Xây dựng đề án", "Sở Khoa học và Công nghệ", None, "Quý IV/2025", "Đề án"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def font() -> str:
    """DejaVu Sans (Debian's fonts-dejavu-core), registered with reportlab."""
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    return "DejaVuSans"


def pdf_bytes(pages: list[list[str]], font: str = "Helvetica") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for lines in pages:
        pdf.setFont(font, 11)
        for i, line in enumerate(lines):
            pdf.drawString(50, 780 - 16 * i, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(50, 500, 300, 200, fill=1)
    pdf.line(50, 400, 500, 400)
    pdf.circle(200, 250, 80)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes([["A plan with enough words to read."]])))
    writer = pypdf.PdfWriter()
    writer.append(reader)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """A one-page PDF whose content stream is ``content`` as stored (already encoded)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(content), filters, content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            target.writestr(member, replace.get(member.filename, source.read(member)))
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 writes the tone marks as combining characters after the letter."""
    chars = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(mark for mark in parts if mark in "\u0300\u0301\u0303\u0309\u0323")
        rest = "".join(mark for mark in parts if mark not in tones)
        chars.append(unicodedata.normalize("NFC", rest) + tones)
    return "".join(chars).encode("cp1258")


# --- text ------------------------------------------------------------------------------------


def test_supported_extensions() -> None:
    assert SUPPORTED == (".txt", ".md", ".docx", ".xlsx", ".pdf")


@pytest.mark.parametrize(
    "encoded",
    [
        PLAN_TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + PLAN_TEXT.encode("utf-8"),
        PLAN_TEXT.encode("utf-16"),  # with its BOM
        b"\xfe\xff" + PLAN_TEXT.encode("utf-16-be"),
        PLAN_TEXT.encode("utf-16-le"),  # no BOM: seen by its NUL bytes
        PLAN_TEXT.encode("utf-16-be"),
        PLAN_TEXT.encode("utf-32"),
        unicodedata.normalize("NFD", PLAN_TEXT).encode("utf-8"),
        to_cp1258(PLAN_TEXT),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16be-bom", "utf16le", "utf16be", "utf32", "nfd", "1258"],
)
def test_text_in_every_encoding_reads_as_nfc(encoded: bytes) -> None:
    assert read_document(encoded, name="plan.txt") == PLAN_TEXT


def test_utf8_with_a_broken_character_stays_utf8() -> None:
    data = PLAN_TEXT.encode("utf-8")
    broken = data[:17] + data[18:]  # a byte out of the middle of "ể"
    assert read_document(broken, name="a.txt").startswith("KẾ HOẠCH\nTri\ufffdn khai")
    assert read_document(data[:-5], name="a.txt").endswith("thực hi\ufffd")  # cut in "ệ"


def test_markdown_and_western_windows_text() -> None:
    assert read_document(b"# Plan\n\n**Bold** text", name="a.md") == "# Plan\n\n**Bold** text"
    western = "Café, résumé and naïve façade.".encode("cp1252")
    assert read_document(western, name="a.txt") == "Café, résumé and naïve façade."


def test_a_path_a_str_path_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "kế hoạch.txt"
    path.write_bytes(PLAN_TEXT.encode("utf-8"))
    assert read_document(path) == PLAN_TEXT
    assert read_document(str(path)) == PLAN_TEXT
    assert "cannot be opened" in fails(tmp_path / "missing.txt")
    assert "cannot be opened" in fails(tmp_path)  # a directory


def test_text_that_cannot_be_read() -> None:
    assert fails(b"") == "the file is empty"
    assert fails(b"", name="x.pdf") == "the file is empty"
    assert "no text" in fails(b" \n\t\n", name="x.txt")
    assert "not a document" in fails(b"\x00" * 1000, name="x.txt")
    assert "not a document" in fails(bytes(range(256)) * 10, name="x.txt")
    # not UTF-8, and bytes no Windows code page has
    assert "unreadable encoding" in fails(b"K\x81ho\x8d\x90ch \x9d" * 50, name="x.txt")
    assert "old Word or Excel" in fails(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


# --- DOCX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("nfd", [False, True])
def test_docx_paragraphs_and_the_task_table_in_body_order(nfd: bool) -> None:
    assert read_document(docx_bytes(nfd=nfd), name="plan.docx").split("\n") == [
        "KẾ HOẠCH thực hiện Nghị quyết số 57-NQ/TW",
        "1. Mục tiêu thứ nhất",  # Word's automatic list numbers, written out
        "2. Mục tiêu thứ hai",
        "II. NHIỆM VỤ",
        "| " + " | ".join(TASK_HEADER) + " |",
        "| 1 | Xây dựng đề án chuyển đổi số giai đoạn 2025 - 2030 | Sở Khoa học và Công nghệ"
        " | Sở Tài chính | Quý IV/2025 | Đề án |",
        "| 2 | Đào tạo nguồn nhân lực | Sở Nội vụ | Sở Giáo dục và Đào tạo | Quý IV/2025 | Đề án |",
        "| 3 | Nhiệm vụ khác |  |  |",
        "III. TỔ CHỨC THỰC HIỆN",
    ]


def test_docx_tracked_changes_read_as_accepted_and_vertical_merges_repeat() -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    paragraph = document.add_paragraph("Sở Tài chính ")
    inserted = OxmlElement("w:ins")
    inserted.set(qn("w:id"), "1")
    inserted.set(qn("w:author"), "A")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "chủ trì"
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "2")
    deleted.set(qn("w:author"), "A")
    old_run = OxmlElement("w:r")
    old_text = OxmlElement("w:delText")
    old_text.text = " phối hợp"
    old_run.append(old_text)
    deleted.append(old_run)
    paragraph._p.append(deleted)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 0).text = "1", "2"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Sở Nội vụ"
    out = io.BytesIO()
    document.save(out)
    assert read_document(out.getvalue(), name="a.docx").split("\n") == [
        "Sở Tài chính chủ trì",
        "| 1 | Sở Nội vụ |",
        "| 2 | Sở Nội vụ |",
    ]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering {W_NS}>
  <w:abstractNum w:abstractNumId="7">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
      <w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
      <w:lvlText w:val="%3)"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
      <w:lvlText w:val="\uf0b7"/></w:lvl>
    <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%2.%5."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="10"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="11"><w:abstractNumId w:val="7"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>"""


def numbered(num_id: int, level: int, text: str) -> str:
    return (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
        f"</w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
    )


def test_docx_list_numbers_are_counted_the_way_word_counts() -> None:
    body = "".join(
        [
            numbered(10, 0, "Mục tiêu"),
            numbered(10, 1, "Kinh tế"),
            numbered(10, 1, "Xã hội"),
            numbered(10, 2, "Giáo dục"),
            numbered(10, 2, "Y tế"),
            numbered(10, 3, "Trạm y tế xã"),
            numbered(10, 4, "Bệnh viện"),
            numbered(10, 1, "Môi trường"),
            numbered(10, 0, "Nhiệm vụ"),
            numbered(10, 1, "Chuyển đổi số"),
            # a list whose first level restarts at 5
            numbered(11, 0, "Tổ chức thực hiện"),
            # a paragraph in a content control, a table in a table cell
            "<w:sdt><w:sdtContent><w:p><w:r><w:t>Trong ô nội dung</w:t></w:r></w:p>"
            "</w:sdtContent></w:sdt>",
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Ngoài</w:t></w:r></w:p><w:tbl><w:tr>"
            "<w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>"
            "<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>"
            "<w:tc><w:p/></w:tc></w:tr></w:tbl>",
        ]
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:document {W_NS}><w:body>{body}</w:body></w:document>"
    )
    data = rezip(
        docx_bytes(),
        {"word/document.xml": document.encode(), "word/numbering.xml": NUMBERING.encode()},
    )
    assert read_document(data, name="a.docx").split("\n") == [
        "I. Mục tiêu",
        "1. Kinh tế",
        "2. Xã hội",
        "a) Giáo dục",
        "b) Y tế",
        "- Trạm y tế xã",
        "2.1. Bệnh viện",
        "3. Môi trường",
        "II. Nhiệm vụ",
        "1. Chuyển đổi số",
        "V. Tổ chức thực hiện",
        "Trong ô nội dung",
        "| Ngoài a b |  |",
    ]


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_every_sheet_with_vietnamese_numbers_and_dates() -> None:
    assert read_document(xlsx_bytes(), name="chi-tieu.xlsx").split("\n") == [
        "Chỉ tiêu",
        "| STT | Chỉ tiêu | Giá trị | Hạn |",
        "| 1 | Tổng sản phẩm (tỷ đồng) | 27026 | 31/12/2025 |",
        "| 2 | Tỷ lệ đô thị hóa | 87,5 | 30/06/2030 |",
        "| 3 | Tỷ lệ hộ nghèo | 1,5% |  |",
        "| 4 | Sai số dấu phẩy động | 0,3 |  |",
        "",
        "Nhiệm vụ",
        "| " + " | ".join(TASK_HEADER) + " |",
        "| 1 | Xây dựng đề án | Sở Khoa học và Công nghệ |  | Quý IV/2025 | Đề án |",
    ]


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_vietnamese_text_with_pages_parted_by_a_blank_line(font: str) -> None:
    pages = [
        [
            "KẾ HOẠCH Triển khai thực hiện Nghị quyết số 57-NQ/TW",
            "1. Nâng cao nhận thức về vai trò của khoa học, công nghệ, đổi mới",
        ],
        ["sáng tạo và chuyển đổi số trên địa bàn tỉnh Vĩnh Phúc."],
    ]
    data = pdf_bytes(pages, font=font)
    assert read_document(data, name="plan.pdf") == (
        "KẾ HOẠCH Triển khai thực hiện Nghị quyết số 57-NQ/TW\n"
        "1. Nâng cao nhận thức về vai trò của khoa học, công nghệ, đổi mới\n"
        "\n"
        "sáng tạo và chuyển đổi số trên địa bàn tỉnh Vĩnh Phúc."
    )


def test_pdf_words_placed_one_by_one_keep_their_spaces(font: str) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    line = "Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành liên quan"
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    x = 50.0
    for word in line.split():  # each word its own text object, as many exporters write
        pdf.setFont(font, 11)
        pdf.drawString(x, 700, word)
        x += pdfmetrics.stringWidth(word, font, 11) + 3
    pdf.showPage()
    pdf.save()
    assert read_document(out.getvalue(), name="a.pdf") == line


def test_pdf_lines_wrapped_inside_a_paragraph_are_joined(font: str) -> None:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    paragraphs = [
        "Năm 2025 là năm có ý nghĩa đặc biệt quan trọng, là năm tăng tốc, bứt phá, về đích,"
        " là năm cuối thực hiện kế hoạch phát triển kinh tế - xã hội 5 năm giai đoạn"
        " 2021-2025, thực hiện cuộc cách mạng về tinh gọn tổ chức bộ máy của Ban Chấp hành"
        " Đảng bộ tỉnh. Trong đó, tập trung thực hiện các nhiệm vụ trọng tâm sau đây",
        "1. Nâng cao nhận thức về vai trò của khoa học, công nghệ.",
        "2. Hoàn thiện thể chế.",
        "Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành, địa phương tổ chức"
        " triển khai thực hiện có hiệu quả các nhiệm vụ được giao trong kế hoạch này và báo"
        " cáo kết quả.",
    ]
    style = ParagraphStyle(
        "body", fontName=font, fontSize=13, leading=18, alignment=TA_JUSTIFY, firstLineIndent=28
    )
    out = io.BytesIO()
    SimpleDocTemplate(out).build([Paragraph(text, style) for text in paragraphs])
    assert read_document(out.getvalue(), name="a.pdf").split("\n") == paragraphs


def test_pdf_that_opens_with_an_empty_password_reads() -> None:
    assert read_document(encrypted_pdf(""), name="a.pdf") == "A plan with enough words to read."


def test_pdfs_that_cannot_be_read() -> None:
    assert "the PDF is encrypted" in fails(encrypted_pdf("secret"), name="a.pdf")
    assert "no text layer" in fails(image_only_pdf(), name="scan.pdf")
    assert "damaged" in fails(b"%PDF-1.4 junk", name="scan.pdf")
    # a page with nothing on it
    assert "no text layer" in fails(raw_pdf(b"BT ET", filters=b"[]"))


# --- sniffing --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan.txt", "plan.xlsx", "plan", None, "plan.pdf"])
def test_content_decides_when_the_extension_is_wrong_or_missing(name: str | None) -> None:
    assert read_document(docx_bytes(), name=name).startswith("KẾ HOẠCH thực hiện")
    assert read_document(xlsx_bytes(), name=name).startswith("Chỉ tiêu\n| STT |")
    pdf = pdf_bytes([["A plan with enough words to read."]])
    assert read_document(pdf, name=name) == "A plan with enough words to read."


@pytest.mark.parametrize("name", ["plan.docx", "plan.xlsx", "plan.pdf"])
def test_plain_text_under_a_binary_extension_reads_as_text(name: str) -> None:
    assert read_document(PLAN_TEXT.encode("utf-8"), name=name) == PLAN_TEXT


def test_a_name_overrides_the_paths_extension(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(PLAN_TEXT.encode("utf-16"))
    assert read_document(path, name="plan.txt") == PLAN_TEXT


# --- damaged and hostile files ---------------------------------------------------------------


def test_files_cut_in_half_are_damaged() -> None:
    docx = docx_bytes()
    assert "the DOCX file is damaged" in fails(docx[: len(docx) // 2], name="a.docx")
    assert "damaged ZIP archive" in fails(docx[: len(docx) // 2], name="a")
    xlsx = xlsx_bytes()
    assert "the XLSX file is damaged" in fails(xlsx[: len(xlsx) // 2], name="a.xlsx")
    pdf = pdf_bytes([["A plan with enough words to read."]] * 3)
    assert "the PDF file is damaged" in fails(pdf[: len(pdf) // 2], name="a.pdf")


def test_zips_that_are_not_office_documents() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "neither DOCX nor XLSX" in fails(out.getvalue(), name="a.zip")
    assert "the DOCX file is damaged" in fails(out.getvalue(), name="a.docx")
    garbage = rezip(docx_bytes(), {"word/document.xml": b"<w:document><<< garbage"})
    assert "the DOCX file is damaged" in fails(garbage, name="a.docx")
    assert "the DOCX file is damaged" in fails(garbage, name="a")
    bad_sheet = rezip(xlsx_bytes(), {"xl/workbook.xml": b"\x00\x01 not xml"})
    assert "the XLSX file is damaged" in fails(bad_sheet, name="a.xlsx")


def test_zip_bombs_are_not_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 3_000_000)
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 2_000_000)
    assert "zip bomb" in fails(out.getvalue(), name="a.docx")
    monkeypatch.setattr(readers, "MAX_ZIP_MEMBERS", 5)
    assert "zip bomb" in fails(docx_bytes(), name="a.docx")


def test_pdf_decompression_bombs_are_cut_short(monkeypatch: pytest.MonkeyPatch) -> None:
    text = b"BT /F1 12 Tf 72 700 Td (A plan with enough words to read.) Tj ET\n"
    assert read_document(raw_pdf(zlib.compress(text))) == "A plan with enough words to read."
    monkeypatch.setattr(readers, "MAX_PDF_DECODED_BYTES", 1_000_000)
    bomb = raw_pdf(zlib.compress(text + b" " * 5_000_000))
    assert "too large" in fails(bomb)
    run_length = raw_pdf(b"\x81 " * 20_000 + b"\x80", filters=b"/RunLengthDecode")
    assert "too large" in fails(run_length)


def test_a_broken_compressed_stream_does_not_hang() -> None:
    # pdfminer's own repair of a stream with a bad checksum feeds zlib one byte at a time
    # and copies all it has each time: hours for this 1 MB stream
    text = b"BT /F1 12 Tf 72 700 Td (A plan with enough words to read.) Tj ET\n"
    noise = random.Random(0).randbytes(1_000_000).hex().encode()
    comments = b"".join(b"%" + noise[i : i + 70] + b"\n" for i in range(0, len(noise), 70))
    stream = zlib.compress(text + comments)
    started = time.monotonic()
    result = read_document(raw_pdf(stream[:-4] + b"\xde\xad\xbe\xef"))
    assert result == "A plan with enough words to read."
    assert time.monotonic() - started < 10


def test_limits_on_size_and_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    assert "too large" in fails(b"a" * 101, name="a.txt")
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 10**8)
    monkeypatch.setattr(readers, "MAX_TEXT_CHARS", 100)
    assert "too large" in fails(b"a " * 100, name="a.txt")
    monkeypatch.setattr(readers, "MAX_TEXT_CHARS", 10**7)
    monkeypatch.setattr(readers, "TIME_LIMIT", -1.0)
    assert "took too long" in fails(docx_bytes(), name="a.docx")
    assert "took too long" in fails(xlsx_bytes(), name="a.xlsx")
    assert "took too long" in fails(pdf_bytes([["A plan with enough words to read."]]))


# --- arbitrary input: text or ExtractionError, nothing else ----------------------------------

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the work tree
    suppress_health_check=[HealthCheck.too_slow],
)


def reads_or_refuses(data: bytes, name: str) -> None:
    try:
        text = read_document(data, name=name)
    except ExtractionError as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and text.strip()
        assert unicodedata.is_normalized("NFC", text)


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_arbitrary_bytes(data: bytes, name: str) -> None:
    reads_or_refuses(data, name)


@FUZZ
@given(
    text=st.text(max_size=2000),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"]),
    name=st.sampled_from(NAMES),
)
def test_arbitrary_text(text: str, encoding: str, name: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates
        data = text.encode(encoding, "surrogatepass")
    reads_or_refuses(data, name)


def plain_pdf() -> bytes:
    """A three-page PDF with uncompressed content streams, for damage to reach the parser."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pageCompression=0)
    for page in range(3):
        pdf.setFont("Helvetica", 11)
        for i in range(5):
            pdf.drawString(50, 780 - 16 * i, f"Line {i} of page {page}, with words to read.")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


# a sample, and the member of its ZIP archive to damage (None: the file itself)
SAMPLES: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "docx": (docx_bytes, None),
    "docx-body": (docx_bytes, "word/document.xml"),
    "docx-numbering": (docx_bytes, "word/numbering.xml"),
    "xlsx": (xlsx_bytes, None),
    "xlsx-sheet": (xlsx_bytes, "xl/worksheets/sheet1.xml"),
    "xlsx-workbook": (xlsx_bytes, "xl/workbook.xml"),
    "pdf": (lambda: pdf_bytes([["A plan with enough words to read."], ["Page two."]]), None),
    "pdf-plain": (plain_pdf, None),
    "pdf-header": (lambda: b"%PDF-1.7\n", None),
}
_SAMPLE_CACHE: dict[str, bytes] = {}


def sample(key: str) -> bytes:
    if key not in _SAMPLE_CACHE:
        _SAMPLE_CACHE[key] = SAMPLES[key][0]()
    return _SAMPLE_CACHE[key]


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on what it cannot parse
@FUZZ
@given(
    key=st.sampled_from(sorted(SAMPLES)),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 16), st.binary(max_size=16)), max_size=5
    ),
    tail=st.binary(max_size=64),
    name=st.sampled_from(NAMES),
)
def test_damaged_documents(
    key: str, edits: list[tuple[float, int, bytes]], tail: bytes, name: str
) -> None:
    data = sample(key)
    member = SAMPLES[key][1]
    if member:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            damaged = bytearray(archive.read(member))
    else:
        damaged = bytearray(data)
    for where, cut, patch in edits:  # replace a few bytes here and there
        at = int(where * len(damaged))
        damaged[at : at + cut] = patch
    if member:
        reads_or_refuses(rezip(data, {member: bytes(damaged)}), name)
    else:
        reads_or_refuses(bytes(damaged) + tail, name)
