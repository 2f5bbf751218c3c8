"""One decision rule, from signal matrices to statuses, evidence and additions.

``decide`` is the only place a status is chosen; ``scripts/calibrate_diff.py`` calls it with other
thresholds rather than re-implementing it. The rule, as a reviewer would state it:

1. A passage's evidence for an item is the distinctive content of the item it carries (``signals``).
   It counts fully when the item is the passage's best match among all items (mutual best), and
   ``shared_discount`` of it when the passage carries another item better.
2. The item's score is its best passage's evidence, plus ``breadth_weight`` of the distinctive terms
   the document carries for it elsewhere, plus ``support_weight`` × log(1 + sentences that name it):
   a task is stated in several sentences, a mention in one.
3. ≥ ``implemented_at``: implemented; ≥ ``partial_at``: partial (a mention, or a narrow slice);
   below: omitted. Items with body text use the ``body_*`` thresholds (a share of their own words).
4. In an annual report, evidence that only sits in the shortcomings or next-year sections earns at
   most partial: a plan is not work done.
5. A document about one item (a State Council opinion on 三项制度, on 规范性文件 review: that item
   holds ``topical_share`` of the evidence its passages give their best items) handles the other
   items only as they serve its topic: they are at most partial, however concrete the measure.
6. In a document mostly about other things (under ``related_focus`` of its passages carry any item:
   a work report, a sector plan), only a passage that carries an item on its own counts, and a
   passing mention is not partial implementation. Such a document with little coverage is flagged
   as unrelated.
7. A clause is a local addition only when no passage of it names any item (one of its terms or a
   word of its heading: 放管服, 调解) or stands out on the dense signal, and no item cites it:
   statuses and additions cannot disagree. A report's shortcomings and next-year sections add nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import DiffConfig
from .results import Status
from .signals import DocTerms

# reasons a status was chosen, for explain
RULE_STRONG, RULE_MENTION, RULE_OUTLOOK, RULE_NONE, RULE_NA, RULE_PASSING = "strong", "mention", "outlook", "none", "not_applicable", "passing"
RULE_NARROW, RULE_TOPICAL = "narrow", "topical"


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
    score_done: np.ndarray | None = None  # per item: its score from work-done passages only (outlook sections left out)
    doc_terms: DocTerms | None = None  # what the target names of each item, for the sub-task checklist
    topic: int = -1  # the item the document is about, when it is about one (rule 5); -1 otherwise
    topic_share: float = 0.0  # the share of the evidence that item holds


def thresholds(has_body: np.ndarray, config: DiffConfig) -> np.ndarray:
    impl = np.where(has_body, config.body_implemented_at, config.implemented_at)
    part = np.where(has_body, config.body_partial_at, config.partial_at)
    return np.stack([impl, part], axis=1)


def item_scores(sig: dict[str, np.ndarray], outlook: np.ndarray, doc_terms: DocTerms, has_body: np.ndarray,
                totals: np.ndarray, config: DiffConfig, not_applicable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per item: its score, its score from work-done passages only, and per (item, passage) the
    evidence after the mutual-best discount; plus each item's best passage (steps 1–2 of the rule).
    In a document mostly about other things (focus below ``related_focus``), the scores are those of
    the single best passage: repeated passing mentions do not add up to a task. An item the rules say
    does not apply to the target (``not_applicable``) is credited only by passages that are about it
    (where it is the best item), never by a word shared with another task."""
    ev = sig["evidence"]
    n_items = ev.shape[0]
    best_item = ev.argmax(axis=0)
    own = best_item[None, :] == np.arange(n_items)[:, None]
    na = np.zeros(n_items, dtype=bool) if not_applicable is None else np.asarray(not_applicable, dtype=bool)
    eff = np.where(own, ev, np.where(na[:, None], 0.0, config.shared_discount) * ev)
    best = eff.argmax(axis=1)
    doc_mass, support = doc_terms.mass, doc_terms.support
    best_mass = sig["mass"][np.arange(n_items), best]
    # breadth counts for headings-only items: an item with body text has dozens of ordinary words,
    # which any long document spreads about; its evidence is the share one passage carries
    breadth = np.where(na | has_body, 0.0, config.breadth_weight * np.maximum(0.0, doc_mass - best_mass) + config.support_weight * np.log1p(support))
    top = eff.max(axis=1)
    done = np.where(outlook[None, :], 0.0, eff).max(axis=1)  # evidence of work done (outlook passages excluded)
    if document_focus(sig["mass"], has_body, totals, config) < config.related_focus:
        return top, done, eff, best
    return top + breadth, np.where(done > 0, done + breadth, 0.0), eff, best


