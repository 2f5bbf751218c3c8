"""Citations: every work a document cites, how it cites it, and the citation graph of a collection.

A cited work is a title in 《…》 (nested <…>/〈…〉 titles stay inside the title of the notice that
wraps them; the misprint 《关于印发<X》的通知> is repaired), with the 文号 printed after it
(``reading.metadata.parse_doc_number`` reads the mangled 〔20171 as 〔2017〕1号). Short titles
(《纲要》, 《方案》), ``以下简称`` definitions and variant titles are folded into the work they name.
Not cited works: the document's own title (a wrapping 通知 names it), newspapers (《河北法制报》).

Relation (strongest over a work's mentions): **implements** — the document's own basis statement,
a sentence of its preamble that starts 为/按照/根据/依据/围绕 and ends by making or reporting
(制定/印发/部署/报告如下); **basis** — 根据/按照/依据/依照/对照/遵照 governing the title (an issuer
may stand between: 按照国务院办公厅《…》), and the titles coordinated with it (《A》和《B》精神);
**mentions** — anything else (严格执行《…》, 出台《…》).

Kind, by these rules in order: the catalogue ``data/cited_works.toml`` for national instruments;
``…法``/``法典``/``宪法`` → law; ``条例`` → regulation; a 政府令 number → rule; central 文号
(中发, 国发, 国办发, 厅字, 中办发) or an issuer such as 中共中央/国务院/中办/国办/中央依法治国办 before
the title → central; ``办法/规定/细则`` of a province or autonomous region (省, 自治区) → rule;
otherwise local (a city's, county's or department's document) — or central when a national document
cites it without a place name.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

from .. import display
from ..config import PolicyConfig
from ..reading.document import Document
from ..reading.metadata import parse_doc_number
from ..reading.normalize import strip_punct
from .commitments import clause_offsets

RELATIONS = ("implements", "basis", "mentions")
RELATION_RANK = {r: k for k, r in enumerate(RELATIONS)}
RELATION_ZH = {"implements": "贯彻落实", "basis": "依据", "mentions": "提及"}
CITED_KINDS = ("law", "regulation", "rule", "central", "local", "other")
KIND_ZH = {"law": "法律", "regulation": "法规", "rule": "规章", "central": "中央文件", "local": "地方文件", "other": "其他"}

_BASIS = re.compile(r"(?:根据|按照|依据|依照|对照|遵照)(?:[\u4e00-\u9fff、]{0,16}?(?:中共中央|国务院|中办|国办|办公厅|依法治国办|委员会|人民政府|党委|政府))?[“\"]?$")
_IMPLEMENT_OPEN = re.compile(r"^(?:\s|[0-9]{4}年)*(?:为[^。]{0,12}?(?:贯彻|落实|做好|推进)|按照|根据|依据|围绕|依照)")
_IMPLEMENT_CLOSE = re.compile(r"制定|印发|部署|报告如下|现将|特制定|结合.{0,8}实际")
_CENTRAL_ISSUER = re.compile(r"(中共中央|国务院|中办|国办|中央依法治国办|中央全面依法治国委员会|中共中央办公厅)[、\s]*(?:国务院)?(?:办公厅)?(?:印发的)?$")
_CENTRAL_NUMBER = re.compile(r"^(中发|中办发|国发|国办发|厅字|国函|国办函)")
_ORDER_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,10}令\s*(?:[〔\[［]\d{4}[〕\]］])?\s*第\s*\d{1,4}\s*号")
_PROVINCE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,8}?自治区|北京市|天津市|上海市|重庆市)")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|州|盟|县|区|旗)")
_NEWSPAPER = re.compile(r"(?:日报|晚报|法制报|报|杂志|期刊)$")
_ALIAS = re.compile(r"^\s*[(（]\s*以下简称\s*《([^》]{1,20})》\s*[)）]")


@dataclass
class Mention:
    clause_id: str
    text: str  # as printed, with its 《》
    span: tuple[int, int]  # in the clause text
    doc_span: tuple[int, int] | None
    relation: str
    doc_number: str  # 文号 printed with this mention, normalised

    def to_dict(self) -> dict:
        d = asdict(self)
        d["span"] = list(self.span)
        d["doc_span"] = list(self.doc_span) if self.doc_span else None
        return d


@dataclass
class CitedWork:
    doc_id: str  # the citing document
    title: str  # inside the outer 《》 (repaired where misprinted)
    text: str  # first mention as printed
    doc_number: str
    relation: str
    kind: str
    occurrences: int
    context: str  # the sentence of the first mention
    mentions: list[Mention]
    resolved: str | None = None  # doc_id of the cited document in the corpus / index
    resolved_by: str = ""  # doc_number | title
    catalog: str = ""  # title of the data/cited_works.toml entry it matched
    date: str = ""  # the cited work's date, from the resolved document or the catalogue
    level: str = ""  # the cited work's administrative level

    @property
    def key(self) -> str:
        return self.resolved or f"work:{title_key(self.catalog or self.title)}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["mentions"] = [m.to_dict() for m in self.mentions]
        d["key"] = self.key
        return d


@dataclass
class DocCitations:
    doc_id: str
    title: str
    meta: dict
    works: list[CitedWork]


@dataclass
class CitationEdge:
    source: str
    source_title: str
    source_level: str
    source_date: str
    target: str
    target_title: str
    target_level: str
    target_date: str
    relation: str
    kind: str
    doc_number: str
    occurrences: int
    resolved: bool
    lag_days: int | None
    lag_years: int | None


@dataclass(repr=False)
class CitationSet:
    """Citations of several documents: edges (citing → cited), the graph, diffusion lags."""

    documents: list[DocCitations]
    config: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"CitationSet({len(self.documents)} documents, {len(self.works)} cited works)"

    @property
    def works(self) -> list[CitedWork]:
        return [w for d in self.documents for w in d.works]

    def edges(self) -> list[CitationEdge]:
        out = []
        for d in self.documents:
            src_date = d.meta.get("date") or ""
            for w in d.works:
                lag_days = lag_years = None
                if src_date and w.date:
                    lag_days = (date.fromisoformat(src_date) - date.fromisoformat(w.date)).days
                year = d.meta.get("year") or (int(src_date[:4]) if src_date else None)
                if year and w.date:
                    lag_years = int(year) - int(w.date[:4])
                out.append(CitationEdge(d.doc_id, d.title, d.meta.get("level") or "", src_date, w.key, w.title, w.level, w.date,
                                        w.relation, w.kind, w.doc_number, w.occurrences, w.resolved is not None, lag_days, lag_years))
        return out

    def graph(self):
        """A networkx DiGraph: documents and cited works as nodes, one edge per (citing, cited)."""
        import networkx as nx

        g = nx.DiGraph()
        for d in self.documents:
            g.add_node(d.doc_id, title=d.title, level=d.meta.get("level") or "", date=d.meta.get("date") or "", in_corpus=True)
        for e in self.edges():
            if e.target not in g:
                g.add_node(e.target, title=e.target_title, level=e.target_level, date=e.target_date, in_corpus=e.resolved)
            g.add_edge(e.source, e.target, relation=e.relation, kind=e.kind, occurrences=e.occurrences, lag_days=e.lag_days)
        return g

    def lags(self) -> list[dict]:
        """Diffusion lag (citing date − cited date) by the citing document's administrative level,
        over edges whose cited work is dated: count, median and range in days (and in years)."""
        import statistics

        groups: dict[tuple[str, str], list[CitationEdge]] = {}
        for e in self.edges():
            if e.lag_years is None:
                continue
            groups.setdefault((e.source_level or "unknown", e.target_level or "unknown"), []).append(e)
        rows = []
        for (lvl, tl), es in sorted(groups.items()):
            days = [e.lag_days for e in es if e.lag_days is not None]
            years = [e.lag_years for e in es]
            rows.append({"citing_level": lvl, "cited_level": tl, "edges": len(es), "median_lag_days": statistics.median(days) if days else None,
                         "min_lag_days": min(days) if days else None, "max_lag_days": max(days) if days else None,
                         "median_lag_years": statistics.median(years), "documents": len({e.source for e in es})})
        return rows

    def to_dict(self) -> dict:
        return {"config": self.config,
                "documents": [{"doc_id": d.doc_id, "title": d.title, "meta": d.meta, "works": [w.to_dict() for w in d.works]}
                              for d in self.documents],
                "edges": [asdict(e) for e in self.edges()], "lags": self.lags()}

    COLUMNS = ["source", "source_title", "source_level", "source_date", "target", "target_title", "relation", "kind", "doc_number",
               "occurrences", "resolved", "target_level", "target_date", "lag_days", "lag_years"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        return self.COLUMNS, [asdict(e) for e in self.edges()]

    def to_sheets(self) -> dict:
        lags = self.lags()
        return {"edges": self.to_rows(), "lags": (list(lags[0]) if lags else ["citing_level"], lags)}

    def to_frame(self):
        import pandas as pd

        cols, rows = self.to_rows()
        return pd.DataFrame(rows, columns=cols)

    def _repr_html_(self) -> str:
        return display.render_html(self)


def title_key(title: str) -> str:
    return strip_punct(title.replace("〈", "<").replace("〉", ">"))


def _loose_key(title: str) -> str:
    """Variant titles of one work fold here: parentheticals, digits and spaces dropped."""
    t = re.sub(r"[(（][^()（）]*[)）]", "", title)
    return re.sub(r"[0-9年]", "", strip_punct(t))


# -- the catalogue --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def catalogue() -> list[dict]:
    p = Path(str(resources.files("lawgov_nlp") / "data" / "cited_works.toml"))
    return tomllib.loads(p.read_text(encoding="utf-8")).get("work", [])


def _catalogue_entry(title: str, doc_number: str) -> dict | None:
    k = title_key(title)
    for w in catalogue():
        keys = {title_key(w["title"]), *map(title_key, w.get("aliases", []))}
        numbers = {w.get("doc_number", ""), *w.get("aliases_numbers", [])} - {""}
        if k in keys or (doc_number and doc_number in numbers):
            return w
    return None


# -- finding titles -------------------------------------------------------------------------------

def _titles(text: str) -> list[tuple[int, int, str]]:
    """(start, end, title) of every outermost 《…》 in ``text``; end is past the closing 》."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        a = text.find("《", i)
        if a < 0:
            break
        depth, j = 0, a
        while j < n:
            ch = text[j]
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    break
            elif ch == "\n":
                break
            j += 1
        if j >= n or text[j] != "》":
            i = a + 1
            continue
        title = text[a + 1:j]
        end = j + 1
        # misprint 《关于印发<X》的通知>: an inner < left open, closed by > after the 》
        if title.count("<") > title.count(">"):
            m = re.match(r"[^《》<>，,。；;]{0,8}>", text[end:])
            if m:
                title = title + ">" + m.group(0)[:-1]
                end += m.end()
        out.append((a, end, title))
        i = end
    return out


