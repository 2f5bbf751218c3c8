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
    assert parse_years("2021—2025年") == parse_years("2021年至2025年") == parse_years("2021－2025") == (2021, 2025)  # as documents write them
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


def test_adaptive_fusion_lets_the_dense_side_decide_only_when_lexical_evidence_is_missing():
    from lawgov_nlp.config import SearchConfig
    from lawgov_nlp.indexing.search import adaptive_fuse, dense_share

    cfg = SearchConfig()
    assert 0 < dense_share(1.0, cfg) == cfg.dense_min < dense_share(0.5, cfg) < dense_share(0.0, cfg) == cfg.dense_max < 1
    sig = {"words": np.array([9.0, 0.0]), "chars": np.array([9.0, 0.0]), "expand": np.array([0.0, 0.0]), "dense": np.array([0.2, 0.9])}
    strong = adaptive_fuse(sig, 1.0, cfg)  # the wording is in clause 0: lexical wins
    weak = adaptive_fuse(sig, 0.0, cfg)  # nothing distinctive lexically: the encoder decides
    assert strong.argmax() == 0 and weak.argmax() == 1


def test_judgments_on_documents_outside_the_index_are_not_counted():
    from lawgov_nlp.evaluation.search import _resolve, evaluate, scored

    rows = {"a": [(0, "深化行政复议体制改革"), (1, "推进政务公开")]}
    qs = [{"id": "b01", "query": "复议", "kind": "term", "blind": True, "relevant": [
              {"doc_id": "a", "contains": "行政复议", "grade": 2}, {"doc_id": "govcn2019-0005", "contains": "复议", "grade": 2}]},
          {"id": "b02", "query": "公开", "kind": "plain", "relevant": [{"doc_id": "govcn2019-0005", "contains": "公开", "grade": 2}]}]
    js = _resolve(qs, rows)
    assert js[0].relevant == {0: 2} and js[0].absent == 1 and not js[0].unresolved
    assert js[1].relevant == {} and [j.qid for j in scored(js)] == ["b01"]
    table = {(r.split): r for r in evaluate(js, lambda q: [0, 1], "x")}
    assert table["all"].queries == 1 and table["blind"].ndcg10 == 1.0 and "plain" not in table


def test_line_level_bm25_baseline_credits_the_clause_that_holds_the_line():
    from lawgov_nlp.evaluation.baselines import LineBM25

    clauses = ["一、总体要求\n坚持依法行政。", "二、深化改革\n推进行政复议体制改革。\n加强行政应诉工作。", "三、加强普法。"]
    lb = LineBM25(clauses)
    assert lb.n_lines == 6 and lb.rank("行政复议体制改革")[0] == 1
    assert lb.rank("天文望远镜") == []


def test_cross_validation_scores_each_query_with_a_configuration_chosen_without_it():
    from lawgov_nlp.evaluation import crossval as cv
    from lawgov_nlp.evaluation.search import Judgment

    js = [Judgment(f"q{i:02d}", "", "term" if i % 2 else "plain", {0: 1}) for i in range(10)]
    prep = cv.Prepared("x", js, [None] * 10)
    folds = cv.folds_of([j.qid for j in js], 5, seed=0, strata={j.qid: j.kind for j in js})
    assert sorted(folds.values()) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert all(len({j.kind for j in js if folds[j.qid] == f}) == 2 for f in range(5))  # stratified
    # config 1 is best on every query but q00: the fold holding q00 must still pick config 1
    m = np.array([[0.5] * 10, [0.9] * 10])
    m[1, 0] = 0.0
    configs = [cv.single("words"), cv.single("chars")]
    res = cv.cross_validate({"x": m}, {"x": prep}, configs, folds, 5)
    assert all(r.config == configs[1] for r in res)
    mean, sd, n, per_fold = cv.held_out(res, prep, "x")
    assert n == 10 and np.isclose(mean, 0.81) and len(per_fold) == 5


def test_a_lexical_search_never_reads_the_vectors(corpus_index):
    """A lexical search reads neither FAISS nor the stored embeddings, and never loads the
    encoder's weights. (The index maps its files when it opens, so that a long-lived reader keeps
    its version after a writer removes it; mapping reads nothing until a dense query does.)"""
    from lawgov_nlp.indexing.encoders import USEEncoder
    from lawgov_nlp.indexing.search import Searcher

    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"a lexical search touched the vectors ({name})")

        def __getitem__(self, key):
            raise AssertionError("a lexical search read stored embeddings")

    s = Searcher(corpus_index)
    idx = s.index
    kept = idx.faiss, idx.vectors, idx.sentence_vectors
    idx.faiss = idx.vectors = idx.sentence_vectors = Untouchable()
    idx.encoder = USEEncoder()  # a fresh instance: the session's shared one may be loaded already
    assert s.search("证照分离", k=3, mode="lexical") and idx.encoder._model is None
    idx.faiss, idx.vectors, idx.sentence_vectors = kept
    assert s.search("证照分离", k=3) and idx.encoder._model is not None  # hybrid loads it on first use
