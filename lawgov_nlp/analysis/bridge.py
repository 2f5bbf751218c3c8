"""Two local documents compared through the national outline they both implement.

A local plan used as the reference restates the 纲要's items in its own words and adds some of its
own. Read against a target by its body text alone, an item is a share of its own words found there
(``body_*`` thresholds): a local plan's wording is the plan's, and a report does the same work in
other words, so that reading is weak (``scripts/calibrate_diff.py --body``). A reviewer asks the
question through the 纲要: a county report does the city plan's item on 行政复议 as far as it does the
national item on 行政复议 that the plan's item restates.

With ``via`` (the outline), each reference item is mapped to the national item it carries best, by
the reference's own diff against the outline; the target's status for the reference item is then its
status for that national item, with that evidence and a reason that names the national item. An item
that restates no national item (a local addition of the plan) keeps the body-text decision.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .results import DocAlignment, ItemResult, Match, Status, Unit


@dataclass(frozen=True)
class ItemLink:
    """A reference item and the national item it restates."""

    item: int  # index among the reference's items
    national: int  # index among the outline's items
    evidence: float  # the best evidence one of the item's passages gives the national item

    def to_dict(self, items: list[Unit], national: list[Unit]) -> dict:
        a, b = items[self.item], national[self.national]
        return {"item": a.path_label, "heading": a.heading, "national": b.path_label, "national_heading": b.heading,
                "evidence": round(self.evidence, 4)}


def link_items(items: list[Unit], unit_of_passage: np.ndarray, unit_ids: list[str], evidence: np.ndarray,
               national_status: list[Status], implemented_at: np.ndarray) -> list[ItemLink]:
    """Array-level core: which national item each reference item restates.

    ``evidence``: national items × the reference's passages (the outline's ``signals``);
    ``unit_of_passage`` / ``unit_ids``: the clause id of each passage; ``national_status``: the
    reference's own status for each national item; ``implemented_at``: each national item's threshold
    for implemented. A reference item links to the national item its passages carry best, when the
    reference implements that item and one passage of the item carries it as a task would (at least
    its implemented threshold); else to nothing: a local item of its own, or one that only mentions a
    national item (a plan's 法制机构 item naming 重大行政决策 in passing restates no 决策 item)."""
    by_clause: dict[str, list[int]] = {}
    for p, u in enumerate(unit_of_passage):
        by_clause.setdefault(unit_ids[int(u)], []).append(p)
    usable = np.array([st is Status.IMPLEMENTED for st in national_status], dtype=bool)
    if not usable.any():
        return []
    links = []
    for k, item in enumerate(items):
        ps = by_clause.get(item.clause_id)
        if not ps:
            continue
        best = np.where(usable[:, None], evidence[:, ps], -np.inf).max(axis=1)
        n = int(best.argmax())
        if best[n] >= implemented_at[n] and best[n] > 0:
            links.append(ItemLink(k, n, float(best[n])))
    return links


def bridged(body: DocAlignment, national: DocAlignment, links: list[ItemLink], national_items: list[Unit]) -> DocAlignment:
    """Text-level wrapper: the body-text alignment of a target, with every linked item's status,
    evidence and reason taken from the target's alignment with the outline. Additions that a bridged
    item cites are dropped (a status and an addition cannot disagree). When most items are bridged,
    whether the document looks unrelated, and the notes saying so, are those of the outline's reading:
    the statuses are mostly its."""
    results = list(body.items)
    for link in links:
        own, nat = results[link.item], national.items[link.national]
        n = national_items[link.national]
        # offsets into the national item's text mean nothing against the reference item's
        strip = [replace(m, ref_spans=[]) for m in nat.matches]
        near = [replace(m, ref_spans=[]) for m in nat.near_misses]
        through = f"{(n.path or [''])[-1]}{n.heading}"
        why = f"judged through {through}, the national item it restates: {nat.reason}"
        # the policy terms shown are those the status was decided with: the national item's
        results[link.item] = ItemResult(own.ref, nat.status, nat.score, strip, why, nat.expanded_terms, near, subtasks=nat.subtasks,
                                        through=through)
    cited = {m.clause_id for r in results for m in r.matches}
    # a clause is an addition when no final item cites it and neither reading found an item in it
    seen: set[str] = set()
    additions: list[Match] = []
    for a in [*national.additions, *body.additions]:
        if a.clause_id not in cited and a.clause_id not in seen:
            seen.add(a.clause_id)
            additions.append(a)
    if 2 * len(links) < len(results):
        return replace(body, items=results, additions=additions, notes=list(body.notes))
    # the reference's own period note stays (the outline's compares the 纲要 with the target)
    period = [n for n in body.notes if n.startswith("this document belongs to the")]
    notes = [n for n in national.notes if not n.startswith("this document belongs to the")] + period
    return replace(body, items=results, additions=additions, notes=notes, unrelated=national.unrelated, focus=national.focus)
