"""Terminal view of a version comparison (``diff-plans OLD NEW --versions``)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.versions import STATUS_ZH, STATUSES, ClauseChange, VersionDiff
from .output import terminal_view
from .render import clip

_PATHLESS = {"preamble": "前文", "postamble": "结尾", "paragraph": "段落"}
STATUS_STYLE = {"unchanged": "dim", "changed": "yellow", "moved": "cyan", "inserted": "bold green", "deleted": "bold red"}


def _words(ch: ClauseChange, limit: int) -> Text:
    """The changed clause with deletions struck through in red and insertions in green, clipped
    around the edits: unchanged runs longer than 24 characters keep only their ends."""
    t = Text(ch.new.marker_text if ch.new else "")
    for op, old, new in ch.words:
        if op == "equal":
            t.append(old if len(old) <= 24 else f"{old[:10]}…{old[-10:]}")
        if op in ("delete", "replace"):
            t.append(old, style="red strike")
        if op in ("insert", "replace"):
            t.append(new, style="bold green")
        if len(t) > limit:
            t.truncate(limit)
            t.append("…")
            break
    return t


def _where(ch: ClauseChange) -> Text:
    if ch.old is not None and ch.new is not None and ch.old.path != ch.new.path:
        return Text.assemble(("/".join(ch.old.path) or _PATHLESS.get(ch.old.kind, ""), "dim"), " → ",
                             "/".join(ch.new.path) or _PATHLESS.get(ch.new.kind, ""))
    side = ch.new or ch.old
    return Text("/".join(side.path) if side and side.path else _PATHLESS.get(side.kind if side else "", ""))


@terminal_view(VersionDiff)
def print_versions(diff: VersionDiff, out: Console, verbose: bool = False, all_clauses: bool = False) -> None:
    c = diff.counts()
    out.print(Text.assemble(("old ", "bold"), f"{diff.old['title']} ", (diff.old["path"], "dim")))
    out.print(Text.assemble(("new ", "bold"), f"{diff.new['title']} ", (diff.new["path"], "dim")))
    line = Text()
    for s in STATUSES:
        line.append(f"{STATUS_ZH[s]} {s} {c[s]}  ", style=STATUS_STYLE[s])
    line.append(f"(renumbered {c['renumbered']})", style="dim")
    out.print(line)
    shown = diff.changes if all_clauses else diff.edits()
    if not shown:
        out.print(Text("the two versions have the same clauses", style="green"))
        return
    t = Table(show_lines=False, pad_edge=False)
    t.add_column("status", no_wrap=True)
    t.add_column("clause", overflow="fold", ratio=2)
    t.add_column("text (deleted struck through, inserted in green)", overflow="fold", ratio=6)
    limit = 400 if verbose else 160
    for ch in shown:
        label = STATUS_ZH[ch.status] + (" 移动" if ch.moved and ch.status == "changed" else "")
        status = Text(label, style=STATUS_STYLE[ch.status])
        if ch.status == "changed":
            body = _words(ch, limit)
        else:
            side = ch.new or ch.old
            body = Text(clip(side.text.replace("\n", " "), limit), style="dim" if ch.status in ("unchanged", "moved") else "")
        t.add_row(status, _where(ch), body)
    out.print(t)
