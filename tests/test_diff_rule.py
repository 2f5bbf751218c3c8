"""The array-level core of diff-plans without an encoder: term incidence, signals and the one rule."""
from __future__ import annotations

import numpy as np
import pytest

from lawgov_nlp.analysis.decide import decide, document_topic, item_statuses, thresholds
from lawgov_nlp.analysis.results import Status
from lawgov_nlp.analysis.signals import DocTerms, document_terms, signals, term_incidence
from lawgov_nlp.analysis.terms import ANCHOR, CONTEXT, HEADING, PART, generic_terms, item_concepts, outline_terms, term_df, term_parts
from lawgov_nlp.config import DiffConfig
from lawgov_nlp.reading.normalize import strip_punct


def test_term_incidence_finds_terms_per_piece_and_never_across_pieces():
    pieces = ["推进行政调解工作", "调解", "行政", "调联动机制"]
    X = term_incidence(pieces, ["行政调解", "调解", "行政调", "调联动"]).toarray()
    assert X[:, 0].tolist() == [1, 0, 0, 0]
    assert X[:, 1].tolist() == [1, 1, 0, 0]
    assert X[:, 2].tolist() == [1, 0, 0, 0]  # 行政 + the 调 that follows in the next piece is no match
    assert X[:, 3].tolist() == [0, 0, 0, 1]


def test_item_terms_generic_words_never_carry_an_item():
    t = outline_terms()[strip_punct("加强行政调解工作")]
    c = item_concepts("加强行政调解工作", "", t)
    assert c["行政调解"] == ANCHOR and c["消费者权益保护"] == CONTEXT and c["调解"] == HEADING
    assert not {"加强", "工作", "推进", "到2025年"} & set(c)
    assert {"推进", "加强", "完善", "依法", "到2025年"} <= generic_terms()
    df = term_df()
    assert df.idf("行政调解") > 2 * df.idf("政务服务")  # weighted by rarity across the collection


def test_words_inside_a_policy_term_support_its_item_and_no_word_spans_two():
    t = outline_terms()[strip_punct("全面加强依法行政能力建设")]
    c = item_concepts("全面加强依法行政能力建设", "", t)
    assert c["学法用法"] == ANCHOR and c["学法"] == PART  # 学法计划 names the item only beside more of it
    assert "学法" not in item_concepts("全面加强依法行政能力建设", "", t, parts=False)
    assert set(term_parts("执法文书")) == {"执法", "文书"}  # never the 法文 straddling them
    assert term_parts("数据库") == []  # 数据 + 库: no two-word halves, so no 据库 either
    assert set(term_parts("政务失信记录")) >= {"政务", "失信", "记录"}


def test_parts_of_terms_never_back_each_other():
    """Two parts in one passage (记录, 追究: everywhere) carry nothing, nor does a part beside one context
    term; beside two context terms (or an anchor) it adds its weight."""
    A = np.zeros((1, 4))
    C = np.array([[0.5, 0.5, 0.5, 0.5]])
    backers = np.array([[0.0, 0.0, 1.0, 1.0]])  # terms 0, 1 are parts; terms 2, 3 context terms
    pieces = term_incidence(["p0 p1", "p0 c2", "p0 c2 c3"], ["p0", "p1", "c2", "c3"])
    sig = signals(A, C, np.zeros(1), np.array([False]), np.eye(1, 3, dtype=np.float32), pieces, np.eye(3, 3, dtype=np.float32),
                  np.array([[0, 1], [1, 2], [2, 3]]), DiffConfig(dense_weight=0.0), backers=backers)
    assert sig["mass"][0].tolist() == [0.0, 0.0, 1.5]


def test_all_the_words_of_one_policy_term_back_it_as_the_term_would():
    """p0 and p1 are the two words of one term of the item: together in a passage they are the term in
    other words (尊法学法守法用法 for 学法用法); p0 with p2, the word of another term, still carries nothing."""
    A = np.zeros((1, 3))
    C = np.array([[0.5, 0.5, 0.5]])
    backers = np.zeros((1, 3))
    wholes = (np.array([[1.0, 1.0, 0.0]]), np.array([0]))
    pieces = term_incidence(["p1 p0", "p0 p2"], ["p0", "p1", "p2"])
    args = (A, C, np.zeros(1), np.array([False]), np.eye(1, 3, dtype=np.float32), pieces, np.eye(2, 3, dtype=np.float32),
            np.array([[0, 1], [1, 2]]), DiffConfig(dense_weight=0.0))
    assert signals(*args, backers=backers, wholes=wholes)["mass"][0].tolist() == [1.0, 0.0]
    assert signals(*args, backers=backers)["mass"][0].tolist() == [0.0, 0.0]


