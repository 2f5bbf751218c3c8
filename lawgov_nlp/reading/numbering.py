"""The grammar of Chinese official numbering, in one place.

Markers (第X编 第X章/节/条 一、 （一） 1.1 1. （1） 1） ①), their ranks (GB/T 9704 practice: a
higher rank number nests deeper), canonical forms, Chinese numerals up to the thousands
(第一千二百六十条), 一是/二是 inline ordinals and 附件 annex headers. ``clean`` asks it whether a
line is numbered (a numbered line is never chrome), ``segment`` builds the clause tree with it,
``metadata`` skips numbered lines when looking for titles and signatures.

Ranks, shallow to deep (spaced by ten so a style can be slotted in without renumbering):

=========  ====  ==============================================================================
book        0    第一编 (民法典's 编), 第一分编 at 10
chapter    20    第一章 / 第1章
section    30    第一节
article    40    第一条 … 第一千二百六十条
part       50    一、
item       60    （一）
decimal    72+   1.1 (72), 1.1.1 (73), … — technical guidelines and standards; a decimal also
                 nests under the 1. / 第1章 whose number is its prefix (see ``segment``)
num        80    1.  1、  1000.
pnum       90    （1）
rnum       95    1）
circled   100    ①
seq       105    第一，第二， (paragraph-leading enumeration of speeches and work reports)
ordinal   110    一是 二是 (inline, within one paragraph)
=========  ====  ==============================================================================
"""
from __future__ import annotations

import re
from functools import lru_cache

CN_DIGITS = "零〇一二三四五六七八九十百千两"
_CN = f"[{CN_DIGITS}]+"
_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

RANK_ANNEX = -10
RANK_BOOK = 0
RANK_SUBBOOK = 10
RANK_CHAPTER = 20
RANK_SECTION = 30
RANK_ARTICLE = 40
RANK_PART = 50
RANK_ITEM = 60
RANK_DECIMAL = 70  # + number of components: 1.1 → 72, 1.1.1 → 73
RANK_NUM = 80
RANK_PNUM = 90
RANK_RNUM = 95
RANK_CIRCLED = 100
RANK_SEQ = 105
RANK_ORDINAL = 110
RANK_TABLE_ROW = 120
RANK_CONTINUED = 130  # text that continues a clause after a table, an inline run or a cut

# A 4-digit 1. / （1） number is taken only outside 1900-2099: "2021．" or "（2023）" at the start of
# a line is a year far more often than the 2021st point of a list.
_NUM = r"(\d{1,3}|(?!19\d\d|20\d\d)\d{4})"
# 1.1, 3.2.1, 1．2: components 1-99 without a leading zero; never followed by another digit, a
# range sign or a unit, so 2.5亿元, 3.5%, 18.45 亿户 and 1.1~1.6 stay numbers in text.
_DECIMAL = re.compile(r"^([1-9]\d?(?:[.．][1-9]\d?){1,4})(?![\d.．%％‰~～\-—–/])[、]?[\s　]*")
# a clause never starts with these: "2）。" and "（3），" are the end of a wrapped reference (a
# 第X条 followed by a comma is a typo for a space: "第十七条，培训机构不得…")
_NEVER_AFTER_MARKER = set("。，,；;、")
_DI_KINDS = {"book", "subbook", "chapter", "section", "article"}
_UNIT_AFTER_NUMBER = set("亿万千百元角个%％‰倍米克吨月日时号次户只台套名股辆架艘栋亩秒兆")  # not 人/项/平: 人工智能, 项目, 平台 open headings

