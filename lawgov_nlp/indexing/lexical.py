"""Lexical retrieval for Chinese: jieba words with a policy-term dictionary, plus character bigrams.

Both go into BM25 (bm25s). Bigrams catch terms jieba splits badly or that the dictionary lacks;
words give precise matches on terms it knows (放管服, 证照分离, 告知承诺制…).

What is scored is a *unit*, not a clause: a clause's sentences packed into pieces of at most
``unit_chars`` characters that never cross a paragraph break (:func:`unit_spans`). A clause scores
as its best unit, so a 24,000-character clause whose numbering was missed cannot win a query by
containing every word of it somewhere, and BM25's length normalisation compares like with like.
All derived forms (tokens, bigrams, thesaurus triggers) are folded from traditional to simplified
characters (:func:`fold`), so 行政復議 finds 行政复议; displayed text keeps its original characters.

(About 500 lines: tokenization, retrieval units, BM25 and the thesaurus are one side of search
and change together — a change to any of them changes :func:`dictionary_hash`.)
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from dataclasses import dataclass
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


def dictionary_hash() -> str:
    """Identifies the tokenization: the user dictionary, jieba's version and the folding table's."""
    import importlib.metadata as md

    h = hashlib.sha256()
    h.update(md.version("jieba").encode())
    try:
        h.update(b"zhconv " + md.version("zhconv").encode())
    except md.PackageNotFoundError:  # pragma: no cover
        h.update(b"no-fold")
    h.update(f"units {UNIT_VERSION}".encode())
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
        except Exception as exc:  # a damaged copy: fall back to the full dictionary
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


# -- retrieval units ----------------------------------------------------------------------------

UNIT_VERSION = 1  # bump when unit_spans changes: indexes record it through dictionary_hash()
UNIT_CHARS = 200  # see SearchConfig.unit_chars (chosen by cross-validation, scripts/tune_fusion.py)


def unit_spans(text: str, unit_chars: int = UNIT_CHARS) -> list[tuple[int, int]]:
    """Spans of the retrieval units of a clause: consecutive sentences packed up to ``unit_chars``.

    A unit never crosses a paragraph break (a sentence that ends at a line end) and never exceeds
    ``unit_chars``: a longer sentence is cut into pieces of that length. ``unit_chars <= 0`` makes
    the whole clause one unit (the clause-level scoring this replaced, kept for evaluation).
    """
    from ..reading.segment import sentences

    if unit_chars <= 0 or len(text) <= unit_chars:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for a, b in sentences(text):
        if b - a > unit_chars:
            if cur:
                out.append(cur)
                cur = None
            out.extend((i, min(b, i + unit_chars)) for i in range(a, b, unit_chars))
            continue
        # a paragraph break ends a unit, unless the unit is only a heading so far
        if cur and (b - cur[0] > unit_chars or ("\n" in text[cur[1]:a + 1] and cur[1] - cur[0] >= unit_chars // 4)):
            out.append(cur)
            cur = None
        cur = (cur[0], b) if cur else (a, b)
    if cur:
        out.append(cur)
    return out or [(0, len(text))]


@dataclass
class ClauseLexicon:
    """A clause's retrieval units, their tokens and bigrams (built once, at indexing time)."""

    spans: list[tuple[int, int]]
    tokens: list[list[str]]
    bigrams: list[list[str]]

    @property
    def all_tokens(self) -> list[str]:
        return [t for u in self.tokens for t in u]


def clause_lexicon(text: str, unit_chars: int = UNIT_CHARS) -> ClauseLexicon:
    spans = unit_spans(text, unit_chars)
    pieces = [text[a:b] for a, b in spans]
    return ClauseLexicon(spans, [tokenize(p) for p in pieces], [char_bigrams(p) for p in pieces])


