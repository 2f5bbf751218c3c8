"""Every constant that moves a result, in typed, frozen configuration objects.

A result is reproducible only if the numbers that produced it are known: each config has
``to_dict()``, which search results, diff-plans reports and index manifests embed, and
``fingerprint()``, a short hash of that dict. Change a default here, and every output says so.

- :class:`Limits`: how much text one document, clause and sentence may hold (bounded cost).
- :class:`SegmentConfig`: clause-tree decisions (heading lengths, table-row de-duplication).
- :class:`SearchConfig`: fusion weights, candidate sizes, query bounds.
- :class:`DiffConfig`: diff-plans signal weights, thresholds and rules.
- :class:`VersionConfig`: pairing the clauses of two versions of one document.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Mapping

from .errors import LawgovError


class ConfigError(LawgovError):
    """A configuration value that cannot be used (unknown key, wrong type, out of range)."""


class _Config:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]):
        """A config from a dict (e.g. read back from a report); unknown keys are refused."""
        known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"{cls.__name__}: unknown setting(s) {', '.join(unknown)}")
        return cls(**{k: (dict(v) if isinstance(v, Mapping) else v) for k, v in data.items()})  # type: ignore[call-arg]

    def replace(self, **changes):
        return replace(self, **changes)  # type: ignore[type-var]

    def with_settings(self, settings) -> _Config:
        """This config with ``KEY=VALUE`` strings applied (a script's ``--set``), each value read as the
        type of the field it sets: ``term_parts=false``, ``dense_z=2.0``, ``max_matches=3``."""
        changes: dict[str, Any] = {}
        for kv in settings:
            key, sep, value = kv.partition("=")
            if not sep or not hasattr(self, key):
                raise ValueError(f"{kv!r}: expected KEY=VALUE with KEY a field of {type(self).__name__}")
            current = getattr(self, key)
            if isinstance(current, bool):
                if value.lower() not in ("true", "false"):
                    raise ValueError(f"{kv!r}: {key} is true or false")
                changes[key] = value.lower() == "true"
            else:
                try:
                    changes[key] = type(current)(value)
                except ValueError:
                    raise ValueError(f"{kv!r}: {key} is a {type(current).__name__}") from None
        return self.replace(**changes)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        n = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if n <= 0:
        raise ConfigError(f"{name}={value!r} must be positive")
    return n


@dataclass(frozen=True)
class Limits(_Config):
    """Bounds on the cost of any input. What exceeds them is refused or cut with a one-line message.

    Measured (``scripts/bench_hostile.py``, BENCHMARKS.md): reading is linear at about 1.2 s per MB
    of text, 0.8 GB peak RSS for 50 MB; a document of 2,000,000 characters (18 times 民法典, 35
    times the longest of the 595 collection documents) reads in seconds and indexes in 0.9 GB, under
    2 GB. Larger "documents" are compilations: split them, or raise the limits with
    ``LAWGOV_MAX_CHARS`` (and ``LAWGOV_MAX_FILE_BYTES``, ``LAWGOV_MAX_HTML_BYTES``,
    ``LAWGOV_MAX_UNZIPPED_BYTES``).
    """

    max_file_bytes: int = 200_000_000  # refused before it is read (PDF/docx with images stay far below)
    max_document_chars: int = 2_000_000  # decoded text of one document; a .txt over 4× this in bytes is refused unread
    max_expansion: int = 200  # a .docx's XML may unzip to this many times the file (at least 16 MB)…
    max_unzipped_bytes: int = 100_000_000  # …and never past this: python-docx holds ~3× the XML in memory
    max_html_bytes: int = 20_000_000  # markup of one page (portal pages are under 1 MB)
    max_clause_chars: int = 20_000  # longer clauses are cut at sentence ends into continuation pieces
    max_sentence_chars: int = 400  # text sent to an encoder in one piece (e5 reads 512 tokens)

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(
            max_file_bytes=_env_int("LAWGOV_MAX_FILE_BYTES", d.max_file_bytes),
            max_document_chars=_env_int("LAWGOV_MAX_CHARS", d.max_document_chars),
            max_expansion=d.max_expansion,
            max_unzipped_bytes=_env_int("LAWGOV_MAX_UNZIPPED_BYTES", d.max_unzipped_bytes),
            max_html_bytes=_env_int("LAWGOV_MAX_HTML_BYTES", d.max_html_bytes),
            max_clause_chars=d.max_clause_chars,
            max_sentence_chars=d.max_sentence_chars,
        )


def limits() -> Limits:
    """The limits in force (defaults, raised by environment variables)."""
    return Limits.from_env()


@dataclass(frozen=True)
class SegmentConfig(_Config):
    heading_max: int = 40  # a first sentence up to this long is a heading
    heading_hard_max: int = 60
    table_duplicate_ratio: float = 0.5  # share of a table row's trigrams found in a body clause to call it a restatement
    # A document with clauses longer than this gets a warning: over the 595-document collection,
    # real numbered clauses stay under it except in government work reports, whose parts run on
    # for pages without sub-numbering; everything longer was a missed numbering style.
    long_clause_chars: int = 3000


@dataclass(frozen=True)
class SearchConfig(_Config):
    """Hybrid search: how signals are normalised and mixed, candidate sizes, query bounds.

    ``method="adaptive"`` (the default) mixes the lexical signals (``weights``, min-max normalised
    over the candidates) with the dense one at a share that moves from ``dense_min`` (the query's
    wording is all in one passage) to ``dense_max`` (none of it is anywhere) with the query's
    lexical evidence strength. ``score``/``rrf`` use ``weights`` (which then include ``dense``) for
    every query. Values chosen by 5-fold cross-validation over queries: scripts/tune_fusion.py.
    """

    # chosen on all 84 queries for e5 on the corpus and on the corpus + 367 collection documents
    # (scripts/tune_fusion.py); the CV folds chose words 0–0.3, dense_min 0–0.3, dense_max 0.7–0.8
    weights: dict = field(default_factory=lambda: {"words": 0.3, "chars": 0.3, "expand": 0.4})
    lexical_weights: dict = field(default_factory=lambda: {"words": 0.3, "chars": 0.3, "expand": 0.4})
    method: str = "adaptive"  # adaptive | score | rrf
    dense_min: float = 0.2  # dense share when the query's wording is all in one passage…
    dense_max: float = 0.7  # …and when none of it is anywhere: never 1, the dense side drifts at scale
    strength_power: float = 1.0
    clause_weight: float = 0.5  # dense = best-sentence cosine + this × pooled-clause cosine
    rrf_k: int = 60
    candidates: int = 200  # per signal
    expand_candidates: int = 50
    max_query_chars: int = 1000

    def __hash__(self) -> int:  # dict fields: hash by value
        return hash(self.fingerprint())


@dataclass(frozen=True)
class DiffConfig(_Config):
    """diff-plans. Evidence is scored per passage (a window of a few sentences), per item decided.

    A passage's *mass* for an item is the summed collection idf of the item's distinctive terms it
    contains (context terms only beside an anchor term); the dense signal adds mass only where a
    pair stands well above the document's typical pair. Thresholds were chosen by leave-one-document-
    out over the gold documents (``scripts/calibrate_diff.py``; README).
    """

    window_sentences: int = 3  # a passage: up to this many consecutive sentences of one clause…
    window_chars: int = 300  # …and about this many characters (a first sentence may be longer)
    min_idf: float = 0.5  # terms in more than ~60% of the collection's documents never carry an item
    context_weight: float = 0.5  # a context term counts this share of its idf
    term_parts: bool = True  # the words inside an item's policy terms (督查 in 政府督查) support it as its heading words do
    part_wholes: bool = True  # all the words of one policy term in one passage back it as the term would
    term_cap: float = 2.5  # no single term carries more than this (one rare word is a mention, not a task)…
    heading_weight: float = 2.0  # …except the item's full heading, which counts this many times its weight
    dense_z: float = 1.5  # a pair's dense score counts only above this many standard deviations…
    dense_weight: float = 1.0  # …adding this much mass per standard deviation above it
    shared_discount: float = 0.5  # evidence of a passage that carries another item better counts this share (1: off; see README)
    breadth_weight: float = 0.25  # mass found in the item's other passages counts this share
    support_weight: float = 1.5  # per log(1 + sentences carrying one of the item's terms)
    min_aspects: int = 0  # an item of several sub-tasks is implemented only when the document names this many of them (0: off)
    topical_share: float = 0.5  # one item holding this share of the evidence passages give their best items: the document is about it, and the others it serves are at most partial (0: off)
    implemented_at: float = 4.5  # item evidence (mass) at or above this: implemented…
    partial_at: float = 0.5  # …at or above this: partial (headings-only references)
    body_implemented_at: float = 0.12  # with body text: share of the item's own terms carried
    body_partial_at: float = 0.1
    body_dense_weight: float = 0.04  # with body text: share added per sd above dense_z (the words' share is 0–1)
    cap_report_outlook: bool = True  # in an annual report, plans and shortcomings earn at most partial
    match_share: float = 0.6  # further matches must score at least this share of the best one
    max_matches: int = 4
    max_near_misses: int = 3  # an item shows at least this many passages: its matches, then the nearest others (where a reviewer checks)
    addition_min_chars: int = 30
    addition_touched_share: float = 0.34  # a clause is a local addition when at most a third of its passages touch any item
    long_clause_chars: int = 1500  # a clause longer than this makes the report warn about segmentation
    related_focus: float = 0.25  # below this share of passages carrying any item, a document is mostly about other things…
    unrelated_coverage: float = 0.10  # …and with coverage at most this it looks unrelated

    def __hash__(self) -> int:
        return hash(self.fingerprint())


@dataclass(frozen=True)
class VersionConfig(_Config):
    """Two versions of one document (``diff-plans OLD NEW --versions``; ``analysis.versions``).

    Clauses with the same id are the same text. The rest are paired by similarity: the Dice
    coefficient of the character-bigram sets of their own text (marker, spaces and punctuation
    removed), plus bonuses for sitting at the same marker path or under paired parents; the best
    pairs above ``min_similarity`` are one clause that changed, the others inserted or deleted.
    """

    min_similarity: float = 0.5
    same_path_bonus: float = 0.1
    same_parent_bonus: float = 0.1
    word_diff: str = "jieba"  # jieba: policy-dictionary words (readable edits) | chars: characters

    def __post_init__(self) -> None:
        if self.word_diff not in ("jieba", "chars"):
            raise ConfigError(f"VersionConfig.word_diff must be 'jieba' or 'chars', not {self.word_diff!r}")


@dataclass(frozen=True)
class PolicyConfig(_Config):
    """Commitments, directive strength, citations and tracing: the constants that move their results."""

    direction_lookback: int = 14  # characters before a number searched for 不少于/至少/不超过…
    subject_max_chars: int = 24  # a derived subject key is cut here
    pair_subject_dice: float = 0.34  # two commitments of one aligned item pair when their subjects share this much
    scope_dice: float = 0.4  # a local directive span answers a reference span when their scopes share this much
    trace_done: tuple = ("implemented",)  # diff-plans statuses a report's tracing counts as reported done
    trace_partly: tuple = ("partial",)

    def __hash__(self) -> int:
        return hash(self.fingerprint())


@dataclass(frozen=True)
class PdfConfig(_Config):
    """Reading PDF layout (``reading/pdf.py``). Lengths are in multiples of the line's character height."""

    baseline_tolerance: float = 0.3  # characters whose baselines differ by less (× line height) share a row
    segment_gap: float = 1.5  # a wider horizontal gap cuts a row into segments (columns, table cells)
    space_gap: float = 0.3  # a gap this wide between Latin letters/digits is a word space
    wide_gap: float = 1.0  # …and between any characters
    min_gutter: float = 1.0  # a column gutter is at least this wide
    max_crossing_share: float = 0.2  # share of a page's lines that may cross the gutter (titles, furniture)
    min_column_lines: int = 4  # lines on each side of a gutter
    column_fill: float = 0.6  # a text-column line fills at least this share of the column…
    column_full_share: float = 0.5  # …for at least this share of its lines (table cells do not)
    edge_lines: int = 2  # furniture candidates: this many lines at the top and bottom of a page…
    edge_band: float = 0.2  # …within this share of the page height from its edge
    repeat_share: float = 0.5  # a running header/footer repeats on this share of pages (at least 2)
    right_slack: float = 2.0  # a line ending this close to the right edge runs on
    indent: float = 1.0  # a line starting this far right of the left edge starts a paragraph
    paragraph_gap: float = 1.6  # a vertical gap this many leadings wide starts a paragraph
    column_pages_share: float = 0.5  # pages with a clear gutter needed before the others are tried with it
    max_unmapped_share: float = 0.2  # more characters than this without a Unicode mapping: refuse
