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
from .output import Format, console, dumps, to_csv, write_text

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
    console(stderr=True).print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)


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
        except (typer.Exit, typer.Abort, SystemExit):
            raise
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
    from .corpus import load_path
    from .document import iter_paths

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
                console(stderr=True).print(f"[yellow]warning:[/] {d.path}: {w}")
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
    from .render import document_summary_table, document_tree

    out = console()
    if summary:
        out.print(document_summary_table(docs))
    else:
        for d in docs:
            document_tree(d, out)


def _summary_row(d) -> dict:
    counts = d.counts()
    return {
        "doc_id": d.doc_id, "title": d.title, "type": d.meta.doc_type, "level": d.meta.level, "year": d.meta.year,
        "parts": counts.get("part", 0), "items": counts.get("item", 0),
        "deeper": sum(counts.get(k, 0) for k in ("num", "pnum", "circled", "ordinal", "article")),
        "table_rows": counts.get("table_row", 0), "preamble": counts.get("preamble", 0), "postamble": counts.get("postamble", 0),
        "clauses": len(d.clauses), "numbered": d.numbered,
    }


def main() -> None:
    try:
        app()
    except LawgovError as exc:  # raised outside a command (e.g. while parsing)
        fail(str(exc))
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
