"""Citations on the real seeds: measured on gold; 文号 repair; resolution; the graph."""
from helpers import CORPUS, DATA

from lawgov_nlp.analysis.citations import classify, extract_all, extract_citations
from lawgov_nlp.evaluation.policy import evaluate_citations


def test_extraction_meets_the_target():
    ev = evaluate_citations(DATA / "citations_gold.json", CORPUS)
    for split in ("held-out", "all"):
        r = ev.row(split)
        assert r.precision >= 0.95 and r.recall >= 0.95
    assert ev.row("all").extra["relation_accuracy"] >= 0.95


def test_mangled_numbers_and_misprinted_brackets(corpus_docs):
    works = {w.title: w for w in extract_citations(corpus_docs["guangxi-liujiang-workpoints-2017"]).works}
    assert works["关于印发〈2017年全区法治政府建设工作要点〉的通知"].doc_number == "桂依法行政发〔2017〕1号"
    assert works["法治政府建设实施纲要(2015-2020年)"].doc_number == "中发〔2015〕36号"
    assert "关于印发<柳州市2017年法治政府建设工作要点>的通知" in works  # 《…<…》…> repaired
    # the document's own title (named by its wrapping notice) is not a citation
    assert not any("柳江区2017年法治政府建设工作要点" == t for t in works)


def test_short_titles_fold_into_their_work(corpus_docs):
    works = extract_citations(corpus_docs["neimenggu-tongliao-plan-2020"]).works
    outline = next(w for w in works if "纲要" in w.title)
    assert outline.occurrences == 9 and outline.relation == "implements"
    assert not any(w.title == "纲要" for w in works)


def test_rules_of_kind():
    assert classify("中华人民共和国行政复议法") == "law"
    assert classify("河北省行政执法监督条例") == "regulation"
    assert classify("邯郸市重大行政决策程序规定", "市政府令第181号") == "rule"
    assert classify("广西壮族自治区重大行政决策程序规定") == "rule"
    assert classify("关于加强某事的意见", before="按照国务院办公厅") == "central"
    assert classify("常德市政务服务事项动态管理办法") == "local"


def test_graph_resolution_and_lag(corpus_docs):
    cs = extract_all(list(corpus_docs.values()))
    g = cs.graph()
    assert g.has_edge("hebei-handan-district-plan-2021-2025", "gangyao-2021-2025-outline")
    e = g.edges["hebei-handan-district-plan-2021-2025", "gangyao-2021-2025-outline"]
    assert e["relation"] == "implements"
    edge = next(x for x in cs.edges() if x.target == "gangyao-2021-2025-outline")
    assert edge.resolved and edge.lag_years == 1  # the plan (2022) implements the 2021 outline
    lags = {(r["citing_level"], r["cited_level"]): r for r in cs.lags()}
    assert ("county", "national") in lags and lags[("county", "national")]["edges"] >= 3
    assert list(cs.to_frame().columns) == cs.COLUMNS
