"""``lawgov-nlp index build|add|remove|info``: the clause index on disk."""
from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from typing import Optional

import typer

from ..errors import LawgovError
from ..views.output import output_options
from .app import IndexOpt, embedding_cache, handle_errors, index_app, index_dir, stage_progress, warn

WorkersOpt = typer.Option(None, "--workers", "-w", min=1, help="Processes that read, tokenize and embed [default: every core; one for small inputs].")


@contextlib.contextmanager
def terminate_as_interrupt():
    """SIGTERM (``kill``, a stopped container or CI job) and SIGHUP (a closed terminal) unwind like
    Ctrl-C, so a writer removes its unfinished version instead of leaving it behind; the old
    handlers are restored after."""
    def on_term(signum, frame):
        raise KeyboardInterrupt

    sigs = [signal.SIGTERM, signal.SIGHUP]
    try:
        old = {s: signal.signal(s, on_term) for s in sigs}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@index_app.command("build")
@handle_errors
@output_options("table", "json", "csv", inputs=lambda kw: kw["paths"] or [Path("corpus")])
def index_build(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or directories [default: corpus/]."),
    index: Optional[str] = IndexOpt,
    encoder: Optional[str] = typer.Option(None, "--encoder", "-e", help="e5 (default for a new index: multilingual-e5-small, best quality, ~8x slower to build), use (multilingual USE, fast), minilm (English test model) or st:MODEL_NAME_OR_DIR. A rebuild keeps the index's encoder unless this is given."),
    workers: Optional[int] = WorkersOpt,
    engine: str = typer.Option("local", "--engine", help="local (worker processes on this machine) or ray (a Ray cluster; pip install 'lawgov-nlp[ray]')."),
    address: Optional[str] = typer.Option(None, "--address", help="With --engine ray: the cluster to use (e.g. ray://head:10001 or auto) [default: start a local one]."),
    shards: Optional[int] = typer.Option(None, "--shards", min=1, help="With --engine ray: how many shard indexes to write before merging [default: one per worker]."),
    _fmt: str = "table",
):
    """Build (or rebuild) an index from documents; unchanged texts are not embedded again."""
    from ..indexing.index import BuildResult, build_index, encoder_for_build

    target = index_dir(index)
    inputs = paths or [Path("corpus")]
    if engine not in ("local", "ray"):
        raise LawgovError(f"--engine '{engine}': use local or ray")
    if engine == "local" and (address or shards):
        raise LawgovError("--address and --shards need --engine ray")
    if encoder is None:
        encoder, notice = encoder_for_build(target)
        if notice:
            warn(notice)
    prog, cb = stage_progress()
    with terminate_as_interrupt(), prog:
        if engine == "ray":
            from ..indexing.distributed import build_distributed

            m = build_distributed(inputs, target, encoder=encoder, cache=embedding_cache(), address=address, workers=workers,
                                  shards=shards, progress=cb)
        else:
            m = build_index(inputs, target, encoder=encoder, cache=embedding_cache(), progress=cb, workers=workers)
    return BuildResult(target, m, "built")


@index_app.command("add")
@handle_errors
@output_options("table", "json", "csv", inputs=lambda kw: kw["paths"])
def index_add(
    paths: list[Path] = typer.Argument(..., help="Files or directories to add (a document with the same id is replaced)."),
    index: Optional[str] = IndexOpt,
    workers: Optional[int] = WorkersOpt,
    _fmt: str = "table",
):
    """Add documents to an existing index without re-embedding what it holds."""
    from ..indexing.index import BuildResult, add_to_index

    target = index_dir(index)
    prog, cb = stage_progress()
    with terminate_as_interrupt(), prog:
        m = add_to_index(paths, target, cache=embedding_cache(), progress=cb, workers=workers)
    return BuildResult(target, m, "updated")


@index_app.command("remove")
@handle_errors
@output_options("table", "json", "csv")
def index_remove(
    doc_ids: list[str] = typer.Argument(..., help="Document ids to remove (see lawgov-nlp index info)."),
    index: Optional[str] = IndexOpt,
    _fmt: str = "table",
):
    """Remove documents from an index (a new version without them; nothing is re-embedded)."""
    from ..indexing.index import BuildResult, remove_from_index

    target = index_dir(index)
    with terminate_as_interrupt():
        m = remove_from_index(doc_ids, target)
    return BuildResult(target, m, "updated")


@index_app.command("info")
@handle_errors
@output_options("table", "json", "csv", "xlsx")
def index_info(index: Optional[str] = IndexOpt, _fmt: str = "table"):
    """Describe an index: manifest, and its documents."""
    from ..indexing.index import index_info as info

    return info(index_dir(index))
