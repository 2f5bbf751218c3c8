"""Seed 001: a city bureau's annual report with 一、/（一）/1. nesting and a login box at the end."""

DOC = "hunan-changde-approval-bureau-report-2021"


def test_structure(corpus_docs, expected_structure):
    from helpers import assert_structure

    assert_structure(corpus_docs[DOC], expected_structure[DOC])


def test_numbers_nest_under_items_and_directly_under_parts(corpus_docs):
    doc = corpus_docs[DOC]
    assert doc.at("一、/（二）/1.").heading == "推进政府机构职能协同高效"
    assert doc.at("一、/（二）/2.").parent_id == doc.at("一、/（二）").id
    # part 二 has 1.–3. with no （一） level between
    assert doc.at("二、/3.").heading == "系统对接困难"


def test_heading_only_item_owns_the_paragraph_below(corpus_docs):
    doc = corpus_docs[DOC]
    c = doc.at("一、/（一）")
    assert c.heading == "深入学习贯彻习近平法治思想"
    assert "局党组中心组理论学习计划" in c.text


def test_inline_runs_become_children(corpus_docs):
    doc = corpus_docs[DOC]
    points = [c for c in doc.clauses if c.parent_id == doc.at("一、/（五）").id]
    assert [p.marker for p in points] == ["一是", "二是", "三是", "四是"]
    assert [p.heading for p in points] == ["加强工作体系建设", "完善工作制度", "加强业务培训", "强化考核保障"]
    parent = doc.at("一、/（五）")
    assert "一是" not in parent.text  # the parent keeps only its own lead-in
    for p in points:
        assert doc.text[p.span[0]:p.span[1]] == p.text


def test_signature_is_postamble_and_login_box_dropped(corpus_docs):
    doc = corpus_docs[DOC]
    post = [c.text for c in doc.clauses if c.kind == "postamble"]
    assert post == ["常德市行政审批服务局", "2022年1月12日"]
    assert not any("用户登录" in c.text or "立即注册" in c.text for c in doc.clauses)
    assert doc.meta.date == "2022-01-12"
