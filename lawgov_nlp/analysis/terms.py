"""The term data diff-plans decides with, loaded once through one validating loader.

- ``outline_terms.toml``: per item of the national 纲要, its ``terms`` (instruments that name the item)
  and ``context`` (fields and formulas that only support it).
- ``generic_terms.txt``: vocabulary every government text shares (推进, 加强, 到2025年…): never evidence.
- ``term_df.tsv``: in how many of the collection's documents (595 collection documents + the corpus)
  each term occurs, written by ``scripts/build_term_df.py``. An item's distinctive terms are weighted
  by how rare they are there, so 行政调解 counts for far more than 政务服务.
- ``applicability.toml``: which items do not apply to whom.

:func:`data_versions` names every file's version and content hash; reports record it.
"""
from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import LawgovError
from ..reading.normalize import strip_punct


class DataFileError(LawgovError):
    """A packaged data file is missing or malformed (a broken installation)."""


def data_path(name: str) -> Path:
    return Path(str(resources.files("lawgov_nlp") / "data" / name))


def _read(name: str) -> str:
    p = data_path(name)
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{p}: cannot read packaged data file ({exc})") from exc


def _hash(name: str) -> str:
    return hashlib.sha256(data_path(name).read_bytes()).hexdigest()[:12]


def _toml(name: str) -> dict:
    try:
        return tomllib.loads(_read(name))
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{data_path(name)}: not valid TOML ({exc})") from exc


@dataclass(frozen=True)
class OutlineTerms:
    terms: tuple[str, ...]
    context: tuple[str, ...]
    aspects: tuple[tuple[str, ...], ...] = ()  # the item's terms grouped by the sub-task of the 纲要 they name


@lru_cache(maxsize=1)
def outline_terms() -> dict[str, OutlineTerms]:
    """Normalized item heading → its terms and context terms."""
    data = _toml("outline_terms.toml")
    out = {}
    for key, v in data.get("items", {}).items():
        if "heading" not in v or not isinstance(v.get("terms", []), list):
            raise DataFileError(f"{data_path('outline_terms.toml')}: item {key} needs a heading and a terms list")
        terms = tuple(v.get("terms", ()))
        aspects = v.get("aspects", [])
        if not isinstance(aspects, list) or any(not isinstance(a, list) or not set(a) <= set(terms) for a in aspects):
            raise DataFileError(f"{data_path('outline_terms.toml')}: item {key}: aspects must be lists of the item's own terms")
        out[strip_punct(v["heading"])] = OutlineTerms(terms, tuple(v.get("context", ())), tuple(tuple(a) for a in aspects))
    return out


@lru_cache(maxsize=1)
def generic_terms() -> frozenset[str]:
    lines = (ln.strip() for ln in _read("generic_terms.txt").splitlines())
    return frozenset(strip_punct(ln) for ln in lines if ln and not ln.startswith("#"))


@dataclass(frozen=True)
class TermDF:
    """Document frequencies over the collection. Terms absent from the table are rarer than ``floor``."""

    documents: int
    df: dict[str, int]
    floor: int
    version: str

    def idf(self, term: str) -> float:
        """log(N / df), with df floored: a term seen in a handful of documents is rare enough, and a
        typo seen once must not outweigh a real policy term."""
        return math.log(self.documents / max(self.df.get(term, 0), self.floor))


@lru_cache(maxsize=1)
def term_df() -> TermDF:
    name = "term_df.tsv"
    meta: dict[str, str] = {}
    df: dict[str, int] = {}
    for n, line in enumerate(_read(name).splitlines(), start=1):
        if line.startswith("#"):
            if ":" in line:
                k, _, v = line[1:].partition(":")
                meta[k.strip()] = v.strip()
            continue
        if not line.strip():
            continue
        term, _, count = line.partition("\t")
        try:
            df[term] = int(count)
        except ValueError:
            raise DataFileError(f"{data_path(name)}:{n}: expected 'term<TAB>count'") from None
    try:
        return TermDF(int(meta["documents"]), df, int(meta.get("floor", 5)), meta.get("version", "?"))
    except (KeyError, ValueError):
        raise DataFileError(f"{data_path(name)}: header needs '# documents: N'") from None


@lru_cache(maxsize=1)
def applicability_rules() -> list[dict]:
    rules = _toml("applicability.toml").get("rules", [])
    for r in rules:
        if not r.get("headings") or "reason" not in r:
            raise DataFileError(f"{data_path('applicability.toml')}: every rule needs headings and a reason")
    return rules


@lru_cache(maxsize=1024)
def _rules_for(heading: str) -> tuple[dict, ...]:
    """The rules of the applicability file that concern this item (by its heading, without punctuation);
    asked for every item of every document, twice, so kept."""
    h = strip_punct(heading)
    return tuple(rule for rule in applicability_rules() if any(strip_punct(x) in h for x in rule["headings"]))


