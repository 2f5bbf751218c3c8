"""The index on disk: manifest checked on load, atomic writes, locking, incremental add, corruption."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from helpers import CORPUS

from lawgov_nlp.indexing.encoders import EmbeddingCache
from lawgov_nlp.errors import IndexStoreError
from lawgov_nlp.indexing.index import FORMAT_VERSION, add_to_index, build_index, open_index, write_lock
from lawgov_nlp.indexing.layout import current_version


def _copy(src, tmp_path, name="idx"):
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def vdir(root):
    """The current version directory of an index root."""
    return root / current_version(root)


def test_manifest_records_what_built_it(corpus_index):
    m = json.loads((vdir(corpus_index) / "manifest.json").read_text())
    assert m["format"] == "lawgov-nlp-index" and m["format_version"] == FORMAT_VERSION
    assert m["encoder"].startswith("use-multilingual-v3@") and m["dim"] == 512
    assert m["faiss_factory"] == "IDMap2,Flat" and m["metric"] == "inner_product"
    assert m["documents"] == 6 and m["clauses"] > 250
    assert set(m["files"]) >= {"clauses.sqlite", "vectors.faiss", "vectors.npy"}
    idx = open_index(corpus_index)
    assert idx.store.count() == m["clauses"] and idx.faiss.ntotal == m["sentences"] > m["clauses"]
    assert len(idx.sentence_owner) == m["sentences"] and idx.sentence_owner.max() == m["clauses"] - 1
    # vectors are normalized, so inner product is cosine
    v = np.asarray(idx.vectors[:20], dtype=np.float32)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-2)


def test_rebuild_of_unchanged_corpus_embeds_nothing(corpus_index, tmp_path, cache_dir):
    m = build_index([CORPUS], tmp_path / "again", encoder="use", cache=EmbeddingCache(cache_dir / "embeddings.sqlite"))
    assert m.embedded == 0
    assert m.corpus_hash == json.loads((vdir(corpus_index) / "manifest.json").read_text())["corpus_hash"]


@pytest.mark.slow  # a real encoder
def test_incremental_add_embeds_only_new_texts(tmp_path, cache_dir):
    cache = EmbeddingCache(tmp_path / "fresh.sqlite")
    first = build_index([CORPUS / "hebei-funing-report-2023.txt"], tmp_path / "inc", encoder="use", cache=cache)
    assert first.documents == 1 and first.embedded > 0
    before = open_index(tmp_path / "inc")
    old_vec = np.asarray(before.vectors[:5], dtype=np.float32)
    before.close()
    m = add_to_index([CORPUS / "hunan-changde-approval-bureau-report-2021.txt"], tmp_path / "inc", cache=cache)
    assert m.documents == 2
    from lawgov_nlp.reading.document import load_document

    new_doc = load_document(CORPUS / "hunan-changde-approval-bureau-report-2021.txt")
    from lawgov_nlp.reading.segment import sentences

    new_sentences = {c.text[a:b] for c in new_doc.clauses for a, b in sentences(c.text)}
    assert 0 < m.embedded <= len(new_sentences)  # nothing of the first document again
    after = open_index(tmp_path / "inc")
    assert np.allclose(np.asarray(after.vectors[:5], dtype=np.float32), old_vec, atol=5e-3)  # float16 storage
    from lawgov_nlp.indexing.search import Searcher

    hits = Searcher(after).search("行政审批中介服务", k=3)
    assert hits[0].doc_id == "hunan-changde-approval-bureau-report-2021"
    # adding the same document again replaces it instead of duplicating its clauses
    again = add_to_index([CORPUS / "hunan-changde-approval-bureau-report-2021.txt"], tmp_path / "inc", cache=cache)
    assert again.clauses == m.clauses and again.embedded == 0


def test_bad_index_directories(corpus_index, tmp_path):
    with pytest.raises(IndexStoreError, match="index not found"):
        open_index(tmp_path / "nothing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(IndexStoreError, match="no manifest.json"):
        open_index(tmp_path / "plain")

    old = _copy(corpus_index, tmp_path, "old")
    m = json.loads((vdir(old) / "manifest.json").read_text())
    m["format_version"] = 0
    (vdir(old) / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexStoreError, match="format version 0"):
        open_index(old)

    other = _copy(corpus_index, tmp_path, "other")
    with pytest.raises(IndexStoreError, match="built with encoder 'use-multilingual-v3"):
        open_index(other, encoder="minilm")


def test_truncated_or_corrupt_files_are_refused(corpus_index, tmp_path):
    trunc = _copy(corpus_index, tmp_path, "trunc")
    data = (vdir(trunc) / "vectors.faiss").read_bytes()
    (vdir(trunc) / "vectors.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexStoreError, match="vectors.faiss is truncated"):
        open_index(trunc)

    corrupt = _copy(corpus_index, tmp_path, "corrupt")
    size = (vdir(corrupt) / "vectors.faiss").stat().st_size
    (vdir(corrupt) / "vectors.faiss").write_bytes(b"\0" * size)  # same size, garbage content
    with pytest.raises(IndexStoreError, match="vectors.faiss is corrupt"):
        open_index(corrupt)
    with pytest.raises(IndexStoreError, match="vectors.faiss is corrupt"):
        open_index(corrupt, verify=False)  # without checksums FAISS itself refuses garbage

    badsql = _copy(corpus_index, tmp_path, "badsql")
    size = (vdir(badsql) / "clauses.sqlite").stat().st_size
    (vdir(badsql) / "clauses.sqlite").write_bytes(b"not a database" * (size // 14) + b"x" * (size % 14))
    with pytest.raises(IndexStoreError, match="clauses.sqlite"):
        open_index(badsql)


def test_interrupted_build_keeps_the_previous_index(corpus_index, tmp_path, monkeypatch):
    target = _copy(corpus_index, tmp_path, "live")
    import lawgov_nlp.indexing.index as index_mod

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(index_mod, "save_segment", boom)
    with pytest.raises(KeyboardInterrupt):
        build_index([CORPUS / "hebei-funing-report-2023.txt"], target, encoder="use")
    assert open_index(target).manifest.documents == 6  # untouched and usable
    assert not [p for p in target.iterdir() if ".building-" in p.name]
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


def test_second_writer_is_refused(tmp_path):
    target = tmp_path / "locked"
    with write_lock(target):
        with pytest.raises(IndexStoreError, match="another process is writing"):
            build_index([CORPUS / "hebei-funing-report-2023.txt"], target, encoder="use")


@pytest.mark.slow  # a real encoder
def test_minilm_index_end_to_end(tmp_path, cache_dir):
    """The sentence-transformers path from build to query, with the model shipped in a package."""
    from lawgov_nlp.indexing.search import Searcher

    m = build_index([CORPUS / "hebei-funing-report-2023.txt"], tmp_path / "mini", encoder="minilm")
    assert m.encoder == "st:all-minilm-l6-v2" and m.dim == 384
    s = Searcher(tmp_path / "mini")
    assert s.index.encoder.id == "st:all-minilm-l6-v2"
    hits = s.search("行政复议", k=3)
    assert hits and "复议" in hits[0].text
    dense = s.search("行政复议", k=3, mode="dense")
    assert len(dense) == 3


def test_build_refuses_to_replace_a_folder_that_is_not_an_index(tmp_path):
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("一、重要笔记", encoding="utf-8")
    with pytest.raises(IndexStoreError, match="is a folder that is not a lawgov-nlp index; refusing"):
        build_index([CORPUS / "hebei-funing-report-2023.txt"], folder, encoder="use")
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "一、重要笔记"
