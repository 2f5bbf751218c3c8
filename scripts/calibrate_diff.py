"""Choose diff-plans thresholds by leave-one-document-out over every gold document.

    python scripts/calibrate_diff.py [--encoder e5] [GOLD…]

For each gold document in turn: pick the setting that does best on the *other* documents (mean
accuracy + ½ mean omitted-class F1), then score the left-out one with it. The left-out figures are
the ones to report; the setting fitted on all documents is printed last (it is what DiffConfig's
defaults should hold). The rule itself is ``lawgov_nlp.analysis.decide.decide``: this script only
calls it with other numbers. Grid: a handful of values for five knobs, nothing per document.
"""
from __future__ import annotations

import argparse
import glob
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = {
    "implemented_at": [2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0],
    "partial_at": [0.75, 1.0, 1.25, 1.5, 2.0],
    "shared_discount": [0.5, 0.75, 1.0],
    "dense_z": [2.0, 2.5, 3.0],
    "breadth_weight": [0.0, 0.25, 0.5],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold", nargs="*")
    ap.add_argument("--encoder", default="e5")
    args = ap.parse_args()
    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.analysis.signals import document_terms, signals, term_incidence
    from lawgov_nlp.analysis.target import normalized_pieces
    from lawgov_nlp.config import DiffConfig
    from lawgov_nlp.evaluation.diff import find_target, load_gold, score_diff, score_statuses
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.reading.corpus import load_path

    paths = args.gold or sorted(glob.glob(str(ROOT / "tests" / "data" / "diff_gold_*.json")))
    cache = EmbeddingCache()
    base = DiffConfig()
    golds = [load_gold(p) for p in paths]
    al = Aligner(load_path(find_target(golds[0].get("reference", "gangyao-2021-2025-outline"), [ROOT / "corpus"], Path(paths[0]))), args.encoder, cache)
    docs = []
    for p, g in zip(paths, golds):
        view = al.view(load_path(find_target(g["target"], [ROOT / "corpus"], Path(p))))
        pieces = term_incidence(normalized_pieces(view), al.model.vocab)
        docs.append((g, view, pieces, document_terms(al.model.anchor_w, al.model.context_w, pieces)))
    m = al.model
    keys = list(GRID)
    settings = [dict(zip(keys, v)) for v in itertools.product(*GRID.values()) if v[0] > v[1]]

    def run(k: int, cfg: DiffConfig):
        g, view, pieces, dt = docs[k]
        sig = signals(m.anchor_w, m.context_w, m.totals, m.has_body, m.item_vecs, pieces, view.piece_vecs, view.passages, cfg)
        return sig, al.decide(view, sig, dt, cfg)

    table = np.zeros((len(settings), len(docs), 2))
    for s, st in enumerate(settings):
        cfg = base.replace(**st)
        for k in range(len(docs)):
            _, dec = run(k, cfg)
            pred = {u.path[-1]: d.value for u, d in zip(m.items, dec.status)}
            acc, _, _, f1, _ = score_statuses(docs[k][0], pred)
            table[s, k] = acc, f1
    objective = lambda rows: rows[:, 0].mean() + 0.5 * rows[:, 1].mean()
    print(f"{len(settings)} settings × {len(docs)} documents, encoder {al.encoder.id}\n")
    print("| left-out document | accuracy | omitted F1 | evidence@3 | setting chosen on the others |")
    print("|---|---|---|---|---|")
    accs, f1s, evs = [], [], []
    for k, (g, view, _, _) in enumerate(docs):
        others = [j for j in range(len(docs)) if j != k]
        best = max(range(len(settings)), key=lambda s: objective(table[s, others]))
        cfg = base.replace(**settings[best])
        sig, dec = run(k, cfg)
        e = score_diff(g, al.explain(view, sig, dec))
        accs.append(e.accuracy), f1s.append(e.omitted_f1), evs.append(e.evidence_hit3)
        print(f"| {g['target']} | {e.accuracy:.3f} | {e.omitted_f1:.2f} | {e.evidence_hit3:.2f} | {settings[best]} |")
    print(f"| **mean** | **{np.mean(accs):.3f}** | **{np.mean(f1s):.2f}** | **{np.mean(evs):.2f}** | |")
    best = max(range(len(settings)), key=lambda s: objective(table[s]))
    print(f"\nfitted on all {len(docs)}: {settings[best]} -> accuracy " + ", ".join(f"{d[0]['target']} {table[best, k, 0]:.3f}" for k, d in enumerate(docs)))


if __name__ == "__main__":
    main()
