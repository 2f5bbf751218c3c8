"""Seed 003: index-number header, plan body with 一是 runs, and an annex task table flattened to lines."""

DOC = "neimenggu-tongliao-plan-2020"


def test_structure(corpus_docs, expected_structure):
    from helpers import assert_structure

    assert_structure(corpus_docs[DOC], expected_structure[DOC])


def test_table_rows_with_units(corpus_docs, expected_structure):
    doc = corpus_docs[DOC]
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    exp = expected_structure[DOC]
    assert len(rows) == exp["table_rows"] == 45
    by_no = {int(r.marker): r for r in rows}
    for sample in exp["table_samples"]:
        r = by_no[sample["row"]]
        assert r.text.startswith(sample["task"])
        assert r.fields["牵头单位"] == sample["lead_unit"]
        assert r.fields["责任单位"] == sample["responsible_units"]
    assert by_no[19].fields["牵头单位"] == "市场监督管理局、应急管理局、生态环境局"
    assert all(r.parent_id == doc.at("附件").id for r in rows)


def test_table_rows_know_the_body_task_they_repeat(corpus_docs):
    doc = corpus_docs[DOC]
    rows = {int(c.marker): c for c in doc.clauses if c.kind == "table_row"}
    assert rows[1].duplicate_of == doc.at("二、/（一）/一是").id
    assert rows[10].duplicate_of == doc.at("二、/（二）/一是").id
    assert rows[30].duplicate_of == doc.at("二、/（六）").id
    assert sum(1 for r in rows.values() if r.duplicate_of) >= 40


def test_index_header_and_share_buttons_dropped(corpus_docs):
    doc = corpus_docs[DOC]
    texts = " ".join(c.text for c in doc.clauses)
    for junk in ("索 引 号", "主题分类", "分享到", "发布时间", "政策解读链接", "2020-04-26 21:04"):
        assert junk not in texts
    pre = [c for c in doc.clauses if c.kind == "preamble"]
    assert pre[1].text.startswith("各旗县市区人民政府")  # the addressee line survives chrome removal
    assert doc.meta.date == "2020-03-13"


def test_annex_is_its_own_clause_not_glued_to_the_last_item(corpus_docs):
    doc = corpus_docs[DOC]
    annex = doc.at("附件")
    assert annex.kind == "annex" and annex.heading == "通辽市2020年度法治政府建设重点工作任务分解表"
    last = doc.at("四、/（六）")
    assert "附件" not in last.text
