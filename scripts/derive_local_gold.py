"""Derive gold labels for local-against-local comparisons from the outline gold files.

    python scripts/derive_local_gold.py

The Handan district plan follows the national 纲要 item by item: its gold file cites, for every
national task item, the local item that carries it (local （一）…（三十） = national （四）…（三十四）,
with national （二十） split into local （十五）/（十六）). So a document's gold status for national item
N is also its status for the local item that restates N. This writes, for every other gold target,
``tests/data/diff_gold_local_handan_<name>.json`` with the Handan plan as the reference: a body-text
reference, calibrated on its own (``scripts/calibrate_diff.py --body``). The labels are derived, not
read afresh: where the local item is narrower or wider than the national one, they are approximate.
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
HANDAN = "hebei-handan-district-plan-2021-2025"
FRAMEWORK = {"（一）", "（二）", "（三）"}  # national framework items: the plan states them in its preamble, not as items


def main() -> None:
    handan = json.loads((DATA / "diff_gold_handan_plan.json").read_text(encoding="utf-8"))
    local_of: dict[str, list[str]] = {}
    for it in handan["items"]:
        if it["ref"] in FRAMEWORK:
            continue
        local = sorted({e["path"][-1] for e in it.get("evidence", []) if len(e["path"]) >= 2})
        if local:
            local_of[it["ref"]] = local
    for src in sorted(DATA.glob("diff_gold_*.json")):
        gold = json.loads(src.read_text(encoding="utf-8"))
        if gold["target"] == HANDAN or gold.get("reference", "gangyao-2021-2025-outline") != "gangyao-2021-2025-outline":
            continue
        items = []
        for it in gold["items"]:
            for local in local_of.get(it["ref"], []):
                items.append({"ref": local, "status": it["status"], "evidence": it.get("evidence", []),
                              "note": f"derived from national {it['ref']}{it.get('heading', '')}: {it.get('note', '')}".strip()})
        items.sort(key=lambda x: [k for k in local_of.values() for k in k].index(x["ref"]))
        out = DATA / f"diff_gold_local_handan_{src.stem.removeprefix('diff_gold_')}.json"
        out.write_text(json.dumps({
            "reference": HANDAN, "target": gold["target"],
            "annotator_note": f"Derived by scripts/derive_local_gold.py from {src.name} (the national-outline labels) through the Handan plan's own item-to-item correspondence; not a fresh reading.",
            "additions": [], "items": items,
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(out.name, len(items), "items")


if __name__ == "__main__":
    main()
