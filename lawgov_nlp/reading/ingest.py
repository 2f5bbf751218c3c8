"""Reading documents: text in any Chinese encoding, portal HTML, and docx, into one decoded string.

The decoded string is the "original text" every offset refers to. For HTML and docx it is the
visible text, one block element per line; nothing in it is cleaned yet (see ``clean``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Limits
from ..config import limits as current_limits
from ..errors import InputError
from .decode import decode_bytes, looks_like_html
from .docx import docx_text
from .html import html_to_text

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}  # reading/pdf.py
DOC_SUFFIXES = {".doc", ".wps"}  # reading/doc.py
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES | DOC_SUFFIXES


@dataclass
class RawText:
    """A decoded document before cleaning."""

    path: Path
    text: str
    format: str  # "txt" | "html" | "docx" | "pdf" | "doc" | "wps" | "rtf"
    encoding: str
    html_meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. PDF pages without a text layer


def read_file(path: str | Path, limits: Limits | None = None) -> RawText:
    """Read ``path`` and return its text; raises :class:`InputError` naming the file and reason.

    ``limits`` (default: :func:`lawgov_nlp.config.limits`) bound what is read: files, markup,
    unzipped parts and decoded text over them are refused before the expensive step.
    """
    lim = limits or current_limits()
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected a document file")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"{p}: unsupported file type '{suffix}' (expected .txt, .md, .html, .docx, .pdf, .doc or .wps)")
    try:
        size = p.stat().st_size
        if size > lim.max_file_bytes:
            raise InputError(f"{p}: {size:,} bytes, over the limit of {lim.max_file_bytes:,} bytes per file (LAWGOV_MAX_FILE_BYTES raises it)")
        if suffix in TEXT_SUFFIXES and size > 4 * lim.max_document_chars:
            # no encoding takes more than 4 bytes per character: this cannot fit, do not decode it
            raise InputError(f"{p}: {size:,} bytes is more text than the limit of {lim.max_document_chars:,} characters per "
                             "document (split the file, or raise LAWGOV_MAX_CHARS)")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(f"{p}: file is empty")
    if suffix in DOCX_SUFFIXES:
        text = docx_text(p, data, lim)
        return _checked(RawText(p, text, "docx", "docx"), lim)
    if suffix in PDF_SUFFIXES or suffix in DOC_SUFFIXES:
        return _checked(_read_binary_format(p, data, suffix), lim)
    text, encoding = decode_bytes(data, p)
    if suffix in HTML_SUFFIXES or looks_like_html(text):
        if len(data) > lim.max_html_bytes:
            raise InputError(f"{p}: {len(data):,} bytes of HTML, over the limit of {lim.max_html_bytes:,} bytes per page (LAWGOV_MAX_HTML_BYTES raises it)")
        try:
            body, meta = html_to_text(text)
        except InputError as exc:
            raise InputError(f"{p}: {exc}") from exc
        return _checked(RawText(p, body, "html", encoding, meta), lim)
    return _checked(RawText(p, text, "txt", encoding), lim)


def _read_binary_format(p: Path, data: bytes, suffix: str) -> RawText:
    if suffix in PDF_SUFFIXES:
        from .pdf import read_pdf

        pdf = read_pdf(p, data)
        return RawText(p, pdf.text, "pdf", "pdf", {"file_title": pdf.title} if pdf.title else {}, pdf.warnings)
    from .doc import read_doc

    text, fmt, encoding = read_doc(p, data)
    return RawText(p, text, fmt, encoding)


def _checked(raw: RawText, lim: Limits) -> RawText:
    if not raw.text.strip():
        raise InputError(f"{raw.path}: no text found in the document")
    if len(raw.text) > lim.max_document_chars:
        raise InputError(f"{raw.path}: {len(raw.text):,} characters, over the limit of {lim.max_document_chars:,} characters "
                         "per document (split the file, or raise LAWGOV_MAX_CHARS)")
    return raw


