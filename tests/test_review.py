"""A reviewer's sign-off (``diff-plans --review``): the exported form filled in and read back, the
gold JSON as a review, and every way a review file is refused.

The library tests diff the real outline against the real Funing report with a protocol-only
encoder (``helpers.BigramEncoder``: no model loads; the term signals, the rule and the evidence are
the real ones), so they run in ``make test-fast``. The CLI round trip embeds with USE and is slow;
the CLI's refusals come before anything is embedded, so those are fast too.
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re

import pytest
from helpers import CORPUS, DATA, BigramEncoder, run_cli

from lawgov_nlp.analysis.results import Status
from lawgov_nlp.analysis.review import apply_review, load_review
from lawgov_nlp.errors import InputError, ReviewError

OUTLINE = CORPUS / "gangyao-2021-2025-outline.txt"
FUNING = CORPUS / "hebei-funing-report-2023.txt"
DOC = "hebei-funing-report-2023"


@pytest.fixture(scope="module")
def report():
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.reading.corpus import load_path

    return diff_plans(load_path(OUTLINE), [load_path(FUNING)], encoder=BigramEncoder(), cache=False)


def _by_marker(doc):
    return {it.ref.path[-1]: it for it in doc.items}


def _fill(csv_text: str, cells: dict[str, tuple[str, str]], key: str = "ref") -> str:
    """The exported CSV with the reviewer's cells filled in, as a spreadsheet saves it."""
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    for r in rows:
        marker = r[key].split("/")[-1]
        if marker in cells:
            r["review_status"], r["review_note"] = cells[marker]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def test_the_exported_csv_filled_in_signs_the_report(report, tmp_path):
    from lawgov_nlp.views.output import render

    exported = render(report, "csv")
    header = exported.splitlines()[0].split(",")
    assert {"review_status", "review_note", "tool_status", "status"} <= set(header)
    before = _by_marker(report.documents[0])
    assert before["（五）"].status is Status.OMITTED and before["（十七）"].status is Status.OMITTED
    tool_coverage = report.documents[0].coverage

    form = tmp_path / "review.csv"
    form.write_text("\ufeff" + _fill(exported, {"（五）": ("部分落实", "只有一句“放管服”，未见举措"),
                                               "（十七）": ("implemented", "见第五部分应急演练"),
                                               "（九）": ("", "核对过原文，同意")}), encoding="utf-8")
    review = load_review(form)
    assert review.sha256 == hashlib.sha256(form.read_bytes()).hexdigest()
    signed = apply_review(report, review)

    doc = signed.documents[0]
    after = _by_marker(doc)
    assert after["（五）"].final_status is Status.PARTIAL and after["（五）"].status is Status.OMITTED
    assert after["（五）"].review_note == "只有一句“放管服”，未见举措"
    assert after["（十七）"].final_status is Status.IMPLEMENTED and after["（十七）"].status is Status.OMITTED
    assert after["（九）"].review_status is None and after["（九）"].final_status is before["（九）"].status
    assert all(after[m].final_status is before[m].status for m in after if m not in ("（五）", "（十七）"))
    applicable = sum(1 for it in doc.items if it.status is not Status.NOT_APPLICABLE)
    tool_credit = sum(it.status.credit for it in doc.items)
    assert doc.tool_coverage == tool_coverage == round(tool_credit / applicable, 4)
    assert doc.coverage == round((tool_credit + 0.5 + 1.0) / applicable, 4) > tool_coverage  # omitted → partial, omitted → implemented
    assert doc.counts()["omitted"] == report.documents[0].counts()["omitted"] - 2
    assert (doc.reviewed, doc.changed) == (3, 2)
    # the inputs are unchanged: the tool's report is still the tool's
    assert before["（五）"].review_status is None and report.review is None and report.documents[0].coverage == tool_coverage

    data = json.loads(json.dumps(signed.to_dict(), ensure_ascii=False))
    assert data["review"] == {"path": str(form), "sha256": review.sha256, "reviewed": 3, "changed": 2, "reviewer": "",
                              "signed_on": datetime.date.today().isoformat(), "documents": [DOC], "targets": 1, "previous": "", "struck": 0}
    item = next(it for it in data["documents"][0]["items"] if it["ref"]["path"][-1] == "（五）")
    assert (item["status"], item["status_zh"], item["tool_status"], item["review_status"]) == ("partial", "部分落实", "omitted", "partial")
    assert data["documents"][0]["coverage"] == doc.coverage and data["documents"][0]["tool_coverage"] == tool_coverage
    # the signed report's CSV is itself a review form that gives the same signature
    again = tmp_path / "signed.csv"
    again.write_text(render(signed, "csv"), encoding="utf-8")
    twice = apply_review(report, load_review(again))
    assert [it.final_status for it in twice.documents[0].items] == [it.final_status for it in doc.items]


