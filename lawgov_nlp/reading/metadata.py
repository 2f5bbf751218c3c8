"""Metadata read from the text itself, for documents the manifest does not describe."""
from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, fields

from .clean import Line
from .numbering import match_marker

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
    year: int | None = None
    doc_type: str = ""  # 纲要 | 实施方案 | 工作要点 | 年度报告 | 通知 | 意见 | …
    implements: str = ""  # the national plan implemented: 2015-2020 | 2021-2025
    source: str = ""
    notes: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def merged(self, other: "DocMeta") -> "DocMeta":
        """``self`` with empty fields filled from ``other``."""
        out = DocMeta(**asdict(self))
        for f in fields(self):
            if getattr(out, f.name) in ("", None):
                setattr(out, f.name, getattr(other, f.name))
        return out


_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,16}[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*第?\s*(\d{1,4})\s*号$")
# Scrapes lose the closing bracket and 号: "江依法行政办发〔20173" is 〔2017〕3号 (the year is 4 digits).
_DOC_NUMBER_MANGLED = re.compile(r"^([\u4e00-\u9fff]{1,16})[〔\[［]\s*((?:19|20)\d{2})(\d{1,4})$")
_TITLE_WORDS = re.compile(r"(纲要|方案|要点|报告|意见|通知|决定|办法|规定|规划|条例|细则|计划|批复|函)")
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-./](\d{1,2})[-./](\d{1,2})")
_DATE_DIGITS = re.compile(r"^((?:19|20)\d{2})(\d{2,4})$")
_ISSUER_END = re.compile(r"(人民政府|政府办公室|办公室|委员会|领导小组|小组|厅|局|部|院|委|办|政府|党委|党组)$")


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


def infer_level(name: str) -> str:
    """Administrative level from an issuer or title (国务院 → national, …区 → county)."""
    if not name:
        return ""
    if re.search(r"(中共中央|国务院|全国人民代表大会|国家|部$)", name) and not re.search(r"(省|市|县|区|旗)", name):
        return "national"
    if re.search(r"(区|县|旗|县级市)(人民政府|政府|委员会|办公室)?", name) and re.search(r"市.{0,8}(区|县|旗)|[县旗]", name):
        return "county"
    if re.search(r"市.{0,12}(局|委|办|厅)$", name) and "人民政府" not in name:
        return "department"
    if "市" in name:
        return "city"
    if re.search(r"(省|自治区)", name):
        return "province"
    return ""


def infer_doc_type(title: str) -> str:
    for word, kind in (("纲要", "纲要"), ("实施方案", "实施方案"), ("工作要点", "工作要点"), ("报告", "年度报告"),
                       ("意见", "意见"), ("规划", "规划"), ("办法", "办法"), ("规定", "规定"), ("条例", "条例"), ("通知", "通知")):
        if word in title:
            return kind
    return ""


def extract_meta(lines: list[Line], chrome: dict[str, str], html_meta: dict[str, str]) -> DocMeta:
    """Best-effort metadata from the first and last lines of a document."""

    meta = DocMeta()
    plain = [ln for ln in lines if match_marker(ln.text) is None]
    head = plain[:25]
    tail = plain[-8:]
    meta.title = html_meta.get("title", "") or _title(head) or html_meta.get("page_title", "")
    meta.doc_number = html_meta.get("doc_number", "")
    if not meta.doc_number:
        for ln in head:
            meta.doc_number = parse_doc_number(ln.text)
            if meta.doc_number:
                break
    published = chrome.get("published", "") or html_meta.get("published", "")
    meta.published = parse_date(published) if published else ""
    not_after = meta.published or ""
    if html_meta.get("date"):
        meta.date = parse_date(html_meta["date"])
    if not meta.date:
        # The signature date: a short line that is only a date, last one wins (tail before head).
        for ln in list(reversed(tail)) + list(reversed(head)):
            if len(ln.text) <= 24 and not _TITLE_WORDS.search(ln.text):
                d = parse_date(re.sub(r"^[\s\u2002\xa0]+", "", ln.text), not_after)
                if d:
                    meta.date = d
                    break
    meta.issuer = html_meta.get("issuer", "") or _issuer(head, tail, meta.title)
    meta.year = int(meta.date[:4]) if meta.date else _year(meta.title)
    meta.doc_type = infer_doc_type(meta.title)
    meta.level = infer_level(meta.issuer or meta.title)
    if meta.level == "department":
        meta.level, meta.issuer_type = "city", "department"
    elif meta.issuer:
        meta.issuer_type = "government"
    if "2021" in meta.title and "2025" in meta.title:
        meta.implements = "2021-2025"
    return meta


def _title(head: list[Line]) -> str:
    for k, ln in enumerate(head):
        t = ln.text
        if len(t) > 80 or not _TITLE_WORDS.search(t) and not (("《" in t) and "》" not in t):
            continue
        if t.endswith(("。", "：", ":", "，", ",")):
            continue
        # Titles broken across lines: an unclosed 《 continues on the next line.
        if t.count("《") > t.count("》") and k + 1 < len(head):
            t = t + head[k + 1].text
        if _TITLE_WORDS.search(t):
            # Scrapes break titles inside 《》 with stray spaces; outside them a space separates issuer and title.
            return re.sub(r"《[^》]*》", lambda m: re.sub(r"\s+", "", m.group(0)), t)
    return ""


def _issuer(head: list[Line], tail: list[Line], title: str) -> str:
    m = re.match(r"^(.{2,30}?(人民政府办公室|人民政府|办公室|局|委员会|厅))(关于|\s)", title)
    if m:
        return m.group(1).strip()
    for ln in list(reversed(tail)) + head:
        t = ln.text.strip()
        if 4 <= len(t) <= 30 and _ISSUER_END.search(t) and "。" not in t and not parse_date(t):
            return t
    return ""


def _year(title: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", title)
    return int(m.group(1)) if m else None
