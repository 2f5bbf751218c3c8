"""Word 97-2003 ``.doc`` and WPS ``.wps`` files, read as the ``.docx`` they convert to.

A binary ``.doc`` (and a ``.wps`` in the same Word binary format, as WPS Office writes it; an
older Kingsoft format is refused with a message) is converted in memory to ``.docx`` by ``msdoc2docx`` (MIT, pure Python, no
dependencies; it follows Microsoft's published [MS-DOC] specification), then read by the
``.docx`` reader, so paragraphs and tables come out exactly as for a ``.docx``: one paragraph or
table cell per line, headers, footers and field codes left out. Compared on Chinese ``.doc``
files written by LibreOffice (``scripts/compare_doc_readers.py``): antiword and msdoc2docx gave
every line of the source, ``legacy-doc`` and catdoc appended the running header and the page
field code (``- PAGE 7 -``) to the body.

Files named ``.doc`` are often something else: a ``.docx`` renamed, a web page Word saved as
``.doc``, or RTF. The first two are read as what they are. What the converter cannot read is
tried with LibreOffice when ``soffice`` is installed, else refused with one line that says how
to convert it.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError
from .decode import decode_bytes, looks_like_html
from .docx import docx_text
from .html import html_to_text

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_SOFFICE_TIMEOUT = 180  # seconds for one LibreOffice conversion


def read_doc(path: Path, data: bytes) -> tuple[str, str, str]:
    """``(text, format, encoding)`` of a ``.doc``/``.wps`` file, whatever it really holds."""

    kind = "wps" if path.suffix.lower() == ".wps" else "doc"
    if data.startswith(ZIP_MAGIC):
        return docx_text(path, data), "docx", "docx"  # a .docx under an old name
    if data.startswith(OLE_MAGIC):
        try:
            docx = _convert_ole(path, data)
        except InputError as exc:
            fallback = _with_libreoffice(path)
            if fallback is None:
                raise exc from None
            docx = fallback
        return docx_text(path, docx), kind, kind
    head = data[:2048].lstrip()
    if head.startswith(b"{\\rtf"):
        docx = _with_libreoffice(path)
        if docx is None:
            raise InputError(f"{path}: is an RTF file, not a Word document; open it in Word/WPS and save it as .docx")
        return docx_text(path, docx), "rtf", "rtf"
    not_word = InputError(f"{path}: not a Word 97-2003 or WPS document (no OLE header)")
    try:
        text, encoding = decode_bytes(data, path)
    except InputError:
        raise not_word from None
    if looks_like_html(text) or "<html" in text[:2048].lower():
        body, _meta = html_to_text(text)
        return body, "html", encoding  # Word's "save as web page" under a .doc name
    raise not_word


def _convert_ole(path: Path, data: bytes) -> bytes:
    try:
        from doc2docx import convert
        from doc2docx.errors import Doc2DocxError, EncryptedDocumentError
    except ImportError as exc:  # pragma: no cover - core dependency
        raise InputError(f"{path}: reading .doc/.wps needs msdoc2docx: pip install msdoc2docx") from exc
    with tempfile.TemporaryDirectory(prefix="lawgov-doc-") as tmp:
        src = Path(tmp) / "in.doc"
        out = Path(tmp) / "out.docx"
        src.write_bytes(data)  # a copy: the converter never sees the user's file
        try:
            convert(src, out)
        except EncryptedDocumentError:
            raise InputError(f"{path}: document is password-protected; open it with the password and save an unprotected copy") from None
        except (Doc2DocxError, ValueError, IndexError, KeyError, OSError) as exc:
            kind = "WPS" if path.suffix.lower() == ".wps" else "Word 97-2003"
            hint = "an older WPS format: open it in WPS Office and save it as .docx" if kind == "WPS" else "open it in Word/WPS and save it as .docx"
            raise InputError(f"{path}: cannot read this {kind} file ({_reason(exc)}); {hint}") from None
        return out.read_bytes()


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "…"


def _with_libreoffice(path: Path) -> bytes | None:
    """The file converted to .docx by a local LibreOffice, or None when there is none or it fails."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="lawgov-soffice-") as tmp:
        src = Path(tmp) / ("in" + path.suffix.lower())
        shutil.copyfile(path, src)
        profile = Path(tmp) / "profile"
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=_SOFFICE_TIMEOUT, check=False,
                           env={**os.environ, "HOME": tmp})
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.info("LibreOffice could not convert %s: %s", path, exc)
            return None
        out = Path(tmp) / "in.docx"
        return out.read_bytes() if out.exists() else None