def test_views_show_both_statuses_and_the_note_terminal_safe(report, tmp_path):
    from lawgov_nlp.views.output import render

    form = tmp_path / "r.csv"
    form.write_text(f"doc_id,ref,review_status,review_note\n{DOC},（五）,partial,\"clear\x1b[2J screen\"\n", encoding="utf-8")
    signed = apply_review(report, load_review(form), reviewer="李四\x1b[31m", signed_on="2026-12-01")
    table = render(signed, "table")
    assert "部分落实 ✎ (tool: 未涉及)" in table
    assert f"reviewed by 李四␛[31m on 2026-12-01: 1 item, 1 changed ({form}, sha256 {signed.review.sha256[:12]})" in table
    assert "clear␛[2J screen" in table and "\x1b" not in table  # a note is user text: never drives the terminal
    page = render(signed, "html")
    assert f"on 2026-12-01: 1 item, 1 changed ({form}, sha256" in page and "李四" in page and signed.review.sha256 in page  # the whole hash, visibly
    assert "tool 工具: <span class=\"badge s-omitted\">" in page and "screen" in page
    # the changed items listed under the document's summary, each a link to its row
    assert re.search(r'changed by the reviewer 审核改动: <a href="#d0-i(\d+)">（五）深入推进“放管服”改革</a> <span class="badge s-omitted">', page)


def test_a_signed_csv_names_its_signer_and_a_windows_line_break_is_a_line_break(report, tmp_path):
    from lawgov_nlp.views.output import render

    form = tmp_path / "r.csv"
    form.write_bytes(f"doc_id,ref,review_status,review_note\r\n{DOC},（五）,partial,\"第一行\r\n第二行\"\r\n".encode())
    signed = apply_review(report, load_review(form), reviewer="王五", signed_on="2026-12-01")
    assert _by_marker(signed.documents[0])["（五）"].review_note == "第一行\n第二行"
    rows = list(csv.DictReader(io.StringIO(render(signed, "csv").lstrip("\ufeff"))))
    assert {(r["signed_by"], r["signed_on"], r["review_sha256"]) for r in rows} == {("王五", "2026-12-01", signed.review.sha256)}
    assert "signed_by" not in render(report, "csv").splitlines()[0]  # an unsigned report has no such columns
    again = tmp_path / "signed.csv"
    again.write_text(render(signed, "csv"), encoding="utf-8")
    assert apply_review(report, load_review(again)).review.changed == 1  # and the signed CSV still reads as a form


def test_the_matrix_of_a_signed_report_says_who_signed_and_which_cells(report, tmp_path):
    from openpyxl import load_workbook

    from lawgov_nlp.views.output import render
    from lawgov_nlp.views.tables import CoverageMatrix

    form = tmp_path / "r.csv"
    form.write_text(f"doc_id,ref,review_status,review_note\n{DOC},（五）,partial,只有热线\n", encoding="utf-8")
    signed = apply_review(report, load_review(form), reviewer="王五", signed_on="2026-12-01")
    m = CoverageMatrix.of(signed)
    table = render(m, "table")
    assert f"reviewed by 王五 on 2026-12-01: 1 item, 1 changed ({form}, sha256 {signed.review.sha256[:12]})" in table
    assert "◐✎" in table and table.count("✎") == 2  # the one cell, and the legend
    d = json.loads(render(m, "json"))
    assert d["review"]["sha256"] == signed.review.sha256
    assert [it["reviewed"] for it in d["items"] if "reviewed" in it] == [[DOC]]
    assert d["documents"][0]["tool_coverage"] != d["documents"][0]["coverage"]
    rows = list(csv.DictReader(io.StringIO(render(m, "csv").lstrip("\ufeff"))))
    assert {r["signed_by"] for r in rows} == {"王五"} and [r["item"] for r in rows if r["reviewed_in"] == DOC] == ["二、/（五）"]
    sheets = load_workbook(io.BytesIO(render(m, "xlsx")))
    assert dict(sheets["review"].iter_rows(min_row=2, values_only=True))["review.reviewer"] == "王五"
    unsigned = render(CoverageMatrix.of(report), "table")
    assert "reviewed" not in unsigned and "✎" not in unsigned


