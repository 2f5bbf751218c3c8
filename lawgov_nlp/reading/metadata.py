"""Metadata read from the text itself, for documents the manifest does not describe.

What each field is read from, in order of trust (``scripts/eval_metadata.py`` measures it):

- title: the portal's metadata table; the document's own title lines, also when split over two
  or three lines (an issuer line above the title, 政府工作报\n告); for a notice that 印发 a
  document, the document it carries (关于印发《X》的通知 → X); for a 政府工作报告 that has no title
  line (most begin "各位代表："), ``{year}年{place}政府工作报告``; else the HTML ``<title>`` without
  the site name, or the PDF's own title.
- issuer: the portal table; "我代表国务院/南山区人民政府向大会报告"; the title before 关于; an
  issuer line above the title; an NPC session (…人民代表大会…关于…的决议); the signature.
- year: a year in the title (2023年法治政府建设工作报告 is about 2023 whatever day it was
  signed); a work report's session year ("2023年工作回顾" → 2024); the signature date.
- period ``year_from``-``year_to``: （2021—2025年） or 十四五 in the title; ``--year`` filters
  match any year inside it.
- doc_type: ``doctype`` (a documented rule set); level: ``doctype.infer_level`` on the issuer.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, fields

from .clean import Line
from .doctype import GENRE_WORDS, announced_title, doc_type_of_text, doc_type_of_title, infer_level
from .numbering import match_marker
from .regions import infer_region

__all__ = ["DocMeta", "extract_meta", "infer_doc_type", "infer_level", "parse_date", "parse_doc_number", "parse_period"]

LEVELS = ("national", "province", "city", "county", "department")


@dataclass
class DocMeta:
    title: str = ""
    doc_number: str = ""  # 文号, e.g. 冀传〔2022〕2号
    issuer: str = ""
    issuer_type: str = ""  # government | department | party-government
    date: str = ""  # ISO yyyy-mm-dd, empty when not certain
    published: str = ""  # portal publication date, when the page shows one
    region: str = ""
    level: str = ""  # one of LEVELS
    year: int | None = None  # the year the document is about (a report: the year reported on)
    year_from: int | None = None  # a plan's period, e.g. 2021-2025; equal to year when it has none
    year_to: int | None = None
    doc_type: str = ""  # 纲要 | 实施方案 | 工作要点 | 年度报告 | 政府工作报告 | 决议 | 通知 | 意见 | … (doctype.py)
    implements: str = ""  # the national plan implemented: 2015-2020 | 2021-2025
    source: str = ""
    notes: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def merged(self, other: DocMeta) -> DocMeta:
        """``self`` with empty fields filled from ``other``."""
        out = DocMeta(**asdict(self))
        for f in fields(self):
            if getattr(out, f.name) in ("", None):
                setattr(out, f.name, getattr(other, f.name))
        if self.year is not None and (self.year_from is None or self.year_to is None):
            # a manifest that gives a year but no period: the period read from the text stands only
            # if it contains that year
            if not (out.year_from is not None and out.year_to is not None and out.year_from <= self.year <= out.year_to):
                out.year_from = out.year_to = self.year
        return out

    def years(self) -> tuple[int, int] | None:
        """The years this document covers, for year filters."""
        if self.year_from is not None and self.year_to is not None:
            return self.year_from, self.year_to
        return (self.year, self.year) if self.year is not None else None


_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,16}[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*第?\s*(\d{1,4})\s*号$")
# Scrapes lose the closing bracket and 号: "江依法行政办发〔20173" is 〔2017〕3号 (the year is 4 digits).
_DOC_NUMBER_MANGLED = re.compile(r"^([\u4e00-\u9fff]{1,16})[〔\[［]\s*((?:19|20)\d{2})(\d{1,4})$")
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})")
_DATE_DIGITS = re.compile(r"^((?:19|20)\d{2})(\d{2,4})$")


def parse_date(text: str, not_after: str = "") -> str:
    """ISO date from a line, including digit runs that lost 年/月/日 when only one reading is valid.

    ``2017724`` can only be 2017-07-24 (month 72 does not exist); ``2020111`` could be
    2020-01-11 or 2020-11-01 and stays empty.
    """
    t = text.strip()
    for rx in (_DATE_CN, _DATE_ISO):
        m = rx.search(t)
        if m:
            iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if iso:
                return iso
    m = _DATE_DIGITS.match(t)
    if m:
        year, rest = int(m.group(1)), m.group(2)
        readings = set()
        for cut in range(1, len(rest)):
            mm, dd = rest[:cut], rest[cut:]
            if len(mm) > 2 or len(dd) > 2 or mm.startswith("0") and len(mm) == 1:
                continue
            iso = _valid(year, int(mm), int(dd))
            if iso and (not not_after or iso <= not_after):
                readings.add(iso)
        if len(readings) == 1:
            return readings.pop()
    return ""


def _valid(y: int, m: int, d: int) -> str:
    if 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return ""


def parse_doc_number(text: str) -> str:
    t = re.sub(r"\s", "", text)
    if _DOC_NUMBER.match(t):
        return t.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕")
    m = _DOC_NUMBER_MANGLED.match(t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return ""



def infer_doc_type(title: str, text: str = "") -> str:
    """The type of a document from its title, else from how its text names itself."""
    return doc_type_of_title(title) or (doc_type_of_text(text) if text else "")


_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—－–\-~〜至到]+\s*((?:19|20)\d{2})\s*年?")
_FIVE_YEAR = {"十一五": (2006, 2010), "十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}


def parse_period(title: str) -> tuple[int, int] | None:
    """（2021—2025年）, 2021-2025年, “十四五” in a title → (2021, 2025)."""
    m = _PERIOD.search(title)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 15:
            return a, b
    for name, span in _FIVE_YEAR.items():
        if name in title:
            return span
    return None


_YEAR_TYPES = {"年度报告", "政府工作报告", "报告", "总结", "工作要点", "要点", "实施方案", "方案", "计划", "纲要", "规划"}
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_SPEECH = re.compile(r"我代表(.{1,30}?)[，,、\s]*(?:向大会|向本次大会|向全会|向各位代表|向第.{1,12}?人民代表大会)")
_GENERIC_GOV = re.compile(r"^(本届|这届)?(市|区|县|州|盟|旗|省|自治区|自治州|新区)?(人民政府|政府|管委会|管理委员会|行署|行政公署)$")
_REVIEW = re.compile(r"((?:19|20)\d{2})\s*年(?:以来)?(?:的)?(?:国内)?(?:工作)?(?:主要)?(?:工作)?(?:的)?回顾")
_SESSION_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*在.{2,40}?人民代表大会")
_NPC_TITLE = re.compile(r"^(第[一二三四五六七八九十]+届)?(全国|.{2,12}?[省市区县])人民代表大会(常务委员会)?.{0,20}关于")
_ORG_SUFFIX = r"(人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|委员会|领导小组|管委会|管理委员会|小组|厅|局|部|院|委|办|政府|党委|党组|行署)"
_ISSUER_LINE = re.compile(rf"^[\u4e00-\u9fff、（）()]{{2,40}}?{_ORG_SUFFIX}$")
_TITLE_PREFIX_ISSUER = re.compile(rf"^(.{{2,40}}?{_ORG_SUFFIX})(关于|印发|转发)")
_SITE_WORDS = re.compile(r"(门户网站|网站|政府网|人民政府$|政务网|^首页$|信息公开)")
_NOT_PLACE = {"城市", "城镇", "都市", "海洋", "中国", "全国", "国家", "世界", "亚洲", "全省", "全市", "全区", "乡村", "农村", "城乡",
              "东部", "西部", "中部", "北部", "南部", "东北", "西北", "西南", "华南", "华北", "华东", "长江", "黄河", "沿海", "内陆",
              "京津", "京津冀", "黄渤海", "长三角", "珠三角", "粤港澳", "成渝", "关中", "中原", "大湾区", "湾区", "前海", "深港"}


def extract_meta(lines: list[Line], chrome: dict[str, str], html_meta: dict[str, str]) -> DocMeta:
    """Metadata from the lines of a document (cleaned of portal chrome) and its file's own metadata."""
    meta = DocMeta()
    plain = [ln for ln in lines if match_marker(ln.text) is None]
    head = plain[:25]
    tail = plain[-8:]
    text = "\n".join(ln.text for ln in lines)
    head_text = text[:6000]
    years_text = unicodedata.normalize("NFKC", head_text)  # １９９１年 is 1991年

    meta.doc_number = html_meta.get("doc_number", "")
    if not meta.doc_number:
        for ln in head:
            meta.doc_number = parse_doc_number(ln.text)
            if meta.doc_number:
                break
    published = chrome.get("published", "") or html_meta.get("published", "")
    meta.published = parse_date(published) if published else ""
    meta.date = _date(head, tail, html_meta, meta.published, head_text)

    own_title, issuer_line = _title_lines(head)
    resolution = None if html_meta.get("title") else _NPC_RESOLUTION.search(head_text[:600])
    title = _clean_title(html_meta.get("title", "")) or ("" if resolution else own_title)
    carried = announced_title(title) if title else ""
    speech = _SPEECH.search(head_text)
    meta.issuer = _issuer(html_meta, title, issuer_line, speech, head, tail, text)
    meta.doc_type = infer_doc_type(title, "" if title else text)
    if not title and not meta.doc_type and re.match(r"^\W*各位代表[：:]", head_text):
        meta.doc_type = "政府工作报告"  # a speech to a people's congress whose opening was cut
    if resolution:
        # a resolution whose title line was lost: its first sentence names session and report
        title = f"{resolution.group(1)}关于{resolution.group(4)}的决议"
        meta.doc_type, meta.issuer = "决议", "全国人民代表大会"
        if not meta.date:
            year = _npc_year(resolution.group(2), resolution.group(3))
            meta.date = str(year) if year else ""
    if meta.doc_type == "政府工作报告" and re.sub(r"\W", "", title) in ("", "政府工作报告", "工作报告"):
        # no title line, or only the bare words: say whose report for which year
        year = _report_year(years_text, meta.date, text)
        title = f"{f'{year}年' if year else ''}{_place(meta.issuer)}政府工作报告"
    title = carried or title
    if not title:
        # the HTML <title> or the PDF's /Title: weaker than the text, so only when it has none
        title = _page_title(html_meta.get("page_title", "")) or _clean_title(html_meta.get("file_title", ""))
        meta.doc_type = doc_type_of_title(title) or meta.doc_type
        title = announced_title(title) or title
    meta.title = title

    period = parse_period(title)
    title_year = _title_year(title, period)
    if meta.doc_type == "政府工作报告" and title_year is None:
        title_year = _report_year(years_text, meta.date, text)
    date_year = int(meta.date[:4]) if meta.date else None
    if meta.date and len(meta.date) == 4:
        meta.date = ""  # a year without a day is not a date
    # A report, plan or 要点 is about the year its title names; a notice or a decision that
    # mentions a year ("关于2018年度…奖励的决定") is dated by its signature.
    if meta.doc_type in _YEAR_TYPES:
        meta.year = title_year or date_year
    else:
        meta.year = date_year or title_year
    if period:
        meta.year_from, meta.year_to = period
        if meta.year is None or not period[0] <= meta.year <= period[1]:
            meta.year = period[0]
    elif meta.year is not None:
        meta.year_from = meta.year_to = meta.year

    meta.level = infer_level(meta.issuer) or infer_level(title)
    meta.region = infer_region(meta.issuer, title) or ("全国" if meta.level == "national" else "")
    if meta.issuer:
        meta.issuer_type = "department" if _is_department(meta.issuer) else "government"
    if period == (2021, 2025) or "2021" in title and "2025" in title:
        meta.implements = "2021-2025"
    elif period == (2015, 2020):
        meta.implements = "2015-2020"
    return meta


