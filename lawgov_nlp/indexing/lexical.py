"""Lexical retrieval for Chinese: jieba words with a policy-term dictionary, plus character bigrams.

Both go into BM25 (bm25s). Bigrams catch terms jieba splits badly or that the dictionary lacks;
words give precise matches on terms it knows (放管服, 证照分离, 告知承诺制…).
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from ..reading.normalize import normalize, strip_punct

log = logging.getLogger(__name__)

# Function words and boilerplate verbs that occur in nearly every clause of these documents.
STOPWORDS = frozenset(
    "的 了 和 与 及 以及 等 在 是 对 为 将 把 由 从 向 于 并 或 也 都 要 其 之 按照 根据 进行 工作 有关 相关 各级 各 "
    "我 我们 我区 我市 本 该 这 那 一 个 中 上 下 不 有 无 年 月 日 做好 做到 切实 进一步 认真 全面 积极 不断 深入 "
    "怎么 怎样 如何 什么 哪些 吗 呢 多少 是否 能否 可以".split()
)
_TOKEN_OK = re.compile(r"[\u4e00-\u9fff0-9a-z]")


def dictionary_path() -> Path:
    return Path(str(resources.files("lawgov_nlp") / "data" / "policy_terms.txt"))


@lru_cache(maxsize=1)
def dictionary_terms() -> tuple[str, ...]:
    p = dictionary_path()
    if not p.exists():
        return ()
    terms = []
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append(line.split()[0])
    return tuple(terms)


def dictionary_hash() -> str:
    """Identifies the tokenization: the user dictionary's content and the jieba version."""
    import importlib.metadata as md

    h = hashlib.sha256()
    h.update(md.version("jieba").encode())
    p = dictionary_path()
    if p.exists():
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


_tokenizer = None
_lock = threading.Lock()


def _jieba():
    """A private jieba Tokenizer with the policy dictionary, loaded quietly once."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            # jieba adds a DEBUG stderr handler at import; keep the library quiet for our users.
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            for term in dictionary_terms():
                tok.add_word(normalize(term), freq=2000)
            _tokenizer = tok
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """Search tokens of ``text``: jieba words (coarse and fine) of the normalized text, no stopwords."""
    norm = normalize(text)
    out = []
    for tok in _jieba().cut_for_search(norm):
        tok = tok.strip()
        if len(tok) < 2 or tok in STOPWORDS or not _TOKEN_OK.search(tok):
            continue
        out.append(tok)
    return out


def words(text: str) -> list[str]:
    """``text`` cut into jieba words with the policy dictionary, losslessly: ``"".join(words(t)) == t``
    (for showing word-level differences of original text; ``tokenize`` is for matching)."""
    return list(_jieba().cut(text, HMM=True))


def char_bigrams(text: str) -> list[str]:
    s = strip_punct(text)
    return [s[i:i + 2] for i in range(len(s) - 1)]


class BM25Index:
    """BM25 over pre-tokenized documents, scored for all documents at once."""

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self._bm25 = None
        self.n = 0

    def fit(self, docs_tokens: Sequence[Sequence[str]]) -> BM25Index:
        import bm25s

        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        # bm25s cannot index an empty corpus or empty documents well; an empty token keeps rows aligned.
        self._bm25.index([list(t) or [""] for t in docs_tokens], show_progress=False)
        self.n = len(docs_tokens)
        return self

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        if self._bm25 is None or self.n == 0:
            return np.zeros(self.n, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        known = [t for t in dict.fromkeys(query_tokens) if t in vocab and t]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, n: int) -> BM25Index:
        import bm25s

        self = cls()
        # memory-mapped: a query touches only its terms' postings, so a 1M-clause index stays out of RSS
        self._bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0, mmap=True)
        self.k1, self.b = self._bm25.k1, self._bm25.b
        self.n = n
        return self


@lru_cache(maxsize=1)
def thesaurus() -> dict[str, tuple[str, ...]]:
    """Colloquial trigger → official terms (``data/thesaurus.toml``), keys normalized."""
    import tomllib

    p = Path(str(resources.files("lawgov_nlp") / "data" / "thesaurus.toml"))
    if not p.exists():
        return {}
    data = tomllib.loads(p.read_text(encoding="utf-8")).get("expand", {})
    return {normalize(k): tuple(v) for k, v in data.items()}


def expand_query(query: str) -> list[str]:
    """Official terms for the colloquial phrases a query contains (empty when it has none)."""
    q = normalize(query)
    out: list[str] = []
    for trigger, terms in thesaurus().items():
        if trigger in q:
            out.extend(t for t in terms if normalize(t) not in q)
    return list(dict.fromkeys(out))


def matched_terms(query: str, text: str) -> list[str]:
    """Query words (and, failing those, query bigrams) found in ``text``'s normalized form."""
    norm = normalize(text)
    words = [t for t in dict.fromkeys(tokenize(query)) if t in norm]
    # drop words contained in a longer matched word (行政 inside 行政复议)
    words = [w for w in words if not any(w != o and w in o for o in words)]
    if words:
        return words
    return [g for g in dict.fromkeys(char_bigrams(query)) if g in strip_punct(text)][:8]
