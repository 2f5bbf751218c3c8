"""Commitments: the quantified targets, deadlines and reported results of each clause, and the
lead / responsible units a document assigns.

A commitment keeps its kind (target / deadline / result), value (a number, an ISO date, or a
recurring schedule such as ``every:year``), unit, direction (at_least / at_most / exactly / by),
the subject it measures with a normalised key (``data/indicators.toml``: the same indicator in two
documents gets the same key), the clause, and its exact span — into the clause's text and, when
the original file is at hand, into the document's text.

How a number becomes a commitment (the rules, in order):
- 《…》 titles, 文号, ordinals (第N), dates of events and policy slogans with numerals (一件事一次办,
  三项制度, 七五普法 …) are masked first: they are never commitments.
- Deadlines: ``2024年底前``, ``到2025年``, ``3月底``, lost-月 runs (``于35日之前`` = 3月5日, read
  with the plan's date as the earliest possible), 阶段 periods (end date), a plan-year scope
  (``2020年将…``, ``全面完成2017年度``), recurring schedules (每年, 每季度, 每2年, 周调度、月通报).
  Past dates (before the document's year) and another instrument's effective date are skipped.
- Quantities: a number with a classifier (项, 件, 人次, 学时, 个工作日 …) or %, or folded by 万/亿.
  A Chinese numeral counts only where a quota word governs it (至少一期, 两期以上, 只设一个):
  elsewhere 十一次党代会 or 一岗双责 would be read as counts.
- Direction: 不少于/不低于/至少/以上/突破/多/余 → at_least; 不超过/以内/以下 → at_most; 达到 is at_least
  in a target and exactly in a result; otherwise exactly.
- Kind: in a report (年度报告) a quantity is a result, unless it sits in the report's plans part
  (打算, 思路) or under a recurring rule (每年组织2次以上); in a plan it is a target, unless the
  sentence reports something already done (已经完成, 截至).

The rules stay in one module (a little over 500 lines) because they share the masking, phrase and
subject helpers; the result types live in ``commitment_results``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from ..config import PolicyConfig
from ..reading.document import Document
from ..reading.normalize import strip_punct
from ..reading.segment import Clause
from .commitment_results import DIRECTION_SIGN, KIND_ZH, KINDS, Assignment, Commitment, CommitmentSet, DocCommitments, IndicatorMatrix, indicator_matrix  # noqa: F401  (re-exported)
from .numbers import ARABIC, CN, NUMBER, choose_period, cn_is_numeral, fold_width, parse_number, period_readings, read_month_day

_MASK = "\u25a1"  # □: masked text matches nothing below
_BOUNDARY = "，,；;。：:！!？?\n"
_STRONG = re.compile(rf"[{_BOUNDARY}]")

# classifiers, longest first; 名 is read as 人
UNITS = ["个工作日", "工作日", "个百分点", "百分点", "人次", "家次", "户次", "台次", "场次", "批次", "件次", "学时", "课时", "小时",
         "万元", "亿元", "平方米", "公里", "元", "吨", "亩", "%", "项", "件", "个", "家", "份", "条", "处", "块", "起", "次",
         "期", "名", "人", "篇", "场", "类", "支", "所", "座", "套", "户", "批", "轮", "种", "本", "台", "辆", "张", "位", "宗"]
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_TIME_UNITS = {"个工作日", "工作日", "小时"}
_QUOTA_UNITS = {"期", "次", "篇", "学时", "课时", "场", "个工作日", "工作日"}
# quota words a Chinese numeral needs before it (至少一期, 只设一个)
_DIRECTION_WORDS = [
    ("不少于", "at_least"), ("不低于", "at_least"), ("不小于", "at_least"), ("至少", "at_least"), ("最少", "at_least"),
    ("多于", "at_least"), ("超过", "at_least"), ("高于", "at_least"), ("突破", "at_least"), ("达到了", "reach"), ("达到", "reach"),
    ("达", "reach"), ("不超过", "at_most"), ("不高于", "at_most"), ("不多于", "at_most"), ("最多", "at_most"), ("控制在", "at_most"),
    ("压缩至", "at_most"), ("压减至", "at_most"), ("压缩到", "at_most"), ("只设", "exactly"), ("只保留", "exactly"),
    ("仅设", "exactly"), ("仅保留", "exactly"), ("近", "about"), ("约", "about"),
]
_DIRECTION_RE = re.compile("|".join(re.escape(w) for w, _ in sorted(_DIRECTION_WORDS, key=lambda x: -len(x[0]))))
_DIRECTION_OF = dict(_DIRECTION_WORDS)

_QTY = re.compile(
    rf"(?P<num>{NUMBER})(?:\s*[-—～~至到]\s*(?P<num2>{ARABIC}))?(?P<more>多|余)?\s?(?P<unit>{_UNIT_RE})?(?P<post>及以上|以上|以下|以内|之内|余|内)?"
)
_PERCENT_CN = re.compile(rf"百分之(?P<num>{CN}|{ARABIC}|百)")
_ZERO = re.compile(r"(?:没有|未)(?:收到|受理|发生)[^，,。；;]{0,12}?(?:案件|案卷|事件|事故)")

# deadlines
_STAGE = re.compile(r"[(（]\s*(?P<year>(?:19|20)\d{2})年?(?P<a>[\d月日]+?)日?\s*(?:[—\-－~～至到]\s*(?P<b>[\d月日]+?)日?)?\s*[)）]")
_YEAR_END = re.compile(r"(?P<pre>到|至|在|于)?(?P<year>(?:19|20)\d{2})年(?P<end>底前|底之前|年底前|底|末|前|之前|以前)")
_FULL_DATE = re.compile(r"(?P<pre>到|至|在|于)?(?P<year>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?P<end>底前|底之前|底|末|前|之前|以前)")
_MONTH = re.compile(r"(?<![\d年])(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?P<end>底前|底之前|底|末|前|之前|以前)")
_LOST_MONTH = re.compile(r"(?P<pre>于|在)(?P<digits>\d{2,4})日(?P<end>之前|以前|前)")
_TO_YEAR = re.compile(r"(?P<pre>到|至)(?P<year>(?:19|20)\d{2})年(?!度?[底末前])")
_PLAN_YEAR = re.compile(r"(?P<pre>完成|实现)?(?P<year>(?:19|20)\d{2})年(?P<du>度)?(?P<post>将|继续|要|应|基本|全面|认真|力争|确保)?")
_RECURRING = re.compile(r"每(?P<n>[0-9两二三]?)(?P<p>个?年|季度|季|个?月|半年|周|星期)(?P<at>年初|年底|第一季度|上半年)?")
_SCHEDULE = re.compile(r"(?P<p>年初|年中|年终|年底|季度|季|月|周|年)有?(?:计划|检查|小结|总结|考核|通报|调度|评价|报告|部署)")
_WITHIN = re.compile(rf"(?P<num>{ARABIC}|{CN})(?P<unit>个?年|个月)(?:内|以内)(?=[^，,。；;]{{0,4}}(?:完成|实现|建成|建立|出台|制定|办结|覆盖))")
_PERIOD = {"年": "year", "个年": "year", "季度": "quarter", "季": "quarter", "月": "month", "个月": "month", "半年": "half-year",
           "周": "week", "星期": "week", "年初": "year", "年中": "year", "年终": "year", "年底": "year"}

# never commitments: titles, 文号, ordinals, effective dates of other instruments, slogans
_MASKS = [
    re.compile(r"《[^《》]*》"),
    re.compile(r"[\u4e00-\u9fff]{0,12}[〔\[［]\s*\d{4}[^〕\]］]{0,2}[〕\]］]?\s*第?\s*\d{0,4}号?"),
    re.compile(r"第[0-9一二三四五六七八九十百]+[号次批届条款项章节期个轮]?"),
    re.compile(r"(?:于|自)?(?:19|20)\d{2}年?\d{1,4}月?\d{0,2}日?(?:起)?(?:正式)?(?:实施|施行|生效)"),
    re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日(?![前之底])"),
    # hotlines (12345) and index numbers; not a count with its unit, nor a date that lost 年/月
    re.compile(rf"(?<![0-9.])(?!(?:19|20)\d{{3,8}}日)\d{{5,}}(?![0-9]|\.[0-9]|多|余|万|亿|\s?(?:{_UNIT_RE}))"),
    re.compile(r"最多跑一次|一件事一次办|一次办|一网通办|一网统管|一窗|一门|一次告知|一张网|一号通办|三项制度|四项制度|[一二三四五六七八]五普法|"
               r"[十][一二三四五]五|五调联动|两单合一|一岗双责|一把手|第一责任人|四个意识|四个自信|两个维护|四个全面|两法衔接|一案一卷一审|"
               r"三集中三到位|四无四百|三个区分开来|一级抓一级|三统一|五落实|[0-9]+\+[0-9]+"),
]
_PLAN_PART = re.compile(r"打算|思路|下一步|工作计划|工作安排|展望|重点工作")
_PAST = re.compile(r"已经|已完成|截至|截止")
_LEADING = re.compile(r"^(?:截至目前|目前|其中|一共|共计|共|累计|全年|全区|全市|全局|已|并|均|全部|确保|要|应当|应|必须|须|每人|每年|同时|此外|今年以来|[0-9]{4}年以来|以来)+")
_MODAL_TAIL = re.compile(r"(?:要|应当|应|须|必须|需)$")
_REPORT_TYPES = ("年度报告",)


# -- indicators -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def indicators() -> list[dict]:
    p = Path(str(resources.files("lawgov_nlp") / "data" / "indicators.toml"))
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    out = []
    for row in data.get("indicator", []):
        out.append({**row, "rx": re.compile(row["pattern"])})
    return out


def subject_key(contexts: Sequence[str], unit: str, kind: str, subject: str,
                max_chars: int = PolicyConfig.subject_max_chars) -> tuple[str, bool]:
    """The normalised key of a commitment's subject: the first indicator whose pattern matches a
    context (tried narrowest first: the commitment's own phrase, then its clause heading and
    sentence), else the subject's own wording."""
    if isinstance(contexts, str):
        contexts = [contexts]
    forms = [strip_punct(c.replace(_MASK, "")) for c in contexts]
    for ctx in forms:
        for ind in indicators():
            if ind.get("units") and unit not in ind["units"]:
                continue
            if ind.get("kinds") and kind not in ind["kinds"]:
                continue
            # a qualifier (重大案件…) may sit in an earlier phrase of the sentence
            if ind["rx"].search(forms[-1] if ind.get("scope") == "sentence" else ctx):
                return ind["key"], True
    return strip_punct(subject)[:max_chars], False


