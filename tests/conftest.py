from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
FIXTURES = DATA / "fixtures"
SHARED = ROOT.parent / "shared"


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


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def numbered_tree(doc, parent_id=None):
    """The document's numbered clauses (no inline 一是 points, no table rows) as marker/heading trees."""
    out = []
    for c in doc.clauses:
        if c.parent_id == parent_id and c.kind == "body" and c.numbering != "ordinal":
            out.append({"marker": c.marker, "heading": c.heading, "children": numbered_tree(doc, c.id)})
    return out


def assert_structure(doc, expected):
    """Compare a segmented document with the hand-written oracle in tests/data/expected_structure.json."""
    counts = doc.counts()
    assert counts.get("part", 0) == expected["parts"]
    assert counts.get("item", 0) == expected["items"]

    def norm(tree):
        return [{"marker": nfkc(n["marker"]), "heading": nfkc(n["heading"]), "children": norm(n["children"])} for n in tree]

    assert norm(numbered_tree(doc)) == norm(expected["tree"])
    pre = [c for c in doc.clauses if c.kind == "preamble"]
    if expected["preamble_starts"]:
        assert pre and pre[0].text.startswith(expected["preamble_starts"])
    # every clause's text is the original text at its span (offsets stay honest)
    for c in doc.clauses:
        first = c.text.split("\n")[0]
        assert doc.text[c.span[0]:c.span[0] + len(first)] == first
        assert c.span[0] < c.span[1] <= len(doc.text)


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