_NPC_RESOLUTION = re.compile(r"(第([一二三四五六七八九十]+)届全国人民代表大会第([一二三四五六七八九十]+)次会议)听取(?:和|并)?审议了.{0,30}?所作的\n?((?:政府)?工作报告|[\u4e00-\u9fff]{2,20}报告)")
_NPC_FIRST_YEAR = {5: 1978, 6: 1983, 7: 1988, 8: 1993, 9: 1998, 10: 2003, 11: 2008, 12: 2013, 13: 2018, 14: 2023}


def _cn_number(s: str) -> int:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (digits.get(a, 1) if a else 1) * 10 + (digits.get(b, 0) if b else 0)
    return digits.get(s, 0)


def _npc_year(term: str, session: str) -> int | None:
    """第十三届 … 第二次会议 → 2019: a National People's Congress meets once a year from its first."""
    first = _NPC_FIRST_YEAR.get(_cn_number(term))
    return first + _cn_number(session) - 1 if first else None


def _date(head: list[Line], tail: list[Line], html_meta: dict[str, str], not_after: str, head_text: str) -> str:
    if html_meta.get("date"):
        d = parse_date(html_meta["date"])
        if d:
            return d
    # An NPC resolution: （2021年3月11日第十三届全国人民代表大会第四次会议通过）
    m = re.search(r"[（(]\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)[^）)]{0,40}(通过|批准)[）)]", head_text[:1500])
    if m:
        return parse_date(m.group(1))
    # The signature date: a short line that is only a date, last one wins (tail before head).
    for ln in list(reversed(tail)) + list(reversed(head)):
        if len(ln.text) <= 24 and not re.search("(" + "|".join(GENRE_WORDS) + ")", ln.text):
            d = parse_date(re.sub(r"^[\s\u2002\xa0]+", "", ln.text), not_after)
            if d:
                return d
    return ""