# -- masking --------------------------------------------------------------------------------------

def _masked(text: str) -> str:
    t = fold_width(text)
    for rx in _MASKS:
        t = rx.sub(lambda m: _MASK * len(m.group(0)), t)
    return t


def _segment_bounds(t: str, pos: int) -> tuple[int, int]:
    start = max((t.rfind(ch, 0, pos) for ch in _BOUNDARY), default=-1) + 1
    ends = [k for k in (t.find(ch, pos) for ch in _BOUNDARY) if k >= 0]
    return start, (min(ends) if ends else len(t))


def _sentence_start(t: str, pos: int) -> int:
    return max((t.rfind(ch, 0, pos) for ch in "。；;！!？?\n"), default=-1) + 1


def _clean_subject(s: str) -> str:
    s = s.replace(_MASK, "").strip(" 、，,()（）“”\"")
    s = _LEADING.sub("", s)
    s = _MODAL_TAIL.sub("", s)
    s = _DIRECTION_RE.sub("", s) if len(s) > 4 else s
    return s.strip(" 、的")


# -- extraction -----------------------------------------------------------------------------------

@dataclass
class _Ctx:
    doc_id: str
    year: int | None
    doc_date: date | None
    report: bool


def _doc_context(doc: Document) -> _Ctx:
    m = doc.meta
    d = None
    if m.date:
        try:
            d = date.fromisoformat(m.date)
        except ValueError:
            d = None
    year = m.year or (d.year if d else None)
    report = m.doc_type in _REPORT_TYPES or ("报告" in (m.title or "") and m.doc_type not in ("实施方案", "工作要点", "纲要"))
    return _Ctx(doc.doc_id, year, d, report)


