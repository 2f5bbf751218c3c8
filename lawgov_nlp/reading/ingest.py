"""Reading documents: text in any Chinese encoding, portal HTML, and docx, into one decoded string.

The decoded string is the "original text" every offset refers to. For HTML and docx it is the
visible text, one block element per line; nothing in it is cleaned yet (see ``clean``).
"""
from __future__ import annotations

import codecs
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Limits, limits as current_limits
from ..errors import InputError
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
        text = _docx_text(p, data, lim)
        return _checked(RawText(p, text, "docx", "docx"), lim)
    if suffix in PDF_SUFFIXES or suffix in DOC_SUFFIXES:
        return _checked(_read_binary_format(p, data, suffix), lim)
    text, encoding = decode_bytes(data, p)
    if suffix in HTML_SUFFIXES or _looks_like_html(text):
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


_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16/32 with BOM, or GB18030/GBK.

    GB18030 accepts many byte strings that are not Chinese text, so a GB18030 result must also
    look like text (mostly CJK, ASCII and punctuation) before it is believed.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: starts with a {enc} byte-order mark but is not valid {enc}") from exc
    if b"\x00" in data[:65536]:
        # UTF-16 without a byte-order mark (Windows "Unicode" exports): every ASCII character
        # carries a NUL byte. Believed only when the decoded text looks like text.
        found = _bomless_utf16(data)
        if found is not None:
            return found
        raise InputError(f"{path}: binary file (contains NUL bytes), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # Short GB18030 byte strings can also be valid UTF-8 (丝 = CB BF = U+02FF): when the UTF-8
        # reading is not Chinese and the GB18030 one is, the GB18030 reading is the document.
        if _cjk_share(text) >= 0.5:
            return text, "utf-8"
        try:
            gb = data.decode("gb18030")
        except UnicodeDecodeError:
            return text, "utf-8"
        return (gb, "gb18030") if _cjk_share(gb) > _cjk_share(text) else (text, "utf-8")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        found = _bomless_utf16(data)  # all-CJK UTF-16 has no NUL byte at all
        if found is not None:
            return found
        raise InputError(f"{path}: cannot decode as UTF-8 or GB18030/GBK text") from exc
    if _texty_ratio(text) < 0.9:
        found = _bomless_utf16(data)
        if found is not None:
            return found
        raise InputError(f"{path}: cannot decode as UTF-8 or GB18030/GBK text (decoded bytes do not look like Chinese text)")
    return text, "gb18030"


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 LE or BE without a BOM, if one of them decodes to text that looks like Chinese text."""
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text[:65536]:
            continue
        score = _texty_ratio(text)
        if score >= 0.9 and _cjk_share(text) >= 0.5 and (best is None or score > best[0]):
            best = (score, text, enc)
    return (best[1], best[2]) if best else None


def _cjk_share(text: str) -> float:
    """Share of non-ASCII characters that are CJK ideographs or CJK/full-width punctuation."""
    non_ascii = [ch for ch in text[:20000] if not ch.isascii()]
    if not non_ascii:
        return 1.0
    cjk = sum(1 for ch in non_ascii if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\u3000" <= ch <= "\u303f"
              or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·《》〈〉")
    return cjk / len(non_ascii)


def _texty_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    good = 0
    for ch in sample:
        if ch.isspace() or ch.isascii() and ch.isprintable():
            good += 1
        elif "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
            good += 1
        elif unicodedata.category(ch)[0] in "PN":
            good += 1
    return good / len(sample)


_HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html|<div|<body|<head|<table|<p[\s>])", re.I)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.match(text[:500]))


def _check_zip(path: Path, data: bytes, lim: Limits) -> None:
    """Refuse a zip bomb by the sizes its directory declares, before anything is decompressed.

    Python's zipfile never inflates a member past its declared size (a member that lies fails its
    CRC check), so the declared sizes bound the cost of parsing. XML parts are what python-docx
    parses; their total may reach ``max_expansion`` times the file (at least 16 MB: small
    files of repetitive table markup compress well) and never ``max_unzipped_bytes``.
    """
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a valid .docx file ({type(exc).__name__}: not a zip archive)") from exc
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    allowed = min(lim.max_unzipped_bytes, max(16_000_000, lim.max_expansion * len(data)))
    if xml > allowed:
        raise InputError(f"{path}: its XML parts unzip to {xml:,} bytes, over the limit of {allowed:,} bytes for a "
                         f"{len(data):,}-byte .docx (LAWGOV_MAX_UNZIPPED_BYTES raises it)")


def _docx_text(path: Path, data: bytes, lim: Limits | None = None) -> str:
    _check_zip(path, data, lim or current_limits())  # also what reading/doc.py converts .doc into
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - core dependency
        raise InputError("reading .docx needs python-docx: pip install python-docx") from exc
    import io

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a valid .docx file ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError
        raise InputError(f"{path}: not a valid .docx file ({exc})") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            # One cell per line, as portal scrapes flatten tables: the segmenter's table reader
            # then treats docx and scraped tables alike.
            for row in Table(child, document).rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.append(cell.text)
    return "\n".join(lines)