def test_xlsx_evidence_sheet_is_the_form(report, tmp_path):
    from openpyxl import load_workbook

    from lawgov_nlp.views.output import render

    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    ws = wb["evidence"]
    cols = [c.value for c in ws[1]]
    st, note, item = cols.index("review_status") + 1, cols.index("review_note") + 1, cols.index("item") + 1
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, item).value.endswith("（一）")]
    assert len(rows) > 1  # several evidence clauses: the reviewer fills any one of them
    ws.cell(rows[-1], st, "部分落实")
    ws.cell(rows[-1], note, "只是学习，没有落实")
    path = tmp_path / "review.xlsx"
    wb.save(path)
    signed = apply_review(report, load_review(path))
    it = _by_marker(signed.documents[0])["（一）"]
    assert it.final_status is Status.PARTIAL and it.status is not Status.PARTIAL and it.review_note == "只是学习，没有落实"
    # the signed workbook names the review that signed it, as the JSON and HTML do
    settings = {r[0]: r[1] for r in load_workbook(io.BytesIO(render(signed, "xlsx")))["settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["review.sha256"] == signed.review.sha256 and settings["review.changed"] == 1
    ws.cell(rows[0], st, "omitted")  # another row of the same item disagrees
    wb.save(path)
    with pytest.raises(ReviewError, match=rf"review\.xlsx, sheet evidence, row {rows[-1]}: .*as partial here and as omitted in sheet evidence, row {rows[0]}"):
        apply_review(report, load_review(path))


def test_gold_json_is_a_review(report):
    gold = json.loads((DATA / "diff_gold_funing_report.json").read_text(encoding="utf-8"))
    signed = apply_review(report, load_review(DATA / "diff_gold_funing_report.json"))
    doc = signed.documents[0]
    by = _by_marker(doc)
    assert all(by[g["ref"]].final_status.value == g["status"] for g in gold["items"])
    disagree = sum(1 for g in gold["items"] if _by_marker(report.documents[0])[g["ref"]].status.value != g["status"])
    assert signed.review.changed == doc.changed == disagree and signed.review.reviewed == len(gold["items"])
    assert by["（一）"].review_note == gold["items"][0]["note"]


def test_a_form_of_another_document_or_run_is_refused_even_without_its_doc_id(report, tmp_path):
    """Found by a reviewer's trial: the Funing form with its doc_id and title columns deleted (a
    colleague tidying the sheet) signed the Changde report, Funing's note and all."""
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.reading.corpus import load_path
    from lawgov_nlp.views.output import render

    rows = list(csv.DictReader(io.StringIO(render(report, "csv").lstrip("\ufeff"))))
    keep = [c for c in rows[0] if c not in ("doc_id", "title")]
    for r in rows:
        if r["ref"].endswith("（五）"):
            r["review_status"], r["review_note"] = "partial", "只有12345热线"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=keep, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    form = tmp_path / "funing-nodocid.csv"
    form.write_text(buf.getvalue(), encoding="utf-8")
    assert apply_review(report, load_review(form)).review.changed == 1  # on its own document it signs
    changde = diff_plans(load_path(OUTLINE), [load_path(CORPUS / "hunan-changde-approval-bureau-report-2021.txt")], encoder=BigramEncoder(), cache=False)
    with pytest.raises(ReviewError, match=r"funing-nodocid\.csv, row \d+: the form was exported with \w+ for '[^']+', this run finds \w+ "
                                          r"for hunan-changde-approval-bureau-report-2021 \(\d+ rows differ\): .*export the form again"):
        apply_review(changde, load_review(form))


@pytest.mark.parametrize("name, text, message", [
    ("status.csv", f"doc_id,ref,review_status\n{DOC},（五）,partial\n{DOC},（六）,done\n", r"status\.csv, row 3: unknown status 'done'"),
    ("item.csv", f"doc_id,ref,review_status\n{DOC},（九十九）,partial\n", r"item\.csv, row 2: item '（九十九）' is not an item of the reference"),
    ("conflict.csv", f"doc_id,ref,review_status\n{DOC},二、/（五）,partial\n{DOC},（五）,落实\n",
     r"conflict\.csv, row 3: item '（五）' is reviewed as implemented here and as partial in row 2"),
    ("doc.csv", "doc_id,ref,review_status\nsomewhere-else,（五）,partial\n", r"doc\.csv, row 2: document 'somewhere-else' is not among the targets"),
    ("bad.json", '{"target": "x", "items": [', r"bad\.json, line 1: not valid JSON"),
    ("form.csv", "doc_id,heading,status\nx,y,z\n", r"form\.csv: no review_status column"),
    ("notes.txt", "（五） partial", r"notes\.txt: unsupported review file '\.txt'"),
    # found by a reviewer trying the tool: each had been accepted as a sign-off
    ("header.csv", "doc_id,ref,review_status,review_note\n", r"header\.csv: a header and no rows"),
    ("blank.csv", f"doc_id,ref,review_status,review_note\n{DOC},（五）,,\n", r"blank\.csv: nothing is filled in"),
    ("other-doc.csv", f"doc_id,ref,review_status\nhebei-handan-district-plan-2021-2025,（五）,\n{DOC},（六）,partial\n",
     r"other-doc\.csv, row 2: document 'hebei-handan-district-plan-2021-2025' is not among the targets"),
    ("other-ref.csv", f"doc_id,ref,heading,review_status\n{DOC},一、/（三）,持续优化法治化营商环境,落实\n",
     r"other-ref\.csv, row 2: item '一、/（三）' is '总体目标' in this reference, the file says '持续优化法治化营商环境'"),
    ("status-col.csv", f"doc_id,ref,status,tool_status,review_status\n{DOC},（二十一）,partial,implemented,\n",
     r"status-col\.csv, row 2: status says 'partial', tool_status 'implemented' and review_status is empty: put your status in "
     r"review_status \(to go back to the tool's, write implemented there\)"),
    ("zh-col.csv", f"doc_id,ref,status,status_zh,tool_status,review_status\n{DOC},（二十一）,implemented,部分落实,implemented,\n",
     r"zh-col\.csv, row 2: status_zh was changed to '部分落实' \(status says 'implemented'\)"),
    # the message quotes what was typed, not the untouched Chinese label beside it
    ("na-col.csv", f"doc_id,ref,status,status_zh,tool_status,review_status\n{DOC},（二十一）,not_applicable,未涉及,omitted,\n",
     r"na-col\.csv, row 2: status says 'not_applicable', tool_status 'omitted'"),
])
def test_bad_review_files_are_refused_in_one_line(report, tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewError, match=message) as exc:
        apply_review(report, load_review(path))
    assert isinstance(exc.value, InputError) and "\n" not in str(exc.value)
    # the CLI refuses the same file in one line, before anything is embedded (no encoder named: e5 would load)
    r = run_cli(["diff-plans", OUTLINE, FUNING, "--review", path])
    assert r.exit_code == 1 and r.stdout == "" and r.stderr.count("\n") == 1
    assert r.stderr.startswith("error: ") and name in r.stderr and "Traceback" not in r.stderr


def test_cli_refuses_a_missing_review_and_never_writes_over_one(tmp_path):
    r = run_cli(["diff-plans", OUTLINE, FUNING, "--review", tmp_path / "nope.csv"])
    assert r.exit_code == 1 and "nope.csv: no such file" in r.stderr and r.stderr.count("\n") == 1
    form = tmp_path / "review.csv"
    form.write_text(f"doc_id,ref,review_status\n{DOC},（五）,partial\n", encoding="utf-8")
    before = form.read_bytes()
    r = run_cli(["diff-plans", OUTLINE, FUNING, "--review", form, "-f", "csv", "-o", form, "--force"])
    assert r.exit_code == 1 and "review.csv: is an input of this command" in r.stderr and form.read_bytes() == before
    r = run_cli(["diff-plans", OUTLINE, FUNING, "--versions", "--review", form])
    assert r.exit_code == 1 and "--review signs off a diff-plans report" in r.stderr
    r = run_cli(["diff-plans", OUTLINE, FUNING, "--reviewer", "张三"])
    assert r.exit_code == 1 and "--reviewer names who signed a review" in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.slow  # embeds with USE through the CLI
def test_cli_round_trip_export_edit_review(tmp_path):
    form = tmp_path / "review.csv"
    r = run_cli(["diff-plans", OUTLINE, FUNING, "-e", "use", "-f", "csv", "-o", form])
    assert r.exit_code == 0, r.output
    exported = form.read_text(encoding="utf-8-sig")
    tool = {row["ref"].split("/")[-1]: row["status"] for row in csv.DictReader(io.StringIO(exported))}
    assert all(row["review_status"] == "" for row in csv.DictReader(io.StringIO(exported)))
    # as Excel on a Chinese Windows saves it: GB18030, no BOM
    form.write_bytes(_fill(exported, {"（五）": ("部分落实", "只有一句"), "（二十三）": ("partial", "")}).encode("gb18030"))
    r = run_cli(["diff-plans", OUTLINE, FUNING, "-e", "use", "--review", form, "-f", "json"])
    assert r.exit_code == 0, r.output
    assert "warning: no --reviewer NAME" in r.stderr  # signed, but by nobody: said, not refused
    assert ("without a note" in r.stderr) == (tool["（二十三）"] != "partial")  # (二十三) is changed with an empty note
    data = json.loads(r.stdout)
    assert data["review"]["sha256"] == hashlib.sha256(form.read_bytes()).hexdigest() and data["review"]["reviewed"] == 2
    items = {it["ref"]["path"][-1]: it for it in data["documents"][0]["items"]}
    assert items["（五）"]["status"] == "partial" and items["（五）"]["tool_status"] == tool["（五）"] and items["（五）"]["review_note"] == "只有一句"
    assert items["（二十三）"]["status"] == "partial" and items["（二十三）"]["tool_status"] == tool["（二十三）"]
    assert data["review"]["changed"] == sum(tool[m] != "partial" for m in ("（五）", "（二十三）"))
    signed = tmp_path / "signed.html"
    r = run_cli(["diff-plans", OUTLINE, FUNING, "-e", "use", "--review", form, "--reviewer", "法制科 张三", "-o", signed])
    assert r.exit_code == 0, r.output
    page = signed.read_text(encoding="utf-8")
    today = datetime.date.today().isoformat()
    resigned = tmp_path / "resigned.json"
    csv_signed = tmp_path / "signed.csv"
    assert run_cli(["diff-plans", OUTLINE, FUNING, "-e", "use", "--review", form, "--reviewer", "法制科 张三", "-o", csv_signed]).exit_code == 0
    r = run_cli(["diff-plans", OUTLINE, FUNING, "-e", "use", "--review", csv_signed, "--reviewer", "李四", "-o", resigned])
    assert r.exit_code == 0 and f"the form was already signed, by 法制科 张三 on {today}" in r.stderr
    assert json.loads(resigned.read_text(encoding="utf-8"))["review"]["previous"].startswith("法制科 张三 on")
    assert f"reviewed by 法制科 张三 on {today}: 2 items, {data['review']['changed']} changed ({form}, sha256" in page and "只有一句" in page


def test_the_reports_own_json_is_a_form_too(report, tmp_path):
    from lawgov_nlp.views.output import render

    exported = json.loads(render(report, "json"))
    items = {it["ref"]["path"][-1]: it for it in exported["documents"][0]["items"]}
    items["（五）"]["review_status"], items["（五）"]["review_note"] = "部分落实", "只有热线，\n没有审批改革"
    form = tmp_path / "form.json"
    form.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    signed = apply_review(report, load_review(form))
    it = _by_marker(signed.documents[0])["（五）"]
    assert it.final_status is Status.PARTIAL and it.review_note == "只有热线，\n没有审批改革" and signed.review.reviewed == 1
    # a signed report's JSON signs again to the same statuses (its review_status fields are kept)
    again = apply_review(report, load_review(_write(tmp_path / "again.json", render(signed, "json"))))
    assert [x.final_status for x in again.documents[0].items] == [x.final_status for x in signed.documents[0].items]
    # the status field edited instead of review_status is refused, as in the CSV
    items["（五）"]["review_status"] = None
    items["（五）"]["status"] = "implemented" if items["（五）"]["tool_status"] != "implemented" else "omitted"
    form.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReviewError, match=r"form\.json, document hebei-funing-report-2023, item 二、/（五）: status says '\w+', tool_status '\w+' and review_status is empty"):
        load_review(form)
    # the unedited JSON of another document is refused against this one
    items["（五）"]["status"] = items["（五）"]["tool_status"]
    exported["documents"][0]["doc_id"] = "another-report"
    form.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReviewError, match="another-report"):
        apply_review(report, load_review(form))


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def two_reports():
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.reading.corpus import load_path

    return diff_plans(load_path(OUTLINE), [load_path(FUNING), load_path(CORPUS / "hunan-changde-approval-bureau-report-2021.txt")],
                      encoder=BigramEncoder(), cache=False)