def _deadlines(t: str, raw: str, ctx: _Ctx, state: dict) -> list[tuple[int, int, str, str]]:
    """(start, end, value, unit) of every deadline in masked text ``t``."""
    out: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(a: int, b: int, value: str, unit: str) -> None:
        if free(a, b):
            out.append((a, b, value, unit))
            taken.append((a, b))

    year = ctx.year
    for m in _STAGE.finditer(t):
        y = int(m.group("year"))
        a, b = m.group("a").replace("月", ""), (m.group("b") or "").replace("月", "")
        end, r = None, None
        if b:
            e = read_month_day(y, b)
            end = e
        else:
            r = choose_period(period_readings(y, a), state.get("stage_end"))
            end = r[1] if r else None
        if not b and r:
            state["stage_start"] = r[0]
        elif b:
            state["stage_start"] = read_month_day(y, a)
        if end is not None:
            state["stage_end"] = end
            add(m.start() + 1, m.end() - 1, end.isoformat(), "date")
    for m in _FULL_DATE.finditer(t):
        y, mo = int(m.group("year")), int(m.group("m"))
        d = int(m.group("d")) if m.group("d") else None
        iso = _month_end(y, mo, d)
        if iso and (year is None or y >= year):
            add(m.start(), m.end(), iso, "date")
    for m in _YEAR_END.finditer(t):
        y = int(m.group("year"))
        if year is None or y >= year:
            add(m.start(), m.end(), f"{y}-12-31", "date")
    for m in _TO_YEAR.finditer(t):
        y = int(m.group("year"))
        if year is None or y >= year:
            add(m.start(), m.end(), f"{y}-12-31", "date")
    for m in _MONTH.finditer(t):
        if year is None:
            continue
        d = int(m.group("d")) if m.group("d") else None
        iso = _month_end(year, int(m.group("m")), d)
        if iso:
            add(m.start(), m.end(), iso, "date")
    for m in _LOST_MONTH.finditer(t):
        if year is None:
            continue
        # inside a plan's stage (阶段) a deadline is not before the stage began; elsewhere any
        # reading in the plan year counts, and an ambiguous one (128日: 1-28 or 12-8) is left out
        d = read_month_day(year, m.group("digits"), not_before=state.get("stage_start"))
        if d:
            add(m.start() + len(m.group("pre")), m.end(), d.isoformat(), "date")
    for m in _PLAN_YEAR.finditer(t):
        y = int(m.group("year"))
        if not (m.group("pre") or m.group("post")) or year is None or y < year or _PAST.search(t[m.end():m.end() + 8]):
            continue
        if m.group("post") == "将" and y != year:
            continue
        add(m.start(), m.end(), f"{y}-12-31", "date")
    for m in _RECURRING.finditer(t):
        n = m.group("n")
        per = _PERIOD.get(m.group("p"), "year")
        if n and n not in ("1", "一"):
            value = f"every:{int(parse_number(n) or 1)}-{per}s"
            # 每2年申报一次: the schedule is the whole phrase
            tail = re.match(r"[^，,。；;]{0,4}?[一1]次", t[m.end():])
            add(m.start(), m.end() + (tail.end() if tail else 0), value, "recurring")
        else:
            add(m.start(), m.end(), f"every:{per}", "recurring")
    sched = list(_SCHEDULE.finditer(t))
    for k, m in enumerate(sched):
        # only an enumeration of schedules (年初有计划、季度有小结; 周调度、月通报) is read as one
        near = any(abs(o.start() - m.end()) <= 2 or abs(m.start() - o.end()) <= 2 for j, o in enumerate(sched) if j != k)
        near = near or t[m.end():m.end() + 1] == "、" or t[max(0, m.start() - 1):m.start()] == "、"
        if near:
            add(m.start(), m.end(), f"every:{_PERIOD[m.group('p')]}", "recurring")
    for m in _WITHIN.finditer(t):
        n = parse_number(m.group("num"))
        if n:
            per = "year" if "年" in m.group("unit") else "month"
            add(m.start(), m.end(), f"within:{n:g}-{per}s", "relative")
    return out


