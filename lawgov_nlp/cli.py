"""The ``lawgov-nlp`` command: a thin layer over the library.

Library errors (``LawgovError``) become one line on stderr and exit code 1 here, and only here.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Callable, List, Optional

import typer

from .errors import LawgovError
from .views.output import Format, console, dumps, to_csv, write_text

app = typer.Typer(
    name="lawgov-nlp",
    help="Search and compare Chinese 法治政府建设 policy documents clause by clause.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



def _version(value: bool) -> None:
    if value:
        from . import __version__

        write_text(f"lawgov-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit.")) -> None:
    """Search and compare Chinese 法治政府建设 policy documents clause by clause."""


FormatOpt = typer.Option(Format.table, "--format", "-f", help="Output format: table, json or csv.")


def fail(message: str) -> None:
    from rich.text import Text

    # messages quote file names and queries: never parse them as rich markup
    console(stderr=True).print(Text.assemble(("error: ", "bold red"), str(message)), soft_wrap=True)


def warn(message: str) -> None:
    from rich.text import Text

    console(stderr=True).print(Text.assemble(("warning: ", "yellow"), str(message)), soft_wrap=True)


def handle_errors(fn: Callable) -> Callable:
    """Turn library errors into a one-line message and exit 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LawgovError as exc:
            fail(str(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            fail("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # output piped into head/less that closed early: not an error worth a message
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except OSError as exc:
            fail(f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}")
            raise typer.Exit(1) from None
        except Exception as exc:  # last resort: never a traceback for users
            if os.environ.get("LAWGOV_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set LAWGOV_DEBUG=1 for a traceback)")
            raise typer.Exit(2) from None

    return wrapper


def _progress_for(path: Path):
    """A progress bar for large files only; small files finish before a bar would help."""
    try:
        size = path.stat().st_size
    except OSError:
        return None, None
    if size < 5_000_000 or not sys.stderr.isatty() and not os.environ.get("LAWGOV_PROGRESS"):
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), console=console(stderr=True), transient=True)
    task = prog.add_task(f"reading {path.name}", total=1)
    return prog, lambda done, total: prog.update(task, completed=done, total=max(total, 1))


@app.command()
@handle_errors
def inspect(
    paths: List[Path] = typer.Argument(..., help="Document files or directories."),
    summary: bool = typer.Option(False, "--summary", "-s", help="One line per document instead of the clause tree."),
    fmt: Format = FormatOpt,
) -> None:
    """Show a document's metadata and clause tree."""
    from .reading.corpus import load_path
    from .reading.document import iter_paths

    docs = []
    files = list(iter_paths(list(paths)))
    if not files:
        raise LawgovError(f"{', '.join(map(str, paths))}: no documents found (.txt, .html, .docx)")
    for f in files:
        prog, cb = _progress_for(f)
        if prog is not None:
            with prog:
                docs.append(load_path(f, progress=cb))
        else:
            docs.append(load_path(f))
    for d in docs:
        for w in d.warnings:
            if w.startswith("no numbering"):
                warn(f"{d.path}: {w}")
    if fmt == Format.json:
        write_text(dumps({"documents": [d.to_dict(with_clauses=not summary) for d in docs]}))
        return
    if fmt == Format.csv:
        if summary:
            rows = [_summary_row(d) for d in docs]
            write_text(to_csv(rows, list(rows[0].keys())))
        else:
            rows = [{**c.to_dict(), "start": c.span[0], "end": c.span[1]} for d in docs for c in d.clauses]
            write_text(to_csv(rows, ["doc_id", "clause_id", "kind", "level", "path", "heading", "start", "end", "duplicate_of", "fields", "text"]))
        return
    from .views.render import document_summary_table, document_tree

    out = console()
    if summary:
        out.print(document_summary_table(docs))
    else:
        for d in docs:
            document_tree(d, out)


index_app = typer.Typer(help="Build, extend and describe clause indexes.", no_args_is_help=True)
app.add_typer(index_app, name="index")
IndexOpt = typer.Option(None, "--index", "-i", help="Index name under indexes/ or a directory path [default: indexes/default].")


def _embed_progress():
    """A rich progress bar for embedding, shown on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console(stderr=True), transient=True)
    tasks: dict[str, int] = {}

    def cb(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = prog.add_task(stage, total=total)
        prog.update(tasks[stage], completed=done, total=total)

    return prog, cb


def _manifest_out(m, index_dir, fmt: Format, verb: str) -> None:
    from dataclasses import asdict

    d = {"index": str(index_dir), **asdict(m)}
    if fmt == Format.json:
        write_text(dumps(d))
    elif fmt == Format.csv:
        d.pop("files")
        write_text(to_csv([d], list(d.keys())))
    else:
        out = console()
        out.print(f"{verb} {index_dir}: {m.documents} documents, {m.clauses} clauses, "
                  f"encoder {m.encoder} ({m.dim}d), FAISS {m.faiss_factory}, embedded {m.embedded} new texts", markup=False)


@index_app.command("build")
@handle_errors
def index_build(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or directories [default: corpus/]."),
    index: Optional[str] = IndexOpt,
    encoder: str = typer.Option("use", "--encoder", "-e", help="use (default, offline), minilm (English test model) or st:MODEL_NAME_OR_DIR."),
    fmt: Format = FormatOpt,
) -> None:
    """Build (or rebuild) an index from documents; unchanged texts are not embedded again."""
    from .indexing.index import build_index, resolve_index_dir

    index_dir = resolve_index_dir(index)
    prog, cb = _embed_progress()
    with prog:
        m = build_index(paths or [Path("corpus")], index_dir, encoder=encoder, cache=_cache(), progress=cb)
    _manifest_out(m, index_dir, fmt, "built")


@index_app.command("add")
@handle_errors
def index_add(
    paths: List[Path] = typer.Argument(..., help="Files or directories to add (a document with the same id is replaced)."),
    index: Optional[str] = IndexOpt,
    fmt: Format = FormatOpt,
) -> None:
    """Add documents to an existing index without re-embedding what it holds."""
    from .indexing.index import add_to_index, resolve_index_dir

    index_dir = resolve_index_dir(index)
    prog, cb = _embed_progress()
    with prog:
        m = add_to_index(paths, index_dir, cache=_cache(), progress=cb)
    _manifest_out(m, index_dir, fmt, "updated")


@index_app.command("info")
@handle_errors
def index_info(index: Optional[str] = IndexOpt, fmt: Format = FormatOpt) -> None:
    """Describe an index: manifest, and its documents."""
    from dataclasses import asdict

    from .indexing.index import open_index, resolve_index_dir

    index_dir = resolve_index_dir(index)
    idx = open_index(index_dir, load_encoder=False)
    docs = idx.store.documents()
    if fmt == Format.json:
        write_text(dumps({"index": str(index_dir), **asdict(idx.manifest), "document_list": [{k: v for k, v in d.items() if k != "meta"} for d in docs]}))
        return
    rows = [{k: v for k, v in d.items() if k not in ("meta", "sha256")} for d in docs]
    if fmt == Format.csv:
        write_text(to_csv(rows, ["doc_id", "title", "issuer", "region", "level", "year", "doc_type", "implements", "path"]))
        return
    from rich.table import Table

    m = idx.manifest
    out = console()
    out.print(f"{index_dir}  format v{m.format_version} · encoder {m.encoder} ({m.dim}d) · FAISS {m.faiss_factory}"
              f" · {m.documents} documents · {m.clauses} clauses · built {m.built_at} · corpus {m.corpus_hash} · dictionary {m.dictionary_hash}", markup=False)
    t = Table(show_lines=False)
    for col in ("document", "title", "type", "level", "year", "region"):
        t.add_column(col, overflow="fold")
    for d in docs:
        t.add_row(d["doc_id"], d["title"], d["doc_type"] or "", d["level"] or "", str(d["year"] or ""), d["region"] or "")
    out.print(t)


def _cache():
    from .indexing.encoders import resolve_cache

    cache = resolve_cache(None)
    if cache is None:
        warn("embedding cache unavailable (set LAWGOV_CACHE to a writable directory); embedding without one")
    return cache if cache is not None else False


@app.command()
@handle_errors
def search(
    query: str = typer.Argument(..., help="What to look for, in plain Chinese or policy terms."),
    index: Optional[str] = IndexOpt,
    k: int = typer.Option(10, "-k", "--top", help="Number of results."),
    doc: Optional[List[str]] = typer.Option(None, "--doc", help="Only these document ids (repeatable)."),
    region: Optional[str] = typer.Option(None, "--region", help="Only documents whose region, issuer or title contains this (e.g. 河北)."),
    year: Optional[str] = typer.Option(None, "--year", help="Only documents of this year or range (2021 or 2021-2023)."),
    doc_type: Optional[str] = typer.Option(None, "--type", help="Only this document type (实施方案, 工作要点, 年度报告, 纲要)."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid (default), lexical or dense."),
    explain: bool = typer.Option(False, "--explain", help="Show matched terms and per-signal scores."),
    fmt: Format = FormatOpt,
) -> None:
    """Find the clauses that answer a question, across every indexed document."""
    from .indexing.search import Searcher, parse_years

    years = parse_years(year)
    results = Searcher(_index_dir(index)).search(query, k=k, mode=mode, doc_ids=doc or (), region=region, years=years, doc_type=doc_type)
    if fmt == Format.json:
        write_text(dumps({"query": query, "mode": mode, "results": [_result_json(r) for r in results]}))
        return
    if fmt == Format.csv:
        rows = [{**_result_json(r), "dense": r.scores.get("dense"), "lexical": r.scores.get("words")} for r in results]
        write_text(to_csv(rows, ["rank", "score", "doc_id", "clause_id", "title", "path", "heading", "matched_terms", "dense", "lexical", "text"]))
        return
    from .views.render import search_table

    out = console()
    if not results:
        out.print(f"no clause matches '{query}'" + (" with these filters" if any([doc, region, year, doc_type]) else ""), markup=False)
        return
    out.print(search_table(query, results, explain=explain))


def _index_dir(index):
    from .indexing.index import resolve_index_dir

    return resolve_index_dir(index)


def _result_json(r) -> dict:
    return {
        "rank": r.rank, "score": r.score, "doc_id": r.doc_id, "clause_id": r.clause_id, "title": r.title, "path": r.path,
        "path_label": r.path_label, "heading": r.heading, "text": r.text, "span": list(r.span),
        "scores": {"dense": r.scores.get("dense"), "lexical": r.scores.get("words"), "chars": r.scores.get("chars")},
        "matched_terms": r.matched_terms,
    }


@app.command("eval-search")
@handle_errors
def eval_search(
    judgments: Path = typer.Argument(..., help="Relevance judgments JSON (see tests/data/search_judgments.json)."),
    index: Optional[str] = IndexOpt,
    k: int = typer.Option(10, "-k", help="Cut-off for nDCG and Recall."),
    fmt: Format = FormatOpt,
) -> None:
    """nDCG@10 and Recall@10 of dense, lexical and hybrid search (and baselines) on judgments."""
    from dataclasses import asdict

    from .evaluation.metrics import load_judgments, search_eval
    from .indexing.search import Searcher

    s = Searcher(_index_dir(index))
    js = load_judgments(judgments, s.index.store)
    unresolved = [u for j in js for u in j.unresolved]
    for u in unresolved:
        warn(f"judgment not found in index: {u}")
    rows = [asdict(r) for r in search_eval(s, js, modes=("dense", "words", "chars", "bm25", "lexical", "hybrid-rrf", "hybrid"), k=k)]
    if fmt == Format.json:
        write_text(dumps({"judgments": str(judgments), "index": str(s.index.path), "k": k, "rows": rows}))
    elif fmt == Format.csv:
        write_text(to_csv(rows, ["mode", "split", "queries", "ndcg10", "recall10"]))
    else:
        from rich.table import Table

        t = Table(title=f"search quality on {judgments.name} (k={k}; dev = odd query ids, used for tuning; test = even)")
        for col in ("mode", "split", "queries", f"nDCG@{k}", f"Recall@{k}"):
            t.add_column(col)
        for r in rows:
            t.add_row(r["mode"], r["split"], str(r["queries"]), f"{r['ndcg10']:.3f}", f"{r['recall10']:.3f}")
        console().print(t)


class DiffFormat(str, __import__("enum").Enum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


@app.command("diff-plans")
@handle_errors
def diff_plans_cmd(
    reference: str = typer.Argument(..., help="Reference document: a file (e.g. the 纲要 outline), or a document id with --index."),
    targets: Optional[List[str]] = typer.Argument(None, help="Local documents: files, or document ids of --index."),
    index: Optional[str] = typer.Option(None, "--index", "-i", help="Read targets (and their embeddings) from this index."),
    all_docs: bool = typer.Option(False, "--all", help="Compare every document of --index except the reference."),
    fmt: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f", help="table, json, csv or html."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Longer evidence in the table."),
) -> None:
    """For each item of a reference plan: implemented, partial, omitted or not applicable, with evidence."""
    from .analysis.align import diff_plans
    from .reading.corpus import load_path
    from .errors import InputError

    if output is not None and not output.parent.is_dir():
        raise InputError(f"{output}: output directory {output.parent} does not exist")
    idx = None
    if index is not None or all_docs:
        from .indexing.index import open_index

        idx = open_index(_index_dir(index))
    ref_path = Path(reference)
    if ref_path.exists() or idx is None:
        ref_doc = load_path(ref_path)
    else:
        ref_doc = idx.document(reference)
    docs = []
    if all_docs:
        ids = [d for d in idx.doc_ids() if d != ref_doc.doc_id]
        docs = [idx.document(d) for d in ids]
    for t in targets or []:
        p = Path(t)
        if idx is not None and not p.exists():
            docs.append(idx.document(t))
        else:
            docs.append(load_path(p))
    if not docs:
        raise InputError("no target documents: give files, or document ids with --index, or --all")
    encoder = idx.encoder if idx is not None else "use"
    report = diff_plans(ref_doc, docs, encoder=encoder, cache=_cache(), index=idx)
    if fmt == DiffFormat.json:
        text = dumps(report.to_dict())
    elif fmt == DiffFormat.csv:
        from .views.report import CSV_COLUMNS, csv_rows

        text = to_csv(csv_rows(report), CSV_COLUMNS)
    elif fmt == DiffFormat.html:
        from .views.report import render_html

        text = render_html(report)
    else:
        from .views.report import print_report

        if output is None:
            print_report(report, console(), verbose=verbose)
            return
        from rich.console import Console

        rec = Console(record=True, width=160, file=__import__("io").StringIO())
        print_report(report, rec, verbose=verbose)
        text = rec.export_text()
    if output is not None:
        from .views.output import write_file_atomic

        write_file_atomic(output, text)
        console(stderr=True).print(f"wrote {output} ({len(report.documents)} document(s))", markup=False)
    else:
        write_text(text)


@app.command("eval-diff")
@handle_errors
def eval_diff(
    gold: List[Path] = typer.Argument(..., help="Gold label files (see tests/data/diff_gold_*.json)."),
    corpus_dir: Path = typer.Option(Path("corpus"), "--corpus", help="Directory holding the reference and target files."),
    fmt: Format = FormatOpt,
) -> None:
    """Accuracy, omitted-class precision/recall/F1 and evidence hit@1/@3 of diff-plans on gold labels."""
    from dataclasses import asdict

    from .analysis.align import Aligner
    from .reading.corpus import load_path
    from .evaluation.metrics import load_gold, score_diff

    rows = []
    aligners: dict[str, Aligner] = {}
    for g in gold:
        data = load_gold(g)
        ref_id = data.get("reference", "gangyao-2021-2025-outline")
        if ref_id not in aligners:
            aligners[ref_id] = Aligner(load_path(_find_doc(corpus_dir, ref_id)), cache=_cache())
        alignment = aligners[ref_id].align(load_path(_find_doc(corpus_dir, data["target"])))
        rows.append(asdict(score_diff(data, alignment)))
    if fmt == Format.json:
        write_text(dumps({"rows": rows}))
        return
    cols = ["target", "items", "accuracy", "omitted_precision", "omitted_recall", "omitted_f1", "evidence_hit1", "evidence_hit3", "evidence_items"]
    if fmt == Format.csv:
        write_text(to_csv(rows, cols))
        return
    from rich.table import Table

    t = Table(title="diff-plans against gold labels")
    for c in cols:
        t.add_column(c.replace("_", " "), overflow="fold")
    for r in rows:
        t.add_row(*[f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols])
    console().print(t)


def _find_doc(directory: Path, doc_id: str) -> Path:
    from .reading.corpus import read_manifest
    from .errors import InputError

    for entry in read_manifest(directory).values():
        if entry.doc_id == doc_id:
            return entry.file
    for suffix in (".txt", ".html", ".docx"):
        if (directory / f"{doc_id}{suffix}").exists():
            return directory / f"{doc_id}{suffix}"
    raise InputError(f"document '{doc_id}' not found in {directory}")


def _summary_row(d) -> dict:
    s = d.structure()
    return {
        "doc_id": d.doc_id, "title": d.title, "type": d.meta.doc_type, "level": d.meta.level, "year": d.meta.year,
        "parts": s["parts"], "items": s["items"], "deeper": s["deeper"], "table_rows": s["table_rows"],
        "preamble": s["preamble"], "postamble": s["postamble"], "clauses": len(d.clauses), "numbered": d.numbered,
    }


def main() -> None:
    try:
        app()
    except LawgovError as exc:  # raised outside a command (e.g. while parsing)
        fail(str(exc))
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
