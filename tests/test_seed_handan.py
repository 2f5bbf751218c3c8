"""Seed 000: a Handan district plan that follows the national structure (9 parts, items （一）–（三十））."""


def test_structure(corpus_docs, expected_structure):
    from helpers import assert_structure

    doc = corpus_docs["hebei-handan-district-plan-2021-2025"]
    assert_structure(doc, expected_structure["hebei-handan-district-plan-2021-2025"])


def test_half_width_markers_are_canonical_full_width(corpus_docs):
    doc = corpus_docs["hebei-handan-district-plan-2021-2025"]
    c = doc.at("一、/（二）")
    assert c.heading == "深入推进“放管服”改革"
    # the original keeps its half-width brackets; only the marker is canonical
    assert c.text.startswith("(二)深入推进")
    assert doc.text[c.span[0]:c.span[1]] == c.text


def test_closing_paragraph_and_portal_residue(corpus_docs):
    doc = corpus_docs["hebei-handan-district-plan-2021-2025"]
    post = [c for c in doc.clauses if c.kind == "postamble"]
    assert [c.text[:12] for c in post] == ["全区各级各部门要全面准确"]
    last_item = doc.at("九、/（三十）")
    assert "全区各级各部门" not in last_item.text  # never glued onto the last numbered clause
    assert all("来源" not in c.text and "展开" != c.text for c in doc.clauses)
    assert doc.cleaning.summary()["chrome"] == 2
