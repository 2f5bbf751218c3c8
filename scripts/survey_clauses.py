"""Clause lengths over a folder of documents: how often segmentation leaves giant clauses.

    python scripts/survey_clauses.py [/work/shared/collection/docs] [--long 3000] [--json out.json] [--list]

Reads every document (txt/html/docx) under the folder with the project's reader, and reports the
distribution of clause lengths (characters of each clause's own text), the clauses longer than
``--long`` characters with their document, kind and numbering, and the documents that carry a
"numbering may have been missed" warning. Used for the before/after table in BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

BUCKETS = [0, 200, 500, 1000, 2000, 3000, 5000, 10000, 20000, 10**9]


def bucket(n: int) -> str:
    for lo, hi in zip(BUCKETS, BUCKETS[1:]):
        if lo <= n < hi:
            return f"{lo}-{hi - 1}" if hi < 10**9 else f"{lo}+"
    return "?"


def cause(c) -> str:
    """Why a clause is long, from its text: the classes the survey found over the collection."""
    lines = c.text.split("\n")
    if c.kind == "annex" and any(ln.startswith("序号") or "序号" in ln[:12] for ln in lines):
        return "a table in an annex whose columns the table reader does not know"
    if max(len(ln) for ln in lines) > 3000 and len(lines) <= 3:
        return "no line breaks (a whole report on one line)"
    if len(lines) >= 3:
        return "unnumbered paragraphs under one numbered heading"
    return "other"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default="/work/shared/collection/docs")
    ap.add_argument("--long", type=int, default=3000)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--list", action="store_true", help="print every long clause")
    args = ap.parse_args()
    from lawgov_nlp.reading.document import iter_paths, load_document

    files = list(iter_paths([args.folder]))
    hist: Counter[str] = Counter()
    long: list[dict] = []
    docs_long: Counter[str] = Counter()
    warned = 0
    total = 0
    errors: list[str] = []
    t0 = time.perf_counter()
    for f in files:
        try:
            doc = load_document(f)
        except Exception as exc:  # the survey reports every failure, it does not stop on one
            errors.append(f"{f}: {type(exc).__name__}: {exc}")
            continue
        if any("numbering may have been missed" in w for w in doc.warnings):
            warned += 1
        for c in doc.clauses:
            n = len(c.text)
            total += 1
            hist[bucket(n)] += 1
            if n > args.long:
                docs_long[doc.doc_id] += 1
                long.append({"doc_id": doc.doc_id, "path": "/".join(c.path), "kind": c.kind, "numbering": c.numbering,
                             "chars": n, "cause": cause(c), "start": c.text[:40].replace("\n", "⏎")})
    secs = time.perf_counter() - t0
    print(f"{len(files)} files, {total} clauses, read in {secs:.1f} s; {len(errors)} errors")
    print(f"{'chars':>12} {'clauses':>8}")
    for lo, hi in zip(BUCKETS, BUCKETS[1:]):
        key = bucket(lo)
        print(f"{key:>12} {hist.get(key, 0):>8}")
    print(f"clauses over {args.long}: {len(long)} in {len(docs_long)} documents; by kind: "
          + ", ".join(f"{k} {v}" for k, v in Counter(x['kind'] + ('/' + x['numbering'] if x['numbering'] else '') for x in long).most_common()))
    print(f"documents warned 'numbering may have been missed': {warned}")
    for why, n in Counter(x["cause"] for x in long).most_common():
        print(f"  {n:>4}  {why}")
    print(f"longest clause: {max((x['chars'] for x in long), default=0):,} characters")
    if args.list:
        for x in sorted(long, key=lambda x: -x["chars"]):
            print(f"  {x['chars']:>7} {x['doc_id']:<22} {x['kind']:<9} {x['path'][:30]:<30} {x['start']}")
    for e in errors:
        print("error:", e, file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({"files": len(files), "clauses": total, "histogram": dict(hist), "long": long,
                                         "warned": warned, "errors": errors}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
