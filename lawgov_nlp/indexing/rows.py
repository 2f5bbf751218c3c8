"""Clause rows as the index stores them, made from a document: used by the build in this process
and by its worker processes (:mod:`.parallel`), so neither imports the other's module."""
from __future__ import annotations

from ..reading.document import Document
from .encoders import text_key
from .lexical import char_bigrams, tokenize
from .store import json_text


def clause_rows(doc: Document, start_row: int, tokens_of: dict[bytes, str] | None = None) -> list[dict]:
    """Clause rows of ``doc`` for the store. ``tokens_of`` (text key → tokens, from the index
    being rebuilt) spares jieba the texts it already cut: ``tokenize`` sees a text only through
    ``normalize``, which is what the key hashes."""
    rows = []
    for k, c in enumerate(doc.clauses):
        key = text_key(c.text)
        known = tokens_of.get(key) if tokens_of else None
        rows.append({
            "row": start_row + k, "clause_id": c.id, "doc_id": doc.doc_id, "kind": c.kind, "numbering": c.numbering,
            "level": c.level, "path": json_text(list(c.path)), "path_label": doc.path_label(c), "heading": c.heading,
            "text": c.text, "start": c.span[0], "end": c.span[1], "parent_id": c.parent_id,
            "fields": json_text(c.fields), "duplicate_of": c.duplicate_of,
            "tokens": known if known is not None else " ".join(tokenize(c.text)), "text_key": key,
        })
    return rows


def row_tokens(r: dict) -> list[str]:
    return r["tokens"].split() if isinstance(r["tokens"], str) else list(r["tokens"])


def field_tokens(rows: list[dict]) -> dict[str, list[list[str]]]:
    """The tokens BM25 indexes per field (``FIELDS``) for each clause row. A row may carry
    precomputed ``bigrams`` (benchmarks replicate real clauses that way)."""
    return {"words": [row_tokens(r) for r in rows],
            "chars": [r["bigrams"] if "bigrams" in r else char_bigrams(r["text"]) for r in rows]}