def _doc_number_after(text: str, end: int) -> tuple[str, int]:
    """The 文号 in the parenthesis right after a title, normalised, and where it ends."""
    m = re.match(r"\s*[(（]([^()（）]{2,60})[)）]", text[end:])
    if not m:
        return "", end
    for part in re.split(r"[,，、;；]", m.group(1)):
        p = re.sub(r"(?:公布|发布|印发|修正|修订|施行)$", "", part.strip())
        if _ORDER_NUMBER.match(p):
            return re.sub(r"\s", "", p), end + m.end()
        n = parse_doc_number(p) or (parse_doc_number(p[:-1]) if p.endswith("号") else "")
        if n:
            return n, end + m.end()
    return "", end


def _sentence(text: str, a: int, b: int) -> tuple[int, int]:
    s = max(text.rfind(ch, 0, a) for ch in "。！？\n") + 1
    ends = [k for k in (text.find(ch, b) for ch in "。！？\n") if k >= 0]
    return s, (min(ends) if ends else len(text))


def classify(title: str, doc_number: str = "", before: str = "", citing_level: str = "") -> str:
    """The kind of a cited work (law, regulation, rule, central, local, other): see the module docstring."""
    entry = _catalogue_entry(title, doc_number)
    if entry:
        return entry["kind"]
    t = re.sub(r"[(（][^()（）]*[)）]$", "", title.strip())
    if re.search(r"(?<!办)法$|法典$|宪法", t):
        return "law"
    if re.search(r"条例$", t):
        return "regulation"
    if doc_number and _ORDER_NUMBER.match(doc_number):
        return "rule"
    if (doc_number and _CENTRAL_NUMBER.match(doc_number)) or _CENTRAL_ISSUER.search(before):
        return "central"
    if re.search(r"(办法|规定|细则)$", t) and _PROVINCE.match(t):
        return "rule"
    # an unattributed document without a place name is of the citing document's own level
    return "central" if citing_level == "national" and not _PLACE.match(t) else "local"