def test_the_reference_model_knows_which_parts_make_a_whole_term():
    from helpers import CORPUS

    from lawgov_nlp.analysis.model import ReferenceModel
    from lawgov_nlp.indexing.encoders import get_encoder
    from lawgov_nlp.reading.corpus import load_path

    outline = load_path(CORPUS / "gangyao-2021-2025-outline.txt")
    m = ReferenceModel.build(outline, get_encoder("use"), False)
    item = next(i for i, u in enumerate(m.items) if u.heading == "全面加强依法行政能力建设")
    groups = [{m.vocab[j] for j in np.nonzero(row)[0]} for row, i in zip(m.wholes, m.whole_item) if i == item]
    assert {"学法", "用法"} in groups
    assert not ReferenceModel.build(outline, get_encoder("use"), False, DiffConfig(part_wholes=False)).wholes.size


def _two_items_three_passages(cfg):
    # item 0 has anchor terms t0 (idf 2.5) and t1 (2.0); item 1 has context terms c0, c1 (0.5 each)
    A = np.array([[2.5, 2.0, 0, 0], [0, 0, 0, 0]], float)
    C = np.array([[0, 0, 0, 0], [0, 0, 0.5, 0.5]], float)
    pieces = term_incidence(["t0 t1", "c0", "c0 c1", "nothing"], ["t0", "t1", "c0", "c1"])
    vecs = np.eye(4, 3, dtype=np.float32)
    passages = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    sig = signals(A, C, np.array([4.5, 0.0]), np.array([False, False]), np.eye(2, 3, dtype=np.float32), pieces, vecs, passages, cfg,
                  named=(A + C > 0).astype(float))
    return sig, document_terms(A, C, pieces), passages


def test_context_terms_count_only_together_and_statuses_follow_thresholds():
    # thresholds stated here: the fixture's masses are built around them, not around the shipped defaults
    cfg = DiffConfig(dense_weight=0.0, implemented_at=3.5, partial_at=0.25)
    sig, dt, passages = _two_items_three_passages(cfg)
    assert sig["mass"][0].tolist() == [4.5, 0, 0, 0]
    assert sig["mass"][1].tolist() == [0, 0, 1.0, 0]  # c0 alone carries nothing; c0 + c1 do
    dec = decide(sig, np.arange(4), np.zeros(4, bool), dt, np.array([False, False]), np.array([4.5, 0.0]),
                 np.array([False, False]), np.ones(4, bool), cfg)
    assert dec.status[0] is Status.IMPLEMENTED and dec.evidence[0] == [0]
    assert dec.status[1] is Status.PARTIAL and dec.evidence[1] == [2]
    assert dec.additions == [3]  # only the passage naming no item is a local addition
    dec = decide(sig, np.arange(4), np.array([False, False, False, True]), dt, np.array([False, False]), np.array([4.5, 0.0]),
                 np.array([False, False]), np.ones(4, bool), cfg)
    assert dec.additions == []  # unless it is a report's shortcoming or next year's plan (a reviewer's trial: 机构队伍待加强)
    # the outlook rule: evidence only in next-year plans earns at most partial
    dec = decide(sig, np.arange(4), np.array([True, False, False, False]), dt, np.array([False, False]), np.array([4.5, 0.0]),
                 np.array([False, False]), np.ones(4, bool), cfg.replace(related_focus=0.0))
    assert dec.status[0] is Status.PARTIAL and dec.rule[0] == "outlook"


