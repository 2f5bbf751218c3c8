"""pandas views of documents and clauses, for notebooks."""
from __future__ import annotations

from typing import Sequence

from ..reading.document import Document


def corpus_frame(docs: Sequence[Document]):
    """One row per document: metadata and clause counts by numbering style."""
    import pandas as pd

    rows = []
    for d in docs:
        s = d.structure()
        m = d.meta
        rows.append({
            "doc_id": d.doc_id, "title": d.title, "issuer": m.issuer, "region": m.region, "level": m.level,
            "year": m.year, "doc_type": m.doc_type, "implements": m.implements, "chars": len(d.text),
            "clauses": len(d.clauses), "parts": s["parts"], "items": s["items"], "sub_items": s["sub_items"],
            "inline_points": s["inline_points"], "table_rows": s["table_rows"], "numbered": d.numbered,
        })
    return pd.DataFrame(rows)


def clauses_frame(docs: Sequence[Document] | Document):
    """One row per clause: id, path, level, kind, heading, length, text."""
    import pandas as pd

    if isinstance(docs, Document):
        docs = [docs]
    rows = []
    for d in docs:
        for c in d.clauses:
            rows.append({
                "doc_id": d.doc_id, "clause_id": c.id, "path": " / ".join(c.path), "level": c.level, "kind": c.kind,
                "numbering": c.numbering, "heading": c.heading, "chars": len(c.text), "start": c.span[0], "end": c.span[1], "text": c.text,
            })
    return pd.DataFrame(rows)
