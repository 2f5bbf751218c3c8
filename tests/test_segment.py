"""Numbering styles, headings and spans on small fixtures, plus properties on arbitrary text."""
from __future__ import annotations

from helpers import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from lawgov_nlp.reading.clean import clean_lines
from lawgov_nlp.reading.document import load_document
from lawgov_nlp.reading.segment import heading_of, match_marker, segment_lines


def test_every_numbering_depth():
    doc = load_document(FIXTURES / "deep_numbering.txt")
    paths = [c.path for c in doc.clauses if c.kind == "body"]
    assert ("一、", "（一）", "1.", "（1）", "①") in paths
    assert ("一、", "（一）", "1.", "（1）", "②") in paths
    assert ("一、", "（一）", "1.", "（2）") in paths
    assert ("一、", "（一）", "2.", "三是") in paths  # 2、 is a 1. style marker; 一是 runs nest below it
    assert ("一、", "（一）", "3.") in paths  # full-width period
    assert ("二、", "（一）") in paths  # half-width brackets
    c = doc.clause(f"{doc.doc_id}#一、/（一）/2./二是")
    assert c.heading == "推行行政执法公示" and c.text == "二是推行行政执法公示。"


def test_articles_and_chapters():
    doc = load_document(FIXTURES / "numbering_styles.txt")
    ids = [c.id.split("#")[1] for c in doc.clauses if c.kind == "body"]
    assert ids == ["第一章", "第一章/第一条", "第一章/第二条", "第二章", "第二章/第三条", "第二章/第三条/（一）", "第二章/第三条/（二）", "第二章/第四条"]
    assert doc.clause(f"{doc.doc_id}#第二章/第三条").heading == "重大行政决策应当遵循下列程序"


def test_no_numbering_gives_one_clause_per_paragraph_and_says_so():
    doc = load_document(FIXTURES / "no_numbering.txt")
    assert not doc.numbered
    assert [c.kind for c in doc.clauses] == ["paragraph", "paragraph"]
    assert any("no numbering" in w for w in doc.warnings)


def test_markers_need_text_and_inline_numbers_are_not_markers():
    assert match_marker("1") is None and match_marker("一、") is None
    assert match_marker("2.5亿元资金") is None
    assert match_marker("2021年全区完成") is None
    assert match_marker("（十六） 推动形成") == ("item", 4, "（十六）", 5)
    assert match_marker("一、二级响应") is not None  # part markers are taken at face value


def test_headings():
    assert heading_of("深入推进“放管服”改革。分级分类推进") == "深入推进“放管服”改革"
    assert heading_of("健全政府机构职能体系") == "健全政府机构职能体系"
    long = "区级行政机关要依法建立健全本系统行政裁量权基准制度,细化、量化行政裁量标准,统一规范本系统行政裁量的范围"
    assert heading_of(long) == "区级行政机关要依法建立健全本系统行政裁量权基准制度"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(["一、总体要求", "（一）工作目标", "1.健全制度。", "（1）完善审查。", "①建立台账。", "一是加强领导。二是强化保障。",
                     "第一条 为了规范。", "附件", "牵头单位", "责任单位", "1", "司法局", ""]),
    st.text(alphabet=st.sampled_from("法治政府建设推进，。、一二是"), max_size=40),
), max_size=40))
def test_clause_spans_are_ordered_disjoint_and_faithful(lines):
    text = "\n".join(lines)
    cleaned = clean_lines(text)
    seg = segment_lines("t", text, cleaned.lines)
    ids = [c.id for c in seg.clauses]
    assert len(ids) == len(set(ids))
    last_end = -1
    for c in sorted(seg.clauses, key=lambda c: c.span):
        assert c.span[0] >= last_end, "clauses overlap"
        last_end = c.span[1]
        for piece in c.text.split("\n"):
            assert piece in text[c.span[0]:c.span[1]]
    # everything kept is in some clause
    covered = "".join(c.text for c in seg.clauses)
    for ln in cleaned.lines:
        if ln.text not in ("牵头单位", "责任单位"):
            assert ln.text[-3:] in covered or ln.text in covered


def test_hard_wrapped_lines_are_one_sentence():
    from lawgov_nlp.reading.segment import sentences

    text = "各地区各部门要按照党中央国务院的决策部署认真做好行政\n复议体制改革的各项工作确保改革任务如期完成并取得实\n效。第二句话也很完整。"
    assert [text[a:b] for a, b in sentences(text)] == [text[: text.index("。") + 1], "第二句话也很完整。"]