def test_an_item_implemented_on_work_done_shows_that_work_first():
    """Found by a reviewer: (九) of the Changde report was 落实 on its 2021 work, but the passage shown
    was the 2022 plan, which scores higher; the status could not be checked from what was shown."""
    cfg = DiffConfig(dense_weight=0.0, implemented_at=3.5, partial_at=0.25, related_focus=0.0, breadth_weight=0.0, support_weight=0.0)
    A = np.array([[2.5, 2.0, 1.0]])
    pieces = term_incidence(["t0 t1 t2", "t0 t1", "nothing"], ["t0", "t1", "t2"])
    passages = np.array([[0, 1], [1, 2], [2, 3]])
    sig = signals(A, np.zeros_like(A), np.zeros(1), np.array([False]), np.eye(1, 3, dtype=np.float32), pieces,
                  np.eye(3, 3, dtype=np.float32), passages, cfg)
    outlook = np.array([True, False, False])  # the higher-scoring passage is next year's plan
    dec = decide(sig, np.arange(3), outlook, document_terms(A, np.zeros_like(A), pieces), np.array([False]), np.zeros(1),
                 np.array([False]), np.ones(3, bool), cfg)
    assert dec.status[0] is Status.IMPLEMENTED and dec.evidence[0] == [1, 0]
    assert dec.score[0] == 5.5 and dec.score_done[0] == 4.5
    from lawgov_nlp.analysis.explain import reason

    assert reason(dec.rule[0], 5.5, 3.5, 0.25, ["t0"], 0.0, False, None, 4.5).startswith(
        "evidence of work done 4.50 ≥ 3.5 (5.50 with the next-year plans and shortcomings)")


def test_passing_mentions_do_not_count_in_a_document_about_other_things():
    cfg = DiffConfig()
    th = thresholds(np.array([False, False]), cfg)
    score = np.array([cfg.implemented_at + 1, cfg.partial_at + 0.1])
    st, rules = item_statuses(score, score, th, np.array([False, True]), cfg, focus=0.5)
    assert st == [Status.IMPLEMENTED, Status.PARTIAL]
    st, rules = item_statuses(score, score, th, np.array([False, False]), cfg, focus=0.05)
    assert st == [Status.IMPLEMENTED, Status.OMITTED] and rules[1] == "passing"
    st, _ = item_statuses(score, score, th, np.array([False, True]), cfg, focus=0.05)
    assert st[1] is Status.NOT_APPLICABLE


def test_a_document_about_one_item_does_the_others_at_most_in_part():
    """Item 0 holds most of the evidence passages give their best items: the document is about it, and
    item 1, strong on its own, is partial (it serves item 0's topic); spread evenly, nobody's topic."""
    cfg = DiffConfig()
    ev = np.array([[6.0, 5.0, 4.0, 0.1, 0.0],
                   [0.2, 0.0, 0.0, 5.0, 0.3]])  # the last passage's 0.3 is under partial_at: it counts for nothing
    topic, share = document_topic(ev, np.zeros(2, bool), cfg)
    assert topic == 0 and share == pytest.approx(15 / 20)
    assert document_topic(ev, np.zeros(2, bool), DiffConfig(topical_share=0.0))[0] == -1  # off
    assert document_topic(ev, np.array([True, False]), cfg)[0] == -1  # body-text items: shares, not comparable mass
    spread = np.array([[6.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 4.0]])
    assert document_topic(spread, np.zeros(3, bool), cfg) == (-1, pytest.approx(0.4))  # the largest holds 40%: no one topic
    th = thresholds(np.zeros(2, bool), cfg)
    score = np.array([9.0, 6.0])
    st, rules = item_statuses(score, score, th, np.zeros(2, bool), cfg, 1.0, None, topic)
    assert st == [Status.IMPLEMENTED, Status.PARTIAL] and rules[1] == "topical"
    # a document that does not do its own topic (there only in next-year plans) is not read as about it
    st, _ = item_statuses(score, np.array([0.0, 6.0]), th, np.zeros(2, bool), cfg, 1.0, None, topic)
    assert st == [Status.PARTIAL, Status.IMPLEMENTED]
    even = np.array([[6.0, 0.0], [0.0, 6.0]])
    assert document_topic(even, np.zeros(2, bool), cfg)[0] == -1  # half each: neither is the topic
    assert document_topic(ev, np.zeros(2, bool), cfg, focus=0.1)[0] == -1  # mostly about other things: mentions count for nothing already
    from lawgov_nlp.analysis.explain import reason

    assert "the document is about （九）规范性文件" in reason("topical", 6.0, 4.5, 0.5, ["备案审查"], 0.0, False, topic="（九）规范性文件")


