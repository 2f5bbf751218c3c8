"""What a new user ran into (a trial from the README alone): -o over an indexed document with
--force, -o FILE.xlsx writing a text table, ./idx read as a name, --doc returning fewer than -k."""
from __future__ import annotations

import json
import shutil

import pytest
from helpers import CORPUS, run_cli

pytestmark = pytest.mark.slow  # the index is built with USE (its weights load for the build only)


@pytest.fixture()
def user_index(tmp_path, monkeypatch, cache_dir):
    """A user's folder: one document they own and an index of it beside it (cwd = that folder).
    Searches are lexical: the CLI opens the index by its encoder's name, and lexical needs no weights."""
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import build_index

    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "mydoc.txt"
    shutil.copyfile(CORPUS / "hebei-funing-report-2023.txt", doc)
    build_index([doc], tmp_path / "idx", encoder="use", cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    return tmp_path, doc


def test_force_never_overwrites_a_document_the_index_holds(user_index):
    folder, doc = user_index
    before = doc.read_bytes()
    r = run_cli(["search", "行政复议", "--index", "./idx", "--mode", "lexical", "-o", "mydoc.txt", "--force"])
    assert r.exit_code == 1 and "mydoc.txt: is an input" in r.stderr and r.stderr.count("\n") == 1
    r = run_cli(["search", "行政复议", "--index", "./idx", "--mode", "lexical", "-o", "idx/CURRENT", "--force"])
    assert r.exit_code == 1 and "is an input" in r.stderr
    assert doc.read_bytes() == before


def test_a_relative_index_path_is_a_path_not_a_name(user_index):
    for spelling in ("./idx", "idx/"):
        r = run_cli(["search", "行政复议", "--index", spelling, "--mode", "lexical", "-k", "1", "-f", "json"])
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["results"][0]["doc_id"] == "mydoc"


def test_the_output_extension_chooses_the_format_or_is_refused(user_index):
    openpyxl = pytest.importorskip("openpyxl")
    folder, _ = user_index
    r = run_cli(["search", "行政复议", "--index", "./idx", "--mode", "lexical", "-o", "hits.xlsx"])
    assert r.exit_code == 0, r.stderr
    ws = openpyxl.load_workbook(folder / "hits.xlsx").active
    assert ws.max_row > 1
    r = run_cli(["search", "行政复议", "--index", "./idx", "--mode", "lexical", "-o", "hits.json"])
    assert r.exit_code == 0 and json.loads((folder / "hits.json").read_text(encoding="utf-8"))["query"] == "行政复议"
    r = run_cli(["search", "行政复议", "--index", "./idx", "--mode", "lexical", "-f", "csv", "-o", "other.json"])
    assert r.exit_code == 1 and "extension says json but --format is csv" in r.stderr and not (folder / "other.json").exists()
    r = run_cli(["search", "行政复议", "--index", "./idx", "--mode", "lexical", "-f", "csv", "-o", "hits.csv"])
    assert (folder / "hits.csv").read_bytes().startswith("\ufeff".encode())  # Excel reads it as UTF-8


def test_a_doc_filter_still_returns_k_results_when_there_are_k(user_index):
    r = run_cli(["search", "法治政府建设", "--index", "./idx", "--mode", "lexical", "--doc", "mydoc", "-k", "5", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)["results"]) == 5


def test_the_web_app_shows_the_weights_explain_states(user_index):
    from lawgov_nlp.indexing.search import Searcher
    from lawgov_nlp.web.adapter import search_weights

    folder, _ = user_index
    res = Searcher(folder / "idx").search("行政复议", k=3)
    w = search_weights(res)
    assert res.dense_share is not None and w["dense"] == round(res.dense_share, 3) > 0  # the app showed ×0
    assert abs(sum(w.values()) - 1.0) < 0.01
