"""Commitments and wording of local documents side by side with the reference items they implement.

Through the diff-plans alignment (``aligned.align``), each reference item's commitments (from the
item's clause and its sub-points) are paired with those of the local clauses that carry it:
same subject key first, else the same kind and unit with subjects sharing enough bigrams
(``PolicyConfig.pair_subject_dice``), one to one. Each pair is labelled

- **kept**: same value (and schedule); **tightened**: a higher floor (at least), a lower ceiling
  (at most, e.g. fewer working days), an earlier date, a more frequent schedule;
  **loosened**: the opposite; **dropped**: a reference commitment the local document has no
  counterpart for (also when it omits the item); **added**: a local commitment the item lacks.

and each reference directive is paired with the local directive governing the most similar
action (``strength.compare_wording``): weakened / strengthened / same. A headings-only reference
(the outline) has no commitments of its own: every local commitment is then *added*, and the
table shows the documents side by side per item.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .. import display
from ..config import PolicyConfig
from ..reading.document import Document
from .aligned import Alignment, descendants
from .commitments import KIND_ZH, Commitment, extract_document
from .strength import WordingChange, _grams, compare_wording, directives
from .strength import _dice as bigram_dice

LABELS = ("kept", "tightened", "loosened", "dropped", "added")
LABEL_ZH = {"kept": "持平", "tightened": "加码", "loosened": "放宽", "dropped": "未提", "added": "新增"}
_FREQ = {"every:week": 52, "every:month": 12, "every:quarter": 4, "every:half-year": 2, "every:year": 1, "every:2-years": 0.5}


@dataclass
class CommitmentPair:
    ref: Commitment | None
    local: Commitment | None
    label: str
    note: str = ""

    @property
    def subject_key(self) -> str:
        return (self.ref or self.local).subject_key  # type: ignore[union-attr]

    def to_dict(self) -> dict:
        return {"label": self.label, "label_zh": LABEL_ZH[self.label], "subject_key": self.subject_key, "note": self.note,
                "ref": self.ref.to_dict() if self.ref else None, "local": self.local.to_dict() if self.local else None}


@dataclass
class ItemComparison:
    doc_id: str
    ref_clause_id: str
    ref_label: str
    status: str
    match_ids: list[str]
    pairs: list[CommitmentPair]
    wording: list[WordingChange]

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in LABELS}
        for p in self.pairs:
            out[p.label] += 1
        return out


@dataclass
class IndicatorComparison:
    """One canonical indicator across the documents, wherever in each document it is set."""

    key: str
    ref: list[Commitment]
    local: dict[str, list[Commitment]]  # doc_id → its commitments on the indicator
    labels: dict[str, str]  # doc_id → kept / tightened / loosened / dropped / added
    notes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"key": self.key, "ref": [c.to_dict() for c in self.ref], "labels": self.labels, "notes": self.notes,
                "local": {d: [c.to_dict() for c in cs] for d, cs in self.local.items()}}


@dataclass(repr=False)
class PolicyComparison:
    reference: dict  # doc_id, title, headings_only
    documents: list[dict]  # doc_id, title, meta
    items: list[ItemComparison]
    config: dict = field(default_factory=dict)
    indicators: list[IndicatorComparison] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"PolicyComparison(reference={self.reference['doc_id']!r}, {len(self.documents)} documents, {len(self.items)} item comparisons)"

    def counts(self, doc_id: str) -> dict[str, int]:
        out = {k: 0 for k in LABELS}
        for it in self.items:
            if it.doc_id == doc_id:
                for k, v in it.counts().items():
                    out[k] += v
        return out

    def wording_changes(self) -> list[tuple[ItemComparison, WordingChange]]:
        return [(it, w) for it in self.items for w in it.wording if w.change != "same"]

    def indicator_rows(self) -> tuple[list[str], list[dict]]:
        """Indicator × document for the canonical indicators, the reference first: value and label."""
        docs = [d["doc_id"] for d in self.documents]
        ref_id = self.reference["doc_id"]
        rows = []
        for ind in self.indicators:
            row = {"indicator": ind.key, ref_id: "; ".join(dict.fromkeys(c.display_value for c in ind.ref))}
            for d in docs:
                vals = "; ".join(dict.fromkeys(c.display_value + ("" if c.kind == "target" else f" {KIND_ZH[c.kind]}") for c in ind.local.get(d, [])))
                lab = ind.labels.get(d)
                row[d] = f"{vals or '—'} ({LABEL_ZH[lab]})" if lab else vals
            rows.append(row)
        return ["indicator", ref_id, *docs], rows

    def to_dict(self) -> dict:
        return {"reference": self.reference, "documents": [{**d, "counts": self.counts(d["doc_id"])} for d in self.documents],
                "config": self.config, "indicators": [i.to_dict() for i in self.indicators],
                "items": [{"doc_id": it.doc_id, "ref": it.ref_clause_id, "item": it.ref_label, "status": it.status, "matches": it.match_ids,
                           "pairs": [p.to_dict() for p in it.pairs], "wording": [w.to_dict() for w in it.wording]} for it in self.items]}

    COLUMNS = ["doc_id", "item", "status", "label", "subject_key", "ref_value", "local_value", "ref_text", "local_text", "local_clause", "note"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        rows = []
        for it in self.items:
            for p in it.pairs:
                rows.append({"doc_id": it.doc_id, "item": it.ref_label, "status": it.status, "label": p.label, "subject_key": p.subject_key,
                             "ref_value": p.ref.display_value if p.ref else "", "local_value": p.local.display_value if p.local else "",
                             "ref_text": p.ref.text if p.ref else "", "local_text": p.local.text if p.local else "",
                             "local_clause": p.local.clause_id if p.local else "", "note": p.note})
        return self.COLUMNS, rows

    def wording_rows(self) -> tuple[list[str], list[dict]]:
        cols = ["doc_id", "item", "change", "ref_word", "ref_level", "local_word", "local_level", "ref_scope", "local_scope", "local_clause"]
        rows = [{"doc_id": it.doc_id, "item": it.ref_label, "change": w.change, "ref_word": w.ref.word, "ref_level": w.ref.level,
                 "local_word": w.local.word if w.local else "", "local_level": w.local.level if w.local else None,
                 "ref_scope": w.ref.scope, "local_scope": w.local.scope if w.local else "", "local_clause": w.local.clause_id if w.local else ""}
                for it in self.items for w in it.wording]
        return cols, rows

    def matrix_rows(self) -> tuple[list[str], list[dict]]:
        """Indicator × document (the reference first): values with their labels."""
        docs = [d["doc_id"] for d in self.documents]
        ref_id = self.reference["doc_id"]
        table: dict[tuple[str, str], dict[str, list[str]]] = {}
        for it in self.items:
            for p in it.pairs:
                row = table.setdefault((it.ref_label, p.subject_key), {})
                if p.ref:
                    row.setdefault(ref_id, [])
                    if p.ref.display_value not in row[ref_id]:
                        row[ref_id].append(p.ref.display_value)
                if p.local:
                    row.setdefault(it.doc_id, []).append(f"{p.local.display_value} ({LABEL_ZH[p.label]})")
                elif p.label == "dropped":
                    row.setdefault(it.doc_id, []).append(f"— ({LABEL_ZH[p.label]})")
        cols = ["item", "indicator", ref_id, *docs]
        rows = [{"item": item, "indicator": key, **{d: "; ".join(dict.fromkeys(v)) for d, v in cells.items()}}
                for (item, key), cells in table.items()]
        return cols, rows

    def to_sheets(self) -> dict:
        return {"commitments": self.to_rows(), "indicators": self.indicator_rows(), "items": self.matrix_rows(), "wording": self.wording_rows()}

    def to_frame(self):
        import pandas as pd

        cols, rows = self.to_rows()
        return pd.DataFrame(rows, columns=cols)

    def matrix(self):
        import pandas as pd

        cols, rows = self.matrix_rows()
        return pd.DataFrame(rows, columns=cols).set_index(["item", "indicator"])

    def _repr_html_(self) -> str:
        return display.render_html(self)


def _dice(a: str, b: str) -> float:
    return bigram_dice(_grams(a), _grams(b))


def _compatible(a: Commitment, b: Commitment) -> bool:
    if a.unit in ("date", "recurring", "relative") or b.unit in ("date", "recurring", "relative"):
        return a.unit == b.unit
    return a.unit == b.unit


def label_pair(ref: Commitment, local: Commitment) -> tuple[str, str]:
    """kept / tightened / loosened for two commitments on one subject, and a note when kinds differ."""
    note = "" if ref.kind == local.kind else f"{KIND_ZH[ref.kind]} vs {KIND_ZH[local.kind]}"
    if isinstance(ref.value, str) or isinstance(local.value, str):
        a, b = str(ref.value), str(local.value)
        if a == b:
            return "kept", note
        if ref.unit == "date" and local.unit == "date":
            return ("tightened" if b < a else "loosened"), note
        if a in _FREQ and b in _FREQ:
            return ("tightened" if _FREQ[b] > _FREQ[a] else "loosened"), note
        return "kept" if a == b else "loosened", note or f"{a} vs {b}"
    rv, lv = float(ref.value), float(local.value)
    direction = ref.direction if ref.direction != "exactly" else local.direction
    if lv == rv:
        if ref.direction != local.direction and "exactly" not in (ref.direction, local.direction):
            return ("tightened" if local.direction == "at_least" else "loosened"), note
        return "kept", note
    if direction == "at_most" or ref.unit in ("个工作日", "工作日", "日", "天"):
        return ("tightened" if lv < rv else "loosened"), note
    return ("tightened" if lv > rv else "loosened"), note


def pair_commitments(ref_cs: Sequence[Commitment], local_cs: Sequence[Commitment], min_dice: float) -> list[CommitmentPair]:
    cands = []
    for i, r in enumerate(ref_cs):
        for j, l in enumerate(local_cs):
            if r.subject_key == l.subject_key and _compatible(r, l):
                cands.append((2.0, i, j))
            elif _compatible(r, l) and not (r.indicator and l.indicator):
                sim = _dice(r.subject, l.subject)
                if sim >= min_dice:
                    cands.append((sim, i, j))
    cands.sort(key=lambda x: -x[0])
    used_r: dict[int, int] = {}
    used_l: set[int] = set()
    for _, i, j in cands:
        if i in used_r or j in used_l:
            continue
        used_r[i] = j
        used_l.add(j)
    out = []
    for i, r in enumerate(ref_cs):
        if i in used_r:
            lab, note = label_pair(r, local_cs[used_r[i]])
            out.append(CommitmentPair(r, local_cs[used_r[i]], lab, note))
        else:
            out.append(CommitmentPair(r, None, "dropped"))
    for j, l in enumerate(local_cs):
        if j not in used_l:
            out.append(CommitmentPair(None, l, "added"))
    return out


def _dedupe(cs: Sequence[Commitment]) -> list[Commitment]:
    seen, out = set(), []
    for c in cs:
        k = (c.kind, str(c.value), c.unit, c.subject_key)
        if k not in seen and not c.restates:
            seen.add(k)
            out.append(c)
    return out


def compare(alignment: Alignment, config: PolicyConfig | None = None) -> PolicyComparison:
    """Per reference item and local document: commitments side by side, and wording changes."""
    cfg = config or PolicyConfig()
    ref = alignment.reference
    ref_cs = extract_document(ref).commitments
    ref_by_item: dict[str, list[Commitment]] = {}
    ref_dirs: dict[str, list] = {}
    ref_by_id = ref.by_id
    items_seen: dict[str, str] = {}
    for ad in alignment.documents:
        for it in ad.items:
            if it.ref_clause_id in items_seen:
                continue
            items_seen[it.ref_clause_id] = it.label
            ids = descendants(ref, it.ref_clause_id)
            ref_by_item[it.ref_clause_id] = _dedupe([c for c in ref_cs if c.clause_id in ids])
            ref_dirs[it.ref_clause_id] = [s for cid in sorted(ids) if cid in ref_by_id for s in directives(cid, ref_by_id[cid].text)]
    items: list[ItemComparison] = []
    headings_only = bool(alignment.info.get("headings_only"))
    all_local: dict[str, list[Commitment]] = {}
    for ad in alignment.documents:
        local_cs = extract_document(ad.doc).commitments
        all_local[ad.doc.doc_id] = local_cs
        by_clause: dict[str, list[Commitment]] = {}
        for c in local_cs:
            by_clause.setdefault(c.clause_id, []).append(c)
        doc_by_id = ad.doc.by_id
        # a clause that carries several items shows its own (added) commitments once: under the
        # item it is the best match of, else the first it serves
        home: dict[str, str] = {}
        for it in ad.items:
            if it.match_ids and it.status in ("implemented", "partial"):
                home.setdefault(it.match_ids[0], it.ref_clause_id)
        for it in ad.items:
            for cid in it.match_ids:
                home.setdefault(cid, it.ref_clause_id)
        for it in ad.items:
            carried = it.status in ("implemented", "partial")
            mine = _dedupe([c for cid in it.match_ids for c in by_clause.get(cid, [])]) if carried else []
            pairs = [p for p in pair_commitments(ref_by_item[it.ref_clause_id], mine, cfg.pair_subject_dice)
                     if p.label != "added" or home.get(p.local.clause_id) == it.ref_clause_id]  # type: ignore[union-attr]
            if not carried:
                for p in pairs:
                    p.note = "item " + it.status
            local_dirs = [s for cid in it.match_ids if cid in doc_by_id for s in directives(cid, doc_by_id[cid].text)] if carried else []
            wording = compare_wording(ref_dirs[it.ref_clause_id], local_dirs, cfg.scope_dice)
            items.append(ItemComparison(ad.doc.doc_id, it.ref_clause_id, it.label, it.status, it.match_ids, pairs, wording))
    indicators = compare_indicators(_dedupe(ref_cs), {d: _dedupe(cs) for d, cs in all_local.items()})
    return PolicyComparison(
        {"doc_id": ref.doc_id, "title": ref.title, "headings_only": headings_only, "items": len(items_seen)},
        [{"doc_id": ad.doc.doc_id, "title": ad.doc.title, "meta": ad.doc.meta.to_dict()} for ad in alignment.documents],
        items, {**cfg.to_dict(), "alignment": alignment.info}, indicators)


def _strictest(cs: Sequence[Commitment]) -> Commitment:
    targets = [c for c in cs if c.kind == "target"] or list(cs)
    return targets[0]


def compare_indicators(ref_cs: Sequence[Commitment], local: dict[str, list[Commitment]]) -> list[IndicatorComparison]:
    """Canonical indicators (``data/indicators.toml``) compared across whole documents: the item
    alignment may place the same indicator under different items (a plan's training hours under
    能力建设, a report's under 执法), and a researcher compares the numbers all the same."""
    keys = list(dict.fromkeys(c.subject_key for c in ref_cs if c.indicator and c.unit not in ("recurring",)))
    keys += [k for k in dict.fromkeys(c.subject_key for cs in local.values() for c in cs if c.indicator and c.unit != "recurring") if k not in keys]
    out = []
    for key in keys:
        r = [c for c in ref_cs if c.subject_key == key]
        ind = IndicatorComparison(key, r, {}, {})
        for d, cs in local.items():
            mine = [c for c in cs if c.subject_key == key]
            if mine:
                ind.local[d] = mine
            if r and mine:
                lab, note = label_pair(_strictest(r), _strictest(mine))
                ind.labels[d] = lab
                if note:
                    ind.notes[d] = note
            elif r:
                ind.labels[d] = "dropped"
            elif mine:
                ind.labels[d] = "added"
        out.append(ind)
    return out


def compare_plans(reference: Document, targets: Sequence[Document], encoder: str = "use", cache=None, index=None,
                  config: PolicyConfig | None = None) -> PolicyComparison:
    """Align ``targets`` with ``reference`` (diff-plans) and compare their commitments and wording."""
    from ..errors import InputError
    from .aligned import align

    if not targets:
        raise InputError("no target documents to compare")
    return compare(align(reference, list(targets), encoder=encoder, cache=cache, index=index), config)
