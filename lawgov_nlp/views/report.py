"""diff-plans reports: rich terminal tables, CSV rows, and a self-contained HTML page."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.results import STATUSES, DiffReport, Status, subtask_summary
from .output import html_view, terminal_view
from .render import clip
from .tables import REVIEW_MARK, review_text


def _clip(s: str, n: int) -> str:
    return clip(s.replace("\n", " "), n)


def _highlight(text: str, spans, limit: int) -> Text:
    t = Text(_clip(text, limit))
    for a, b in spans:
        if a < limit:
            t.stylize("bold yellow", a, min(b, limit))
    return t


def _passage(m, limit: int) -> Text:
    """The scored passage of a match (not the whole clause), shared phrases highlighted."""
    if not m.evidence:
        return _highlight(m.text, m.target_spans, limit)
    a, b = m.evidence[0]
    spans = [(x - a, y - a) for x, y in m.target_spans if x >= a and y <= b]
    t = _highlight(m.text[a:b], spans, limit)
    return Text("…").append_text(t) if a > 0 else t


def _labels(matches) -> str:
    """Clauses named by their own last heading, for a one-line list."""
    return "; ".join(x.path_label.split(" › ")[-1][:20] for x in matches)


def review_line(report: DiffReport) -> str:
    """``reviewed [by NAME] on DATE: N items, M changed (file, sha256 prefix)``, or '' for a report nobody signed."""
    return review_text(report.review.to_dict()) if report.review is not None else ""



def scale_note(ref: dict) -> str:
    """What a score means for this reference, with the thresholds of the run (from its config)."""
    cfg = ref.get("config") or {}
    if ref.get("headings_only", True):
        return (f"score: the item's distinctive terms found (collection idf), best passage first; implemented ≥ {cfg.get('implemented_at', '?')}, "
                f"partial ≥ {cfg.get('partial_at', '?')} (-v: why each status)")
    via = ref.get("via")
    if via:
        n = len(via.get("links") or [])
        line = (f"{n} of {ref.get('items', '?')} items restate an item of {via.get('title') or via.get('doc_id')} and are judged through it: "
                f"score as for the 纲要 (its distinctive terms found), implemented ≥ {cfg.get('implemented_at', '?')}, partial ≥ "
                f"{cfg.get('partial_at', '?')}")
        if n < (ref.get("items") or 0):
            line += (f"; the others by their own words, implemented ≥ {cfg.get('body_implemented_at', '?')}, "
                     f"partial ≥ {cfg.get('body_partial_at', '?')}")
        return line + " (-v: why each status)"
    return (f"score: the share of a reference item's own words one passage carries, plus its dense bonus; implemented ≥ "
            f"{cfg.get('body_implemented_at', '?')}, partial ≥ {cfg.get('body_partial_at', '?')}; items named like the 纲要's also get "
            "its policy terms and sub-tasks (-v: why each status)")


def _status_cell(it) -> Text:
    final = it.final_status
    t = Text(final.zh, style=final.style)
    if it.review_status is not None:
        t.append(f" {REVIEW_MARK}", style="bold magenta")
        if it.overridden:
            t.append(f" (tool: {it.status.zh})", style="dim")
    return t


@terminal_view(DiffReport)
def print_report(report: DiffReport, out: Console, verbose: bool = False) -> None:
    ref = report.reference
    out.print(Text.assemble(("reference ", "bold"), f"{ref['title']} ({ref['items']} items" + (", headings only: expanded with policy terms" if ref.get("headings_only") else "") + ")"))
    out.print(Text(scale_note(ref), style="dim"))
    if report.review is not None:
        out.print(Text(review_line(report), style="magenta"))
    for d in report.documents:
        c = d.counts()
        out.print()
        line = Text.assemble((d.title, "bold"), " ", (d.doc_id, "dim"), "  coverage ", (f"{d.coverage:.0%}", "bold"))
        if report.review is not None and report.review.covers(d.doc_id):
            line.append(f" (tool {d.tool_coverage:.0%})", style="dim")
        elif report.review is not None:
            line.append("  未审核 not reviewed", style="bold yellow")
        line.append("  ")
        for s in STATUSES:
            line.append(f"{s.zh} {c[s.value]}  ", style=s.style)
        out.print(line)
        for note in d.notes:
            out.print(Text.assemble(("note: ", "yellow"), note))
        for w in d.warnings:
            out.print(Text.assemble(("warning: ", "bold yellow"), w))
        t = Table(show_lines=False, pad_edge=False)
        t.add_column("item", overflow="fold", ratio=3)
        t.add_column("status", no_wrap=True)
        t.add_column("score", justify="right", no_wrap=True)
        t.add_column("evidence in the document (shared phrases highlighted)", overflow="fold", ratio=6)
        for it in d.items:
            marker = it.ref.path[-1] if it.ref.path else ""
            status = _status_cell(it)
            if it.matches:
                m = it.matches[0]
                ev = Text(f"{m.path_label or m.clause_id.split('#')[-1]}\n", style="cyan")
                ev.append_text(_passage(m, 110 if not verbose else 400))
                if len(it.matches) > 1:
                    ev.append(f"\n+ {len(it.matches) - 1} more: " + _labels(it.matches[1:]), style="dim")
            elif it.status is Status.NOT_APPLICABLE:
                ev = Text(it.reason, style="dim")
            elif it.nearest is not None:
                ev = Text(f"nearest: {it.nearest.path_label} — {it.reason}", style="dim")
            else:
                ev = Text(it.reason, style="dim")
            others = it.near_misses[1:] if it.nearest is not None else it.near_misses  # those not shown above
            if others:
                ev.append("\nalso near: " + _labels(others), style="dim")
            if verbose and it.matches:  # why the status (an omission's reason is shown above)
                ev.append("\n" + it.reason, style="dim")
            sub = subtask_summary(it.subtasks, it.status.value)
            if sub:
                ev.append("\n" + sub, style="dim")
            if it.review_note:
                # the reviewer's words first: they are what the signed report stands on
                ev = Text.assemble((f"{REVIEW_MARK} ", "bold magenta"), (it.review_note, "magenta"), "\n").append_text(ev)
            label = Text(f"{marker}{it.ref.heading}")
            if it.through:  # --via: the national item it was judged through, for the reviewer to check the mapping
                label.append(f"\n→ {it.through}", style="dim")
            t.add_row(label, status, f"{it.score:.2f}", ev)
        out.print(t)
        parts = d.coverage_by_part()
        if len(parts) > 1:
            pt = Table(title="coverage by part", show_header=False, pad_edge=False, title_justify="left")
            pt.add_column()
            pt.add_column(justify="right")
            for part, cov in parts.items():
                pt.add_row(Text(part), "—" if cov is None else f"{cov:.0%}")
            out.print(pt)
        if d.additions:
            out.print(Text.assemble(("本地新增 local additions", "bold"), f" ({len(d.additions)} clause{' implements' if len(d.additions) == 1 else 's implement'} no reference item): "
                      + "; ".join(_clip(a.path_label.split(" › ")[-1] or a.text, 24) for a in d.additions[:8]) + ("…" if len(d.additions) > 8 else "")))
        if d.struck_additions:
            out.print(Text.assemble((f"{REVIEW_MARK} struck by the reviewer", "bold magenta"), f" ({len(d.struck_additions)} listed by the tool, not additions): "
                      + "; ".join(_clip(a.path_label.split(" › ")[-1] or a.text, 24) + (f" ({_clip(d.addition_review[a.clause_id][1], 30)})"
                                  if d.addition_review.get(a.clause_id, (None, ""))[1] else "") for a in d.struck_additions)))


# -- HTML --------------------------------------------------------------------------------------
# The page itself is built in views.diff_html from templates shared with the web app.

from .html import FONT_STACK, static_text  # noqa: E402

# the shared stylesheet, for other HTML views built as strings (views.policy)
_CSS = f":root{{--font-stack:{FONT_STACK}}}" + static_text("lawgov.css") + ".ref{width:38%}"


@html_view(DiffReport)
def render_html(report: DiffReport, standalone: bool = True, **options) -> str:
    from .diff_html import render_report

    return render_report(report, standalone=standalone, **options)
