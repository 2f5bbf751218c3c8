"""``lawgov-nlp inspect``: what the reader made of documents."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from ..views.output import output_options
from .app import app, handle_errors, warn


def _progress_for(path: Path):
    """A progress callback for large files only; small files finish before a bar would help."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size < 5_000_000 or not sys.stderr.isatty() and not os.environ.get("LAWGOV_PROGRESS"):
        return None
    from .app import stage_progress

    prog, cb = stage_progress()
    prog.start()

    def tick(done: int, total: int) -> None:
        cb(f"reading {path.name}", done, total)
        if done >= total:
            prog.stop()

    return tick


@app.command()
@handle_errors
@output_options("table", "json", "csv", "xlsx", inputs=lambda kw: kw["paths"])
def inspect(
    paths: list[Path] = typer.Argument(..., help="Document files or directories."),
    summary: bool = typer.Option(False, "--summary", "-s", help="One line per document instead of the clause tree."),
    _fmt: str = "table",
):
    """Show a document's metadata and clause tree."""
    from ..reading.corpus import read_documents

    docs = read_documents(list(paths), summary=summary, progress_for=_progress_for)
    for d in docs:
        for w in d.warnings:
            if w.startswith("no numbering") or "over the limit" in w:
                warn(f"{d.path}: {w}")
    return docs
