"""Report → plan tracing: which planned tasks a later annual report says were done.

The plan is the reference of a diff-plans alignment (its items carry their own body text), each
report a target. Per planned task: **done** (the alignment finds the task implemented in the
report), **partly** (partial), **silent** (omitted: the report says nothing the task could be
recognised by), or not applicable — with the report's clauses as evidence, as in diff-plans.
Where the task set a quantified target and the evidence reports a result on the same subject,
the target is checked: **met** (the result satisfies the floor/ceiling) or **short**; a canonical
indicator reported under another task (``where = "elsewhere"``) is checked too.
Results the report gives in clauses that carry no planned task are listed as **unplanned**.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .. import display
from ..config import PolicyConfig
from ..reading.document import Document
from .aligned import Alignment, descendants
from .commitments import Commitment, extract_document
from .compare import _dedupe, pair_commitments

TRACE_LABELS = ("done", "partly", "silent", "not_applicable")
TRACE_ZH = {"done": "已报告", "partly": "部分报告", "silent": "未提及", "not_applicable": "不适用"}


@dataclass
class Evidence:
    clause_id: str
    path_label: str
    text: str


@dataclass
class TargetCheck:
    target: Commitment
    result: Commitment | None
    outcome: str  # met | short | unreported
    where: str = ""  # evidence (a clause carrying the task) | elsewhere (the same indicator under another task)

    def to_dict(self) -> dict:
        return {"outcome": self.outcome, "where": self.where, "target": self.target.to_dict(), "result": self.result.to_dict() if self.result else None}


@dataclass
class TracedTask:
    ref_clause_id: str
    label: str
    status: str  # the alignment's status
    trace: str  # done | partly | silent | not_applicable
    score: float | None
    evidence: list[Evidence]
    targets: list[TargetCheck]

    def to_dict(self) -> dict:
        return {"ref": self.ref_clause_id, "task": self.label, "status": self.status, "trace": self.trace, "trace_zh": TRACE_ZH[self.trace],
                "score": self.score, "evidence": [e.__dict__ for e in self.evidence], "targets": [t.to_dict() for t in self.targets]}


@dataclass
class ReportTrace:
    doc_id: str
    title: str
    meta: dict
    tasks: list[TracedTask]
    unplanned_results: list[Commitment]
    unplanned_clauses: list[Evidence]

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in TRACE_LABELS}
        for t in self.tasks:
            out[t.trace] += 1
        return out


@dataclass(repr=False)
class TraceReport:
    plan: dict
    reports: list[ReportTrace]
    config: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"TraceReport(plan={self.plan['doc_id']!r}, " + ", ".join(f"{r.doc_id}: {r.counts()}" for r in self.reports) + ")"

    def to_dict(self) -> dict:
        return {"plan": self.plan, "config": self.config, "reports": [
            {"doc_id": r.doc_id, "title": r.title, "meta": r.meta, "counts": r.counts(), "tasks": [t.to_dict() for t in r.tasks],
             "unplanned_results": [c.to_dict() for c in r.unplanned_results], "unplanned_clauses": [e.__dict__ for e in r.unplanned_clauses]}
            for r in self.reports]}

    COLUMNS = ["report", "task", "trace", "trace_zh", "score", "evidence", "evidence_text", "targets"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        rows = []
        for r in self.reports:
            for t in r.tasks:
                rows.append({"report": r.doc_id, "task": t.label, "trace": t.trace, "trace_zh": TRACE_ZH[t.trace], "score": t.score,
                             "evidence": " | ".join(e.path_label for e in t.evidence),
                             "evidence_text": t.evidence[0].text[:200] if t.evidence else "",
                             "targets": "; ".join(f"{c.target.display_value} → {c.result.display_value if c.result else '—'} ({c.outcome})" for c in t.targets)})
            for c in r.unplanned_results:
                rows.append({"report": r.doc_id, "task": "", "trace": "unplanned", "trace_zh": "计划外", "score": None,
                             "evidence": c.path_label, "evidence_text": c.text, "targets": f"{c.subject_key}: {c.display_value}"})
        return self.COLUMNS, rows

    def to_frame(self):
        import pandas as pd

        cols, rows = self.to_rows()
        return pd.DataFrame(rows, columns=cols)

    def _repr_html_(self) -> str:
        return display.render_html(self)


def _outcome(target: Commitment, result: Commitment) -> str:
    if isinstance(target.value, str) or isinstance(result.value, str):
        return "met" if str(target.value) == str(result.value) else "short"
    t, r = float(target.value), float(result.value)
    if target.direction == "at_most":
        return "met" if r <= t else "short"
    if target.direction == "exactly":
        return "met" if r >= t else "short"  # a count set exactly (汇报1次) is met by doing it at least that often
    return "met" if r >= t else "short"


def trace(alignment: Alignment, config: PolicyConfig | None = None) -> TraceReport:
    cfg = config or PolicyConfig()
    plan = alignment.reference
    plan_cs = extract_document(plan).commitments
    out = []
    for ad in alignment.documents:
        doc = ad.doc
        rep_cs = extract_document(doc).commitments
        by_clause: dict[str, list[Commitment]] = {}
        for c in rep_cs:
            by_clause.setdefault(c.clause_id, []).append(c)
        tasks = []
        for it in ad.items:
            trace_label = ("done" if it.status in cfg.trace_done else "partly" if it.status in cfg.trace_partly
                           else "not_applicable" if it.status == "not_applicable" else "silent")
            evidence = [Evidence(cid, doc.path_label(doc.by_id[cid]) if cid in doc.by_id else cid, text)
                        for cid, text in zip(it.match_ids, it.match_texts)]
            ids = descendants(plan, it.ref_clause_id)
            targets = [c for c in _dedupe([c for c in plan_cs if c.clause_id in ids]) if c.kind == "target"]
            checks = []
            if targets:
                results = _dedupe([c for cid in it.match_ids for c in by_clause.get(cid, []) if c.kind == "result"])
                for p in pair_commitments(targets, results, cfg.pair_subject_dice):
                    if p.ref is None:
                        continue
                    if p.local is not None:
                        checks.append(TargetCheck(p.ref, p.local, _outcome(p.ref, p.local), "evidence"))
                        continue
                    # a canonical indicator may be reported under another task (training hours under 执法)
                    other = next((c for c in rep_cs if c.kind == "result" and p.ref.indicator and c.subject_key == p.ref.subject_key), None)
                    checks.append(TargetCheck(p.ref, other, _outcome(p.ref, other) if other else "unreported", "elsewhere" if other else ""))
            tasks.append(TracedTask(it.ref_clause_id, it.label, it.status, trace_label, it.score, evidence, checks))
        matched = ad.matched_ids
        unplanned = [c for c in rep_cs if c.kind == "result" and c.clause_id not in matched]
        clauses = [Evidence(c.id, doc.path_label(c), c.text) for c in doc.clauses
                   if c.id not in matched and c.kind in ("body", "paragraph") and c.id in {x.clause_id for x in unplanned}]
        out.append(ReportTrace(doc.doc_id, doc.title, doc.meta.to_dict(), tasks, unplanned, clauses))
    return TraceReport({"doc_id": plan.doc_id, "title": plan.title, "tasks": len(alignment.documents[0].items) if alignment.documents else 0},
                       out, {**cfg.to_dict(), "alignment": alignment.info})


def trace_reports(plan: Document, reports: Sequence[Document], encoder: str = "use", cache=None, index=None,
                  config: PolicyConfig | None = None) -> TraceReport:
    """Trace ``reports`` against ``plan`` (see the module docstring)."""
    from ..errors import InputError
    from .aligned import align

    if not reports:
        raise InputError("no report to trace: give one or more report files")
    return trace(align(plan, reports, encoder=encoder, cache=cache, index=index), config)
