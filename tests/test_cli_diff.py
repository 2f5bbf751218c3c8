"""`diff-plans` and `eval-diff` through the CLI."""
from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import CORPUS, DATA
from typer.testing import CliRunner

from lawgov_nlp.cli import app

runner = CliRunner()
OUTLINE = str(CORPUS / "gangyao-2021-2025-outline.txt")
FUNING = str(CORPUS / "hebei-funing-report-2023.txt")


@pytest.mark.slow  # diff-plans' default encoder, e5
def test_table_json_csv(cache_dir):
    r = runner.invoke(app, ["diff-plans", OUTLINE, FUNING])
    assert r.exit_code == 0, r.output
    assert "coverage" in r.stdout and "不适用" in r.stdout and "（二十二）发挥行政复议化解行政争议主渠道作用" in r.stdout
    r = runner.invoke(app, ["diff-plans", OUTLINE, FUNING, "-f", "json"])
    data = json.loads(r.stdout)
    (doc,) = data["documents"]
    assert {"doc_id", "title", "coverage", "items", "additions"} <= set(doc) and len(doc["items"]) == 34
    r = runner.invoke(app, ["diff-plans", OUTLINE, FUNING, "-f", "csv"])
    assert len(list(csv.DictReader(io.StringIO(r.stdout)))) == 34


@pytest.mark.slow  # diff-plans' default encoder, e5
def test_a_local_reference_through_the_outline(cache_dir):
    handan = str(CORPUS / "hebei-handan-district-plan-2021-2025.txt")
    r = runner.invoke(app, ["diff-plans", handan, FUNING])
    assert r.exit_code == 0 and "add --via OUTLINE" in r.stderr
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "-f", "json"])
    assert r.exit_code == 0, r.output
    assert "--via" not in r.stderr
    data = json.loads(r.stdout)
    assert len(data["reference"]["via"]["links"]) == 30
    item = data["documents"][0]["items"][4]
    assert item["reason"].startswith("judged through （十）强化依法决策意识")
    assert item["through"] == "（十）强化依法决策意识"
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE])
    assert "→ （十）强化依法决策意识" in r.stdout  # the mapping of every item, not only in an omission's reason
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "-f", "html"])
    assert "30 of 30 items are judged through 法治政府建设实施纲要" in r.stdout
    # the outline is no target of itself, and the --via file is an input -o never replaces
    r = runner.invoke(app, ["diff-plans", handan, OUTLINE, "--via", OUTLINE])
    assert r.exit_code == 1 and "the outline is the only target" in r.output
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "-f", "json", "-o", OUTLINE, "--force"])
    assert r.exit_code == 1 and "input" in r.output
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", handan])
    assert r.exit_code == 1 and "the outline is the reference itself" in r.output
    r = runner.invoke(app, ["diff-plans", handan, str(CORPUS / "hunan-changde-approval-bureau-report-2021.txt"), "--via", FUNING])
    assert r.exit_code == 1 and "has body text" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", str(DATA / "fixtures" / "no_numbering.txt")])
    assert r.exit_code == 1 and "no_numbering.txt: --via takes the outline" in r.output
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "--versions"])
    assert r.exit_code == 1 and "not in a --versions comparison" in r.output
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", "nosuch"])
    assert r.exit_code == 1 and "nosuch: no such file" in r.output


@pytest.mark.slow  # diff-plans' default encoder, e5
def test_a_form_of_a_run_through_the_outline_signs_only_such_a_run(tmp_path, cache_dir):
    handan = str(CORPUS / "hebei-handan-district-plan-2021-2025.txt")
    for fmt in ("json", "xlsx"):
        form = tmp_path / f"form.{fmt}"
        r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "-f", fmt, "-o", str(form)])
        assert r.exit_code == 0, r.output
        if fmt == "json":
            data = json.loads(form.read_text(encoding="utf-8"))
            data["documents"][0]["items"][0]["review_note"] = "已核"
            form.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        else:
            from openpyxl import load_workbook

            wb = load_workbook(form)
            ws = wb["evidence"]
            header = [c.value for c in ws[1]]
            ws.cell(row=2, column=header.index("review_note") + 1, value="已核")
            wb.save(form)
        r = runner.invoke(app, ["diff-plans", handan, FUNING, "--review", str(form), "-f", "json"])
        assert r.exit_code == 1 and "read through gangyao-2021-2025-outline (--via" in r.output and "Traceback" not in r.output
        r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "--review", str(form), "--reviewer", "张三", "-f", "json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["review"]["reviewer"] == "张三"
    plain = tmp_path / "plain.json"
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "-f", "json", "-o", str(plain)])
    data = json.loads(plain.read_text(encoding="utf-8"))
    data["documents"][0]["items"][0]["review_note"] = "已核"
    plain.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["diff-plans", handan, FUNING, "--via", OUTLINE, "--review", str(plain)])
    assert r.exit_code == 1 and "exported from a run without --via" in r.output


