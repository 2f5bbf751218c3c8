"""A document: original text, cleaning report, metadata and clause tree, read from one file."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from ..config import Limits
from ..config import limits as current_limits
from ..errors import InputError
from .clean import CleanResult, clean_lines
from .ingest import read_file
from .metadata import DocMeta, extract_meta
from .segment import Clause, segment_lines


@dataclass
class Document:
    doc_id: str
    path: Path
    text: str  # the original text; every span indexes into it
    format: str
    encoding: str
    meta: DocMeta
    clauses: list[Clause]
    numbered: bool
    cleaning: CleanResult
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.meta.title or self.doc_id

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @cached_property
    def by_path(self) -> dict[str, Clause]:
        """Clauses by marker path ("一、/（二）"); the first in document order where a path repeats."""
        out: dict[str, Clause] = {}
        for c in self.clauses:
            if c.path:
                out.setdefault("/".join(c.path), c)
        return out

    def clause(self, ref: str) -> Clause:
        """A clause by id (``doc#item-3f2a9c01de``) or by marker path (``一、/（二）``, also ``doc#一、/（二）``).

        Ids are stable across edits elsewhere in the document; paths are what a reader cites, and
        they move when clauses before them are inserted or deleted.
        """
        if ref in self.by_id:
            return self.by_id[ref]
        path = ref[len(self.doc_id) + 1:] if ref.startswith(f"{self.doc_id}#") else ref
        if path in self.by_path:
            return self.by_path[path]
        raise KeyError(ref)

    def at(self, path: str) -> Clause:
        """The clause at marker path ``path`` ("一、/（二）/1.")."""
        return self.by_path[path]

    def children(self, clause: Clause | None) -> list[Clause]:
        pid = clause.id if clause is not None else None
        return [c for c in self.clauses if c.parent_id == pid and (pid is not None or c.kind in ("body", "annex"))]

    def numbered_clauses(self) -> list[Clause]:
        return [c for c in self.clauses if c.kind in ("body", "table_row")]

    def full_text(self, clause: Clause) -> str:
        """The clause's text with all its descendants' text, in document order."""
        out = [clause.text]
        stack = [clause.id]
        ids = set(stack)
        for c in self.clauses:
            if c.parent_id in ids:
                ids.add(c.id)
                out.append(c.text)
        return "\n".join(out)

    def path_label(self, clause: Clause, sep: str = " › ") -> str:
        """Markers with headings from the root to ``clause``: 二、健全… › （四）加强…"""
        by_id = self.by_id
        chain = []
        cur: Clause | None = clause
        while cur is not None:
            chain.append(cur)
            cur = by_id.get(cur.parent_id) if cur.parent_id else None
        if not clause.path:
            return {"preamble": "前文", "postamble": "结尾", "paragraph": "段落"}.get(clause.kind, "")
        parts = []
        for c in reversed(chain):
            marker = c.marker if c.kind != "table_row" else f"表{c.marker}"
            parts.append(f"{marker}{c.heading}" if c.kind != "table_row" else marker)
        return sep.join(parts)

    def counts(self) -> dict[str, int]:
        """Clauses by numbering style (part, item, num, ordinal, table_row…) and pre/postamble kind."""
        out: dict[str, int] = {}
        for c in self.clauses:
            key = c.numbering or c.kind
            out[key] = out.get(key, 0) + 1
        return out

    def structure(self) -> dict[str, int]:
        """The clause-tree summary every view shows: parts (一、), items (（一）), what lies deeper."""
        c = self.counts()
        sub_items = sum(c.get(k, 0) for k in ("decimal", "num", "pnum", "rnum", "circled"))
        inline = c.get("ordinal", 0) + c.get("seq", 0)
        articles = c.get("article", 0)
        chapters = sum(c.get(k, 0) for k in ("book", "subbook", "chapter", "section"))
        return {
            "parts": c.get("part", 0), "items": c.get("item", 0), "sub_items": sub_items, "inline_points": inline,
            "articles": articles, "chapters": chapters, "deeper": sub_items + inline + articles + chapters,
            "table_rows": c.get("table_row", 0), "preamble": c.get("preamble", 0), "postamble": c.get("postamble", 0),
        }

    def to_dict(self, with_clauses: bool = True) -> dict:
        d = {
            "doc_id": self.doc_id, "path": str(self.path), "format": self.format, "encoding": self.encoding,
            "meta": self.meta.to_dict(), "numbered": self.numbered, "chars": len(self.text),
            "cleaning": {
                "dropped": self.cleaning.summary(),
                "duplicate_blocks": [{"first_line": a + 1, "last_line": b + 1, "copy_of_line": c + 1} for a, b, c in self.cleaning.duplicate_blocks],
            },
            "warnings": list(self.warnings),
            "clause_count": len(self.clauses),
        }
        if with_clauses:
            d["clauses"] = [c.to_dict() for c in self.clauses]
        return d


_ID_SAFE = re.compile(r"[^0-9A-Za-z_\-\u4e00-\u9fff.]+")


def doc_id_for(path: Path) -> str:
    return _ID_SAFE.sub("-", path.stem).strip("-") or "document"


def load_document(
    path: str | Path,
    doc_id: str | None = None,
    meta: DocMeta | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits | None = None,
) -> Document:
    """Read, clean and segment one file. ``meta`` (e.g. from a manifest) wins over extracted metadata.

    ``limits`` (default :func:`lawgov_nlp.config.limits`) bound the file, the text and every clause.
    """
    lim = limits or current_limits()
    raw = read_file(path, lim)
    p = Path(path)
    did = doc_id or doc_id_for(p)
    total = len(raw.text)
    tick = (lambda pos: progress(pos, total)) if progress else None
    cleaned = clean_lines(raw.text, progress=(lambda pos: tick(pos // 2)) if tick else None)
    if not cleaned.lines:
        raise InputError(f"{p}: no text left after removing blank lines and portal chrome")
    seg = segment_lines(did, raw.text, cleaned.lines, progress=(lambda pos: tick(total // 2 + pos // 2)) if tick else None,
                        limits=lim)
    extracted = extract_meta(cleaned.lines, cleaned.chrome, raw.html_meta)
    final = meta.merged(extracted) if meta is not None else extracted
    if progress:
        progress(total, total)
    warnings = list(raw.warnings) + list(seg.warnings)
    for a, b, c in cleaned.duplicate_blocks:
        warnings.append(f"dropped repeated block: lines {a + 1}-{b + 1} repeat line {c + 1} onwards")
    return Document(did, p, raw.text, raw.format, raw.encoding, final, seg.clauses, seg.numbered, cleaned, warnings)


def iter_paths(paths: list[str | Path]) -> Iterator[Path]:
    """Files under ``paths`` (directories are walked, sorted; see ``files.select_files``)."""
    from .files import select_files
    from .ingest import SUPPORTED_SUFFIXES

    yield from select_files(paths, SUPPORTED_SUFFIXES).files
