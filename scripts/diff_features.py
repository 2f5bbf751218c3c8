"""Study of diff-plans decisions (issue 12): per (gold document, item) the features the rule sees, the
gold label and note, and whether richer features or a small model beat the rule under leave-one-
document-out.

    python scripts/diff_features.py                 # LODO table of the rule and of ordinal logistic models
    python scripts/diff_features.py --dump out.csv  # one row per (document, item): features, rule status, gold status, gold note
    python scripts/diff_features.py --errors        # also: the rule's errors by cause, per document

Nothing here changes the rule (``lawgov_nlp.analysis.decide``); it uses the default DiffConfig and the
e5 encoder, as ``scripts/calibrate_diff.py`` does. Models are fitted on six documents and scored on the
seventh; nothing is per document. An item the rules say does not apply stays not applicable, and in a
document mostly about other things (focus below ``related_focus``) a model's 'partial' becomes
'omitted' exactly as in the rule, so the negative controls keep the same meaning. Needs scikit-learn.
"""
from __future__ import annotations

import argparse
import csv
import glob
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ["omitted", "partial", "implemented", "not_applicable"]
FEATURES = ["log_score", "log_done", "log_support", "log_passages_ge1", "log_units_ge1", "anchors_in_doc", "anchor_share",
            "dense_z_max", "dense_z_top3", "dense_mutual_best", "lexical_mutual_best", "outlook_only", "focus",
            "log_own_passages", "log_own_mass", "best_share", "log_heading_anchors", "listness", "mass_per_100_chars"]
MODELS = {  # name → features (a few sets; the table reports every one, so the choice among them is visible)
    "score+done": ["log_score", "log_done"],
    "+own passages": ["log_score", "log_done", "log_own_passages", "log_own_mass"],
    "+own+share": ["log_score", "log_done", "log_own_passages", "log_own_mass", "best_share"],
    "+breadth": ["log_score", "log_done", "log_support", "log_passages_ge1", "log_units_ge1", "anchors_in_doc", "anchor_share"],
    "+dense": ["log_score", "log_done", "dense_z_max", "dense_z_top3", "dense_mutual_best"],
    "all": FEATURES,
}


