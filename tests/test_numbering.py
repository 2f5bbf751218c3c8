"""The numbering grammar: Chinese numerals into the thousands, decimal sections, paragraph points."""
from __future__ import annotations

import pytest
from helpers import FIXTURES

from lawgov_nlp.reading.document import load_document
from lawgov_nlp.reading.numbering import (
    RANK_ARTICLE, RANK_CHAPTER, RANK_DECIMAL, RANK_NUM, RANK_PNUM, RANK_RNUM, bare_marker, cn_to_int, match_marker,
    ordinal_runs,
)


@pytest.mark.parametrize("numeral, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("两百", 200), ("九百八十九", 989),
    ("一千", 1000), ("一千零二", 1002), ("一千二百六十", 1260), ("1260", 1260), ("１２", 12),
])
def test_chinese_numerals(numeral, value):
    assert cn_to_int(numeral) == value


@pytest.mark.parametrize("numeral", ["十百", "百百", "二三百", "", "千万", "一一", "三四", "一〇二"])
def test_malformed_numerals_are_not_numbers(numeral):
    assert cn_to_int(numeral) is None


def test_numbering_past_999():
    assert match_marker("第一千二百六十条　本法自2021年1月1日起施行。")[:3] == ("article", RANK_ARTICLE, "第一千二百六十条")
    assert match_marker("（一千）继续推进")[2] == "（一千）"
    assert match_marker("一千、总结")[2] == "一千、"
    assert match_marker("1000. 第一千项")[:3] == ("num", RANK_NUM, "1000.")
    assert match_marker("（1000）第一千项")[:3] == ("pnum", RANK_PNUM, "（1000）")
    # a 4-digit number that reads as a year stays text
    assert match_marker("2021．全年完成") is None and match_marker("（2023）第5号") is None


def test_decimal_markers_and_what_is_not_one():
    assert match_marker("3.2.1 数据管理")[:3] == ("decimal", RANK_DECIMAL + 3, "3.2.1")
    assert match_marker("1．2 总体目标")[2] == "1.2"
    assert bare_marker("1.1")[:3] == ("decimal", RANK_DECIMAL + 2, "1.1")
    assert bare_marker("第3章")[0] == "chapter" and match_marker("第3章 总体架构")[1] == RANK_CHAPTER
    for text in ("2.5亿元资金", "18.45 亿户", "3.5%的增长", "12.75 GHz", "1.1~1.6 已发布", "0.5 个百分点", "22.1＋10"):
        assert match_marker(text) is None, text
    assert match_marker("1）优化基础设施布局")[:3] == ("rnum", RANK_RNUM, "1）")
    assert match_marker("2）。对已经进行测试的") is None  # the tail of a wrapped 第（2）项 reference
    assert match_marker("第三，深入进行金融体制改革")[2] == "第三，"


def test_ordinal_runs_continue_across_paragraphs():
    assert [m for _, _, m in ordinal_runs("一是加强领导。二是强化保障。")] == ["一是", "二是"]
    assert ordinal_runs("三是完善考核。四是强化督查。", start=3)[0][2] == "三是"
    assert ordinal_runs("要求三是完善考核。", start=3) == []  # a continuation opens with its point


def test_civil_code_articles_past_one_thousand():
    doc = load_document(FIXTURES / "minfadian_excerpt.txt")
    articles = [c for c in doc.clauses if c.numbering == "article"]
    assert [c.marker for c in articles][-4:] == ["第一千零二条", "第一千二百五十八条", "第一千二百五十九条", "第一千二百六十条"]
    assert doc.at("第四编/第一章/第一千条").text.endswith("产生的费用由行为人负担。")  # its second paragraph too
    assert [c.marker for c in doc.clauses if c.numbering == "book"] == ["第一编", "第四编", "第七编"]
    assert not [c for c in doc.clauses if c.kind == "postamble"]  # nothing after 第一千条 is lost


def test_decimal_guideline_structure():
    doc = load_document(FIXTURES / "decimal_guideline.txt")
    paths = ["/".join(c.path) for c in doc.clauses if c.kind == "body"]
    assert paths == [
        "第1章", "第1章/1.1", "第1章/1.2", "第1章/1.2/1.2.1", "第1章/1.2/1.2.1/1）", "第1章/1.2/1.2.1/2）", "第1章/1.2/1.2.2",
        "第2章", "第2章/2.1", "第2章/2.2", "3.1",  # 第3章 is missing from the text: 3.1 does not nest under 第2章
    ]
    assert doc.at("第1章").heading == "总则"  # glued to the end of the paragraph before it, split off
    assert doc.at("第1章/1.1").heading == "适用范围"  # the marker alone on its line, heading below
    assert "2.5亿元" in doc.at("第1章/1.2/1.2.1").text and "18.45 亿户" in doc.at("第1章/1.2/1.2.2").text
    for c in doc.clauses:
        first = c.text.split("\n")[0]
        assert doc.text[c.span[0]:c.span[0] + len(first)] == first


def test_paragraph_points_and_enumerations_of_work_reports():
    doc = load_document(FIXTURES / "workreport_points.txt")
    assert [c.marker for c in doc.children(doc.at("一、"))] == ["一是", "二是", "三是", "（续）"]
    assert doc.at("一、/二是").heading == "深化“放管服”改革，营商环境持续优化"
    assert doc.at("一、/（续）").text.startswith("——这一年")  # after the points, not inside 三是
    assert [c.marker for c in doc.children(doc.at("二、"))] == ["第一，", "第二，"]


def test_numerals_round_trip():
    from lawgov_nlp.reading.numbering import int_to_cn

    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 10_000))
    assert int_to_cn(1260) == "一千二百六十" and int_to_cn(10) == "十" and int_to_cn(1002) == "一千零二"
