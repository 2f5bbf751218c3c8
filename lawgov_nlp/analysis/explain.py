"""Evidence a reviewer can check: shared phrases with their spans on both sides, the item's
distinctive terms found, and one sentence saying why a status was chosen."""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from ..reading.normalize import merge_spans, normalize, normalized_with_offsets, strip_punct
from .decide import RULE_MENTION, RULE_NA, RULE_NARROW, RULE_NONE, RULE_OUTLOOK, RULE_PASSING, RULE_STRONG, RULE_TOPICAL
from .results import Match, Unit


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _runs(norm: str, grams: set[str]) -> list[tuple[int, int]]:
    """Maximal runs of ``norm`` covered by bigrams from ``grams`` (two CJK characters or more)."""
    # a run continues only while consecutive bigrams match: two matches that merely touch
    # (依法 + 建设 in 依法建设) are two phrases, not one the reference never contains
    # (grams hold CJK bigrams only, so every run has two CJK characters or more)
    runs: list[tuple[int, int]] = []
    start = -1
    for i, hit in enumerate([norm[i:i + 2] in grams for i in range(len(norm) - 1)]):
        if hit:
            if start < 0:
                start = i
        elif start >= 0:
            runs.append((start, i + 1))
            start = -1
    if start >= 0:
        runs.append((start, len(norm)))
    return runs


@lru_cache(maxsize=1024)
def _cjk_bigrams(norm: str) -> frozenset[str]:
    """A reference item's CJK bigrams: one item is matched against every passage of every document."""
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1) if _cjk(norm[i]) and _cjk(norm[i + 1]))


@lru_cache(maxsize=4096)
def _stripped(text: str) -> str:
    return strip_punct(text)  # a passage is searched for the terms of every item it is shown for


@lru_cache(maxsize=8192)
def _normalized_term(term: str) -> str:
    return normalize(term)  # an item's policy terms, normalized once rather than once per passage shown


