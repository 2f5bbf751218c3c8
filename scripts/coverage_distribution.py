"""Coverage of the outline over every document of the shared collection (595 documents), by source.

    python scripts/coverage_distribution.py [--encoder e5] [--lexical-only] [--docs DIR] [--set KEY=VALUE]

The collection is government work reports, State Council and ministry documents and AI-industry
policies: apart from two 法治政府 opinions (govcn2019-0005, -0029) none implements the 法治政府建设
outline. Prints a Markdown table (per source: documents, median and 90th-percentile coverage,
share flagged unrelated, the highest-scoring documents) for BENCHMARKS.md. ``--lexical-only`` sets
the dense signal's weight to 0 (no embeddings needed; for a machine without the collection's
embeddings in its cache).
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", default=str(ROOT.parent / "shared" / "collection"))
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--lexical-only", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a DiffConfig value other than the default, to compare")
    args = ap.parse_args()
    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.config import DiffConfig
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.reading.document import load_document
    from lawgov_nlp.reading.metadata import DocMeta

    try:
        cfg = DiffConfig().with_settings(args.set)
    except ValueError as exc:
        ap.error(str(exc))
    cfg = cfg.replace(dense_weight=0.0) if args.lexical_only else cfg
    al = Aligner(load_path(ROOT / "corpus" / "gangyao-2021-2025-outline.txt"), args.encoder, EmbeddingCache(), config=cfg)
    if args.lexical_only:  # no embeddings of the targets are needed: score with zero vectors
        from lawgov_nlp.analysis.target import TargetView

        dim = al.model.item_vecs.shape[1]

        def lexical_view(doc, index=None):
            units, spans = _units_spans(doc)
            n = sum(len(s) for s in spans)
            owner = np.repeat(np.arange(len(units)), [len(s) for s in spans])
            return TargetView._assemble(doc, units, spans, np.zeros((n, dim), np.float32), owner, cfg, "file")

        al.view = lexical_view  # type: ignore[method-assign]
    root = Path(args.docs)
    rows = list(csv.DictReader((root / "manifest.csv").open(encoding="utf-8")))
    by_source: dict[str, list[tuple[float, bool, str]]] = defaultdict(list)
    t0 = time.perf_counter()
    for r in rows:
        doc = load_document(root / r["file"], r["id"], DocMeta(title=r["title"], doc_type=r["doc_type"]))
        a = al.align(doc)
        by_source[r["id"].split("-")[0]].append((a.coverage, a.unrelated, r["id"]))
    print(f"{len(rows)} documents in {time.perf_counter() - t0:.0f} s, encoder {al.encoder.id}{' (dense weight 0)' if args.lexical_only else ''}\n")
    print("| source | documents | median coverage | 90th percentile | max | flagged unrelated | highest |")
    print("|---|---|---|---|---|---|---|")
    every = []
    for src, vals in sorted(by_source.items()):
        cov = np.array([v[0] for v in vals])
        every.extend(cov)
        top = ", ".join(f"{i} {c:.0%}" for c, _, i in sorted(vals, reverse=True)[:3])
        print(f"| {src} | {len(vals)} | {np.median(cov):.0%} | {np.percentile(cov, 90):.0%} | {cov.max():.0%} | {np.mean([v[1] for v in vals]):.0%} | {top} |")
    every = np.array(every)
    print(f"| **all** | {len(every)} | {np.median(every):.0%} | {np.percentile(every, 90):.0%} | {every.max():.0%} | | |")
    hist, edges = np.histogram(every, bins=[0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 1.01])
    print("\ncoverage histogram: " + ", ".join(f"{edges[k]:.0%}–{min(edges[k + 1], 1):.0%}: {n}" for k, n in enumerate(hist)))


def _units_spans(doc):
    from lawgov_nlp.analysis.target import target_units
    from lawgov_nlp.reading.segment import sentences

    units = target_units(doc)
    spans = [sentences(u.text) for u in units]
    return units, spans


if __name__ == "__main__":
    main()
