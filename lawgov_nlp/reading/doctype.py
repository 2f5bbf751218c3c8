"""What kind of document a title names, and what level of government an issuer is: the rule set.

A Chinese official title ends with its genre (the head noun comes last): 《关于政府工作报告的决议》
is a 决议, not a report; 《关于印发〈…实施方案〉的通知》 is a notice that carries a 实施方案, and
is typed by what it carries. The rules, in order (README "Document types"):

1. Trailing brackets are ignored: （2021—2025年）, （试行）, （草案）, （摘要）.
2. A notice that 印发/转发 a document takes that document's type (and title).
3. The title's last genre word decides, longest first: 实施纲要/纲要, 实施方案/工作方案 → 实施方案,
   方案, 工作要点, 要点, 决议, 决定, 意见, 通知, 通报, 批复, 复函/函, 答复, 规划, 计划, 办法, 规定,
   条例, 细则, 指南, 清单, 倡议, 公告, 报告 (and 工作汇报, …的汇报), 工作总结.
4. Reports are split three ways: 政府工作报告 (also 管委会工作报告, 行署工作报告: reports of a
   government to its people's congress), 年度报告 (a 法治政府建设 annual report: 法治政府建设 + 报告,
   汇报 or 工作总结),
   报告 (any other report).
5. Without a title the text names itself: "我代表…向大会报告工作" is a 政府工作报告, "制定本方案",
   "现提出如下意见", "特制定本办法" … name their genre.
"""
from __future__ import annotations

import re

# genre word at the end of a title → type; longest first so 实施方案 wins over 方案
_GENRES: list[tuple[str, str]] = [
    ("实施纲要", "纲要"), ("纲要", "纲要"),
    ("实施方案", "实施方案"), ("工作方案", "实施方案"), ("方案", "方案"),
    ("工作要点", "工作要点"), ("要点", "要点"),
    ("决议", "决议"), ("决定", "决定"), ("指导意见", "意见"), ("实施意见", "意见"), ("意见", "意见"),
    ("通知", "通知"), ("通报", "通报"), ("批复", "批复"), ("复函", "函"), ("函", "函"), ("答复", "答复"),
    ("规划", "规划"), ("计划", "计划"), ("实施办法", "办法"), ("办法", "办法"), ("规定", "规定"),
    ("条例", "条例"), ("实施细则", "细则"), ("细则", "细则"), ("指南", "指南"), ("指引", "指南"), ("清单", "清单"),
    ("倡议", "倡议"), ("公告", "公告"), ("报告", "报告"),
    # a bare 总结/汇报 ends section headings too (过去五年国内工作的基本总结, 向大会汇报): only as a genre phrase
    ("工作总结", "总结"), ("工作汇报", "报告"), ("情况汇报", "报告"), ("的汇报", "报告"),
]
GENRE_WORDS = tuple(w for w, _ in _GENRES)
_TRAILING_BRACKETS = re.compile(r"([（(][^（()）]{1,30}[）)]|\s)+$")
_ANNOUNCED = re.compile(r"(?:印发|转发|颁布|发布)(?:《([^》]{4,120})》|([^《》]{4,80}?))的(?:通知|函)$")
_WORK_REPORT = re.compile(r"(政府|管委会|管理委员会|行署|行政公署)工作(的)?报告$|^政府工作报告$|^工作报告$")
_FZZF = re.compile(r"法治政府|依法行政")

# A document without a title line names its genre in its own sentences.
_SELF_REFERENCE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"我代表.{1,30}?(向大会|向本次大会|向全会|向第.{1,12}?人民代表大会).{0,10}?报告"), "政府工作报告"),
    (re.compile(r"人民代表大会.{0,20}?会议.{0,4}听取(和|并)?审议了.{0,40}?报告"), "决议"),
    (re.compile(r"(制定|形成|特制定|研究制定)(本|如下)?实施方案"), "实施方案"),
    (re.compile(r"(制定|形成|特制定|研究制定)本(工作)?方案|制定如下方案"), "方案"),
    (re.compile(r"(制定|特制定)本?实施细则"), "细则"),
    (re.compile(r"(制定|特制定)本办法"), "办法"),
    (re.compile(r"(制定|特制定)本规定"), "规定"),
    (re.compile(r"(制定|特制定|编制)本(指南|指引)"), "指南"),
    (re.compile(r"(编制|制定)本规划"), "规划"),
    (re.compile(r"(制定|特制定)本(行动)?计划"), "计划"),
    (re.compile(r"(提出|现提出|特提出)(如下|以下)(指导|实施)?意见|现就.{2,40}提出(如下|以下)意见"), "意见"),
    (re.compile(r"(现将|现就).{0,60}(通知如下|印发给你们)"), "通知"),
]


