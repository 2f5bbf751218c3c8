"""How far two careful readers agree on diff-plans statuses, and where the tool stands between them.

    python scripts/agreement_diff.py            # every tests/data/diff_gold2/*.json against its first-reader gold file

A second reader labelled some gold documents again, from the document and the outline alone (never
seeing the first labels, the tool or its term lists; the brief is in each file's ``annotator_note``
and in tests/data/diff_gold2/README.md). Agreement between the two readers is the ceiling a status
rule can be expected to reach on these labels. Prints, per document: items, raw agreement and Cohen's
kappa between the readers, the tool's accuracy against each reader (DiffConfig defaults, e5: the
defaults were fitted on the first readers' labels of all seven gold documents, so "tool vs first" is
in-sample and "tool vs second" is not), the tool's accuracy on the items the two readers agree on,
and against the consensus (tests/data/diff_gold_consensus: the first labels with every disputed item
decided by a third reader from the document, who saw both readers' notes but not the tool).
"""
from __future__ import annotations

import argparse
import glob
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ["implemented", "partial", "omitted", "not_applicable"]


def kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in LABELS) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def _vs(gold: dict | None, tool: dict[str, str], refs: list[str]) -> str:
    if gold is None:
        return "—"
    g = {it["ref"]: it["status"] for it in gold["items"]}
    return f"{sum(tool[r] == g[r] for r in refs) / len(refs):.3f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("second", nargs="*", help="second-reader files (default tests/data/diff_gold2/*.json)")
    ap.add_argument("--encoder", default="e5")
    args = ap.parse_args()
    from lawgov_nlp.analysis.align import Aligner
    from lawgov_nlp.evaluation.diff import find_target, load_gold
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.reading.corpus import load_path

    seconds = args.second or sorted(glob.glob(str(ROOT / "tests" / "data" / "diff_gold2" / "*.json")))
    firsts = {load_gold(p)["target"]: (p, load_gold(p)) for p in glob.glob(str(ROOT / "tests" / "data" / "diff_gold_*.json"))
              if "_local_" not in p}
    al = None
    consensus = {load_gold(p)["target"]: load_gold(p) for p in glob.glob(str(ROOT / "tests" / "data" / "diff_gold_consensus" / "*.json"))}
    print("| document | items | readers agree | kappa | tool vs first | tool vs second | tool where readers agree (n) | tool vs consensus |")
    print("|---|---|---|---|---|---|---|---|")
    confusion: Counter = Counter()
    for path in seconds:
        second = load_gold(path)
        fpath, first = firsts[second["target"]]
        if al is None:
            al = Aligner(load_path(find_target(first["reference"], [ROOT / "corpus"], Path(fpath))), args.encoder, EmbeddingCache())
        res = al.align(load_path(find_target(first["target"], [ROOT / "corpus"], Path(fpath))))
        tool = {it.ref.path[-1]: it.status.value for it in res.items}
        a = {it["ref"]: it["status"] for it in first["items"]}
        b = {it["ref"]: it["status"] for it in second["items"]}
        refs = [r for r in tool if r in a and r in b]
        la, lb, lt = [a[r] for r in refs], [b[r] for r in refs], [tool[r] for r in refs]
        agree = [k for k in range(len(refs)) if la[k] == lb[k]]
        confusion.update((x, y) for x, y in zip(la, lb) if x != y)
        n = len(refs)
        print(f"| {first['target']} | {n} | {len(agree) / n:.3f} | {kappa(la, lb):.2f} | "
              f"{sum(x == y for x, y in zip(lt, la)) / n:.3f} | {sum(x == y for x, y in zip(lt, lb)) / n:.3f} | "
              f"{sum(lt[k] == la[k] for k in agree) / max(len(agree), 1):.3f} ({len(agree)}) | {_vs(consensus.get(first['target']), tool, refs)} |")
    print("\nwhere the readers disagree (first → second): " + ", ".join(f"{x} → {y} {c}" for (x, y), c in confusion.most_common()))


if __name__ == "__main__":
    main()
