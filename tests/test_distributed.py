"""Past one machine: shards searched together, shards merged into one index, and the Ray Data
build — each gives the search results of one local build of the same documents."""
from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pytest
from helpers import CORPUS, run_cli

from lawgov_nlp.errors import IndexStoreError
from lawgov_nlp.indexing.encoders import EmbeddingCache
from lawgov_nlp.indexing.index import build_index, open_index
from lawgov_nlp.indexing.search import Searcher
from lawgov_nlp.indexing.sharded import ShardedIndex
from test_parallel import _same_index

QUERIES = ["行政复议体制改革怎么推进", "怎样减少企业办事跑腿次数", "法治督察", "证明事项告知承诺制", "行政执法三项制度"]
FILES = sorted(CORPUS.glob("*.txt"))


def results(searcher, **kw):
    return {q: [(r.clause_id, r.score, tuple(sorted(r.scores.items()))) for r in searcher.search(q, k=8, **kw)] for q in QUERIES}


@pytest.fixture(scope="module")
def cache(corpus_index, cache_dir):
    return EmbeddingCache(cache_dir / "embeddings.sqlite")


@pytest.fixture(scope="module")
def shards(tmp_path_factory, cache):
    """The corpus in two shards, in file order (so their rows follow one another as in one index)."""
    root = tmp_path_factory.mktemp("shards")
    half = len(FILES) // 2
    build_index(FILES[:half], root / "a", encoder="use", cache=cache, workers=1)
    build_index(FILES[half:], root / "b", encoder="use", cache=cache, workers=1)
    return [root / "a", root / "b"]


def test_sharded_index_searches_like_one_index(corpus_index, shards):
    one = Searcher(corpus_index)
    many = Searcher(ShardedIndex.open(shards, encoder=one.index.encoder))
    assert many.index.manifest.clauses == one.index.manifest.clauses
    np.testing.assert_array_equal(many.index.lexical.words.scores(["行政复议"]), one.index.lexical.words.scores(["行政复议"]))
    np.testing.assert_array_equal(many.index.units, np.asarray(one.index.units))
    assert results(many) == results(one)
    # filters reach into every shard (FAISS selectors are translated to each shard's ids)
    assert results(many, region="邯郸") == results(one, region="邯郸")
    assert results(many, mode="dense", doc_ids=["hebei-funing-report-2023"]) == results(one, mode="dense", doc_ids=["hebei-funing-report-2023"])
    doc = many.index.document("hebei-funing-report-2023")
    assert [c.id for c in doc.clauses] == [c.id for c in one.index.document("hebei-funing-report-2023").clauses]


def test_shards_must_be_alike_and_disjoint(shards, corpus_index):
    with pytest.raises(IndexStoreError, match="more than one shard"):
        ShardedIndex.open([shards[0], corpus_index], load_encoder=False)


def test_merged_shards_are_the_local_index(corpus_index, shards, cache, tmp_path):
    from lawgov_nlp.indexing.distributed import merge_shards

    # merged in another order than the shards hold them: the order given wins
    order = [d["doc_id"] for d in open_index(corpus_index, load_encoder=False).store.all_clause_rows()]
    order = list(dict.fromkeys(order))
    m = merge_shards(shards[::-1], tmp_path / "merged", order=order, cache=cache)
    local = open_index(corpus_index, load_encoder=False)
    assert (m.documents, m.clauses, m.sentences, m.faiss_factory) == (local.manifest.documents, local.manifest.clauses,
                                                                      local.manifest.sentences, local.manifest.faiss_factory)
    merged = Searcher(tmp_path / "merged")
    assert results(merged) == results(Searcher(corpus_index))
    assert run_cli(["index", "info", "--index", tmp_path / "merged"]).exit_code == 0


def test_merged_ivf_index_is_trained_like_the_local_one(shards, cache, tmp_path, monkeypatch):
    """Past FLAT_MAX vectors the merge trains one IVF on the sample a local build would choose
    (the smallest keys), so the quantizer — and every search result — is the same."""
    import lawgov_nlp.indexing.ivf as ivf
    from lawgov_nlp.indexing.distributed import merge_shards

    monkeypatch.setattr(ivf, "FLAT_MAX", 600)  # the corpus's 886 sentences: IVF128
    monkeypatch.setattr(ivf, "TRAIN_MAX", 400)  # a sample smaller than the collection
    local = build_index(FILES, tmp_path / "local", encoder="use", cache=cache, workers=1)
    merged = merge_shards(shards, tmp_path / "merged", cache=cache)  # shards of ~440: flat; merged: IVF
    assert local.faiss_factory.startswith("IVF") and merged.faiss_factory == local.faiss_factory
    assert results(Searcher(tmp_path / "merged")) == results(Searcher(tmp_path / "local"))
    assert len(list((cache.path.parent / "ivf").glob("*.faiss"))) >= 1  # the quantizer was cached once, reused


ray_missing = importlib.util.find_spec("ray") is None


@pytest.mark.slow
@pytest.mark.skipif(ray_missing, reason="ray is not installed (pip install 'lawgov-nlp[ray]'; make install does)")
def test_ray_build_gives_the_local_index(corpus_index, cache, tmp_path, cache_dir):
    import ray

    from lawgov_nlp.indexing.distributed import build_distributed

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        m = build_distributed([CORPUS], tmp_path / "ray", encoder="use", cache=cache, workers=2, shards=3)
        assert m.embedded == 0 and m.documents == 6  # the vectors came from the cache, as locally
        assert results(Searcher(tmp_path / "ray")) == results(Searcher(corpus_index))
        _same_index(corpus_index, tmp_path / "ray")  # and byte for byte: vectors, units, postings, clause rows
        assert not [p for p in tmp_path.iterdir() if ".shards-" in p.name]  # the shards are cleaned up
        # the command line uses the running cluster; a walked unreadable file is skipped there too
        docs = tmp_path / "docs"
        docs.mkdir()
        for f in FILES[:2]:
            shutil.copy(f, docs / f.name)
        (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
        r = run_cli(["index", "build", docs, "--index", tmp_path / "cli", "--engine", "ray", "--workers", "2", "--encoder", "use"])
        assert r.exit_code == 0, r.stderr
        assert "broken.pdf" in r.stderr and open_index(tmp_path / "cli", load_encoder=False).manifest.documents == 2
        build_index([docs], tmp_path / "local", encoder="use", cache=cache)
        assert results(Searcher(tmp_path / "cli")) == results(Searcher(tmp_path / "local"))
    finally:
        ray.shutdown()


def test_engine_options_are_checked(tmp_path):
    r = run_cli(["index", "build", CORPUS, "--index", tmp_path / "x", "--engine", "spark"])
    assert r.exit_code != 0 and "--engine" in r.stderr and "Traceback" not in r.stderr
    r = run_cli(["index", "build", CORPUS, "--index", tmp_path / "x", "--address", "auto"])
    assert r.exit_code != 0 and "--engine ray" in r.stderr


def test_help_imports_neither_ray_nor_faiss():
    """`lawgov-nlp --help` (and `index build --help`) stays fast: the heavy engines load on use."""
    import subprocess
    import sys

    code = ("import sys\nfrom lawgov_nlp.cli.app import main\n"
            "for argv in (['--help'], ['index', 'build', '--help']):\n"
            "    sys.argv = ['lawgov-nlp', *argv]\n"
            "    try:\n        main()\n    except SystemExit:\n        pass\n"
            "print(sorted(m for m in ('ray', 'faiss', 'jieba', 'torch') if m in sys.modules), file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip().splitlines()[-1] == "[]", r.stderr
