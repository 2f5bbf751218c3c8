"""diff-plans: which items of a reference plan a local document implements, partially, or omits.

For every (reference item, target clause) pair four signals are computed as matrix products per
target document: best-sentence cosine of embeddings, idf-weighted coverage of the item's jieba
words, idf-weighted coverage of its character bigrams, and heading-to-heading bigram similarity.
Headings-only items (the outline) are expanded with the policy terms of ``data/outline_terms.toml``.

Plans copy national wording and reports paraphrase it, so no fixed cosine threshold serves both.
The decision uses evidence that is comparable across documents: lexical coverage is a fraction
(of the item's own terms), and the dense signal is standardized against the target document's own
score distribution before it is combined. Thresholds were chosen on two gold-labelled documents
(Handan plan, Changde report) and checked on a held-out one (Funing report); see README.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..reading.document import Document
from ..indexing.encoders import DEFAULT_ENCODER, EmbeddingCache, Encoder, embed_sentences, embed_texts, get_encoder, mean_pool
from ..config import DiffConfig
from ..errors import InputError
from ..indexing.lexical import tokenize
from ..reading.normalize import merge_spans, normalize, normalized_with_offsets, strip_punct
from ..reading.segment import Clause

import tomllib

STATUSES = ("implemented", "partial", "omitted", "not_applicable")
STATUS_ZH = {"implemented": "落实", "partial": "部分落实", "omitted": "未涉及", "not_applicable": "不适用"}



@dataclass
class Unit:
    """A clause as alignment sees it: text to match and where it sits."""

    clause_id: str
    path: list[str]
    path_label: str
    heading: str
    text: str
    kind: str
    part: str = ""  # label of the reference part (一、…) for coverage by part


@dataclass
class Match:
    clause_id: str
    path: list[str]
    path_label: str
    heading: str
    text: str
    score: float
    signals: dict[str, float]
    shared: list[str]
    ref_spans: list[tuple[int, int]]  # offsets into the reference item's text
    target_spans: list[tuple[int, int]]  # offsets into this clause's text


@dataclass
class ItemResult:
    ref: Unit
    status: str
    score: float
    matches: list[Match]
    reason: str
    nearest: Match | None = None
    expanded_terms: list[str] = field(default_factory=list)


@dataclass
class DocAlignment:
    doc_id: str
    title: str
    meta: dict
    items: list[ItemResult]
    additions: list[Match]
    unrelated: bool = False
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for it in self.items:
            out[it.status] += 1
        return out

    @property
    def coverage(self) -> float:
        """(implemented + ½ partial) / applicable items."""
        c = self.counts()
        applicable = len(self.items) - c["not_applicable"]
        return round((c["implemented"] + 0.5 * c["partial"]) / applicable, 4) if applicable else 0.0

    def coverage_by_part(self) -> dict[str, float]:
        parts: dict[str, list[ItemResult]] = {}
        for it in self.items:
            parts.setdefault(it.ref.part, []).append(it)
        out = {}
        for part, items in parts.items():
            app = [i for i in items if i.status != "not_applicable"]
            out[part] = round(sum(1.0 if i.status == "implemented" else 0.5 if i.status == "partial" else 0 for i in app) / len(app), 4) if app else None
        return out


@dataclass
class DiffReport:
    reference: dict
    documents: list[DocAlignment]

    def to_dict(self) -> dict:
        def unit(u: Unit) -> dict:
            return {"clause_id": u.clause_id, "path": u.path, "path_label": u.path_label, "heading": u.heading, "text": u.text, "part": u.part}

        def match(m: Match) -> dict:
            d = asdict(m)
            d["ref_spans"] = [list(s) for s in m.ref_spans]
            d["target_spans"] = [list(s) for s in m.target_spans]
            return d

        return {
            "reference": self.reference,
            "documents": [
                {
                    "doc_id": d.doc_id, "title": d.title, "meta": d.meta, "coverage": d.coverage,
                    "coverage_by_part": d.coverage_by_part(), "counts": d.counts(), "unrelated": d.unrelated, "notes": d.notes,
                    "items": [
                        {"ref": unit(it.ref), "status": it.status, "status_zh": STATUS_ZH[it.status], "score": it.score,
                         "reason": it.reason, "matches": [match(m) for m in it.matches],
                         "nearest": match(it.nearest) if it.nearest else None, "expanded_terms": it.expanded_terms}
                        for it in d.items
                    ],
                    "additions": [match(m) for m in d.additions],
                }
                for d in self.documents
            ],
        }

    CSV_COLUMNS = ["doc_id", "title", "ref", "part", "heading", "status", "status_zh", "score", "matches", "match_paths", "shared", "reason"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        """One row per (document, reference item), for CSV."""
        rows = []
        for d in self.documents:
            for it in d.items:
                rows.append({
                    "doc_id": d.doc_id, "title": d.title, "ref": "/".join(it.ref.path), "part": it.ref.part,
                    "heading": it.ref.heading, "status": it.status, "status_zh": STATUS_ZH[it.status], "score": it.score,
                    "matches": " ".join(m.clause_id for m in it.matches), "match_paths": " | ".join(m.path_label for m in it.matches),
                    "shared": "、".join(it.matches[0].shared) if it.matches else "", "reason": it.reason,
                })
        return self.CSV_COLUMNS, rows

    def to_frame(self):
        """One row per (document, reference item): status, score, best match."""
        import pandas as pd

        rows = []
        for d in self.documents:
            for it in d.items:
                best = it.matches[0] if it.matches else it.nearest
                rows.append({
                    "doc_id": d.doc_id, "title": d.title, "ref": "/".join(it.ref.path) or it.ref.clause_id,
                    "part": it.ref.part, "heading": it.ref.heading, "status": it.status, "score": it.score,
                    "best_clause": best.clause_id if best else None, "best_path": best.path_label if best else None,
                    "year": d.meta.get("year"), "level": d.meta.get("level"),
                })
        return pd.DataFrame(rows)

    def matrix(self):
        """Reference items × documents status table (for heatmaps)."""
        df = self.to_frame()
        return df.pivot_table(index=["ref", "heading"], columns="doc_id", values="status", aggfunc="first", sort=False)

    def _repr_html_(self) -> str:
        from ..views.report import render_html

        return render_html(self, standalone=False)


# -- reference items and their expansion -----------------------------------------------------

def reference_items(doc: Document) -> list[Clause]:
    """The units a reference is compared by: （一） items, else 第X条 articles, else 一、 parts, else 1. items."""
    for numbering in ("item", "article", "part", "num"):
        found = [c for c in doc.clauses if c.numbering == numbering and c.kind == "body"]
        if len(found) >= 2:
            return found
    raise InputError(f"{doc.path}: reference has no numbered items (（一）, 第X条, 一、 or 1.) to compare against")


@lru_cache(maxsize=1)
def outline_terms() -> dict[str, tuple[str, ...]]:
    """Normalized item heading → policy terms (``data/outline_terms.toml``)."""
    p = Path(str(resources.files("lawgov_nlp") / "data" / "outline_terms.toml"))
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    return {strip_punct(v["heading"]): tuple(v["terms"]) for v in data.get("items", {}).values()}


@lru_cache(maxsize=1)
def applicability_rules() -> list[dict]:
    p = Path(str(resources.files("lawgov_nlp") / "data" / "applicability.toml"))
    return tomllib.loads(p.read_text(encoding="utf-8")).get("rules", [])


def not_applicable_reason(heading: str, meta: dict) -> str | None:
    """Why an item does not apply to a document of this level or issuer type, per the rules file."""
    h = strip_punct(heading)
    for rule in applicability_rules():
        if not any(strip_punct(x) in h for x in rule["headings"]):
            continue
        if meta.get("level") in rule.get("levels", []) or meta.get("issuer_type") in rule.get("issuer_types", []):
            return rule["reason"]
    return None


def _unit(doc: Document, c: Clause, full: bool = False, by_id: dict | None = None) -> Unit:
    part = ""
    if c.parent_id:
        by_id = by_id if by_id is not None else doc.by_id
        p = by_id.get(c.parent_id)
        while p is not None and p.parent_id:
            p = by_id.get(p.parent_id)
        if p is not None:
            part = f"{p.marker}{p.heading}"
    text = doc.full_text(c) if full else c.text
    return Unit(c.id, list(c.path), doc.path_label(c), c.heading, text, c.kind, part)


def target_units(doc: Document) -> list[Unit]:
    """Clauses a target is matched by: everything but table rows that restate a body clause."""
    return [_unit(doc, c, by_id=doc.by_id) for c in doc.clauses if not (c.kind == "table_row" and c.duplicate_of)]


# -- the array-level core --------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    s = strip_punct(text)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _sparse(rows: list[dict[str, float]], vocab: dict[str, int]):
    from scipy import sparse

    r, c, v = [], [], []
    for i, row in enumerate(rows):
        for term, w in row.items():
            j = vocab.get(term)
            if j is not None:
                r.append(i)
                c.append(j)
                v.append(w)
    return sparse.csr_matrix((v, (r, c)), shape=(len(rows), len(vocab)), dtype=np.float64)


class TermCoverage:
    """items × clauses: idf-weighted share of each item's terms found in each clause.

    The items' term weights are fixed, so their matrix is built once; per target only the
    clauses' term incidence and the idf (over that target's clauses and the items) change.
    """

    def __init__(self, ref_terms: list[dict[str, float]]):
        from scipy import sparse

        self.vocab: dict[str, int] = {}
        for row in ref_terms:
            for t in row:
                self.vocab.setdefault(t, len(self.vocab))
        self.W = _sparse(ref_terms, self.vocab)
        self.item_df = np.asarray((self.W > 0).sum(axis=0)).ravel()
        self.n_items = len(ref_terms)
        self._sparse = sparse

    def __call__(self, target_terms: list[set[str]]) -> np.ndarray:
        if not self.vocab or not target_terms:
            return np.zeros((self.n_items, len(target_terms)))
        r, c = [], []
        for i, ts in enumerate(target_terms):
            for t in ts:
                j = self.vocab.get(t)
                if j is not None:
                    r.append(i)
                    c.append(j)
        T = self._sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(target_terms), len(self.vocab)))
        df = np.asarray(T.sum(axis=0)).ravel() + self.item_df
        n = len(target_terms) + self.n_items
        idf = np.log(1 + n / np.maximum(df, 1))
        Rw = self.W.multiply(idf[None, :]).tocsr()
        totals = np.asarray(Rw.sum(axis=1)).ravel()
        totals[totals == 0] = 1
        return (Rw @ T.T).toarray() / totals[:, None]


def dice_matrix(a: list[set[str]], b: list[set[str]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for s in a + b:
        for t in s:
            vocab.setdefault(t, len(vocab))
    if not vocab:
        return np.zeros((len(a), len(b)))
    A = _sparse([{t: 1.0 for t in s} for s in a], vocab)
    B = _sparse([{t: 1.0 for t in s} for s in b], vocab)
    inter = (A @ B.T).toarray()
    sizes = np.add.outer(np.asarray(A.sum(axis=1)).ravel(), np.asarray(B.sum(axis=1)).ravel())
    sizes[sizes == 0] = 1
    return 2 * inter / sizes


def standardize_dense(d: np.ndarray, shift: float = DiffConfig.dense_shift) -> np.ndarray:
    """Dense cosines mapped to [0, 1] against the target document's own distribution.

    A report's paraphrases sit lower on the cosine scale than a plan's copied wording; what
    carries over is how far a pair stands above the document's typical pair.
    """
    if d.size == 0:
        return d
    mu, sd = float(d.mean()), float(d.std()) or 1.0
    z = (d - mu) / sd
    return 1 / (1 + np.exp(-(z - shift)))


def pair_scores(signals: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    return sum(weights[k] * signals[k] for k in weights)


# -- evidence --------------------------------------------------------------------------------

def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _runs(norm: str, grams: set[str]) -> list[tuple[int, int]]:
    """Maximal runs of ``norm`` covered by bigrams from ``grams`` (two CJK characters or more)."""
    # a run continues only while consecutive bigrams match: two matches that merely touch
    # (依法 + 建设 in 依法建设) are two phrases, not one the reference never contains
    runs: list[tuple[int, int]] = []
    start = None
    for i in range(len(norm)):
        hit = i < len(norm) - 1 and norm[i:i + 2] in grams
        if hit and start is None:
            start = i
        elif not hit and start is not None:
            runs.append((start, i + 1))
            start = None
    return [(a, b) for a, b in runs if sum(1 for ch in norm[a:b] if _cjk(ch)) >= 2]


def shared_phrases(ref_text: str, target_text: str, extra_terms: Sequence[str] = ()) -> tuple[list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Phrases the two texts share (runs of shared character bigrams) and the item's policy terms
    found in the target, with their spans in each original text. Linear time: reports over
    thousands of documents compute it for every match."""
    rn, ri = normalized_with_offsets(ref_text)
    tn, ti = normalized_with_offsets(target_text)
    ref_grams = {rn[i:i + 2] for i in range(len(rn) - 1) if _cjk(rn[i]) and _cjk(rn[i + 1])}
    t_runs = _runs(tn, ref_grams)
    phrases = list(dict.fromkeys(tn[a:b] for a, b in t_runs))
    shared_grams = {tn[i:i + 2] for a, b in t_runs for i in range(a, b - 1)}
    r_runs = _runs(rn, shared_grams)
    tgt_spans = [(ti[a], ti[b - 1] + 1) for a, b in t_runs]
    for term in extra_terms:
        t = normalize(term)
        k = tn.find(t)
        if len(t) >= 2 and k >= 0:
            if t not in phrases:
                phrases.append(t)
            tgt_spans.append((ti[k], ti[k + len(t) - 1] + 1))
    return phrases, [(ri[a], ri[b - 1] + 1) for a, b in r_runs], merge_spans(tgt_spans)