def test_a_review_of_some_documents_signs_those_only(two_reports, tmp_path):
    """Found by a second trial: a form reviewing two of five documents signed all five (every CSV row
    carried the signer; nothing said the other three were unreviewed)."""
    from lawgov_nlp.views.output import render

    form = tmp_path / "r.csv"
    form.write_text(f"doc_id,ref,review_status,review_note\n{DOC},（五）,partial,只有热线\n{DOC},（六）,,已核\n", encoding="utf-8")
    signed = apply_review(two_reports, load_review(form), reviewer="王五", signed_on="2026-12-01")
    other = "hunan-changde-approval-bureau-report-2021"
    assert signed.review.documents == (DOC,) and signed.review.targets == 2
    rows = list(csv.DictReader(io.StringIO(render(signed, "csv").lstrip("\ufeff"))))
    assert {r["signed_by"] for r in rows if r["doc_id"] == DOC} == {"王五"} and {r["signed_by"] for r in rows if r["doc_id"] == other} == {""}
    table = render(signed, "table")
    assert f"changed in 1 of 2 documents ({DOC}; the others are not signed)" in table and "未审核 not reviewed" in table
    page = render(signed, "html")
    assert f"in 1 of 2 documents ({DOC}; the others are not signed)" in page and page.count('<p class="unsigned">') == 1
    d = json.loads(render(signed, "json"))
    assert [x["signed"] for x in d["documents"]] == [True, False]
    from lawgov_nlp.views.tables import CoverageMatrix

    m = CoverageMatrix.of(signed).to_dict()
    assert [it["reviewed"] for it in m["items"] if "reviewed" in it] == [[DOC], [DOC]]  # the note alone (已核) is a review too