def _month_end(y: int, m: int, d: int | None) -> str:
    import calendar

    if not 1 <= m <= 12:
        return ""
    last = calendar.monthrange(y, m)[1]
    if d is None:
        return f"{y:04d}-{m:02d}-{last:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= d <= last else ""


def _quantities(t: str, ctx: _Ctx, taken: list[tuple[int, int]]) -> list[dict]:
    out = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _QTY.finditer(t):
        num, unit = m.group("num"), m.group("unit") or ""
        a, b = m.start(), m.end()
        if not free(a, b):
            continue
        is_cn = not re.match(r"[0-9]", num)
        mult = num.endswith(("万", "亿"))
        if not unit and not mult:
            continue
        if not unit and mult:
            tail = re.match(r"[\u4e00-\u9fff]{0,3}费", t[b:])
            unit = "元" if tail else ""
        seg_start, _ = _segment_bounds(t, a)
        look = t[max(seg_start, a - PolicyConfig.direction_lookback):a]
        dm = list(_DIRECTION_RE.finditer(look))
        post = m.group("post") or ""
        more = m.group("more") or ""
        if is_cn:
            if num in ("百",) or not cn_is_numeral(num.rstrip("万亿")):
                continue
            recurring_before = re.search(r"每(?:年|季度|月|半年)", t[seg_start:a])
            summary = t[a - 1:a] == "等" and unit == "个"  # …等五个专项行动: the count of a list just given
            if not (dm or summary or post in ("以上", "及以上", "以下", "以内") or (recurring_before and unit in _QUOTA_UNITS)):
                continue
        value = parse_number(num)
        if value is None:
            continue
        if a > 0 and t[a - 1] in "第.":
            continue
        if unit == "%" and value > 1000:
            continue
        direction, approx = "exactly", False
        if dm:
            w = _DIRECTION_OF[dm[-1].group(0)]
            if w == "about":
                approx = True
            elif w != "reach":
                direction = w
            else:
                direction = "reach"
            span_start = max(seg_start, a - PolicyConfig.direction_lookback) + dm[-1].start()
        else:
            span_start = a
        if post in ("以上", "及以上", "余") or more:
            direction = "at_least"
        elif post in ("以下", "以内", "之内") or (post == "内" and unit in _TIME_UNITS):
            direction = "at_most"
        upper = parse_number(m.group("num2")) if m.group("num2") else None
        if upper is not None:
            direction = "at_least"
        value, unit = _fold_unit(value, unit)
        out.append({"start": span_start, "num_start": a, "end": b, "value": value, "unit": unit, "direction": direction,
                    "upper": upper, "approx": approx})
        taken.append((a, b))
    for m in _PERCENT_CN.finditer(t):
        if not free(m.start(), m.end()):
            continue
        v = parse_number(m.group("num"))
        if v is None:
            continue
        seg_start, _ = _segment_bounds(t, m.start())
        look = t[max(seg_start, m.start() - PolicyConfig.direction_lookback):m.start()]
        dm = list(_DIRECTION_RE.finditer(look))
        direction = _DIRECTION_OF[dm[-1].group(0)] if dm else "exactly"
        direction = "exactly" if direction == "about" else direction
        out.append({"start": m.start(), "num_start": m.start(), "end": m.end(), "value": v, "unit": "%", "direction": direction,
                    "upper": None, "approx": False})
        taken.append((m.start(), m.end()))
    for m in _ZERO.finditer(t):
        if free(m.start(), m.end()):
            unit = "件" if re.search("案件|案卷", m.group(0)) else "起"
            out.append({"start": m.start(), "num_start": m.start(), "end": m.end(), "value": 0.0, "unit": unit, "direction": "exactly",
                        "upper": None, "approx": False})
            taken.append((m.start(), m.end()))
    return out


