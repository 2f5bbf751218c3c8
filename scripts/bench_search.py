"""Speed and memory of indexing and search, on real text replicated to larger sizes.

    python scripts/bench_search.py [--sizes 10000,100000,1000000] [--docs 40] [--encoders use,e5] [--json out.json]

Prints markdown tables (copied into BENCHMARKS.md). Every size runs in its own subprocess so the
peak RSS reported is that process's own (ru_maxrss). What is synthetic is said in the output:
above the real clauses, clauses are replicas of real ones with 10% of their tokens dropped, and
their embeddings are the real ones plus Gaussian noise, renormalized (one sentence per clause).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# shared/ sits beside the main checkout (/work/main → /work/shared); a worktree deeper down finds it too
COLLECTION = next((p / "shared" / "collection" / "docs" for p in ROOT.parents if (p / "shared" / "collection" / "docs").is_dir()),
                  ROOT.parent / "shared" / "collection" / "docs")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_parts_mb() -> dict[str, float]:
    """This process's resident memory now, split as Linux accounts it: anonymous (the heap: what
    the process needs) and file-backed (memory-mapped index files: page cache the kernel can drop
    and re-read under pressure). ru_maxrss counts both, so a memory-mapped index looks bigger there
    than the memory it needs."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile", "RssShmem"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def pick_docs(n: int) -> list[Path]:
    files = sorted(COLLECTION.rglob("*.txt"))
    random.Random(0).shuffle(files)
    return [ROOT / "corpus"] + files[:n]


# -- throughput on real text -------------------------------------------------------------------

def throughput(n_docs: int, encoder: str = "use") -> dict:
    from lawgov_nlp.reading.document import iter_paths
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.indexing.encoders import EmbeddingCache, get_encoder
    from lawgov_nlp.indexing.index import build_index
    from lawgov_nlp.indexing.lexical import BM25Index, char_bigrams, tokenize
    from lawgov_nlp.reading.segment import sentences

    paths = pick_docs(n_docs)
    docs = [load_path(p) for p in iter_paths(paths)]
    clauses = [c for d in docs for c in d.clauses]
    sents = list(dict.fromkeys(c.text[a:b] for c in clauses for a, b in sentences(c.text)))
    enc = get_encoder(encoder)
    enc.encode(["预热"])  # load weights outside the timing
    t = time.perf_counter()
    enc.encode(sents)
    t_enc = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp())
    cache = EmbeddingCache(tmp / "cache.sqlite")
    t = time.perf_counter()
    m = build_index(paths, tmp / "idx", encoder=encoder, cache=cache)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    m2 = build_index(paths, tmp / "idx", encoder=encoder, cache=cache)
    t_rebuild = time.perf_counter() - t
    texts = [c.text for c in clauses]
    t = time.perf_counter()
    toks = [tokenize(x) for x in texts]
    t_tok = time.perf_counter() - t
    t = time.perf_counter()
    BM25Index().fit(toks)
    BM25Index().fit([char_bigrams(x) for x in texts])
    t_bm25 = time.perf_counter() - t
    qlat = query_latency(tmp / "idx", enc)
    shutil.rmtree(tmp)
    chars = sum(len(s) for s in sents)
    return {
        "encoder": enc.id, **qlat,
        "documents": len(docs), "clauses": len(clauses), "sentences": len(sents), "chars": chars,
        "encoder_sentences_per_s": len(sents) / t_enc, "encoder_chars_per_s": chars / t_enc,
        "build_s": t_build, "encoder_only_s": t_enc, "build_over_encoder": t_build / t_enc,
        "build_clauses_per_s": len(clauses) / t_build, "rebuild_s": t_rebuild, "rebuild_embedded": m2.embedded,
        "first_build_embedded": m.embedded, "tokenize_clauses_per_s": len(texts) / t_tok,
        "bm25_fit_clauses_per_s": len(texts) / t_bm25, "lexical_clauses_per_s": len(texts) / (t_tok + t_bm25),
    }


