"""Choose fusion weights on the dev split of the judgments; report them on the test split.

    python scripts/tune_fusion.py [--index indexes/default] [--judgments tests/data/search_judgments.json]

Dev = odd-numbered query ids, test = even-numbered. Nothing is tuned on the test split: the
weights printed first are the best on dev, and the test column is what the README reports.
"""
from __future__ import annotations

import argparse
import itertools

import numpy as np

from lawgov_nlp.evaluation.search import _ranked, load_judgments, ndcg_at, split_of
from lawgov_nlp.indexing.search import Searcher, fuse


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="indexes/default")
    ap.add_argument("--judgments", default="tests/data/search_judgments.json")
    args = ap.parse_args()
    s = Searcher(args.index)
    js = load_judgments(args.judgments, s.index.store)
    sig = {j.qid: s.signal_scores(j.query) for j in js}

    def score(weights, method, split):
        vals = [ndcg_at(_ranked(sig[j.qid][0], fuse(sig[j.qid][1], weights, method)), j.relevant) for j in js if split in ("all", split_of(j.qid))]
        return float(np.mean(vals))

    grid = [w / 20 for w in range(0, 21)]
    results = []
    for method in ("score", "rrf"):
        for ww, wc, we in itertools.product(grid, grid, [0.0, 0.05, 0.1, 0.15, 0.2, 0.3]):
            wd = round(1 - ww - wc - we, 4)
            if wd < 0:
                continue
            w = {"words": ww, "chars": wc, "dense": wd, "expand": we}
            results.append((score(w, method, "dev"), method, w))
    results.sort(key=lambda r: -r[0])
    print("top settings on dev (nDCG@10), with their test score:")
    for dev, method, w in results[:10]:
        print(f"  dev {dev:.4f}  test {score(w, method, 'test'):.4f}  all {score(w, method, 'all'):.4f}  {method} {w}")
    lex = []
    for ww, we in itertools.product(grid, [0.0, 0.1, 0.2, 0.3, 0.4]):
        wc = round(1 - ww - we, 4)
        if wc >= 0:
            w = {"words": ww, "chars": wc, "expand": we}
            lex.append((score(w, "score", "dev"), w))
    lex.sort(key=lambda r: -r[0])
    print("lexical mode (dense = 0), best on dev:")
    for dev, w in lex[:3]:
        print(f"  dev {dev:.4f}  test {score(w, 'score', 'test'):.4f}  {w}")
    for name, w in (("bm25 words+chars", {"words": 0.5, "chars": 0.5}), ("dense", {"dense": 1.0})):
        print(f"  {name:16s} dev {score(w, 'score', 'dev'):.4f}  test {score(w, 'score', 'test'):.4f}")


if __name__ == "__main__":
    main()

