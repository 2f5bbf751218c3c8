"""The grammar of Chinese official numbering, in one place.

Markers (一、 （一） 1. （1） ① 第X章/节/条), their ranks (GB/T 9704 practice: a lower rank
nests deeper), canonical forms, 一是/二是 inline ordinals and 附件 annex headers. ``clean`` asks it
whether a line is numbered (a numbered line is never chrome), ``segment`` builds the clause tree
with it, ``metadata`` skips numbered lines when looking for titles and signatures.
"""
from __future__ import annotations

import re

CN_DIGITS = "零〇一二三四五六七八九十百两"
_CN = f"[{CN_DIGITS}]+"

RANK_ANNEX = -1
# (kind, rank, regex on the stripped line). The regex's group 1 is the number, match end = text start.
_MARKERS: list[tuple[str, int, re.Pattern[str]]] = [
    ("chapter", 0, re.compile(rf"^第({_CN}|\d+)章[\s　]*")),
    ("section", 1, re.compile(rf"^第({_CN}|\d+)节[\s　]*")),
    ("article", 2, re.compile(rf"^第({_CN}|\d+)条[\s　]*")),
    ("part", 3, re.compile(rf"^({_CN})[、][\s　]*")),
    ("item", 4, re.compile(rf"^[（(]({_CN})[）)][\s　]*")),
    ("num", 5, re.compile(r"^(\d{1,3})[.．、](?![\d.．])[\s　]*")),
    ("pnum", 6, re.compile(r"^[（(](\d{1,3})[）)][\s　]*")),
    ("circled", 7, re.compile(r"^([①-⑳㉑-㉟])[\s　]*")),
]
RANK_ORDINAL = 8
ANNEX = re.compile(r"^附\s*件\s*([0-9０-９一二三四五六七八九十]*)\s*[:：]?\s*")
_ORDINAL = re.compile(r"([一二三四五六七八九十]{1,3})是")
_ORDINAL_VALUES = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_RUN_BOUNDARY = set("。；;：:，,！!？?　 ")


def match_marker(text: str) -> tuple[str, int, str, int] | None:
    """``(kind, rank, canonical marker, marker length)`` if ``text`` starts with a numbering marker."""
    for kind, rank, rx in _MARKERS:
        m = rx.match(text)
        if not m:
            continue
        rest = text[m.end():]
        if not rest.strip():
            # A marker with nothing after it is a stray number, not a clause.
            return None
        if kind == "part" and rest[:1] in "、，,":
            return None
        return kind, rank, canonical_marker(kind, m.group(1)), m.end()
    return None


def canonical_marker(kind: str, number: str) -> str:
    number = number.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return {
        "chapter": f"第{number}章", "section": f"第{number}节", "article": f"第{number}条",
        "part": f"{number}、", "item": f"（{number}）", "num": f"{number}.", "pnum": f"（{number}）",
        "circled": number, "ordinal": f"{number}是",
    }.get(kind, number)


def ordinal_runs(text: str) -> list[tuple[int, int, str]]:
    """(start, text start, marker) of each point of a 一是/二是… run; empty unless 一是 and 二是 both occur."""
    points: list[tuple[int, int, str]] = []
    expect = 1
    for m in _ORDINAL.finditer(text):
        value = _ORDINAL_VALUES.get(m.group(1)) if len(m.group(1)) == 1 else (10 + _ORDINAL_VALUES.get(m.group(1)[-1], 0) if m.group(1).startswith("十") and len(m.group(1)) == 2 else None)
        if value != expect:
            continue
        if m.start() > 0 and text[m.start() - 1] not in _RUN_BOUNDARY:
            continue
        points.append((m.start(), m.end(), f"{m.group(1)}是"))
        expect += 1
    return points if len(points) >= 2 else []