@pytest.mark.slow  # diff-plans' default encoder, e5
def test_html_file_and_bad_outputs(tmp_path, cache_dir):
    out = tmp_path / "report.html"
    r = runner.invoke(app, ["diff-plans", OUTLINE, FUNING, str(CORPUS / "hebei-handan-district-plan-2021-2025.txt"), "-f", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = runner.invoke(app, ["diff-plans", OUTLINE, FUNING, "-f", "html", "-o", str(tmp_path / "no" / "r.html")])
    assert r.exit_code == 1 and "does not exist" in r.output
    assert not (tmp_path / "no").exists()
    r = runner.invoke(app, ["diff-plans", OUTLINE, str(tmp_path / "missing.txt"), "-o", str(tmp_path / "x.json"), "-f", "json"])
    assert r.exit_code == 1 and "no such file" in r.output and not (tmp_path / "x.json").exists()


def test_index_ids_and_all(corpus_index, tmp_path):
    r = runner.invoke(app, ["diff-plans", "gangyao-2021-2025-outline", "hebei-funing-report-2023", "--index", str(corpus_index), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["documents"][0]["doc_id"] == "hebei-funing-report-2023"
    r = runner.invoke(app, ["diff-plans", OUTLINE, "--all", "--index", str(corpus_index), "-f", "csv"])
    assert r.exit_code == 0, r.output
    assert len({row["doc_id"] for row in csv.DictReader(io.StringIO(r.stdout))}) == 5
    r = runner.invoke(app, ["diff-plans", OUTLINE, "nope", "--index", str(corpus_index)])
    assert r.exit_code == 1 and "'nope' is not in index" in r.output
    # a local plan of the index, read through the index's outline: the outline is no target of itself
    r = runner.invoke(app, ["diff-plans", "hebei-handan-district-plan-2021-2025", "--all", "--index", str(corpus_index),
                            "--via", "gangyao-2021-2025-outline", "-f", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert len(data["reference"]["via"]["links"]) >= 25
    assert {d["doc_id"] for d in data["documents"]} == {"hebei-funing-report-2023", "hunan-changde-approval-bureau-report-2021",
                                                         "neimenggu-tongliao-plan-2020", "guangxi-liujiang-workpoints-2017"}
    # a document id without --index, and the two given the wrong way round (a new user's trial)
    r = runner.invoke(app, ["diff-plans", "gangyao-2021-2025-outline", "hebei-funing-report-2023"])
    assert r.exit_code == 1 and "gangyao-2021-2025-outline: no such file (a document id needs --index NAME)" in r.output
    r = runner.invoke(app, ["diff-plans", "hebei-funing-report-2023", "gangyao-2021-2025-outline", "--index", str(corpus_index), "-f", "json"])
    assert r.exit_code == 0 and "warning: the reference hebei-funing-report-2023 is a 年度报告" in r.stderr
    assert "gangyao-2021-2025-outline is a 纲要 but given as a target of hebei-funing-report-2023" in r.stderr
    # the reference must be embedded by the encoder whose vectors the index stores
    r = runner.invoke(app, ["diff-plans", OUTLINE, "hebei-funing-report-2023", "--index", str(corpus_index), "-e", "e5"])
    assert r.exit_code == 1 and "index built with encoder 'use-" in r.output and "internal error" not in r.output


@pytest.mark.slow  # diff-plans' default encoder, e5
def test_eval_diff(cache_dir):
    r = runner.invoke(app, ["eval-diff", str(DATA / "diff_gold_funing_report.json"), "--corpus", str(CORPUS), "-f", "json"])
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)["rows"]
    assert row["target"] == "hebei-funing-report-2023" and 0.6 <= row["accuracy"] <= 1
    r = runner.invoke(app, ["eval-diff", str(DATA / "nope.json")])
    assert r.exit_code == 1 and "no such file" in r.output


def test_eval_diff_names_a_missing_via_file(tmp_path):
    gold = str(DATA / "diff_gold_local_blind" / "handan_funing_report.json")
    r = runner.invoke(app, ["eval-diff", gold, "--via", str(tmp_path / "outline.txt")])
    assert r.exit_code == 1 and f"{tmp_path / 'outline.txt'}: no such file" in r.output and "Traceback" not in r.output
