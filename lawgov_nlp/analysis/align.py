"""diff-plans: which items of a reference plan a local document implements, partially, or omits.

The pieces, in the order a diff runs them:

- :class:`~.model.ReferenceModel` — the reference's items, their distinctive terms weighted by
  collection idf, their embeddings (built once per reference);
- :class:`~.target.TargetView` — a target cut into passages of a few sentences, from a file
  (``from_document``) or from an index (``from_index``, embeddings read, nothing encoded);
- :func:`~.signals.signals` — items × passages matrices (term mass, dense standard scores);
- :func:`~.decide.decide` — the one rule from signals to statuses, evidence and additions;
- :mod:`~.explain` — shared phrases, spans and the reason shown for each item.

:class:`Aligner` wires them; :func:`diff_plans` runs one reference against many targets. A new
signal goes in ``signals`` (and its weight in :class:`~lawgov_nlp.config.DiffConfig`), a new status
rule in ``decide``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..config import DiffConfig
from ..errors import InputError
from ..indexing.encoders import EmbeddingCache, Encoder, get_encoder
from ..reading.document import Document
from .decide import Decision, decide
from .explain import build_match, reason, shared_phrases, terms_in
from .model import ReferenceModel, reference_items
from .results import STATUSES, DiffReport, DocAlignment, ItemResult, Match, Status, Unit
from .signals import DocTerms, term_incidence
from .target import REPORT_TYPES, TargetView, normalized_pieces, procedure_unit, target_units
from .terms import data_versions, has_applicability_rule, not_applicable_reason

__all__ = [
    "DEFAULT_DIFF_ENCODER",
    "STATUSES",
    "Aligner",
    "DiffReport",
    "DocAlignment",
    "ItemResult",
    "Match",
    "Status",
    "Unit",
    "diff_plans",
    "not_applicable_reason",
    "reference_items",
    "resolve_documents",
    "shared_phrases",
    "target_units",
]

# e5 reads Chinese paraphrase far better than USE; files are embedded with it unless told otherwise
DEFAULT_DIFF_ENCODER = "e5"
_PERIOD_2015 = re.compile(r"法治政府建设实施纲要[（(]2015[-－—–~～至]2020")


class Aligner:
    """Compare one reference with many targets; the reference is prepared once."""

    def __init__(self, reference: Document, encoder: str | Encoder = DEFAULT_DIFF_ENCODER, cache: EmbeddingCache | bool | None = False,
                 expand: bool = True, config: DiffConfig | None = None, via: Document | None = None, index=None):
        self.reference = reference
        self.config = config or DiffConfig()
        self.encoder = get_encoder(encoder) if isinstance(encoder, str) else encoder
        self.cache = cache
        self.model = ReferenceModel.build(reference, self.encoder, cache, self.config, expand)
        self.via: Aligner | None = None
        self.links: list = []
        if via is not None:
            self._link(via, expand, index)

    def _link(self, via: Document, expand: bool, index=None) -> None:
        """Map the reference's items to those of ``via``, the outline it implements (:mod:`.bridge`);
        ``index``: where a reference read from an index has its embeddings."""
        from .bridge import link_items

        if self.model.headings_only:
            raise InputError(f"{self.reference.doc_id}: --via compares through an outline a reference that has body text; "
                             "this reference is headings only: compare with it directly")
        try:
            reference_items(via)
        except InputError:
            raise InputError(f"{via.path or via.doc_id}: --via takes the outline both documents implement; this document has no "
                             "numbered items (（一）, 第X条, 一、 or 1.)") from None
        outline = Aligner(via, self.encoder, self.cache, expand, self.config)
        if not outline.model.headings_only:
            raise InputError(f"{via.doc_id}: --via takes the outline both documents implement (headings only, like the 纲要's); "
                             "this document has body text")
        view = outline.view(self.reference, index)
        sig, doc_terms = outline.signals(view)
        # which national items the plan restates, not how far: its own topic (a plan about one item) caps nothing here
        dec = outline.decide(view, sig, doc_terms, outline.config.replace(topical_share=0.0))
        self.via = outline
        self.links = link_items(self.items, view.passage_unit, [u.clause_id for u in view.units], sig["evidence"],
                                dec.status, dec.thresholds[:, 0])

    @property
    def items(self) -> list[Unit]:
        return self.model.items

    @property
    def expansions(self) -> list[list[str]]:
        return self.model.expansions

    # -- the pipeline, step by step (scripts/calibrate_diff.py reuses the steps) ----------------

    def view(self, doc: Document, index=None) -> TargetView:
        """The target's passages: read from ``index`` when the document came from one."""
        from ..indexing.index import IndexedDocument

        if isinstance(doc, IndexedDocument):
            if index is None:
                raise InputError(f"{doc.doc_id}: read from an index, but no index was given to read its embeddings from")
            if index.manifest.encoder != self.encoder.id:
                # the stored embeddings and the reference's must come from one encoder: another
                # one's vectors are in another space (or another dimension) and compare as noise
                raise InputError(f"{doc.doc_id}: index built with encoder '{index.manifest.encoder}', the comparison uses "
                                 f"'{self.encoder.id}': leave out --encoder to use the index's")
            return TargetView.from_index(index, doc, self.config)
        return TargetView.from_document(doc, self.encoder, self.cache, self.config)

    def signals(self, view: TargetView) -> tuple[dict[str, np.ndarray], DocTerms]:
        """items × passages signal matrices, and how broadly the document treats each item."""
        m = self.model
        pieces = term_incidence(normalized_pieces(view), m.vocab)
        sig = m.signals(pieces, view)
        return sig, m.document_terms(pieces, view)

    def decide(self, view: TargetView, sig: dict[str, np.ndarray], doc_terms: DocTerms, config: DiffConfig | None = None) -> Decision:
        meta = view.doc.meta.to_dict()
        na = np.array([bool(not_applicable_reason(u.heading, meta)) for u in self.items])
        report = meta.get("doc_type") in REPORT_TYPES
        addable = np.array([self._addable(u, report) for u in view.units], dtype=bool)
        return decide(sig, view.passage_unit, view.outlook, doc_terms, self.model.has_body, self.model.totals, na, addable, config or self.config)

    def _addable(self, u: Unit, report: bool) -> bool:
        """Could this clause be a local addition at all? Not a section on carrying out the document
        itself; a numbered clause of some length; text after the last numbered clause only in a report
        (a plan's is its call to carry it out, a signature and date; a work report's closing sections
        on 教育, 医疗, 外交 are substance) and only when longer."""
        if procedure_unit(u):
            return False
        n = len(u.text.strip())
        if u.kind in ("body", "table_row", "paragraph"):
            return n >= self.config.addition_min_chars
        return u.kind == "postamble" and report and n >= 3 * self.config.addition_min_chars

    def align(self, doc: Document, index=None) -> DocAlignment:
        # one view serves both readings: passages and embeddings do not depend on the reference
        view = self.view(doc, index)
        body = self._align_view(view)
        if self.via is None:
            return body
        from .bridge import bridged

        return bridged(body, self.via._align_view(view), self.links, self.via.items)

    def align_own(self, doc: Document, index=None) -> DocAlignment:
        """The target read against the reference's own items only (with ``via``: before the bridge)."""
        return self._align_view(self.view(doc, index))

    def _align_view(self, view: TargetView) -> DocAlignment:
        sig, doc_terms = self.signals(view)
        return self.explain(view, sig, self.decide(view, sig, doc_terms))

    # -- results -------------------------------------------------------------------------------

    def explain(self, view: TargetView, sig: dict[str, np.ndarray], dec: Decision) -> DocAlignment:
        meta = view.doc.meta.to_dict()
        m = self.model
        results = []
        topic = f"{(self.items[dec.topic].path or [''])[-1]}{self.items[dec.topic].heading}" if dec.topic >= 0 else ""
        for i, item in enumerate(self.items):
            status = dec.status[i]
            matches = [self._match(i, view, sig, p, dec) for p in dec.evidence[i]]
            best = int(dec.best[i])
            near_misses = []
            if best >= 0 and status is not Status.NOT_APPLICABLE and len(matches) < self.config.max_near_misses:
                # an omission shows where the tool looked; an item with fewer matches than that also
                # shows the next passages that come close, for the reviewer who finds the match odd
                cited = {int(view.passage_unit[p]) for p in dec.evidence[i]}
                near_misses = [self._match(i, view, sig, p, dec)
                               for p in self._near_misses(i, view, sig, cited, self.config.max_near_misses - len(matches))]
            nearest = near_misses[0] if near_misses else None
            terms = matches[0].terms if matches else (nearest.terms if nearest else [])
            shown = dec.evidence[i][0] if dec.evidence[i] else best  # the reason speaks of the passage shown first
            discounted = self.config.shared_discount < 1 and shown >= 0 and int(sig["evidence"][:, shown].argmax()) != i
            impl, part = dec.thresholds[i]
            na = not_applicable_reason(item.heading, meta)
            done = float(dec.score_done[i]) if dec.score_done is not None and self.config.cap_report_outlook and view.outlook.any() else None
            subtasks = m.subtasks(i, dec.doc_terms)
            why = reason(dec.rule[i], float(dec.score[i]), float(impl), float(part), terms, float(sig["dense_z"][i, shown]) if shown >= 0 else 0.0,
                         discounted, na, done, (sum(1 for x in subtasks if x["named"]), len(subtasks)), topic)
            if na and status is not Status.NOT_APPLICABLE:
                why = f"{why}; note: {na}, but the document does address it"
            results.append(ItemResult(item, status, float(dec.score[i]), matches, why, m.expansions[i], near_misses, subtasks=subtasks))
        additions = []
        for u in dec.additions:
            unit = view.units[u]
            additions.append(Match(unit.clause_id, unit.path, unit.path_label, unit.heading, unit.text, 0.0, {}, [], [], []))
        align = DocAlignment(view.doc.doc_id, view.doc.title, meta, results, additions, warnings=list(view.warnings), focus=dec.focus)
        align.unrelated = dec.focus < self.config.related_focus and align.coverage <= self.config.unrelated_coverage
        if align.unrelated:
            align.notes.append(f"the document looks unrelated to the reference: only {dec.focus:.0%} of its passages carry any item")
        elif dec.focus < self.config.related_focus:
            align.notes.append(f"the document is mostly about other things ({dec.focus:.0%} of its passages carry an item): "
                               "only passages that carry an item on their own are counted, passing mentions are not")
        if dec.topic >= 0 and not align.unrelated:
            align.notes.append(f"the document is about one item, {topic} ({dec.topic_share:.0%} of the evidence its passages give an item): "
                               "the other items it touches serve that topic and are at most partial")
        if not align.unrelated and not meta.get("level") and not meta.get("issuer_type") and any(has_applicability_rule(u.heading) for u in self.items):
            # the applicability rules (立法法: county governments and departments do not legislate) need them
            align.notes.append("the document's level and issuer type are unknown (no manifest, and none read from its text): "
                               "the rules on items that do not apply at some levels or to some kinds of issuer were not applied; "
                               "give its metadata in a manifest.toml")
        period = self._period_note(view.doc, meta)
        if period:
            align.notes.append(period)
        return align

    def _near_misses(self, i: int, view: TargetView, sig, skip: set[int] = frozenset(), n: int | None = None) -> list[int]:
        """Where a reviewer checks an omission: the passages scoring highest for the item, then those
        holding its supporting terms without the backing that would count them (政务服务 in a sentence
        on the 12345 hotline), then the closest in meaning; one per clause (none of the clauses
        ``skip``), up to ``n`` (default ``max_near_misses``)."""
        terms = sig["anchor"][i] + sig["context"][i]
        # three ways of coming close, taken in turn so that none crowds out the others: a dense score
        # that adds evidence would otherwise fill every place before a passage naming the item's words
        orders = [np.lexsort((-sig["dense"][i], -terms, -sig["evidence"][i])),
                  np.lexsort((-sig["evidence"][i], -sig["dense"][i], -terms)),
                  np.lexsort((-terms, -sig["evidence"][i], -sig["dense"][i]))]
        want = n if n is not None else self.config.max_near_misses
        picked: list[int] = []
        units: set[int] = set(skip)
        pos = [0, 0, 0]
        while len(picked) < want and any(k < len(o) for k, o in zip(pos, orders)):
            for j, o in enumerate(orders):
                while pos[j] < len(o):
                    p = int(o[pos[j]])
                    pos[j] += 1
                    u = int(view.passage_unit[p])
                    # the term order offers only passages that hold some of the item's words
                    if u not in units and (j != 1 or terms[p] > 0):
                        units.add(u)
                        picked.append(p)
                        break
                if len(picked) >= want:
                    break
        return picked

    def _match(self, i: int, view: TargetView, sig, p: int, dec: Decision) -> Match:
        unit = view.units[int(view.passage_unit[p])]
        span = view.passage_span(p)
        terms = terms_in(unit.text[span[0]:span[1]], self.model.concepts[i])
        signals_ = {k: round(float(sig[k][i, p]), 4) for k in ("mass", "anchor", "context", "dense", "dense_z", "evidence")}
        return build_match(self.items[i], self.model.expansions[i], terms, unit, float(sig["evidence"][i, p]), signals_, [span])

    def _period_note(self, doc: Document, meta: dict) -> str | None:
        """A 2015–2020-period document compared with the 2021–2025 outline (or the reverse)."""
        ref_period = self.reference.meta.implements or ("2021-2025" if "2021" in (self.reference.title or "") and "纲要" in (self.reference.title or "") else "")
        period = meta.get("implements") or ""
        if not period:
            text = doc.text or "\n".join(c.text for c in doc.clauses[:40])
            if _PERIOD_2015.search(text):
                period = "2015-2020"
        if ref_period and period and period != ref_period:
            return (f"this document belongs to the {period} period (it implements the 法治政府建设实施纲要 of {period}), the reference to "
                    f"{ref_period}: items introduced by the later 纲要 cannot be expected of it, and its own tasks are matched by substance")
        return None

    def reference_info(self) -> dict:
        info = {
            "doc_id": self.reference.doc_id, "title": self.reference.title, "items": len(self.items),
            "headings_only": self.model.headings_only, "expanded_items": sum(1 for e in self.expansions if e),
            "encoder": self.encoder.id, "config": self.config.to_dict(), "config_fingerprint": self.config.fingerprint(),
            "data": data_versions(),
        }
        if self.via is not None:
            # which national item each reference item was read through: a reviewer checks the mapping first
            info["via"] = {"doc_id": self.via.reference.doc_id, "title": self.via.reference.title,
                           "links": [k.to_dict(self.items, self.via.items) for k in self.links]}
        return info


