"""Bytes to text: UTF-8 (with or without BOM), UTF-16/32 (with or without BOM), GB18030/GBK.

GB18030 accepts many byte strings that are not Chinese text, so every guess must also look like
text before it is believed.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from ..errors import InputError

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
    kind = _binary_kind(data)
    if kind:
        # a PDF or Word file renamed to .txt need hold no NUL byte, and GB18030 reads almost anything
        raise InputError(f"{path}: binary file, not a text document{kind}")
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


# the formats a user most often renames to .txt by mistake, by their first bytes
_MAGIC = ((b"%PDF-", "a PDF file: give it as .pdf"),
          (b"\xd0\xcf\x11\xe0", "an old Office file (Word .doc, WPS, Excel, PowerPoint): give a Word or WPS document as .doc or .wps"),
          (b"PK\x03\x04", "a Word .docx file: give it as .docx"))


def _binary_kind(data: bytes) -> str:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if magic == b"PK\x03\x04" and b"word/document" not in data:
                return "; it looks like a zip archive"
            return f"; it looks like {what}"
    return ""


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


def looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.match(text[:500]))


