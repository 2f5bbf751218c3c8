"""What diff-plans returns: a :class:`Status` per reference item, its evidence, and the report.

The status vocabulary lives here once: the English value, the Chinese label a reviewer reads, and
the colours the terminal, HTML and plots use. Views import it; none keeps its own copy.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

from .. import display


class Status(str, Enum):
    """An item's status. A ``str`` subclass, so JSON, CSV and comparisons see the plain value."""

    IMPLEMENTED = "implemented"
    PARTIAL = "partial"
    OMITTED = "omitted"
    NOT_APPLICABLE = "not_applicable"

    @property
    def zh(self) -> str:
        return _ZH[self]

    @property
    def color(self) -> str:
        """HTML/plot colour."""
        return _COLOR[self]

    @property
    def style(self) -> str:
        """rich terminal style."""
        return _STYLE[self]

    @property
    def credit(self) -> float:
        """Share of an item this status counts for in coverage."""
        return {"implemented": 1.0, "partial": 0.5}.get(self.value, 0.0)

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Status | None:
        """The status a person wrote: the English value (any case, ``not applicable`` with a space
        too) or the Chinese label; None when it is neither. Reviewers type whichever they read."""
        t = " ".join(str(text).split())
        return _BY_LABEL.get(t) or _BY_LABEL.get(t.lower().replace(" ", "_").replace("-", "_"))


_ZH = {Status.IMPLEMENTED: "落实", Status.PARTIAL: "部分落实", Status.OMITTED: "未涉及", Status.NOT_APPLICABLE: "不适用"}
_COLOR = {Status.IMPLEMENTED: "#2e7d32", Status.PARTIAL: "#f9a825", Status.OMITTED: "#c62828", Status.NOT_APPLICABLE: "#9e9e9e"}
_STYLE = {Status.IMPLEMENTED: "bold green", Status.PARTIAL: "yellow", Status.OMITTED: "bold red", Status.NOT_APPLICABLE: "dim"}
STATUSES: tuple[Status, ...] = tuple(Status)
_BY_LABEL = {**{st.value: st for st in STATUSES}, **{_ZH[st]: st for st in STATUSES}}


@dataclass
class Unit:
    """A clause as alignment sees it: text to match and where it sits."""

    clause_id: str
    path: list[str]
    path_label: str
    heading: str
    text: str
    kind: str
    part: str = ""  # label of the top-level part (一、…): coverage by part, report sections

    def to_dict(self) -> dict:
        return {"clause_id": self.clause_id, "path": self.path, "path_label": self.path_label, "heading": self.heading, "text": self.text, "part": self.part}


@dataclass
class Match:
    """One clause of the target that carries (or nearly carries) an item, with the passages inside
    it that were scored: ``evidence`` spans index ``text`` and are what a reviewer reads."""

    clause_id: str
    path: list[str]
    path_label: str
    heading: str
    text: str
    score: float
    signals: dict[str, float]
    shared: list[str]  # phrases the item and the passages share, distinctive terms first
    ref_spans: list[tuple[int, int]]  # offsets into the reference item's text
    target_spans: list[tuple[int, int]]  # offsets into this clause's text (shared phrases)
    evidence: list[tuple[int, int]] = field(default_factory=list)  # the scored passages, offsets into text
    terms: list[str] = field(default_factory=list)  # the item's distinctive terms found in the passages

    @property
    def passage(self) -> str:
        """The text of the scored passages (what the evidence is), joined."""
        return "…".join(self.text[a:b] for a, b in self.evidence) if self.evidence else self.text

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("ref_spans", "target_spans", "evidence"):
            d[k] = [list(s) for s in getattr(self, k)]
        d["passage"] = self.passage
        return d


def subtask_summary(subtasks: list[dict], tool_status: str) -> str:
    """An item's sub-tasks in one line: how many the document names in its work done, with the terms
    it names; those named only in next-year plans or shortcomings; those it does not name (each by
    its first terms). '' for an item of one sub-task, and unless the tool found the item implemented or
    partial: the checklist is for the choice between the two (every view shows it by this rule)."""
    if not subtasks or tool_status not in (Status.IMPLEMENTED.value, Status.PARTIAL.value):
        return ""
    named = [s for s in subtasks if s.get("named")]
    later = [s for s in subtasks if not s.get("named") and s.get("outlook_only")]
    missing = [s for s in subtasks if not s.get("named") and not s.get("outlook_only")]
    if named:
        line = f"sub-tasks 分项任务 named {len(named)} of {len(subtasks)}: " + "; ".join("、".join(s["named"]) for s in named)
    else:
        line = f"sub-tasks 分项任务: none of {len(subtasks)} named by its terms (the evidence rests on the item's other words)"
    if later:
        line += " | only in next-year plans or shortcomings 仅见于计划或不足: " + "; ".join("、".join(s["outlook_only"]) for s in later)
    if missing:
        line += " | not named 未提及: " + "; ".join("、".join(s["terms"][:2]) + ("…" if len(s["terms"]) > 2 else "") for s in missing)
    return line


