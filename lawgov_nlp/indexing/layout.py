"""The index on disk as a directory of immutable versions behind a pointer, and who owns what.

    indexes/NAME/                   the index root: a stable directory (may be reached by a symlink)
      CURRENT                       one line, the name of the current version ("v000007")
      v000006/                      the previous version, kept so a reader that just resolved the
      v000007/                      pointer can still open it; older ones are removed
        manifest.json               what the version holds, with the size and checksum of every file
        clauses.sqlite  vectors.faiss  sentences.npy  sentence_owner.npy  vectors.npy  units.npy
        words/s000001.*.npy         BM25 postings, one segment per build or add (hard links
        chars/s000001.*.npy         between versions: a segment is written once)
      .v000008.building-PID/        a version being written (renamed to v000008 when complete)

A writer takes the lock, checks the target, writes a complete new version beside the current
one, renames it into place and replaces ``CURRENT`` atomically (``os.replace``). A reader reads
``CURRENT`` once and opens every file of that version, so it never sees half an index nor mixes
two builds. Files of a published version are never modified.

Ownership is explicit and checked by every writer: a directory is an index only if its
manifest says so (``"format": "lawgov-nlp-index"`` and a version this code reads); even then
only files whose names the format defines are ever removed, so a file a user put inside an
index survives every rebuild. Nothing else is ever deleted.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..errors import IndexStoreError, InputError

log = logging.getLogger(__name__)

FORMAT = "lawgov-nlp-index"
# 1-3: one flat directory (2: year_from/year_to, 3: clause ids name content); 4: versions behind a
# pointer; 5: BM25 over retrieval units (units.npy), folded traditional characters
FORMAT_VERSION = 5
POINTER = "CURRENT"
MANIFEST = "manifest.json"
BUILDING_MARK = "BUILDING"
KEEP_VERSIONS = 2  # the current one and the one before it
MAX_MANIFEST_BYTES = 50_000_000

VERSION_RE = re.compile(r"v(\d{6})")
BUILDING_RE = re.compile(r"\.v(\d{6})\.building-(\d+)")
# every file a version may hold; anything else is not ours and is neither read nor removed
DATA_FILE_RE = re.compile(
    r"(clauses\.sqlite|vectors\.faiss|sentences\.npy|sentence_owner\.npy|vectors\.npy|units\.npy"
    r"|(words|chars)/s\d{6}\.(keys|indptr|rows|tf|docrows|doclen)\.npy)"
)
# formats 1 to 3 (one flat directory, bm25s folders; units.npy from the unreleased flat units layout),
# recognised so they can be replaced without loss
LEGACY_FILE_RE = re.compile(
    r"(manifest\.json|clauses\.sqlite|vectors\.faiss|sentences\.npy|sentence_owner\.npy|vectors\.npy|units\.npy"
    r"|bm25_(words|chars)/[a-z_.]+\.(npy|json))"
)


def display(path: Path | str) -> str:
    """A path as text that can always be printed (undecodable bytes shown as \\xNN)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


# -- reading the pointer and manifests -----------------------------------------------------------

def read_json(path: Path, what: str) -> dict:
    # a manifest is a small regular file: never follow a link to, or read all of, anything else
    if path.is_symlink() or not path.is_file():
        raise IndexStoreError(f"{display(path)}: {what} is not a regular file: not a lawgov-nlp index")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise IndexStoreError(f"{display(path)}: cannot read {what} ({exc.strerror or exc})") from exc
    if len(raw) > MAX_MANIFEST_BYTES:
        raise IndexStoreError(f"{display(path)}: {what} is larger than {MAX_MANIFEST_BYTES} bytes: not a lawgov-nlp manifest")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexStoreError(f"{display(path)}: {what} is corrupt ({exc})") from exc
    if not isinstance(data, dict):
        raise IndexStoreError(f"{display(path)}: {what} is a JSON {type(data).__name__}, not an object: not a lawgov-nlp index")
    return data


def is_ours(data: dict) -> bool:
    return data.get("format") == FORMAT


def is_legacy(data: dict) -> bool:
    """A format 1 to 3 manifest (one flat directory, before versions): ours, but not readable any more."""
    return (data.get("format_version") in (1, 2, 3) and "format" not in data and isinstance(data.get("files"), dict)
            and {"encoder", "corpus_hash", "dictionary_hash", "lawgov_version"} <= set(data))


