"""diff-plans quality against gold labels: status accuracy, the omitted class, evidence hits."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from ..errors import InputError
from ..reading.normalize import normalize

# -- scoring ------------------------------------------------------------------------------

@dataclass
class DiffEval:
    target: str
    items: int
    accuracy: float
    omitted_precision: float
    omitted_recall: float
    omitted_f1: float
    evidence_hit1: float
    evidence_hit3: float
    evidence_items: int
    confusion: dict[str, dict[str, int]]


def load_gold(path: str | Path) -> dict:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        data["items"], data["target"]
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a diff-plans gold file ({exc})") from exc
    if not data["items"]:
        raise InputError(f"{p}: gold file has no items")
    if not isinstance(data["items"], list):
        raise InputError(f"{p}: 'items' must be a list, got {type(data['items']).__name__}")
    for key in ("target", "reference"):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{p}: '{key}' must be a document id (a string), got {type(data[key]).__name__}")
    for k, it in enumerate(data["items"], start=1):
        if not isinstance(it, dict) or not isinstance(it.get("ref"), str) or it.get("status") not in ("implemented", "partial", "omitted", "not_applicable"):
            raise InputError(f"{p}: item #{k} needs 'ref' and a status of implemented, partial, omitted or not_applicable")
        ev = it.get("evidence", [])
        if not isinstance(ev, list) or not all(isinstance(e, dict) and isinstance(e.get("contains"), str) and e["contains"] for e in ev):
            raise InputError(f"{p}: item #{k} ({it['ref']}): 'evidence' must be a list of objects with a non-empty 'contains' string")
    return data


def score_diff(gold: dict, alignment) -> DiffEval:
    """Compare one DocAlignment with gold labels (status per item, evidence by substring)."""
    by_marker = {it.ref.path[-1]: it for it in alignment.items if it.ref.path}
    statuses = ("implemented", "partial", "omitted", "not_applicable")
    confusion = {g: {p: 0 for p in statuses} for g in statuses}
    correct = 0
    tp = fp = fn = 0
    hits1 = hits3 = ev_items = 0
    for g in gold["items"]:
        it = by_marker.get(g["ref"])
        if it is None:
            raise InputError(f"gold item {g['ref']} is not an item of the reference")
        pred, want = it.status, g["status"]
        confusion[want][pred] += 1
        correct += pred == want
        tp += pred == "omitted" and want == "omitted"
        fp += pred == "omitted" and want != "omitted"
        fn += pred != "omitted" and want == "omitted"
        needles = [normalize(e["contains"]) for e in g.get("evidence", [])]
        if needles and want in ("implemented", "partial"):
            ev_items += 1
            ranked = [normalize(m.text) for m in (it.matches or ([it.nearest] if it.nearest else []))]
            hits1 += any(n in t for t in ranked[:1] for n in needles)
            hits3 += any(n in t for t in ranked[:3] for n in needles)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    n = len(gold["items"])
    return DiffEval(gold["target"], n, round(correct / n, 4), round(p, 4), round(r, 4), round(f1, 4),
                    round(hits1 / ev_items, 4) if ev_items else 0.0, round(hits3 / ev_items, 4) if ev_items else 0.0, ev_items, confusion)


@dataclass
class DiffEvaluation:
    rows: list[DiffEval]

    COLUMNS = ["target", "items", "accuracy", "omitted_precision", "omitted_recall", "omitted_f1", "evidence_hit1", "evidence_hit3", "evidence_items"]

    def to_dict(self) -> dict:
        return {"rows": [asdict(r) for r in self.rows]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        return self.COLUMNS, [asdict(r) for r in self.rows]


def evaluate_diff(gold_paths: Sequence[str | Path], corpus_dir: str | Path = "corpus", cache=None) -> DiffEvaluation:
    """Align each gold file's target with its reference (read from ``corpus_dir``) and score it."""
    from ..analysis.align import Aligner
    from ..reading.corpus import find_document, load_path

    rows = []
    aligners: dict[str, Aligner] = {}
    for g in gold_paths:
        data = load_gold(g)
        ref_id = data.get("reference", "gangyao-2021-2025-outline")
        if ref_id not in aligners:
            aligners[ref_id] = Aligner(load_path(find_document(corpus_dir, ref_id)), cache=cache)
        alignment = aligners[ref_id].align(load_path(find_document(corpus_dir, data["target"])))
        rows.append(score_diff(data, alignment))
    return DiffEvaluation(rows)
