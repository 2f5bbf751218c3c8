"""The 2021–2025 纲要 outline: 10 parts, 34 items, headings only."""


def test_structure(corpus_docs, expected_structure):
    from helpers import assert_structure

    doc = corpus_docs["gangyao-2021-2025-outline"]
    assert_structure(doc, expected_structure["gangyao-2021-2025-outline"])


def test_items_are_numbered_one_to_thirty_four_across_parts(corpus_docs):
    doc = corpus_docs["gangyao-2021-2025-outline"]
    items = [c for c in doc.clauses if c.numbering == "item"]
    assert items[0].marker == "（一）" and items[-1].marker == "（三十四）"
    assert items[4].heading == "深入推进“放管服”改革"
    assert items[4].path == ("二、", "（五）")
    assert doc.path_label(items[8]) == "三、健全依法行政制度体系，加快推进政府治理规范化程序化法治化 › （九）加强行政规范性文件制定监督管理"
    assert all(not c.text.endswith("\n") for c in items)


def test_manifest_metadata_wins(corpus_docs):
    meta = corpus_docs["gangyao-2021-2025-outline"].meta
    assert meta.issuer == "中共中央、国务院" and meta.level == "national" and meta.doc_number == "中发〔2021〕33号"
