"""diff-plans on real seed pairs, references with body text, and the bad inputs."""
from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import CORPUS, DATA, FIXTURES

from lawgov_nlp.analysis.align import Aligner, diff_plans, not_applicable_reason, reference_items
from lawgov_nlp.reading.corpus import load_path
from lawgov_nlp.errors import InputError

OUTLINE = CORPUS / "gangyao-2021-2025-outline.txt"


@pytest.fixture(scope="module")
def outline_aligner(cache_dir):
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    return Aligner(load_path(OUTLINE), cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))


@pytest.mark.slow
def test_district_plan_follows_the_outline(outline_aligner):
    res = outline_aligner.align(load_path(CORPUS / "hebei-handan-district-plan-2021-2025.txt"))
    by = {it.ref.path[-1]: it for it in res.items}
    assert by["（七）"].status == by["（八）"].status == "not_applicable"
    assert "legislative power" in by["（七）"].reason
    assert res.counts()["implemented"] >= 28
    five = by["（五）"]
    assert five.status == "implemented"
    assert five.matches[0].path == ["一、", "（二）"]
    m = five.matches[0]
    assert "放管服" in "".join(m.shared) and "放管服" in m.terms
    assert any("放管服" in m.text[a:b] for a, b in m.target_spans)  # span-level evidence
    (a, b), = m.evidence  # the passage a reviewer reads: a few sentences inside the clause
    assert 0 <= a < b <= len(m.text) and b - a <= 300 and m.passage == m.text[a:b]
    assert by["（十六）"].matches[0].path == ["四、", "（十一）"]


@pytest.mark.slow
def test_held_out_report_against_gold(outline_aligner):
    """Funing's figures are reported leave-one-out in the README; here the shipped defaults must hold
    the omitted class and the evidence."""
    from lawgov_nlp.evaluation.diff import load_gold, score_diff

    gold = load_gold(DATA / "diff_gold_funing_report.json")
    res = outline_aligner.align(load_path(CORPUS / "hebei-funing-report-2023.txt"))
    ev = score_diff(gold, res)
    assert ev.accuracy >= 0.70 and ev.omitted_f1 >= 0.85 and ev.evidence_hit3 >= 0.8
    by = {it.ref.path[-1]: it for it in res.items}
    assert by["（二十二）"].status == "implemented"  # 有效履行复议职能: the report's own words
    assert any(m.path == ["六、", "（十六）"] for m in by["（二十二）"].matches)
    omitted = by["（十七）"]
    assert omitted.status == "omitted" and "<" in omitted.reason and "distinctive term" in omitted.reason
    # the 2024 outlook paragraph is plans, not work done: evidence there earns at most partial
    assert all(it.status != "implemented" or any(m.path_label != "结尾" for m in it.matches) for it in res.items)


def test_department_report_and_rules_file():
    meta = {"level": "city", "issuer_type": "department"}
    assert not_applicable_reason("加强重要领域立法", meta)
    assert not_applicable_reason("完善立法工作机制", {"level": "county"})
    assert not_applicable_reason("加强重要领域立法", {"level": "province", "issuer_type": "government"}) is None
    assert not_applicable_reason("深入推进“放管服”改革", meta) is None
    bureau = {"level": "city", "issuer_type": "department", "issuer": "常德市行政审批服务局"}
    assert "行政审批服务局" in not_applicable_reason("有序推进行政裁决工作", bureau)
    assert not_applicable_reason("加大重点领域执法力度", bureau) and not_applicable_reason("加大重点领域执法力度", meta) is None
    assert not_applicable_reason("深入推进“放管服”改革", bureau) is None  # licensing is exactly what it does


@pytest.mark.slow
def test_reference_with_body_text_works(cache_dir):
    """Nothing assumes a headings-only reference: the Handan plan has a paragraph under every item,
    and comparing two local documents uses its own thresholds (body_*; scripts/calibrate_diff.py --body)."""
    from lawgov_nlp.evaluation.diff import load_gold, score_diff
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    handan = load_path(CORPUS / "hebei-handan-district-plan-2021-2025.txt")
    assert len(reference_items(handan)) == 30
    report = diff_plans(handan, [handan, load_path(CORPUS / "hebei-funing-report-2023.txt")], cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    same, funing = report.documents
    assert same.counts()["implemented"] == 30  # a target identical to the reference
    assert all(it.matches[0].clause_id == it.ref.clause_id for it in same.items)
    assert not report.reference["headings_only"]  # body text is used; policy terms only supplement matching headings
    assert 5 <= funing.counts()["implemented"] + funing.counts()["partial"] < 30
    ev = score_diff(load_gold(DATA / "diff_gold_local_handan_funing_report.json"), funing)
    assert ev.accuracy >= 0.6 and ev.omitted_f1 >= 0.7


@pytest.mark.slow
def test_unrelated_and_other_language_targets(outline_aligner):
    english = outline_aligner.align(load_path(FIXTURES / "english.txt"))
    assert english.unrelated and english.counts()["implemented"] == 0
    assert "unrelated" in english.notes[0]


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="reference has no numbered items"):
        Aligner(load_path(FIXTURES / "no_numbering.txt"), encoder="use")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match="file is empty"):
        load_path(empty)
    with pytest.raises(InputError, match="no target documents"):
        diff_plans(load_path(OUTLINE), [])


