"""The result types of commitment extraction: a commitment, an assignment of units, a document's
commitments, a set of documents (table, JSON, CSV, DataFrame) and the indicator × document matrix."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import display

KINDS = ("target", "deadline", "result")
KIND_ZH = {"target": "目标", "deadline": "时限", "result": "成效"}
DIRECTION_SIGN = {"at_least": "≥", "at_most": "≤", "exactly": "=", "by": "by"}


@dataclass
class Commitment:
    doc_id: str
    clause_id: str
    kind: str  # target | deadline | result
    text: str  # the exact text at ``span``
    span: tuple[int, int]  # [start, end) in the clause's text
    doc_span: tuple[int, int] | None  # [start, end) in the document's original text (None for index-only documents)
    value: float | str  # number, ISO date, every:year …, within:2-years
    unit: str  # 学时, %, 项 … ; date | recurring for deadlines
    direction: str  # at_least | at_most | exactly | by
    subject: str  # what it measures, as written
    subject_key: str  # normalised: an indicator of data/indicators.toml, else derived from the wording
    indicator: bool  # subject_key is a canonical indicator
    path_label: str = ""
    upper: float | None = None  # a range (3-5名): the upper bound
    approx: bool = False  # 近 / 约
    restates: str | None = None  # a task-table row restating this body clause
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)

    @property
    def display_value(self) -> str:
        if isinstance(self.value, str):
            return self.value
        v = _fmt_number(self.value)
        sign = {"at_least": "≥", "at_most": "≤", "exactly": ""}.get(self.direction, "")
        rng = f"–{_fmt_number(self.upper)}" if self.upper is not None else ""
        return f"{'≈' if self.approx else ''}{sign}{v}{rng}{self.unit}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["span"] = list(self.span)
        d["doc_span"] = list(self.doc_span) if self.doc_span else None
        return d


def _fmt_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6f}".rstrip("0").rstrip(".")


@dataclass
class Assignment:
    """Who carries a clause out: lead (牵头) / responsible (责任) / cooperating (配合) units."""

    doc_id: str
    clause_id: str
    role: str  # lead | responsible | cooperating
    units: list[str]
    source: str  # table (a task-table column) | inline (牵头单位：… in the text)
    text: str
    span: tuple[int, int] | None  # in the clause text (inline only)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["span"] = list(self.span) if self.span else None
        return d


@dataclass
class DocCommitments:
    doc_id: str
    title: str
    meta: dict
    commitments: list[Commitment]
    assignments: list[Assignment]

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for c in self.commitments:
            out[c.kind] += 1
        return out


@dataclass(repr=False)
class CommitmentSet:
    """Commitments of several documents (``extract_all``): table, JSON, CSV, DataFrame, matrix."""

    documents: list[DocCommitments]
    config: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"CommitmentSet({len(self.documents)} documents, {sum(len(d.commitments) for d in self.documents)} commitments)"

    def __iter__(self):
        for d in self.documents:
            yield from d.commitments

    def to_dict(self) -> dict:
        return {"config": self.config, "documents": [
            {"doc_id": d.doc_id, "title": d.title, "meta": d.meta, "counts": d.counts(),
             "commitments": [c.to_dict() for c in d.commitments], "assignments": [a.to_dict() for a in d.assignments]}
            for d in self.documents]}

    COLUMNS = ["doc_id", "clause_id", "path_label", "kind", "subject_key", "indicator", "value", "unit", "direction", "display",
               "text", "subject", "start", "end", "doc_start", "doc_end", "restates", "lead", "responsible"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        rows = []
        for c in self:
            d = c.to_dict()
            rows.append({**d, "display": c.display_value, "start": c.span[0], "end": c.span[1],
                         "doc_start": c.doc_span[0] if c.doc_span else None, "doc_end": c.doc_span[1] if c.doc_span else None,
                         "lead": "、".join(c.lead), "responsible": "、".join(c.responsible)})
        return self.COLUMNS, rows

    def to_frame(self):
        import pandas as pd

        cols, rows = self.to_rows()
        return pd.DataFrame(rows, columns=cols)

    def matrix(self, min_docs: int = 2) -> IndicatorMatrix:
        return indicator_matrix(self, min_docs)

    def _repr_html_(self) -> str:
        return display.render_html(self)


@dataclass(repr=False)
class IndicatorMatrix:
    """Indicator × document: what each document commits to (or reports) for each indicator."""

    indicators: list[str]
    units: dict[str, str]
    doc_ids: list[str]
    titles: dict[str, str]
    cells: dict[tuple[str, str], list[Commitment]]

    def __repr__(self) -> str:
        return f"IndicatorMatrix({len(self.indicators)} indicators × {len(self.doc_ids)} documents)"

    def cell_text(self, key: str, doc_id: str) -> str:
        cs = self.cells.get((key, doc_id), [])
        return "; ".join(dict.fromkeys(f"{c.display_value}" + ("" if c.kind == "target" else f" ({KIND_ZH[c.kind]})") for c in cs))

    def to_dict(self) -> dict:
        return {"indicators": [
            {"key": k, "unit": self.units.get(k, ""), "documents": {
                d: [c.to_dict() for c in self.cells.get((k, d), [])] for d in self.doc_ids if (k, d) in self.cells}}
            for k in self.indicators], "documents": [{"doc_id": d, "title": self.titles[d]} for d in self.doc_ids]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        cols = ["indicator", "unit", *self.doc_ids]
        return cols, [{"indicator": k, "unit": self.units.get(k, ""), **{d: self.cell_text(k, d) for d in self.doc_ids}}
                      for k in self.indicators]

    def to_frame(self):
        import pandas as pd

        cols, rows = self.to_rows()
        return pd.DataFrame(rows, columns=cols).set_index("indicator")

    def _repr_html_(self) -> str:
        return display.render_html(self)


def indicator_matrix(cset: CommitmentSet, min_docs: int = 2) -> IndicatorMatrix:
    """Indicators that are canonical or appear in at least ``min_docs`` documents, by document.
    Task-table rows that restate a body clause are left out (they would count it twice)."""
    cells: dict[tuple[str, str], list[Commitment]] = {}
    docs_of: dict[str, set[str]] = {}
    units: dict[str, str] = {}
    for d in cset.documents:
        for c in d.commitments:
            if c.restates:
                continue
            if not c.subject_key:
                continue
            cells.setdefault((c.subject_key, d.doc_id), []).append(c)
            docs_of.setdefault(c.subject_key, set()).add(d.doc_id)
            units.setdefault(c.subject_key, c.unit)
    canon = {c.subject_key for c in cset if c.indicator}
    keys = [k for k in docs_of if k in canon or len(docs_of[k]) >= min_docs]
    keys.sort(key=lambda k: (-len(docs_of[k]), k))
    return IndicatorMatrix(keys, units, [d.doc_id for d in cset.documents], {d.doc_id: d.title for d in cset.documents},
                           {k: v for k, v in cells.items() if k[0] in keys})
