"""The lexical side: folding, bounded retrieval units, best-unit BM25, evidence strength, noise."""
from __future__ import annotations

import numpy as np

from lawgov_nlp.indexing.lexical import (
    char_bigrams, expand_query, fold, matched_terms, thesaurus_hits, tokenize,
)
from lawgov_nlp.indexing.units import LexicalIndex, clause_lexicon, unit_spans


def test_traditional_folds_to_simplified_in_derived_forms_only():
    assert fold("行政復議體制改革") == "行政复议体制改革"
    assert "行政复议" in "".join(tokenize("深化行政復議體制改革"))
    assert char_bigrams("復議") == ["复议"]
    text = "全面深化行政復議體制改革。"
    assert matched_terms("行政复议", text) == ["行政复议"]  # the displayed text keeps its characters


def test_units_are_bounded_and_cover_the_clause():
    long = "".join(f"第{i}项工作要依法推进并接受监督。" for i in range(1600))  # ≈ 24,000 characters, no numbering
    assert len(long) > 20_000
    spans = unit_spans(long, 200)
    assert max(b - a for a, b in spans) <= 200
    assert spans[0][0] == 0 and spans[-1][1] == len(long)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    one_sentence = "依" * 1000  # a sentence longer than a unit is cut, never kept whole
    assert max(b - a for a, b in unit_spans(one_sentence, 200)) <= 200
    assert unit_spans("短条款。", 200) == [(0, 4)] and unit_spans(long, 0) == [(0, len(long))]


def test_paragraph_break_ends_a_unit_unless_only_a_heading_precedes():
    text = "（一）总体要求\n坚持依法行政，建设法治政府，推进各项工作规范运行。" + "加强监督。" * 5 + "\n另起一段，讲行政复议。"
    spans = unit_spans(text, 60)
    pieces = [text[a:b] for a, b in spans]
    assert pieces[0].startswith("（一）总体要求\n坚持")  # the heading stays with its paragraph
    assert pieces[-1].endswith("讲行政复议。") and "另起一段" not in pieces[0]


def test_a_giant_clause_cannot_win_by_containing_everything():
    giant = "。".join(["推进行政复议工作", "加强体制建设", "深化改革创新"] * 400) + "。"
    exact = "深化行政复议体制改革，发挥行政复议化解行政争议主渠道作用。"
    other = "加强法治宣传教育，落实普法责任制。"
    lex = LexicalIndex.fit([clause_lexicon(t) for t in (giant, exact, other)])
    words = lex.word_scores(tokenize("行政复议体制改革"))
    chars, strength = lex.char_evidence(char_bigrams("行政复议体制改革"))
    assert words.argmax() == 1 and chars.argmax() == 1
    assert 0.9 < strength <= 1.0
    assert lex.n_units > 3 and lex.to_clauses(np.arange(lex.n_units, dtype=np.float32)).shape == (3,)


def test_evidence_is_weak_when_the_wording_is_nowhere():
    texts = ["深化行政复议体制改革。", "加强法治宣传教育，落实普法责任制。", "推进政务公开。"]
    lex = LexicalIndex.fit([clause_lexicon(t) for t in texts])
    _, strong = lex.char_evidence(char_bigrams("行政复议体制"))
    _, weak = lex.char_evidence(char_bigrams("老百姓告官找谁说理去"))
    _, none = lex.char_evidence(char_bigrams("天气晴朗"))
    assert strong > 0.9 and weak < 0.3 and none == 0.0
    allowed = np.array([False, True, True])
    scores, s = lex.char_evidence(char_bigrams("行政复议体制"), allowed)
    assert scores[0] == 0 and s < 0.5  # evidence counts only what the filters allow


def test_thesaurus_names_its_triggers_and_prefers_the_longer_one():
    hits = thesaurus_hits("村里懂法的人在哪找")
    assert list(hits) == ["村里懂法的人"] and "法律明白人" in hits["村里懂法的人"]
    assert "法律明白人" in expand_query("村里懂法的人在哪找")
    assert thesaurus_hits("行政复议体制改革") == {}


def test_matched_terms_drop_noise():
    text = "进一步加强法律顾问和公职律师队伍建设的人员保障。"
    terms = matched_terms("懂法的人进一步把关", text, extra=["法律顾问"])
    assert "法律顾问" in terms
    assert not {"的人", "进一步", "一步", "进一"} & set(terms)
    assert matched_terms("的人", "有关的人员") == []


def test_a_query_is_cut_exactly_as_the_full_dictionary_cuts_it_without_loading_it():
    """The fast start for queries: a dictionary restricted to the query's substrings (see lexical)."""
    import json

    from helpers import DATA

    from lawgov_nlp.indexing import lexical

    full = lexical._jieba()  # writes the dictionary copy into this session's cache
    assert lexical._freq_db_path().exists()
    queries = [q["query"] for q in json.loads((DATA / "search_judgments.json").read_text(encoding="utf-8"))["queries"]]
    queries += ["行政復議體制改革", "ABC 2023年12345热线", "（一）深化“放管服”改革。"]
    for q in queries:
        f = fold(q)
        short = lexical._short_tokenizer(f)
        assert short is not None and len(short.FREQ) < 5000
        assert list(short.cut_for_search(f)) == list(full.cut_for_search(f)), q
        assert list(short.cut(f)) == list(full.cut(f)), q