def has_applicability_rule(heading: str) -> bool:
    """Does some rule of the applicability file concern this item (whoever the target's issuer)?"""
    return bool(_rules_for(heading))


def not_applicable_reason(heading: str, meta: dict) -> str | None:
    """Why an item does not apply to a document of this level or issuer type, per the rules file."""
    for rule in _rules_for(heading):
        if meta.get("level") in rule.get("levels", []) or meta.get("issuer_type") in rule.get("issuer_types", []):
            return rule["reason"]
        if any(x in (meta.get("issuer") or "") for x in rule.get("issuers", [])):
            return rule["reason"]
    return None


def data_versions() -> dict[str, str]:
    """Version and content hash of every data file a diff depends on (recorded in reports)."""
    outline = _toml("outline_terms.toml").get("meta", {}).get("version", "?")
    generic = next((ln.split(":", 1)[1].strip() for ln in _read("generic_terms.txt").splitlines() if ln.startswith("# version:")), "?")
    return {
        "outline_terms": f"v{outline} {_hash('outline_terms.toml')}",
        "generic_terms": f"v{generic} {_hash('generic_terms.txt')}",
        "term_df": f"{term_df().version} {_hash('term_df.tsv')}",
        "applicability": _hash("applicability.toml"),
    }


# -- an item's distinctive terms ---------------------------------------------------------------

ANCHOR, CONTEXT, HEADING, PART = "anchor", "context", "heading", "part"  # heading: a word of the item's heading (scored as
# context); part: a word inside one of its policy terms (scored as context, backs nothing)


def words(text: str, search: bool = False) -> list[str]:
    """jieba words (the project's dictionary) of ``text``, normalized, 2+ characters; with ``search``,
    the words inside compounds too (督查 in 政府督查, 应诉 in 行政应诉)."""
    from ..indexing.lexical import _jieba
    from ..reading.normalize import normalize

    out = []
    jb = _jieba()
    for tok in (jb.cut_for_search if search else jb.lcut)(normalize(text)):
        t = strip_punct(tok)
        if len(t) >= 2 and any("\u4e00" <= ch <= "\u9fff" for ch in t):
            out.append(t)
    return out


def term_parts(term: str) -> list[str]:
    """The words a policy term is made of: its jieba words when it has several, and the two halves of
    any of them that is two words joined (学法用法 → 学法, 用法), never a piece that straddles two."""
    ws = words(term)
    out = ws if len(ws) > 1 else []
    for w in ws:
        subs = set(words(w, search=True))
        out += [a for a in subs if a != w and w.startswith(a) and w[len(a):] in subs]
        out += [b for b in subs if b != w and w.endswith(b) and w[:-len(b)] in subs]
    return list(dict.fromkeys(out))


def item_concepts(heading: str, body: str = "", terms: OutlineTerms | None = None, parts: bool = True) -> dict[str, str]:
    """The terms that can carry an item and their role: the heading itself, the item's policy terms
    and (with body text) the body's words are anchors; the heading's words, context terms and (with
    ``parts``) the words inside the policy terms only support. Generic words are dropped."""
    generic = generic_terms()
    out: dict[str, str] = {}

    def add(term: str, role: str) -> None:
        t = strip_punct(term)
        rank = {ANCHOR: 3, HEADING: 2, CONTEXT: 1, PART: 0}  # a term keeps the strongest role it is given
        if len(t) >= 2 and t not in generic and rank[role] > rank.get(out.get(t, ""), -1):
            out[t] = role

    add(heading, ANCHOR)
    if terms is not None:
        for t in terms.terms:
            add(t, ANCHOR)
    for w in words(body) if body else ():
        add(w, ANCHOR)
    # a heading's words name the item's subject (督查, 应诉) but also occur around others (监督管理,
    # 处置, 行政执法): they support an item, and carry it only together
    for w in words(heading, search=True):
        add(w, HEADING)
    if terms is not None:
        for t in terms.context:
            add(t, CONTEXT)
        # local texts rarely quote a term whole: 学法计划 for 学法用法, 大督查 for 政府督查, 拖欠企业的
        # 款项 for 拖欠账款. The words a term is made of support the item like context terms, but back
        # nothing: they count only in a passage an anchor or two other supporting terms back (记录 and
        # 追究 are everywhere). Parts are the term's words and the halves of a word made of two
        # (学法 + 用法; never the 法文 straddling 执法文书, nor 据库 of 数据库)
        for t in terms.terms if parts else ():
            for p in term_parts(t):
                add(p, PART)
    return out