# -- the engine ------------------------------------------------------------------------------

@dataclass
class _Prepared:
    units: list[Unit]
    vecs: np.ndarray  # clause vectors (normalized)
    sent_vecs: np.ndarray
    sent_owner: np.ndarray
    tokens: list[list[str]] | None = None  # jieba tokens stored in an index, when targets come from one


class Aligner:
    """Compare one reference with many targets; the reference is prepared once."""

    def __init__(self, reference: Document, encoder: str | Encoder = DEFAULT_ENCODER, cache: EmbeddingCache | None = None, expand: bool = True,
                 config: DiffConfig | None = None):
        self.reference = reference
        self.config = config or DiffConfig()
        self.encoder = get_encoder(encoder) if isinstance(encoder, str) else encoder
        self.cache = cache
        items = reference_items(reference)
        self.items = [_unit(reference, c, full=True) for c in items]
        terms_by_heading = outline_terms() if expand else {}
        self.expansions = [list(terms_by_heading.get(strip_punct(u.heading), ())) for u in self.items]
        # the text an item is matched by: its own text (heading + body when present) and its policy terms
        self.match_texts = [u.text + ("\n" + "；".join(t) if t else "") for u, t in zip(self.items, self.expansions)]
        self.heading_grams = [_bigrams(u.heading) for u in self.items]
        self.item_vecs, _ = embed_texts(self.encoder, self.match_texts, cache)
        self._words = TermCoverage([self._weights(tokenize(u.heading + " " + u.text), tokenize("；".join(t))) for u, t in zip(self.items, self.expansions)])
        self._grams = TermCoverage([self._gram_weights(u.heading + u.text, t) for u, t in zip(self.items, self.expansions)])

    @staticmethod
    def _weights(own: list[str], expanded: list[str]) -> dict[str, float]:
        # an item's own words count fully; words from its expansion terms count half
        w: dict[str, float] = {}
        for t in expanded:
            w[t] = max(w.get(t, 0), 0.5)
        for t in own:
            w[t] = 1.0
        return w

    @staticmethod
    def _gram_weights(own: str, expanded: Sequence[str]) -> dict[str, float]:
        w: dict[str, float] = {}
        for term in expanded:
            for g in _bigrams(term):
                w[g] = max(w.get(g, 0), 0.5)
        for g in _bigrams(own):
            w[g] = 1.0
        return w

    def prepare(self, doc: Document, vectors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> _Prepared:
        """Units and embeddings of a target (``vectors`` = clause, sentence vectors, owners from an index)."""
        units = target_units(doc)
        if vectors is not None:
            cv, sv, so = vectors
            stored = getattr(doc, "index_tokens", None)
            toks = [stored[u.clause_id] for u in units] if stored else None
            return _Prepared(units, cv, sv, so, toks)
        sv, so, _ = embed_sentences(self.encoder, [u.text for u in units], self.cache)
        return _Prepared(units, mean_pool(sv, so, len(units)), sv, so)

    def signals(self, prep: _Prepared, idf: dict[str, float] | None = None) -> dict[str, np.ndarray]:
        """items × clauses matrices of each signal."""
        n = len(prep.units)
        if n == 0:
            z = np.zeros((len(self.items), 0))
            return {k: z for k in ("dense", "dense_raw", "words", "chars", "heading")}
        # best sentence of each clause against each item, as one matrix product
        sims = self.item_vecs @ np.asarray(prep.sent_vecs, dtype=np.float32).T
        order = np.argsort(prep.sent_owner, kind="stable")
        owners = prep.sent_owner[order]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(owners)) + 1])
        best = np.full((len(self.items), n), -1.0, dtype=np.float32)
        best[:, owners[starts]] = np.maximum.reduceat(sims[:, order], starts, axis=1)
        clause_sims = self.item_vecs @ np.asarray(prep.vecs, dtype=np.float32).T
        dense_raw = np.maximum(best, clause_sims)
        stored = getattr(prep, "tokens", None)
        word_sets = [set(t) for t in stored] if stored is not None else [set(tokenize(u.text)) for u in prep.units]
        gram_sets = [_bigrams(u.text) for u in prep.units]
        words = self._words(word_sets)
        chars = self._grams(gram_sets)
        heading = dice_matrix(self.heading_grams, [_bigrams(u.heading) for u in prep.units])
        return {"dense": standardize_dense(dense_raw, self.config.dense_shift), "dense_raw": dense_raw, "words": words, "chars": chars, "heading": heading}

    def align(self, doc: Document, vectors=None) -> DocAlignment:
        prep = self.prepare(doc, vectors)
        sig = self.signals(prep)
        cfg = self.config
        scores = pair_scores(sig, cfg.weights) if prep.units else np.zeros((len(self.items), 0))
        meta = doc.meta.to_dict()
        results: list[ItemResult] = []
        used: set[int] = set()
        for i, item in enumerate(self.items):
            row = scores[i]
            order = np.argsort(-row) if row.size else np.array([], dtype=int)
            best = float(row[order[0]]) if row.size else 0.0
            status = "implemented" if best >= cfg.implemented_at else "partial" if best >= cfg.partial_at else "omitted"
            matches: list[Match] = []
            if status != "omitted":
                for j in order[:cfg.max_matches]:
                    if row[j] < max(cfg.partial_at, cfg.match_share * best):
                        break
                    matches.append(self._match(i, prep.units[j], row[j], sig, j))
                    used.add(int(j))
            nearest = self._match(i, prep.units[order[0]], row[order[0]], sig, order[0]) if status == "omitted" and row.size else None
            reason = self._reason(status, best, sig, i, order[0] if row.size else None)
            na = not_applicable_reason(item.heading, meta)
            if na and status == "omitted":
                status, reason = "not_applicable", na
            elif na:
                reason = f"{reason}; note: {na}, but the document does address it"
            results.append(ItemResult(item, status, round(best, 4), matches, reason, nearest, self.expansions[i]))
        additions = []
        if scores.size:
            col_best = scores.max(axis=0)
            for j, u in enumerate(prep.units):
                if j in used or col_best[j] >= cfg.addition_below or u.kind not in ("body", "table_row", "paragraph"):
                    continue
                if len(strip_punct(u.text)) < cfg.addition_min_chars:
                    continue
                i = int(np.argmax(scores[:, j]))
                additions.append(self._match(i, u, scores[i, j], sig, j))
        unrelated = self._unrelated(results, sig)
        notes = []
        if unrelated:
            notes.append("the document looks unrelated to the reference: almost nothing in it matches any item")
        return DocAlignment(doc.doc_id, doc.title, meta, results, additions, unrelated, notes)

    def _unrelated(self, results: list[ItemResult], sig) -> bool:
        found = sum(1 for r in results if r.status in ("implemented", "partial"))
        raw = sig["dense_raw"]
        cfg = self.config
        return found <= max(1, int(len(results) * cfg.unrelated_found_share)) and (raw.size == 0 or float(raw.max()) < cfg.unrelated_max_dense)

    def _match(self, i: int, u: Unit, score: float, sig, j: int) -> Match:
        ref = self.items[i]
        phrases, rs, ts = shared_phrases(ref.heading + "\n" + ref.text if ref.text != ref.heading else ref.text, u.text, self.expansions[i])
        # spans were computed on heading+text when they differ; keep only those inside ref.text
        if ref.text != ref.heading:
            off = len(ref.heading) + 1
            rs = [(a - off, b - off) for a, b in rs if a >= off]
        signals = {k: round(float(sig[k][i, j]), 4) for k in ("dense_raw", "dense", "words", "chars", "heading")}
        return Match(u.clause_id, u.path, u.path_label, u.heading, u.text, round(float(score), 4), signals, phrases[:12], rs, ts)

    def _reason(self, status: str, best: float, sig, i: int, j) -> str:
        if j is None:
            return "the target has no clauses"
        parts = f"dense {sig['dense_raw'][i, j]:.2f} (doc-relative {sig['dense'][i, j]:.2f}), words {sig['words'][i, j]:.2f}, bigrams {sig['chars'][i, j]:.2f}, heading {sig['heading'][i, j]:.2f}"
        cfg = self.config
        if status == "implemented":
            return f"score {best:.3f} ≥ {cfg.implemented_at}: {parts}"
        if status == "partial":
            return f"score {best:.3f} between {cfg.partial_at} and {cfg.implemented_at} (a weaker or narrower treatment): {parts}"
        return f"nearest clause scores {best:.3f} < {cfg.partial_at}: {parts}"