@pytest.mark.slow
def test_index_backed_targets_read_their_embeddings(corpus_index, cache_dir):
    from lawgov_nlp.analysis.target import TargetView
    from lawgov_nlp.errors import IndexStoreError
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import IndexedDocument, open_index

    idx = open_index(corpus_index)
    doc = idx.document("hebei-funing-report-2023")
    assert isinstance(doc, IndexedDocument) and doc.index_rows and doc.text == ""
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite")
    from_index = TargetView.from_index(idx, doc)
    from_file = TargetView.from_document(load_path(CORPUS / "hebei-funing-report-2023.txt"), idx.encoder, cache)
    assert from_index.source == "index" and len(from_index.passages) == len(from_file.passages)
    assert np.allclose(from_index.piece_vecs, from_file.piece_vecs, atol=2e-3)  # float16 storage
    report = diff_plans(idx.document("gangyao-2021-2025-outline"), [doc], encoder=idx.encoder, index=idx, cache=cache)
    file_report = diff_plans(load_path(OUTLINE), [load_path(CORPUS / "hebei-funing-report-2023.txt")], encoder=idx.encoder, cache=cache)
    a = {it.ref.clause_id: it.status for it in report.documents[0].items}
    b = {it.ref.clause_id: it.status for it in file_report.documents[0].items}
    assert sum(a[k] == b[k] for k in a) >= 32  # float16 storage may move a borderline item
    with pytest.raises(InputError, match="no index was given"):
        diff_plans(load_path(OUTLINE), [doc], encoder=idx.encoder, cache=cache)
    with pytest.raises(IndexStoreError, match="'nope' is not in index"):
        idx.document("nope")


@pytest.mark.slow
def test_report_outputs(outline_aligner):
    from lawgov_nlp.analysis.align import DiffReport
    from lawgov_nlp.views.report import render_html

    docs = [outline_aligner.align(load_path(CORPUS / n)) for n in ("hebei-funing-report-2023.txt", "hunan-changde-approval-bureau-report-2021.txt")]
    report = DiffReport(outline_aligner.reference_info(), docs)
    d = report.to_dict()
    assert set(d) == {"reference", "review", "documents"} and d["review"] is None
    # everything that moved the result is recorded: encoder, thresholds, term lists' versions
    ref = d["reference"]
    assert ref["encoder"].startswith("e5") and ref["config"]["implemented_at"] == outline_aligner.config.implemented_at
    assert set(ref["data"]) == {"outline_terms", "generic_terms", "term_df", "applicability"}
    item = d["documents"][0]["items"][0]
    assert {"ref", "status", "score", "matches"} <= set(item) and {"clause_id", "path", "heading", "text"} <= set(item["ref"])
    json.dumps(d, ensure_ascii=False)
    html = render_html(report)
    assert html.count('href="#d1-i') == 34 and "覆盖矩阵" in html and "<mark>" in html and 'charset="utf-8"' in html
    assert "implemented_at=" in html and "term_df" in html  # the settings and data versions that moved the result
    _, rows = report.to_rows()
    assert len(rows) == 68 and {r["status"] for r in rows} <= {"implemented", "partial", "omitted", "not_applicable"}
    frame = report.to_frame()
    assert frame.shape[0] == 68 and report.matrix().shape == (34, 2)


def test_shared_phrases_are_really_shared():
    from lawgov_nlp.analysis.explain import shared_phrases

    phrases, ref_spans, tgt_spans = shared_phrases("推进依法行政，加强建设法治政府", "依法建设")
    assert phrases == ["依法", "建设"]  # never the run 依法建设, which the reference does not contain
    text = "(二)深入推进“放管服”改革。分级"
    phrases, _, spans = shared_phrases("深入推进“放管服”改革", text)
    assert [text[a:b] for a, b in spans] == ["深入推进", "放管服", "改革"]
