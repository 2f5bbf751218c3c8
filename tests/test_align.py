"""diff-plans on real seed pairs, references with body text, and the bad inputs."""
from __future__ import annotations

import json

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


def test_district_plan_follows_the_outline(outline_aligner):
    res = outline_aligner.align(load_path(CORPUS / "hebei-handan-district-plan-2021-2025.txt"))
    by = {it.ref.path[-1]: it for it in res.items}
    assert by["（七）"].status == by["（八）"].status == "not_applicable"
    assert "legislative power" in by["（七）"].reason
    assert res.counts()["implemented"] >= 28
    five = by["（五）"]
    assert five.status == "implemented"
    assert five.matches[0].path == ["一、", "（二）"]
    assert "放管服" in "".join(five.matches[0].shared)
    m = five.matches[0]
    assert any("放管服" in m.text[a:b] for a, b in m.target_spans)  # span-level evidence
    assert by["（十六）"].matches[0].path == ["四、", "（十一）"]


def test_held_out_report_against_gold(outline_aligner):
    """The Funing report was never used to choose weights or thresholds."""
    from lawgov_nlp.evaluation.diff import load_gold, score_diff

    gold = load_gold(DATA / "diff_gold_funing_report.json")
    res = outline_aligner.align(load_path(CORPUS / "hebei-funing-report-2023.txt"))
    ev = score_diff(gold, res)
    assert ev.accuracy >= 0.70 and ev.omitted_recall >= 0.9 and ev.evidence_hit3 >= 0.7
    by = {it.ref.path[-1]: it for it in res.items}
    assert by["（二十二）"].status == "implemented"  # 有效履行复议职能: the report's own words
    assert any(m.path == ["六、", "（十六）"] for m in by["（二十二）"].matches)
    omitted = by["（十七）"]
    assert omitted.status == "omitted" and omitted.nearest is not None and "<" in omitted.reason


def test_department_report_and_rules_file():
    meta = {"level": "city", "issuer_type": "department"}
    assert not_applicable_reason("加强重要领域立法", meta)
    assert not_applicable_reason("完善立法工作机制", {"level": "county"})
    assert not_applicable_reason("加强重要领域立法", {"level": "province", "issuer_type": "government"}) is None
    assert not_applicable_reason("深入推进“放管服”改革", meta) is None


def test_reference_with_body_text_works(cache_dir):
    """Nothing assumes a headings-only reference: the Handan plan has a paragraph under every item."""
    handan = load_path(CORPUS / "hebei-handan-district-plan-2021-2025.txt")
    assert len(reference_items(handan)) == 30
    report = diff_plans(handan, [handan, load_path(CORPUS / "hebei-funing-report-2023.txt")])
    same, funing = report.documents
    assert same.counts()["implemented"] == 30  # a target identical to the reference
    assert all(it.matches[0].clause_id == it.ref.clause_id for it in same.items)
    assert not report.reference["headings_only"]  # body text is used; policy terms only supplement matching headings
    assert 5 <= funing.counts()["implemented"] + funing.counts()["partial"] < 30


def test_unrelated_and_other_language_targets(outline_aligner):
    english = outline_aligner.align(load_path(FIXTURES / "english.txt"))
    assert english.unrelated and english.counts()["implemented"] == 0
    assert "unrelated" in english.notes[0]


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="reference has no numbered items"):
        Aligner(load_path(FIXTURES / "no_numbering.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match="file is empty"):
        load_path(empty)
    with pytest.raises(InputError, match="no target documents"):
        diff_plans(load_path(OUTLINE), [])


def test_index_backed_targets_read_their_embeddings(corpus_index):
    from lawgov_nlp.analysis.align import index_vectors
    from lawgov_nlp.errors import IndexStoreError
    from lawgov_nlp.indexing.index import open_index

    idx = open_index(corpus_index)
    doc = idx.document("hebei-funing-report-2023")
    cv, sv, owners = index_vectors(idx, doc)
    assert len(cv) == len([c for c in doc.clauses if not c.duplicate_of]) and len(sv) == len(owners)
    report = diff_plans(idx.document("gangyao-2021-2025-outline"), [doc], encoder=idx.encoder, index=idx)
    from_file = diff_plans(load_path(OUTLINE), [load_path(CORPUS / "hebei-funing-report-2023.txt")])
    a = {it.ref.clause_id: it.status for it in report.documents[0].items}
    b = {it.ref.clause_id: it.status for it in from_file.documents[0].items}
    assert sum(a[k] == b[k] for k in a) >= 32  # float16 storage may move a borderline item
    with pytest.raises(IndexStoreError, match="'nope' is not in index"):
        idx.document("nope")


def test_report_outputs(outline_aligner):
    from lawgov_nlp.analysis.align import DiffReport, _ref_info
    from lawgov_nlp.views.report import render_html

    docs = [outline_aligner.align(load_path(CORPUS / n)) for n in ("hebei-funing-report-2023.txt", "hunan-changde-approval-bureau-report-2021.txt")]
    report = DiffReport(_ref_info(outline_aligner.reference, outline_aligner), docs)
    d = report.to_dict()
    assert set(d) == {"reference", "documents"}
    item = d["documents"][0]["items"][0]
    assert {"ref", "status", "score", "matches"} <= set(item) and {"clause_id", "path", "heading", "text"} <= set(item["ref"])
    json.dumps(d, ensure_ascii=False)
    html = render_html(report)
    assert html.count('href="#d1-i') == 34 and "覆盖矩阵" in html and "<mark>" in html and 'charset="utf-8"' in html
    _, rows = report.to_rows()
    assert len(rows) == 68 and {r["status"] for r in rows} <= {"implemented", "partial", "omitted", "not_applicable"}
    frame = report.to_frame()
    assert frame.shape[0] == 68 and report.matrix().shape == (34, 2)


def test_shared_phrases_are_really_shared():
    from lawgov_nlp.analysis.align import shared_phrases

    phrases, ref_spans, tgt_spans = shared_phrases("推进依法行政，加强建设法治政府", "依法建设")
    assert phrases == ["依法", "建设"]  # never the run 依法建设, which the reference does not contain
    text = "(二)深入推进“放管服”改革。分级"
    phrases, _, spans = shared_phrases("深入推进“放管服”改革", text)
    assert [text[a:b] for a, b in spans] == ["深入推进", "放管服", "改革"]
