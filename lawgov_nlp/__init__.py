"""lawgov-nlp: search and compare Chinese 法治政府建设 policy documents clause by clause.

The public API, for scripts and Jupyter::

    import lawgov_nlp as lg
    docs = lg.load_corpus("corpus")                 # Documents with clause trees
    lg.corpus_frame(docs)                           # one row per document (pandas)
    lg.build_index(["corpus"], "indexes/default")   # FAISS + BM25 + SQLite
    s = lg.Searcher("indexes/default")
    s.search("行政复议体制改革怎么推进")                # SearchResults: .to_frame(), rich HTML in notebooks
    report = lg.diff_plans(outline, docs)           # DiffReport: .to_frame(), .matrix(), HTML
    signed = lg.apply_review(report, lg.load_review("review.csv"))  # a reviewer's statuses beside the tool's
    lg.plots.coverage_heatmap(report)
    lg.extract_commitments(docs).matrix()           # targets, deadlines, results; indicator × document
    lg.extract_citations(docs).graph()              # citation edges, networkx graph, diffusion lags
    lg.compare_plans(plan, docs); lg.trace_reports(plan, reports)

Names resolve lazily, so ``import lawgov_nlp`` loads neither faiss nor an encoder.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "load_corpus": "reading.corpus", "load_path": "reading.corpus", "read_manifest": "reading.corpus",
    "Document": "reading.document", "load_document": "reading.document",
    "Clause": "reading.segment",
    "LawgovError": "errors", "InputError": "errors", "IndexStoreError": "errors", "QueryError": "errors",
    "build_index": "indexing.index", "add_to_index": "indexing.index", "remove_from_index": "indexing.index",
    "open_index": "indexing.index", "ClauseIndex": "indexing.index", "ShardedIndex": "indexing.sharded",
    "build_distributed": "indexing.distributed", "merge_shards": "indexing.distributed",
    "Searcher": "indexing.search", "search": "indexing.search", "SearchResult": "indexing.search", "SearchResults": "indexing.search",
    "Aligner": "analysis.align", "diff_plans": "analysis.align", "DiffReport": "analysis.align", "Status": "analysis.results",
    "load_review": "analysis.review", "apply_review": "analysis.review", "ReviewError": "errors",
    "get_encoder": "indexing.encoders", "EmbeddingCache": "indexing.encoders",
    "load_judgments": "evaluation.search", "search_eval": "evaluation.search", "evaluate_search": "evaluation.search",
    "load_gold": "evaluation.diff", "score_diff": "evaluation.diff", "evaluate_diff": "evaluation.diff",
    "MissingDependency": "errors",
    "corpus_frame": "views.frames", "clauses_frame": "views.frames",
    "extract_commitments": "analysis.commitments", "extract_citations": "analysis.citations", "strength_report": "analysis.strength",
    "compare_plans": "analysis.compare", "trace_reports": "analysis.trace", "align_documents": "analysis.aligned",
}
__all__ = sorted(_EXPORTS) + ["plots", "policy_plots", "__version__"]  # noqa: PLE0605  (built from _EXPORTS so it cannot drift)


def __getattr__(name: str):
    if name == "plots":
        return importlib.import_module(".views.plots", __name__)
    if name == "policy_plots":
        return importlib.import_module(".views.policy_plots", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lawgov_nlp' has no attribute '{name}'")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
