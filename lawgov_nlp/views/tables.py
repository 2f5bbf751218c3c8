"""The tables of a diff-plans report, for spreadsheets, CSV and the web app's exports.

Everything here reads the report's documented JSON form (``DiffReport.to_dict()``), not its
internals, so it follows the report as its engine changes:

- :class:`CoverageMatrix`: reference items × documents, one status per cell (``diff-plans
  --matrix``; the ``matrix`` sheet of the workbook);
- :func:`diff_sheets`: every table of a report (matrix, documents, evidence, additions,
  reference, settings), which ``--format xlsx`` writes one sheet each.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..analysis.results import subtask_summary

STATUS_KEYS = ("implemented", "partial", "omitted", "not_applicable")
STATUS_LABELS = {"implemented": "落实", "partial": "部分落实", "omitted": "未涉及", "not_applicable": "不适用"}


def report_dict(report) -> dict:
    """The JSON form of a report (a ``DiffReport``, or its ``to_dict()`` already)."""
    return report if isinstance(report, dict) else report.to_dict()


REVIEW_MARK = "✎"  # beside a status a reviewer set; the tool's follows in brackets when it differs


def review_text(r: dict, full_hash: bool = False) -> str:
    """The review line (terminal, HTML, matrix) from the JSON form of the review
    (``ReviewRecord.to_dict()``); ``full_hash`` gives the whole sha256 (the HTML shows it whole)."""
    by = f" by {r['reviewer']}" if r.get("reviewer") else ""
    on = f" on {r['signed_on']}" if r.get("signed_on") else ""
    n = r.get("reviewed", 0)
    docs, targets = r.get("documents") or [], r.get("targets", 0)
    scope = f" in {len(docs)} of {targets} documents ({', '.join(docs)}; the others are not signed)" if targets > 1 and len(docs) < targets else ""
    before = f"; re-signs the review by {r['previous']}" if r.get("previous") else ""
    struck = f", {r['struck']} addition{'' if r['struck'] == 1 else 's'} struck" if r.get("struck") else ""
    return (f"reviewed{by}{on}: {n} item{'' if n == 1 else 's'}, {r.get('changed', 0)} changed{struck}{scope} "
            f"({r.get('path', '')}, sha256 {str(r.get('sha256', '')) if full_hash else str(r.get('sha256', ''))[:12]}){before}")


def item_label(ref: dict) -> str:
    """The marker path of a reference item (``二、/（四）``), or its clause id when unnumbered."""
    return "/".join(ref.get("path") or []) or ref.get("clause_id", "")


def item_marker(ref: dict) -> str:
    path = ref.get("path") or []
    return path[-1] if path else ""


@dataclass
class CoverageMatrix:
    """Reference items × documents: the status of every item in every document."""

    reference: dict
    documents: list[dict]  # doc_id, title, coverage, unrelated, meta (and, when signed, tool_coverage, reviewed, changed)
    items: list[dict]  # ref, statuses (one per document, in document order), scores, reviewed (per document: a reviewer set it)
    review: dict | None = None  # the review that signed the report (ReviewRecord.to_dict()), None when nobody did

    @classmethod
    def of(cls, report) -> CoverageMatrix:
        d = report_dict(report)
        docs = d["documents"]
        items = []
        if docs:
            for i, it0 in enumerate(docs[0]["items"]):
                items.append({
                    "ref": it0["ref"],
                    "statuses": [doc["items"][i]["status"] for doc in docs],
                    "scores": [doc["items"][i]["score"] for doc in docs],
                    "reviewed": [bool(doc["items"][i].get("reviewed")) for doc in docs],  # ItemResult.reviewed
                })
        keep = ("doc_id", "title", "coverage", "tool_coverage", "counts", "reviewed", "changed", "signed", "unrelated", "meta", "notes")
        return cls(d["reference"], [{k: x[k] for k in keep if k in x} for x in docs], items, d.get("review"))

    def to_dict(self) -> dict:
        # the statuses are the final ones; a signed matrix says by which review, as the full report does
        return {
            "reference": self.reference,
            "review": self.review,
            "documents": self.documents,
            "status_labels": STATUS_LABELS,
            "items": [{"item": item_label(it["ref"]), "part": it["ref"].get("part", ""), "heading": it["ref"].get("heading", ""),
                       "statuses": dict(zip([d["doc_id"] for d in self.documents], it["statuses"])),
                       **({"reviewed": [d["doc_id"] for d, r in zip(self.documents, it["reviewed"]) if r]} if any(it["reviewed"]) else {})}
                      for it in self.items],
        }

    def to_rows(self) -> tuple[list[str], list[dict]]:
        """One row per reference item: its counts over documents, then one column per document id
        holding the status in Chinese (落实 / 部分落实 / 未涉及 / 不适用)."""
        doc_ids = [d["doc_id"] for d in self.documents]
        cols = ["item", "part", "heading", *STATUS_KEYS, *doc_ids]
        rows = []
        for it in self.items:
            row: dict[str, Any] = {"item": item_label(it["ref"]), "part": it["ref"].get("part", ""), "heading": it["ref"].get("heading", "")}
            for s in STATUS_KEYS:
                row[s] = sum(1 for x in it["statuses"] if x == s)
            row.update({doc: STATUS_LABELS.get(st, st) for doc, st in zip(doc_ids, it["statuses"])})
            if self.review:  # a signed matrix says so on every row, and which of its cells a reviewer set or noted
                row.update(reviewed_in=" ".join(d for d, r in zip(doc_ids, it["reviewed"]) if r), signed_by=self.review.get("reviewer", ""),
                           signed_on=self.review.get("signed_on", ""), review_sha256=self.review.get("sha256", ""))
            rows.append(row)
        if self.review:
            cols = [*cols, "reviewed_in", "signed_by", "signed_on", "review_sha256"]
        return cols, rows

    def to_sheets(self) -> dict:
        sheets = {"matrix": self.to_rows(), "documents": document_rows(self.documents)}
        if self.review:
            sheets["review"] = (["setting", "value"], [{"setting": f"review.{k}", "value": v} for k, v in self.review.items()])
        return sheets


DOCUMENT_COLUMNS = ["doc_id", "title", "issuer", "region", "level", "year", "doc_type", "coverage", "tool_coverage", *STATUS_KEYS,
                    "reviewed", "changed", "unrelated", "notes"]


def document_rows(docs: list[dict]) -> tuple[list[str], list[dict]]:
    rows = []
    for d in docs:
        meta = d.get("meta") or {}
        counts = d.get("counts") or {}
        rows.append({
            "doc_id": d["doc_id"], "title": d["title"], "issuer": meta.get("issuer"), "region": meta.get("region"),
            "level": meta.get("level"), "year": meta.get("year"), "doc_type": meta.get("doc_type"), "coverage": d.get("coverage"),
            "tool_coverage": d.get("tool_coverage", d.get("coverage")), **{s: counts.get(s) for s in STATUS_KEYS},
            "reviewed": d.get("reviewed", 0), "changed": d.get("changed", 0), "unrelated": bool(d.get("unrelated")), "notes": " ".join(d.get("notes") or []),
        })
    return DOCUMENT_COLUMNS, rows


# review_status and review_note make the sheet the reviewer's form (read back by diff-plans --review):
# blank in the tool's report, the reviewer's values in a signed one
EVIDENCE_COLUMNS = ["doc_id", "title", "item", "part", "heading", "status", "status_zh", "tool_status", "review_status", "review_note",
                    "score", "evidence", "rank", "clause_id", "clause_path", "clause_score", "shared", "clause_text", "reason", "subtasks"]


def evidence_rows(d: dict) -> tuple[list[str], list[dict]]:
    """One row per (document, item, evidence clause); an omitted item gets a row per near miss, a matched
    item with fewer matches than ``max_near_misses`` a row per passage that comes close (``also near``).
    ``status`` is the final status (the reviewer's where a review was applied), ``tool_status`` the tool's."""
    rows = []
    for doc in d["documents"]:
        for it in doc["items"]:
            base = {"doc_id": doc["doc_id"], "title": doc["title"], "item": item_label(it["ref"]), "part": it["ref"].get("part", ""),
                    "heading": it["ref"].get("heading", ""), "status": it["status"], "status_zh": STATUS_LABELS.get(it["status"], it["status"]),
                    "tool_status": it.get("tool_status", it["status"]), "review_status": it.get("review_status") or "",
                    "review_note": it.get("review_note", ""), "score": it["score"], "reason": it.get("reason", ""),
                    "subtasks": subtask_summary(it.get("subtasks") or [], it.get("tool_status", it["status"]))}
            found = [("match", k, m) for k, m in enumerate(it.get("matches") or [], start=1)]
            misses = it.get("near_misses") or ([it["nearest"]] if it.get("nearest") and not found else [])
            # an omitted item's nearest misses; a matched one's next passages that come close ("also near")
            found += [("also near" if found else "nearest miss", k, m) for k, m in enumerate(misses, start=len(found) + 1)]
            if not found:
                rows.append({**base, "evidence": "none"})
            for kind, k, m in found:
                rows.append({**base, "evidence": kind, "rank": k, "clause_id": m["clause_id"], "clause_path": m.get("path_label", ""),
                             "clause_score": m.get("score"), "shared": "、".join(m.get("shared") or []), "clause_text": m.get("text", "")})
    return EVIDENCE_COLUMNS, rows


# review_addition / review_note: the reviewer's word on each addition (yes/是: it is one; no/否: it is
# not), read back by diff-plans --review from the workbook's additions sheet
ADDITION_COLUMNS = ["doc_id", "title", "clause_id", "clause_path", "best_score", "text", "review_addition", "review_note"]


def addition_rows(d: dict) -> tuple[list[str], list[dict]]:
    rows = [{"doc_id": doc["doc_id"], "title": doc["title"], "clause_id": a["clause_id"], "clause_path": a.get("path_label", ""),
             "best_score": a.get("score"), "text": a.get("text", ""), "review_addition": a.get("review_addition", ""),
             "review_note": a.get("review_note", "")}
            for doc in d["documents"] for a in [*(doc.get("additions") or []), *(doc.get("struck_additions") or [])]]
    return ADDITION_COLUMNS, rows


def reference_rows(d: dict) -> tuple[list[str], list[dict]]:
    docs = d["documents"]
    rows = []
    if docs:
        for it in docs[0]["items"]:
            ref = it["ref"]
            rows.append({"item": item_label(ref), "part": ref.get("part", ""), "heading": ref.get("heading", ""), "clause_id": ref.get("clause_id"),
                         "text": ref.get("text", ""), "policy_terms": "、".join(it.get("expanded_terms") or [])})
    return ["item", "part", "heading", "clause_id", "policy_terms", "text"], rows


def settings_rows(d: dict) -> tuple[list[str], list[dict]]:
    """What produced the report: reference, encoder, and every setting of its config."""
    rows = []
    for k, v in d["reference"].items():
        if k == "config" and isinstance(v, dict):
            rows.extend({"setting": f"config.{ck}", "value": json.dumps(cv, ensure_ascii=False) if isinstance(cv, (dict, list)) else cv}
                        for ck, cv in v.items())
        elif k == "via" and isinstance(v, dict):
            # the outline's id on a row of its own: a signed form is checked against the run it is applied to
            rows.append({"setting": "reference.via", "value": v.get("doc_id")})
            rows.append({"setting": "reference.via.links", "value": json.dumps(v.get("links", []), ensure_ascii=False)})
        else:
            rows.append({"setting": f"reference.{k}", "value": v})
    # a signed workbook says which review signed it, as the JSON and HTML do
    for k, v in (d.get("review") or {}).items():
        rows.append({"setting": f"review.{k}", "value": v})
    return ["setting", "value"], rows


def diff_sheets(report) -> dict[str, tuple[list[str], list[dict]]]:
    """Every table of a report, by sheet name."""
    d = report_dict(report)
    matrix = CoverageMatrix.of(d)
    return {
        "matrix": matrix.to_rows(),
        "documents": document_rows(d["documents"]),
        "evidence": evidence_rows(d),
        "additions": addition_rows(d),
        "reference": reference_rows(d),
        "settings": settings_rows(d),
    }


# -- registered views (imported by views.output when something is shown) --------------------------

def _register() -> None:
    from rich.table import Table
    from rich.text import Text

    from ..analysis.align import DiffReport
    from ..reading.corpus import SUMMARY_COLUMNS, DocumentList, summary_row
    from .output import sheets_view, terminal_view

    sheets_view(DiffReport)(diff_sheets)

    @sheets_view(DocumentList)
    def _document_sheets(docs: DocumentList) -> dict:
        sheets = {"documents": (SUMMARY_COLUMNS, [summary_row(d) for d in docs])}
        if not docs.summary:
            sheets["clauses"] = docs.to_rows()
        return sheets

    style = {"implemented": "bold green", "partial": "yellow", "omitted": "bold red", "not_applicable": "dim"}
    mark = {"implemented": "●", "partial": "◐", "omitted": "○", "not_applicable": "–"}

    @terminal_view(CoverageMatrix)
    def _print_matrix(m: CoverageMatrix, out) -> None:
        t = Table(title=f"{m.reference.get('title', '')}: {len(m.items)} items × {len(m.documents)} documents", title_justify="left", pad_edge=False)
        t.add_column("item", overflow="fold")
        for k, _ in enumerate(m.documents, start=1):
            t.add_column(str(k), justify="center", no_wrap=True)
        if m.review:
            out.print(Text(review_text(m.review), style="bold magenta"))
        for it in m.items:
            t.add_row(Text(f"{item_marker(it['ref'])}{it['ref'].get('heading', '')}"[:40]),
                      *[Text(mark.get(s, "?") + (REVIEW_MARK if r else ""), style=style.get(s, "")) for s, r in zip(it["statuses"], it["reviewed"])])
        t.add_row(Text("coverage", style="bold"), *[f"{d['coverage']:.0%}" for d in m.documents])
        out.print(t)
        for k, d in enumerate(m.documents, start=1):
            out.print(Text.assemble((f"{k:>3} ", "bold"), d["title"], (f"  {d['doc_id']}", "dim"), ("  looks unrelated" if d["unrelated"] else "", "yellow")))
        legend = "  ".join(f"{mark[s]} {STATUS_LABELS[s]} {s.replace('_', ' ')}" for s in STATUS_KEYS)
        out.print(Text(legend + (f"  {REVIEW_MARK} set by the reviewer" if m.review else ""), style="dim"))


_register()