def strip_brackets(title: str) -> str:
    return _TRAILING_BRACKETS.sub("", title.strip())


def announced_title(title: str) -> str:
    """The document a 印发/转发 notice carries (关于印发《X》的通知 → X), or ""."""
    m = _ANNOUNCED.search(strip_brackets(title))
    if not m:
        return ""
    inner = (m.group(1) or m.group(2) or "").strip()
    # "国务院办公厅关于印发X的通知": X ends in a genre word; else it is not a carried document
    return inner if doc_type_of_title(inner, follow=False) else ""


def doc_type_of_title(title: str, follow: bool = True) -> str:
    """The type a title names (rules 1-4), or "" when its last word is no genre."""
    t = strip_brackets(title)
    if not t:
        return ""
    if follow:
        inner = announced_title(t)
        if inner:
            return doc_type_of_title(inner, follow=False)
    for word, kind in _GENRES:
        if t.endswith(word):
            if kind in ("报告", "总结"):
                if kind == "报告" and _WORK_REPORT.search(t):
                    return "政府工作报告"
                # a year's 法治政府建设 work reported (情况报告, 工作汇报, 工作总结) is read as an annual report
                if _FZZF.search(t):
                    return "年度报告"
            return kind
    return ""


_GLUED_TITLE = re.compile(r"^\W*((?:关于)?[\u4e00-\u9fff（）()“”《》、]{4,50}?(?:" + "|".join(w for w, _ in _GENRES if w != "报告") + r"))\s*(?:[（(][^）)]{1,20}[）)])?\s*(?=为|根据|按照|近年来|当前|各)")
_SALUTATION = re.compile(r"^\W*[\u4e00-\u9fff、，,（）()]{2,120}?[：:]\s*\n?")
_LETTER_CLOSING = re.compile(r"(专此函复|特此函复|特此函告|此复|专此函告)")


def doc_type_of_text(text: str) -> str:
    """Rule 5: the genre a document names in its first sentences, or "". A title run into the
    first sentence ("智能航运发展指导意见为认真贯彻…") names it too; a text that opens with its
    addressees ("各省、自治区…：") is a 函 when it closes as one (专此函复), else a 通知."""
    head = text[:3000]
    glued = _GLUED_TITLE.match(head)
    if glued:
        kind = doc_type_of_title(glued.group(1))
        if kind:
            return kind
    best: tuple[int, str] | None = None
    for rx, kind in _SELF_REFERENCE:
        m = rx.search(head)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    if best:
        return best[1]
    if _SALUTATION.match(head) and not head.lstrip().startswith(("各位代表", "各位委员")):
        return "函" if _LETTER_CLOSING.search(text[-600:]) else "通知"
    return ""


_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def infer_level(name: str) -> str:
    """Administrative level of an issuer (or, lacking one, of a title's place).

    national: 中共中央, 国务院, 全国人大, ministries (…部, 国家…局); province: 省/自治区 and the four
    municipalities; city: 市, 州, 盟 and their departments; county: 区, 县, 旗, 县级市 (a 市 under a
    city), 新区管委会. A department (…局, …委) has the level of the government it belongs to.
    """
    if not name:
        return ""
    n = re.sub(r"[\s（(].*$", "", name)
    if re.search(r"(中共中央|国务院|全国人民代表大会|全国人大|最高人民)", n) or re.match(r"^(国家|中华人民共和国|中国)", n) \
            or re.search(r"部$", n) and not re.search(r"(省|市|县|区|旗|州|盟)", n):
        return "national"
    if n.startswith(_MUNICIPALITIES):
        rest = n[3:]
        return "county" if re.match(r"^.{1,6}?(区|县)", rest) else "province"
    if re.search(r"(省|自治区)", n) and not re.search(r"(省|自治区).{1,8}(市|州|盟|地区)", n):
        return "province"
    if re.search(r"(市|州|盟|地区)[\u4e00-\u9fff]{1,4}?(区|县|旗)", n) and not re.search(r"(市|州)(区域|县域|区县)", n) \
            or re.search(r"^.{1,8}(县|旗)", n) or re.search(r"新区(管委会|管理委员会)", n) \
            or re.search(r"^[\u4e00-\u9fff]{1,4}区(人民政府|政府|委员会|办公室|管委会|$)", n):
        return "county"
    if re.search(r"(市|州|盟|地区|行署)", n):
        return "city"
    if re.search(r"^[\u4e00-\u9fff]{1,4}区", n):
        return "county"
    return ""
