"""One output layer for every command: ``--format`` and ``-o`` (modelled on sqlite-utils' ``output_options``).

A command returns a result object; :func:`emit` writes it in the chosen format to stdout or to a
file. Result objects carry their data (``to_dict`` for JSON, ``to_rows`` for CSV/xlsx); how they
look in a terminal or as HTML is registered here by type (:func:`terminal_view`, :func:`html_view`),
so the library never imports rich or builds markup.

Two rules hold for everything written:
- nothing the user owns is overwritten: ``-o`` refuses an existing file unless ``--force`` is
  given, and refuses the command's own inputs even then; files are written beside and renamed;
- document text never drives a terminal: every C0/C1 control character except newline and tab is
  made visible before it reaches a tty (:func:`terminal_safe`); JSON keeps the text as it was.
"""
from __future__ import annotations

import csv
import functools
import importlib
import inspect
import io
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from .. import display
from ..errors import InputError, LawgovError
from .cells import cell as _cell
from .cells import terminal_safe

ALL_FORMATS = ("table", "json", "csv", "html", "xlsx")
_BINARY = {"xlsx"}

# -- terminal safety: views.cells (shared with xlsx and html, which this module imports) ----------


def _make_console_class():
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        """A rich Console whose every text segment passes :func:`terminal_safe` (styles are ours)."""

        def render(self, renderable, options=None):  # type: ignore[override]
            for seg in super().render(renderable, options):
                if seg.control is None and seg.text:
                    yield Segment(terminal_safe(seg.text), seg.style, seg.control)
                else:
                    yield seg

    return SafeConsole


_console_class = None


def console(stderr: bool = False, file=None, record: bool = False, width: int | None = None):
    """The one console every command prints through (terminal-safe, CJK-aligned when piped)."""
    global _console_class
    if _console_class is None:
        _console_class = _make_console_class()
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    tty = hasattr(stream, "isatty") and stream.isatty()
    return _console_class(file=stream, highlight=False, record=record, width=width or (None if tty else 160),
                          force_terminal=None if file is None else False)


# -- views registered by type --------------------------------------------------------------------

_TERMINAL: dict[type, Callable] = {}
_HTML: dict[type, Callable] = {}
_SHEETS: dict[type, Callable] = {}


def terminal_view(cls: type):
    """Register ``fn(obj, console, **options)`` as the table view of ``cls``."""
    def deco(fn):
        _TERMINAL[cls] = fn
        return fn
    return deco


def html_view(cls: type):
    """Register ``fn(obj, standalone=True, **options) -> str`` as the HTML view of ``cls``: for
    ``--format html`` here, and for notebooks in :mod:`lawgov_nlp.display` (which results call, so
    they never import views)."""
    def deco(fn):
        _HTML[cls] = fn
        display.register_html(cls.__name__, fn)
        return fn
    return deco


def sheets_view(cls: type):
    """Register ``fn(obj) -> {sheet name: (columns, rows)}`` as the spreadsheet tables of ``cls``."""
    def deco(fn):
        _SHEETS[cls] = fn
        return fn
    return deco


def _lookup(table: dict[type, Callable], obj) -> Callable | None:
    _load_views()
    for klass in type(obj).__mro__:
        if klass in table:
            return table[klass]
    return None


# Importing these registers their views. They are imported by name, when something is first shown,
# because they import this module for the decorators: a plug-in table, not a two-way dependency.
_VIEW_MODULES = ("policy", "render", "report", "tables", "versions")


def _load_views() -> None:
    for name in _VIEW_MODULES:
        importlib.import_module(f"{__package__}.{name}")


# -- serialisation --------------------------------------------------------------------------------

def dumps(obj: Any) -> str:
    """JSON with Chinese kept readable (no \\u escapes); control characters are escaped by JSON."""
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default)


def _json_default(o):
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if isinstance(o, Enum):
        return o.value
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def to_csv(rows: Iterable[dict], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: _cell(row.get(k)) for k in columns})
    return buf.getvalue()


