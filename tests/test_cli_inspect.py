"""`lawgov-nlp inspect` through typer's CliRunner: formats, keys, and one-line errors."""
from __future__ import annotations

import csv
import io
import json

from helpers import CORPUS, FIXTURES
from typer.testing import CliRunner

from lawgov_nlp.cli import app

runner = CliRunner()
DOC_KEYS = {"doc_id", "path", "format", "encoding", "meta", "numbered", "chars", "cleaning", "warnings", "clause_count", "clauses"}
CLAUSE_KEYS = {"clause_id", "doc_id", "path", "kind", "level", "heading", "text", "span", "parent_id", "fields", "duplicate_of", "numbering"}


def test_json_keys_are_stable_and_chinese_is_readable():
    r = runner.invoke(app, ["inspect", str(CORPUS / "hebei-funing-report-2023.txt"), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "\\u" not in r.stdout and "抚宁区" in r.stdout
    data = json.loads(r.stdout)
    (doc,) = data["documents"]
    assert set(doc) == DOC_KEYS
    assert set(doc["clauses"][0]) == CLAUSE_KEYS
    assert doc["meta"]["title"] == "秦皇岛市抚宁区人民政府2023年法治政府建设工作报告"
    items = [c for c in doc["clauses"] if c["numbering"] == "item"]
    assert len(items) == 18 and items[0]["path"] == ["一、", "（一）"]


def test_summary_csv_for_the_whole_corpus():
    r = runner.invoke(app, ["inspect", str(CORPUS), "--summary", "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = {row["doc_id"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert len(rows) == 6
    assert rows["hebei-handan-district-plan-2021-2025"]["parts"] == "9"
    assert rows["hebei-handan-district-plan-2021-2025"]["items"] == "30"
    assert rows["neimenggu-tongliao-plan-2020"]["table_rows"] == "45"


def test_table_shows_tree_and_metadata():
    r = runner.invoke(app, ["inspect", str(CORPUS / "guangxi-liujiang-workpoints-2017.txt")])
    assert r.exit_code == 0, r.output
    assert "江依法行政办发〔2017〕3号" in r.stdout
    assert "（十九）" in r.stdout and "repeated block" in r.stdout


def test_no_numbering_warns():
    r = runner.invoke(app, ["inspect", str(FIXTURES / "no_numbering.txt")])
    assert r.exit_code == 0
    assert "no numbering found" in r.output


def test_bad_inputs_one_line_and_nonzero(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary\x00")
    for path, reason in ((tmp_path / "missing.txt", "no such file"), (empty, "file is empty"), (binary, "binary file")):
        r = runner.invoke(app, ["inspect", str(path)])
        assert r.exit_code == 1
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and reason in lines[0] and str(path.name) in lines[0]
        assert "Traceback" not in r.output


def test_corpus_is_never_modified():
    import hashlib

    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in CORPUS.glob("*.txt")}
    runner.invoke(app, ["inspect", str(CORPUS), "-f", "json"])
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in CORPUS.glob("*.txt")}
    assert before == after


def test_error_messages_are_not_parsed_as_markup(tmp_path):
    r = runner.invoke(app, ["inspect", str(tmp_path / "[/x]草案.txt")])
    assert r.exit_code == 1 and "[/x]草案.txt: no such file" in r.output and "Traceback" not in r.output
