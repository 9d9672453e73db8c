"""Normalising the text of a plan document before anything is read from it.

Real texts are damaged: copied from legal-document websites with ``|`` table remnants and
Markdown ``**bold**``, hard line breaks inside sentences, sentences cut by page breaks, stray
page numbers, a header block scraped twice. :func:`normalise` repairs what it can, in a way
that does not depend on any one document, and returns one paragraph per line. Every span the
extractor reports is an offset into this normalised text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\u3000": " "})
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)|(?<=\S)(\*\*|__)")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_TERMINAL = re.compile(r"[.;:!?…]['\"”’)\]]*$")
# the start of a new item: I., 1., 1.2., a), (1), -, +, •
LABEL = re.compile(
    r"^(?:(?:[IVXLC]+|\d+(?:\.\d+)*)\.(?=\s|$)|\d+(?:\.\d+)+(?=\s)|[a-zđ]\)|\(\d+\)|\d+\)|[-–+•*](?=\s))"
)
# words after which a sentence cannot end: a line ending in one continues on the next
_CONTINUES = re.compile(
    r"(?:,|\b(?:của|và|với|các|những|trong|về|theo|cho|tại|để|là|đến|từ|ngày|số|năm|tháng|"
    r"nhằm|gồm|như|được|bị|có|thuộc|giữa|trên|dưới|hoặc|hay|đối với|thực hiện))$",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """NFC, one space kind, no Markdown emphasis, no table remnants, whole sentences, one
    paragraph per line, a block scraped twice kept once."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    cleaned = (_clean_line(line) for line in text.split("\n"))
    paragraphs = _join_broken_lines([line for line in cleaned if line is not None])
    paragraphs = _drop_repeated_blocks(paragraphs)
    return "\n".join(paragraphs)


def _clean_line(line: str) -> str | None:
    line = _MARKDOWN_EMPHASIS.sub("", line)
    line = _MARKDOWN_HEADING.sub("", line)
    line = re.sub(r" {2,}", " ", line).strip()
    # a table remnant: leading and trailing pipes around cells
    line = re.sub(r"^\|\s*", "", line)
    line = re.sub(r"\s*\|$", "", line).strip()
    if re.fullmatch(r"[|\s:-]*", line):
        return ""  # an empty cell or a Markdown table rule: a paragraph break
    if _PAGE_NUMBER.match(line):
        return None  # a page number on its own line
    return line


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join the pieces of one sentence: hard line breaks and page breaks inside it."""
    paragraphs: list[str] = []
    blank_before = False
    width = _wrap_width(lines)
    previous = ""
    for line in lines:
        if not line:
            blank_before = True
            continue
        if paragraphs and (
            _continues(paragraphs[-1], line, after_blank=blank_before)
            or (width and not blank_before and _wrapped(previous, line, width))
        ):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        blank_before = False
        previous = line
    return paragraphs


def _wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was wrapped at (a Markdown file or a mail wrapped at 72
    to 100 characters): at least two in five lines end within 15 characters of one length
    that few lines exceed. None for a text with one paragraph per line."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 10:
        return None
    best, best_near = None, 0
    for width in sorted(set(lengths)):
        if not 40 <= width <= 200:
            continue
        above = len(lengths) - bisect.bisect_right(lengths, width)
        near = len(lengths) - above - bisect.bisect_left(lengths, width - 15)
        if above <= 0.1 * len(lengths) and near > best_near:
            best, best_near = width, near
    return best if best_near >= 0.4 * len(lengths) else None


def _wrapped(previous: str, line: str, width: int) -> bool:
    """A line broken by wrapping: the next line's first word did not fit on it. Not between
    table rows, nor at a heading in capitals; not before an item's label, unless the line
    is cut inside a clause and the "label" is a dash, a figure or follows a word that ends
    no sentence (``kinh tế`` / ``- xã hội``, ``đạt khoảng`` / ``50.000``, ``năm`` / ``2030.``)."""
    if not len(previous) <= width < len(previous) + 1 + len(line.split(" ", 1)[0]):
        return False
    if " | " in previous or " | " in line or _capitals(previous) or _capitals(line):
        return False
    if not LABEL.match(line):
        return True
    return bool(re.search(r"[\w,]$", previous)) and bool(
        re.match(r"[-–+](?=\s)|\d{3}|\d{1,3}\.\d{3}\b", line) or _CONTINUES.search(previous)
    )


def _capitals(line: str) -> bool:
    return line.isupper() and len(re.findall(r"[^\W\d_]{2,}", line)) >= 2


def _continues(previous: str, line: str, *, after_blank: bool) -> bool:
    if _TERMINAL.search(previous) or LABEL.match(line):
        return False
    first = line[0]
    if first.islower():
        return True  # "… thu hút đầu tư c" / "hướng phát triển …"
    if after_blank:
        return False
    # a line break (not a blank line) after a word that cannot end a sentence
    return bool(_CONTINUES.search(previous)) and len(previous) > 40


def _drop_repeated_blocks(
    paragraphs: list[str], *, min_lines: int = 3, min_chars: int = 200
) -> list[str]:
    """Keep once a block of paragraphs that a scrape repeated right after itself."""
    result = list(paragraphs)
    i = 0
    while i < len(result):
        dropped = False
        # candidate repeats start where the paragraph occurs again
        for j in range(i + min_lines, min(len(result), i + 400)):
            if result[j] != result[i]:
                continue
            k = j - i
            if result[i:j] == result[j : j + k] and sum(map(len, result[i:j])) >= min_chars:
                del result[j : j + k]
                dropped = True
                break
        if not dropped:
            i += 1
    return result