def features(sig, outlook, dt, na, passage_unit, unit_headings, passage_texts, anchor_w, vocab, present, config):
    """items × FEATURES for one target (``present``: per vocabulary term, found in the document); also
    the rule's score, done score and focus."""
    from lawgov_nlp.analysis.decide import document_focus, item_scores

    n = anchor_w.shape[0]
    hb, tot = np.zeros(n, dtype=bool), np.ones(n)
    ev = sig["evidence"]
    if ev.shape[1] == 0:
        return np.zeros((n, len(FEATURES))), np.zeros(n), np.zeros(n), 0.0
    sc, done, eff, best = item_scores(sig, outlook, dt, hb, tot, config, na)
    foc = document_focus(sig["mass"], hb, tot, config)
    dz, dn = sig["dense_z"], sig["dense"]
    rows = np.arange(n)
    bi = ev.argmax(axis=0)
    own = (bi[None, :] == rows[:, None]) & (ev >= 1.0)
    units = np.array([len(set(passage_unit[eff[i] >= 1.0].tolist())) for i in rows])
    htxt = "\x00".join(h or "" for h in unit_headings)
    in_head = np.array([t in htxt for t in vocab])
    dbest = dn.argmax(axis=0)
    lengths = np.array([len(t) for t in passage_texts])
    n_anchor = ((anchor_w > 0) & present[None, :]).sum(axis=1)  # distinct anchor terms found anywhere in the document
    X = np.stack([
        np.log1p(sc), np.log1p(done), np.log1p(dt[1]), np.log1p((eff >= 1.0).sum(axis=1)), np.log1p(units),
        n_anchor, n_anchor / np.maximum((anchor_w > 0).sum(axis=1), 1), dz.max(axis=1), np.sort(dz, axis=1)[:, -3:].mean(axis=1),
        np.array([float(dbest[dn[i].argmax()] == i) for i in rows]), (bi[best] == rows).astype(float),
        ((sc > 0) & (done < sc * 0.999)).astype(float), np.full(n, foc),
        np.log1p(own.sum(axis=1)), np.log1p(np.where(own, ev, 0.0).sum(axis=1)),
        ev[rows, best] / np.maximum(ev[:, best].sum(axis=0), 1e-9), np.log1p(((anchor_w > 0) & in_head[None, :]).sum(axis=1)),
        (ev[:, best] >= 1.0).sum(axis=0) - 1.0, ev[rows, best] / np.maximum(lengths[best], 20) * 100,
    ], axis=1)
    return X, sc, done, foc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", help="write per (document, item) features and labels to this CSV")
    ap.add_argument("--errors", action="store_true", help="list the rule's errors (DiffConfig defaults) by cause")
    ap.add_argument("-C", type=float, default=0.1, help="inverse L2 strength of the logistic models")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.analysis.decide import document_topic, item_statuses, thresholds
    from lawgov_nlp.analysis.signals import term_incidence
    from lawgov_nlp.analysis.target import normalized_pieces
    from lawgov_nlp.analysis.terms import not_applicable_reason
    from lawgov_nlp.config import DiffConfig
    from lawgov_nlp.evaluation.diff import find_target, load_gold
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.reading.corpus import load_path

    cfg = DiffConfig()
    paths = [p for p in sorted(glob.glob(str(ROOT / "tests" / "data" / "diff_gold_*.json"))) if "_local_" not in p]
    golds = [load_gold(p) for p in paths]
    al = Aligner(load_path(find_target(golds[0]["reference"], [ROOT / "corpus"], Path(paths[0]))), "e5", EmbeddingCache())
    m = al.model
    markers = [u.path[-1] for u in m.items]
    hb = np.zeros(len(m.items), dtype=bool)
    docs = []
    for p, g in zip(paths, golds):
        view = al.view(load_path(find_target(g["target"], [ROOT / "corpus"], Path(p))))
        pieces = term_incidence(normalized_pieces(view), m.vocab)
        sig = m.signals(pieces, view, cfg)
        dt = m.document_terms(pieces, view)
        na = np.array([bool(not_applicable_reason(u.heading, view.doc.meta.to_dict())) for u in m.items])
        X, sc, done, foc = features(sig, view.outlook, dt, na, view.passage_unit, [u.heading for u in view.units],
                                    [view.passage_text(q) for q in range(len(view.passages))], m.anchor_w, m.vocab,
                                    np.asarray(pieces.max(axis=0).todense()).ravel() > 0, cfg)
        st, why = item_statuses(sc, done, thresholds(hb, cfg), na, cfg, foc, dt, document_topic(sig["evidence"], hb, cfg, foc)[0])
        gl = {it["ref"]: it for it in g["items"]}
        y = np.array([LABELS.index(gl[k]["status"]) for k in markers])
        docs.append(dict(target=g["target"], X=X, y=y, na=na, focus=foc, rule=np.array([LABELS.index(s.value) for s in st]), why=why, score=sc,
                         notes=[gl[k].get("note", "") for k in markers]))
    if args.dump:
        with open(args.dump, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["target", "item", "heading", *FEATURES, "rule", "gold", "note"])
            for d in docs:
                for i, u in enumerate(m.items):
                    w.writerow([d["target"], markers[i], u.heading, *np.round(d["X"][i], 4), LABELS[d["rule"][i]], LABELS[d["y"][i]], d["notes"][i]])
        print(f"wrote {args.dump}")

    if args.errors:
        from collections import Counter

        total = Counter()
        for d in docs:
            causes = Counter()
            for i in range(len(markers)):
                g, p = LABELS[d["y"][i]], LABELS[d["rule"][i]]
                if g == p:
                    continue
                if g == "not_applicable":
                    c = "gold not applicable; the rules file is silent, or the item's terms occur"
                elif d["why"][i] == "passing":
                    c = f"document mostly about other things: a mention counts for nothing (gold {g})"
                elif d["why"][i] == "outlook":
                    c = f"evidence only in plans/shortcomings: at most partial (gold {g})"
                elif p == "omitted" and d["score"][i] < cfg.partial_at:
                    c = f"no distinctive term of the item in the document (gold {g})"
                elif g == "omitted":
                    c = f"terms present, gold omitted (rule {p})"
                else:
                    c = f"gold {g}, rule {p}: the score is on the other side of the threshold"
                causes[c] += 1
            total.update(causes)
            print(f"{d['target']}: {sum(causes.values())} errors: " + "; ".join(f"{n} {c}" for c, n in causes.most_common()))
        print(f"all: {sum(total.values())} errors")
        for c, n in total.most_common():
            print(f"  {n:3d}  {c}")
        print()

    def scores(pred, y):
        tp, fp, fn = ((pred == 0) & (y == 0)).sum(), ((pred == 0) & (y != 0)).sum(), ((pred != 0) & (y == 0)).sum()
        return (pred == y).mean(), 2 * tp / max(2 * tp + fp + fn, 1)

    print(f"| model (features) | {' | '.join(d['target'][:18] for d in docs)} | mean accuracy | mean omitted F1 |")
    print("|---|" + "---|" * (len(docs) + 2))
    r = np.array([scores(d["rule"], d["y"]) for d in docs])
    print(f"| rule, DiffConfig defaults (in-sample) | {' | '.join(f'{a:.3f}' for a in r[:, 0])} | {r[:, 0].mean():.3f} | {r[:, 1].mean():.2f} |")
    for name, cols in MODELS.items():
        ix = [FEATURES.index(c) for c in cols]
        res = []
        for k, d in enumerate(docs):
            tr = [j for j in range(len(docs)) if j != k]
            Xtr = np.concatenate([docs[j]["X"][:, ix] for j in tr])
            ytr = np.concatenate([docs[j]["y"] for j in tr])
            keep = ytr != 3
            mu, sd = Xtr[keep].mean(axis=0), Xtr[keep].std(axis=0) + 1e-9
            Z = (Xtr[keep] - mu) / sd
            present = LogisticRegression(C=args.C, max_iter=2000).fit(Z, ytr[keep] >= 1)  # ordinal: two cumulative binaries
            strong = LogisticRegression(C=args.C, max_iter=2000).fit(Z, ytr[keep] >= 2)
            Zk = (d["X"][:, ix] - mu) / sd
            pred = np.where(present.predict(Zk), np.where(strong.predict(Zk), 2, 1), 0)
            if d["focus"] < cfg.related_focus:
                pred = np.where(pred == 1, 0, pred)
            res.append(scores(np.where(d["na"], 3, pred), d["y"]))
        res = np.array(res)
        print(f"| ordinal LR, LODO ({name}) | {' | '.join(f'{a:.3f}' for a in res[:, 0])} | {res[:, 0].mean():.3f} | {res[:, 1].mean():.2f} |")


if __name__ == "__main__":
    main()
