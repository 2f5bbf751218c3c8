"""Numbering styles, headings and spans on small fixtures, plus properties on arbitrary text."""
from __future__ import annotations

from helpers import FIXTURES
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lawgov_nlp.reading.clean import clean_lines
from lawgov_nlp.reading.document import load_document
from lawgov_nlp.reading.numbering import RANK_ITEM
from lawgov_nlp.reading.segment import heading_of, match_marker, segment_lines, sentences


def test_every_numbering_depth():
    doc = load_document(FIXTURES / "deep_numbering.txt")
    paths = [c.path for c in doc.clauses if c.kind == "body"]
    assert ("一、", "（一）", "1.", "（1）", "①") in paths
    assert ("一、", "（一）", "1.", "（1）", "②") in paths
    assert ("一、", "（一）", "1.", "（2）") in paths
    assert ("一、", "（一）", "2.", "三是") in paths  # 2、 is a 1. style marker; 一是 runs nest below it
    assert ("一、", "（一）", "3.") in paths  # full-width period
    assert ("二、", "（一）") in paths  # half-width brackets
    c = doc.at("一、/（一）/2./二是")
    assert c.heading == "推行行政执法公示" and c.text == "二是推行行政执法公示。"


def test_articles_and_chapters():
    doc = load_document(FIXTURES / "numbering_styles.txt")
    ids = ["/".join(c.path) for c in doc.clauses if c.kind == "body"]
    assert ids == ["第一章", "第一章/第一条", "第一章/第二条", "第二章", "第二章/第三条", "第二章/第三条/（一）", "第二章/第三条/（二）", "第二章/第四条"]
    assert doc.at("第二章/第三条").heading == "重大行政决策应当遵循下列程序"


def test_no_numbering_gives_one_clause_per_paragraph_and_says_so():
    doc = load_document(FIXTURES / "no_numbering.txt")
    assert not doc.numbered
    assert [c.kind for c in doc.clauses] == ["paragraph", "paragraph"]
    assert any("no numbering" in w for w in doc.warnings)


def test_markers_need_text_and_inline_numbers_are_not_markers():
    assert match_marker("1") is None and match_marker("一、") is None
    assert match_marker("2.5亿元资金") is None
    assert match_marker("2021年全区完成") is None
    assert match_marker("（十六） 推动形成") == ("item", RANK_ITEM, "（十六）", 5)
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
    # everything kept is in some clause (a table's header and row numbers: in its rows' fields and markers)
    covered = "".join(c.text + "".join(c.fields.values()) for c in seg.clauses)
    for ln in cleaned.lines:
        if ln.text not in ("牵头单位", "责任单位") and not ln.text.isdigit():
            assert ln.text[-3:] in covered or ln.text in covered


def test_hard_wrapped_lines_are_one_sentence():
    from lawgov_nlp.reading.segment import sentences

    text = "各地区各部门要按照党中央国务院的决策部署认真做好行政\n复议体制改革的各项工作确保改革任务如期完成并取得实\n效。第二句话也很完整。"
    assert [text[a:b] for a, b in sentences(text)] == [text[: text.index("。") + 1], "第二句话也很完整。"]


def _assert_clauses_faithful(text, clauses):
    """Spans never overlap, and each clause's text is the original at its span: its first line
    starts the span, its last line ends it, and its lines appear in order in between."""
    last_end = -1
    for c in sorted(clauses, key=lambda c: c.span):
        assert c.span[0] >= last_end, f"clauses overlap at {c.span}"
        last_end = c.span[1]
        region = text[c.span[0]:c.span[1]]
        pieces = c.text.split("\n")
        assert region.startswith(pieces[0]) and region.endswith(pieces[-1])
        pos = 0
        for piece in pieces:
            found = region.find(piece, pos)
            assert found >= 0, f"{piece!r} not in the original at {c.span}"
            pos = found + len(piece)
    assert len({c.id for c in clauses}) == len(clauses)


