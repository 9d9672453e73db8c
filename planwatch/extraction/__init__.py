"""Reading plan documents: a document in, a plan file (see ``docs/plan-file.md``) out.

Plain Python with no Django import (it uses :mod:`planwatch.text` and the register file as
data), so it can be used on its own::

    from planwatch.extraction import extract_file
    result = extract_file("plan.docx")
    result.plan      # the plan file, a dict: document, implements, references, targets, …
    result.text      # the normalised text every item's ``span`` points into

The stages, each a module with one entry point:

``readers``     a file (txt, md, docx, xlsx, pdf) → its text; tables as ``| a | b |`` rows
``normalize``   repair the text (see :func:`normalize.normalise`); one paragraph per line
``structure``   paragraphs with their item labels (I., 1.2., a), (1), -, +) and offsets
``agencies``    agency names found in text, written the register's way
``metadata``    number, kind, issuer, place, date, signer, title
``references``  the documents the plan implements, and every other one it cites
``targets``     the numbered target list and the targets set inside task text
``tasks``       tasks with their lead and coordinating agencies, deadlines, recurrence
``reporting``   the reporting regime and other dated obligations
"""

from planwatch.extraction.errors import ExtractionError
from planwatch.extraction.pipeline import Extraction, extract_file, extract_text

__all__ = ["Extraction", "ExtractionError", "extract_file", "extract_text"]