def sheets_of(obj) -> dict[str, tuple[list[str], list[dict]]]:
    """Named tables of a result: ``to_sheets()`` or a registered :func:`sheets_view` when it has
    several views, else its one ``to_rows()``."""
    if hasattr(obj, "to_sheets"):
        return obj.to_sheets()
    view = _lookup(_SHEETS, obj)
    if view is not None:
        return view(obj)
    cols, rows = obj.to_rows()
    return {"rows": (cols, rows)}


# -- writing --------------------------------------------------------------------------------------

def write_text(text: str, stream=None) -> None:
    stream = stream or sys.stdout
    if hasattr(stream, "isatty") and stream.isatty():
        text = terminal_safe(text)
    stream.write(text)
    if not text.endswith("\n"):
        stream.write("\n")
    stream.flush()


def check_output_path(path: Path, inputs: Sequence[Path] = (), force: bool = False) -> Path:
    """Refuse an ``-o`` that would lose data: an existing file without ``--force``, and, even with it,
    a file this command reads (an input, or a file inside an input directory), a symbolic link
    (it could point anywhere, an input included), a directory or a missing parent directory."""
    p = Path(path)
    shown = os.fsencode(str(p)).decode("utf-8", "backslashreplace")
    if p.is_symlink():
        raise InputError(f"{shown}: is a symbolic link; refusing to write through it (give the real file name)")
    if p.is_dir():
        raise InputError(f"{shown}: is a directory; give a file name for -o")
    if not p.parent.is_dir():
        raise InputError(f"{shown}: output directory {p.parent} does not exist")
    if p.exists():
        if _is_input(p, inputs):
            raise InputError(f"{shown}: is an input of this command; refusing to overwrite it")
        if not p.is_file():
            raise InputError(f"{shown}: is not a regular file; refusing to replace it")
        if not force:
            raise InputError(f"{shown}: already exists; refusing to overwrite it (use --force to replace it)")
    return p


def _is_input(p: Path, inputs: Sequence[Path]) -> bool:
    try:
        target = p.resolve()
    except OSError:
        return True  # a path we cannot resolve is not one we may replace
    for src in inputs:
        try:
            s = Path(src).resolve()
        except OSError:
            continue
        if target == s or (s.is_dir() and target.is_relative_to(s)):
            return True
        try:
            if s.is_file() and os.path.samefile(target, s):  # a hard link to an input
                return True
        except OSError:
            pass
    return False


def write_file_atomic(path, data: str | bytes) -> None:
    """Write ``data`` via a temporary sibling renamed into place: a failed run leaves no partial file."""
    p = Path(path)
    if not p.parent.is_dir():
        raise LawgovError(f"{p}: output directory {p.parent} does not exist")
    tmp = p.with_name(f".{p.name}.tmp-{os.getpid()}")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, p)  # check_output_path refused symlinks, so this replaces a plain file
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise LawgovError(f"{p}: cannot write ({exc.strerror or exc})") from exc


def render(obj, fmt: str, **options) -> str | bytes:
    """``obj`` in format ``fmt`` (``table`` renders as plain text without colours)."""
    if fmt == "json":
        return dumps(obj.to_dict() if hasattr(obj, "to_dict") else obj)
    if fmt == "csv":
        cols, rows = obj.to_rows()
        return to_csv(rows, cols)
    if fmt == "html":
        view = _lookup(_HTML, obj)
        if view is None:
            raise InputError("--format html is not available for this command")
        return view(obj, **options)
    if fmt == "xlsx":
        from .xlsx import workbook_bytes

        return workbook_bytes(sheets_of(obj))
    if fmt == "table":
        buf = io.StringIO()
        out = console(file=buf, record=True, width=160)
        show_table(obj, out, **options)
        return out.export_text()
    raise InputError(f"unknown format '{fmt}'")


def show_table(obj, out, **options) -> None:
    view = _lookup(_TERMINAL, obj)
    if view is None:
        out.print(dumps(obj.to_dict()), markup=False)
    else:
        view(obj, out, **options)


def render_file(obj, fmt: str, **options) -> str | bytes:
    """:func:`render` for a file (``-o``, a download): a CSV starts with a BOM, as Excel needs to read
    it as UTF-8 rather than the locale's code page."""
    data = render(obj, fmt, **options)
    if fmt == "csv" and isinstance(data, str) and not data.startswith("\ufeff"):
        data = "\ufeff" + data
    return data