def test_re_signing_a_signed_form_keeps_the_first_signature(report, tmp_path):
    from lawgov_nlp.views.output import render

    form = tmp_path / "r.csv"
    form.write_text(f"doc_id,ref,review_status,review_note\n{DOC},（五）,partial,只有热线\n", encoding="utf-8")
    first = apply_review(report, load_review(form), reviewer="王五", signed_on="2026-12-01")
    again = tmp_path / "signed.csv"
    again.write_text(render(first, "csv"), encoding="utf-8")
    second = apply_review(report, load_review(again), reviewer="赵六", signed_on="2026-12-02")
    assert second.review.previous == f"王五 on 2026-12-01 (sha256 {first.review.sha256[:12]})"
    assert "re-signs the review by 王五 on 2026-12-01" in " ".join(render(second, "table").split())
    as_json = tmp_path / "signed.json"
    as_json.write_text(render(first, "json"), encoding="utf-8")
    assert apply_review(report, load_review(as_json), reviewer="赵六").review.previous.startswith("王五 on 2026-12-01")
    assert apply_review(report, load_review(form)).review.previous == ""


def test_a_cell_too_big_for_csv_is_refused_in_one_line(report, tmp_path):
    form = tmp_path / "big.csv"
    form.write_text(f"doc_id,ref,review_status,review_note\n{DOC},（五）,partial,\"{'很长' * 70000}\"\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"big\.csv: line \d+: cannot be read as CSV \(field larger than field limit") as exc:
        load_review(form)
    assert "\n" not in str(exc.value)


def test_a_document_without_metadata_is_told_the_issuer_rules_were_not_applied(tmp_path):
    import shutil

    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.reading.corpus import load_path

    bare = tmp_path / "hebei-handan-district-plan-2021-2025.txt"
    shutil.copy(CORPUS / bare.name, bare)  # without the corpus manifest: no level, no issuer type
    r = diff_plans(load_path(OUTLINE), [load_path(bare), load_path(CORPUS / bare.name)], encoder=BigramEncoder(), cache=False)
    notes = [" ".join(d.notes) for d in r.documents]
    assert "level and issuer type are unknown" in notes[0] and "level and issuer type are unknown" not in notes[1]


@pytest.fixture(scope="module")
def tongliao_report():
    from lawgov_nlp.analysis.align import diff_plans
    from lawgov_nlp.reading.corpus import load_path

    return diff_plans(load_path(OUTLINE), [load_path(CORPUS / "neimenggu-tongliao-plan-2020.txt")], encoder=BigramEncoder(), cache=False)


def test_a_reviewer_strikes_additions_that_are_not(tongliao_report, tmp_path):
    """A second trial: additions (precision about 0.3) went into the signed report unreviewable. The
    workbook's additions sheet (and the JSON) take review_addition yes/是 or no/否 and a note."""
    from openpyxl import load_workbook

    from lawgov_nlp.views.output import render

    doc = next(d for d in tongliao_report.documents if len(d.additions) >= 2)
    wb = load_workbook(io.BytesIO(render(tongliao_report, "xlsx")))
    ws = wb["additions"]
    cols = [c.value for c in ws[1]]
    cid, verdict, note, did = (cols.index(c) + 1 for c in ("clause_id", "review_addition", "review_note", "doc_id"))
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, did).value == doc.doc_id]
    struck_id, kept_id = ws.cell(rows[0], cid).value, ws.cell(rows[1], cid).value
    ws.cell(rows[0], verdict, "否")
    ws.cell(rows[0], note, "属于放管服（五）")
    ws.cell(rows[1], verdict, "是")
    form = tmp_path / "form.xlsx"
    wb.save(form)
    signed = apply_review(tongliao_report, load_review(form), reviewer="王五")
    d = next(x for x in signed.documents if x.doc_id == doc.doc_id)
    assert struck_id not in [a.clause_id for a in d.additions] and [a.clause_id for a in d.struck_additions] == [struck_id]
    assert kept_id in [a.clause_id for a in d.additions] and signed.review.struck == 1 and signed.review.covers(doc.doc_id)
    assert "1 addition struck" in render(signed, "table") and "属于放管服（五）" in render(signed, "html")
    # the signed workbook and JSON read back as forms to the same additions
    for fmt in ("xlsx", "json"):
        again = tmp_path / f"signed.{fmt}"
        data = render(signed, fmt)
        again.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        d2 = next(x for x in apply_review(tongliao_report, load_review(again)).documents if x.doc_id == doc.doc_id)
        assert [a.clause_id for a in d2.struck_additions] == [struck_id], fmt
    # an addition this run does not list, a verdict that is not one
    ws.cell(rows[1], cid, "no-such-clause")
    wb.save(form)
    with pytest.raises(ReviewError, match=r"form\.xlsx, sheet additions, row \d+: clause no-such-clause is not among the local additions"):
        apply_review(tongliao_report, load_review(form))
    ws.cell(rows[1], cid, kept_id)
    ws.cell(rows[1], verdict, "maybe")
    wb.save(form)
    with pytest.raises(ReviewError, match=r"unknown review_addition 'maybe'"):
        load_review(form)


