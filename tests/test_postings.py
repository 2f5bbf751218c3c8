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
