"""Numbers as Chinese policy documents write them: 60, ６０, 六十, 一千二百, 两, 14.2万, 45亿, 百分之百.

Chinese numerals are converted by ``cn2an`` (a maintained converter); this module decides *what*
is a numeral before handing it over, because cn2an's lenient mode reads digit strings such as
三四 (three or four) as 34. It also reads the digit runs that scraping leaves in dates
(``128日`` for 12月8日 or 1月28日) by enumerating the readings a calendar allows.

Everything here keeps offsets: :func:`fold_width` maps full-width ASCII to ASCII one character
for one character, so a regex run on the folded copy gives spans into the original text.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from ..reading.numbering import cn_is_numeral

# one Chinese digit or a positional character; 两 is the colloquial 2
CN_DIGITS = "零〇一二两三四五六七八九"
CN_CHARS = CN_DIGITS + "十百千"
ARABIC = r"[0-9]+(?:\.[0-9]+)?"
CN = rf"[{CN_CHARS}]+"
# a number with its optional 万/亿 multiplier ("14.2万", "2.05万", "三千五百万")
NUMBER = rf"(?:{ARABIC}|{CN})(?:万亿|万|亿)?"

_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space


def fold_width(text: str) -> str:
    """Full-width ASCII (０-９, ％, （）) to ASCII, one character for one: offsets are unchanged."""
    return text.translate(_FULL_WIDTH)


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    """The value of a number as written: ``60``, ``６０``, ``六十``, ``一千二百``, ``14.2万``,
    ``45亿``, ``三千五百万``; None when ``text`` is not one number."""
    s = fold_width(text).strip().replace(",", "")
    if not s:
        return None
    mult = 1.0
    for suffix, m in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
        if s.endswith(suffix) and len(s) > len(suffix):
            s, mult = s[: -len(suffix)], m
            break
    if re.fullmatch(ARABIC, s):
        return _tidy(float(s) * mult)
    if s == "百":  # 百分之百
        return _tidy(100.0 * mult)
    if not cn_is_numeral(s):
        return None
    import cn2an  # lazy: only documents with Chinese numerals pay for it

    try:
        value = float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError):
        return None
    return _tidy(value * mult)


def _tidy(v: float) -> float:
    # 14.2 × 10,000 is 141999.99999999997 in binary floating point
    r = round(v, 6)
    return float(int(r)) if r == int(r) else r


def parse_percent(text: str) -> float | None:
    """``50%``, ``５０％``, ``百分之五十``, ``百分之百`` → 50.0 / 100.0."""
    s = fold_width(text).strip()
    if s.startswith("百分之"):
        return parse_number(s[3:])
    if s.endswith("%"):
        return parse_number(s[:-1])
    return None


def _valid(y: int, m: int, d: int) -> date | None:
    if 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
        return date(y, m, d)
    return None


def month_day_readings(year: int, digits: str) -> list[date]:
    """Every (month, day) a digit run that lost 月 can stand for: ``128`` → 1-28 and 12-8."""
    out = []
    for cut in range(1, len(digits)):
        mm, dd = digits[:cut], digits[cut:]
        if len(mm) > 2 or len(dd) > 2 or mm.startswith("0") or dd.startswith("0") and len(dd) == 1:
            continue
        d = _valid(year, int(mm), int(dd))
        if d:
            out.append(d)
    return out


def read_month_day(year: int, digits: str, not_before: date | None = None, not_after: date | None = None) -> date | None:
    """The one reading of a lost-月 digit run inside ``[not_before, not_after]``, else None."""
    readings = [d for d in month_day_readings(year, digits)
                if (not_before is None or d >= not_before) and (not_after is None or d <= not_after)]
    return readings[0] if len(readings) == 1 else None


def period_readings(year: int, digits: str) -> list[tuple[date, date]]:
    """Readings of a stage period printed without 月/日/—: ``321430`` → (3-21, 4-30).

    Start must not be after end. Used for 阶段 headings such as ``(2020321430日)``.
    """
    out = []
    n = len(digits)
    for a in range(1, n):
        for b in range(a + 1, n):
            for c in range(b + 1, n):
                parts = (digits[:a], digits[a:b], digits[b:c], digits[c:])
                if any(len(p) > 2 or p.startswith("0") for p in parts):
                    continue
                s = _valid(year, int(parts[0]), int(parts[1]))
                e = _valid(year, int(parts[2]), int(parts[3]))
                if s and e and s <= e:
                    out.append((s, e))
    return out


def choose_period(readings: list[tuple[date, date]], after: date | None) -> tuple[date, date] | None:
    """The likeliest reading of a stage period: stages of a plan follow one another, so a period
    that starts the day after the previous stage ended wins; then one that stays within a month;
    then the shortest."""
    if not readings:
        return None
    if len(readings) == 1:
        return readings[0]
    def key(r: tuple[date, date]):
        s, e = r
        follows = after is not None and s == after + timedelta(days=1)
        return (not follows, s.month != e.month, (e - s).days, s)
    if after is not None:
        later = [r for r in readings if r[0] > after]
        readings = later or readings
    return sorted(readings, key=key)[0]