def test_status_vocabulary_lives_in_one_place():
    from lawgov_nlp.views import plots

    assert [s.zh for s in Status] == ["落实", "部分落实", "未涉及", "不适用"]
    assert plots.STATUS_LABELS == [s.zh for s in Status] and plots.STATUS_COLORS == [s.color for s in Status]
    assert Status("partial") == "partial" and Status.PARTIAL.credit == 0.5


def test_report_sections_on_shortcomings_and_plans_are_told_from_work_done():
    from lawgov_nlp.analysis.results import Unit
    from lawgov_nlp.analysis.target import outlook_unit

    def part(label):
        return Unit("d#1", ["一、"], label, "", "正文", "body", label)

    for label in ("二、2021年法治政府建设不足和原因", "三、存在的问题及下一步工作打算", "四、2022年推进法治政府建设的主要思路和打算",
                  "三、主要问题和原因", "四、今后工作计划", "五、努力方向"):
        assert outlook_unit(part(label), 2021), label
    for label in ("四、着力解决群众反映强烈的问题", "三、完善立法计划", "二、创新执法思路", "一、2021年工作开展情况"):
        assert not outlook_unit(part(label), 2021), label
    assert outlook_unit(part("五、2022年工作安排"), 2021) and not outlook_unit(part("五、2021年工作安排"), 2022)


def test_second_reader_gold_files_are_complete_and_their_evidence_is_verbatim():
    """The inter-annotator files (scripts/agreement_diff.py): one per first-reader gold document, all
    34 items, known statuses, and every evidence string found in the document as the tool reads it."""
    import json
    from pathlib import Path

    from lawgov_nlp.evaluation.diff import find_target, load_gold
    from lawgov_nlp.reading.corpus import load_path

    root = Path(__file__).resolve().parent
    refs = [it["ref"] for it in json.loads((root / "data" / "diff_gold_handan_plan.json").read_text(encoding="utf-8"))["items"]]
    firsts = {load_gold(p)["target"] for p in (root / "data").glob("diff_gold_*.json") if "_local_" not in p.name}
    files = sorted((root / "data" / "diff_gold2").glob("*.json"))
    assert {load_gold(f)["target"] for f in files} == firsts
    for f in files:
        g = load_gold(f)
        text = load_path(find_target(g["target"], [root.parent / "corpus"], root / "data" / "x.json")).text
        assert [it["ref"] for it in g["items"]] == refs
        for it in g["items"]:
            assert it["status"] in {"implemented", "partial", "omitted", "not_applicable"}
            assert all(e["contains"] in text for e in it["evidence"]), (f.name, it["ref"])
            assert bool(it["evidence"]) == (it["status"] in ("implemented", "partial")), (f.name, it["ref"])


def _doc_terms(mass, support, found=None, total=None) -> DocTerms:
    n = len(mass)
    return DocTerms(np.array(mass, float), np.array(support, float), np.array(found if found is not None else [0] * n, float),
                    np.array(total if total is not None else [0] * n, float), np.zeros(0, bool), np.zeros(0, bool))


def test_an_item_of_several_sub_tasks_is_implemented_only_when_enough_of_them_are_named():
    """min_aspects: item 0 has three sub-tasks and the document names one; item 1 has one sub-task
    (nothing more is asked of it); with the knob off (0, the default LODO chose) both are implemented."""
    score = np.array([6.0, 6.0])
    th = np.array([[4.5, 0.5], [4.5, 0.5]])
    na = np.zeros(2, bool)
    dt = _doc_terms([6.0, 6.0], [1, 1], found=[1, 1], total=[3, 1])
    st, rules = item_statuses(score, score, th, na, DiffConfig(min_aspects=2), 1.0, dt)
    assert st == [Status.PARTIAL, Status.IMPLEMENTED] and rules[0] == "narrow"
    st, _ = item_statuses(score, score, th, na, DiffConfig(min_aspects=2), 1.0, _doc_terms([6.0, 6.0], [1, 1], found=[2, 1], total=[3, 1]))
    assert st == [Status.IMPLEMENTED, Status.IMPLEMENTED]
    st, _ = item_statuses(score, score, th, na, DiffConfig(min_aspects=0), 1.0, dt)
    assert st == [Status.IMPLEMENTED, Status.IMPLEMENTED]
    # an item of two sub-tasks needs both at min_aspects=3: never more than it has
    st, _ = item_statuses(score[:1], score[:1], th[:1], na[:1], DiffConfig(min_aspects=3), 1.0, _doc_terms([6.0], [1], found=[2], total=[2]))
    assert st == [Status.IMPLEMENTED]


