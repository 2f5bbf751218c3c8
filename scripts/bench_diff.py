"""diff-plans at scale: the outline against 1,000 local documents, embeddings read from an index.

    python scripts/bench_diff.py [--docs 1000]

The 1,000 documents replicate the five local corpus documents; each replica drops ~5% of its
leaf clauses at random and adds Gaussian noise to its sentence embeddings (renormalized), so no
two are identical. Pairwise scores are matrix products per document (see lawgov_nlp.analysis.align).
Reports wall time and peak RSS of this process.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    args = ap.parse_args()
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import build_index, open_index, write_manifest, write_payload
    from lawgov_nlp.indexing.store import ClauseStore

    work = Path(tempfile.mkdtemp(prefix="lawgov-bench-diff-"))
    build_index([ROOT / "corpus"], work / "real", encoder="use", cache=EmbeddingCache())
    real = open_index(work / "real")
    bases = [d for d in real.doc_ids() if d != "gangyao-2021-2025-outline"]
    docs_rows, clause_rows, svecs, owner = [], [], [], []
    rng = np.random.default_rng(0)
    prng = random.Random(0)
    store_docs = {d["doc_id"]: d for d in real.store.documents()}
    for r in range(args.docs):
        base = bases[r % len(bases)]
        new_id = f"{base}-r{r}"
        docs_rows.append({**store_docs[base], "doc_id": new_id})
        rows = sorted(real.store.clauses_by_rows(real.store.rows_for_doc(base)).values(), key=lambda x: x["row"])
        parents = {x["parent_id"] for x in rows if x["parent_id"]}
        for x in rows:
            if x["clause_id"] not in parents and prng.random() < 0.05:
                continue
            new_row = len(clause_rows)
            sent_idx, _ = real.sentence_rows(np.array([x["row"]]))
            v = np.asarray(real.sentence_vectors[sent_idx], dtype=np.float32)
            v = v + rng.normal(0, 0.03, v.shape).astype(np.float32)
            svecs.append(v / np.linalg.norm(v, axis=1, keepdims=True))
            owner.extend([new_row] * len(v))
            cid = x["clause_id"].replace(base + "#", new_id + "#")
            clause_rows.append({
                **{k: x[k] for k in ("kind", "numbering", "level", "path_label", "heading", "text", "start", "end", "duplicate_of")},
                "row": new_row, "clause_id": cid, "doc_id": new_id, "path": json.dumps(x["path"], ensure_ascii=False),
                "parent_id": x["parent_id"].replace(base + "#", new_id + "#") if x["parent_id"] else None,
                "fields": json.dumps(x["fields"], ensure_ascii=False), "tokens": x["tokens"], "text_key": b"",
            })
    syn = work / "synthetic"
    syn.mkdir()
    store = ClauseStore(syn / "clauses.sqlite", create=True)
    store.add_documents(docs_rows)
    store.add_clauses(clause_rows)
    store.close()
    sv = np.vstack(svecs)
    f, nprobe = write_payload(syn, clause_rows, sv, np.asarray(owner), sv.shape[1])
    write_manifest(syn, real.manifest.encoder, real.manifest.encoder_spec, sv.shape[1], f, nprobe, len(docs_rows), len(clause_rows), len(sv), "bench", 0)
    outline = load_path(ROOT / "corpus" / "gangyao-2021-2025-outline.txt")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    idx = open_index(syn)
    targets = [idx.document(d) for d in idx.doc_ids()]
    t1 = time.perf_counter()
    report = diff_plans(outline, targets, encoder=idx.encoder, cache=EmbeddingCache(), index=idx)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cov = [d.coverage for d in report.documents]
    print(f"documents {len(targets)}, clauses {len(clause_rows)}, sentences {len(sv)}")
    print("| documents | clauses | load documents from index | align (all pairs, 34 items) | total | per document | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {len(targets)} | {len(clause_rows):,} | {t1 - t0:.1f} s | {t2 - t1:.1f} s | {t2 - t0:.1f} s | {(t2 - t0) / len(targets) * 1000:.0f} ms | {rss:.0f} MB (before aligning: {rss_before:.0f} MB) |")
    print(f"coverage across replicas: min {min(cov):.2f}, median {float(np.median(cov)):.2f}, max {max(cov):.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
