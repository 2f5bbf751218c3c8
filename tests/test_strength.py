"""Directive strength at span level: levels, negation, hedges, scope; wording compared."""
from lawgov_nlp.analysis.strength import compare_wording, directives, document_strength


def spans(text):
    return [(s.word, s.level, s.polarity, s.hedged, s.scope) for s in directives("c", text)]


def test_levels_and_scopes():
    assert spans("严禁越权发文。") == [("严禁", 4, "prohibition", False, "越权发文")]
    assert spans("决策前应当听取合法性审查机构的意见") == [("应当", 3, "obligation", False, "听取合法性审查机构的意见")]
    assert spans("鼓励基层探索创新") [0][:2] == ("鼓励", 2)
    assert spans("可以简化程序") == [("可以", 1, "permission", False, "简化程序")]


def test_words_that_only_look_like_modals():
    assert spans("重要的是主要领导的要求") == []
    assert spans("可检验成果形式，可复制、可推广") == []
    assert spans("加强应急管理，提高应对能力") == []


def test_negation_and_hedges():
    assert spans("不应当增加义务")[0][:3] == ("不应当", 3, "prohibition")
    s = spans("原则上应当公开")[0]
    assert s[1] == 2 and s[3] is True


def test_weakened_wording():
    ref = directives("r", "行政机关必须依法公开政府信息")
    loc = directives("l", "行政机关要依法公开政府信息")
    ch = compare_wording(ref, loc, 0.4)
    assert [c.change for c in ch] == ["weakened"]
    assert compare_wording(loc, ref, 0.4)[0].change == "strengthened"


def test_document_profile(corpus_docs):
    ds = document_strength(corpus_docs["hebei-handan-district-plan-2021-2025"])
    c = ds.counts()
    assert c["mandatory"] > 0 and c["obligatory"] > 0 and c["encouraging"] > c["permissive"]
