"""How well metadata read from the text matches a manifest: per field, per source, per half.

The comparison rules (what counts as right, and what is left out because the manifest cannot
be compared with the text) are part of the measurement and printed with it:

- title: equal after NFKC and removing spaces, punctuation and 中华人民共和国. A manifest title
  that names a 印发 notice also matches the document it carries (we title a notice by it).
  Where the manifest's titles are file names, not title lines (``digigov``: "三亚 政府工作报告";
  ``zizheng``: "龙岗区2017年政府工作报告", "福田区政府工作报告（2014）"), a title matches when it
  says 工作报告 and names the manifest's year and the issuer's place.
- issuer: equal after the same normalisation, or one ends with the other (深圳市福田区人民政府 /
  福田区人民政府), 政府 and 人民政府 counted alike.
- year: the manifest date's year equals ours, or lies inside the period we read (2021-2025).
  Rows without a manifest date are left out, and so is ``govcn2019``: its manifest date is the
  page's 发布日期, and documents signed from 1981 on were put online in 2018-2019, so its year is
  not the documents' year. There the date field compares the 发布日期 we read with it instead.
- date: ours (for govcn2019 the page's 发布日期) equals the manifest's full date; rows whose
  manifest date is only a year are left out.
- type: ours mapped to the manifest's coarser words (年度报告, 政府工作报告 → 报告; 实施方案 → 方案;
  工作要点 → 要点); a 印发 notice may be typed by what it carries. Seeds compare exactly.
- ``aipolicy``: titles and issuers are English translations and dates unreliable (collection
  README), so only the type is compared there.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..reading.doctype import announced_title, doc_type_of_title

FIELDS = ("title", "issuer", "year", "type", "date")
_PUNCT = re.compile(r"[\s\u3000。，、；：？！“”‘’\"'《》〈〉（）()\[\]【】—\-－–_·・,.:;!?<>]+")
_COARSE = {"年度报告": "报告", "政府工作报告": "报告", "实施方案": "方案", "工作要点": "要点"}
_EXCLUDED = {"aipolicy": {"title", "issuer", "year", "date"}, "govcn2019": {"year"}}
_FILE_NAME_TITLES = {"digigov", "zizheng"}


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return _PUNCT.sub("", s).replace("中华人民共和国", "")


def _place_of(issuer: str) -> str:
    p = norm(issuer)
    p = re.sub(r"(人民政府|政府|管委会|管理委员会|行署|行政公署)$", "", p)
    # the last unit names the place: 深圳市福田区 → 福田区; a city's 市 is optional (三亚 / 三亚市)
    m = re.search(r"([\u4e00-\u9fff]{1,6}?(区|县|旗|新区))$", p)
    return m.group(1) if m else p.rstrip("市")


def title_ok(pred: str, gold: str, source: str = "", gold_issuer: str = "", gold_year: str = "") -> bool:
    if not gold:
        return False
    p, g = norm(pred), norm(gold)
    if p and p == g:
        return True
    carried = announced_title(gold)
    if carried and p == norm(carried):
        return True
    if source in _FILE_NAME_TITLES and "工作报告" in g:
        if "工作报告" not in p:
            return False
        years = re.findall(r"(?:19|20)\d{2}", gold) or ([gold_year[:4]] if gold_year else [])
        place = _place_of(gold_issuer) if gold_issuer else ""
        return all(y in p for y in years) and bool(place) and place in p
    return False


_ORG = re.compile(r"(人民政府|政府|管委会|管理委员会|行署|行政公署)$")


def issuer_ok(pred: str, gold: str) -> bool:
    if not gold or not pred:
        return False
    p, g = (norm(x).replace("人民政府", "政府") for x in (pred, gold))
    if p == g:
        return True
    # one names the place more fully (深圳市福田区 / 福田区); a bare 市政府 names none
    if _ORG.search(p) and _ORG.search(g) and _ORG.search(p).group(1) == _ORG.search(g).group(1):
        pp, gp = _ORG.sub("", p), _ORG.sub("", g)
        short = min(pp, gp, key=len)
        return len(short) >= 2 and (pp.endswith(gp) or gp.endswith(pp)) and short not in ("市", "区", "县", "省")
    return False


def year_ok(meta, gold_date: str) -> bool:
    m = re.match(r"((?:19|20)\d{2})", gold_date or "")
    if not m:
        return False
    y = int(m.group(1))
    if meta.year == y:
        return True
    return meta.year_from is not None and meta.year_to is not None and meta.year_from < meta.year_to and meta.year_from <= y <= meta.year_to


def type_ok(pred: str, gold: str, gold_title: str = "", exact: bool = False) -> bool:
    if not gold:
        return False
    if exact:
        return pred == gold
    if _COARSE.get(pred, pred) == gold:
        return True
    carried = announced_title(gold_title) if gold_title else ""
    return bool(carried) and gold == "通知" and _COARSE.get(pred, pred) == _COARSE.get(doc_type_of_title(carried), doc_type_of_title(carried))


@dataclass
class Row:
    doc_id: str
    source: str
    half: str  # dev | held-out | seeds
    results: dict[str, bool | None] = field(default_factory=dict)  # None: not compared
    shown: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (ours, manifest)


def score_collection(collection: Path, limit: int | None = None) -> list[Row]:
    """Every collection document read without its manifest and compared with ``manifest.csv``.
    Even data rows (0, 2, …) are the development half the rules were written on; odd rows are held out."""
    from ..reading.document import load_document

    rows = list(csv.DictReader((collection / "manifest.csv").open(encoding="utf-8")))
    out = []
    for k, r in enumerate(rows[:limit] if limit else rows):
        source = r["id"].split("-")[0]
        meta = load_document(collection / r["file"], doc_id=r["id"]).meta
        row = Row(r["id"], source, "dev" if k % 2 == 0 else "held-out")
        excluded = _EXCLUDED.get(source, set())
        # each check runs in this iteration (below), so the lambdas see this row's meta and r
        checks = {
            "title": lambda: title_ok(meta.title, r["title"], source, r["issuer"], r["date"]),  # noqa: B023
            "issuer": lambda: issuer_ok(meta.issuer, r["issuer"]),  # noqa: B023
            "year": lambda: year_ok(meta, r["date"]) if r["date"] else None,  # noqa: B023
            "type": lambda: type_ok(meta.doc_type, r["doc_type"], r["title"]) if r["doc_type"] else None,  # noqa: B023
            "date": lambda: ((meta.published if source == "govcn2019" else meta.date) == r["date"]) if re.match(r"^\d{4}-\d{2}-\d{2}$", r["date"]) else None,  # noqa: B023
        }
        for f, check in checks.items():
            row.results[f] = None if f in excluded else check()
        row.shown = {"title": (meta.title, r["title"]), "issuer": (meta.issuer, r["issuer"]),
                     "year": (f"{meta.year} ({meta.year_from}-{meta.year_to})", r["date"]), "type": (meta.doc_type, r["doc_type"]),
                     "date": (meta.published if source == "govcn2019" else meta.date, r["date"])}
        out.append(row)
    return out


def score_seeds(corpus: Path) -> list[Row]:
    """The bundled seeds read from a copy of their folder without ``manifest.toml``."""
    import shutil
    import tempfile
    import tomllib

    from ..reading.corpus import load_documents

    manifest = tomllib.loads((corpus / "manifest.toml").read_text(encoding="utf-8"))["documents"]
    with tempfile.TemporaryDirectory(prefix="lawgov-seeds-") as tmp:
        for entry in manifest:
            shutil.copyfile(corpus / entry["file"], Path(tmp) / entry["file"])
        docs = {d.path.name: d for d in load_documents([tmp])}
    out = []
    for entry in manifest:
        meta = docs[entry["file"]].meta
        row = Row(entry["id"], "seeds", "seeds")
        row.results = {
            "title": title_ok(meta.title, entry["title"]), "issuer": issuer_ok(meta.issuer, entry["issuer"]),
            "year": year_ok(meta, str(entry.get("year", ""))), "type": type_ok(meta.doc_type, entry["doc_type"], exact=True),
            "date": meta.date == entry["date"] if entry.get("date") else None, "level": meta.level == entry["level"],
        }
        row.shown = {"title": (meta.title, entry["title"]), "issuer": (meta.issuer, entry["issuer"]),
                     "year": (f"{meta.year} ({meta.year_from}-{meta.year_to})", str(entry["year"])),
                     "type": (meta.doc_type, entry["doc_type"]), "level": (meta.level, entry["level"]), "date": (meta.date, entry.get("date", ""))}
        out.append(row)
    return out


def accuracy_table(rows: list[Row], fields=FIELDS) -> list[dict]:
    """One row per (source, half): correct/compared per field."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        groups.setdefault((r.source, r.half), []).append(r)
        groups.setdefault(("all", r.half), []).append(r)
    table = []
    for (source, half), rs in sorted(groups.items(), key=lambda kv: (kv[0][0] == "all", kv[0][0], kv[0][1])):
        line = {"source": source, "half": half, "documents": len(rs)}
        for f in fields:
            compared = [r.results[f] for r in rs if r.results.get(f) is not None]
            line[f] = (sum(compared), len(compared))
        table.append(line)
    return table
