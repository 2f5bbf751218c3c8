"""``lawgov-nlp search`` and ``eval-search``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..views.output import output_options
from .app import IndexOpt, app, handle_errors, index_dir, index_inputs, utf8_arg, warn


@app.command()
@handle_errors
@output_options("table", "json", "csv", "xlsx", inputs=lambda kw: index_inputs(kw["index"]))
def search(
    query: str = typer.Argument(..., help="What to look for, in plain Chinese or policy terms."),
    index: Optional[str] = IndexOpt,
    k: int = typer.Option(10, "-k", "--top", help="Number of results."),
    doc: Optional[list[str]] = typer.Option(None, "--doc", help="Only these document ids (repeatable)."),
    region: Optional[str] = typer.Option(None, "--region", help="Only documents whose region, issuer or title contains this (e.g. 河北)."),
    year: Optional[str] = typer.Option(None, "--year", help="Only documents of this year or range (2021 or 2021-2023)."),
    doc_type: Optional[str] = typer.Option(None, "--type", help="Only this document type (实施方案, 工作要点, 年度报告, 纲要)."),
    mode: str = typer.Option("hybrid", "--mode", help="hybrid (default), lexical or dense."),
    explain: bool = typer.Option(False, "--explain", help="Show matched terms and per-signal scores."),
    _fmt: str = "table",
):
    """Find the clauses that answer a question, across every indexed document."""
    from ..indexing.search import Searcher, parse_years

    years = parse_years(year)
    results = Searcher(index_dir(index)).search(utf8_arg(query, "query"), k=k, mode=mode, doc_ids=doc or (), region=region, years=years, doc_type=doc_type)
    return results, ({"explain": explain, "filtered": any([doc, region, year, doc_type])} if _fmt == "table" else {})


@app.command("eval-search")
@handle_errors
@output_options("table", "json", "csv", "xlsx", inputs=lambda kw: [kw["judgments"]])
def eval_search(
    judgments: Path = typer.Argument(..., help="Relevance judgments JSON (see tests/data/search_judgments.json)."),
    index: Optional[str] = IndexOpt,
    k: int = typer.Option(10, "-k", help="Cut-off for nDCG and Recall."),
    _fmt: str = "table",
):
    """nDCG@10 and Recall@10 of dense, lexical and hybrid search (and baselines) on judgments."""
    from ..evaluation.search import evaluate_search

    return evaluate_search(judgments, index_dir(index), k=k, warn=warn)
