""".docx: paragraphs and tables (one cell per line, as portal scrapes flatten tables), after a
check of the zip's declared sizes so a decompression bomb is refused before it is inflated."""
from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from ..config import Limits
from ..config import limits as current_limits
from ..errors import InputError


def check_zip(path: Path, data: bytes, lim: Limits, kind: str = ".docx") -> None:
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
        hint = _looks_like(data) if kind == ".docx" else ""
        raise InputError(f"{path}: not a valid {kind} file ({type(exc).__name__}: not a zip archive){hint}") from exc
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    allowed = min(lim.max_unzipped_bytes, max(16_000_000, lim.max_expansion * len(data)))
    if xml > allowed:
        raise InputError(f"{path}: its XML parts unzip to {xml:,} bytes, over the limit of {allowed:,} bytes for a "
                         f"{len(data):,}-byte {kind} (LAWGOV_MAX_UNZIPPED_BYTES raises it)")


def _looks_like(data: bytes) -> str:
    """What a file named .docx that is no zip seems to be, so the message says how to read it."""
    head = data[:4096]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "; it looks like an old Word file: rename it to .doc"
    if head.startswith(b"%PDF"):
        return "; it looks like a PDF: rename it to .pdf"
    low = head.lower()
    if head.startswith(b"{\\rtf") or b"mime-version:" in low[:1024] or b"<w:worddocument" in low or b"urn:schemas-microsoft-com:office" in low:
        # RTF, a single-file web page (.mht) or Word 2003 XML: renamed, their markup would be read as text
        return "; it looks like a Word document in another format (RTF, .mht or Word XML): open it in Word or WPS and save it as .docx"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] == b"<" and b"<html" in low:
        return "; it looks like a web page: rename it to .html"
    for enc in ("utf-8", "gb18030"):
        try:
            t = codecs.getincrementaldecoder(enc)().decode(head, final=False)  # the 4 KB may end inside a character
        except UnicodeDecodeError:
            continue
        if t and sum(ch.isprintable() or ch in "\r\n\t" for ch in t) >= 0.95 * len(t):
            return "; it looks like plain text: rename it to .txt"
    return ""


def docx_text(path: Path, data: bytes, lim: Limits | None = None) -> str:
    check_zip(path, data, lim or current_limits())  # also what reading/doc.py converts .doc into
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