# (kind, rank, regex on the stripped line). The regex's group 1 is the number, match end = text start.
_MARKERS: list[tuple[str, int, re.Pattern[str]]] = [
    ("subbook", RANK_SUBBOOK, re.compile(rf"^第({_CN}|\d+)分编[\s　]*")),
    ("book", RANK_BOOK, re.compile(rf"^第({_CN}|\d+)编[\s　]*")),
    ("chapter", RANK_CHAPTER, re.compile(rf"^第({_CN}|\d+)章[\s　]*")),
    ("section", RANK_SECTION, re.compile(rf"^第({_CN}|\d+)节[\s　]*")),
    ("article", RANK_ARTICLE, re.compile(rf"^第({_CN}|\d+)条[\s　]*")),
    ("part", RANK_PART, re.compile(rf"^({_CN})[、][\s　]*")),
    ("item", RANK_ITEM, re.compile(rf"^[（(]({_CN})[）)][\s　]*")),
    ("decimal", RANK_DECIMAL, _DECIMAL),
    ("num", RANK_NUM, re.compile(rf"^{_NUM}[.．、](?![\d.．])[\s　]*")),
    ("pnum", RANK_PNUM, re.compile(rf"^[（(]{_NUM}[）)][\s　]*")),
    ("rnum", RANK_RNUM, re.compile(r"^(\d{1,3})[）)](?![\d])[\s　]*")),
    ("circled", RANK_CIRCLED, re.compile(r"^([①-⑳㉑-㉟㊱-㊿])[\s　]*")),
    ("seq", RANK_SEQ, re.compile(rf"^第({_CN})[，,][\s　]*")),
]
# Markers that may stand alone on a line with their heading (or, for 第X条, their text) on the
# next line, as PDF extractions and technical guidelines print them ("1.1" / "适用范围").
_BARE_KINDS = {"book", "subbook", "chapter", "section", "article", "decimal"}
ANNEX = re.compile(r"^附\s*件\s*([0-9０-９一二三四五六七八九十]*)\s*[:：]?\s*")
_ORDINAL = re.compile(r"([一二三四五六七八九十]{1,3})是")
_RUN_BOUNDARY = set("。；;：:，,！!？?　 ")


# well-formed Chinese numerals below 10,000 (positional); digit strings like 三四 or 一一 are refused
_CN_WELL_FORMED = re.compile(
    r"^(?=.)(?:[一二两三四五六七八九]千)?(?:[零〇]?[一二两三四五六七八九]百)?(?:[零〇]?[一二两三四五六七八九]?十)?(?:[零〇]?[一二两三四五六七八九])?$"
)


def cn_is_numeral(s: str) -> bool:
    """True when ``s`` is a well-formed Chinese numeral (六十, 一千二百, 两, 十二), not 三四 or 一一."""
    return bool(_CN_WELL_FORMED.match(s))


@lru_cache(maxsize=4096)
def cn_to_int(numeral: str) -> int | None:
    """Value of a marker's number: digits (１２ too), or a well-formed Chinese numeral up to 9999
    (十二, 一百零五, 一千二百六十, 两百), converted by ``cn2an``; None if it is neither."""
    numeral = numeral.translate(_FULL_DIGITS)
    if numeral.isdigit():
        return int(numeral)
    if not cn_is_numeral(numeral):
        return None
    import cn2an  # lazy: 0.2 s of imports, paid only by documents with Chinese numbering

    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError):
        return None


def int_to_cn(value: int) -> str:
    """The Chinese numeral official documents write for 1-9999 (十二, 一百零五, 一千二百六十)."""
    if not 0 < value < 10_000:
        raise ValueError(f"{value} is outside 1-9999")
    import cn2an

    return cn2an.an2cn(value)


def match_marker(text: str) -> tuple[str, int, str, int] | None:
    """``(kind, rank, canonical marker, marker length)`` if ``text`` starts with a numbering marker."""
    found = _match(text)
    if found is None:
        return None
    kind, rank, canonical, end = found
    rest = text[end:]
    if not rest.strip():
        # A marker with nothing after it is a stray number, not a clause (see bare_marker).
        return None
    lead = rest.lstrip(" 　")[:1]
    if kind == "part" and rest[:1] in "、，," or lead in _NEVER_AFTER_MARKER and kind not in _DI_KINDS:
        return None
    if kind == "decimal" and (lead in _UNIT_AFTER_NUMBER or not _opens_heading(lead)):
        return None  # 2.5亿元, 12.75 GHz, 22.1＋10
    return kind, rank, canonical, end


