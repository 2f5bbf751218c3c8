"""Cost of building an index of a collection, by stage, with N workers, on the local engine or Ray.

    python scripts/bench_build.py [PATHS…] [--workers 1,2] [--engine local|ray] [--runs 3] [--add DOC] [--json out.json]

PATHS default to ``corpus/`` and the shared collection (``../shared/collection/docs``). Each run
builds a fresh index in a child process (so its peak RSS is its own) with the user's embedding
cache: a *cached rebuild* when the cache already holds the collection's embeddings (the manifest's
``embedded`` says how many texts were encoded; it should be 0). Stage times come from the library's
progress callback: a stage runs from its first tick to its last (reading and tokenizing overlap,
by design). ``--add DOC`` then times ``add_to_index`` of DOC, under a new id, into a copy of the
built index (median over the runs), and reports it as a share of the median rebuild.

Prints a markdown table and the machine's load before and after; ``--json`` keeps every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the shared collection beside the repository (or beside the folder of worktrees)
COLLECTION = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared") / "collection" / "docs"


def child(paths: list[str], out: str, workers: int, engine: str, add: str | None, inplace: bool) -> None:
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    stages: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        s = stages.setdefault(stage, [now, now, 0])
        s[1] = now
        s[2] = total

    cache = EmbeddingCache()
    if inplace:  # rebuild over an index of the same documents: its tokens are reused (untimed first build)
        from lawgov_nlp.indexing.index import build_index

        build_index(paths, out, cache=cache, workers=workers)
        stages.clear()
    r0, k0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = r0.ru_utime + r0.ru_stime + k0.ru_utime + k0.ru_stime
    t = time.perf_counter()
    if engine == "ray":
        from lawgov_nlp.indexing.distributed import build_distributed

        m = build_distributed(paths, out, cache=cache, workers=workers, progress=progress)
    else:
        from lawgov_nlp.indexing.index import build_index

        m = build_index(paths, out, cache=cache, workers=workers, progress=progress)
    wall = time.perf_counter() - t
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    res = {"wall_s": wall, "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime - cpu0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
           "documents": m.documents, "clauses": m.clauses, "sentences": m.sentences, "embedded": m.embedded,
           "factory": m.faiss_factory, "stages": {k: {"s": v[1] - v[0], "total": v[2]} for k, v in stages.items()}}
    if add:
        from lawgov_nlp.indexing.index import add_to_index

        work = Path(tempfile.mkdtemp(prefix="lawgov-bench-add-"))
        doc = work / f"bench-added-{Path(add).stem}{Path(add).suffix}"
        shutil.copyfile(add, doc)
        copy = work / "copy"
        shutil.copytree(out, copy, symlinks=True)
        from lawgov_nlp.indexing.index import open_index

        open_index(copy, load_encoder=False).close()  # the copy's files are new: verify once, untimed
        t = time.perf_counter()
        add_to_index([doc], copy, cache=cache)
        res["add_s"] = time.perf_counter() - t
        shutil.rmtree(work)
    print(json.dumps(res))


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--engine", default="local", choices=["local", "ray"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--add", help="a small document to add to each built index")
    ap.add_argument("--inplace", action="store_true", help="time a rebuild over an index of the same documents (tokens reused)")
    ap.add_argument("--json")
    ap.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        out, workers, engine, add, inplace, paths = args.child
        child(json.loads(paths), out, int(workers), engine, None if add == "-" else add, inplace == "1")
        return
    paths = args.paths or [str(ROOT / "corpus"), str(COLLECTION)]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}; load before: {load()}; {'rebuild over the same index' if args.inplace else 'fresh index'} each run")
    results = []
    for w in [int(x) for x in args.workers.split(",")]:
        runs = []
        for r in range(args.runs):
            work = Path(tempfile.mkdtemp(prefix="lawgov-bench-build-"))
            cmd = [sys.executable, __file__, "--child", str(work / "idx"), str(w), args.engine, args.add or "-", "1" if args.inplace else "0", json.dumps(paths)]
            la = load()
            p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            shutil.rmtree(work, ignore_errors=True)
            if p.returncode != 0:
                raise SystemExit(p.stderr[-3000:])
            run = json.loads(p.stdout.strip().splitlines()[-1])
            run["load"] = la
            runs.append(run)
            print(f"  workers {w} run {r + 1}: {run['wall_s']:.1f} s, embedded {run['embedded']}, load {la}", flush=True)
        med = {k: statistics.median(x[k] for x in runs) for k in ("wall_s", "cpu_s", "rss_mb", "rss_children_mb")}
        stage_names = list(dict.fromkeys(s for x in runs for s in x["stages"]))
        med["stages"] = {s: statistics.median(x["stages"][s]["s"] for x in runs if s in x["stages"]) for s in stage_names}
        if args.add:
            med["add_s"] = statistics.median(x["add_s"] for x in runs)
        results.append({"workers": w, "engine": args.engine, "inplace": args.inplace, "runs": runs, "median": med, **{k: runs[0][k] for k in ("documents", "clauses", "sentences", "factory")}})
    print(f"load after: {load()}\n")
    stages = list(dict.fromkeys(s for r in results for s in r["median"]["stages"]))
    head = ["engine", "workers", "clauses", "wall (median)", "CPU (main + workers)", "clauses/s", "per worker"] + stages + ["peak RSS (main, largest worker)"]
    if args.add:
        head += ["add one doc", "add ÷ rebuild"]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for r in results:
        m = r["median"]
        row = [r["engine"], str(r["workers"]), f"{r['clauses']:,}", f"{m['wall_s']:.1f} s", f"{m['cpu_s']:.1f} s", f"{r['clauses'] / m['wall_s']:.0f}",
               f"{r['clauses'] / m['wall_s'] / r['workers']:.0f}"]
        row += [f"{m['stages'][s]:.1f} s" if s in m["stages"] else "—" for s in stages]
        row.append(f"{m['rss_mb']:.0f} MB, {m['rss_children_mb']:.0f} MB")
        if args.add:
            row += [f"{m['add_s']:.2f} s", f"{100 * m['add_s'] / m['wall_s']:.1f}%"]
        print("| " + " | ".join(row) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "paths": paths, "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
