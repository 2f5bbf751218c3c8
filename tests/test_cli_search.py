"""`index build/add/info`, `search` and `eval-search` through the CLI."""
from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import CORPUS, DATA
from typer.testing import CliRunner

from lawgov_nlp.cli import app

runner = CliRunner()
RESULT_KEYS = {"rank", "score", "doc_id", "clause_id", "title", "path", "path_label", "heading", "text", "span", "scores", "matched_terms", "highlights", "kind", "year"}


def test_search_json_csv_table(corpus_index):
    r = runner.invoke(app, ["search", "行政复议体制改革怎么推进", "--index", str(corpus_index), "-f", "json", "-k", "5"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["query"] == "行政复议体制改革怎么推进" and len(data["results"]) == 5
    top = data["results"][0]
    assert set(top) == RESULT_KEYS and {"dense", "words", "chars"} <= set(top["scores"])
    assert "复议" in top["text"] and isinstance(top["path"], list)

    r = runner.invoke(app, ["search", "证照分离", "--index", str(corpus_index), "-f", "csv", "-k", "3", "--type", "实施方案"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 3 and all(row["doc_id"] in {"neimenggu-tongliao-plan-2020", "hebei-handan-district-plan-2021-2025"} for row in rows)

    r = runner.invoke(app, ["search", "行政机关负责人出庭应诉率", "--index", str(corpus_index), "--explain", "-k", "2"])
    assert r.exit_code == 0 and "terms:" in r.stdout and "出庭" in r.stdout


def test_search_errors_are_one_line(corpus_index, tmp_path):
    cases = [
        (["search", "", "--index", str(corpus_index)], "empty query"),
        (["search", "？！", "--index", str(corpus_index)], "only punctuation"),
        (["search", "法" * 10_000, "--index", str(corpus_index)], "limit is"),
        (["search", "复议", "--index", str(tmp_path / "missing")], "index not found"),
        (["search", "复议", "--index", str(corpus_index), "--year", "去年"], "not a year"),
        (["search", "复议", "--index", str(corpus_index), "--doc", "nope"], "not in index"),
        (["search", "复议", "--index", str(corpus_index), "--mode", "magic"], "unknown mode"),
    ]
    for args, msg in cases:
        r = runner.invoke(app, args)
        assert r.exit_code == 1, (args, r.output)
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and msg in lines[0] and "Traceback" not in r.output


@pytest.mark.slow  # builds with USE
def test_index_build_add_info(tmp_path, cache_dir):
    idx = tmp_path / "cli-idx"
    r = runner.invoke(app, ["index", "build", str(CORPUS / "hebei-funing-report-2023.txt"), "--index", str(idx), "-e", "use", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["documents"] == 1
    r = runner.invoke(app, ["index", "add", str(CORPUS / "gangyao-2021-2025-outline.txt"), "--index", str(idx), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["documents"] == 2
    r = runner.invoke(app, ["index", "info", "--index", str(idx), "-f", "csv"])
    assert {row["doc_id"] for row in csv.DictReader(io.StringIO(r.stdout))} == {"hebei-funing-report-2023", "gangyao-2021-2025-outline"}
    r = runner.invoke(app, ["index", "build", str(tmp_path / "nothing-here.txt"), "--index", str(idx)])
    assert r.exit_code == 1 and "no such file" in r.output
    assert (idx / "CURRENT").read_text().strip() == "v000002"  # the failed build left the index alone


def test_eval_search_prints_all_modes(corpus_index):
    r = runner.invoke(app, ["eval-search", str(DATA / "search_judgments.json"), "--index", str(corpus_index), "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["rows"]
    modes = {row["mode"] for row in rows}
    assert {"dense", "lexical", "hybrid", "char-tfidf"} <= modes
    assert all(0 <= row["ndcg10"] <= 1 for row in rows)


def test_search_names_the_thesaurus_terms_a_query_triggered_and_finds_traditional_text(corpus_index):
    r = runner.invoke(app, ["search", "村里懂法的人在哪找", "--index", str(corpus_index), "-f", "json", "-k", "3"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["thesaurus"] == [{"trigger": "村里懂法的人", "terms": ["法律明白人", "学法用法示范户", "法治带头人"]}]
    assert 0 <= data["lexical_strength"] < 0.5 and data["config"]["dense_min"] <= data["dense_share"] <= data["config"]["dense_max"]
    assert not any({"的人", "进一步"} & set(hit["matched_terms"]) for hit in data["results"])
    r = runner.invoke(app, ["search", "行政復議體制改革", "--index", str(corpus_index), "--mode", "lexical", "-f", "json", "-k", "3"])
    assert "行政复议体制改革" in json.loads(r.stdout)["results"][0]["text"]
    r = runner.invoke(app, ["search", "懂法的人", "--index", str(corpus_index), "--explain", "-k", "1"])
    assert r.exit_code == 0 and "thesaurus: 懂法的人 → 法律顾问" in r.stdout and "lexical evidence" in r.stdout
