"""Clause rows as the index stores them, made from a document: used by the build in this process
and by its worker processes (:mod:`.parallel`), so neither imports the other's module."""
from __future__ import annotations

import hashlib

import numpy as np

from ..reading.document import Document
from .encoders import text_key
from .store import json_text
from .units import clause_lexicon, stored_lexicon


def raw_key(text: str) -> bytes:
    """Key of a clause text as it is (unit spans are offsets into it, so reuse needs the same text)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def clause_rows(doc: Document, start_row: int, known: dict[bytes, tuple[str, np.ndarray]] | None = None) -> list[dict]:
    """Clause rows of ``doc`` for the store, each with its retrieval units (``lexicon``). ``known``
    (:func:`raw_key` of a clause text → its stored tokens and rows of ``units.npy``, from
    the index being rebuilt, cut with the same dictionary and unit rules) spares jieba the texts
    it already cut."""
    rows = []
    for k, c in enumerate(doc.clauses):
        key = text_key(c.text)
        hit = known.get(raw_key(c.text)) if known else None
        lex = stored_lexicon(c.text, hit[0], hit[1]) if hit is not None else clause_lexicon(c.text)
        rows.append({
            "row": start_row + k, "clause_id": c.id, "doc_id": doc.doc_id, "kind": c.kind, "numbering": c.numbering,
            "level": c.level, "path": json_text(list(c.path)), "path_label": doc.path_label(c), "heading": c.heading,
            "text": c.text, "start": c.span[0], "end": c.span[1], "parent_id": c.parent_id,
            "fields": json_text(c.fields), "duplicate_of": c.duplicate_of, "tokens": " ".join(lex.all_tokens),
            "text_key": key, "lexicon": lex,  # not stored in SQLite: units.npy and the BM25 segments
        })
    return rows