@dataclass
class ItemResult:
    ref: Unit
    status: Status  # the tool's own status; a reviewer's is ``review_status`` and wins in ``final_status``
    score: float
    matches: list[Match]
    reason: str
    expanded_terms: list[str] = field(default_factory=list)
    # an item with no match: where a reviewer checks the omission; with fewer matches than
    # max_near_misses: the next passages that come close (one per clause, none a match's)
    near_misses: list[Match] = field(default_factory=list)
    review_status: Status | None = None  # set by analysis.review.apply_review
    review_note: str = ""
    # an item of several sub-tasks: each with its terms, those the document names in its work done and
    # those it names only in next-year plans or shortcomings ({"terms", "named", "outlook_only"})
    subtasks: list[dict] = field(default_factory=list)
    through: str = ""  # diff-plans --via: the national item (marker and heading) this item was judged through

    @property
    def nearest(self) -> Match | None:
        """The first near miss of an item with no match (the report's "nearest")."""
        return self.near_misses[0] if self.near_misses and not self.matches else None

    @property
    def final_status(self) -> Status:
        """The status the report stands by: the reviewer's where there is one, else the tool's."""
        return self.review_status or self.status

    @property
    def overridden(self) -> bool:
        return self.review_status is not None and self.review_status is not self.status

    @property
    def reviewed(self) -> bool:
        """A reviewer set its status or wrote a note (a note alone, 已核, is a review too)."""
        return self.review_status is not None or bool(self.review_note)

    def to_dict(self) -> dict:
        final = self.final_status
        return {"ref": self.ref.to_dict(), "status": final.value, "status_zh": final.zh, "tool_status": self.status.value,
                "review_status": self.review_status.value if self.review_status else None, "review_note": self.review_note,
                "reviewed": self.reviewed, "score": self.score, "reason": self.reason, "matches": [m.to_dict() for m in self.matches],
                "nearest": self.nearest.to_dict() if self.nearest else None, "expanded_terms": self.expanded_terms,
                "near_misses": [m.to_dict() for m in self.near_misses], "subtasks": self.subtasks,
                **({"through": self.through} if self.through else {})}


@dataclass
class DocAlignment:
    doc_id: str
    title: str
    meta: dict
    items: list[ItemResult]
    additions: list[Match]
    unrelated: bool = False
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the target's segmentation (e.g. very long clauses)
    focus: float = 0.0  # share of the document's passages that carry some reference item
    # a reviewer's word on the additions: clause id → (still an addition?, note); struck ones leave ``additions``
    addition_review: dict[str, tuple[bool, str]] = field(default_factory=dict)
    struck_additions: list[Match] = field(default_factory=list)

    # Counts and coverage are those of the final (signed) statuses: a reviewed report is the one a
    # 法制机构 stands by. The tool's own figures stay available as tool_counts / tool_coverage.
    def counts(self) -> dict[str, int]:
        return _counts([it.final_status for it in self.items])

    def tool_counts(self) -> dict[str, int]:
        return _counts([it.status for it in self.items])

    @property
    def coverage(self) -> float:
        """(implemented + ½ partial) / applicable items, by the final statuses."""
        return _coverage([it.final_status for it in self.items]) or 0.0

    @property
    def tool_coverage(self) -> float:
        """The coverage the tool gave, before any review."""
        return _coverage([it.status for it in self.items]) or 0.0

    @property
    def reviewed(self) -> int:
        return sum(1 for it in self.items if it.reviewed)

    @property
    def changed(self) -> int:
        return sum(1 for it in self.items if it.overridden)

    def coverage_by_part(self) -> dict[str, float | None]:
        parts: dict[str, list[Status]] = {}
        for it in self.items:
            parts.setdefault(it.ref.part, []).append(it.final_status)
        return {part: _coverage(statuses) for part, statuses in parts.items()}

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "title": self.title, "meta": self.meta, "coverage": self.coverage,
            "tool_coverage": self.tool_coverage, "coverage_by_part": self.coverage_by_part(), "counts": self.counts(),
            "tool_counts": self.tool_counts(), "reviewed": self.reviewed, "changed": self.changed, "unrelated": self.unrelated,
            "focus": self.focus, "notes": self.notes, "warnings": self.warnings,
            "items": [it.to_dict() for it in self.items], "additions": [self._addition_dict(m) for m in self.additions],
            **({"struck_additions": [self._addition_dict(m) for m in self.struck_additions]} if self.addition_review else {}),
        }

    def _addition_dict(self, m: Match) -> dict:
        d = m.to_dict()
        if self.addition_review:  # the form's fields, so that a signed report's JSON reads back as a form
            keep, note = self.addition_review.get(m.clause_id, (None, ""))
            d["review_addition"] = {True: "yes", False: "no", None: ""}[keep]
            d["review_note"] = note
        return d


