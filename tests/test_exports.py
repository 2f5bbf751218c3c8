"""Exports people open: xlsx workbooks (read back with openpyxl), the matrix as CSV, the HTML report."""
from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import re

import pytest
from helpers import CORPUS, run_cli
from openpyxl import load_workbook

from lawgov_nlp.views.xlsx import MAX_CELL_CHARS, workbook_bytes

OUTLINE = "gangyao-2021-2025-outline"


def test_workbook_round_trip_keeps_text_as_text():
    sheets = {
        "rows": (["a", "b", "c"], [
            {"a": "=HYPERLINK(\"http://x\")", "b": 3, "c": ["x", "y"]},
            {"a": "+1", "b": 2.5, "c": {"k": "值"}},
            {"a": "控制\x1b[31m字符\x00", "b": None, "c": True},
            {"a": "长" * (MAX_CELL_CHARS + 10), "b": -1, "c": "行\n二"},
        ]),
        "a/b:c*?[x]" * 3: (["only"], []),
        "ROWS": (["x"], [{"x": 1}]),
    }
    wb = load_workbook(io.BytesIO(workbook_bytes(sheets)))
    assert wb.sheetnames[0] == "rows" and all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in wb.sheetnames)
    assert len(set(n.lower() for n in wb.sheetnames)) == 3  # "ROWS" does not collide with "rows"
    ws = wb["rows"]
    assert [c.value for c in ws[1]] == ["a", "b", "c"] and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C5"
    assert ws["A2"].value == "=HYPERLINK(\"http://x\")" and ws["A2"].data_type == "s"  # never a formula
    assert ws["A3"].data_type == "s" and ws["B2"].value == 3 and ws["B3"].value == 2.5
    assert ws["C2"].value == "x/y" and json.loads(ws["C3"].value) == {"k": "值"} and ws["C4"].value is True
    assert ws["A4"].value == "控制\u241b[31m字符\u2400"  # control characters made visible, file still valid
    assert len(ws["A5"].value) == MAX_CELL_CHARS and ws["A5"].value.endswith("…")


@pytest.fixture(scope="module")
def report(corpus_index):
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.indexing.index import open_index

    idx = open_index(corpus_index)
    docs = [idx.document(d) for d in ("hebei-funing-report-2023", "hebei-handan-district-plan-2021-2025", "neimenggu-tongliao-plan-2020")]
    return diff_plans(idx.document(OUTLINE), docs, encoder=idx.encoder, cache=False, index=idx)


def test_diff_report_sheets(report):
    from lawgov_nlp.views.output import render

    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert wb.sheetnames == ["matrix", "documents", "evidence", "additions", "reference", "settings"]
    m = wb["matrix"]
    header = [c.value for c in m[1]]
    assert header[:7] == ["item", "part", "heading", "implemented", "partial", "omitted", "not_applicable"]
    assert header[7:] == [d.doc_id for d in report.documents]
    assert m.max_row == 35  # 34 items
    row = {h: c.value for h, c in zip(header, m[2])}
    assert row["item"].endswith("（一）") and row["hebei-funing-report-2023"] in {"落实", "部分落实", "未涉及", "不适用"}
    assert sum(row[s] for s in ("implemented", "partial", "omitted", "not_applicable")) == 3
    docs = {r[0].value: r for r in wb["documents"].iter_rows(min_row=2)}
    assert set(docs) == {d.doc_id for d in report.documents}
    ev_header, *ev = list(wb["evidence"].iter_rows(values_only=True))
    col = {name: k for k, name in enumerate(ev_header)}  # by name: the review columns moved the others
    kinds = {r[col["evidence"]] for r in ev}
    assert kinds <= {"match", "also near", "nearest miss", "none"} and "match" in kinds and "also near" in kinds
    assert any(r[col["clause_text"]] and "证照分离" in r[col["clause_text"]] for r in ev)  # clause text is there, whole
    assert all(not r[col["review_status"]] and r[col["tool_status"]] == r[col["status"]] for r in ev)  # the blank review form
    # the sub-task checklist: Funing's （十三） names 联合执法 and not the 两法衔接 of the 纲要's same item
    sub = {r[col["subtasks"]] for r in ev if r[col["doc_id"]] == "hebei-funing-report-2023" and r[col["heading"]] == "深化行政执法体制改革"}
    assert len(sub) == 1 and re.match(r"sub-tasks 分项任务 named [1-3] of 4: .*联合执法.* \| not named 未提及: .*案件移送", sub.pop())
    settings = {r[0]: r[1] for r in wb["settings"].iter_rows(min_row=2, values_only=True)}
    assert "config.implemented_at" in settings and settings["reference.doc_id"] == OUTLINE


