"""The reference side of a diff, prepared once: its items, their distinctive terms, term weights and
embeddings (:class:`ReferenceModel`).

An item is what a local document may implement: a （一） item of the outline, a 第X条 article, a part.
Its distinctive terms (:func:`~lawgov_nlp.analysis.terms.item_concepts`) are weighted by how rare they
are across the collection (``term_df.tsv``): ``anchors`` can carry the item alone, ``context`` terms only
beside an anchor. A headings-only reference (the outline) is expanded with the policy terms of
``outline_terms.toml``; a reference with body text is matched by its own words as well.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import DiffConfig
from ..errors import InputError
from ..indexing.encoders import EmbeddingCache, Encoder, embed_texts
from ..reading.document import Document
from ..reading.normalize import strip_punct
from ..reading.segment import Clause
from .results import Unit
from .signals import DocTerms, document_terms, signals
from .terms import ANCHOR, CONTEXT, PART, item_concepts, outline_terms, term_df, term_parts


def reference_items(doc: Document) -> list[Clause]:
    """The units a reference is compared by: （一） items, else 第X条 articles, else 一、 parts, else 1. items."""
    for numbering in ("item", "article", "part", "num"):
        found = [c for c in doc.clauses if c.numbering == numbering and c.kind == "body"]
        if len(found) >= 2:
            return found
    raise InputError(f"{doc.path}: reference has no numbered items (（一）, 第X条, 一、 or 1.) to compare against")


def has_body_text(doc: Document) -> bool:
    """Whether a reference's items have text beyond their headings (a plan, not an outline)."""
    return any(_body(clause_unit(doc, c, full=True)) for c in reference_items(doc))


def top_part(doc: Document, c: Clause, by_id: dict | None = None) -> str:
    """Marker and heading of the top-level clause above ``c`` (its 一、 part), or ''."""
    by_id = by_id if by_id is not None else doc.by_id
    p = by_id.get(c.parent_id) if c.parent_id else None
    while p is not None and p.parent_id:
        p = by_id.get(p.parent_id)
    return f"{p.marker}{p.heading}" if p is not None else ""


def clause_unit(doc: Document, c: Clause, full: bool = False, by_id: dict | None = None) -> Unit:
    text = doc.full_text(c) if full else c.text
    return Unit(c.id, list(c.path), doc.path_label(c), c.heading, text, c.kind, top_part(doc, c, by_id))


def _body(u: Unit) -> str:
    """The item's text beyond its marker and heading ('' for a headings-only item)."""
    s = strip_punct(u.text)
    h = strip_punct((u.path[-1] if u.path else "") + u.heading)
    return u.text if len(s) > len(h) + 6 else ""


