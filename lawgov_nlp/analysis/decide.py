"""One decision rule, from signal matrices to statuses, evidence and additions.

``decide`` is the only place a status is chosen; ``scripts/calibrate_diff.py`` calls it with other
thresholds rather than re-implementing it. The rule, as a reviewer would state it:

1. A passage's evidence for an item is the distinctive content of the item it carries (``signals``).
   It counts fully when the item is the passage's best match among all items (mutual best), and
   ``shared_discount`` of it when the passage carries another item better.
2. The item's score is its best passage's evidence plus ``breadth_weight`` of the distinctive terms
   the document carries for it elsewhere.
3. ≥ ``implemented_at``: implemented; ≥ ``partial_at``: partial (a mention, or a narrow slice);
   below: omitted. Items with body text use the ``body_*`` thresholds (a share of their own words).
4. In an annual report, evidence that only sits in the shortcomings or next-year sections earns at
   most partial: a plan is not work done.
5. A clause is a local addition only when no passage of it carries any item's distinctive term or
   stands out on the dense signal, and no item cites it: statuses and additions cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import DiffConfig
from .results import Status

# reasons a status was chosen, for explain
RULE_STRONG, RULE_MENTION, RULE_OUTLOOK, RULE_NONE, RULE_NA = "strong", "mention", "outlook", "none", "not_applicable"


@dataclass
class Decision:
    status: list[Status]
    score: np.ndarray  # per item: its evidence score
    rule: list[str]  # per item: which part of the rule decided
    best: np.ndarray  # per item: its best passage (-1 when the target has none)
    evidence: list[list[int]] = field(default_factory=list)  # per item: supporting passages, best first, one per clause
    additions: list[int] = field(default_factory=list)  # unit indices
    focus: float = 0.0  # share of passages that carry some item
    thresholds: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # per item: (implemented_at, partial_at)


def thresholds(has_body: np.ndarray, config: DiffConfig) -> np.ndarray:
    impl = np.where(has_body, config.body_implemented_at, config.implemented_at)
    part = np.where(has_body, config.body_partial_at, config.partial_at)
    return np.stack([impl, part], axis=1)


def decide(sig: dict[str, np.ndarray], passage_unit: np.ndarray, outlook: np.ndarray, doc_terms: np.ndarray,
           has_body: np.ndarray, totals: np.ndarray, not_applicable: np.ndarray, addable: np.ndarray, config: DiffConfig) -> Decision:
    """Statuses and evidence from the ``signals`` matrices of one target.

    ``passage_unit``: unit of each passage; ``outlook``: passage lies in a shortcomings/plans section
    of an annual report; ``doc_terms``: per item, its distinctive mass over the whole document;
    ``not_applicable``: the rules file says the item does not apply to this target; ``addable``:
    per unit, whether it could be a local addition at all (a numbered clause of some length)."""
    ev = sig["evidence"]
    n_items, n_pass = ev.shape
    th = thresholds(has_body, config)
    if n_pass == 0:
        st = [Status.NOT_APPLICABLE if na else Status.OMITTED for na in not_applicable]
        return Decision(st, np.zeros(n_items), [RULE_NA if na else RULE_NONE for na in not_applicable], np.full(n_items, -1), [[] for _ in st], [], 0.0, th)
    best_item = ev.argmax(axis=0)
    own = best_item[None, :] == np.arange(n_items)[:, None]
    eff = np.where(own, ev, config.shared_discount * ev)
    best = eff.argmax(axis=1)
    norm = np.where(has_body, np.maximum(totals, 1e-9), 1.0)
    best_mass = sig["mass"][np.arange(n_items), best]
    breadth = config.breadth_weight * np.maximum(0.0, doc_terms - best_mass) / norm
    score = eff.max(axis=1) + breadth
    done = np.where(outlook[None, :], 0.0, eff)  # evidence of work done (outlook passages excluded)
    score_done = done.max(axis=1) + np.where(done.max(axis=1) > 0, breadth, 0.0)
    statuses, rules, evidence = [], [], []
    for i in range(n_items):
        impl, part = th[i]
        if (score_done[i] if config.cap_report_outlook else score[i]) >= impl:
            s, r = Status.IMPLEMENTED, RULE_STRONG
        elif score[i] >= impl:
            s, r = Status.PARTIAL, RULE_OUTLOOK
        elif score[i] >= part:
            s, r = Status.PARTIAL, RULE_MENTION
        else:
            s, r = Status.OMITTED, RULE_NONE
        if not_applicable[i] and s is Status.OMITTED:
            s, r = Status.NOT_APPLICABLE, RULE_NA
        statuses.append(s)
        rules.append(r)
        picked: list[int] = []
        if s in (Status.IMPLEMENTED, Status.PARTIAL):
            floor = max(part, config.match_share * float(eff[i].max()))
            seen: set[int] = set()
            for p in np.argsort(-eff[i], kind="stable"):
                if eff[i, p] < floor or len(picked) >= config.max_matches:
                    break
                u = int(passage_unit[p])
                if u not in seen:
                    seen.add(u)
                    picked.append(int(p))
        evidence.append(picked)
    carrying = ev >= th[:, 1:2]
    focus = float(carrying.any(axis=0).mean())
    # additions: clauses no item cites and none of whose passages carries any item's distinctive term
    n_units = len(addable)
    touched = np.zeros(n_units, dtype=bool)
    np.logical_or.at(touched, passage_unit, (sig["anchor"] > 0).any(axis=0) | (sig["dense_z"] >= config.dense_z).any(axis=0) | carrying.any(axis=0))
    cited = {int(passage_unit[p]) for ps in evidence for p in ps}
    additions = [u for u in range(n_units) if addable[u] and not touched[u] and u not in cited]
    return Decision(statuses, np.round(score, 4), rules, best, evidence, additions, round(focus, 4), th)