def test_review_details_a_code_review_found(tongliao_report, report, tmp_path):
    """JSON true/false on an addition is an answer (false was dropped, true refused); a non-list
    additions field is one line; the previous signer of a GB18030-saved signed CSV reads right."""
    from lawgov_nlp.views.output import render

    data = json.loads(render(tongliao_report, "json"))
    first = data["documents"][0]["additions"][0]
    first["review_addition"] = False
    form = _write(tmp_path / "f.json", json.dumps(data, ensure_ascii=False))
    signed = apply_review(tongliao_report, load_review(form))
    assert [a.clause_id for a in signed.documents[0].struck_additions] == [first["clause_id"]]
    first["review_addition"] = True
    assert apply_review(tongliao_report, load_review(_write(form, json.dumps(data, ensure_ascii=False)))).review.struck == 0
    data["documents"][0]["additions"] = 1
    with pytest.raises(ReviewError, match=r"f\.json, document neimenggu-tongliao-plan-2020: 'additions' must be a list"):
        load_review(_write(form, json.dumps(data, ensure_ascii=False)))
    csv_form = tmp_path / "r.csv"
    csv_form.write_text(f"doc_id,ref,review_status,review_note\n{DOC},（五）,partial,只有热线\n", encoding="utf-8")
    once = apply_review(report, load_review(csv_form), reviewer="法制科 王五", signed_on="2026-12-01")
    gb = tmp_path / "signed-gb.csv"
    gb.write_bytes(render(once, "csv").lstrip("\ufeff").encode("gb18030"))
    assert load_review(gb).signed_before.startswith("法制科 王五 on 2026-12-01")


