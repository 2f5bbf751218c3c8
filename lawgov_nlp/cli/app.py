"""The typer application, error boundary and shared options of every command."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Callable

import typer

from ..errors import LawgovError

app = typer.Typer(
    name="lawgov-nlp",
    help="Search and compare Chinese 法治政府建设 policy documents clause by clause.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
index_app = typer.Typer(help="Build, extend and describe clause indexes.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(index_app, name="index")

IndexOpt = typer.Option(None, "--index", "-i", help="Index name under indexes/ or a directory path [default: indexes/default].")


def _version(value: bool) -> None:
    if value:
        from .. import __version__
        from ..views.output import write_text

        write_text(f"lawgov-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit.")) -> None:
    """Search and compare Chinese 法治政府建设 policy documents clause by clause."""


def fail(message: str) -> None:
    from rich.text import Text

    from ..views.output import console

    # messages quote file names and queries: never parse them as markup, never let them span lines
    one_line = " ".join(str(message).split("\n"))
    console(stderr=True).print(Text.assemble(("error: ", "bold red"), one_line), soft_wrap=True)


def warn(message: str) -> None:
    from rich.text import Text

    from ..views.output import console

    console(stderr=True).print(Text.assemble(("warning: ", "yellow"), str(message)), soft_wrap=True)


def handle_errors(fn: Callable) -> Callable:
    """Turn library errors into a one-line message and exit 1 (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except LawgovError as exc:
            fail(str(exc))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            fail("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # output piped into head/less that closed early: not an error worth a message
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except MemoryError:
            fail("out of memory (see the limits in `lawgov-nlp --help`: split the input or raise LAWGOV_MAX_CHARS)")
            raise typer.Exit(1) from None
        except OSError as exc:
            fail(f"{exc.filename or ''}{': ' if exc.filename else ''}{exc.strerror or exc}")
            raise typer.Exit(1) from None
        except Exception as exc:  # last resort: never a traceback for users
            if os.environ.get("LAWGOV_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set LAWGOV_DEBUG=1 for a traceback)")
            raise typer.Exit(2) from None

    return wrapper


def utf8_arg(value: str, what: str) -> str:
    """A text argument as given, refused in one line when the terminal passed bytes that are not
    UTF-8 (Python keeps them as lone surrogates, which nothing downstream can encode)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise LawgovError(f"{what} '{shown[:60]}' is not valid UTF-8 (set the terminal to UTF-8)") from None
    return value


def index_dir(index: str | None) -> Path:
    from ..indexing.index import resolve_index_dir

    return resolve_index_dir(index)


def index_inputs(index: str | None) -> list[Path]:
    """The index directory and the files of the documents it holds: ``-o`` may never overwrite
    them, ``--force`` or not (a search result written over the plan it was found in)."""
    from ..errors import LawgovError
    from ..indexing.index import resolve_index_dir
    from ..indexing.reader import version_dir
    from ..indexing.store import ClauseStore

    root = resolve_index_dir(index)
    try:
        store = ClauseStore(version_dir(root) / "clauses.sqlite")
    except (LawgovError, OSError):
        return [root]  # no index: the command itself will say so
    try:
        return [root] + [Path(d["path"]) for d in store.documents() if d.get("path")]
    finally:
        store.close()


def embedding_cache():
    """The on-disk embedding cache, or ``False`` (with a warning) where it cannot be written."""
    from ..indexing.encoders import resolve_cache

    cache = resolve_cache(True)  # the CLI caches by default; the library only when asked
    if cache is None:
        warn("embedding cache unavailable (set LAWGOV_CACHE to a writable directory); embedding without one")
    return cache if cache is not None else False


def stage_progress():
    """A rich progress bar on stderr with one line per stage (reading, embedding, …), rate and ETA."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from ..views.output import console

    prog = Progress(TextColumn("{task.description:<15}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]:>10}"),
                    TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), console=console(stderr=True), transient=True)
    tasks: dict[str, int] = {}
    lazy = _LazyProgress(prog)

    def cb(stage: str, done: int, total: int) -> None:
        lazy.start()
        if stage not in tasks:
            tasks[stage] = prog.add_task(stage, total=total, rate="")
        task = next((t for t in prog.tasks if t.id == tasks[stage]), None)
        speed = task.speed if task is not None else None
        prog.update(tasks[stage], completed=done, total=total, rate=f"{speed:,.0f}/s" if speed else "")

    return lazy, cb


class _LazyProgress:
    """Shown from the first progress report on, and only on a terminal: an error is its one line,
    with no blank line from a bar that never drew."""

    def __init__(self, prog):
        self.prog, self.started = prog, False

    def start(self) -> None:
        # not on a terminal (a pipe, a log file, CI): a bar is never drawn there, and rich would
        # still write a blank line when it stops
        if not self.started and self.prog.console.is_interactive:
            self.started = True
            self.prog.start()

    def stop(self) -> None:
        if self.started:
            self.started = False
            self.prog.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class _WarningLines:
    """The library's warnings (``logging``), shown as the CLI's one-line ``warning:`` messages."""

    def __init__(self):
        import logging

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                warn(record.getMessage())

        self.handler = Handler(level=logging.WARNING)
        self.logger = logging.getLogger("lawgov_nlp")

    def __enter__(self):
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)


def main() -> None:
    with _WarningLines():
        _main()


def _main() -> None:
    from typer._click.exceptions import NoArgsIsHelpError  # typer vendors click; no public name

    try:
        # without standalone mode click returns a command's exit code instead of exiting with it
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        fail("aborted")
        sys.exit(1)
    except NoArgsIsHelpError as exc:
        sys.stdout.write(exc.format_message() + "\n")
        sys.exit(0)
    except typer.TyperException as exc:
        # bad option values and usage errors: one line, like every other error
        fail(exc.format_message() if hasattr(exc, "format_message") else str(exc))
        sys.exit(getattr(exc, "exit_code", 2))
    except LawgovError as exc:  # raised outside a command (e.g. while parsing)
        fail(str(exc))
        sys.exit(1)
