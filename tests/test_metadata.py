from lawgov_nlp.reading.metadata import infer_level, parse_date, parse_doc_number


def test_dates_including_scraped_digit_runs():
    assert parse_date("2022年1月12日") == "2022-01-12"
    assert parse_date("2020-04-26 21:04") == "2020-04-26"
    assert parse_date("2017724") == "2017-07-24"  # month 72 does not exist: only one reading
    assert parse_date("2020313") == "2020-03-13"
    assert parse_date("2020111") == ""  # 2020-01-11 or 2020-11-01: not certain, left empty
    assert parse_date("2017724", not_after="2017-08-01") == "2017-07-24"
    assert parse_date("2017年2月30日") == ""


def test_doc_numbers():
    assert parse_doc_number("冀传〔2022〕2号") == "冀传〔2022〕2号"
    assert parse_doc_number("江依法行政办发〔20173") == "江依法行政办发〔2017〕3号"
    assert parse_doc_number("邯市传〔2022〕35号") == "邯市传〔2022〕35号"
    assert parse_doc_number("根据冀传〔2022〕2号文件精神") == ""


def test_levels():
    assert infer_level("国务院办公厅") == "national"
    assert infer_level("秦皇岛市抚宁区人民政府") == "county"
    assert infer_level("通辽市人民政府办公室") == "city"
    assert infer_level("河北省人民政府") == "province"


# -- inference for documents without a manifest ---------------------------------------------
import shutil

import pytest
from helpers import CORPUS, FIXTURES, ROOT, SHARED

COLLECTION = next((d / "collection" for d in (SHARED, ROOT.parent.parent / "shared") if (d / "collection").exists()), SHARED / "collection")

from lawgov_nlp.reading.clean import clean_lines
from lawgov_nlp.reading.doctype import announced_title, doc_type_of_text, doc_type_of_title
from lawgov_nlp.reading.metadata import DocMeta, extract_meta, parse_period


def _meta(text: str, html_meta=None) -> DocMeta:
    cleaned = clean_lines(text)
    return extract_meta(cleaned.lines, cleaned.chrome, html_meta or {})


@pytest.fixture(scope="module")
def seeds_without_manifest(tmp_path_factory):
    from lawgov_nlp.reading.corpus import load_documents

    d = tmp_path_factory.mktemp("seeds")
    for f in CORPUS.glob("*.txt"):
        shutil.copyfile(f, d / f.name)
    return {doc.doc_id: doc.meta for doc in load_documents([d])}


def test_seed_titles_years_and_types_from_the_text(seeds_without_manifest):
    m = seeds_without_manifest
    # 004: issuer line above the title line; signed 2024-01-09, about 2023
    funing = m["hebei-funing-report-2023"]
    assert funing.title == "秦皇岛市抚宁区人民政府2023年法治政府建设工作报告"
    assert (funing.issuer, funing.year, funing.date, funing.doc_type, funing.level) == ("秦皇岛市抚宁区人民政府", 2023, "2024-01-09", "年度报告", "county")
    # 002: the notice's title is split over two lines; it is titled by what it carries
    liujiang = m["guangxi-liujiang-workpoints-2017"]
    assert (liujiang.title, liujiang.doc_type, liujiang.issuer, liujiang.level) == (
        "柳州市柳江区2017年法治政府建设工作要点", "工作要点", "柳州市柳江区全面推进依法行政领导小组", "county")
    tongliao = m["neimenggu-tongliao-plan-2020"]
    assert (tongliao.title, tongliao.doc_type, tongliao.year) == ("通辽市2020年度法治政府建设工作实施方案", "实施方案", 2020)
    outline = m["gangyao-2021-2025-outline"]
    assert (outline.doc_type, outline.year_from, outline.year_to) == ("纲要", 2021, 2025)
    # no title line at all: the text still says what it is ("制定本实施方案")
    assert m["hebei-handan-district-plan-2021-2025"].doc_type == "实施方案"


def test_type_rules():
    assert doc_type_of_title("第十三届全国人民代表大会第四次会议关于政府工作报告的决议") == "决议"
    assert doc_type_of_title("2024年政府工作报告") == "政府工作报告"
    assert doc_type_of_title("2014年坪山新区管委会工作报告") == "政府工作报告"
    assert doc_type_of_title("关于2023年法治政府建设情况的报告") == "年度报告"
    assert doc_type_of_title("关于2023年国有资产管理情况的报告") == "报告"
    # the year's 法治政府建设 work as a summary or a 汇报 is read as an annual report too
    assert doc_type_of_title("某县2023年法治政府建设工作总结") == "年度报告"
    assert doc_type_of_title("关于2022年依法行政工作情况的汇报") == "年度报告"
    assert doc_type_of_title("2023年招商引资工作总结") == "总结"
    assert doc_type_of_title("过去五年国内工作的基本总结") == ""  # a section heading of a 1988 work report
    assert doc_type_of_title("关于印发《某市法治政府建设实施方案（2021—2025年）》的通知") == "实施方案"
    assert announced_title("国务院办公厅关于印发国务院2019年立法工作计划的通知") == "国务院2019年立法工作计划"
    assert doc_type_of_title("国务院关于同意建立某某部际联席会议制度的批复") == "批复"
    assert doc_type_of_title("某某情况") == ""
    assert doc_type_of_text("各位代表：\n现在，我代表国务院，向大会作政府工作报告，请予审议。") == "政府工作报告"
    assert doc_type_of_text("为推进依法行政，结合实际，制定本实施方案。") == "实施方案"