def test_document_terms_counts_the_sub_tasks_a_document_names():
    # item 0: sub-tasks {t0, t1} and {t2}; item 1: {t3}
    A = np.array([[2.0, 2.0, 2.0, 0], [0, 0, 0, 2.0]])
    S = np.array([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], float)
    pieces = term_incidence(["t0 and t1", "t1 again"], ["t0", "t1", "t2", "t3"])
    dt = document_terms(A, np.zeros_like(A), pieces, (S, np.array([0, 0, 1])))
    assert dt.aspects_found.tolist() == [1, 0] and dt.aspects_total.tolist() == [2, 1]
    assert dt.present.tolist() == [True, True, False, False]
    # where: the passage "t1 again" is a next-year plan; t2 is named in other words (its parts p and q share a passage)
    pieces = term_incidence(["t0 here", "t1 again p", "q", "t3 p q"], ["t0", "t1", "t2", "t3", "p", "q"])
    A6 = np.hstack([A, np.zeros((2, 2))])
    S6 = np.hstack([S, np.zeros((3, 2))])
    G = np.array([[0, 0, 0, 0, 1, 1.0]])  # the parts of t2
    passages = np.array([[0, 1], [1, 3], [3, 4]])
    dt = document_terms(A6, np.zeros_like(A6), pieces, (S6, np.array([0, 0, 1])),
                        (passages, np.array([False, True, False]), (G, np.array([2]))))
    assert dt.present.tolist() == [True, True, True, True, True, True]  # t2: p and q in one passage (twice)
    assert dt.present_done.tolist() == [True, False, True, True, True, True]  # t1 only in the plan; t2 by passage 3
    assert dt.aspects_found.tolist() == [2, 1]


def test_the_outline_sub_tasks_partition_each_items_own_terms():
    """outline_terms.toml v3: every term of an item in exactly one of its sub-tasks (aspects), and
    nothing else in them (the loader refuses terms of another item)."""
    lists = outline_terms()
    with_aspects = [t for t in lists.values() if t.aspects]
    assert len(with_aspects) >= 30
    for t in lists.values():
        flat = [x for a in t.aspects for x in a]
        assert sorted(flat) == sorted(t.terms) or not t.terms
    assert max(len(t.aspects) for t in lists.values()) >= 4


def test_a_clause_is_an_addition_when_at_most_a_third_of_it_touches_an_item_and_none_an_omitted_one():
    """Clause 0 has three passages, one naming item 0 (found elsewhere); clause 1 has two passages,
    one naming item 0; clause 2 has three passages, one naming item 1, which is omitted."""
    cfg = DiffConfig(implemented_at=3.5, partial_at=0.25, related_focus=0.0, breadth_weight=0.0, support_weight=0.0)
    n_pass = 9  # passages 0-2: clause 0; 3-4: clause 1; 5-7: clause 2; 8: clause 3, which carries item 0
    ev = np.zeros((2, n_pass))
    ev[0, 8] = 5.0
    named = np.zeros((2, n_pass))
    named[0, [0, 3]] = 1
    named[1, 5] = 1
    sig = {"evidence": ev, "mass": ev.copy(), "anchor": ev.copy(), "named": named, "dense_z": np.zeros((2, n_pass))}
    unit = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3])
    dec = decide(sig, unit, np.zeros(n_pass, bool), _doc_terms([5.0, 0.0], [1.0, 0.0]), np.array([False, False]),
                 np.zeros(2), np.array([False, False]), np.ones(4, bool), cfg)
    assert dec.status[0] is Status.IMPLEMENTED and dec.status[1] is Status.OMITTED
    assert dec.additions == [0]
    assert decide(sig, unit, np.zeros(n_pass, bool), _doc_terms([5.0, 0.0], [1.0, 0.0]), np.array([False, False]), np.zeros(2),
                  np.array([False, False]), np.ones(4, bool), cfg.replace(addition_touched_share=0.0)).additions == []