def _fold_unit(value: float, unit: str) -> tuple[float, str]:
    from .numbers import _tidy

    if unit == "名":
        return value, "人"
    if unit == "万元":
        return _tidy(value * 1e4), "元"
    if unit == "亿元":
        return _tidy(value * 1e8), "元"
    if unit == "百分点":
        return value, "个百分点"
    return value, unit


def clause_offsets(doc: Document, clause: Clause) -> list[int] | None:
    """Document offset of every character of ``clause.text`` (its lines sit in the original text in
    order, separated by what cleaning dropped); None when the document has no original text."""
    if not doc.text:
        return None
    out: list[int] = []
    pos = clause.span[0]
    for line in clause.text.split("\n"):
        at = doc.text.find(line, pos) if line else pos
        if at < 0:
            return None
        out.extend(range(at, at + len(line)))
        pos = at + len(line)
        out.append(pos)  # the "\n" joining lines maps to the end of this line
    return out


def _plan_part(doc: Document, clause: Clause) -> bool:
    by_id = doc.by_id
    cur: Clause | None = clause
    while cur is not None:
        if cur.kind == "body" and cur.level == 1 and _PLAN_PART.search(cur.heading):
            return True
        cur = by_id.get(cur.parent_id) if cur.parent_id else None
    return False