def query_latency(index_dir: Path, enc, n: int = 30) -> dict:
    """Median time to encode one query, and of a whole hybrid search including that encoding."""
    from lawgov_nlp.indexing.search import Searcher

    js = json.loads((ROOT / "tests" / "data" / "search_judgments.json").read_text(encoding="utf-8"))
    queries = [q["query"] for q in js["queries"]][:n]
    s = Searcher(index_dir)
    s.search(queries[0])  # load outside the timing
    enc_ms, search_ms = [], []
    for q in queries:
        t = time.perf_counter()
        enc.encode([q + "？"], is_query=True)  # a text not cached anywhere
        enc_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        s.search(q, k=10)
        search_ms.append((time.perf_counter() - t) * 1000)
    return {"query_encode_ms": float(np.median(enc_ms)), "hybrid_search_ms": float(np.median(search_ms))}


def shell_search(encoder: str, runs: int = 5) -> dict:
    """Wall time of ``lawgov-nlp search`` from the shell on the bundled corpus (median of ``runs``),
    hybrid and lexical, in a fresh process each time: what a user feels."""
    exe = Path(sys.executable).with_name("lawgov-nlp")
    tmp = Path(tempfile.mkdtemp())
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import build_index

    build_index([ROOT / "corpus"], tmp / "idx", encoder=encoder, cache=EmbeddingCache())
    out = {}
    for mode in ("hybrid", "lexical"):
        walls = []
        for i in range(runs):
            t = time.perf_counter()
            subprocess.run([str(exe), "search", f"行政复议体制改革怎么推进{i}", "--index", str(tmp / "idx"), "--mode", mode, "-k", "5"],
                           check=True, capture_output=True)
            walls.append(time.perf_counter() - t)
        out[f"shell_{mode}_s"] = float(np.median(walls))
    shutil.rmtree(tmp)
    return out


# -- BM25 against a naive implementation ---------------------------------------------------------

def naive_bm25_scores(docs_tokens, query, k1=1.2, b=0.75):
    n = len(docs_tokens)
    avgdl = sum(len(d) for d in docs_tokens) / n
    df = {}
    for d in docs_tokens:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    scores = []
    for d in docs_tokens:
        tf = {}
        for t in d:
            tf[t] = tf.get(t, 0) + 1
        s = 0.0
        for q in query:
            if q in tf:
                idf = math.log(1 + (n - df[q] + 0.5) / (df[q] + 0.5))
                s += idf * tf[q] * (k1 + 1) / (tf[q] + k1 * (1 - b + b * len(d) / avgdl))
        scores.append(s)
    return scores


def bm25_speedup(base_tokens, queries, n=10_000) -> dict:
    from lawgov_nlp.indexing.lexical import BM25Index

    rng = random.Random(1)
    docs = [base_tokens[i % len(base_tokens)] for i in range(n)]
    idx = BM25Index().fit(docs)
    t = time.perf_counter()
    for q in queries:
        idx.scores(q)
    fast = (time.perf_counter() - t) / len(queries)
    t = time.perf_counter()
    for q in queries[:5]:
        naive_bm25_scores(docs, q)
    slow = (time.perf_counter() - t) / 5
    return {"docs": n, "bm25s_ms": fast * 1000, "naive_ms": slow * 1000, "speedup": slow / fast}


# -- one size, in a subprocess ------------------------------------------------------------------

