"""Accuracy of metadata read from the text, against the collection's manifest.csv and the seeds' manifest.toml.

    python scripts/eval_metadata.py [--collection ../shared/collection] [--errors FIELD] [--half dev|held-out] [--json FILE]

Each collection document is read without its manifest; even data rows of manifest.csv are the
development half the rules were written on, odd rows are held out. The six seeds are read from a
copy of corpus/ without manifest.toml. What counts as a match, and what is left out because the
manifest cannot be compared with the text, is in lawgov_nlp/evaluation/metadata.py.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cell(v: tuple[int, int]) -> str:
    ok, n = v
    return f"{ok / n:.2f} ({ok}/{n})" if n else "–"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = next((d / "shared" / "collection" for d in (ROOT.parent, ROOT.parent.parent) if (d / "shared" / "collection").exists()),
                   ROOT.parent / "shared" / "collection")
    ap.add_argument("--collection", type=Path, default=default)
    ap.add_argument("--limit", type=int, default=None, help="only the first N collection rows")
    ap.add_argument("--errors", default=None, help="list the mismatches of one field (title, issuer, year, type)")
    ap.add_argument("--half", default="dev", help="which half --errors lists (dev, held-out, seeds)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from lawgov_nlp.evaluation.metadata import FIELDS, accuracy_table, score_collection, score_seeds

    rows = score_collection(args.collection, args.limit) if args.collection.exists() else []
    if not rows:
        print(f"{args.collection}: no collection; seeds only", file=sys.stderr)
    seeds = score_seeds(ROOT / "corpus")
    table = accuracy_table(rows) + accuracy_table(seeds, FIELDS + ("level",))[:1]
    print("| source | half | docs | " + " | ".join(FIELDS) + " | level |")  # type: ignore[operator]
    print("| --- | --- | ---: | " + " | ".join("---:" for _ in FIELDS) + " | ---: |")
    for t in table:
        print(f"| {t['source']} | {t['half']} | {t['documents']} | " + " | ".join(_cell(t[f]) for f in FIELDS)
              + f" | {_cell(t['level']) if 'level' in t else '–'} |")
    if args.errors:
        for r in rows + seeds:
            if r.half == args.half and r.results.get(args.errors) is False:
                ours, gold = r.shown[args.errors]
                print(f"{r.doc_id}\tours={ours!r}\tmanifest={gold!r}")
    if args.json:
        args.json.write_text(json.dumps({"table": table, "rows": [r.__dict__ for r in rows + seeds]}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
