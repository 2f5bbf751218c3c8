"""Per-clause cost of each build stage on one core, and of encoding on N worker processes: the
figures a projection to 10^7–10^8 clauses is made from.

    python scripts/bench_stages.py [--docs 60] [--use-sentences 2000] [--e5-sentences 300] [--workers 2] [--json out.json]

Real text: ``--docs`` collection documents picked at random (seed 0). Stages, each timed alone in
this process (CPU seconds and wall), median of ``--runs``:

* read: ``load_path`` (decode, clean, segment, metadata);
* tokenize: jieba words of every clause (``tokenize``);
* postings: BM25 segment arrays of words and character bigrams from the tokens (``segment_arrays``);
* keys: sentence split and cache keys (``sentences`` + ``text_key``);
* encode use / e5: the encoder alone on sentences of these clauses, one thread (per-core speed),
  then on ``--workers`` processes (:class:`~lawgov_nlp.indexing.parallel.WorkerPool`).

Encoding does not use or fill the embedding cache. Prints a markdown table; ``--json`` keeps it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared") / "collection" / "docs"


def timed(fn, runs: int) -> tuple[float, float, object]:
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=60)
    ap.add_argument("--use-sentences", type=int, default=2000)
    ap.add_argument("--e5-sentences", type=int, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json")
    args = ap.parse_args()

    from lawgov_nlp.indexing.encoders import get_encoder, text_key
    from lawgov_nlp.indexing.lexical import char_bigrams, tokenize
    from lawgov_nlp.indexing.parallel import WorkerPool
    from lawgov_nlp.indexing.postings import segment_arrays
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.reading.segment import sentences

    files = sorted(COLLECTION.rglob("*.txt"))
    random.Random(0).shuffle(files)
    files = files[: args.docs]
    tokenize("预热")  # jieba's dictionary loads once per process: not a per-clause cost
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []

    w, c, docs = timed(lambda: [load_path(f) for f in files], args.runs)
    texts = [cl.text for d in docs for cl in d.clauses]
    n, chars = len(texts), sum(len(t) for t in texts)
    rows.append(("read (decode, clean, segment, metadata)", n, w, c))
    w, c, toks = timed(lambda: [tokenize(t) for t in texts], args.runs)
    rows.append(("tokenize (jieba)", n, w, c))
    w, c, _ = timed(lambda: (segment_arrays(range(n), toks), segment_arrays(range(n), [char_bigrams(t) for t in texts])), args.runs)
    rows.append(("postings (words + bigrams)", n, w, c))
    pieces = [t[a:b] for t in texts for a, b in sentences(t)]
    w, c, _ = timed(lambda: [text_key(p) for t in texts for a, b in sentences(t) for p in [t[a:b]]], args.runs)
    rows.append(("sentences and cache keys", n, w, c))
    per_clause = len(pieces) / n

    enc_rows = []
    rng = random.Random(1)
    for name, k in (("use", args.use_sentences), ("e5", args.e5_sentences)):
        try:
            enc = get_encoder(name)
        except Exception as exc:  # e5's wheel is Linux x86_64 only
            print(f"{name}: not available ({exc})")
            continue
        sample = rng.sample(pieces, min(k, len(pieces)))
        if hasattr(enc, "_threads"):
            enc._threads = 1  # one core's speed
        enc.encode(sample[:8])  # load the model outside the timing
        w, c, _ = timed(lambda: enc.encode(sample), 1)
        enc_rows.append((name, 1, len(sample), w, c))
        with WorkerPool(args.workers) as pool:
            encode = pool.encoder_for(enc)
            encode(sample[: 8 * args.workers])  # each worker loads its model
            w2, _, _ = timed(lambda: encode(sample), 1)
        enc_rows.append((name, args.workers, len(sample), w2, None))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load at start {load}; "
          f"{len(docs)} documents, {n:,} clauses, {chars:,} characters, {per_clause:.2f} sentences per clause\n")
    print("| stage (one process) | clauses | wall | CPU | clauses/s (CPU) | ms per clause |\n|---|---|---|---|---|---|")
    for name, k, w, c in rows:
        print(f"| {name} | {k:,} | {w:.2f} s | {c:.2f} s | {k / c:,.0f} | {1000 * c / k:.2f} |")
    print("\n| encoder | processes | sentences | wall | sentences/s | clauses/s (at %.2f sentences each) | per process |\n|---|---|---|---|---|---|---|" % per_clause)
    for name, procs, k, w, c in enc_rows:
        print(f"| {name} | {procs} × 1 thread | {k:,} | {w:.2f} s | {k / w:,.1f} | {k / w / per_clause:,.1f} | {k / w / per_clause / procs:,.1f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "documents": len(docs), "clauses": n, "chars": chars, "sentences_per_clause": per_clause,
                                               "stages": rows, "encoders": enc_rows}, indent=2))


if __name__ == "__main__":
    main()
