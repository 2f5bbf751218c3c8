"""Choose the fusion's parameters by k-fold cross-validation over queries; print the held-out table.

    python scripts/tune_fusion.py --setting corpus=indexes/default \\
        --setting collection=indexes/collection-use [--folds 5] [--seeds 3] [--json reports/cv.json]

Every setting (an index; several are tuned together so one default serves both scales) scores
every judged query once. For each of ``--seeds`` shuffles, queries are dealt into ``--folds``
folds stratified by kind; each fold's queries are scored with the configuration best on the
other folds. The table gives, per mode, the mean nDCG@10 of the held-out queries and, after ±,
the standard deviation of the per-fold means; parameter-free modes (single signals, baselines)
have nothing to tune and are scored on every query. The last lines give the configuration best
on all queries: what ``SearchConfig`` ships (its own score on those queries is not reported as
a result, since it was chosen on them).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lawgov_nlp.evaluation import crossval as cv  # noqa: E402
from lawgov_nlp.evaluation.search import baseline_rankers, load_judgments  # noqa: E402
from lawgov_nlp.indexing.search import Searcher  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--setting", action="append", required=True, help="NAME=INDEX_DIR (repeatable)")
    ap.add_argument("--judgments", default=str(ROOT / "tests" / "data" / "search_judgments.json"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--unit-chars", type=int, default=None, help="re-fit the lexical index with this unit size (0 = clause)")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    preps: dict[str, cv.Prepared] = {}
    for spec in args.setting:
        name, _, path = spec.partition("=")
        t = time.perf_counter()
        s = Searcher(path)
        if args.unit_chars is not None:
            from lawgov_nlp.indexing.units import LexicalIndex, clause_lexicon

            rows = s.index.store.all_clause_rows()
            if [r["row"] for r in rows] != list(range(s.index.n_rows)):
                sys.exit(f"{path}: has removed rows; --unit-chars needs a freshly built index")
            s.index.lexical = LexicalIndex.fit([clause_lexicon(r["text"], args.unit_chars) for r in rows])
        js = load_judgments(args.judgments, s.index.store)
        unresolved = [u for j in js for u in j.unresolved]
        for u in unresolved:
            print(f"warning: {name}: judgment not found: {u}", file=sys.stderr)
        base = {} if args.no_baselines else baseline_rankers(s.index.store)
        preps[name] = cv.prepare(s, js, base)
        print(f"{name}: {path}, {s.index.manifest.documents} documents, encoder {s.index.manifest.encoder}, "
              f"{len(preps[name].judgments)} scored queries ({time.perf_counter() - t:.0f} s)", file=sys.stderr)

    strata = {j.qid: j.kind for p in preps.values() for j in p.judgments}
    qids = sorted(strata)
    grids = {"hybrid (adaptive)": cv.fusion_grid(), "hybrid (fixed weights)": cv.fixed_grid(), "lexical": cv.lexical_grid()}
    mats = {g: {n: cv.ndcg_matrix(p, cfgs) for n, p in preps.items()} for g, cfgs in grids.items()}
    singles = {s: {n: cv.ndcg_matrix(p, [cv.single(s)])[0] for n, p in preps.items()} for s in ("dense", "words", "chars")}
    singles["dense (+clause)"] = {n: cv.ndcg_matrix(p, [cv.single("dense", 0.5)])[0] for n, p in preps.items()}
    base = {b: {n: cv.ranked_ndcg(p, p.baselines[b]) for n, p in preps.items()} for b in next(iter(preps.values())).baselines}

    report: dict = {"settings": {n: p.name for n, p in preps.items()}, "folds": args.folds, "seeds": args.seeds, "rows": {}, "chosen": {}}
    for g, cfgs in grids.items():
        per_setting: dict[str, dict[str, list]] = {n: {grp: [] for grp in cv.GROUPS} for n in preps}
        chosen = []
        for seed in range(args.seeds):
            folds = cv.folds_of(qids, args.folds, seed, strata)
            res = cv.cross_validate(mats[g], preps, cfgs, folds, args.folds)
            chosen.extend(r.config for r in res)
            for n, p in preps.items():
                for grp in cv.GROUPS:
                    mean, sd, nq, _ = cv.held_out(res, p, n, grp)
                    per_setting[n][grp].append((mean, sd, nq))
        report["rows"][g] = {n: {grp: [float(np.mean([x[0] for x in v])), float(np.mean([x[1] for x in v])), v[0][2]]
                                 for grp, v in d.items()} for n, d in per_setting.items()}
        train_all = np.mean([m.mean(axis=1) for m in mats[g].values()], axis=0)
        best = cfgs[int(np.argmax(train_all))]
        report["chosen"][g] = {"on_all_queries": best.to_dict(), "per_fold": [c.to_dict() for c in chosen[: args.folds]]}
    for label, d in (*((f"{s} alone" if "(" not in s else s, v) for s, v in singles.items()), *base.items()):
        report["rows"][label] = {n: {grp: [*cv.group_mean(d[n], preps[n], grp)[:1], 0.0, cv.group_mean(d[n], preps[n], grp)[1]]
                                     for grp in cv.GROUPS} for n in preps}

    names = list(preps)
    print(f"\nnDCG@10, held-out ({args.folds}-fold CV over queries, {args.seeds} shuffles; ± = sd of fold means)\n")
    head = " | ".join(f"{n} {grp} (n)" for n in names for grp in ("all", "term", "plain", "paraphrase", "blind"))
    print(f"| mode | {head} |")
    print("|---|" + "---|" * (5 * len(names)))
    for label, row in report["rows"].items():
        cells = []
        for n in names:
            for grp in ("all", "term", "plain", "paraphrase", "blind"):
                mean, sd, nq = row[n][grp]
                cells.append(f"{mean:.3f}" + (f" ± {sd:.3f}" if sd else "") + f" ({nq})")
        print(f"| {label} | " + " | ".join(cells) + " |")
    for g, c in report["chosen"].items():
        keys = ("method", "weights", "dense_min", "dense_max", "strength_power", "clause_weight")
        print(f"\n{g}: chosen on all queries: {json.dumps({k: c['on_all_queries'][k] for k in keys}, ensure_ascii=False)}")
        print("  per fold (seed 0): " + "; ".join(f"{f['weights']} {f['dense_min']}-{f['dense_max']}^{f['strength_power']} cw {f['clause_weight']}" for f in c["per_fold"]))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
