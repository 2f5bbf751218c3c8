"""diff-plans quality against gold labels: status accuracy, the omitted class, evidence hits.

Evidence is checked against the *passage* each match shows (a few sentences), not the whole clause
it sits in: a 20,000-character clause would otherwise "contain" every gold phrase.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from ..analysis.results import STATUSES, DocAlignment
from ..errors import InputError
from ..reading.normalize import normalize

_VALUES = tuple(s.value for s in STATUSES)


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
    reference: str = "gangyao-2021-2025-outline"
    additions_gold: int = 0  # local additions the gold lists (not exhaustive: a recall, not a precision)
    additions_found: int = 0  # of those, how many the tool lists among its additions
    additions_tool: int = 0  # how many additions the tool lists
    evidence_hit3_matches: float = 0.0  # evidence@3 on the matches alone (an omitted item: its near misses), without "also near"


def load_gold(path: str | Path) -> dict:
    p = Path(path)
    if p.suffix.lower() in (".csv", ".xlsx"):
        raise InputError(f"{p}: eval-diff reads gold-label JSON ({{\"target\", \"items\": [{{\"ref\", \"status\"}}]}}); "
                         "a filled-in review form is applied with diff-plans --review")
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
        data["items"], data["target"]
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a gold-label JSON file") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text, expected a gold-label JSON file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except (KeyError, TypeError):
        raise InputError(f"{p}: not a diff-plans gold file (it needs 'target' and 'items')") from None
    if not data["items"]:
        raise InputError(f"{p}: gold file has no items")
    if not isinstance(data["items"], list):
        raise InputError(f"{p}: 'items' must be a list, got {type(data['items']).__name__}")
    for key in ("target", "reference"):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{p}: '{key}' must be a document id (a string), got {type(data[key]).__name__}")
    seen: dict[str, int] = {}
    for k, it in enumerate(data["items"], start=1):
        if not isinstance(it, dict) or not isinstance(it.get("ref"), str) or it.get("status") not in _VALUES:
            raise InputError(f"{p}: item #{k} needs 'ref' and a status of {', '.join(_VALUES)}")
        # the export's path form (二、/（一）) names the item by its marker, as diff-plans --review reads it
        # and half-width brackets as the outline's full-width ones, as --review folds them: (五) is （五）
        it["ref"] = "".join(it["ref"].split("/")[-1].split()).replace("(", "（").replace(")", "）")
        if it["ref"] in seen:
            raise InputError(f"{p}: item #{k} ({it['ref']}) is labelled twice (also item #{seen[it['ref']]})")
        seen[it["ref"]] = k
        ev = it.get("evidence", [])
        if not isinstance(ev, list) or not all(isinstance(e, dict) and isinstance(e.get("contains"), str) and e["contains"] for e in ev):
            raise InputError(f"{p}: item #{k} ({it['ref']}): 'evidence' must be a list of objects with a non-empty 'contains' string")
    adds = data.get("additions", [])
    if not isinstance(adds, list) or not all(isinstance(a, dict) and isinstance(a.get("contains"), str) and a["contains"] for a in adds):
        raise InputError(f"{p}: 'additions' must be a list of objects with a non-empty 'contains' string")
    data["_path"] = str(p)  # for messages about its items
    return data


def score_statuses(gold: dict, predicted: dict[str, str]) -> tuple[float, float, float, float, dict]:
    """Accuracy and omitted-class precision/recall/F1 of ``predicted`` (item marker → status)."""
    confusion = {g: {p: 0 for p in _VALUES} for g in _VALUES}
    correct = tp = fp = fn = 0
    for g in gold["items"]:
        if g["ref"] not in predicted:
            raise InputError(f"{gold.get('_path', 'gold')}: item {g['ref']} is not an item of the reference")
        pred, want = str(predicted[g["ref"]]), g["status"]
        confusion[want][pred] += 1
        correct += pred == want
        tp += pred == "omitted" and want == "omitted"
        fp += pred == "omitted" and want != "omitted"
        fn += pred != "omitted" and want == "omitted"
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return correct / len(gold["items"]), p, r, f1, confusion


def score_diff(gold: dict, alignment: DocAlignment) -> DiffEval:
    """Compare one DocAlignment with gold labels (status per item, evidence by substring of the passages shown)."""
    by_marker = {it.ref.path[-1]: it for it in alignment.items if it.ref.path}
    acc, p, r, f1, confusion = score_statuses(gold, {k: it.status.value for k, it in by_marker.items()})
    hits1 = hits3 = strict3 = ev_items = 0
    for g in gold["items"]:
        it = by_marker[g["ref"]]
        needles = [normalize(e["contains"]) for e in g.get("evidence", [])]
        if needles and g["status"] in ("implemented", "partial"):
            ev_items += 1
            # what the report shows for the item: its matches, then the near misses a reviewer checks
            ranked = [normalize(m.passage) for m in (*it.matches, *it.near_misses)]
            hits1 += any(n in t for t in ranked[:1] for n in needles)
            hits3 += any(n in t for t in ranked[:3] for n in needles)
            # as before matched items showed "also near" passages: the matches alone, or the near misses of an omission
            strict = [normalize(m.passage) for m in (it.matches or it.near_misses)]
            strict3 += any(n in t for t in strict[:3] for n in needles)
    n = len(gold["items"])
    # a gold addition is found when one of the tool's additions holds its phrase
    added = [normalize(a.text) for a in alignment.additions]
    wanted = [normalize(a["contains"]) for a in gold.get("additions", [])]
    found = sum(any(w in t for t in added) for w in wanted)
    return DiffEval(gold["target"], n, round(acc, 4), round(p, 4), round(r, 4), round(f1, 4),
                    round(hits1 / ev_items, 4) if ev_items else 0.0, round(hits3 / ev_items, 4) if ev_items else 0.0, ev_items, confusion,
                    gold.get("reference", "gangyao-2021-2025-outline"), len(wanted), found, len(added),
                    round(strict3 / ev_items, 4) if ev_items else 0.0)


@dataclass
class DiffEvaluation:
    rows: list[DiffEval]
    reference: dict | None = None  # encoder, config and data versions the figures were produced with

    COLUMNS = ["reference", "target", "items", "accuracy", "omitted_precision", "omitted_recall", "omitted_f1", "evidence_hit1", "evidence_hit3", "evidence_hit3_matches",
               "evidence_items", "additions_gold", "additions_found", "additions_tool"]

    def to_dict(self) -> dict:
        return {"rows": [asdict(r) for r in self.rows], "reference": self.reference}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        return self.COLUMNS, [{k: asdict(r)[k] for k in self.COLUMNS} for r in self.rows]


def find_target(doc_id: str, dirs: Sequence[str | Path], gold_path: Path) -> Path:
    """A gold file's document: in the ``dirs`` given, else beside the gold file (its directory, and any
    subdirectory of it that has a ``manifest.toml``, as ``tests/data/controls`` does)."""
    from ..reading.corpus import MANIFEST, find_document

    here = gold_path.parent
    candidates = [Path(d) for d in dirs] + [here] + sorted(m.parent for m in here.glob(f"*/{MANIFEST}"))
    for d in candidates:
        if d.is_dir():
            try:
                return find_document(d, doc_id)
            except InputError:
                continue
    raise InputError(f"document '{doc_id}' not found in {', '.join(map(str, candidates))} (give its directory with --corpus)")


def evaluate_diff(gold_paths: Sequence[str | Path], corpus_dirs: Sequence[str | Path] | str | Path = ("corpus",), cache=None,
                  encoder: str | None = None, config=None, via: str | Path | None = None) -> DiffEvaluation:
    """Align each gold file's target with its reference and score it; with ``via`` (the outline's
    id or file), a reference with body text is read through it (:mod:`lawgov_nlp.analysis.bridge`)."""
    from ..analysis.align import DEFAULT_DIFF_ENCODER, Aligner
    from ..reading.corpus import load_path

    dirs = [corpus_dirs] if isinstance(corpus_dirs, (str, Path)) else list(corpus_dirs)
    rows = []
    aligners: dict[str, Aligner] = {}
    for g in gold_paths:
        data = load_gold(g)
        ref_id = data.get("reference", "gangyao-2021-2025-outline")
        if ref_id not in aligners:
            ref = load_path(find_target(ref_id, dirs, Path(g)))
            outline = None
            if via is not None:
                vp = Path(via)
                if not vp.exists() and (vp.suffix or len(vp.parts) > 1):  # a path, not a document id
                    raise InputError(f"{via}: no such file")
                outline = load_path(vp) if vp.exists() else load_path(find_target(str(via), dirs, Path(g)))
                if outline.doc_id == ref.doc_id:
                    outline = None  # the outline's own gold files: nothing to read it through
            aligners[ref_id] = Aligner(ref, encoder or DEFAULT_DIFF_ENCODER, cache=cache, config=config, via=outline)
        alignment = aligners[ref_id].align(load_path(find_target(data["target"], dirs, Path(g))))
        rows.append(score_diff(data, alignment))
    first = next(iter(aligners.values())).reference_info() if aligners else None
    info = {k: first[k] for k in ("encoder", "config", "config_fingerprint", "data")} if first else None
    if info:
        info["references"] = list(aligners)
        vias = {ref_id: al.reference_info()["via"] for ref_id, al in aligners.items() if al.via is not None}
        if vias:  # which references were read through an outline, and how
            info["via"] = vias
    return DiffEvaluation(rows, info)