def index_vectors(index, doc: Document) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clause vectors, sentence vectors and local owners of ``doc``'s target units, read from an index."""
    rows_of = getattr(doc, "index_rows", None)
    if rows_of is None:
        raise InputError(f"{doc.doc_id}: not loaded from an index")
    rows = np.array([rows_of[u.clause_id] for u in target_units(doc)], dtype=np.int64)
    if len(rows) == 0:
        return np.zeros((0, index.manifest.dim), np.float32), np.zeros((0, index.manifest.dim), np.float32), np.zeros(0, np.int64)
    sent_rows, starts = index.sentence_rows(rows)
    counts = np.diff(np.concatenate([starts, [len(sent_rows)]]))
    owners = np.repeat(np.arange(len(rows)), counts)
    return (np.asarray(index.vectors[rows], dtype=np.float32), np.asarray(index.sentence_vectors[sent_rows], dtype=np.float32), owners)


def diff_plans(
    reference: Document,
    targets: Sequence[Document],
    encoder: str | Encoder = DEFAULT_ENCODER,
    cache: EmbeddingCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    index=None,
) -> DiffReport:
    """Align every target with the reference. With ``index``, targets loaded from it
    (``ClauseIndex.document``) have their embeddings read from it instead of computed."""
    if not targets:
        raise InputError("no target documents to compare")
    aligner = Aligner(reference, encoder, cache)
    docs = []
    for k, t in enumerate(targets, start=1):
        # documents loaded from the index reuse its embeddings; files are embedded (or read from the cache)
        from_index = index is not None and hasattr(t, "index_rows")
        docs.append(aligner.align(t, index_vectors(index, t) if from_index else None))
        if progress:
            progress(k, len(targets))
    return DiffReport(_ref_info(reference, aligner), docs)


