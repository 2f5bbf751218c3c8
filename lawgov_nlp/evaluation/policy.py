"""Extraction quality of commitments and citations against gold written by reading the documents.

Match rules (written down, as the README says):
- a **commitment** is found when the extractor has one of the same kind, the same value (numbers
  equal to 1e-6; dates and schedules as strings) and a span that overlaps the gold span in the
  original text; matching is one to one, gold in document order.
- a **citation** is found when the extractor names the same work in the same document: the
  titles are equal after normalisation (width, punctuation, 〈〉/<> and dashes folded).
  Relation, kind and 文号 are scored on the matched pairs as accuracies.

Patterns were developed on :data:`DEV_DOCS`; the other seeds are held out (README reports both).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import InputError
from ..reading.normalize import strip_punct

# the seeds the extraction patterns were developed on; the rest of a gold file is held out
DEV_DOCS = ("hebei-handan-district-plan-2021-2025", "hunan-changde-approval-bureau-report-2021", "neimenggu-tongliao-plan-2020")


@dataclass
class PRRow:
    split: str  # a doc_id, or dev / held-out / all
    gold: int
    predicted: int
    tp: int
    precision: float
    recall: float
    f1: float
    extra: dict = field(default_factory=dict)


@dataclass
class ExtractionEvaluation:
    what: str  # commitments | citations
    gold_file: str
    rule: str
    rows: list[PRRow]
    errors: list[dict]  # missed (fn) and spurious (fp) items, for reading

    def to_dict(self) -> dict:
        return {"what": self.what, "gold": self.gold_file, "rule": self.rule, "rows": [asdict(r) for r in self.rows], "errors": self.errors}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        extra = sorted({k for r in self.rows for k in r.extra})
        cols = ["split", "gold", "predicted", "tp", "precision", "recall", "f1", *extra]
        return cols, [{**{k: v for k, v in asdict(r).items() if k != "extra"}, **r.extra} for r in self.rows]

    def row(self, split: str) -> PRRow:
        return next(r for r in self.rows if r.split == split)


def _pr(split: str, gold: int, pred: int, tp: int, extra: dict | None = None) -> PRRow:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return PRRow(split, gold, pred, tp, round(p, 4), round(r, 4), round(f, 4), extra or {})


def _load(path: Path, key: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        docs = data["documents"]
        for d in docs:
            d["doc_id"], d[key]
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a {key} gold file ({exc})") from exc
    return data


def _load_selected(path: Path, key: str, docs: Sequence[str] | None) -> tuple[dict, list[dict]]:
    """The gold file and its documents, only ``docs`` if given (an error if none of them is there)."""
    data = _load(path, key)
    gold_docs = [d for d in data["documents"] if not docs or d["doc_id"] in docs]
    if not gold_docs:
        raise InputError(f"{path}: none of the documents {', '.join(docs or [])} is in the gold file")
    return data, gold_docs


def _documents(corpus_dir: Path, doc_ids: Sequence[str]):
    from ..reading.corpus import find_document, load_path

    return {d: load_path(find_document(corpus_dir, d)) for d in doc_ids}


def _splits(per_doc: dict[str, tuple[int, int, int, dict]], dev: Sequence[str]) -> list[PRRow]:
    rows = [_pr(d, *v) for d, v in per_doc.items()]
    for name, members in (("dev", [d for d in per_doc if d in dev]), ("held-out", [d for d in per_doc if d not in dev]),
                          ("all", list(per_doc))):
        if not members:
            continue
        g, p, t = (sum(per_doc[d][i] for d in members) for i in range(3))
        extra: dict = {}
        for d in members:
            for k, v in per_doc[d][3].items():
                a, b = extra.get(k, (0, 0))
                extra[k] = (a + v[0], b + v[1])
        rows.append(_pr(name, g, p, t, extra))
    for r in rows:
        r.extra = {k: (round(a / b, 4) if b else None) for k, (a, b) in r.extra.items()}
    return rows


# -- commitments ------------------------------------------------------------------------------

COMMITMENT_RULE = "same document, same kind, same value (numbers to 1e-6, dates/schedules as strings), overlapping span; one to one"


def _same_value(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def evaluate_commitments(gold_path: str | Path, corpus_dir: str | Path = "corpus", docs: Sequence[str] | None = None,
                         dev: Sequence[str] = DEV_DOCS) -> ExtractionEvaluation:
    from ..analysis.commitments import extract_document

    data, gold_docs = _load_selected(Path(gold_path), "commitments", docs)
    shared = _shared_subjects(data)
    loaded = _documents(Path(corpus_dir), [d["doc_id"] for d in gold_docs])
    per_doc: dict = {}
    errors: list[dict] = []
    for gd in gold_docs:
        doc = loaded[gd["doc_id"]]
        preds = [c for c in extract_document(doc).commitments if c.doc_span]
        used: set[int] = set()
        tp = 0
        subj_ok = subj_n = 0
        for g in gd["commitments"]:
            at = doc.text.find(g["context"])
            if at < 0 or g["text"] not in g["context"]:
                raise InputError(f"{gold_path}: {gd['doc_id']}: context not found in the document: {g['context'][:40]}")
            gs = at + g["context"].find(g["text"])
            ge = gs + len(g["text"])
            best = None
            for k, c in enumerate(preds):
                if k in used or c.kind != g["kind"] or not _same_value(c.value, g["value"]):
                    continue
                a, b = c.doc_span
                if a < ge and gs < b:
                    best = k
                    break
            if best is None:
                errors.append({"doc_id": gd["doc_id"], "error": "missed", "kind": g["kind"], "text": g["text"], "value": g["value"],
                               "context": g["context"]})
                continue
            used.add(best)
            tp += 1
            if g["subject"] in shared:
                subj_n += 1
                subj_ok += preds[best].subject_key == g["subject"]
                if preds[best].subject_key != g["subject"]:
                    errors.append({"doc_id": gd["doc_id"], "error": "subject", "text": g["text"], "gold_subject": g["subject"],
                                   "subject_key": preds[best].subject_key})
        for k, c in enumerate(preds):
            if k not in used:
                errors.append({"doc_id": gd["doc_id"], "error": "spurious", "kind": c.kind, "text": c.text, "value": c.value,
                               "clause_id": c.clause_id})
        per_doc[gd["doc_id"]] = (len(gd["commitments"]), len(preds), tp, {"shared_subject_accuracy": (subj_ok, subj_n)})
    return ExtractionEvaluation("commitments", str(gold_path), COMMITMENT_RULE, _splits(per_doc, dev), errors)


def _shared_subjects(data: dict) -> set[str]:
    """Gold subjects used in two documents or more: the indicators a comparison needs to key alike."""
    docs_of: dict[str, set[str]] = {}
    for d in data["documents"]:
        for c in d["commitments"]:
            docs_of.setdefault(c["subject"], set()).add(d["doc_id"])
    return {s for s, ds in docs_of.items() if len(ds) >= 2}


# -- citations --------------------------------------------------------------------------------

CITATION_RULE = "same document, same work: titles equal after folding width, punctuation, nested brackets and dashes; one to one"


def title_key(title: str) -> str:
    return strip_punct(title.replace("〈", "<").replace("〉", ">"))


def evaluate_citations(gold_path: str | Path, corpus_dir: str | Path = "corpus", docs: Sequence[str] | None = None,
                       dev: Sequence[str] = DEV_DOCS) -> ExtractionEvaluation:
    from ..analysis.citations import extract_citations

    _, gold_docs = _load_selected(Path(gold_path), "citations", docs)
    loaded = _documents(Path(corpus_dir), [d["doc_id"] for d in gold_docs])
    per_doc: dict = {}
    errors: list[dict] = []
    for gd in gold_docs:
        works = extract_citations(loaded[gd["doc_id"]]).works
        by_key = {}
        for w in works:
            by_key.setdefault(title_key(w.title), w)
        matched: set[str] = set()
        tp = rel = kind = num = occ = 0
        for g in gd["citations"]:
            k = title_key(g["title"])
            w = by_key.get(k)
            if w is None or k in matched:
                errors.append({"doc_id": gd["doc_id"], "error": "missed", "title": g["title"]})
                continue
            matched.add(k)
            tp += 1
            rel += w.relation == g["relation"]
            kind += w.kind == g["kind"]
            num += w.doc_number == g["doc_number"]
            occ += w.occurrences == g["occurrences"]
            for field_, got, want in (("relation", w.relation, g["relation"]), ("kind", w.kind, g["kind"]),
                                      ("doc_number", w.doc_number, g["doc_number"]), ("occurrences", w.occurrences, g["occurrences"])):
                if got != want:
                    errors.append({"doc_id": gd["doc_id"], "error": field_, "title": g["title"], "got": got, "gold": want})
        for k, w in by_key.items():
            if k not in matched:
                errors.append({"doc_id": gd["doc_id"], "error": "spurious", "title": w.title})
        n = tp
        per_doc[gd["doc_id"]] = (len(gd["citations"]), len(by_key), tp, {
            "relation_accuracy": (rel, n), "kind_accuracy": (kind, n), "doc_number_accuracy": (num, n), "occurrences_accuracy": (occ, n)})
    return ExtractionEvaluation("citations", str(gold_path), CITATION_RULE, _splits(per_doc, dev), errors)
