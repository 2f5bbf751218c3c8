"""The one place the policy analyses touch the diff-plans engine.

Comparison, directive strength and report tracing need only this of an alignment: per target
document, per reference item, the item (clause id, path, heading, text), its status, and the
target clauses that carry it (clause id, text). Everything else of ``analysis.align`` may change
without these analyses noticing; when it does, this adapter is what follows it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..reading.document import Document


@dataclass
class AlignedItem:
    ref_clause_id: str
    ref_path: list[str]
    ref_heading: str
    ref_text: str
    status: str  # implemented | partial | omitted | not_applicable
    match_ids: list[str]  # target clauses carrying the item, best first
    match_texts: list[str]
    score: float | None = None

    @property
    def label(self) -> str:
        return (self.ref_path[-1] if self.ref_path else "") + self.ref_heading


@dataclass
class AlignedDocument:
    doc: Document
    items: list[AlignedItem]

    @property
    def matched_ids(self) -> set[str]:
        return {cid for it in self.items for cid in it.match_ids}


@dataclass
class Alignment:
    reference: Document
    documents: list[AlignedDocument]
    info: dict = field(default_factory=dict)  # what the engine says of the reference (encoder, config)


def align(reference: Document, targets: Sequence[Document], encoder: str = "use", cache=None, index=None,
          progress: Callable[[int, int], None] | None = None) -> Alignment:
    """Align ``targets`` with ``reference`` through diff-plans and keep the stable surface."""
    from .align import diff_plans

    report = diff_plans(reference, list(targets), encoder=encoder, cache=cache, index=index, progress=progress)
    by_id = {t.doc_id: t for t in targets}
    docs = []
    for d in report.documents:
        items = [AlignedItem(it.ref.clause_id, list(it.ref.path), it.ref.heading, it.ref.text, it.status,
                             [m.clause_id for m in it.matches], [m.text for m in it.matches], getattr(it, "score", None))
                 for it in d.items]
        docs.append(AlignedDocument(by_id[d.doc_id], items))
    info = dict(getattr(report, "reference", {}) or {})
    return Alignment(reference, docs, {k: info.get(k) for k in ("encoder", "config", "headings_only") if k in info})


def descendants(doc: Document, clause_id: str) -> set[str]:
    """``clause_id`` and every clause under it (a reference item's text includes its sub-points)."""
    out = {clause_id}
    for c in doc.clauses:
        if c.parent_id in out:
            out.add(c.id)
    return out


align_documents = align