def _title_piece(t: str) -> bool:
    """Could this line be (part of) a title: short, no sentence, no salutation, no date or 文号."""
    if not t or len(t) > 90 or "。" in t or t.endswith(("：", ":", "，", ",", "；", ";", "、")):
        return False
    if parse_date(t) and len(t) <= 24 or parse_doc_number(t) or t.startswith(("各位代表", "各位委员")):
        return False
    return not re.match(r"^[（(]?\s*(19|20)\d{2}\s*年\s*\d{1,2}\s*月", t)


def _join_title(parts: list[str]) -> str:
    t = "".join(p.strip() for p in parts)
    t = re.sub(r"^#+\s*", "", t)  # a Markdown heading
    # scrapes break titles inside 《》 with stray spaces; outside them a space separates issuer and title
    return re.sub(r"《[^》]*》", lambda m: re.sub(r"\s+", "", m.group(0)), t)


def _title_lines(head: list[Line]) -> tuple[str, str]:
    """The document's own title, joined when split over up to three lines, and the issuer line
    printed above it (秦皇岛市抚宁区人民政府 / 2023年法治政府建设工作报告)."""
    texts = [ln.text.strip() for ln in head[:15]]
    for k, t in enumerate(texts):
        if not _title_piece(t):
            continue
        if k > 0 and texts[k - 1].endswith(("《", "“")) or k + 1 < len(texts) and texts[k + 1].startswith(("》", "”")):
            continue  # a document the text cites, broken out of its sentence (wikisource links)
        for span in (1, 2, 3):
            parts = texts[k:k + span]
            if len(parts) < span or not all(_title_piece(p) for p in parts):
                break
            cand = _join_title(parts)
            if len(cand) > 120:
                break
            if doc_type_of_title(cand) and not _is_sentence(cand):
                issuer = ""
                if span > 1 and _ISSUER_LINE.match(parts[0]) and not doc_type_of_title(parts[0]):
                    issuer = parts[0]
                elif k > 0 and _ISSUER_LINE.match(texts[k - 1]):
                    issuer = texts[k - 1]
                return cand, issuer
    return "", ""