def _counts(statuses: list[Status]) -> dict[str, int]:
    out = {s.value: 0 for s in STATUSES}
    for st in statuses:
        out[st.value] += 1
    return out


def _coverage(statuses: list[Status]) -> float | None:
    app = [st for st in statuses if st is not Status.NOT_APPLICABLE]
    return round(sum(st.credit for st in app) / len(app), 4) if app else None


@dataclass(frozen=True)
class ReviewRecord:
    """Which review file signed a report: what a reader needs to find the very file again."""

    path: str
    sha256: str
    reviewed: int  # items with a reviewer's status or note
    changed: int  # items whose reviewed status differs from the tool's
    reviewer: str = ""  # who signed, as they gave it (--reviewer): a sign-off names a person
    signed_on: str = ""  # ISO date the review was applied
    documents: tuple[str, ...] = ()  # the documents the form reviewed (at least one status or note): the others are not signed
    targets: int = 0  # documents in the report
    previous: str = ""  # the form was a signed export: that earlier signature (NAME on DATE (sha256 …))
    struck: int = 0  # local additions the reviewer says are not additions

    def covers(self, doc_id: str) -> bool:
        return doc_id in self.documents

    def to_dict(self) -> dict:
        d = asdict(self)
        d["documents"] = list(self.documents)
        return d


@dataclass
class DiffReport:
    reference: dict  # doc_id, title, items, headings_only, encoder, config, data versions
    documents: list[DocAlignment]
    review: ReviewRecord | None = None  # set by analysis.review.apply_review

    def to_dict(self) -> dict:
        docs = [d.to_dict() for d in self.documents]
        if self.review is not None:
            for d in docs:  # which documents the signature covers: a form may review some of them only
                d["signed"] = self.review.covers(d["doc_id"])
        return {"reference": self.reference, "review": self.review.to_dict() if self.review else None, "documents": docs}

    # review_status / review_note are the reviewer's form: an exported CSV is filled in and read back
    # by ``diff-plans --review``; status is the final one, tool_status the tool's
    CSV_COLUMNS = ["doc_id", "title", "ref", "part", "heading", "status", "status_zh", "tool_status", "review_status", "review_note",
                   "score", "matches", "match_paths", "shared", "evidence", "reason", "subtasks"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        """One row per (document, reference item), for CSV."""
        rows = []
        for d in self.documents:
            for it in d.items:
                rows.append({
                    "doc_id": d.doc_id, "title": d.title, "ref": "/".join(it.ref.path), "part": it.ref.part,
                    "heading": it.ref.heading, "status": it.final_status.value, "status_zh": it.final_status.zh,
                    "tool_status": it.status.value, "review_status": it.review_status.value if it.review_status else "",
                    "review_note": it.review_note, "score": it.score, "matches": " ".join(m.clause_id for m in it.matches), "match_paths": " | ".join(m.path_label for m in it.matches),
                    "shared": "、".join(it.matches[0].shared) if it.matches else "",
                    "evidence": it.matches[0].passage if it.matches else "", "reason": it.reason,
                    "subtasks": subtask_summary(it.subtasks, it.status.value),
                })
        if self.review is None:
            return self.CSV_COLUMNS, rows
        # a signed CSV says on every row of a reviewed document who signed it, when, and with which
        # file (the form reader ignores these); rows of a document the form said nothing about stay blank
        signed = {"signed_by": self.review.reviewer, "signed_on": self.review.signed_on, "review_sha256": self.review.sha256}
        blank = dict.fromkeys(signed, "")
        return [*self.CSV_COLUMNS, *signed], [{**r, **(signed if self.review.covers(r["doc_id"]) else blank)} for r in rows]

    def to_frame(self):
        """One row per (document, reference item): status, score, best match."""
        import pandas as pd

        rows = []
        for d in self.documents:
            for it in d.items:
                best = it.matches[0] if it.matches else it.nearest
                rows.append({
                    "doc_id": d.doc_id, "title": d.title, "ref": "/".join(it.ref.path) or it.ref.clause_id,
                    "part": it.ref.part, "heading": it.ref.heading, "status": it.final_status.value, "tool_status": it.status.value,
                    "review_note": it.review_note, "score": it.score,
                    "best_clause": best.clause_id if best else None, "best_path": best.path_label if best else None,
                    "year": d.meta.get("year"), "level": d.meta.get("level"),
                })
        return pd.DataFrame(rows)

    def matrix(self):
        """Reference items × documents status table (for heatmaps)."""
        df = self.to_frame()
        return df.pivot_table(index=["ref", "heading"], columns="doc_id", values="status", aggfunc="first", sort=False)

    def _repr_html_(self) -> str:
        return display.render_html(self)