def document_focus(mass: np.ndarray, has_body: np.ndarray, totals: np.ndarray, config: DiffConfig) -> float:
    """Share of the document's passages that carry some item's distinctive terms at least as a
    mention. Lexical evidence only: dense standard scores always have a tail, even in English."""
    if mass.size == 0:
        return 0.0
    share = mass / np.where(has_body, np.maximum(totals, 1e-9), 1.0)[:, None]
    return float((share >= thresholds(has_body, config)[:, 1:2]).any(axis=0).mean())


def document_topic(evidence: np.ndarray, has_body: np.ndarray, config: DiffConfig, focus: float = 1.0) -> tuple[int, float]:
    """The item a document is about, and its share: each passage that carries an item at least as a
    mention gives its evidence to its best item; when one item holds ``topical_share`` of it all, and
    more than any other, the document is about that item (-1 otherwise). Not for a document mostly
    about other things (``focus`` under ``related_focus``: its passing mentions are already nothing),
    nor for body-text items, whose evidence is a share of their own words, not mass comparable
    across items."""
    if not config.topical_share or evidence.size == 0 or has_body.any() or focus < config.related_focus:
        return -1, 0.0
    best = evidence.argmax(axis=0)
    top = evidence[best, np.arange(evidence.shape[1])]
    own = np.bincount(best, weights=np.where(top >= config.partial_at, top, 0.0), minlength=evidence.shape[0])
    total = float(own.sum())
    if total <= 0:
        return -1, 0.0
    i = int(own.argmax())
    share = float(own[i]) / total
    runner_up = float(np.partition(own, -2)[-2]) if len(own) > 1 else 0.0
    return (i if share >= config.topical_share and own[i] > runner_up else -1), share


def aspects_needed(doc_terms: DocTerms, config: DiffConfig) -> np.ndarray:
    """Per item, how many of its sub-tasks a document must name for it to be implemented: an item
    the 纲要 sets several tasks under (综合行政执法, 执法层级, 联合执法, 两法衔接) is not done by
    reporting one of them (``min_aspects``; 0: off). Items of one sub-task need nothing more."""
    total = doc_terms.aspects_total
    return np.where(total >= 2, np.minimum(config.min_aspects, total), 0)


def item_statuses(score: np.ndarray, score_done: np.ndarray, th: np.ndarray, not_applicable: np.ndarray,
                  config: DiffConfig, focus: float = 1.0, doc_terms: DocTerms | None = None, topic: int = -1) -> tuple[list[Status], list[str]]:
    """Steps 3–6 of the rule, for every item at once (``focus``: :func:`document_focus`; ``doc_terms``:
    :func:`~.signals.document_terms`, for the sub-tasks a document names; ``topic``: :func:`document_topic`)."""
    impl, part = th[:, 0], th[:, 1]
    strong = (score_done if config.cap_report_outlook else score) >= impl
    narrow = np.zeros(len(score), dtype=bool)
    if doc_terms is not None and config.min_aspects:
        narrow = strong & (doc_terms.aspects_found < aspects_needed(doc_terms, config))
        strong &= ~narrow
    topical = np.zeros(len(score), dtype=bool)
    if topic >= 0 and strong[topic]:  # only a document that does its own topic is read as about it
        topical = strong.copy()
        topical[topic] = False
        strong &= ~topical
    passing = focus < config.related_focus  # a document mostly about other things: mentions do not count
    statuses, rules = [], []
    for i in range(len(score)):
        if strong[i]:
            s, r = Status.IMPLEMENTED, RULE_STRONG
        elif narrow[i]:
            s, r = Status.PARTIAL, RULE_NARROW
        elif topical[i]:
            s, r = Status.PARTIAL, RULE_TOPICAL
        elif score[i] >= impl[i]:
            s, r = Status.PARTIAL, RULE_OUTLOOK
        elif score[i] >= part[i] and passing and not not_applicable[i]:
            s, r = Status.OMITTED, RULE_PASSING
        elif score[i] >= part[i] and not passing:
            s, r = Status.PARTIAL, RULE_MENTION
        elif not_applicable[i]:
            s, r = Status.NOT_APPLICABLE, RULE_NA
        else:
            s, r = Status.OMITTED, RULE_NONE
        statuses.append(s)
        rules.append(r)
    return statuses, rules