def test_a_hostile_form_is_refused_in_one_line(tmp_path):
    """From a code review of the web upload: a JSON nested 100,000 deep was an internal error, and a
    small workbook that unzips to megabytes of XML held the server for minutes."""
    import zipfile

    from lawgov_nlp.analysis.review import review_from_bytes
    from lawgov_nlp.errors import ReviewError

    with pytest.raises(ReviewError, match="nested too deeply"):
        review_from_bytes("deep.json", b"[" * 100_000 + b"]" * 100_000)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row/>" * 4_000_000)  # 24 MB of XML in ~30 KB
    with pytest.raises(ReviewError, match=r"bomb\.xlsx: its XML parts unzip to .* for a .*-byte \.xlsx"):
        load_review(bomb)
    with pytest.raises(ReviewError, match=r"not a valid \.xlsx file"):
        review_from_bytes("f.xlsx", b"plain text")


def test_a_form_of_a_run_with_another_encoder_or_settings_says_which(report, tmp_path):
    """A form whose statuses differ from this run's names what differs when the form records it: the
    encoder, else the settings' fingerprint (a form of another tool version)."""
    data = report.to_dict()
    item = data["documents"][0]["items"][0]
    item["status"] = item["tool_status"] = "omitted" if item["status"] != "omitted" else "implemented"  # the other run found otherwise
    data["documents"][0]["items"][1]["review_note"] = "已核"
    for key, value, said in (("encoder", "use-v3@9", "the form's run used the encoder use-v3@9, this one"),
                             ("config_fingerprint", "0123456789ab", "the form's run had other settings (config 0123456789ab")):
        form = tmp_path / f"{key}.json"
        form.write_text(json.dumps({**data, "reference": {**data["reference"], key: value}}, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(ReviewError, match=re.escape(said)):
            apply_review(report, load_review(form))
    form = tmp_path / "same.json"
    form.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ReviewError, match="a form of another document or another run"):
        apply_review(report, load_review(form))


def test_a_workbook_written_before_the_via_row_held_only_the_id_is_read():
    """Workbooks of an earlier version hold the whole --via mapping as JSON in reference.via (cut at
    the cell's limit when long): the outline's id is read from it, or nothing when it cannot be."""
    from lawgov_nlp.analysis.review import _via_cell

    whole = json.dumps({"doc_id": "gangyao-2021-2025-outline", "title": "纲要", "links": [{"item": "（一）"}] * 3}, ensure_ascii=False)
    assert _via_cell(whole) == "gangyao-2021-2025-outline"
    assert _via_cell(whole[:60]) == "gangyao-2021-2025-outline"
    assert _via_cell('{"links": [{"item": "（一）"') is None  # no id in what is left: the form says nothing of its run
    assert _via_cell("gangyao-2021-2025-outline") == "gangyao-2021-2025-outline" and _via_cell(None) == ""