def diff_plans(
    reference: Document,
    targets: Sequence[Document],
    encoder: str | Encoder = DEFAULT_DIFF_ENCODER,
    cache: EmbeddingCache | bool | None = False,
    progress: Callable[[int, int], None] | None = None,
    index=None,
    config: DiffConfig | None = None,
    via: Document | None = None,
) -> DiffReport:
    """Align every target with the reference. With ``index``, targets loaded from it
    (:class:`~lawgov_nlp.indexing.index.IndexedDocument`) have their embeddings read from it. With
    ``via`` (the outline a local reference implements), items that restate a national item are read
    through it (:mod:`.bridge`)."""
    if not targets:
        raise InputError("no target documents to compare")
    aligner = Aligner(reference, encoder, cache, config=config, via=via, index=index)
    docs = []
    with _single_threaded_blas():
        for k, t in enumerate(targets, start=1):
            docs.append(aligner.align(t, index))
            if progress:
                progress(k, len(targets))
    return DiffReport(aligner.reference_info(), docs)


def _single_threaded_blas():
    """Per document the products are tiny (34 items × a few hundred passages): a BLAS thread pool
    spends more waking up than computing, four times more on a busy machine (BENCHMARKS.md)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a core dependency; degrade to the default pool
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def reference_warnings(reference: Document, targets: Sequence[Document], via: Document | None = None) -> list[str]:
    """Signs that the reference and the targets were given the wrong way round: an annual report as
    the reference (it records work, it sets no tasks), or a 纲要 among the targets of a local one; and
    a local plan read through the 纲要 of another period (``via``)."""
    out = []
    if via is not None and reference.meta.implements and via.meta.implements and reference.meta.implements != via.meta.implements:
        out.append(f"{reference.doc_id} implements the 纲要 of {reference.meta.implements}, read here through {via.doc_id} "
                   f"({via.meta.implements}): its items are linked by substance, and those the later 纲要 dropped stay unlinked")
    rtype = reference.meta.doc_type or ""
    if rtype in REPORT_TYPES:
        out.append(f"the reference {reference.doc_id} is a {rtype}: diff-plans asks how documents implement a reference plan "
                   "(the 纲要, a 实施方案); give the plan first and the report as a target")
    if "纲要" not in rtype:
        national = [d.doc_id for d in targets if "纲要" in (d.meta.doc_type or "")]
        if national:
            what = f"{national[0]} is a 纲要" if len(national) == 1 else f"{', '.join(national[:3])} are 纲要"
            out.append(f"{what} but given as a target of {reference.doc_id}: give the 纲要 first, as the reference")
    return out


def resolve_document(name: str | Path, index=None) -> Document:
    """One document a command names: a file, or a document id of ``index``."""
    from ..reading.corpus import load_path

    p = Path(name)
    if index is None and not p.exists() and not p.suffix:
        raise InputError(f"{name}: no such file (a document id needs --index NAME)")
    return load_path(p) if p.exists() or index is None else index.document(str(name))


def resolve_documents(reference: str | Path, targets: Sequence[str | Path] = (), index=None, all_docs: bool = False) -> tuple[Document, list[Document]]:
    """The reference and target documents a diff names: files, or document ids of ``index``, or
    (``all_docs``) every document of ``index`` except the reference."""
    if all_docs and index is None:
        raise InputError("--all needs an index (--index NAME)")
    ref_doc = resolve_document(reference, index)
    docs = [index.document(d) for d in index.doc_ids() if d != ref_doc.doc_id] if all_docs else []
    docs += [resolve_document(t, index) for t in targets]
    if not docs:
        raise InputError("no target documents: give files, or document ids with --index, or --all")
    return ref_doc, docs