def extract_citations(doc: Document | Sequence[Document], candidates: Sequence[Document] = ()) -> DocCitations | CitationSet:
    """Every work ``doc`` cites, with its mentions, relation, kind, 文号, and — among
    ``candidates`` (e.g. the rest of a corpus or index) — the document it resolves to.
    Given several documents, their :class:`CitationSet` (resolved among one another)."""
    if not isinstance(doc, Document):
        return extract_all(list(doc), list(candidates) or None)
    own = {title_key(doc.title), title_key(doc.meta.title or "")} - {""}
    works: list[CitedWork] = []
    by_key: dict[str, CitedWork] = {}
    aliases: dict[str, CitedWork] = {}
    for clause in sorted(doc.clauses, key=lambda c: c.span[0]):
        text = clause.text
        offsets = None
        coordinated = ""  # relation a run of coordinated titles inherits (《A》和《B》精神)
        prev_end = -10
        for a, end, title in _titles(text):
            if not title.strip():
                continue
            # a 以下简称《X》 definition belongs to the title before it
            if re.search(r"以下简称\s*$", text[max(0, a - 6):a]):
                continue
            k = title_key(title)
            if not k or k in own or _NEWSPAPER.search(k) and not k.endswith("报告"):
                continue
            number, after = _doc_number_after(text, end)
            s, e = _sentence(text, a, end)
            before = text[s:a]
            relation = "mentions"
            if _BASIS.search(before[-24:]):
                relation = "basis"
            elif a - prev_end <= 2 and re.fullmatch(r"\s*[和、及与]\s*|\s*以及\s*", text[prev_end:a] or "x") and coordinated:
                relation = coordinated
            # the preamble paragraph states what the document carries out: its close (制定本方案,
            # 现将…报告如下) may come a sentence later
            if clause.kind in ("preamble", "paragraph") and _IMPLEMENT_OPEN.search(text[s:a]) and _IMPLEMENT_CLOSE.search(text[end:]):
                relation = "implements"
            coordinated = relation if relation != "mentions" else ""
            prev_end = after
            if offsets is None:
                offsets = clause_offsets(doc, clause) or []
            doc_span = (offsets[a], offsets[end - 1] + 1) if offsets else None
            mention = Mention(clause.id, text[a:end], (a, end), doc_span, relation, number)
            work = by_key.get(k) or aliases.get(k) or _variant_of(k, title, works)
            if work is None:
                work = CitedWork(doc.doc_id, title, text[a:end], number, relation, classify(title, number, before, doc.meta.level), 0,
                                 text[s:e], [])
                works.append(work)
                by_key[k] = work
            work.mentions.append(mention)
            work.occurrences += 1
            if RELATION_RANK[relation] < RELATION_RANK[work.relation]:
                work.relation = relation
            if number and not work.doc_number:
                work.doc_number = number
            alias = _ALIAS.match(text[after:])
            if alias:
                aliases[title_key(alias.group(1))] = work
    for w in works:
        _resolve(w, candidates)
    return DocCitations(doc.doc_id, doc.title, doc.meta.to_dict(), works)