def shared_phrases(ref_text: str, target_text: str, extra_terms: Sequence[str] = ()) -> tuple[list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Phrases the two texts share (runs of shared character bigrams) and the item's policy terms
    found in the target, with their spans in each original text. Linear time."""
    rn, ri = normalized_with_offsets(ref_text)
    tn, ti = normalized_with_offsets(target_text)
    ref_grams = _cjk_bigrams(rn)
    t_runs = _runs(tn, ref_grams)
    phrases = list(dict.fromkeys(tn[a:b] for a, b in t_runs))
    shared_grams = {tn[i:i + 2] for a, b in t_runs for i in range(a, b - 1)}
    r_runs = _runs(rn, shared_grams)
    tgt_spans = [(ti[a], ti[b - 1] + 1) for a, b in t_runs]
    for term in extra_terms:
        t = _normalized_term(term)
        k = tn.find(t)
        if len(t) >= 2 and k >= 0:
            if t not in phrases:
                phrases.append(t)
            tgt_spans.append((ti[k], ti[k + len(t) - 1] + 1))
    return phrases, [(ri[a], ri[b - 1] + 1) for a, b in r_runs], merge_spans(tgt_spans)


def build_match(ref: Unit, expansions: Sequence[str], terms_found: list[str], unit: Unit, score: float, signals: dict[str, float],
                evidence: list[tuple[int, int]]) -> Match:
    """A clause as evidence for ``ref``: the passages scored inside it and the phrases shared with it."""
    ref_text = ref.heading + "\n" + ref.text if ref.text != ref.heading else ref.text
    # phrases are taken from the scored passages only, with spans shifted back into the clause
    phrases: list[str] = []
    rs: list[tuple[int, int]] = []
    ts: list[tuple[int, int]] = []
    for a, b in evidence or [(0, len(unit.text))]:
        p, r, t = shared_phrases(ref_text, unit.text[a:b], list(terms_found) + list(expansions))
        phrases.extend(x for x in p if x not in phrases)
        rs.extend(r)
        ts.extend((x + a, y + a) for x, y in t)
    if ref.text != ref.heading:  # spans were computed on heading+text: keep those inside ref.text
        off = len(ref.heading) + 1
        rs = [(x - off, y - off) for x, y in rs if x >= off]
    # distinctive terms first, then the longer shared runs
    ordered = list(dict.fromkeys(list(terms_found) + sorted(phrases, key=len, reverse=True)))
    return Match(unit.clause_id, unit.path, unit.path_label, unit.heading, unit.text, round(float(score), 4), signals,
                 ordered[:12], merge_spans(rs), merge_spans(ts), list(evidence), list(terms_found))


def reason(rule: str, score: float, impl: float, part: float, terms: list[str], dense_z: float, discounted: bool, na: str | None = None,
           score_done: float | None = None, subtasks: tuple[int, int] = (0, 0), topic: str = "") -> str:
    """Why the status: which threshold the evidence met, on which terms (``score_done``: the score
    without a report's shortcomings and next-year sections, the one an implemented status rests on;
    ``subtasks``: how many of the item's sub-tasks the document names, of how many; ``topic``: the
    item a document about one item is about)."""
    found = f"distinctive terms {'、'.join(terms[:6])}" if terms else "no distinctive term of the item"
    dense = f"; dense {dense_z:+.1f} sd above the document's typical pair" if dense_z >= 1 else ""
    shared = "; the best passage carries another item better (evidence discounted)" if discounted else ""
    if rule == RULE_STRONG and score_done is not None and score_done < score - 1e-6:
        return f"evidence of work done {score_done:.2f} ≥ {impl:g} ({score:.2f} with the next-year plans and shortcomings): {found}{dense}{shared}"
    if rule == RULE_STRONG:
        return f"evidence {score:.2f} ≥ {impl:g}: {found}{dense}{shared}"
    if rule == RULE_NARROW:
        return (f"evidence {score:.2f} ≥ {impl:g}, but the document names {subtasks[0]} of the item's {subtasks[1]} sub-tasks: "
                f"a narrow slice, partial ({found})")
    if rule == RULE_TOPICAL:
        return (f"evidence {score:.2f} ≥ {impl:g}, but the document is about {topic or 'another item'} and handles this item only "
                f"as it serves that topic: partial ({found})")
    if rule == RULE_OUTLOOK:
        return f"evidence {score:.2f} ≥ {impl:g}, but only in the report's shortcomings or next-year plans: at most partial ({found})"
    if rule == RULE_MENTION:
        return f"evidence {score:.2f} between {part:g} and {impl:g} (a mention or a narrow slice): {found}{dense}{shared}"
    if rule == RULE_PASSING:
        return f"evidence {score:.2f} is a passing mention ({found}) in a document mostly about other things: not counted"
    if rule == RULE_NA:
        return na or "does not apply to this document"
    if rule == RULE_NONE and score <= 0 and terms:
        # terms were found, but only supporting ones with nothing of the item beside them
        return (f"no passage carries the item (evidence 0 < {part:g}): the nearest holds {'、'.join(terms[:4])}, supporting "
                "terms that count only beside the item's own")
    if rule == RULE_NONE and score <= 0:
        return f"no passage carries a distinctive term of the item (evidence 0 < {part:g}); the nearest is the passage closest in meaning"
    if rule == RULE_NONE and discounted:
        # the passage's own score is shown beside it: say why the item's is lower
        return (f"evidence {score:.2f} < {part:g}: the nearest passage carries another item better, so its score counts for this "
                f"item only in part ({found}{dense})")
    if rule == RULE_NONE:
        return f"nearest passage scores {score:.2f} < {part:g}: {found}{dense}"
    return ""


def terms_in(text: str, concepts: dict[str, str]) -> list[str]:
    """The item's distinctive terms that occur in ``text``, anchors first, longest first."""
    t = _stripped(text)
    found = [c for c in concepts if c in t]
    return sorted(found, key=lambda c: (concepts[c] != "anchor", -len(c)))
