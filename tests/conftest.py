from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import CORPUS, DATA


def pytest_configure(config):
    """Tests never read or write the user's embedding cache."""
    import os
    import tempfile

    os.environ["LAWGOV_CACHE"] = tempfile.mkdtemp(prefix="lawgov-test-cache-")


@pytest.fixture(scope="session")
def corpus_docs():
    from lawgov_nlp import load_corpus

    return {d.doc_id: d for d in load_corpus(CORPUS)}


@pytest.fixture(scope="session")
def expected_structure():
    return json.loads((DATA / "expected_structure.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    """A per-session embedding cache, so tests never touch the user's ~/.cache."""
    import os

    return Path(os.environ["LAWGOV_CACHE"])


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, cache_dir):
    """The bundled corpus indexed with the default encoder (multilingual USE), built once."""
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import build_index

    d = tmp_path_factory.mktemp("idx") / "corpus"
    build_index([CORPUS], d, encoder="use", cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    return d


@pytest.fixture(scope="session")
def searcher(corpus_index):
    from lawgov_nlp.indexing.search import Searcher

    return Searcher(corpus_index)
