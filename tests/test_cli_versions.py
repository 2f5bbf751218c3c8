"""`lawgov-nlp diff-plans OLD NEW --versions` through the real console entry point."""
from __future__ import annotations

import csv
import io
import json

from helpers import FIXTURES, run_cli

OLD, NEW = FIXTURES / "workpoints_2022.txt", FIXTURES / "workpoints_2023.txt"


def test_table_lists_the_edits():
    r = run_cli(["diff-plans", OLD, NEW, "--versions"])
    assert r.exit_code == 0, r.output
    assert "新增 inserted 2" in r.stdout and "删除 deleted 2" in r.stdout and "移动 moved 1" in r.stdout
    assert "一、/（三） → 二、/（五）" in r.stdout and "持续推动“证照分离”改革" in r.stdout


def test_json_and_csv():
    r = run_cli(["diff-plans", OLD, NEW, "--versions", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["counts"]["changed"] == 2 and data["config"]["word_diff"] == "jieba"
    r = run_cli(["diff-plans", OLD, NEW, "--versions", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["status"] for row in rows} == {"unchanged", "changed", "moved", "inserted", "deleted"}


def test_versions_needs_exactly_two_documents():
    r = run_cli(["diff-plans", OLD, NEW, OLD, "--versions"])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "exactly one NEW document" in r.stderr