def extract_clause(doc: Document, clause: Clause, ctx: _Ctx | None = None, state: dict | None = None,
                   offsets: list[int] | None = None) -> list[Commitment]:
    """Commitments of one clause of ``doc``."""
    ctx = ctx or _doc_context(doc)
    state = state if state is not None else {}
    raw = clause.text
    t = _masked(raw)
    found: list[Commitment] = []
    path_label = doc.path_label(clause)
    plan_part = ctx.report and _plan_part(doc, clause)
    dls = _deadlines(t, raw, ctx, state)
    taken = [(a, b) for a, b, _, _ in dls]
    for a, b, value, unit in dls:
        seg_start, seg_end = _segment_bounds(t, a)
        after = _clean_subject(_strip_quantities(t[b:seg_end]))
        before = _clean_subject(_strip_quantities(t[seg_start:a]))
        subject = after or before
        if unit == "recurring":
            subject = _clean_subject(_strip_quantities(t[b:seg_end])) or before
        # a schedule names its task in its own phrase (每年应当举办…讲座); the sentence around it
        # may name another (定期听取汇报…季度有小结)
        key, canon = subject_key([t[seg_start:seg_end]], unit, "deadline", subject)
        found.append(_make(doc, clause, offsets, a, b, "deadline", value, unit, "by", subject, key, canon, path_label))
    for q in _quantities(t, ctx, taken):
        a, b = q["start"], q["end"]
        seg_start, seg_end = _segment_bounds(t, q["num_start"])
        # in a list (查处食品类案件104件、药械化违法案件53件) each count's subject is its own item
        before = _clean_subject(t[seg_start:q["start"]].rsplit("、", 1)[-1])
        after_text = t[b:seg_end]
        after = "" if after_text.startswith("、") else _clean_subject(_strip_quantities(after_text.split("、", 1)[0]))
        subject = (before + ("…" + after if after and len(before) <= 6 else "")) if before else after
        sentence = t[_sentence_start(t, q["num_start"]):q["num_start"]]
        recurring = re.search(r"每(?:人每)?(?:年|季度|季|月|半年)", sentence)
        if ctx.report:
            kind = "target" if plan_part or recurring else "result"
        else:
            kind = "result" if _PAST.search(sentence) else "target"
        direction = q["direction"]
        if direction == "reach":
            direction = "at_least" if kind == "target" else "exactly"
        key, canon = subject_key([t[seg_start:seg_end], clause.heading + " " + sentence + t[q["num_start"]:seg_end]], q["unit"], kind, subject)
        c = _make(doc, clause, offsets, a, b, kind, q["value"], q["unit"], direction, subject, key, canon, path_label)
        c.upper, c.approx = q["upper"], q["approx"]
        found.append(c)
    found.sort(key=lambda c: c.span)
    return found