_TABLE_LINES = ["重点工作任务", "牵头单位", "责任单位", "配合单位", "完成时限", "序号", "1", "2", "3", "4", "一", "司法局",
                "市场监督管理局、", "一、", "一、。", "（一）推进依法行政。", "1.完善制度。", "一是加强领导。二是强化保障。", "附件",
                "全年完成。", "备注", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TABLE_LINES), st.text(alphabet=st.sampled_from("法治政府建设，。、一二是1"), max_size=12)),
                max_size=60), st.sampled_from(["\n", "\r\n", "\r"]))
@example(["一、。", "重点工作任务", "牵头单位", "1", "一", "序号", "序号", ""], "\n")  # the minimal case
def test_table_heavy_text_gives_disjoint_faithful_clauses(lines, newline):
    text = newline.join(lines)
    seg = segment_lines("t", text, clean_lines(text).lines)
    _assert_clauses_faithful(text, seg.clauses)


def test_text_after_a_table_is_not_merged_into_the_clause_before_it():
    text = "一、重点任务\n重点工作任务\n牵头单位\n1\n一\n序号\n序号\n"
    seg = segment_lines("t", text, clean_lines(text).lines)
    part, row, after = seg.clauses
    assert (part.marker, row.kind, after.numbering) == ("一、", "table_row", "continued")
    assert part.span == (0, 6) and after.parent_id == part.id and row.parent_id == part.id
    assert after.text == "序号" and row.fields["牵头单位"] == "序号"
    _assert_clauses_faithful(text, seg.clauses)


def test_lone_cr_line_ends_read_like_lf():
    lf = "某区2023年法治政府建设工作报告\n一、主要工作\n（一）推进依法行政。全年审核规范性文件12件。\n（二）加强执法监督。\n二、存在问题\n"
    cr = lf.replace("\n", "\r")
    a, b = (segment_lines("t", t, clean_lines(t).lines) for t in (lf, cr))
    assert [(c.path, c.text, c.span) for c in a.clauses] == [(c.path, c.text, c.span) for c in b.clauses]
    assert b.numbered and not b.warnings
    assert [c.path for c in b.clauses if c.kind == "body"] == [("一、",), ("一、", "（一）"), ("一、", "（二）"), ("二、",)]


def test_a_clause_over_the_limit_is_cut_into_bounded_pieces():
    from lawgov_nlp.config import Limits

    body = "法治政府建设推进依法行政深化放管服改革" * 2000  # 38,000 characters, no punctuation at all
    text = "一、" + body + "\n二、加强行政复议工作。\n"
    seg = segment_lines("t", text, clean_lines(text).lines, limits=Limits(max_clause_chars=10_000))
    parts = [c for c in seg.clauses if c.path[:1] == ("一、",)]
    assert [c.marker for c in parts] == ["一、", "（续）", "（续2）", "（续3）"]
    assert all(len(c.text) <= 10_000 for c in seg.clauses)
    assert "".join(c.text for c in parts) == "一、" + body  # nothing lost, nothing repeated
    assert any("over the limit of 10,000 characters per clause" in w for w in seg.warnings)
    _assert_clauses_faithful(text, seg.clauses)


def test_sentences_are_bounded_for_encoders():
    text = "我们" * 5000 + "，" + "推进" * 300 + "。短句。"
    spans = sentences(text, max_chars=400)
    assert max(b - a for a, b in spans) <= 400
    assert "".join(text[a:b] for a, b in spans) == text


def test_long_clauses_are_reported():
    text = "一、工作回顾\n" + "\n".join(f"第{k}个方面，我们坚持稳中求进，推进各项工作取得新成效。" * 8 for k in range(20)) + "\n二、下一步打算\n"
    seg = segment_lines("t", text, clean_lines(text).lines)
    assert any(w.startswith("1 clause longer than 3,000 characters: numbering may have been missed") for w in seg.warnings)
