"""Clause and document metadata in SQLite: the index's table of record (row number = FAISS id)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import quote

from ..errors import IndexStoreError

SCHEMA = """
CREATE TABLE documents (
  doc_id TEXT PRIMARY KEY, title TEXT, issuer TEXT, region TEXT, level TEXT, year INTEGER,
  doc_type TEXT, implements TEXT, path TEXT, sha256 TEXT, meta TEXT, year_from INTEGER, year_to INTEGER
);
CREATE TABLE clauses (
  row INTEGER PRIMARY KEY, clause_id TEXT UNIQUE, doc_id TEXT REFERENCES documents(doc_id),
  kind TEXT, numbering TEXT, level INTEGER, path TEXT, path_label TEXT, heading TEXT, text TEXT,
  start INTEGER, "end" INTEGER, parent_id TEXT, fields TEXT, duplicate_of TEXT,
  tokens TEXT, text_key BLOB
);
CREATE INDEX clauses_doc ON clauses(doc_id);
"""

CLAUSE_COLUMNS = ("row", "clause_id", "doc_id", "kind", "numbering", "level", "path", "path_label", "heading", "text", "start", "end", "parent_id", "fields", "duplicate_of")


class ClauseStore:
    """One version's clause database. Published versions never change, so readers open it
    read-only and ``immutable`` (no locks, no journal files written beside it); writers open the
    copy in a version being built."""

    def __init__(self, path: Path, create: bool = False, writable: bool = False):
        self.path = path
        if not create and not path.exists():
            raise IndexStoreError(f"{path}: clause database missing")
        try:
            if create or writable:
                self.db = sqlite3.connect(str(path))
            else:
                self.db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
            self.db.row_factory = sqlite3.Row
            if create:
                self.db.executescript(SCHEMA)
            else:
                self.db.execute("SELECT count(*) FROM clauses").fetchone()
        except sqlite3.DatabaseError as exc:
            raise IndexStoreError(f"{path}: clause database is corrupt or not SQLite ({exc})") from exc

    def replace(self, doc_rows: Sequence[dict], clause_rows: Sequence[dict], remove_docs: Sequence[str] = ()) -> None:
        """Remove documents (and their clauses) and insert others, in one transaction."""
        try:
            with self.db:
                for i in range(0, len(remove_docs), 500):
                    chunk = list(remove_docs[i:i + 500])
                    marks = ",".join("?" * len(chunk))
                    self.db.execute(f"DELETE FROM clauses WHERE doc_id IN ({marks})", chunk)
                    self.db.execute(f"DELETE FROM documents WHERE doc_id IN ({marks})", chunk)
                self.db.executemany(
                    "INSERT INTO documents VALUES (:doc_id, :title, :issuer, :region, :level, :year, :doc_type, :implements, :path, :sha256, :meta, "
                    ":year_from, :year_to)",
                    [{"year_from": None, "year_to": None, **r} for r in doc_rows])
                self.db.executemany(
                    'INSERT INTO clauses VALUES (:row, :clause_id, :doc_id, :kind, :numbering, :level, :path, :path_label, :heading, :text, '
                    ':start, :end, :parent_id, :fields, :duplicate_of, :tokens, :text_key)',
                    [{k: v for k, v in r.items() if k != "bigrams"} for r in clause_rows])
        except sqlite3.IntegrityError as exc:
            raise IndexStoreError(f"{self.path}: {exc} (two clauses or documents with the same id)") from exc

    def add_documents(self, rows: Iterable[dict]) -> None:
        self.replace(list(rows), [])

    def add_clauses(self, rows: Iterable[dict]) -> None:
        self.replace([], list(rows))

    def raw_rows(self, rows: Sequence[int]) -> list[dict]:
        """Clause rows as stored (tokens as text), in row order."""
        out = []
        rows = [int(r) for r in rows]
        for i in range(0, len(rows), 500):
            chunk = rows[i:i + 500]
            out.extend(dict(r) for r in self._query(f"SELECT * FROM clauses WHERE row IN ({','.join('?' * len(chunk))})", chunk))
        return sorted(out, key=lambda r: r["row"])

    def count(self) -> int:
        return self._one("SELECT count(*) FROM clauses")

    def documents(self) -> list[dict]:
        return [dict(r) for r in self._query("SELECT * FROM documents ORDER BY doc_id")]

    def all_clause_rows(self) -> list[dict]:
        return [dict(r) for r in self._query("SELECT * FROM clauses ORDER BY row")]

    def clauses_by_rows(self, rows: Sequence[int]) -> dict[int, dict]:
        out: dict[int, dict] = {}
        rows = [int(r) for r in rows]
        for i in range(0, len(rows), 500):
            chunk = rows[i:i + 500]
            q = ("SELECT c.*, d.title AS title, d.year AS year, d.region AS region, d.doc_type AS doc_type, d.level AS doc_level "
                 f"FROM clauses c JOIN documents d USING (doc_id) WHERE c.row IN ({','.join('?' * len(chunk))})")
            for r in self._query(q, chunk):
                d = dict(r)
                d["path"] = json.loads(d["path"])
                d["fields"] = json.loads(d["fields"])
                out[d["row"]] = d
        return out

    def rows_for_doc(self, doc_id: str) -> list[int]:
        return [r[0] for r in self._query("SELECT row FROM clauses WHERE doc_id=? ORDER BY row", [doc_id])]

    def filter_rows(self, doc_ids: Sequence[str] = (), region: str | None = None, years: tuple[int, int] | None = None, doc_type: str | None = None) -> list[int] | None:
        """Rows allowed by document filters, or None when no filter is set."""
        where, args = [], []
        if doc_ids:
            where.append(f"d.doc_id IN ({','.join('?' * len(doc_ids))})")
            args.extend(doc_ids)
        if region:
            # instr, not LIKE: a user's "_" or "%" is a character, not a wildcard
            where.append("(instr(d.region, ?) > 0 OR instr(d.issuer, ?) > 0 OR instr(d.title, ?) > 0)")
            args.extend([region] * 3)
        if years:
            # a document covers year_from..year_to (a 2021-2025 plan): any overlap with the filter
            where.append("COALESCE(d.year_from, d.year) <= ? AND COALESCE(d.year_to, d.year) >= ?")
            args.extend([years[1], years[0]])
        if doc_type:
            where.append("instr(d.doc_type, ?) > 0")
            args.append(doc_type)
        if not where:
            return None
        q = f"SELECT c.row FROM clauses c JOIN documents d USING (doc_id) WHERE {' AND '.join(where)} ORDER BY c.row"
        return [r[0] for r in self._query(q, args)]

    def _query(self, q: str, args: Sequence = ()):
        try:
            return self.db.execute(q, list(args)).fetchall()
        except sqlite3.DatabaseError as exc:
            raise IndexStoreError(f"{self.path}: clause database is corrupt ({exc})") from exc

    def _one(self, q: str, args: Sequence = ()):
        return self._query(q, args)[0][0]

    def close(self) -> None:
        self.db.close()


def json_text(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