def emit(obj, fmt: str = "table", output: Path | None = None, *, inputs: Sequence[Path] = (), force: bool = False,
         stderr_note: bool = True, **options) -> None:
    """Write a result: to the terminal (or stdout) when ``output`` is None, else atomically to a file."""
    if output is None:
        if fmt in _BINARY:
            raise InputError(f"--format {fmt} writes a binary file: give -o FILE.{fmt}")
        if fmt == "table":
            show_table(obj, console(), **options)
        else:
            write_text(render(obj, fmt, **options))  # type: ignore[arg-type]
        return
    path = check_output_path(output, inputs, force)
    write_file_atomic(path, render_file(obj, fmt, **options))
    if stderr_note:
        console(stderr=True).print(f"wrote {path}", markup=False)


# -- the decorator ---------------------------------------------------------------------------------

EXTENSION_FORMATS = {".json": "json", ".csv": "csv", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}


def format_for(fmt: str | None, output: Path | None, formats: Sequence[str], default: str) -> str:
    """The format to write: the one asked for, else the one ``-o``'s extension names (a table
    written into ``out.xlsx`` is a file no spreadsheet opens), else the command's default."""
    named = EXTENSION_FORMATS.get(Path(output).suffix.lower()) if output is not None else None
    if fmt is None:
        if named is None:
            return default
        if named not in formats:
            raise InputError(f"{output}: this command writes {', '.join(formats)}, not {named}; "
                             "choose another extension or give --format")
        return named
    if named is not None and named != fmt:
        raise InputError(f"{output}: the extension says {named} but --format is {fmt}; make them agree")
    return fmt


def output_options(*formats: str, default: str = "table", inputs: Callable[[dict], Sequence[Path]] | None = None):
    """Give a typer command ``--format/-f``, ``--output/-o`` and ``--force``; the command returns a
    result object (or None) and this writes it with :func:`emit`.

    ``inputs(kwargs)`` names the command's input files, which ``-o`` may never overwrite.
    """
    import typer

    formats = formats or ("table", "json", "csv")
    for f in formats:
        if f not in ALL_FORMATS:
            raise ValueError(f"unknown format {f}")
    enum = Enum("Format_" + "_".join(formats), {f: f for f in formats}, type=str)  # type: ignore[misc]

    def deco(fn):
        sig = inspect.signature(fn, eval_str=True)
        params = [p for p in sig.parameters.values()]
        params += [
            inspect.Parameter("fmt", inspect.Parameter.KEYWORD_ONLY, annotation=enum,
                              default=typer.Option(None, "--format", "-f", show_default=False,
                                                   help=f"Output format: {', '.join(formats)} [default: {default}, or what -o's extension names].")),
            inspect.Parameter("output", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[Path],
                              default=typer.Option(None, "--output", "-o", help="Write to this file instead of stdout (never over an input).")),
            inspect.Parameter("force", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                              default=typer.Option(False, "--force", help="Allow -o to replace an existing file that is not an input.")),
        ]

        @functools.wraps(fn)
        def wrapper(*args, fmt, output, force, **kwargs):
            fmt_value = format_for(fmt.value if isinstance(fmt, Enum) else fmt, output, formats, default)
            # named once: for --index this reads the index's document list
            sources = list(inputs(kwargs)) if inputs and output is not None else []
            if output is not None:
                # refuse before the work is done, not after an hour of it
                check_output_path(output, sources, force)
            kwargs["_fmt"] = fmt_value
            result = fn(*args, **kwargs)
            if result is None:
                return
            obj, options = result if isinstance(result, tuple) else (result, {})
            emit(obj, fmt_value, output, inputs=sources, force=force, **options)

        # the wrapped function takes `_fmt` (so it can adapt, e.g. skip work a format does not show)
        wrapper.__signature__ = sig.replace(parameters=[p for p in params if p.name != "_fmt"])  # type: ignore[attr-defined]
        return wrapper

    return deco