class BM25Index:
    """BM25 over pre-tokenized documents, scored for all documents at once.

    bm25s fits and writes the index (its precomputed per-token scores, a CSC matrix); reading and
    scoring use those files directly, memory-mapped, so a query neither imports bm25s (and scipy)
    nor reads more than its own tokens' postings.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self._bm25 = None
        self.vocab: dict[str, int] = {}
        self._csc: dict[str, np.ndarray] | None = None
        self.n = 0

    def fit(self, docs_tokens: Sequence[Sequence[str]]) -> "BM25Index":
        import bm25s

        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        # bm25s cannot index an empty corpus or empty documents well; an empty token keeps rows aligned.
        self._bm25.index([list(t) or [""] for t in docs_tokens], show_progress=False)
        self.vocab = self._bm25.vocab_dict
        self._csc = {k: np.asarray(self._bm25.scores[k]) for k in ("data", "indices", "indptr")}
        self.n = len(docs_tokens)
        return self

    def known(self, query_tokens: Sequence[str]) -> list[str]:
        return [t for t in dict.fromkeys(query_tokens) if t and t in self.vocab]

    def postings(self, tokens: Sequence[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per distinct token: the documents (units) holding it and its BM25 contribution there."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for t in dict.fromkeys(tokens):
            j = self.vocab.get(t) if t else None
            if j is None or self._csc is None:
                out[t] = (np.zeros(0, np.int64), np.zeros(0, np.float32))
            else:
                ptr = self._csc["indptr"]
                # bm25s leaves the last id (its empty-document placeholder) without an end pointer
                a, b = int(ptr[j]), int(ptr[j + 1]) if j + 1 < len(ptr) else len(self._csc["data"])
                out[t] = (np.asarray(self._csc["indices"][a:b], dtype=np.int64), np.asarray(self._csc["data"][a:b], dtype=np.float32))
        return out

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 of every document for the distinct known tokens (bm25s' ``get_scores``)."""
        out = np.zeros(self.n, dtype=np.float32)
        for idx, val in self.postings(self.known(query_tokens)).values():
            out[idx] += val  # one posting per document and token
        return out

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, n: int) -> "BM25Index":
        import json

        self = cls()
        params = json.loads((directory / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method", "lucene") != "lucene":
            raise ValueError(f"{directory}: BM25 variant {params.get('method')!r}, expected lucene")
        self.k1, self.b = params["k1"], params["b"]
        self.vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        # memory-mapped: a query touches only its terms' postings, so a 1M-clause index stays out of RSS
        self._csc = {k: np.load(directory / f"{k}.csc.index.npy", mmap_mode="r") for k in ("data", "indices", "indptr")}
        if len(self._csc["indptr"]) not in (len(self.vocab), len(self.vocab) + 1):
            raise ValueError(f"{directory}: vocabulary and postings disagree")
        self.n = n
        return self


class LexicalIndex:
    """Word and bigram BM25 over retrieval units, scored back to clauses by their best unit.

    ``owner[u]`` is the clause row of unit ``u``; a clause's units are consecutive. An index
    written before units existed has one unit per clause (no ``units.npy``) and still loads.
    """

    def __init__(self, words: BM25Index, chars: BM25Index, owner: np.ndarray, n_clauses: int):
        self.words, self.chars = words, chars
        self.owner = np.asarray(owner, dtype=np.int64)
        self.n_clauses = n_clauses
        counts = np.bincount(self.owner, minlength=n_clauses)
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self._has_units = counts > 0
        self.n_units = len(self.owner)

    @classmethod
    def fit(cls, lexicons: Sequence[ClauseLexicon], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        owner = np.repeat(np.arange(len(lexicons)), [len(x.spans) for x in lexicons])
        words = BM25Index(k1, b).fit([u for x in lexicons for u in x.tokens])
        chars = BM25Index(k1, b).fit([u for x in lexicons for u in x.bigrams])
        return cls(words, chars, owner, len(lexicons))

    def to_clauses(self, unit_scores: np.ndarray) -> np.ndarray:
        """Each clause's best unit score."""
        if self.n_units == self.n_clauses:
            return unit_scores
        out = np.maximum.reduceat(unit_scores, np.minimum(self._starts, max(self.n_units - 1, 0))) if self.n_units else np.zeros(0, np.float32)
        return np.where(self._has_units, out, 0).astype(np.float32)

    def word_scores(self, tokens: Sequence[str]) -> np.ndarray:
        return self.to_clauses(self.words.scores(tokens))

    def char_scores(self, bigrams: Sequence[str]) -> np.ndarray:
        return self.to_clauses(self.chars.scores(bigrams))

    def char_evidence(self, bigrams: Sequence[str], allowed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """Clause scores on bigrams, and how strong the lexical evidence is (0–1).

        Strength is the idf-weighted share of the query's distinct bigrams that its best unit
        holds: near 1 when one passage contains the query's wording (a term query), near 0 when
        the wording is nowhere (a paraphrase). A bigram no unit holds has the idf of df = 0, so a
        query of unseen words is weak evidence however well its few common bigrams match.
        """
        post = self.chars.postings(bigrams)
        unit = np.zeros(self.n_units, dtype=np.float32)
        for idx, val in post.values():
            unit[idx] += val  # one posting per unit and token: no repeated indices
        if allowed is not None:
            unit = np.where(allowed[self.owner], unit, 0)
        if not post or not unit.any():
            return self.to_clauses(unit), 0.0
        best = int(np.argmax(unit))
        n = self.n_units
        idf = {t: math.log(1 + (n - len(i) + 0.5) / (len(i) + 0.5)) for t, (i, _) in post.items()}
        held = sum(idf[t] for t, (i, _) in post.items() if len(i) and bool((i == best).any()))
        return self.to_clauses(unit), float(held / max(sum(idf.values()), 1e-9))

    def save(self, directory: Path) -> None:
        self.words.save(directory / "bm25_words")
        self.chars.save(directory / "bm25_chars")
        np.save(directory / "units.npy", self.owner.astype(np.int32))

    @classmethod
    def load(cls, directory: Path, n_clauses: int) -> "LexicalIndex":
        p = directory / "units.npy"
        owner = np.load(p) if p.exists() else np.arange(n_clauses)
        words = BM25Index.load(directory / "bm25_words", len(owner))
        chars = BM25Index.load(directory / "bm25_chars", len(owner))
        return cls(words, chars, owner, n_clauses)


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
