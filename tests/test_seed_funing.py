"""Seed 004: a district government's 2023 annual report (7 parts, items （一）–（十八））."""

DOC = "hebei-funing-report-2023"


def test_structure(corpus_docs, expected_structure):
    from helpers import assert_structure

    assert_structure(corpus_docs[DOC], expected_structure[DOC])


def test_closing_paragraphs_and_signature_are_postamble(corpus_docs, expected_structure):
    doc = corpus_docs[DOC]
    post = [c.text for c in doc.clauses if c.kind == "postamble"]
    expected = expected_structure[DOC]["postamble"]
    assert len(post) == len(expected)
    for got, want in zip(post, expected):
        assert got.startswith(want)
    last = doc.at("七、/（十八）")
    assert "一年来" not in last.text


def test_item_numbering_runs_on_across_parts(corpus_docs):
    doc = corpus_docs[DOC]
    assert doc.at("三、/（六）").heading == "为全市法规制定提出建议"
    assert doc.at("五、/（十二）").heading == "落实行政裁量权基准制度"