def decide(sig: dict[str, np.ndarray], passage_unit: np.ndarray, outlook: np.ndarray, doc_terms: DocTerms,
           has_body: np.ndarray, totals: np.ndarray, not_applicable: np.ndarray, addable: np.ndarray, config: DiffConfig) -> Decision:
    """Statuses and evidence from the ``signals`` matrices of one target.

    ``passage_unit``: unit of each passage; ``outlook``: passage lies in a shortcomings/plans section
    of an annual report; ``doc_terms``: per item, its distinctive mass over the whole document and
    the number of sentences naming it (:func:`~.signals.document_terms`); ``totals``: per item, the
    mass of all its anchors (evidence of items with body text is a share of it); ``not_applicable``:
    the rules file says the item does not apply to this target; ``addable``: per unit, whether it
    could be a local addition at all (a numbered clause of some length)."""
    ev = sig["evidence"]
    n_items, n_pass = ev.shape
    th = thresholds(has_body, config)
    if n_pass == 0:
        st = [Status.NOT_APPLICABLE if na else Status.OMITTED for na in not_applicable]
        return Decision(st, np.zeros(n_items), [RULE_NA if na else RULE_NONE for na in not_applicable], np.full(n_items, -1), [[] for _ in st], [], 0.0, th,
                        doc_terms=doc_terms)
    score, score_done, eff, best = item_scores(sig, outlook, doc_terms, has_body, totals, config, not_applicable)
    focus = document_focus(sig["mass"], has_body, totals, config)
    topic, share = document_topic(ev, has_body, config, focus)
    statuses, rules = item_statuses(score, score_done, th, not_applicable, config, focus, doc_terms, topic)
    if topic >= 0 and statuses[topic] is not Status.IMPLEMENTED:
        topic = -1  # the rule did not apply: no note says the document is about it
    evidence = []
    for i, s in enumerate(statuses):
        picked: list[int] = []
        if s in (Status.IMPLEMENTED, Status.PARTIAL):
            floor = max(th[i, 1], config.match_share * float(eff[i].max()))
            seen: set[int] = set()
            order = np.argsort(-eff[i], kind="stable")
            if rules[i] in (RULE_STRONG, RULE_TOPICAL) and config.cap_report_outlook and outlook.any():
                # implemented on work done: the work-done passage that decided it comes first, not a
                # next-year plan that happens to score higher (a reviewer checks what is shown)
                done_first = int(np.argmax(np.where(outlook, -np.inf, eff[i])))
                order = np.concatenate([[done_first], order[order != done_first]])
            for p in order:
                # the best passage is always shown; further ones only when they carry the item too
                if eff[i, p] <= 0 or (picked and eff[i, p] < floor) or len(picked) >= config.max_matches:
                    break
                u = int(passage_unit[p])
                if u not in seen:
                    seen.add(u)
                    picked.append(int(p))
        evidence.append(picked)
    carrying = ev >= th[:, 1:2]
    # additions: clauses no item cites, few of whose passages touch any item (name one of its terms or
    # heading words, carry it, or stand out on the dense signal), and none of which names or carries
    # an item said to be omitted: statuses and additions cannot disagree
    n_units = len(addable)
    named = sig.get("named", sig["anchor"])
    touched_p = (named > 0).any(axis=0) | (sig["dense_z"] >= config.dense_z).any(axis=0) | carrying.any(axis=0)
    omitted = np.array([st is Status.OMITTED for st in statuses])
    conflict_p = (((named > 0) | carrying) & omitted[:, None]).any(axis=0) if n_items else np.zeros(n_pass, dtype=bool)
    n_p = np.bincount(passage_unit, minlength=n_units)
    touched_share = np.bincount(passage_unit, weights=touched_p.astype(float), minlength=n_units) / np.maximum(n_p, 1)
    conflict = np.bincount(passage_unit, weights=conflict_p.astype(float), minlength=n_units) > 0
    cited = {int(passage_unit[p]) for ps in evidence for p in ps}
    # a report's shortcomings and next-year sections are not something the document adds to the plan
    in_outlook = np.zeros(n_units, dtype=bool)
    in_outlook[passage_unit[outlook]] = True
    additions = [u for u in range(n_units) if addable[u] and n_p[u] and touched_share[u] <= config.addition_touched_share
                 and not conflict[u] and u not in cited and not in_outlook[u]]
    return Decision(statuses, np.round(score, 4), rules, best, evidence, additions, round(focus, 4), th, np.round(score_done, 4), doc_terms,
                    topic, round(share, 4))