def _strip_quantities(s: str) -> str:
    s = re.sub(rf"(?:{_DIRECTION_RE.pattern})?[^，,。；;]{{0,2}}?(?:{NUMBER})(?:多|余)?(?:{_UNIT_RE})(?:及以上|以上|以下|以内)?", "", s)
    return s


def _make(doc, clause, offsets, a, b, kind, value, unit, direction, subject, key, canon, path_label) -> Commitment:
    doc_span = (offsets[a], offsets[b - 1] + 1) if offsets else None
    return Commitment(doc.doc_id, clause.id, kind, clause.text[a:b], (a, b), doc_span, value, unit, direction, subject, key, canon,
                      path_label)


# -- lead / responsible units ------------------------------------------------------------------

_ROLE_OF_COLUMN = {"牵头单位": "lead", "牵头部门": "lead", "责任单位": "responsible", "责任部门": "responsible",
                   "配合单位": "cooperating", "配合部门": "cooperating"}
_INLINE_ROLE = re.compile(r"(?P<col>牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门)\s*[:：]\s*(?P<units>[^，,。;；)）:：]+)")


def split_units(text: str) -> list[str]:
    parts = re.split(r"[、，,/\s]+", text.strip())
    return [p for p in (x.strip() for x in parts) if p and p not in ("等",)]


def assignments(doc: Document, clause: Clause) -> list[Assignment]:
    out = []
    for col, value in clause.fields.items():
        role = _ROLE_OF_COLUMN.get(col)
        if role and value.strip():
            out.append(Assignment(doc.doc_id, clause.id, role, split_units(value), "table", value, None))
    for m in _INLINE_ROLE.finditer(clause.text):
        role = _ROLE_OF_COLUMN[m.group("col")]
        out.append(Assignment(doc.doc_id, clause.id, role, split_units(m.group("units")), "inline", m.group(0), (m.start(), m.end())))
    return out


def extract_document(doc: Document) -> DocCommitments:
    """Commitments and assignments of every clause of ``doc``, in document order.

    A task-table row that restates a body clause (seed 003) keeps its own commitments, marked
    ``restates``; the body clause takes the row's lead and responsible units.
    """
    ctx = _doc_context(doc)
    state: dict = {}
    commitments: list[Commitment] = []
    assigns: list[Assignment] = []
    for clause in sorted(doc.clauses, key=lambda c: c.span[0]):
        offsets = clause_offsets(doc, clause)
        cs = extract_clause(doc, clause, ctx, state, offsets)
        for c in cs:
            c.restates = clause.duplicate_of
        commitments.extend(cs)
        assigns.extend(assignments(doc, clause))
    units: dict[str, dict[str, list[str]]] = {}
    for a in assigns:
        target = doc.by_id[a.clause_id].duplicate_of or a.clause_id
        for cid in {a.clause_id, target}:
            units.setdefault(cid, {}).setdefault(a.role, []).extend(u for u in a.units if u not in units.get(cid, {}).get(a.role, []))
    for c in commitments:
        roles = units.get(c.clause_id, {})
        c.lead, c.responsible = list(roles.get("lead", [])), list(roles.get("responsible", []))
    return DocCommitments(doc.doc_id, doc.title, doc.meta.to_dict(), commitments, assigns)


def extract_all(docs: Iterable[Document] | Document, config: PolicyConfig | None = None) -> CommitmentSet:
    """Commitments of every document (or of one)."""
    if isinstance(docs, Document):
        docs = [docs]
    cfg = config or PolicyConfig()
    return CommitmentSet([extract_document(d) for d in docs], cfg.to_dict())


extract_commitments = extract_all
