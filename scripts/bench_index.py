"""Cost of opening an index and of adding one small document to it, medians over several runs.

    python scripts/bench_index.py INDEX_DIR DOC [--runs 5] [--json out.json]

Each run works on a fresh copy of INDEX_DIR (the copy is not timed). ``open`` is ``open_index``
without loading the encoder model, with and without checksum verification; ``add`` adds DOC
under a new document id (its texts are in the embedding cache, as in the issue's measurement),
``replace`` adds it again (same id), ``remove`` removes it. Uses only ``open_index`` and
``add_to_index`` where older versions lack the rest, so the same script measures before and after.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("index", type=Path)
    ap.add_argument("doc", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    import lawgov_nlp.indexing.index as ix

    work = Path(tempfile.mkdtemp(prefix="lawgov-bench-index-"))
    doc = work / f"bench-added-{args.doc.stem}{args.doc.suffix}"
    shutil.copyfile(args.doc, doc)
    ix.open_index(args.index, load_encoder=False).close()  # warm the page cache…
    ix.tokenize("法治政府建设")  # …and jieba's dictionary, which every process loads once
    import inspect

    verify = "verify" in inspect.signature(ix.open_index).parameters
    out: dict[str, list[float]] = {"open": [], "open_no_verify": [], "add": [], "replace": [], "remove": []}
    for run in range(args.runs):
        out["open"].append(timed(lambda: ix.open_index(args.index, load_encoder=False).close()))
        if verify:
            out["open_no_verify"].append(timed(lambda: ix.open_index(args.index, load_encoder=False, verify=False).close()))
        copy = work / f"copy{run}"
        shutil.copytree(args.index, copy, symlinks=True)
        out["add"].append(timed(lambda: ix.add_to_index([doc], copy)))
        out["replace"].append(timed(lambda: ix.add_to_index([doc], copy)))
        if hasattr(ix, "remove_from_index"):
            out["remove"].append(timed(lambda: ix.remove_from_index([ix.load_documents([doc])[0].doc_id], copy)))
        shutil.rmtree(copy)
    shutil.rmtree(work)
    m = ix.open_index(args.index, load_encoder=False).manifest
    result = {"index": str(args.index), "clauses": m.clauses, "sentences": m.sentences, "runs": args.runs,
              **{k: {"median_s": round(statistics.median(v), 3), "min_s": round(min(v), 3), "max_s": round(max(v), 3)}
                 for k, v in out.items() if v}}
    print(f"{m.clauses} clauses, {m.sentences} sentences, {args.runs} runs")
    for k, v in result.items():
        if isinstance(v, dict):
            print(f"  {k:15s} median {v['median_s']:7.3f} s   (min {v['min_s']:.3f}, max {v['max_s']:.3f})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