def _variant_of(k: str, title: str, works: list[CitedWork]) -> CitedWork | None:
    """An earlier work this title names differently: 《纲要》 for …实施纲要, 《任务清单》 for
    …工作任务清单, a title printed with its 文号 inside the brackets."""
    loose = _loose_key(title)
    for w in works:
        wk, wl = title_key(w.title), _loose_key(w.title)
        if loose == wl or (len(loose) >= 2 and wl.endswith(loose) and len(loose) <= 6):
            return w
        if loose.startswith(wl) and loose[len(wl):] in ("", wl[-2:]):
            return w
        if len(k) >= 6 and _subsequence(k, wk) and len(k) >= 0.7 * len(wk) and k[:2] == wk[:2] and k[-2:] == wk[-2:]:
            return w
    return None


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _inner_title(title: str) -> str:
    m = re.search(r"关于印发[《<〈](.+)[》>〉]的通知", title)
    return m.group(1) if m else title


def _resolve(w: CitedWork, candidates: Sequence[Document]) -> None:
    """Resolve by 文号, then by normalised title (or the inner title of a 关于印发《X》的通知)."""
    entry = _catalogue_entry(w.title, w.doc_number)
    if entry:
        w.catalog = entry["title"]
        w.date = entry.get("date", "")
        w.level = entry.get("level", "")
    keys = {title_key(w.title), title_key(_inner_title(w.title))}
    if entry:
        keys |= {title_key(entry["title"]), *map(title_key, entry.get("aliases", []))}
    numbers = {w.doc_number} | ({entry.get("doc_number", ""), *entry.get("aliases_numbers", [])} if entry else set())
    numbers -= {""}
    for d in candidates:
        if d.doc_id == w.doc_id:
            continue
        m = d.meta
        by = ""
        if m.doc_number and m.doc_number in numbers:
            by = "doc_number"
        elif m.title and (title_key(m.title) in keys or title_key(_inner_title(m.title)) in keys):
            by = "title"
        if by:
            w.resolved, w.resolved_by = d.doc_id, by
            w.date = m.date or w.date
            w.level = m.level or w.level
            return
    if not w.level:
        w.level = {"law": "national", "regulation": "national" if not _PLACE.match(w.title) else "province"}.get(w.kind, "")
        if w.kind == "central":
            w.level = "national"


def extract_all(docs: Sequence[Document] | Document, candidates: Sequence[Document] | None = None, config: PolicyConfig | None = None) -> CitationSet:
    """Citations of every document, resolved among ``candidates`` (default: the documents themselves)."""
    if isinstance(docs, Document):
        docs = [docs]
    cands = list(candidates) if candidates is not None else list(docs)
    return CitationSet([extract_citations(d, cands) for d in docs], (config or PolicyConfig()).to_dict())