def build_size(n: int, factory: str, out: Path, base_file: Path) -> None:
    from lawgov_nlp.indexing.index import faiss_factory_for, write_manifest, write_payload
    from lawgov_nlp.indexing.store import ClauseStore

    base = np.load(base_file, allow_pickle=True).item()
    rng = np.random.default_rng(n)
    texts, toks, grams, vecs = base["texts"], base["tokens"], base["bigrams"], base["vecs"]
    m = len(texts)
    pick = np.arange(n) % m
    noise = rng.normal(0, 0.04, size=(n, vecs.shape[1])).astype(np.float32)
    svecs = vecs[pick] + noise
    svecs[:m] = vecs[: min(m, n)]
    svecs /= np.linalg.norm(svecs, axis=1, keepdims=True)
    prng = random.Random(n)
    rows = []
    for i, j in enumerate(pick.tolist()):
        tk = toks[j] if i < m else [t for t in toks[j] if prng.random() > 0.1]
        bg = grams[j] if i < m else [g for g in grams[j] if prng.random() > 0.1]
        rows.append({"row": i, "clause_id": f"bench#{i}", "doc_id": f"bench-{i // 100}", "kind": "body", "numbering": "item",
                     "level": 2, "path": "[]", "path_label": "", "heading": "", "text": texts[j], "start": 0, "end": len(texts[j]),
                     "parent_id": None, "fields": "{}", "duplicate_of": None, "tokens": tk, "bigrams": bg, "text_key": b""})
    out.mkdir(parents=True)
    t = time.perf_counter()
    store = ClauseStore(out / "clauses.sqlite", create=True)
    store.add_documents([{"doc_id": f"bench-{k}", "title": "bench", "issuer": "", "region": "", "level": "", "year": 2020,
                          "doc_type": "", "implements": "", "path": "", "sha256": "", "meta": "{}", "year_from": None, "year_to": None}
                         for k in range((n + 99) // 100)])
    store.add_clauses([{**r, "tokens": " ".join(r["tokens"])} | {k: v for k, v in r.items() if k not in ("tokens", "bigrams")} for r in rows])
    store.close()
    fac = ("IDMap2,Flat", 0) if factory == "exact" else (faiss_factory_for(max(n, 100_001)) if n > 100_000 else (f"IVF{int(2 ** round(math.log2(4 * math.sqrt(n))))},SQ8", 32))
    f, nprobe = write_payload(out, rows, svecs, np.arange(n), vecs.shape[1], factory=fac)
    write_manifest(out, base["encoder_id"], "use", vecs.shape[1], f, nprobe, (n + 99) // 100, n, n, "bench", 0)
    print(json.dumps({"build_s": time.perf_counter() - t, "build_rss_mb": rss_mb(), "factory": f}))


def query_size(index_dir: Path, base_file: Path, exact_dir: Path | None) -> None:
    import faiss

    from lawgov_nlp.indexing.search import Searcher

    base = np.load(base_file, allow_pickle=True).item()
    qv = base["query_vecs"]
    queries = base["queries"]
    t = time.perf_counter()
    s = Searcher(index_dir)
    load_s = time.perf_counter() - t
    loaded = rss_parts_mb()
    from lawgov_nlp.indexing.lexical import fold_chars

    # the searcher encodes the query folded to simplified characters: key by both forms
    lookup = {q: qv[i:i + 1] for i, q in enumerate(queries)}
    lookup.update({fold_chars(q): qv[i:i + 1] for i, q in enumerate(queries)})

    class Cached:  # the query's own encoding is excluded from the latency
        id, dim = s.index.encoder.id, s.index.encoder.dim

        def encode(self, texts, is_query=False, progress=None):
            return lookup[texts[0]]

    s.index.encoder = Cached()
    lat = []
    for q in queries[:10]:
        s.search(q, k=10)  # warm-up
    for q in queries:
        t = time.perf_counter()
        s.search(q, k=10)
        lat.append((time.perf_counter() - t) * 1000)
    query_rss = rss_mb()  # before any recall check loads more
    parts = rss_parts_mb()
    recall = None
    if exact_dir is not None:
        if (exact_dir / "vectors.faiss").exists():
            exact = faiss.read_index(str(exact_dir / "vectors.faiss"))
            _, want = exact.search(qv, 10)
        else:  # no exact index built: brute force over the vectors the index stores (float16, as FAISS got them)
            stored = np.load(index_dir / "sentences.npy", mmap_mode="r")
            best = np.full((len(qv), 0), -np.inf, np.float32), np.zeros((len(qv), 0), np.int64)
            for a in range(0, len(stored), 200_000):
                sc = qv @ np.asarray(stored[a:a + 200_000], dtype=np.float32).T
                sc, ix = np.concatenate([best[0], sc], 1), np.concatenate([best[1], np.broadcast_to(np.arange(a, a + sc.shape[1]), sc.shape)], 1)
                top = np.argsort(-sc, axis=1)[:, :10]
                best = np.take_along_axis(sc, top, 1), np.take_along_axis(ix, top, 1)
            want = best[1]
        _, got = s.index.faiss.search(qv, 10)
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(want, got)]))
    print(json.dumps({"p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)), "load_s": load_s,
                      "query_rss_mb": query_rss, "recall_at_10_vs_exact": recall, "queries": len(lat),
                      "rss_after_load_mb": loaded, "rss_after_queries_mb": parts}))


def prepare_base(n_docs: int, out: Path) -> dict:
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.reading.document import iter_paths
    from lawgov_nlp.indexing.encoders import EmbeddingCache, embed_texts, get_encoder
    from lawgov_nlp.indexing.lexical import char_bigrams, tokenize

    docs = [load_path(p) for p in iter_paths(pick_docs(n_docs))]
    texts = [c.text for d in docs for c in d.clauses]
    enc = get_encoder("use")
    cache = EmbeddingCache()
    vecs, _ = embed_texts(enc, texts, cache)
    js = json.loads((ROOT / "tests" / "data" / "search_judgments.json").read_text(encoding="utf-8"))
    rng = random.Random(2)
    queries = [q["query"] for q in js["queries"]] + [texts[rng.randrange(len(texts))][:14] for _ in range(164)]
    from lawgov_nlp.reading.normalize import strip_punct

    queries = list(dict.fromkeys(q.strip() for q in queries if len(strip_punct(q)) >= 2))
    qv, _ = embed_texts(enc, queries, cache)
    base = {"texts": texts, "tokens": [tokenize(t) for t in texts], "bigrams": [char_bigrams(t) for t in texts],
            "vecs": vecs, "queries": queries, "query_vecs": qv, "encoder_id": enc.id}
    np.save(out, base, allow_pickle=True)
    return base


def run(cmd: list[str]) -> dict:
    res = subprocess.run([sys.executable, __file__, *cmd], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--docs", type=int, default=40, help="collection documents used as real text")
    ap.add_argument("--json", default=None)
    ap.add_argument("--encoders", default="use,e5", help="encoders whose build throughput and query latency are measured")
    ap.add_argument("--variants", default="exact,approx", help="FAISS variants per size: exact, approx or both")
    ap.add_argument("--no-throughput", action="store_true", help="skip the build-throughput table (scripts/bench_build.py measures builds)")
    ap.add_argument("--shell-only", action="store_true", help="only the wall time of `search` from the shell")
    ap.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "build":
            build_size(int(rest[0]), rest[1], Path(rest[2]), Path(rest[3]))
        else:
            query_size(Path(rest[0]), Path(rest[1]), Path(rest[2]) if len(rest) > 2 and rest[2] != "-" else None)
        return
    out: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    print(f"machine: {out['machine']}, load average {os.getloadavg()[0]:.1f}")
    if args.shell_only:
        print("\n| encoder | `search` from the shell, hybrid | lexical |\n|---|---|---|")
        for encoder in args.encoders.split(","):
            r = shell_search(encoder, runs=7)
            print(f"| {encoder} | {r['shell_hybrid_s']:.2f} s | {r['shell_lexical_s']:.2f} s |", flush=True)
        return
    out["throughput"] = {}
    if not args.no_throughput:
        print("\n## Build throughput and query latency per encoder (real text: corpus + %d collection documents)\n" % args.docs)
        print("| encoder | clauses | sentences | encoder alone (sent/s, chars/s) | end-to-end build | build ÷ encoder | rebuild unchanged | lexical (tokenize+BM25) | encode one query | hybrid search incl. encoding | `search` from the shell, hybrid / lexical |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for encoder in args.encoders.split(","):
            tp = {**throughput(args.docs, encoder), **shell_search(encoder)}
            out["throughput"][encoder] = tp
            print(f"| {tp['encoder']} | {tp['clauses']} | {tp['sentences']} | {tp['encoder_sentences_per_s']:.0f}, {tp['encoder_chars_per_s']:.0f} | {tp['build_s']:.1f} s ({tp['build_clauses_per_s']:.0f} clauses/s) "
                  f"| {tp['build_over_encoder']:.2f} | {tp['rebuild_s']:.1f} s, embedded {tp['rebuild_embedded']} | {tp['lexical_clauses_per_s']:.0f} clauses/s (BM25 fit alone {tp['bm25_fit_clauses_per_s']:.0f}/s) "
                  f"| {tp['query_encode_ms']:.0f} ms | {tp['hybrid_search_ms']:.0f} ms | {tp['shell_hybrid_s']:.2f} s / {tp['shell_lexical_s']:.2f} s |", flush=True)
    work = Path(tempfile.mkdtemp(prefix="lawgov-bench-"))
    base_file = work / "base.npy"
    base = prepare_base(args.docs, base_file)
    sp = bm25_speedup(base["tokens"], [__import__("lawgov_nlp.indexing.lexical", fromlist=["tokenize"]).tokenize(q) for q in base["queries"][:50]])
    out["bm25"] = sp
    print(f"\n## BM25: bm25s vs naive pure-Python BM25 on {sp['docs']} clauses\n\n| bm25s per query | naive per query | speedup |\n|---|---|---|\n"
          f"| {sp['bm25s_ms']:.2f} ms | {sp['naive_ms']:.0f} ms | {sp['speedup']:.0f}× |")
    print("\n## Query latency, hybrid path, excluding the query's own encoding\n")
    print("| clauses | FAISS | build | build RSS | p50 | p95 | query RSS | recall@10 vs exact |\n|---|---|---|---|---|---|---|---|")
    out["sizes"] = []
    for n in [int(x) for x in args.sizes.split(",")]:
        exact_dir = work / f"exact-{n}"
        rows = []
        variants = args.variants.split(",")
        for variant in variants:
            d = work / f"{variant}-{n}"
            b = run(["--child", "build", str(n), variant, str(d), str(base_file)])
            # approx alone: recall against brute force over the same stored vectors (no exact index to build)
            q = run(["--child", "query", str(d), str(base_file), str(exact_dir) if variant == "approx" else "-"])
            row = {"clauses": n, "variant": variant, **b, **q}
            rows.append(row)
            out["sizes"].append(row)
            rec = "—" if q["recall_at_10_vs_exact"] is None else f"{q['recall_at_10_vs_exact']:.3f}"
            pa, pl = q.get("rss_after_queries_mb") or {}, q.get("rss_after_load_mb") or {}
            split = (f" (anon {pa.get('RssAnon', 0):.0f} + file {pa.get('RssFile', 0):.0f}; after load: anon {pl.get('RssAnon', 0):.0f} "
                     f"+ file {pl.get('RssFile', 0):.0f})") if pa else ""
            print(f"| {n:,} | {b['factory']} | {b['build_s']:.0f} s | {b['build_rss_mb']:.0f} MB | {q['p50_ms']:.1f} ms | {q['p95_ms']:.1f} ms | {q['query_rss_mb']:.0f} MB{split} | {rec} |", flush=True)
        for variant in ("exact", "approx"):
            shutil.rmtree(work / f"{variant}-{n}", ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
