"""The policy commands through the real console entry point."""
import json

import pytest
from helpers import CORPUS, DATA, FIXTURES, run_cli

HANDAN = CORPUS / "hebei-handan-district-plan-2021-2025.txt"


def test_commitments_json_and_csv():
    r = run_cli(["commitments", HANDAN, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    cs = data["documents"][0]["commitments"]
    assert len(cs) == 11 and {"kind", "value", "unit", "direction", "subject_key", "span", "doc_span"} <= set(cs[0])
    r = run_cli(["commitments", HANDAN, "--kind", "target", "--format", "csv"])
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("doc_id,clause_id") and len(lines) == 5


def test_commitments_matrix_table():
    r = run_cli(["commitments", CORPUS, "--matrix", "--format", "csv"])
    assert r.exit_code == 0, r.stderr
    row = next(ln for ln in r.stdout.splitlines() if ln.startswith("领导班子年度法治专题讲座期数,"))
    assert row.count("≥2期") == 3  # handan, liujiang, tongliao


def test_cite_lists_edges(tmp_path):
    r = run_cli(["cite", CORPUS, "--format", "csv"])
    assert r.exit_code == 0, r.stderr
    assert "hebei-handan-district-plan-2021-2025,邯郸市某区法治政府建设实施方案（2021—2025年）,county,,gangyao-2021-2025-outline" in r.stdout
    out = tmp_path / "cite.html"
    r = run_cli(["cite", CORPUS, "--format", "html", "-o", out])
    assert r.exit_code == 0 and "扩散时滞" in out.read_text(encoding="utf-8")
    r = run_cli(["cite", CORPUS, "--format", "html", "-o", out])
    assert r.exit_code == 1 and "already exists" in r.stderr


def test_strength_table():
    r = run_cli(["strength", HANDAN])
    assert r.exit_code == 0 and "严禁" in r.stdout


def test_evaluations_print_their_figures():
    r = run_cli(["eval-commitments", DATA / "commitments_gold.json", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    rows = {x["split"]: x for x in json.loads(r.stdout)["rows"]}
    assert rows["held-out"]["recall"] >= 0.9
    r = run_cli(["eval-cite", DATA / "citations_gold.json"])
    assert r.exit_code == 0 and "held-out" in r.stdout


@pytest.mark.parametrize("args,message", [
    (["commitments", "no-such-file.txt"], "no such file"),
    (["commitments", HANDAN, "--kind", "goal"], "--kind goal"),
    (["cite", "--all", "--index", "/nonexistent/index"], "index not found"),
    (["eval-commitments", DATA / "citations_gold.json"], "not a commitments gold file"),
])
def test_bad_input_is_one_line(args, message):
    r = run_cli(args)
    assert r.exit_code == 1 and message in r.stderr and "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_trace_and_compare_commands(tmp_path):
    r = run_cli(["trace", FIXTURES / "trace_plan.txt", FIXTURES / "trace_report.txt", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    tasks = json.loads(r.stdout)["reports"][0]["tasks"]
    assert [t["trace"] for t in tasks] == ["done", "done", "done", "silent", "silent"]
    out = tmp_path / "cmp.html"
    r = run_cli(["commitments", CORPUS / "guangxi-liujiang-workpoints-2017.txt", "--reference", HANDAN, "--format", "html", "-o", out])
    assert r.exit_code == 0, r.stderr
    assert "领导班子年度法治专题讲座期数" in out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_commands_on_an_index(corpus_index):
    r = run_cli(["cite", "--all", "--index", corpus_index, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    edges = json.loads(r.stdout)["edges"]
    assert any(e["source"] == "hebei-handan-district-plan-2021-2025" and e["target"] == "gangyao-2021-2025-outline" for e in edges)
    r = run_cli(["commitments", "--all", "--index", corpus_index, "--matrix", "--format", "csv"])
    assert r.exit_code == 0 and "行政执法人员年度法律培训学时" in r.stdout
    r = run_cli(["trace", "hebei-handan-district-plan-2021-2025", "hebei-funing-report-2023", "--index", corpus_index, "--format", "csv"])
    assert r.exit_code == 0, r.stderr
    assert "（三十）全面加强依法行政能力建设" in r.stdout
