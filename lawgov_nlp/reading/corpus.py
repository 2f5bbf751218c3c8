"""A corpus: a directory of documents, optionally described by a ``manifest.toml``."""
from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import InputError
from .document import Document, doc_id_for, iter_paths, load_document
from .files import FileSelection, select_files
from .metadata import DocMeta

log = logging.getLogger(__name__)

MANIFEST = "manifest.toml"
_META_KEYS = {f.name for f in fields(DocMeta)}


@dataclass
class ManifestEntry:
    doc_id: str
    file: Path
    meta: DocMeta
    extra: dict = field(default_factory=dict)


def read_manifest(directory: str | Path) -> dict[str, ManifestEntry]:
    """Entries of ``directory/manifest.toml`` keyed by file name; empty when there is none."""
    d = Path(directory)
    path = d / MANIFEST
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid TOML manifest ({exc})") from exc
    out: dict[str, ManifestEntry] = {}
    for n, row in enumerate(data.get("documents", []), start=1):
        if "id" not in row or "file" not in row:
            raise InputError(f"{path}: document #{n} needs both 'id' and 'file'")
        meta = DocMeta(**{k: v for k, v in row.items() if k in _META_KEYS})
        extra = {k: v for k, v in row.items() if k not in _META_KEYS and k not in ("id", "file")}
        out[row["file"]] = ManifestEntry(row["id"], d / row["file"], meta, extra)
    return out


def default_corpus_dir() -> Path:
    """``./corpus`` when run from a checkout; the bundled corpus is the project's, not the package's."""
    return Path.cwd() / "corpus"


def load_path(path: str | Path, progress: Callable[[int, int], None] | None = None) -> Document:
    """One file, with metadata from a manifest beside it when the manifest lists the file."""
    p = Path(path)
    entry = read_manifest(p.parent).get(p.name) if p.parent.exists() else None
    if entry is not None:
        return load_document(p, entry.doc_id, entry.meta, progress=progress)
    return load_document(p, doc_id_for(p), progress=progress)


def iter_documents(paths: list[str | Path], on_error: Callable[[Path, Exception], None] | None = None) -> Iterator[Document]:
    """Documents under ``paths``. With ``on_error`` a bad file is reported and skipped, else it raises."""
    for p in iter_paths(paths):
        try:
            yield load_path(p)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(p, exc)


FORMATS_READ = ".txt, .md, .html, .docx, .pdf, .doc, .wps"


def _selection(paths: list[str | Path]) -> FileSelection:
    from .ingest import SUPPORTED_SUFFIXES

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return select_files(list(paths), SUPPORTED_SUFFIXES)


def _read_selection(sel: FileSelection, paths, read: Callable[[Path], Document], unique: bool = False) -> list[Document]:
    """Read the selected files: a named file that fails raises, a file found in a folder is
    skipped and named in the one summary line logged at the end."""
    def attempt(f: Path):
        try:
            return read(f)
        except InputError as exc:
            return exc

    return collect_read(sel, paths, (attempt(f) for f in sel.files), unique=unique)


def collect_read(sel: FileSelection, paths, results: Iterable, doc_of: Callable = lambda r: r, unique: bool = True) -> list:
    """The results of reading ``sel.files`` (one per file, in order: a result, or the
    ``InputError`` reading it raised), under the rules of :func:`load_documents`: a named file
    that failed raises, a walked one is skipped and summarised; no documents at all, or two with
    one id, are refused. ``doc_of`` gives a result's :class:`Document` (results read elsewhere,
    e.g. on other cores, carry more than the document)."""
    out = []
    for f, res in zip(sel.files, results):
        if isinstance(res, InputError):
            if f not in sel.walked:
                raise res
            sel.skip_unreadable(f, res)
        else:
            out.append(res)
    summary = sel.summary()
    if summary:
        log.warning(summary)
    if not out:
        detail = f" ({summary})" if summary else ""
        raise InputError(f"{', '.join(map(str, paths))}: no documents found ({FORMATS_READ}){detail}")
    seen: dict[str, Path] = {}
    for res in out if unique else ():
        doc = doc_of(res)
        if doc.doc_id in seen:
            raise InputError(f"{doc.path}: document id '{doc.doc_id}' is already used by {seen[doc.doc_id]}")
        seen[doc.doc_id] = doc.path
    return out


def select_inputs(paths) -> FileSelection:
    """The files :func:`load_documents` would read under ``paths``, in order."""
    return _selection(paths)


def load_documents(paths: list[str | Path]) -> list[Document]:
    """Every document under ``paths``; refuses an empty selection and duplicate document ids."""
    return _read_selection(_selection(paths), paths, load_path, unique=True)


def load_corpus(directory: str | Path | None = None) -> list[Document]:
    """Every document of a corpus directory (default ``./corpus``), in file-name order."""
    d = Path(directory) if directory is not None else default_corpus_dir()
    if not d.is_dir():
        raise InputError(f"{d}: corpus directory not found")
    return load_documents([d])


class DocumentList(list):
    """Documents as ``inspect`` shows them: the clause trees, or one line each with ``summary``."""

    def __init__(self, docs=(), summary: bool = False):
        super().__init__(docs)
        self.summary = summary
        self.skipped: list[tuple[Path, str]] = []  # (file, reason) of files found but not read

    def to_dict(self) -> dict:
        return {"documents": [d.to_dict(with_clauses=not self.summary) for d in self]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        if self.summary:
            rows = [summary_row(d) for d in self]
            return (list(rows[0]) if rows else SUMMARY_COLUMNS), rows
        rows = [{**c.to_dict(), "start": c.span[0], "end": c.span[1]} for d in self for c in d.clauses]
        return ["doc_id", "clause_id", "kind", "level", "path", "heading", "start", "end", "duplicate_of", "fields", "text"], rows


SUMMARY_COLUMNS = ["doc_id", "title", "type", "level", "year", "parts", "items", "deeper", "table_rows", "preamble", "postamble", "clauses", "numbered"]


def summary_row(d: Document) -> dict:
    s = d.structure()
    return {
        "doc_id": d.doc_id, "title": d.title, "type": d.meta.doc_type, "level": d.meta.level, "year": d.meta.year,
        "parts": s["parts"], "items": s["items"], "deeper": s["deeper"], "table_rows": s["table_rows"],
        "preamble": s["preamble"], "postamble": s["postamble"], "clauses": len(d.clauses), "numbered": d.numbered,
    }


def read_documents(paths: list[str | Path], summary: bool = False,
                   progress_for: Callable[[Path], Callable[[int, int], None] | None] | None = None) -> DocumentList:
    """Every document under ``paths`` as ``inspect`` reads them (each with metadata from its manifest).

    ``progress_for(path)`` may return a callback for a file worth a progress bar.
    """
    sel = _selection(paths)
    docs = _read_selection(sel, paths, lambda f: load_path(f, progress=progress_for(f) if progress_for else None))
    out = DocumentList(docs, summary=summary)
    out.skipped = sel.skipped
    return out


def find_document(directory: str | Path, doc_id: str) -> Path:
    """The file of document ``doc_id`` in ``directory``: by its manifest, else by file name."""
    d = Path(directory)
    for entry in read_manifest(d).values():
        if entry.doc_id == doc_id:
            return entry.file
    from .ingest import SUPPORTED_SUFFIXES

    for suffix in sorted(SUPPORTED_SUFFIXES):
        if (d / f"{doc_id}{suffix}").exists():
            return d / f"{doc_id}{suffix}"
    raise InputError(f"document '{doc_id}' not found in {d}")
