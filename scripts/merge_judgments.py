"""Merge independently written judgments into tests/data/search_judgments.json, keeping provenance.

    python scripts/merge_judgments.py --blind search_judgments_blind.json \
        [--additions search_judgments_collection_additions.json]

- ``--blind``: new queries written from the documents alone by annotators who never saw the
  system's output; each is marked ``"blind": true, "source": "blind"``.
- ``--additions``: relevant collection clauses for the existing queries (q01–q36), written the
  same blind way; each added entry is marked ``"source": "collection-additions"``.
The project's own 36 queries keep ``"blind": false, "source": "project"``. Run it again with
newer files and it rebuilds the merge from the project queries (it never loses them).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "data" / "search_judgments.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--blind", type=Path, required=True)
    ap.add_argument("--additions", type=Path)
    ap.add_argument("--target", type=Path, default=TARGET)
    args = ap.parse_args()
    cur = json.loads(args.target.read_text(encoding="utf-8"))
    project = [q for q in cur["queries"] if q.get("source", "project") == "project"]
    for q in project:
        q["blind"], q["source"] = False, "project"
        q.setdefault("scope", "corpus")
        q["relevant"] = [r for r in q["relevant"] if r.get("source") != "collection-additions"]
    sources = [{"source": "project", "queries": len(project),
                "description": cur.get("project_description") or cur["description"]}]
    if args.additions:
        add = json.loads(args.additions.read_text(encoding="utf-8"))
        by_id = {q["id"]: q for q in project}
        # either {"additions": {qid: [entries]}, "notes": {qid: note}} or {"queries": [{"id", "relevant"}]}
        entries = add["additions"] if "additions" in add else {e["id"]: e["relevant"] for e in add["queries"]}
        n = 0
        for qid, rel in entries.items():
            q = by_id[qid]
            new = [{**r, "source": "collection-additions"} for r in rel]
            q["relevant"].extend(new)
            n += len(new)
            if new:
                q["scope"] = "both"
            if add.get("notes", {}).get(qid):
                q["collection_note"] = add["notes"][qid]
        sources.append({"source": "collection-additions", "entries": n, "file": args.additions.name, "description": add.get("description", "")})
    blind = json.loads(args.blind.read_text(encoding="utf-8"))
    bq = [{**q, "blind": True, "source": "blind"} for q in blind["queries"]]
    sources.append({"source": "blind", "queries": len(bq), "file": args.blind.name, "description": blind.get("description", "")})
    ids = [q["id"] for q in project + bq]
    assert len(ids) == len(set(ids)), "duplicate query ids"
    out = {
        "description": ("Relevance judgments for lawgov-nlp search over the six corpus documents and the 595 collection "
                        "documents (doc id = file stem). 'blind': written from the documents alone by annotators who never "
                        "saw the system's output; 'source' says which set a query (or an added entry) comes from; 'scope' says "
                        "where its relevant clauses are (corpus, collection, both). An entry naming a document that is not in "
                        "the index being evaluated is not counted for that index."),
        "project_description": sources[0]["description"],
        "sources": sources,
        "queries": project + bq,
    }
    args.target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.target}: {len(out['queries'])} queries ({len(bq)} blind)")


if __name__ == "__main__":
    main()
