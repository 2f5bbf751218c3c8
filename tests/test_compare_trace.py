"""Comparison and tracing on the alignment engine (USE encoder: slow)."""
import pytest
from helpers import FIXTURES

from lawgov_nlp.reading.document import load_document

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def handan_comparison(corpus_docs, cache_dir):
    from lawgov_nlp.analysis.aligned import align
    from lawgov_nlp.analysis.compare import compare
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    ref = corpus_docs["hebei-handan-district-plan-2021-2025"]
    targets = [corpus_docs[d] for d in ("guangxi-liujiang-workpoints-2017", "neimenggu-tongliao-plan-2020", "hebei-funing-report-2023")]
    return compare(align(ref, targets, cache=EmbeddingCache(cache_dir / "embeddings.sqlite")))


def test_item_30_side_by_side_with_liujiang(handan_comparison):
    # read off both texts: Handan (三十) 每年应当举办2期以上法治专题讲座 … 每人每年不少于60学时;
    # Liujiang 二(十) 领导班子每年应当举办两期以上法治专题讲座, 区政府每年至少举办一期…培训班, no hours
    item = next(it for it in handan_comparison.items if it.doc_id == "guangxi-liujiang-workpoints-2017" and it.ref_label.startswith("（三十）"))
    labels = {(p.subject_key, p.label) for p in item.pairs}
    assert ("领导班子年度法治专题讲座期数", "kept") in labels
    assert ("行政执法人员年度法律培训学时", "dropped") in labels
    assert ("领导干部法治专题培训班年度期数", "added") in labels


def test_indicators_across_documents(handan_comparison):
    ind = {i.key: i for i in handan_comparison.indicators}
    hours = ind["行政执法人员年度法律培训学时"]
    assert hours.labels["hebei-funing-report-2023"] == "kept"  # 不少于60学时, reported as done
    assert hours.labels["guangxi-liujiang-workpoints-2017"] == "dropped"
    lectures = ind["领导班子年度法治专题讲座期数"]
    assert lectures.labels["neimenggu-tongliao-plan-2020"] == "kept"
    cols, rows = handan_comparison.indicator_rows()
    assert cols[:2] == ["indicator", "hebei-handan-district-plan-2021-2025"] and rows


def test_labels_by_rule():
    from lawgov_nlp.analysis.commitments import Commitment
    from lawgov_nlp.analysis.compare import label_pair

    def c(value, unit="学时", direction="at_least", kind="target"):
        return Commitment("d", "d#1", kind, "", (0, 1), None, value, unit, direction, "", "k", True)

    assert label_pair(c(40), c(60))[0] == "tightened"
    assert label_pair(c(60), c(40))[0] == "loosened"
    assert label_pair(c(5, "个工作日", "at_most"), c(3, "个工作日", "at_most"))[0] == "tightened"
    assert label_pair(c("2025-12-31", "date", "by", "deadline"), c("2024-12-31", "date", "by", "deadline"))[0] == "tightened"
    assert label_pair(c("every:year", "recurring", "by", "deadline"), c("every:quarter", "recurring", "by", "deadline"))[0] == "tightened"


def test_trace_fixture_pair(cache_dir):
    from lawgov_nlp.analysis.trace import trace_reports
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    plan, report = load_document(FIXTURES / "trace_plan.txt"), load_document(FIXTURES / "trace_report.txt")
    tr = trace_reports(plan, [report], cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    r = tr.reports[0]
    by = {t.label[:3]: t for t in r.tasks}
    assert by["（一）"].trace == "done" and by["（二）"].trace == "done"
    assert by["（四）"].trace == "silent" and by["（五）"].trace == "silent"
    assert [(x.target.display_value, x.outcome) for x in by["（一）"].targets] == [("≥40学时", "met")]
    assert [(x.target.display_value, x.outcome) for x in by["（三）"].targets] == [("≥80%", "short")]
    assert {c.subject_key for c in r.unplanned_results} >= {"法律援助案件受理数"}
    assert r.counts()["silent"] == 2


def test_trace_on_two_documents_of_one_province(corpus_docs, cache_dir):
    # no plan in the corpus has its own later report: the Handan plan against the Funing 2023
    # report (two Hebei districts) stands in; read off both: Funing (十一) 专题培训不少于60学时
    from lawgov_nlp.analysis.trace import trace_reports
    from lawgov_nlp.indexing.encoders import EmbeddingCache

    tr = trace_reports(corpus_docs["hebei-handan-district-plan-2021-2025"], [corpus_docs["hebei-funing-report-2023"]],
                       cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    r = tr.reports[0]
    assert sum(r.counts().values()) == 30
    task = next(t for t in r.tasks if t.label.startswith("（三十）"))
    hours = next(x for x in task.targets if x.target.unit == "学时")
    # where diff-plans cites Funing (十一) for （三十） (the gold labels do), the hours sit in the evidence
    assert (hours.outcome, hours.result.value) == ("met", 60) and hours.where in ("evidence", "elsewhere")
    assert any(c.subject_key == "法律援助案件受理数" for c in r.unplanned_results)