def test_matrix_and_xlsx_from_the_cli(corpus_index, tmp_path):
    r = run_cli(["diff-plans", OUTLINE, "hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021", "--index", str(corpus_index),
                 "--matrix", "-f", "csv"])
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 34 and {"hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021"} <= set(rows[0])
    assert {row["hebei-funing-report-2023"] for row in rows} <= {"落实", "部分落实", "未涉及", "不适用"}
    r = run_cli(["diff-plans", OUTLINE, "hebei-funing-report-2023", "--index", str(corpus_index), "--matrix"])
    assert r.exit_code == 0 and "coverage" in r.stdout and "秦皇岛市抚宁区" in r.stdout
    out = tmp_path / "diff.xlsx"
    r = run_cli(["diff-plans", OUTLINE, "--all", "--index", str(corpus_index), "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert load_workbook(out)["matrix"].max_column == 7 + 5
    r = run_cli(["diff-plans", OUTLINE, "--all", "--index", str(corpus_index), "-f", "xlsx"])
    assert r.exit_code == 1 and "give -o FILE.xlsx" in r.stderr
    out = tmp_path / "search.xlsx"
    r = run_cli(["search", "证照分离", "--index", str(corpus_index), "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    ws = load_workbook(out).active
    assert ws["A1"].value == "rank" and ws.max_row == 11
    out = tmp_path / "inspect.xlsx"
    r = run_cli(["inspect", str(CORPUS / "hebei-funing-report-2023.txt"), "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert load_workbook(out).sheetnames == ["documents", "clauses"]


def _packed_sections(html: str) -> list[str]:
    blob = re.search(r'<script type="application/json" id="lg-sections">(.*?)</script>', html, re.S).group(1)
    return [gzip.decompress(base64.b64decode(s)).decode("utf-8") for s in json.loads(blob)]


def test_html_report_matrix_font_and_packing(report):
    from fontTools.ttLib import TTFont

    from lawgov_nlp.views.diff_html import render_report

    html = render_report(report)
    assert html.count('<td class="c s-') == 3 * 34 and html.count('<section class="doc"') == 3  # three documents: laid out inline
    # short labels, full titles on hover
    assert 'title="秦皇岛市抚宁区人民政府2023年法治政府建设工作报告 · hebei-funing-report-2023"' in html
    assert ">秦皇岛市抚宁区2023年报告<" in html
    assert html.count("sub-tasks 分项任务") == sum(1 for d in report.documents for it in d.items
                                                       if it.subtasks and it.status.value in ("implemented", "partial"))
    # the embedded font holds every Chinese character of the page
    font_b64 = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", html).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(font_b64))).getBestCmap()
    cjk = {ch for ch in re.sub(r"<[^>]+>", "", html) if "\u4e00" <= ch <= "\u9fff"}
    assert cjk and all(ord(ch) in cmap for ch in cjk)
    assert len(cmap) < 3000  # a subset, not the shipped font
    packed = render_report(report, inline_max=1)
    assert '<section class="doc"' not in packed
    sections = _packed_sections(packed)
    assert len(sections) == 3 and sections[0].startswith('<section class="doc" id="d0">') and "<mark>" in sections[0]
    notebook = render_report(report, standalone=False)
    assert "<!DOCTYPE" not in notebook and notebook.count('<section class="doc"') == 3 and "@font-face" not in notebook


def test_terminal_shows_the_sub_task_checklist_of_implemented_and_partial_items(report):
    from lawgov_nlp.views.output import render

    table = render(report, "table")
    flat = re.sub(r"[│┃\s]+", "", table)  # the table folds long lines inside its cells
    assert "sub-tasks分项任务named" in flat and "notnamed未提及" in flat and "sub-tasks分项任务:noneof" in flat
    shown = sum(1 for d in report.documents for it in d.items if it.subtasks and it.status.value in ("implemented", "partial"))
    assert flat.count("sub-tasks分项任务") == shown


def test_sub_tasks_count_a_term_in_other_words_and_keep_next_year_plans_apart(report):
    """Found by a reviewer's trial on Funing （三十四）: the evidence shown holds 尊法学法守法用法 (学法用法 in
    other words) yet the line said 'not named'; 法治机构 is named only in the 2024 plan."""
    funing = next(d for d in report.documents if d.doc_id == "hebei-funing-report-2023")
    it = next(x for x in funing.items if x.ref.heading == "全面加强依法行政能力建设")
    by_term = {t: s for s in it.subtasks for t in s["terms"]}
    assert "学法用法" in by_term["学法用法"]["named"]
    assert by_term["法治机构"]["named"] == [] and by_term["法治机构"]["outlook_only"] == ["法治机构"]


def test_the_csv_form_carries_the_checklist_by_the_rule_of_every_view(report):
    from lawgov_nlp.views.output import render

    rows = list(csv.DictReader(io.StringIO(render(report, "csv").lstrip("\ufeff"))))
    funing = [r for r in rows if r["doc_id"] == "hebei-funing-report-2023"]
    mine = next(r for r in funing if r["heading"] == "深化行政执法体制改革")
    assert mine["subtasks"].startswith("sub-tasks 分项任务 named") and "联合执法" in mine["subtasks"]
    assert all(not r["subtasks"] for r in funing if r["tool_status"] in ("omitted", "not_applicable"))
