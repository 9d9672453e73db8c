"""The one failure the extractor allows itself."""


class ExtractionError(ValueError):
    """A document that cannot be read, with the reason in words a user understands:
    an empty file, not a document, an encrypted PDF, a PDF with no text layer, an
    unreadable encoding."""
