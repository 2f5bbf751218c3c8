"""Encoders with the real models shipped in packages: USE (default) and the packaged MiniLM.

Every test that embeds is ``slow``; the protocol itself is tested with a fake in test_encoder_contract."""
from __future__ import annotations

import numpy as np
import pytest

from lawgov_nlp.indexing.encoders import EmbeddingCache, embed_texts, get_encoder, length_batches


@pytest.mark.slow
def test_use_embeds_chinese_meaningfully():
    enc = get_encoder("use")
    assert enc.id.startswith("use-multilingual-v3@") and enc.dim == 512
    v = enc.encode(["深化行政复议体制改革", "推进行政复议体制改革工作", "今年粮食产量创历史新高"])
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


@pytest.mark.slow
def test_length_batching_keeps_order():
    texts = ["短", "一段比较长的文字，用来检验按长度分批以后顺序不乱。", "中等长度的句子", "法治"]
    batches = length_batches(texts, 2)
    assert sorted(i for b in batches for i in b) == [0, 1, 2, 3]
    assert [len(texts[i]) for i in batches[0]] == sorted(len(t) for t in texts)[:2]
    enc = get_encoder("use")
    together = enc.encode(texts)
    alone = np.vstack([enc.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=2e-3)


@pytest.mark.slow
def test_cache_embeds_each_normalized_text_once(tmp_path):
    enc = get_encoder("use")
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    texts = ["（一）深化“放管服”改革。", "(一)深化“放管服”改革。", "加强行政调解工作。"]  # first two differ only in width
    v1, n1 = embed_texts(enc, texts, cache)
    assert n1 == 2
    assert np.allclose(v1[0], v1[1])
    v2, n2 = embed_texts(enc, texts + ["加强行政调解工作。"], cache)
    assert n2 == 0 and np.allclose(v1, v2[:3])


@pytest.mark.slow
def test_sentence_transformers_path_with_packaged_minilm():
    enc = get_encoder("minilm")
    assert enc.id == "st:all-minilm-l6-v2" and enc.dim == 384
    v = enc.encode(["administrative review reform", "reforming administrative reconsideration", "the weather is sunny"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_bge_models_get_their_query_instruction():
    from lawgov_nlp.indexing.encoders import _QUERY_INSTRUCTIONS

    assert _QUERY_INSTRUCTIONS["bge-small-zh-v1.5"].startswith("为这个句子生成表示")
    assert "bge-m3" not in _QUERY_INSTRUCTIONS  # bge-m3 needs no instruction


def test_unknown_encoder_is_a_clear_error():
    from lawgov_nlp.errors import LawgovError

    with pytest.raises(LawgovError, match="unknown encoder 'bert'"):
        get_encoder("bert")


@pytest.mark.slow  # imports sentence-transformers (torch) to find there is no model
def test_a_missing_sentence_transformers_model_is_a_clear_error():
    from lawgov_nlp.errors import LawgovError

    with pytest.raises(LawgovError, match="cannot load sentence-transformers model"):
        get_encoder("st:/nonexistent/model-dir")
