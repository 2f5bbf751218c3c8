"""Server-side search latency of ``lawgov-nlp serve`` over the judgment queries.

Starts the app on a free local port over an index (default: the bundled corpus indexed with the
default encoder into a temporary directory, embeddings from the user's cache), then asks
``/api/search`` every judged query of ``tests/data/search_judgments.json``, ``--rounds`` times,
after one warm-up round. Reports p50/p95 of the time the server spent in the search (its
``Server-Timing``) and of the whole HTTP round trip, per round and pooled; ``--clients N`` also
runs N clients at once.

    .venv/bin/python scripts/bench_serve.py [--index DIR] [--rounds 5] [--clients 4] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ask(base: str, q: str) -> tuple[float, float]:
    url = base + "api/search?" + urllib.parse.urlencode({"q": q})
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as res:
        data = json.loads(res.read())
    return data["server_ms"], (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, help="index directory (default: build the corpus into a temporary one)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=0, help="also measure with this many concurrent clients")
    ap.add_argument("--judgments", type=Path, default=ROOT / "tests" / "data" / "search_judgments.json")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()

    from lawgov_nlp.indexing.index import build_index
    from lawgov_nlp.web import create_app
    from lawgov_nlp.web.server import BackgroundServer

    queries = [q["query"] for q in json.loads(args.judgments.read_text(encoding="utf-8"))["queries"]]
    tmp = None
    index = args.index
    if index is None:
        tmp = tempfile.TemporaryDirectory(prefix="lawgov-bench-serve-")
        index = Path(tmp.name) / "corpus"
        build_index([ROOT / "corpus"], index, cache=True)  # default encoder, the user's embedding cache
    app = create_app(index)
    m = app.state.handle.current().manifest
    out: dict = {"index": str(index), "documents": m.documents, "clauses": m.clauses, "encoder": m.encoder, "queries": len(queries),
                 "rounds": args.rounds}
    with BackgroundServer(app) as server:
        for q in queries:  # warm-up round, not counted
            ask(server.url, q)
        rounds = []
        for _ in range(args.rounds):
            samples = [ask(server.url, q) for q in queries]
            rounds.append(samples)
        server_ms = [s for r in rounds for s, _ in r]
        trip_ms = [t for r in rounds for _, t in r]
        out["sequential"] = {
            "server_p50_ms": round(pct(server_ms, 0.5), 1), "server_p95_ms": round(pct(server_ms, 0.95), 1),
            "roundtrip_p50_ms": round(pct(trip_ms, 0.5), 1), "roundtrip_p95_ms": round(pct(trip_ms, 0.95), 1),
            "server_p95_per_round_ms": [round(pct([s for s, _ in r], 0.95), 1) for r in rounds],
            "server_p95_median_of_rounds_ms": round(statistics.median(pct([s for s, _ in r], 0.95) for r in rounds), 1),
        }
        if args.clients:
            lock = threading.Lock()
            got: list[tuple[float, float]] = []

            def client(offset: int) -> None:
                for _ in range(args.rounds):
                    for q in queries[offset:] + queries[:offset]:
                        r = ask(server.url, q)
                        with lock:
                            got.append(r)

            threads = [threading.Thread(target=client, args=(k * 7 % len(queries),)) for k in range(args.clients)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            out["concurrent"] = {
                "clients": args.clients, "requests": len(got), "throughput_rps": round(len(got) / wall, 1),
                "server_p50_ms": round(pct([s for s, _ in got], 0.5), 1), "server_p95_ms": round(pct([s for s, _ in got], 0.95), 1),
                "roundtrip_p50_ms": round(pct([t for _, t in got], 0.5), 1), "roundtrip_p95_ms": round(pct([t for _, t in got], 0.95), 1),
            }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