def _opens_heading(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "《“‘（(【〔「"


def bare_marker(text: str) -> tuple[str, int, str, int] | None:
    """The marker when ``text`` is nothing but a 第X章 / 第X条 / 1.1 marker (its heading is on the next line)."""
    found = _match(text)
    if found is None or found[0] not in _BARE_KINDS or text[found[3]:].strip():
        return None
    return found


# every marker starts with one of these: most lines are rejected without trying a regex
_MARKER_START = set("第（(" + CN_DIGITS + "0123456789０１２３４５６７８９") | {chr(c) for c in range(0x2460, 0x2474)} \
    | {chr(c) for c in range(0x3251, 0x3260)} | {chr(c) for c in range(0x32B1, 0x32C0)}


def _match(text: str) -> tuple[str, int, str, int] | None:
    if not text or text[0] not in _MARKER_START:
        return None
    for kind, rank, rx in _MARKERS:
        m = rx.match(text)
        if not m:
            continue
        number = m.group(1)
        if kind in ("book", "subbook", "chapter", "section", "article", "part", "item", "seq") and cn_to_int(number) is None:
            continue  # 第十百条, 百千、: not a numeral
        if kind == "decimal":
            rank = RANK_DECIMAL + len(re.split(r"[.．]", number))
        return kind, rank, canonical_marker(kind, number), m.end()
    return None


def canonical_marker(kind: str, number: str) -> str:
    number = number.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    return {
        "book": f"第{number}编", "subbook": f"第{number}分编",
        "chapter": f"第{number}章", "section": f"第{number}节", "article": f"第{number}条",
        "part": f"{number}、", "item": f"（{number}）", "decimal": number, "num": f"{number}.", "pnum": f"（{number}）",
        "rnum": f"{number}）", "circled": number, "ordinal": f"{number}是", "seq": f"第{number}，",
    }.get(kind, number)


def marker_number(kind: str, marker: str) -> tuple[int, ...] | None:
    """The number a canonical marker carries: 第3章 → (3,), 1.2.1 → (1, 2, 1), 3. → (3,), （五） → (5,)."""
    if kind == "decimal":
        return tuple(int(x) for x in marker.split("."))
    m = re.search(rf"([0-9]+|{_CN})", marker)
    if not m:
        return None
    value = cn_to_int(m.group(1))
    return (value,) if value is not None else None


_LEADING_ORDINAL = re.compile(r"^([一二三四五六七八九十]{1,3})是(?=[^，,。；、]{2})")


def leading_ordinal(text: str) -> tuple[int, str, int] | None:
    """``(value, marker, marker length)`` when a paragraph opens with 一是/二是… (a point of a run
    whose points are paragraphs; ``segment`` decides whether the run is there)."""
    m = _LEADING_ORDINAL.match(text)
    if not m:
        return None
    value = cn_to_int(m.group(1))
    return (value, f"{m.group(1)}是", m.end()) if value else None


def ordinal_runs(text: str, start: int = 1) -> list[tuple[int, int, str]]:
    """(start, text start, marker) of each point of a 一是/二是… run; empty unless 一是 and 二是 both occur.

    With ``start`` > 1 the text continues a run of an earlier paragraph: it must open with that
    point (三是…), and one point is enough.
    """
    points: list[tuple[int, int, str]] = []
    expect = start
    for m in _ORDINAL.finditer(text):
        if cn_to_int(m.group(1)) != expect:
            continue
        if m.start() > 0 and text[m.start() - 1] not in _RUN_BOUNDARY:
            continue
        if start > 1 and not points and m.start() != 0:
            return []
        points.append((m.start(), m.end(), f"{m.group(1)}是"))
        expect += 1
    return points if len(points) >= (2 if start == 1 else 1) else []
