"""Cost of opening an index and of adding one small document to it, medians over several runs.

    python scripts/bench_index.py INDEX_DIR DOC [--runs 5] [--json out.json]
    python scripts/bench_index.py INDEX_DIR DOC --hash-encoder --build DIR… [--runs 5]

``--hash-encoder`` replaces the sentence encoder by a deterministic 512-d hash of each sentence
(same dimension, sentence count and file sizes as USE, no model and no cache): the costs of the
index itself, on a machine where embedding the collection would take an hour. ``--build`` first
builds INDEX_DIR from DIRs with it.

Each run works on a fresh copy of INDEX_DIR (copying it and opening it once are not timed). ``open`` is ``open_index``
without loading the encoder model (checksums of files changed since last verified), also with
every checksum (``open_full_verify``) and none (``open_no_verify``); ``add`` adds DOC
under a new document id (its texts are in the embedding cache, as in the issue's measurement),
``replace`` adds it again changed (same id), ``remove`` removes it. Uses only ``open_index`` and
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


class HashEncoder:
    """512-d unit vectors seeded by each text's hash: sizes of a real index, no model."""

    dim = 512
    id = "bench-hash-512"
    spec = "bench-hash"

    def encode(self, texts, *, is_query=False, progress=None):
        import hashlib

        import numpy as np

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            out[i] = np.random.default_rng(seed).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def use_hash_encoder() -> None:
    import importlib

    enc = HashEncoder()
    real = importlib.import_module("lawgov_nlp.indexing.encoders").get_encoder
    for name in ("lawgov_nlp.indexing.encoders", "lawgov_nlp.indexing.index", "lawgov_nlp.indexing.reader"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        mod.get_encoder = lambda spec="use", _real=real: enc if spec == "bench-hash" else _real(spec)
        if hasattr(mod, "resolve_cache"):  # never write hash vectors into a real embedding cache
            orig = mod.resolve_cache
            mod.resolve_cache = lambda cache, _orig=orig: None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("index", type=Path)
    ap.add_argument("doc", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--hash-encoder", action="store_true")
    ap.add_argument("--build", type=Path, nargs="+")
    args = ap.parse_args()
    import lawgov_nlp.indexing.index as ix

    if args.hash_encoder:
        use_hash_encoder()
    if args.build:
        t = time.perf_counter()
        ix.build_index(args.build, args.index, encoder=HashEncoder(), cache=False)
        print(f"built {args.index} in {time.perf_counter() - t:.1f} s")

    work = Path(tempfile.mkdtemp(prefix="lawgov-bench-index-"))
    doc = work / f"bench-added-{args.doc.stem}{args.doc.suffix}"
    shutil.copyfile(args.doc, doc)
    ix.open_index(args.index, load_encoder=False).close()  # warm the page cache…
    ix.tokenize("法治政府建设")  # …and jieba's dictionary, which every process loads once
    import inspect

    verify = "verify" in inspect.signature(ix.open_index).parameters
    out: dict[str, list[float]] = {"open": [], "open_full_verify": [], "open_no_verify": [], "add": [], "replace": [], "remove": []}
    for run in range(args.runs):
        out["open"].append(timed(lambda: ix.open_index(args.index, load_encoder=False).close()))
        if verify:
            out["open_full_verify"].append(timed(lambda: ix.open_index(args.index, load_encoder=False, verify="full").close()))
            out["open_no_verify"].append(timed(lambda: ix.open_index(args.index, load_encoder=False, verify=False).close()))
        copy = work / f"copy{run}"
        shutil.copytree(args.index, copy, symlinks=True)
        ix.open_index(copy, load_encoder=False).close()  # the copy's files are new: verify them once, untimed
        out["add"].append(timed(lambda: ix.add_to_index([doc], copy)))
        with open(doc, "a", encoding="utf-8") as fh:  # a changed document, so replacing it is real work
            fh.write(f"\n（第{run}次修订）\n")
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