def _is_sentence(t: str) -> bool:
    # a line of running text that happens to end in 报告/通知 (…向大会报告) is no title
    return bool(re.search(r"(我代表|请予审议|现将|如下|我们|听取|审议了|决定批准|所作的|[，,].{0,40}[，,])", t))


def _clean_title(t: str) -> str:
    return _join_title([t]) if t else ""


def _page_title(t: str) -> str:
    """An HTML <title> without the site's name: "某县人民政府门户网站 - 关于…的通知" → "关于…的通知"."""
    if not t:
        return ""
    parts = [p.strip() for p in re.split(r"\s*(?:[-_|—–]{1,2}|：|>>)\s*", t) if p.strip()]
    keep = [p for p in parts if not _SITE_WORDS.search(p)] or parts
    titled = [p for p in keep if doc_type_of_title(p)]
    return max(titled or keep, key=len)


def _issuer(html_meta: dict[str, str], title: str, issuer_line: str, speech, head: list[Line], tail: list[Line], text: str) -> str:
    if html_meta.get("issuer"):
        return html_meta["issuer"].strip()
    if speech:
        who = speech.group(1).strip()
        if who == "国务院" or not _GENERIC_GOV.match(who):
            return who
        kind = re.sub(r"^(本届|这届)", "", who)
        unit = "自治区" if kind.startswith("自治区") else kind[:1] if kind[:1] in "省市区县州盟旗" else ""
        place = _text_place(text, unit)
        if place:
            rest = kind[len(unit):]
            return f"{place}{'' if place.endswith(unit) else unit}{rest}"
        return who
    if title:
        m = _NPC_TITLE.match(title)
        if m:
            body = "全国人民代表大会" if m.group(2) == "全国" else f"{m.group(2)}人民代表大会"
            return body + (m.group(3) or "")
        m = _TITLE_PREFIX_ISSUER.match(title)
        if m:
            return m.group(1).strip()
    if issuer_line:
        return issuer_line
    header = _header_issuer(head)
    if header:
        return header
    for ln in reversed(tail):
        t = ln.text.strip()
        if 4 <= len(t) <= 30 and _ISSUER_LINE.match(t) and not parse_date(t):
            return t
    return ""


