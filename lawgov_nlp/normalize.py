"""Derived forms of Chinese text used only for matching; display and offsets keep the original."""
from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# NFKC folds full-width ASCII (（，＋１) but leaves CJK punctuation and dash variants alone.
_EXTRA = str.maketrans({
    "—": "-", "–": "-", "－": "-", "―": "-", "‐": "-", "─": "-",
    "“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'",
    "〔": "[", "〕": "]", "［": "[", "］": "]", "【": "[", "】": "]",
    "。": ".", "、": ",", "；": ";", "：": ":",
})
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s\"'\[\](){}<>《》〈〉.,;:!?·…\-_/\\|~`@#$%^&*=+]+")


def normalize(text: str) -> str:
    """Width- and punctuation-folded text with whitespace removed (for keys and matching)."""
    text = unicodedata.normalize("NFKC", text.translate(_ZERO_WIDTH)).translate(_EXTRA)
    return _SPACE.sub("", text).lower()


def strip_punct(text: str) -> str:
    """``normalize`` with punctuation removed too: the form character n-grams are taken from."""
    return _PUNCT.sub("", normalize(text))


def is_blank(text: str) -> bool:
    """True for lines made only of spaces, nbsp, ideographic and en spaces, zero-width chars."""
    return not text.translate(_ZERO_WIDTH).strip()
