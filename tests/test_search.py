"""Search: the array-level fusion core, query checks, filters, and quality on the judgments."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import DATA

from lawgov_nlp.errors import QueryError
from lawgov_nlp.indexing.search import check_query, fuse, minmax, parse_years


def test_fusion_core():
    sig = {"words": np.array([10.0, 0.0, 5.0]), "dense": np.array([0.1, 0.9, 0.8])}
    s = fuse(sig, {"words": 1.0, "dense": 0.0})
    assert list(np.argsort(-s)) == [0, 2, 1]
    s = fuse(sig, {"words": 0.5, "dense": 0.5})
    assert s[2] > s[1] and np.isclose(s[0], 0.5) and np.isclose(s[1], 0.5)
    r = fuse(sig, {"words": 1.0, "dense": 1.0}, method="rrf")
    assert r.argmin() == 1 and r[2] > r[1]  # ranks, not raw magnitudes, decide
    assert list(minmax(np.array([3.0, 3.0]))) == [1.0, 1.0]


@pytest.mark.parametrize("query, message", [("", "empty query"), ("  ", "empty query"), ("，。！？", "only punctuation"), ("法" * 10_000, "10000 characters")])
def test_bad_queries(query, message):
    with pytest.raises(QueryError, match=message):
        check_query(query)


def test_years():
    assert parse_years("2021-2023") == (2021, 2023)
    assert parse_years("2023") == (2023, 2023)
    with pytest.raises(QueryError, match="not a year"):
        parse_years("last year")


def test_results_carry_evidence(searcher):
    (top, *_) = searcher.search("行政机关负责人出庭应诉率", k=5)
    assert "出庭应诉" in top.text
    assert {"words", "chars", "dense"} <= set(top.scores)
    assert any("出庭" in t for t in top.matched_terms)
    for s, e in top.highlights:
        assert top.text[s:e] in top.matched_terms or any(t in top.text[s:e] for t in top.matched_terms)
    assert " › " in top.path_label


def test_filters(searcher):
    hits = searcher.search("行政复议", k=20, doc_ids=["hebei-funing-report-2023"])
    assert hits and {h.doc_id for h in hits} == {"hebei-funing-report-2023"}
    hits = searcher.search("行政复议", k=20, region="河北")
    assert {h.doc_id for h in hits} <= {"hebei-funing-report-2023", "hebei-handan-district-plan-2021-2025"}
    hits = searcher.search("行政复议", k=20, years=(2017, 2020))
    assert {h.year for h in hits} <= {2017, 2020} and hits
    hits = searcher.search("行政复议", k=20, doc_type="年度报告", mode="dense")
    assert {h.doc_id for h in hits} <= {"hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021"}
    assert searcher.search("行政复议", years=(1990, 1991)) == []
    # a plan for 2021-2025 is found by any year inside its period, a 2021 report by 2021 only
    in_2023 = {h.doc_id for h in searcher.search("行政复议", k=50, years=(2023, 2023))}
    assert {"hebei-handan-district-plan-2021-2025", "hebei-funing-report-2023"} <= in_2023
    assert not in_2023 & {"hunan-changde-approval-bureau-report-2021", "guangxi-liujiang-workpoints-2017"}
    with pytest.raises(QueryError, match="'nope' is not in index"):
        searcher.search("行政复议", doc_ids=["nope"])


def test_modes_differ_and_dense_finds_paraphrase(searcher):
    lex = searcher.search("证照分离", k=3, mode="lexical")
    assert "证照分离" in lex[0].text
    assert set(lex[0].scores) == {"words", "chars", "expand"}  # no dense signal in lexical mode
    dense = searcher.search("证照分离", k=3, mode="dense")
    assert dense[0].scores["dense"] >= dense[-1].scores["dense"]


def test_quality_on_judgments(searcher):
    """Figures reported in the README: hybrid must beat both of its parts and the TF-IDF baseline."""
    from lawgov_nlp.evaluation.search import load_judgments, search_eval

    js = load_judgments(DATA / "search_judgments.json", searcher.index.store)
    assert len(js) >= 25 and not [u for j in js for u in j.unresolved]
    rows = {(r.mode, r.split): r for r in search_eval(searcher, js, modes=("dense", "lexical", "hybrid"))}
    hybrid = rows[("hybrid", "all")].ndcg10
    assert hybrid > rows[("lexical", "all")].ndcg10
    assert hybrid > rows[("dense", "all")].ndcg10
    assert hybrid > rows[("char-tfidf", "all")].ndcg10


def test_table_row_and_the_body_clause_it_restates_are_one_hit(searcher):
    hits = searcher.search("证照分离", k=10)
    paths = {(h.doc_id, tuple(h.path)) for h in hits}
    tongliao = "neimenggu-tongliao-plan-2020"
    assert not ({(tongliao, ("附件", "10")), (tongliao, ("二、", "（二）", "一是"))} <= paths)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