_GENERIC_AREA = ("高新", "合作", "集聚", "园", "城", "景", "社", "片", "辖", "示范", "先行", "试验", "开发", "保税", "功能", "核心", "老",
                 "新", "全", "本", "我", "各", "该", "地", "市", "山", "产业", "强", "街", "一", "两", "三", "中心", "商圈", "特",
                 "湾", "工业", "大", "校", "院", "厂", "矿", "营", "战")
_PROVINCES = ("北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
              "四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门").split()


def _header_issuer(head: list[Line]) -> str:
    """The issuing organ printed above the 文号 (版头: "XX市人民政府办公室文件" / 江依法行政办发〔2017〕3号)."""
    for prev, ln in zip(head, head[1:]):
        if parse_doc_number(ln.text):
            t = re.sub(r"文件$", "", prev.text.strip())
            if _ISSUER_LINE.match(t):
                return t
    return ""


def _text_place(text: str, unit: str) -> str:
    """The place a speech keeps naming (三亚 in a report to 三亚's congress): the most frequent
    place name jieba's dictionary knows, of the right kind: a province for 省, a city that is not
    a province for 市 (the four municipalities are both), for 区/县 a name the text writes with
    that unit (坪山区); generic words (城市, 全国) aside."""
    try:
        import jieba
        import jieba.posseg as pseg
    except ImportError:  # pragma: no cover - core dependency
        return ""
    import logging

    jieba.setLogLevel(logging.WARNING)
    if not pseg.dt.word_tag_tab:
        pseg.dt.initialize()
    tags = pseg.dt.word_tag_tab
    sample = text[:12000]
    counts = Counter(w for w in jieba.cut(sample) if len(w) >= 2 and tags.get(w) == "ns" and w not in _NOT_PLACE)
    if unit in ("区", "县", "旗"):
        # Speeches use district names bare (坪山 for 坪山区, 37 times in one report that never
        # writes 坪山区): the most frequent place name that is not the parent city. Districts
        # missing from jieba's dictionary stay unnamed (a bare 区人民政府).
        words = Counter(w for w in jieba.cut(sample) if 2 <= len(w) <= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", w)
                        and tags.get(w) == "ns")
        counts = Counter({w: n for w, n in words.items() if w not in _NOT_PLACE and not w.endswith(_GENERIC_AREA)
                          and w not in _PROVINCES and tags.get(w + "市") != "ns"  # the parent city (深圳) is no district
                          and not w.startswith(("全", "本", "我", "各", "该"))})
    elif unit in ("省", "自治区"):
        counts = Counter({w: n for w, n in counts.items() if w in _PROVINCES})
    elif unit:
        counts = Counter({w: n for w, n in counts.items() if (w not in _PROVINCES or w in _PROVINCES[:4]) and not w.endswith(("县", "区", "镇", "乡", "村"))})
        # a city the dictionary also knows with its unit (三亚 / 三亚市) beats a slogan or a
        # landmark, unless it is named far less often
        known = Counter({w: n for w, n in counts.items() if tags.get(w + unit) == "ns"})
        if known and counts:
            (k_best, k_n), = known.most_common(1)
            (_, top), = counts.most_common(1)
            if k_n >= max(3, top / 3):
                return k_best
    if not counts:
        return ""
    (best, n), = counts.most_common(1)
    return best if n >= 3 else ""


