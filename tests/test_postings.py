"""BM25 segments: the same scores as bm25s on one segment, and the same as a fresh build after
documents are split over segments, replaced and removed."""
from __future__ import annotations

import numpy as np
import pytest

from lawgov_nlp.indexing.lexical import BM25Index, char_bigrams, tokenize
from lawgov_nlp.indexing.postings import Segment, SegmentedBM25, write_segment


@pytest.fixture(scope="module")
def clause_texts(corpus_docs):
    return [c.text for d in corpus_docs.values() for c in d.clauses]


def _segmented(tmp_path, parts, n_rows, dead=()):
    """``parts``: list of (segment name, rows, token lists)."""
    segs = []
    for name, rows, toks in parts:
        write_segment(tmp_path / "words", name, rows, toks)
        segs.append(Segment(tmp_path, "words", name))
    live = np.ones(n_rows, dtype=bool)
    for r in dead:
        live[r] = False
    return SegmentedBM25(segs, n_rows, live)


QUERIES = ["行政复议体制改革", "证照分离改革", "行政机关负责人出庭应诉", "法治政府建设示范创建", "不存在的词语组合"]


@pytest.mark.parametrize("analyzer", [tokenize, char_bigrams])
def test_one_segment_scores_like_bm25s(tmp_path, clause_texts, analyzer):
    toks = [analyzer(t) for t in clause_texts]
    ref = BM25Index().fit(toks)
    ours = _segmented(tmp_path, [("s000001", list(range(len(toks))), toks)], len(toks))
    for q in QUERIES:
        qt = analyzer(q)
        a, b = ref.scores(qt), ours.scores(qt)
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
        if a.max() > 0:
            assert int(np.argmax(a)) == int(np.argmax(b))


def test_segments_with_dead_rows_score_like_a_fresh_build(tmp_path, clause_texts):
    toks = [char_bigrams(t) for t in clause_texts]
    n = len(toks)
    third = n // 3
    # rows 0..third-1 in one segment, the rest in two more; a block of rows then dies
    parts = [("s000001", list(range(third)), toks[:third]),
             ("s000002", list(range(third, 2 * third)), toks[third:2 * third]),
             ("s000003", list(range(2 * third, n)), toks[2 * third:])]
    dead = list(range(10, 60)) + list(range(third + 5, third + 25))
    seg = _segmented(tmp_path / "seg", parts, n, dead)
    keep = [i for i in range(n) if i not in set(dead)]
    fresh = BM25Index().fit([toks[i] for i in keep])
    for q in QUERIES:
        qt = char_bigrams(q)
        got = seg.scores(qt)
        assert not got[dead].any()  # dead rows never score
        np.testing.assert_allclose(got[keep], fresh.scores(qt), rtol=1e-4, atol=1e-5)


def test_empty_query_and_empty_segment(tmp_path):
    seg = _segmented(tmp_path, [("s000001", [0, 1], [["行政", "复议"], []])], 2)
    assert seg.scores([]).tolist() == [0.0, 0.0]
    assert seg.scores(["", "不在"]).tolist() == [0.0, 0.0]
    assert seg.scores(["复议"])[0] > 0 == seg.scores(["复议"])[1]


def test_segments_computed_apart_merge_into_the_same_arrays(clause_texts):
    """Workers and shards compute postings for parts of the clauses; merged, they are exactly
    the arrays of one segment over all of them (so the files and scores are the same)."""
    from lawgov_nlp.indexing.postings import PARTS, merge_segment_arrays, segment_arrays

    toks = [char_bigrams(t) for t in clause_texts]
    n = len(toks)
    whole = segment_arrays(list(range(n)), toks)
    cuts = [0, 7, n // 3, n // 2, n]
    parts = [segment_arrays(list(range(b - a)), toks[a:b]) for a, b in zip(cuts, cuts[1:])]
    merged = merge_segment_arrays(parts, cuts[:-1])
    # the same parts given in another order, their rows mapped by arrays (as shards are)
    perm = [3, 0, 2, 1]
    maps = [np.arange(cuts[i], cuts[i + 1]) for i in perm]
    shuffled = merge_segment_arrays([parts[i] for i in perm], maps)
    for got in (merged, shuffled):
        for p in PARTS:
            assert got[p].dtype == whole[p].dtype, p
            np.testing.assert_array_equal(got[p], whole[p], err_msg=p)


def test_overlapping_segments_are_refused(clause_texts):
    from lawgov_nlp.errors import IndexStoreError
    from lawgov_nlp.indexing.postings import merge_segment_arrays, segment_arrays

    a = segment_arrays([0, 1], [["甲乙"], ["乙丙"]])
    with pytest.raises(IndexStoreError, match="overlap"):
        merge_segment_arrays([a, a], [np.array([0, 1]), np.array([1, 2])])
