"""``lawgov-nlp diff-plans`` and ``eval-diff``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError
from ..views.output import output_options
from .app import app, embedding_cache, handle_errors, index_dir, index_inputs, warn


def _diff_inputs(kw) -> list[Path]:
    files = [Path(x) for x in [kw["reference"], *(kw["targets"] or []), *([kw["via"]] if kw.get("via") else [])] if Path(x).exists()]
    files += [kw["review"]] if kw.get("review") is not None else []  # a signed report never replaces its review
    return files + (index_inputs(kw["index"]) if kw.get("index") else [])


@app.command("diff-plans")
@handle_errors
@output_options("table", "json", "csv", "html", "xlsx", inputs=_diff_inputs)
def diff_plans_cmd(
    reference: str = typer.Argument(..., help="Reference document: a file (e.g. the 纲要 outline), or a document id with --index."),
    targets: Optional[list[str]] = typer.Argument(None, help="Local documents: files, or document ids of --index."),
    index: Optional[str] = typer.Option(None, "--index", "-i", help="Read targets (and their embeddings) from this index."),
    all_docs: bool = typer.Option(False, "--all", help="Compare every document of --index except the reference."),
    encoder: Optional[str] = typer.Option(None, "--encoder", "-e", help="Encoder for files (default: the index's, else e5)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Longer evidence in the table."),
    versions: bool = typer.Option(False, "--versions", help="REFERENCE and one TARGET are two versions of one document: "
                                  "list inserted, deleted, moved and changed clauses, word by word."),
    matrix: bool = typer.Option(False, "--matrix", help="Only the items × documents status matrix (e.g. -f csv for a spreadsheet)."),
    review: Optional[Path] = typer.Option(None, "--review", help="Apply a reviewer's statuses and notes: the CSV or xlsx this command "
                                          "(or JSON) exported with review_status/review_note filled in, or gold-format JSON."),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="Who signs the review (recorded with today's date in the signed report)."),
    via: Optional[str] = typer.Option(None, "--via", help="With a local plan as REFERENCE: the outline it implements (a file, or an id of "
                                      "--index); each item that restates a national item is judged as the target does that one."),
    _fmt: str = "table",
):
    """For each item of a reference plan: implemented, partial, omitted or not applicable, with evidence."""
    from ..analysis.align import DEFAULT_DIFF_ENCODER, diff_plans, resolve_documents

    idx = None
    if index is not None or all_docs:
        from ..indexing.index import open_index

        idx = open_index(index_dir(index))
    if versions:
        if via is not None:
            raise InputError("--via reads a local plan through an outline in diff-plans, not in a --versions comparison")
        if review is not None:
            raise InputError("--review signs off a diff-plans report, not a --versions comparison")
        return _versions(reference, targets or [], idx, all_docs, verbose)
    signed = None
    if reviewer is not None and review is None:
        raise InputError("--reviewer names who signed a review: give the review with --review")
    if review is not None:
        from ..analysis.review import load_review

        signed = load_review(review)  # a bad file is refused before the documents are read
    ref_doc, docs = resolve_documents(reference, targets or [], idx, all_docs)
    outline = None
    if via is not None:
        from ..analysis.align import resolve_document

        outline = resolve_document(via, idx)
        if outline.doc_id == ref_doc.doc_id:
            raise InputError(f"--via {via}: the outline is the reference itself")
        docs = [d for d in docs if d.doc_id != outline.doc_id]  # the outline read through itself says nothing
        if not docs:
            raise InputError(f"--via {via}: the outline is the only target; compare the plan with other documents")
    from ..analysis.align import reference_warnings

    for w in reference_warnings(ref_doc, docs, outline):
        warn(w)
    if signed is not None:
        from ..analysis.model import reference_items
        from ..analysis.review import resolve_review

        # and a review of items or documents this diff does not have, before it is embedded
        resolve_review(signed, [(c.id, c.path, c.heading) for c in reference_items(ref_doc)], [d.doc_id for d in docs])
        if not (reviewer or "").strip():
            warn("no --reviewer NAME: the signed report will not say who signed it")
    enc = encoder or (idx.encoder if idx is not None else DEFAULT_DIFF_ENCODER)
    report = diff_plans(ref_doc, docs, encoder=enc, cache=embedding_cache(), index=idx, via=outline)
    if outline is None and not report.reference.get("headings_only", True):
        warn("a local plan as the reference is read by its own words; where it implements the 纲要, add --via OUTLINE "
             "(the 纲要's file or id) to judge its items through the national ones: closer to readers' labels (README)")
    if signed is not None:
        from ..analysis.review import apply_review

        report = apply_review(report, signed, reviewer or "")
        _review_warnings(report)
    if matrix:
        from ..views.tables import CoverageMatrix

        return CoverageMatrix.of(report)
    return report, ({"verbose": verbose} if _fmt == "table" else {})


def _review_warnings(report) -> None:
    from ..analysis.review import review_warnings

    for w in review_warnings(report):
        warn(w)


def _versions(old: str, targets: list[str], idx, all_docs: bool, verbose: bool):
    from ..analysis.align import resolve_documents
    from ..analysis.versions import compare_versions

    if all_docs or len(targets) != 1:
        raise InputError("--versions compares two versions: give OLD and exactly one NEW document")
    old_doc, (new_doc,) = resolve_documents(old, targets, idx)
    return compare_versions(old_doc, new_doc), {"verbose": verbose}


@app.command("eval-diff")
@handle_errors
@output_options("table", "json", "csv", "xlsx", inputs=lambda kw: [*kw["gold"], *([Path(kw["via"])] if kw.get("via") and Path(kw["via"]).exists() else [])])
def eval_diff(
    gold: list[Path] = typer.Argument(..., help="Gold label files (see tests/data/diff_gold_*.json)."),
    corpus_dirs: Optional[list[Path]] = typer.Option(None, "--corpus", help="Directory holding reference and target files (repeatable; default corpus/, then beside the gold file)."),
    encoder: Optional[str] = typer.Option(None, "--encoder", "-e", help="Encoder (default e5, the one the thresholds were chosen with)."),
    via: Optional[str] = typer.Option(None, "--via", help="Read a local reference through this outline (a file or an id of --corpus), as diff-plans --via does."),
    _fmt: str = "table",
):
    """Accuracy, omitted-class precision/recall/F1 and evidence hit@1/@3 of diff-plans on gold labels."""
    from ..evaluation.diff import evaluate_diff

    return evaluate_diff(gold, corpus_dirs or [Path("corpus")], cache=embedding_cache(), encoder=encoder, via=via)