def _place(issuer: str) -> str:
    """The place of a government (秦皇岛市抚宁区人民政府 → 秦皇岛市抚宁区); "" for a bare 市人民政府."""
    if issuer == "国务院":
        return issuer
    place = re.sub(r"(人民政府|政府|管委会|管理委员会|行署|行政公署)$", "", issuer)
    return "" if re.fullmatch(r"(本届|这届)?(市|区|县|州|盟|旗|省|自治区|自治州|新区)?", place) else place


def _is_department(issuer: str) -> bool:
    return bool(re.search(r"(局|厅|委员会|委|办公室|办公厅|领导小组|小组|部|院)$", issuer)) and not issuer.endswith(("人民政府", "国务院"))


def _title_year(title: str, period: tuple[int, int] | None) -> int | None:
    if not title:
        return None
    t = _PERIOD.sub(" ", title) if period else title
    m = _TITLE_YEAR.search(t) or re.search(r"[（(]((?:19|20)\d{2})[）)]|_((?:19|20)\d{2})年?$", t)
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def _report_year(head_text: str, date: str, text: str = "") -> int | None:
    """The year a 政府工作报告 is delivered: its session date, else the year it reviews + 1."""
    m = _SESSION_DATE.search(head_text[:1500])
    if m:
        return int(m.group(1))
    m = _REVIEW.search(head_text)
    if m:
        return int(m.group(1)) + 1
    m = re.search(r"(?:过去的?一年|一年来)", head_text[:800])
    if m and date:
        return int(date[:4])
    # The opening reviews the past: the latest year it mentions more than once, plus one
    # (a goal "到2020年…" far ahead is mentioned once).
    counts = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", head_text[:4000]))
    repeated = [y for y, n in counts.items() if n >= 2]
    if repeated:
        return max(repeated) + 1
    m = re.search(r"((?:19|20)\d{2})\s*年(?:的)?(?:主要目标|工作安排|总体要求|主要预期目标|政府工作|经济社会发展的?(?:主要)?(?:预期)?目标)",
                  unicodedata.normalize("NFKC", text) if text else head_text)
    if m:
        return int(m.group(1))
    return int(date[:4]) if date else None