def test_periods_and_year_filters():
    assert parse_period("邯郸市某区法治政府建设实施方案（2021—2025年）") == (2021, 2025)
    assert parse_period("某省“十四五”法治政府建设规划") == (2021, 2025)
    assert parse_period("2023年工作要点") is None
    m = _meta("某县法治政府建设实施方案（2021—2025年）\n一、总体要求\n（一）指导思想。坚持依法行政。\n某县人民政府\n2022年3月1日\n")
    assert (m.year, m.year_from, m.year_to, m.years()) == (2022, 2021, 2025, (2021, 2025))
    # a manifest year outside the period read from the text: the manifest wins, period dropped
    merged = DocMeta(year=2019).merged(m)
    assert merged.years() == (2019, 2019)


def test_speeches_name_their_issuer_and_year():
    m = _meta("各位代表：\n现在，我代表南山区人民政府向大会报告工作，请予审议。\n一、2023年工作回顾\n过去一年，全区经济稳中有进。\n")
    assert (m.issuer, m.doc_type, m.year, m.title, m.level) == ("南山区人民政府", "政府工作报告", 2024, "2024年南山区政府工作报告", "county")
    m = _meta("各位代表：\n现在，我代表国务院，向大会作政府工作报告，请予审议。\n一、2013年工作回顾\n过去一年任务艰巨。\n")
    assert (m.issuer, m.level, m.title) == ("国务院", "national", "2014年国务院政府工作报告")


def test_html_title_without_the_site_name(tmp_path):
    from lawgov_nlp.reading.document import load_document

    html = (FIXTURES / "portal.html").read_text(encoding="utf-8").replace('<td>发文机关：</td><td>某县人民政府办公室</td>', "")
    page = tmp_path / "page.html"
    page.write_text(html.replace("<p>各乡镇人民政府，县直各单位：</p>", "<p>各乡镇人民政府，县直各单位：</p>"), encoding="utf-8")
    m = load_document(page).meta
    assert m.title == "某县2022年法治政府建设工作要点"  # the notice in <title>, the site name dropped
    assert m.doc_type == "工作要点" and m.year == 2022


def test_field_matchers_of_the_evaluation():
    from lawgov_nlp.evaluation.metadata import issuer_ok, title_ok, type_ok

    assert title_ok("2024年三亚市政府工作报告", "三亚 政府工作报告", "digigov", "三亚市人民政府", "2024")
    assert not title_ok("2023年三亚市政府工作报告", "2024年三亚政府工作报告", "digigov", "三亚市人民政府", "2024")
    assert title_ok("2014年国务院政府工作报告", "2014年中华人民共和国国务院政府工作报告")
    assert title_ok("国务院2019年立法工作计划", "国务院办公厅关于印发国务院2019年立法工作计划的通知")
    assert issuer_ok("福田区人民政府", "深圳市福田区人民政府") and not issuer_ok("罗湖区人民政府", "福田区人民政府")
    assert not issuer_ok("市人民政府", "东营市人民政府")  # a bare 市人民政府 names no place
    assert type_ok("政府工作报告", "报告") and type_ok("计划", "通知", "国务院办公厅关于印发国务院2019年立法工作计划的通知")
    assert not type_ok("年度报告", "决议")


@pytest.mark.slow
@pytest.mark.skipif(not COLLECTION.exists(), reason="shared/collection not beside the checkout")
def test_collection_accuracy_does_not_regress():
    # the figures in the README; this guards them with some slack (held-out half)
    from lawgov_nlp.evaluation.metadata import accuracy_table, score_collection

    table = {(t["source"], t["half"]): t for t in accuracy_table(score_collection(COLLECTION))}
    held = table[("all", "held-out")]
    for f, floor in (("title", 0.70), ("issuer", 0.80), ("year", 0.80), ("type", 0.70)):
        ok, n = held[f]
        assert ok / n >= floor, (f, ok, n)
    ok, n = table[("govcn2019", "held-out")]["title"]
    assert ok == n


def test_region_is_read_off_the_issuer_or_title_in_the_manifest_form():
    from lawgov_nlp.reading.regions import infer_region

    assert infer_region("秦皇岛市抚宁区人民政府") == "河北省/秦皇岛市/抚宁区"  # so --region 河北 finds it
    assert infer_region("", "柳州市柳江区2017年法治政府建设工作要点") == "广西壮族自治区/柳州市/柳江区"
    assert infer_region("常德市行政审批服务局") == "湖南省/常德市"  # a department: no county guessed
    assert infer_region("北京市朝阳区人民政府") == "北京市/朝阳区"  # not 辽宁省/朝阳市
    assert infer_region("海南藏族自治州人民政府") == "青海省/海南藏族自治州"  # not 海南省
    assert infer_region("邯郸市某区法治政府建设实施方案") == "河北省/邯郸市"  # an unnamed district stays unnamed
    assert infer_region("国务院办公厅") == "" and infer_region("2023年法治政府建设") == ""


def test_a_folder_without_manifest_gets_regions(tmp_path):
    import shutil

    from lawgov_nlp.reading.corpus import load_corpus

    for name in ("hebei-funing-report-2023.txt", "guangxi-liujiang-workpoints-2017.txt"):
        shutil.copyfile(CORPUS / name, tmp_path / name)
    regions = {d.doc_id: d.meta.region for d in load_corpus(tmp_path)}
    assert regions["hebei-funing-report-2023"].startswith("河北省/秦皇岛市")
    assert regions["guangxi-liujiang-workpoints-2017"].startswith("广西壮族自治区/柳州市")
