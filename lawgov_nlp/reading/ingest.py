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

from ..errors import InputError

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


def read_file(path: str | Path) -> RawText:
    """Read ``path`` and return its text; raises :class:`InputError` naming the file and reason."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected a document file")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(f"{p}: unsupported file type '{suffix}' (expected .txt, .md, .html, .docx, .pdf, .doc or .wps)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(f"{p}: file is empty")
    if suffix in DOCX_SUFFIXES:
        text = _docx_text(p, data)
        return _checked(RawText(p, text, "docx", "docx"))
    if suffix in PDF_SUFFIXES or suffix in DOC_SUFFIXES:
        return _checked(_read_binary_format(p, data, suffix))
    text, encoding = decode_bytes(data, p)
    if suffix in HTML_SUFFIXES or _looks_like_html(text):
        body, meta = html_to_text(text)
        return _checked(RawText(p, body, "html", encoding, meta))
    return _checked(RawText(p, text, "txt", encoding))


def _read_binary_format(p: Path, data: bytes, suffix: str) -> RawText:
    if suffix in PDF_SUFFIXES:
        from .pdf import read_pdf

        pdf = read_pdf(p, data)
        return RawText(p, pdf.text, "pdf", "pdf", {"file_title": pdf.title} if pdf.title else {}, pdf.warnings)
    from .doc import read_doc

    text, fmt, encoding = read_doc(p, data)
    return RawText(p, text, fmt, encoding)


def _checked(raw: RawText) -> RawText:
    if not raw.text.strip():
        raise InputError(f"{raw.path}: no text found in the document")
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
        raise InputError(f"{path}: cannot decode as UTF-8 or GB18030/GBK text") from exc
    if _texty_ratio(text) < 0.9:
        raise InputError(f"{path}: cannot decode as UTF-8 or GB18030/GBK text (decoded bytes do not look like Chinese text)")
    return text, "gb18030"


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


# Government portals wrap the article in a container with one of these ids/classes (gov.cn's
# UCAP-CONTENT, TRS editors, provincial CMSs); when one is present everything outside it is chrome.
_CONTENT_SELECTORS = [
    "#UCAP-CONTENT", ".TRS_Editor", ".TRS_UEDITOR", "#zoom", ".pages_content", ".article-content",
    ".article", "#content", ".content", "article", "main",
]
_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select", "input"]
_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
    "blockquote", "pre", "ul", "ol", "dd", "dt", "td", "th", "hr",
}
# gov.cn metadata table labels → our metadata keys
_HTML_META_LABELS = {
    "索引号": "index_no", "主题分类": "topic", "发文机关": "issuer", "成文日期": "date", "标题": "title",
    "发文字号": "doc_number", "发布日期": "published",
}


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Visible main text of a portal page, one block per line, plus metadata from gov.cn-style tables."""
    try:
        from bs4 import BeautifulSoup
    except ImportError as exc:  # pragma: no cover - core dependency
        raise InputError("reading HTML needs beautifulsoup4: pip install beautifulsoup4 lxml") from exc
    soup = BeautifulSoup(html, "lxml")
    meta: dict[str, str] = {}
    for cell in soup.find_all(["td", "th", "b", "span", "strong"]):
        label = re.sub(r"[\s:：]", "", cell.get_text())
        key = _HTML_META_LABELS.get(label)
        if key and key not in meta:
            nxt = cell.find_next_sibling(["td", "th", "span"])
            if nxt is not None:
                value = nxt.get_text(" ", strip=True)
                if value and len(value) < 200:
                    meta[key] = value
    title_tag = soup.find("title")
    if title_tag and title_tag.get_text(strip=True) and "title" not in meta:
        meta["page_title"] = title_tag.get_text(strip=True)
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    root = None
    for sel in _CONTENT_SELECTORS:
        found = soup.select_one(sel)
        if found is not None and len(found.get_text(strip=True)) >= 50:
            root = found
            break
    if root is None:
        root = soup.body or soup
    for tag in root.find_all(True):
        if tag.name in _BLOCK_TAGS:
            tag.insert_before("\n")
            tag.insert_after("\n")
    text = root.get_text()
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln), meta


def _docx_text(path: Path, data: bytes) -> str:
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
