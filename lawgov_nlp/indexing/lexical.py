"""Lexical retrieval for Chinese: jieba words with a policy-term dictionary, plus character bigrams.

Both go into BM25 (:mod:`.postings`, the scores of bm25s). Bigrams catch terms jieba splits badly or that the dictionary lacks;
words give precise matches on terms it knows (放管服, 证照分离, 告知承诺制…).

What is scored is a retrieval *unit*, not a clause (:mod:`.units`). All derived forms (tokens,
bigrams, thesaurus triggers) are folded from traditional to simplified characters (:func:`fold`),
so 行政復議 finds 行政复议; displayed text keeps its original characters.

(Tokenization, the reference BM25 and the thesaurus are one side of search and change together:
a change to any of them, or to the units, changes :func:`dictionary_hash`.)
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
    "怎么 怎样 如何 什么 哪些 吗 呢 多少 是否 能否 可以 的人 的事 一下 还要 要不要 能不能 有没有 是不是 为什么".split()
)
# Question and colloquial function words: in a query they say nothing about the answer, and their
# bigrams (怎么, 么办, 能不) would match at random; they are dropped from the query's bigrams too.
QUESTION_WORDS = frozenset(
    "怎么办 咋办 怎么样 老是 总是 会不会 可不可以 行不行 该不该 照不照 还有 哪里 哪儿 哪个 谁 谁来 几 几期 多长时间 "
    "多久 一次 吧 啊 呀 嘛 么 咋 请问 到底 究竟 应该 需要 能 会 让 被 给 向 用 找 去 来 说".split()
)
_TOKEN_OK = re.compile(r"[\u4e00-\u9fff0-9a-z]")
# Characters a bigram made only of is noise in an explanation (的人, 进一, 一步 …).
_WEAK_CHARS = frozenset("的了和与及等在是对为将把由从向于并或也都要其之我这那一个中上下不有无年月日进步人们就还能会可以")


@lru_cache(maxsize=1)
def _t2s() -> dict[int, str]:
    """Traditional → simplified, one character to one character, from zhconv's OpenCC-derived table.

    Only single-character entries are used: one-to-one folding keeps every offset of the normalized
    text valid (highlights map back), and costs a ``str.translate`` instead of phrase matching.
    """
    try:
        from zhconv import zhconv as _z
    except ImportError:  # pragma: no cover - core dependency
        log.warning("zhconv is not installed: traditional characters are not folded (pip install zhconv)")
        return {}
    return {ord(k): v for k, v in _z.getdict("zh-hans").items() if len(k) == 1 and len(v) == 1 and k != v}


def fold(text: str) -> str:
    """The matching form of ``text``: :func:`normalize`, then traditional folded to simplified."""
    return normalize(text).translate(_t2s())


def fold_chars(text: str) -> str:
    """Same length as ``normalize(text)`` (one-to-one folding): usable on normalized offsets."""
    return text.translate(_t2s())


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


# Retrieval units (indexing/units.py) are part of what an index's tokens mean, so they are hashed here
UNIT_VERSION = 1  # bump when unit_spans changes: indexes record it through dictionary_hash()
UNIT_CHARS = 200  # chosen by cross-validation against 100, 400 and whole clauses (scripts/tune_fusion.py --unit-chars)


def dictionary_hash() -> str:
    """Identifies the tokenization: the user dictionary, jieba's version and the folding table's."""
    import importlib.metadata as md

    h = hashlib.sha256()
    h.update(md.version("jieba").encode())
    try:
        h.update(b"zhconv " + md.version("zhconv").encode())
    except md.PackageNotFoundError:  # pragma: no cover
        h.update(b"no-fold")
    h.update(f"units {UNIT_VERSION} {UNIT_CHARS}".encode())
    h.update(" ".join(sorted(STOPWORDS | QUESTION_WORDS)).encode())  # dropped from indexed tokens
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
            _write_freq_db(tok)
    return _tokenizer


# -- fast start for short texts (a query) ---------------------------------------------------------
#
# jieba needs its whole prefix dictionary (≈ 600k entries, 0.3–1 s to unmarshal) before it cuts
# anything, and a one-off ``search`` from the shell paid that on every run. But jieba only ever
# looks up substrings of the text it cuts (DAG, route, HMM buffers, search n-grams), so a
# Tokenizer holding exactly the entries for the substrings of one short text cuts it identically.
# Those entries come from a SQLite copy of the initialised dictionary kept beside the embedding
# cache, keyed by :func:`dictionary_hash` and written on the first full load.

SHORT_TEXT = 200  # texts up to this long are cut with a dictionary restricted to their substrings
_MAX_WORD = 32  # no dictionary entry is longer (checked when the copy is written)


def _freq_db_path() -> Path:
    from .encoders import default_cache_path

    return default_cache_path().parent / f"jieba-{dictionary_hash()}.sqlite"


def _write_freq_db(tok) -> None:
    import os
    import sqlite3

    path = _freq_db_path()
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        db = sqlite3.connect(str(tmp))
        db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f INTEGER) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER)")
        db.executemany("INSERT INTO freq VALUES (?, ?)", ((w, f) for w, f in tok.FREQ.items() if len(w) <= _MAX_WORD))
        db.execute("INSERT INTO meta VALUES ('total', ?)", (tok.total,))
        db.commit()
        db.close()
        os.replace(tmp, path)
    except OSError as exc:  # an unwritable cache only costs speed
        log.debug("jieba dictionary copy not written (%s)", exc)


@lru_cache(maxsize=256)
def _short_tokenizer(text: str):
    """A jieba Tokenizer whose dictionary is the full one restricted to the substrings of ``text``."""
    import sqlite3

    path = _freq_db_path()
    if not path.exists():
        return None
    import jieba

    jieba.setLogLevel(logging.WARNING)
    subs = list({text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + _MAX_WORD) + 1)})
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        freq: dict[str, int] = {}
        for k in range(0, len(subs), 900):
            chunk = subs[k:k + 900]
            freq.update(db.execute(f"SELECT w, f FROM freq WHERE w IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        (total,) = db.execute("SELECT v FROM meta WHERE k='total'").fetchone()
    finally:
        db.close()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = freq, total, True
    return tok


def _tokenizer_for(folded: str):
    """The full tokenizer once loaded (indexing); for a short text before that, a restricted one."""
    if _tokenizer is None and len(folded) <= SHORT_TEXT:
        try:
            tok = _short_tokenizer(folded)
        except Exception as exc:  # noqa: BLE001 -- a damaged copy: fall back to the full dictionary
            log.debug("short tokenizer unavailable (%s)", exc)
            tok = None
        if tok is not None:
            return tok
    return _jieba()


def _keep(tok: str) -> bool:
    return len(tok) >= 2 and tok not in STOPWORDS and tok not in QUESTION_WORDS and bool(_TOKEN_OK.search(tok))


def _weak(tok: str) -> bool:
    return all(ch in _WEAK_CHARS for ch in tok)


def tokenize(text: str) -> list[str]:
    """Search tokens of ``text``: jieba words (coarse and fine) of the folded text, no stopwords."""
    folded = fold(text)
    return [t for t in (x.strip() for x in _tokenizer_for(folded).cut_for_search(folded)) if _keep(t)]


def words(text: str) -> list[str]:
    """``text`` cut into jieba words with the policy dictionary, losslessly: ``"".join(words(t)) == t``
    (for showing word-level differences of original text; ``tokenize`` is for matching)."""
    return list(_jieba().cut(text, HMM=True))


def char_bigrams(text: str) -> list[str]:
    s = fold_chars(strip_punct(text))
    return [s[i:i + 2] for i in range(len(s) - 1)]


def query_bigrams(query: str) -> list[str]:
    """The bigrams a query is matched on: those of its runs of content words.

    Stopwords and question words (怎么办, 能不能, 的人) cut the query into runs, so neither their
    own bigrams nor those straddling them (查怎) are looked for. A query made only of such words
    keeps all its bigrams (there is nothing else to match).
    """
    runs, cur = [], []
    folded = fold(query)
    for tok in _tokenizer_for(folded).cut(folded):
        t = tok.strip()
        if not t or t in STOPWORDS or t in QUESTION_WORDS or not _TOKEN_OK.search(t):
            if cur:
                runs.append("".join(cur))
            cur = []
        else:
            cur.append(t)
    if cur:
        runs.append("".join(cur))
    grams = [g for r in runs for g in char_bigrams(r)]
    return grams or char_bigrams(query)


class BM25Index:
    """BM25 (bm25s, ``lucene`` variant) over pre-tokenized documents, fitted in memory.

    The reference the index's own segments (:mod:`.postings`) are tested against, and the source of
    their ``k1``/``b``; the index never stores a bm25s model (its scores bake in corpus statistics).
    """

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


# -- thesaurus ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def thesaurus() -> dict[str, tuple[str, ...]]:
    """Colloquial trigger → official terms (``data/thesaurus.toml``), keys folded."""
    import tomllib

    p = Path(str(resources.files("lawgov_nlp") / "data" / "thesaurus.toml"))
    if not p.exists():
        return {}
    data = tomllib.loads(p.read_text(encoding="utf-8")).get("expand", {})
    return {fold(k): tuple(v) for k, v in data.items()}


def thesaurus_hits(query: str) -> dict[str, list[str]]:
    """Triggers the query contains → the official terms each adds (terms already in the query left out).

    A trigger inside a longer trigger that also fired (懂法的人 inside 村里懂法的人) is dropped:
    the longer phrase is the more specific reading.
    """
    q = fold(query)
    fired = [t for t in thesaurus() if t in q]
    fired = [t for t in fired if not any(t != o and t in o for o in fired)]
    out: dict[str, list[str]] = {}
    for trigger in fired:
        terms = [t for t in thesaurus()[trigger] if fold(t) not in q]
        if terms:
            out[trigger] = terms
    return out


def expand_query(query: str) -> list[str]:
    """Official terms for the colloquial phrases a query contains (empty when it has none)."""
    return list(dict.fromkeys(t for terms in thesaurus_hits(query).values() for t in terms))


def matched_terms(query: str, text: str, extra: Sequence[str] = ()) -> list[str]:
    """Query words and thesaurus terms found in ``text`` (folded), longest first, without noise.

    Noise is what explains nothing: stopwords, words inside a longer matched word (行政 inside
    行政复议), and, when no word matched, bigrams made only of function characters (的人, 进一).
    """
    norm = fold(text)
    cands = list(dict.fromkeys([*tokenize(query), *(fold(t) for t in extra)]))
    words = [t for t in cands if _keep(t) and not _weak(t) and t in norm]
    words = [w for w in words if not any(w != o and w in o for o in words)]
    if words:
        return words
    s = fold_chars(strip_punct(text))
    grams = [g for g in dict.fromkeys(query_bigrams(query)) if g in s and not _weak(g)]
    return [g for g in grams if g not in STOPWORDS][:8]
