"""Local additions of diff-plans against exhaustive clause labels (tests/data/diff_additions).

    python scripts/eval_additions.py [LABELS.json ...] [--set KEY=VALUE]

Each label file lists every substantive clause of one corpus document, by a verbatim phrase, as an
addition (content no item of the 2021–2025 outline covers) or not (covered by an item, a mix judged
by its main content, or not content: the document's own stages, shortcomings, framing), written by
a reader blind to the tool. A tool addition is right when it holds the phrase of a clause labelled
an addition, wrong when the phrases it holds are all of clauses labelled otherwise. Recall counts
the labelled additions whose phrase lies in some tool addition (annex rows that repeat a body clause
share its phrase). The rule was revised after a first run against these labels (README).
"""
from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("labels", nargs="*")
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a DiffConfig value other than the default")
    args = ap.parse_args()
    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.config import DiffConfig
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.reading.normalize import normalize

    try:
        cfg = DiffConfig().with_settings(args.set)
    except ValueError as exc:
        ap.error(str(exc))
    al = Aligner(load_path(ROOT / "corpus" / "gangyao-2021-2025-outline.txt"), args.encoder, EmbeddingCache(), config=cfg)
    paths = args.labels or sorted(glob.glob(str(ROOT / "tests" / "data" / "diff_additions" / "*.json")))
    print("| document | labelled clauses | labelled additions | found | tool additions | right | wrong | unlabelled |")
    print("|---|---|---|---|---|---|---|---|")
    tot = [0] * 7
    for p in paths:
        g = json.loads(Path(p).read_text(encoding="utf-8"))
        a = al.align(load_path(ROOT / "corpus" / f"{g['target']}.txt"))
        texts = [normalize(x.text) for x in a.additions]
        labels = [(normalize(c["contains"]), bool(c["addition"])) for c in g["clauses"]]
        wanted = {ph for ph, add in labels if add}
        found = sum(any(ph in t for t in texts) for ph in wanted)
        right = wrong = unknown = 0
        for t in texts:
            hit = [add for ph, add in labels if ph in t]
            right += any(hit)
            wrong += bool(hit) and not any(hit)
            unknown += not hit
        row = [len(labels), len(wanted), found, len(texts), right, wrong, unknown]
        tot = [x + y for x, y in zip(tot, row)]
        print(f"| {g['target']} | " + " | ".join(map(str, row)) + " |")
    print("| **all** | " + " | ".join(f"**{x}**" for x in tot) + " |")
    judged = tot[4] + tot[5]
    print(f"\nprecision {tot[4]}/{judged} = {tot[4] / max(judged, 1):.2f}, recall {tot[2]}/{tot[1]} = {tot[2] / max(tot[1], 1):.2f}")


if __name__ == "__main__":
    main()
