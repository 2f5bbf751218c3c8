"""Building on several cores: worker processes give the same index as one process, keep the
reading rules, reuse what a rebuilt index already holds, and report every stage."""
from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pytest
from helpers import CORPUS

from lawgov_nlp.errors import InputError
from lawgov_nlp.indexing.encoders import EmbeddingCache
from lawgov_nlp.indexing.index import build_index, open_index
from lawgov_nlp.indexing.layout import current_version
from lawgov_nlp.indexing.postings import PARTS


def _files(root):
    v = root / current_version(root)
    return v, open_index(root, load_encoder=False).manifest


def _same_index(a, b):
    va, ma = _files(a)
    vb, mb = _files(b)
    assert (ma.documents, ma.clauses, ma.sentences, ma.faiss_factory) == (mb.documents, mb.clauses, mb.sentences, mb.faiss_factory)
    for name in ("sentence_owner.npy", "sentences.npy", "vectors.npy", "units.npy"):
        np.testing.assert_array_equal(np.load(va / name), np.load(vb / name), err_msg=name)
    for fld in ("words", "chars"):
        for p in PARTS:
            x = np.load(va / fld / f"{ma.segments[0]}.{p}.npy")
            y = np.load(vb / fld / f"{mb.segments[0]}.{p}.npy")
            np.testing.assert_array_equal(x, y, err_msg=f"{fld} {p}")
    q = "SELECT row, clause_id, doc_id, text, tokens, text_key FROM clauses ORDER BY row"
    ra = sqlite3.connect(va / "clauses.sqlite").execute(q).fetchall()
    rb = sqlite3.connect(vb / "clauses.sqlite").execute(q).fetchall()
    assert ra == rb


@pytest.fixture(scope="module")
def cache(corpus_index, cache_dir):
    return EmbeddingCache(cache_dir / "embeddings.sqlite")  # holds the corpus: nothing is encoded


def test_workers_write_the_same_index_as_one_process(corpus_index, cache, tmp_path):
    stages = {}
    m = build_index([CORPUS], tmp_path / "w2", encoder="use", cache=cache, workers=2,
                    progress=lambda s, d, t: stages.__setitem__(s, (d, t)))
    assert m.embedded == 0
    _same_index(corpus_index, tmp_path / "w2")
    # every stage was reported, and each ended complete
    assert {"reading", "tokenizing", "embedding", "lexical", "FAISS", "clause store", "checksums"} <= set(stages)
    assert all(d == t for d, t in stages.values()), stages
    assert stages["reading"][1] == 6 and stages["tokenizing"][1] == m.clauses


def test_workers_keep_the_reading_rules(cache, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for f in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copy(f, docs / f.name)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    m = build_index([docs], tmp_path / "idx", encoder="use", cache=cache, workers=2)
    assert m.documents == 2  # the unreadable file found in the folder is skipped…
    with pytest.raises(InputError, match="broken.pdf"):  # …and refused when named
        build_index([docs / "broken.pdf", CORPUS], tmp_path / "idx2", encoder="use", cache=cache, workers=2)
    assert not (tmp_path / "idx2").exists() or not any((tmp_path / "idx2").iterdir())


def test_a_rebuild_reuses_the_tokens_the_index_holds(corpus_index, cache, tmp_path, monkeypatch):
    import lawgov_nlp.indexing.units as index_mod  # where clause texts are cut into units and tokenized

    target = tmp_path / "again"
    shutil.copytree(corpus_index, target)
    cut = []
    real = index_mod.tokenize
    monkeypatch.setattr(index_mod, "tokenize", lambda t: cut.append(t) or real(t))
    build_index([CORPUS], target, encoder="use", cache=cache, workers=1)
    assert cut == []  # every clause text was in the index: jieba ran on none
    _same_index(corpus_index, target)
    extra = tmp_path / "extra.txt"
    extra.write_text("一、总体要求\n（一）推进行政复议体制改革，整合行政复议职责。\n", encoding="utf-8")
    build_index([CORPUS, extra], target, encoder="use", cache=cache, workers=1)
    assert cut and all("行政复议" in t or "总体要求" in t for t in cut)  # only the new texts


def test_workers_must_be_positive(tmp_path):
    with pytest.raises(InputError, match="--workers"):
        build_index([CORPUS], tmp_path / "x", workers=0)