@dataclass
class ReferenceModel:
    """Items, their terms as weight matrices over one vocabulary, and their embeddings."""

    document: Document
    items: list[Unit]
    expansions: list[list[str]]  # policy terms shown with each item (terms, then context)
    concepts: list[dict[str, str]]  # per item: term → anchor | context
    vocab: list[str]
    anchor_w: np.ndarray  # items × vocab: idf weight of each anchor term (0 elsewhere)
    context_w: np.ndarray  # items × vocab: idf weight of each context term, already scaled by context_weight
    named: np.ndarray  # items × vocab: 1 for the terms that name the item (anchors and heading words)
    backers: np.ndarray  # items × vocab: 1 for the supporting terms of which two back each other (context and heading words, not parts)
    wholes: np.ndarray  # policy terms × vocab: 1 for the parts of a term all of which the model holds (学法 + 用法 for 学法用法)
    whole_item: np.ndarray  # per row of ``wholes``: its item
    whole_term: np.ndarray  # per row of ``wholes``: the vocabulary column of the term itself (-1: the model dropped it)
    aspects: np.ndarray  # aspects × vocab: 1 for the terms that name one sub-task of an item (outline_terms.toml ``aspects``)
    aspect_item: np.ndarray  # per row of ``aspects``: its item
    aspect_terms: list[list[str]]  # per row of ``aspects``: its terms as the term list writes them (for display)…
    aspect_cols: list[list[int]]  # …and their vocabulary columns
    totals: np.ndarray  # per item: weight of all its anchors (for body-text references: the share carried)
    has_body: np.ndarray  # per item: bool
    item_vecs: np.ndarray
    match_texts: list[str]
    config: DiffConfig = field(default_factory=DiffConfig)

    def signals(self, pieces, view, config: DiffConfig | None = None) -> dict[str, np.ndarray]:
        """items × passages signal matrices of a target (:func:`~.signals.signals`): ``pieces`` its
        term incidence over this model's vocabulary, ``view`` its passages and embeddings (a
        ``TargetView``), ``config`` other thresholds than the model's (calibration)."""
        return signals(self.anchor_w, self.context_w, self.totals, self.has_body, self.item_vecs, pieces, view.piece_vecs, view.passages,
                       config or self.config, self.named, self.backers, (self.wholes, self.whole_item))

    def document_terms(self, pieces, view=None) -> DocTerms:
        """Per item, over the whole target (:func:`~.signals.document_terms`); with ``view`` (its
        passages and their outlook flags) also where each term is named: in work done or only in a
        report's next-year and shortcomings sections, a term in other words counted as named."""
        where = None if view is None else (view.passages, view.outlook, (self.wholes, self.whole_term))
        return document_terms(self.anchor_w, self.context_w, pieces, (self.aspects, self.aspect_item), where)

    def subtasks(self, i: int, doc_terms: DocTerms | None) -> list[dict]:
        """The sub-tasks of item ``i`` (two or more, else none) with the terms of each a document names
        in its work done (``named``) and those it names only in next-year plans or shortcomings
        (``outlook_only``): the reviewer's checklist between partial and implemented."""
        rows = np.flatnonzero(self.aspect_item == i)
        if len(rows) < 2 or doc_terms is None or not len(doc_terms.present):
            return []
        out = []
        for a in rows:
            cols = list(zip(self.aspect_terms[a], self.aspect_cols[a]))
            out.append({"terms": [t for t, _ in cols], "named": [t for t, j in cols if doc_terms.present_done[j]],
                        "outlook_only": [t for t, j in cols if doc_terms.present[j] and not doc_terms.present_done[j]]})
        return out

    @property
    def headings_only(self) -> bool:
        return not bool(self.has_body.any())

    @classmethod
    def build(cls, reference: Document, encoder: Encoder, cache: EmbeddingCache | bool | None = None,
              config: DiffConfig | None = None, expand: bool = True) -> ReferenceModel:
        cfg = config or DiffConfig()
        items = [clause_unit(reference, c, full=True) for c in reference_items(reference)]
        lists = outline_terms() if expand else {}
        per_item = [lists.get(strip_punct(u.heading)) for u in items]
        bodies = [_body(u) for u in items]
        concepts = [item_concepts(u.heading, b, t, cfg.term_parts) for u, b, t in zip(items, bodies, per_item)]
        df = term_df()
        idf = {t: df.idf(t) for c in concepts for t in c}
        # statistically generic terms (in most documents) carry nothing either
        concepts = [{t: r for t, r in c.items() if idf[t] >= cfg.min_idf} for c in concepts]
        vocab = sorted({t for c in concepts for t in c})
        col = {t: j for j, t in enumerate(vocab)}
        A = np.zeros((len(items), len(vocab)))
        C = np.zeros((len(items), len(vocab)))
        H = np.zeros((len(items), len(vocab)))
        B = np.zeros((len(items), len(vocab)))
        for i, (u, c) in enumerate(zip(items, concepts)):
            heading = strip_punct(u.heading)
            for t, role in c.items():
                w = min(idf[t], cfg.term_cap) * (cfg.heading_weight if t == heading else 1.0)
                (A if role == ANCHOR else C)[i, col[t]] = w * (1.0 if role == ANCHOR else cfg.context_weight)
                H[i, col[t]] = float(role not in (CONTEXT, PART))
                B[i, col[t]] = float(role != PART and role != ANCHOR)
        # a policy term whose words all occur in one passage (尊法学法守法用法 holds 学法 and 用法 of
        # 学法用法) is there in other words: those parts back the passage as an anchor would
        groups = [(i, sorted({col[p] for p in ps}), col.get(strip_punct(term), -1)) for i, (c, t) in enumerate(zip(concepts, per_item))
                  if t and cfg.part_wholes for term in t.terms for ps in [term_parts(term)] if len(ps) >= 2 and all(p in c for p in ps)]
        G = np.zeros((len(groups), len(vocab)))
        for g, (_, cols, _) in enumerate(groups):
            G[g, cols] = 1.0
        # an item's sub-tasks, each named by some of its terms (those the model kept)
        asp = [(i, [(x, col[strip_punct(x)]) for x in a if strip_punct(x) in col]) for i, t in enumerate(per_item) if t for a in t.aspects]
        asp = [(i, kept) for i, kept in asp if kept]
        S = np.zeros((len(asp), len(vocab)))
        for a, (_, kept) in enumerate(asp):
            S[a, [j for _, j in kept]] = 1.0
        expansions = [list(t.terms) + list(t.context) if t else [] for t in per_item]
        # the text an item is embedded by: its own text and its policy terms
        match_texts = [u.text + ("\n" + "；".join(e) if e else "") for u, e in zip(items, expansions)]
        vecs, _ = embed_texts(encoder, match_texts, cache)
        return cls(reference, items, expansions, concepts, vocab, A, C, H, B, G, np.array([i for i, _, _ in groups], dtype=np.int64),
                   np.array([j for _, _, j in groups], dtype=np.int64),
                   S, np.array([i for i, _ in asp], dtype=np.int64), [[x for x, _ in kept] for _, kept in asp],
                   [[j for _, j in kept] for _, kept in asp],
                   A.sum(axis=1), np.array([bool(b) for b in bodies]),
                   vecs, match_texts, cfg)
