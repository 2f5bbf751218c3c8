"""Write lawgov_nlp/data/term_df.tsv: in how many documents of the collection each term occurs.

    python scripts/build_term_df.py [--collection ../shared/collection/docs] [--corpus corpus]

diff-plans weights an item's distinctive terms by how rare they are across many real government
documents (the 595 of the shared collection plus the corpus), so that a term every work report
uses (政务服务) counts for little and one only 法治政府 texts use (行政调解) for much. Two kinds of
rows: every term of the outline's items (heading, heading words, policy and context terms), counted
as substrings of the normalized text; and every jieba word (search mode, so sub-words count too)
found in at least --min-df documents, for references with body text. A term absent from the table
is rarer than --min-df. Deterministic: same inputs, same file.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--collection", default=str(ROOT.parent / "shared" / "collection" / "docs"))
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--min-df", type=int, default=20)
    ap.add_argument("--floor", type=int, default=5)
    ap.add_argument("-o", "--output", default=str(ROOT / "lawgov_nlp" / "data" / "term_df.tsv"))
    args = ap.parse_args()

    from lawgov_nlp.analysis.model import reference_items
    from lawgov_nlp.analysis.terms import item_concepts, outline_terms
    from lawgov_nlp.indexing.lexical import _jieba, dictionary_hash
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.reading.document import iter_paths
    from lawgov_nlp.reading.ingest import read_file
    from lawgov_nlp.reading.normalize import normalize, strip_punct

    files = sorted(iter_paths([args.collection])) + sorted(iter_paths([args.corpus]))
    outline = load_path(Path(args.corpus) / "gangyao-2021-2025-outline.txt")
    terms = outline_terms()
    concepts: set[str] = set()
    for c in reference_items(outline):
        concepts.update(item_concepts(c.heading, "", terms.get(strip_punct(c.heading))))
    for t in terms.values():
        concepts.update(item_concepts("", "", t))
    tok = _jieba()
    sub_df: collections.Counter = collections.Counter()
    word_df: collections.Counter = collections.Counter()
    for k, f in enumerate(files, start=1):
        raw = read_file(f).text
        text = strip_punct(raw)
        sub_df.update(c for c in concepts if c in text)
        word_df.update({strip_punct(w) for w in tok.cut_for_search(normalize(raw)) if len(strip_punct(w)) >= 2})
        if k % 100 == 0:
            print(f"{k}/{len(files)}", file=sys.stderr)
    rows = {w: n for w, n in word_df.items() if n >= args.min_df and any("\u4e00" <= ch <= "\u9fff" for ch in w)}
    for c in concepts:
        rows[c] = max(rows.get(c, 0), sub_df[c])
    out = Path(args.output)
    with out.open("w", encoding="utf-8") as fh:
        fh.write("# term_df.tsv — document frequency of terms over the shared collection and the corpus (scripts/build_term_df.py)\n")
        fh.write(f"# version: {dt.date.today().isoformat()}-{len(files)}docs\n")
        fh.write(f"# documents: {len(files)}\n")
        fh.write(f"# floor: {args.floor}\n")
        fh.write(f"# min_df: {args.min_df} (jieba words rarer than this are not listed: treat them as rare)\n")
        fh.write(f"# dictionary: {dictionary_hash()}\n")
        for term in sorted(rows):
            fh.write(f"{term}\t{rows[term]}\n")
    print(f"{out}: {len(rows)} terms over {len(files)} documents")


if __name__ == "__main__":
    main()
