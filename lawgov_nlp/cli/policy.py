"""``lawgov-nlp commitments``, ``strength``, ``cite``, ``trace``, ``eval-commitments``, ``eval-cite``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..views.output import output_options
from .app import app, embedding_cache, handle_errors, index_dir, index_inputs

FORMATS = ("table", "json", "csv", "html")


def _inputs(*names: str):
    def get(kw) -> list[Path]:
        out = []
        for n in names:
            v = kw.get(n)
            for x in (v if isinstance(v, (list, tuple)) else [v]):
                if x and Path(str(x)).exists():
                    out.append(Path(str(x)))
        if "index" in kw:  # the documents behind --index (or the default index) are inputs too
            out += index_inputs(kw["index"])
        return out
    return get


def _open(index: str | None, needed: bool):
    if index is None and not needed:
        return None
    from ..indexing.index import open_index

    return open_index(index_dir(index), load_encoder=False)


def _select(paths: list[str], idx, all_docs: bool, exclude: str | None = None):
    """Files and directories, or document ids of the index, or every document of it."""
    from ..errors import InputError
    from ..reading.corpus import load_documents

    if all_docs and idx is None:
        raise InputError("--all needs an index (--index NAME)")
    docs = [idx.document(d) for d in idx.doc_ids() if d != exclude] if all_docs else []
    files = [p for p in paths if Path(p).exists()]
    for p in paths:
        if not Path(p).exists():
            if idx is None:
                raise InputError(f"{p}: no such file or directory (document ids need --index)")
            docs.append(idx.document(p))
    if files:
        docs.extend(load_documents(files))
    if not docs:
        raise InputError("no documents: give files or directories, or document ids with --index, or --all")
    return docs


def _one_doc(ref: str, idx):
    from ..reading.corpus import load_path

    return load_path(ref) if Path(ref).exists() or idx is None else idx.document(ref)


def _encoder(encoder: str | None, idx) -> str:
    """The encoder asked for, else the index's (its embeddings are reused), else USE."""
    return encoder or (idx.manifest.encoder_spec if idx is not None else "use")


def _compare_with(reference: str, paths: list[str] | None, idx, all_docs: bool, encoder: str | None):
    """The documents compared with ``reference`` through diff-plans (``--reference``)."""
    from ..analysis.aligned import align
    from ..analysis.compare import compare

    ref = _one_doc(reference, idx)
    docs = _select(list(paths or []), idx, all_docs, exclude=ref.doc_id)
    return compare(align(ref, docs, encoder=_encoder(encoder, idx), cache=embedding_cache(), index=idx))


@app.command("commitments")
@handle_errors
@output_options(*FORMATS, inputs=_inputs("paths", "reference"))
def commitments_cmd(
    paths: Optional[list[str]] = typer.Argument(None, help="Documents: files, directories, or document ids of --index."),
    index: Optional[str] = typer.Option(None, "--index", "-i", help="Read documents (and embeddings) from this index."),
    all_docs: bool = typer.Option(False, "--all", help="Every document of --index."),
    kind: Optional[list[str]] = typer.Option(None, "--kind", "-k", help="Only target, deadline or result (repeatable)."),
    matrix: bool = typer.Option(False, "--matrix", help="Indicator × document table instead of one row per commitment."),
    reference: Optional[str] = typer.Option(None, "--reference", "-r", help="Compare with this reference plan through diff-plans: kept / tightened / loosened / dropped / added."),
    encoder: Optional[str] = typer.Option(None, "--encoder", "-e", help="Encoder for the alignment (default: the index's, else use)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also list dropped commitments of omitted items."),
    _fmt: str = "table",
):
    """Targets, deadlines and results of each clause, with lead/responsible units; or compared with a reference."""
    from ..errors import InputError

    kinds = tuple(kind or ())
    bad = [k for k in kinds if k not in ("target", "deadline", "result")]
    if bad:
        raise InputError(f"--kind {bad[0]}: choose target, deadline or result")
    idx = _open(index, all_docs)
    if reference:
        return _compare_with(reference, paths, idx, all_docs, encoder), ({"verbose": verbose} if _fmt == "table" else {})
    from ..analysis.commitments import extract_all

    docs = _select(list(paths or []), idx, all_docs)
    cs = extract_all(docs)
    if kinds:
        for d in cs.documents:
            d.commitments = [c for c in d.commitments if c.kind in kinds]
    if matrix:
        return cs.matrix()
    return cs