def _ref_info(reference: Document, aligner: Aligner) -> dict:
    return {
        "doc_id": reference.doc_id, "title": reference.title, "items": len(aligner.items),
        "headings_only": all(u.text.strip() == "" or len(strip_punct(u.text)) <= len(strip_punct(u.heading)) + 6 for u in aligner.items),
        "expanded_items": sum(1 for e in aligner.expansions if e), "encoder": aligner.encoder.id,
        "config": aligner.config.to_dict(),
    }


def resolve_documents(reference: str | Path, targets: Sequence[str | Path] = (), index=None, all_docs: bool = False) -> tuple[Document, list[Document]]:
    """The reference and target documents a diff names: files, or document ids of ``index``, or
    (``all_docs``) every document of ``index`` except the reference."""
    from ..reading.corpus import load_path

    if all_docs and index is None:
        raise InputError("--all needs an index (--index NAME)")
    ref_path = Path(reference)
    ref_doc = load_path(ref_path) if ref_path.exists() or index is None else index.document(str(reference))
    docs = [index.document(d) for d in index.doc_ids() if d != ref_doc.doc_id] if all_docs else []
    for t in targets:
        p = Path(t)
        docs.append(index.document(str(t)) if index is not None and not p.exists() else load_path(p))
    if not docs:
        raise InputError("no target documents: give files, or document ids with --index, or --all")
    return ref_doc, docs