def test_sections_on_carrying_out_the_document_itself_are_not_content():
    from lawgov_nlp.analysis.results import Unit
    from lawgov_nlp.analysis.target import procedure_unit

    def unit(path_label, heading):
        return Unit(clause_id="x", path=["三、", "（一）"], path_label=path_label, heading=heading, text="……", kind="body")

    assert procedure_unit(unit("三、具体方法步骤 › （一）制定方案阶段(2020年3月1日—3月20日)", "制定方案阶段(2020年3月1日—3月20日)"))
    assert procedure_unit(unit("四、保障措施 › （二）强化督促检查", "强化督促检查"))
    assert not procedure_unit(unit("二、重点工作任务 › （二）进一步深化放管服改革", "进一步深化放管服改革"))
    assert not procedure_unit(unit("一、指导思想 › （一）立足新发展阶段推进法治政府建设", "立足新发展阶段推进法治政府建设"))


def test_script_settings_are_read_as_the_type_of_their_field():
    cfg = DiffConfig().with_settings(["term_parts=false", "dense_z=2", "max_matches=3"])
    assert cfg.term_parts is False and cfg.dense_z == 2.0 and cfg.max_matches == 3 and isinstance(cfg.max_matches, int)
    for bad, message in (["nope=1"], "a field of DiffConfig"), (["term_parts=maybe"], "true or false"), (["dense_z=x"], "is a float"):
        with pytest.raises(ValueError, match=message):
            DiffConfig().with_settings(bad)


def test_an_item_with_body_text_gets_its_dense_bonus_as_a_share_not_divided_by_its_words():
    """Item 0 has body text (its evidence is the share of its own words a passage carries), item 1 is a
    heading: one passage stands far above the others for both on the dense signal."""
    cfg = DiffConfig(dense_z=1.0, dense_weight=1.0, body_dense_weight=0.05)
    A = np.array([[2.0, 2.0, 2.0, 2.0, 2.0], [0, 0, 0, 0, 2.0]])
    pieces = term_incidence(["w0", "x", "x", "x", "x", "x"], ["w0", "w1", "w2", "w3", "w4"])
    piece_vecs = np.array([[1, 0, 0]] + [[0, 1, 0]] * 5, dtype=np.float32)
    item_vecs = np.array([[1, 0, 0], [1, 0, 0]], dtype=np.float32)
    passages = np.array([[k, k + 1] for k in range(6)])
    sig = signals(A, np.zeros_like(A), A.sum(axis=1), np.array([True, False]), item_vecs, pieces, piece_vecs, passages, cfg)
    z = sig["dense_z"][:, 0]
    assert z[0] > 1.5 and np.allclose(z[0], z[1])
    assert np.isclose(sig["evidence"][0, 0], 2.0 / 10.0 + 0.05 * (z[0] - 1.0))  # a fifth of its words + the share bonus
    assert np.isclose(sig["evidence"][1, 0], 1.0 * (z[1] - 1.0))  # a heading: mass units, as before
    off = signals(A, np.zeros_like(A), A.sum(axis=1), np.array([True, False]), item_vecs, pieces, piece_vecs, passages,
                  cfg.replace(body_dense_weight=0.0))
    assert np.isclose(off["evidence"][0, 0], 0.2)
    # a passage with none of the item's words gets no dense bonus when the item has body text
    pieces = term_incidence(["x", "w0", "x", "x", "x", "x"], ["w0", "w1", "w2", "w3", "w4"])
    sig = signals(A, np.zeros_like(A), A.sum(axis=1), np.array([True, False]), item_vecs, pieces, piece_vecs, passages, cfg)
    assert sig["dense_z"][0, 0] > 1.5 and sig["evidence"][0, 0] == 0.0 and sig["evidence"][1, 0] > 0.5