@app.command("strength")
@handle_errors
@output_options(*FORMATS, inputs=_inputs("paths", "reference"))
def strength_cmd(
    paths: Optional[list[str]] = typer.Argument(None, help="Documents: files, directories, or document ids of --index."),
    index: Optional[str] = typer.Option(None, "--index", "-i", help="Read documents from this index."),
    all_docs: bool = typer.Option(False, "--all", help="Every document of --index."),
    reference: Optional[str] = typer.Option(None, "--reference", "-r", help="Where each document weakens or strengthens the wording of the reference item it implements."),
    encoder: Optional[str] = typer.Option(None, "--encoder", "-e", help="Encoder for the alignment (default: the index's, else use)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Every span (and unchanged wording), not only levels 3–4 / changes."),
    _fmt: str = "table",
):
    """Directive strength of every clause, span by span (必须/严禁 > 应当/要 > 积极/鼓励 > 可以)."""
    idx = _open(index, all_docs)
    if reference:
        return _compare_with(reference, paths, idx, all_docs, encoder), ({"show": "strength", "verbose": verbose} if _fmt == "table" else {})
    from ..analysis.strength import strength_report

    return strength_report(_select(list(paths or []), idx, all_docs)), ({"verbose": verbose} if _fmt == "table" else {})


@app.command("cite")
@handle_errors
@output_options(*FORMATS, inputs=_inputs("paths"))
def cite_cmd(
    paths: Optional[list[str]] = typer.Argument(None, help="Documents: files, directories, or document ids of --index."),
    index: Optional[str] = typer.Option(None, "--index", "-i", help="Read documents from this index; citations resolve against all of it."),
    all_docs: bool = typer.Option(False, "--all", help="Every document of --index."),
    _fmt: str = "table",
):
    """Citation edges (citing → cited): title, 文号, relation, kind, resolution, diffusion lag."""
    from ..analysis.citations import extract_all

    idx = _open(index, all_docs)
    docs = _select(list(paths or []), idx, all_docs)
    candidates = list(docs)
    if idx is not None:
        have = {d.doc_id for d in docs}
        candidates += [idx.document(d) for d in idx.doc_ids() if d not in have]
    return extract_all(docs, candidates)


@app.command("trace")
@handle_errors
@output_options(*FORMATS, inputs=_inputs("plan", "reports"))
def trace_cmd(
    plan: str = typer.Argument(..., help="The plan (实施方案/工作要点): a file, or a document id with --index."),
    reports: list[str] = typer.Argument(..., help="Later annual reports: files, or document ids of --index."),
    index: Optional[str] = typer.Option(None, "--index", "-i", help="Read documents (and embeddings) from this index."),
    encoder: Optional[str] = typer.Option(None, "--encoder", "-e", help="Encoder for the alignment (default: the index's, else use)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Longer evidence in the table."),
    _fmt: str = "table",
):
    """Which planned tasks each report says were done, which it is silent on, and results without a planned task."""
    from ..analysis.trace import trace_reports

    idx = _open(index, False)
    p = _one_doc(plan, idx)
    docs = _select(list(reports), idx, False, exclude=p.doc_id)
    return trace_reports(p, docs, encoder=_encoder(encoder, idx), cache=embedding_cache(), index=idx), ({"verbose": verbose} if _fmt == "table" else {})


def _eval_command(name: str, evaluate: str, what: str, errors_help: str, summary: str):
    """``eval-NAME GOLD [--corpus DIR] [--doc ID…] [--errors]``: the two extraction evaluations
    differ only in the gold they read and the function that scores it."""

    @app.command(name, help=summary)
    @handle_errors
    @output_options("table", "json", "csv", inputs=lambda kw: [kw["gold"]])
    def command(
        gold: Path = typer.Argument(..., help=f"Gold {what} (format: tests/data/{what}_gold.json)."),
        corpus_dir: Path = typer.Option(Path("corpus"), "--corpus", help="Directory holding the gold's documents."),
        doc: Optional[list[str]] = typer.Option(None, "--doc", help="Only these document ids (repeatable)."),
        errors: bool = typer.Option(False, "--errors", help=errors_help),
        _fmt: str = "table",
    ):
        from ..evaluation import policy  # here, not above: --help must not import the library

        return getattr(policy, evaluate)(gold, corpus_dir, doc or None), ({"errors": errors} if _fmt == "table" else {})

    command.__name__ = name.replace("-", "_")
    return command


eval_commitments = _eval_command(
    "eval-commitments", "evaluate_commitments", "commitments", "List every missed and spurious commitment.",
    "Precision/recall of commitment extraction on gold (same kind, same value, overlapping span).")
eval_cite = _eval_command(
    "eval-cite", "evaluate_citations", "citations", "List every missed, spurious or mislabelled citation.",
    "Precision/recall of citation extraction on gold (same work by normalised title), with relation/kind/文号 accuracy.")
