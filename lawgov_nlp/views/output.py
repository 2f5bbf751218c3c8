"""One output layer for every command: ``--format table|json|csv``."""
from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from typing import Any, Iterable, Sequence


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def console(stderr: bool = False):
    from rich.console import Console

    # soft_wrap off + explicit width keeps CJK columns aligned when output is piped.
    return Console(stderr=stderr, highlight=False, width=None if sys.stdout.isatty() else 160)


def dumps(obj: Any) -> str:
    """JSON with Chinese kept readable (no \\u escapes)."""
    return json.dumps(obj, ensure_ascii=False, indent=2)


def to_csv(rows: Iterable[dict], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(row.get(k)) for k in columns})
    return buf.getvalue()


def _cell(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return "/".join(map(str, v))
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def write_text(text: str) -> None:
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()


def write_file_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary sibling, so a failed run leaves no partial file."""
    import os
    from pathlib import Path

    from ..errors import LawgovError

    p = Path(path)
    if not p.parent.is_dir():
        raise LawgovError(f"{p}: output directory {p.parent} does not exist")
    tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise LawgovError(f"{p}: cannot write ({exc.strerror or exc})") from exc
