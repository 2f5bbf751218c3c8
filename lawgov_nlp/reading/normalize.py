"""Derived forms of Chinese text used only for matching; display and offsets keep the original."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


@lru_cache(maxsize=65536)
def _normalize_char(ch: str) -> str:
    return normalize(ch)


@lru_cache(maxsize=8192)
def normalized_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` built char by char, with the original index of every output char."""
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        n = _normalize_char(ch)
        for c in n:
            out.append(c)
            idx.append(i)
    return "".join(out), idx


def find_spans(text: str, terms: list[str], fold=None) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence of each normalized ``term``, merged and sorted.

    ``fold``, a length-preserving map applied to the normalized text (search folds traditional
    characters to simplified), lets folded terms be found without losing offsets.
    """
    norm, idx = normalized_with_offsets(text)
    if fold is not None:
        norm = fold(norm)
    spans: list[tuple[int, int]] = []
    for term in terms:
        t = normalize(term) if fold is None else fold(normalize(term))
        if not t:
            continue
        start = norm.find(t)
        while start >= 0:
            spans.append((idx[start], idx[start + len(t) - 1] + 1))
            start = norm.find(t, start + len(t))
    return merge_spans(spans)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching ones merged."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