def current_version(root: Path) -> str | None:
    """The name of the current version of index ``root`` (None when there is no pointer)."""
    p = root / POINTER
    if not os.path.lexists(p):
        return None
    if p.is_symlink() or not p.is_file():
        raise IndexStoreError(f"{display(p)}: index pointer is not a regular file: the index is damaged")
    try:
        with open(p, "rb") as fh:
            text = fh.read(64).decode("ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexStoreError(f"{display(p)}: index pointer is unreadable ({exc})") from exc
    if not VERSION_RE.fullmatch(text):
        raise IndexStoreError(f"{display(p)}: index pointer names '{text[:20]}', not a version: the index is damaged")
    if (root / text).is_symlink():
        raise IndexStoreError(f"{display(root / text)}: a version is a symbolic link: the index is damaged")
    return text


def version_number(name: str) -> int:
    return int(name[1:])


# -- classifying a target ------------------------------------------------------------------------

def classify(root: Path) -> str:
    """``missing``, ``empty``, ``index`` (this format), ``legacy`` (flat formats 1 to 3), ``version`` (one
    version folder of an index) or ``foreign``."""
    if not root.exists():
        return "missing"
    if not root.is_dir():
        return "foreign"
    if (root / POINTER).exists():
        name = current_version(root)
        mpath = root / name / MANIFEST  # type: ignore[operator]
        if mpath.is_file() and is_ours(read_json(mpath, "manifest")):
            return "index"
        return "foreign"
    entries = [e for e in os.listdir(root) if not (BUILDING_RE.fullmatch(e) and _is_our_building(root / e))]
    if not entries:
        return "empty"
    if (root / MANIFEST).is_file():
        try:
            data = read_json(root / MANIFEST, "manifest")
        except IndexStoreError:
            return "foreign"
        if is_legacy(data) and all(isinstance(k, str) and LEGACY_FILE_RE.fullmatch(k) for k in data["files"]):
            return "legacy"
        if is_ours(data) and VERSION_RE.fullmatch(root.name) and (root.parent / POINTER).exists():
            return "version"
    return "foreign"


def _is_input(root: Path, inputs: Iterable[Path]) -> Path | None:
    for src in inputs:
        try:
            s = Path(os.path.realpath(src))
        except (OSError, ValueError):
            continue
        if root == s or s in root.parents:
            return Path(src)
    return None


def check_target(index_dir: Path, inputs: Sequence[Path] = (), want: str = "build") -> str:
    """The one ownership check every writer makes (under the lock): returns the target's kind or
    refuses, in one line, anything that could lose a user's data.

    ``want``: ``build`` accepts a missing or empty directory, an index, or a flat (format 1 to 3) index;
    ``update`` (add, remove) only an index of this format.
    """
    root = Path(os.path.realpath(index_dir))
    src = _is_input(root, inputs)
    if src is not None:
        raise IndexStoreError(f"{display(index_dir)}: is {'' if root == Path(os.path.realpath(src)) else 'inside '}"
                              f"the input {display(src)}; an index never goes into a document folder (choose another --index)")
    kind = classify(root)
    if kind == "version":
        raise IndexStoreError(f"{display(index_dir)}: is one version of the index {display(root.parent)}; give the index folder as --index")
    if kind == "foreign":
        what = "a file" if root.exists() and not root.is_dir() else "a folder that is not a lawgov-nlp index"
        if (root / MANIFEST).is_file():
            what += " (its manifest.json is not one of ours)"
        raise IndexStoreError(f"{display(index_dir)}: exists and is {what}; refusing to write into it (choose another --index)")
    if want == "update":
        if kind in ("missing", "empty"):
            raise IndexStoreError(f"{display(index_dir)}: index not found (build it with: lawgov-nlp index build)")
        if kind == "legacy":
            old = read_json(Path(os.path.realpath(index_dir)) / MANIFEST, "manifest").get("format_version")
            raise IndexStoreError(f"{display(index_dir)}: index format version {old}, this lawgov-nlp writes version {FORMAT_VERSION}: "
                                  f"rebuild it with lawgov-nlp index build … --index {display(index_dir)}")
    return kind


# -- the writer lock -----------------------------------------------------------------------------

@contextlib.contextmanager
def write_lock(index_dir: Path) -> Iterator[Path]:
    """Exclusive writer lock beside the index root (released by the OS if the writer dies).

    Yields the real root (a symlinked ``--index`` is followed, so the index behind it is updated)."""
    root = Path(os.path.realpath(index_dir))
    root.parent.mkdir(parents=True, exist_ok=True)
    lock_path = root.parent / f".{root.name}.lock"
    try:
        fh = open(lock_path, "a+")
    except OSError as exc:
        raise IndexStoreError(f"{display(lock_path)}: cannot create the index lock ({exc.strerror or exc})") from exc
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise IndexStoreError(f"{display(index_dir)}: another process is writing this index (lock {display(lock_path)} is held)") from None
    try:
        yield root
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


# -- writing a version ---------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _is_our_building(path: Path) -> bool:
    mark = path / BUILDING_MARK
    try:
        data = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def new_building_dir(root: Path, version: str) -> Path:
    tmp = root / f".{version}.building-{os.getpid()}"
    if tmp.exists():
        remove_ours(tmp)
    tmp.mkdir(parents=True)
    (tmp / BUILDING_MARK).write_text(json.dumps({"format": FORMAT, "pid": os.getpid()}), encoding="utf-8")
    return tmp


def clean_stale(root: Path) -> list[Path]:
    """Remove versions-in-progress left by writers that died (kill -9, power loss): only our own
    (marked) folders, only when their process is gone, only inside the index root."""
    removed = []
    if not root.is_dir():
        return removed
    for name in os.listdir(root):
        m = BUILDING_RE.fullmatch(name)
        if not m or int(m.group(2)) == os.getpid() or _pid_alive(int(m.group(2))):
            continue
        path = root / name
        if path.is_dir() and not path.is_symlink() and _is_our_building(path):
            left = remove_ours(path)
            if left:
                log.warning("%s: left %d files that are not the index's", path, len(left))
            removed.append(path)
    # formats 1 to 3 left .NAME.building-PID beside the index; remove those whose files are all ours
    parent = root.parent
    for name in os.listdir(parent):
        m = re.fullmatch(rf"\.{re.escape(root.name)}\.building-(\d+)", name)
        path = parent / name
        if not m or _pid_alive(int(m.group(1))) or not path.is_dir() or path.is_symlink():
            continue
        files = [str(p.relative_to(path)) for p in path.rglob("*") if not p.is_dir()]
        if all(LEGACY_FILE_RE.fullmatch(f) for f in files):
            remove_ours(path, LEGACY_FILE_RE)
            removed.append(path)
    return removed


def remove_ours(directory: Path, pattern: re.Pattern = DATA_FILE_RE) -> list[Path]:
    """Delete the files of ``directory`` whose names the format defines (and our markers), then
    the directories left empty. Returns what was left because it is not ours."""
    left: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(directory, topdown=False):
        d = Path(dirpath)
        for f in filenames:
            p = d / f
            rel = str(p.relative_to(directory))
            if pattern.fullmatch(rel) or rel in (MANIFEST, BUILDING_MARK):
                p.unlink()
            else:
                left.append(p)
        for sub in dirnames:
            s = d / sub
            if s.is_symlink():
                left.append(s)
                continue
            with contextlib.suppress(OSError):
                s.rmdir()
    with contextlib.suppress(OSError):
        directory.rmdir()
    return left


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(root: Path, tmp: Path, version: str) -> None:
    """Rename a complete version into place and switch the pointer to it atomically."""
    (tmp / BUILDING_MARK).unlink()
    for p in tmp.rglob("*"):
        if p.is_file():
            fsync_path(p)
    final = root / version
    if final.exists():
        raise IndexStoreError(f"{display(final)}: already exists; refusing to replace a published version")
    os.rename(tmp, final)
    ptr_tmp = root / f".{POINTER}.tmp-{os.getpid()}"
    ptr_tmp.write_text(version + "\n", encoding="ascii")
    fsync_path(ptr_tmp)
    os.replace(ptr_tmp, root / POINTER)
    fsync_path(root)


def prune_versions(root: Path, keep: int = KEEP_VERSIONS) -> None:
    """Remove versions older than the ``keep`` newest (never the current one, never a folder that
    is not ours, never a file the format does not name)."""
    current = current_version(root)
    versions = sorted((n for n in os.listdir(root) if VERSION_RE.fullmatch(n)), key=version_number)
    for name in versions[:-keep] if keep else versions:
        path = root / name
        if name == current or path.is_symlink() or not path.is_dir():
            continue
        try:
            if not is_ours(read_json(path / MANIFEST, "manifest")):
                continue
        except IndexStoreError:
            continue
        left = remove_ours(path)
        if left:
            log.warning("%s: kept %d files that are not the index's", path, len(left))


def remove_legacy(root: Path, files: Iterable[str]) -> list[Path]:
    """After a version is published over a flat (format 1 to 3) index: remove the flat files
    (only names that format defines and its manifest listed), keep everything else."""
    left = []
    for name in [*files, MANIFEST]:
        if not LEGACY_FILE_RE.fullmatch(name):
            continue
        p = root / name
        if p.is_file() and not p.is_symlink():
            p.unlink()
    for sub in ("bm25_words", "bm25_chars"):
        d = root / sub
        if d.is_dir() and not d.is_symlink():
            with contextlib.suppress(OSError):
                d.rmdir()
            if d.exists():
                left.append(d)
    return left


def link_or_copy(src: Path, dst: Path) -> None:
    """A published file into a new version: a hard link (files of a version never change), or a
    copy where the filesystem has no hard links."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def copy_file(src: Path, dst: Path) -> None:
    """A copy to be modified (copy_file_range lets the kernel share blocks where it can)."""
    shutil.copyfile(src, dst)


def as_path_list(paths, what: str = "paths") -> list[Path]:
    """``paths`` as a list; a single str/Path is one path (iterating a string would walk from '/')."""
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    try:
        out = [Path(p) for p in paths]
    except TypeError as exc:
        raise InputError(f"{what}: expected a list of files or directories, got {type(paths).__name__}") from exc
    return out
