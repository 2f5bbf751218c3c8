"""Pure array-level signals: items × passages matrices from term incidence and embeddings.

Nothing here knows about documents or text beyond the normalized pieces handed in; everything is a
matrix product, so a thousand documents cost a thousand small products.

- ``anchor`` / ``context``: idf mass of the item's anchor / context terms found in the passage;
- ``mass``: anchor mass plus context mass where the context is backed (an anchor, or a second
  context term of the item, in the same passage; the parts of policy terms back nothing);
- ``dense`` / ``dense_z``: cosine of item and passage embeddings, and its standard score within the
  document (reports paraphrase, plans copy: raw cosines are not comparable between documents);
- ``evidence``: ``mass`` plus ``dense_weight`` per standard deviation above ``dense_z``; for items with
  body text, ``mass`` divided by the item's total anchor mass (a share of the item's own words) plus,
  where that share is not zero, ``body_dense_weight`` per standard deviation.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import sparse

from ..config import DiffConfig

SEP = "\x00"  # pieces are joined with a character no normalized text holds, so no term spans two


def term_incidence(pieces: list[str], vocab: list[str]) -> sparse.csr_matrix:
    """pieces × vocab: 1 where the (normalized) term occurs in the (normalized) piece.

    One pass per term over the whole document in C (``str.find``), then offsets → pieces by binary
    search: far cheaper than testing every term in every piece."""
    if not pieces or not vocab:
        return sparse.csr_matrix((len(pieces), len(vocab)))
    text = SEP.join(pieces)
    starts = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
    rows, cols = [], []
    for j, term in enumerate(vocab):
        k = text.find(term)
        if k < 0:
            continue
        hits = []
        while k >= 0:
            hits.append(k)
            k = text.find(term, k + 1)
        owners = np.unique(np.searchsorted(starts, np.asarray(hits), side="right") - 1)
        rows.extend(owners.tolist())
        cols.extend([j] * len(owners))
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(pieces), len(vocab)))


def window_matrix(passages: np.ndarray, n_pieces: int) -> sparse.csr_matrix:
    """passages × pieces: 1 where the piece lies in the passage."""
    lengths = passages[:, 1] - passages[:, 0]
    rows = np.repeat(np.arange(len(passages)), lengths)
    cols = np.concatenate([np.arange(a, b) for a, b in passages]) if len(passages) else np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(passages), n_pieces))


def passage_terms(W: sparse.csr_matrix, piece_terms: sparse.csr_matrix) -> sparse.csr_matrix:
    """passages × vocab: 1 where a term occurs in the passage (``W``: :func:`window_matrix`)."""
    X = (W @ piece_terms).tocsr()
    X.data[:] = 1.0
    return X


def signals(anchor_w: np.ndarray, context_w: np.ndarray, totals: np.ndarray, has_body: np.ndarray, item_vecs: np.ndarray,
            piece_terms: sparse.csr_matrix, piece_vecs: np.ndarray, passages: np.ndarray, config: DiffConfig,
            named: np.ndarray | None = None, backers: np.ndarray | None = None,
            wholes: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """items × passages matrices of every signal (see the module docstring); with ``named`` (items ×
    vocab, 1 for the terms that name an item), also ``named``: how many such terms the passage holds;
    ``backers`` (items × vocab): the supporting terms two of which back each other (default: all);
    ``wholes`` (terms × vocab, and each term's item): parts that, all in one passage, back it."""
    n_items = anchor_w.shape[0]
    if len(passages) == 0:
        z = np.zeros((n_items, 0))
        return {k: z for k in ("anchor", "context", "mass", "dense", "dense_z", "evidence", "named")}
    W = window_matrix(passages, piece_terms.shape[0])
    X = passage_terms(W, piece_terms)
    anchor = np.asarray((X @ sparse.csr_matrix(anchor_w).T).todense()).T
    context = np.asarray((X @ sparse.csr_matrix(context_w).T).todense()).T
    # two supporting terms back each other; parts of policy terms back nothing (the stricter rule did
    # better under leave-one-document-out than letting a part and one context term back each other)
    backing = (context_w > 0) if backers is None else (np.asarray(backers) > 0)
    n_context = np.asarray((X @ sparse.csr_matrix(backing.astype(float)).T).todense()).T
    backed = (anchor > 0) | (n_context >= 2)
    if wholes is not None and len(wholes[1]):
        G, owner = wholes
        found = np.asarray((X @ sparse.csr_matrix(G).T).todense()) >= G.sum(axis=1)[None, :]  # passages × terms
        whole = np.zeros_like(backed)
        np.logical_or.at(whole, owner, found.T)
        backed |= whole
    mass = anchor + np.where(backed, context, 0.0)
    pooled = np.asarray(W @ piece_vecs)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
    dense = np.asarray(item_vecs, dtype=np.float32) @ pooled.T.astype(np.float32)
    sd = float(dense.std())
    dense_z = (dense - float(dense.mean())) / sd if sd > 1e-6 else np.zeros_like(dense)
    # an item with body text scores a share of its own words, so its dense bonus is a share too
    # (body_dense_weight per sd): divided by the item's mass like the words, it was ~1% of a threshold.
    # It adds only to a passage that carries some of the item's words: on its own it made a third of
    # an unrelated smart-community guideline "implemented" (a code review's run on the controls)
    weight = np.where(has_body, config.body_dense_weight, config.dense_weight)[:, None]
    bonus = np.where(has_body[:, None] & (mass <= 0), 0.0, weight * np.maximum(0.0, dense_z - config.dense_z))
    norm = np.where(has_body, np.maximum(totals, 1e-9), 1.0)[:, None]
    out = {"anchor": anchor, "context": context, "mass": mass, "dense": dense, "dense_z": dense_z, "evidence": mass / norm + bonus}
    out["named"] = np.asarray((X @ sparse.csr_matrix(named).T).todense()).T if named is not None else (anchor > 0).astype(float)
    return out


class DocTerms(NamedTuple):
    """Per item, over the whole target document."""

    mass: np.ndarray  # idf mass of its anchors found anywhere (plus its context terms when an anchor is there too)
    support: np.ndarray  # sentences that carry one of its anchors
    aspects_found: np.ndarray  # of its sub-tasks (aspects), how many some sentence names
    aspects_total: np.ndarray  # how many sub-tasks it has
    present: np.ndarray  # per vocabulary term: whether the document names it (anywhere)
    present_done: np.ndarray  # …outside a report's next-year and shortcomings sections


def document_terms(anchor_w: np.ndarray, context_w: np.ndarray, piece_terms: sparse.csr_matrix,
                   aspects: tuple[np.ndarray, np.ndarray] | None = None,
                   where: tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]] | None = None) -> DocTerms:
    """How broadly and how often the document treats each item, not in which passage: its anchors'
    mass found anywhere, the sentences naming it, and (with ``aspects``: aspects × vocab and each
    aspect's item) how many of its sub-tasks the document names. With ``where`` (passages, their
    outlook flags, and the parts of policy terms with each term's column) a term is also named when
    all its parts share a passage, and ``present_done`` leaves out the outlook passages."""
    n, n_vocab = anchor_w.shape
    S, owner = aspects if aspects is not None else (np.zeros((0, n_vocab)), np.zeros(0, dtype=np.int64))
    total = np.bincount(owner, minlength=n).astype(float)
    if piece_terms.shape[0] == 0:
        return DocTerms(np.zeros(n), np.zeros(n), np.zeros(n), total, np.zeros(n_vocab, dtype=bool), np.zeros(n_vocab, dtype=bool))
    present = np.asarray(piece_terms.max(axis=0).todense()).ravel() > 0
    a = anchor_w @ present
    c = context_w @ present
    support = np.asarray(((piece_terms @ sparse.csr_matrix(anchor_w).T) > 0).sum(axis=0)).ravel()
    named, named_done = present.copy(), present.copy()
    if where is not None and len(where[0]):
        passages, outlook, (G, term_col) = where
        X = passage_terms(window_matrix(passages, piece_terms.shape[0]), piece_terms)
        done = ~np.asarray(outlook, dtype=bool)
        named_done = np.asarray(X[done].max(axis=0).todense()).ravel() > 0 if done.any() else np.zeros_like(present)
        ok = term_col >= 0
        if ok.any():
            whole = np.asarray((X @ sparse.csr_matrix(G[ok]).T).todense()) >= G[ok].sum(axis=1)[None, :]  # passages × policy terms
            named[term_col[ok][whole.any(axis=0)]] = True
            named_done[term_col[ok][whole[done].any(axis=0)]] = True
    # a sub-task counts where the checklist says it is named: in work done, not only in next year's plans
    found = np.bincount(owner, weights=((S @ named_done) > 0).astype(float), minlength=n)
    return DocTerms(a + np.where(a > 0, c, 0.0), support.astype(float), found, total, named, named_done)
