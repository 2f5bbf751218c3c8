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


# Fixtures that embed the corpus with a real encoder (USE) when first used: a test that takes one
# loads that encoder, however little it does itself, so it is ``slow`` (``make test-fast`` skips it).
REAL_ENCODER_FIXTURES = {"corpus_index", "searcher", "web_index", "web_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if REAL_ENCODER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session")
def web_index(tmp_path_factory, corpus_index, cache_dir):
    """The corpus index plus a document of hostile text (markup, escapes, template syntax) and an
    unrelated one (English, about bicycles)."""
    import shutil

    from helpers import FIXTURES

    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import add_to_index

    d = tmp_path_factory.mktemp("web") / "index"
    shutil.copytree(corpus_index, d)
    add_to_index([FIXTURES / "hostile.txt", FIXTURES / "english.txt"], d, cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    return d


@pytest.fixture(scope="session")
def web_server(web_index):
    """``lawgov-nlp serve``'s app over ``web_index``, on a free local port (the base URL)."""
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lawgov-nlp[web]'")
    from lawgov_nlp.web import create_app
    from lawgov_nlp.web.server import BackgroundServer

    server = BackgroundServer(create_app(web_index, check_every=0.2))
    yield server.url.rstrip("/")
    server.stop()
