"""diff-plans reports: rich terminal tables, CSV rows, and a self-contained HTML page."""
from __future__ import annotations

import html

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.results import STATUSES, DiffReport, Status
from .output import html_view, terminal_view
from .render import clip


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


@terminal_view(DiffReport)
def print_report(report: "DiffReport", out: Console, verbose: bool = False) -> None:
    ref = report.reference
    out.print(Text.assemble(("reference ", "bold"), f"{ref['title']} ({ref['items']} items" + (", headings only: expanded with policy terms" if ref.get("headings_only") else "") + ")"))
    for d in report.documents:
        c = d.counts()
        out.print()
        line = Text.assemble((d.title, "bold"), " ", (d.doc_id, "dim"), "  coverage ", (f"{d.coverage:.0%}", "bold"), "  ")
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
            status = Text(it.status.zh, style=it.status.style)
            if it.matches:
                m = it.matches[0]
                ev = Text(f"{m.path_label or m.clause_id.split('#')[-1]}\n", style="cyan")
                ev.append_text(_passage(m, 110 if not verbose else 400))
                if len(it.matches) > 1:
                    ev.append(f"\n+ {len(it.matches) - 1} more: " + "; ".join(x.path_label.split(" › ")[-1][:20] for x in it.matches[1:]), style="dim")
            elif it.status is Status.NOT_APPLICABLE:
                ev = Text(it.reason, style="dim")
            elif it.nearest is not None:
                ev = Text(f"nearest: {it.nearest.path_label} — {it.reason}", style="dim")
            else:
                ev = Text(it.reason, style="dim")
            t.add_row(Text(f"{marker}{it.ref.heading}"), status, f"{it.score:.2f}", ev)
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
            out.print(Text.assemble(("本地新增 local additions", "bold"), f" ({len(d.additions)} clauses implement no reference item): "
                      + "; ".join(_clip(a.path_label.split(" › ")[-1] or a.text, 24) for a in d.additions[:8]) + ("…" if len(d.additions) > 8 else "")))


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f3a5f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
main{padding:16px 24px}h2{border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #ddd;padding:6px 8px;vertical-align:top;font-size:14px}
th{background:#eef2f7;text-align:left}.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;white-space:nowrap}
mark{background:#ffe58f;padding:0 1px}.ref{width:38%}.path{color:#1f5f8b;font-size:12px;margin-bottom:2px}.reason{color:#777;font-size:12px}
.matrix td{text-align:center;padding:2px;min-width:34px}.matrix td a{display:block;color:#fff;text-decoration:none;font-size:12px;padding:4px 0}
.matrix th.doc{writing-mode:vertical-rl;white-space:nowrap;font-weight:normal;font-size:12px}.legend span{margin-right:12px}
.summary{display:flex;gap:16px;flex-wrap:wrap;margin:8px 0}.summary div{background:#fff;border:1px solid #ddd;padding:6px 12px;border-radius:4px}
.match{border-left:3px solid #9ab;padding-left:8px;margin-bottom:8px}.note{background:#fff3cd;border:1px solid #ffe08a;padding:6px 10px}
"""


def marked_html(text: str, spans) -> str:
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos or a >= len(text):
            continue
        out.append(html.escape(text[pos:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def _badge(status: Status) -> str:
    return f'<span class="badge" style="background:{status.color}">{status.zh} {status.value.replace("_", " ")}</span>'


def _marked_passage(m) -> str:
    """The clause with shared phrases marked; a long clause is cut to the scored passage and a
    little context around it."""
    text = m.text
    if not m.evidence:
        return marked_html(_clip(text, 600), m.target_spans)
    a, b = m.evidence[0]
    lo, hi = (0, len(text)) if len(text) <= 600 else (max(0, a - 120), min(len(text), b + 120))
    spans = [(x - lo, y - lo) for x, y in m.target_spans if x >= lo and y <= hi]
    body = marked_html(text[lo:hi], spans)
    return ("…" if lo else "") + body + ("…" if hi < len(text) else "")


def _config_html(ref: dict) -> str:
    cfg = ref.get("config") or {}
    data = ref.get("data") or {}
    rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>" for k, v in {**cfg, **data}.items())
    return (f'<details><summary>configuration: encoder {html.escape(str(ref.get("encoder", "")))}, config {html.escape(str(ref.get("config_fingerprint", "")))}'
            f'</summary><table>{rows}</table></details>')


@html_view(DiffReport)
def render_html(report: "DiffReport", standalone: bool = True) -> str:
    ref = report.reference
    docs = report.documents
    parts = []
    if standalone:
        parts.append(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>diff-plans: {html.escape(ref["title"])}</title><style>{_CSS}</style></head><body>')
        parts.append(f'<header><h1>对照：{html.escape(ref["title"])}</h1><p>{len(docs)} document(s) · {ref["items"]} reference items · lawgov-nlp diff-plans</p></header><main>')
    else:
        parts.append(f"<style>{_CSS}</style><div>")
    legend = "".join(f"<span>{_badge(s)}</span>" for s in STATUSES)
    parts.append(f'<p class="legend">{legend}</p>')
    parts.append(_config_html(ref))
    if len(docs) > 1:
        parts.append("<h2>覆盖矩阵 Coverage matrix</h2><table class='matrix'><tr><th>reference item</th>")
        for k, d in enumerate(docs):
            parts.append(f'<th class="doc" title="{html.escape(d.title)}"><a href="#d{k}">{html.escape(_clip(d.title, 26))}</a></th>')
        parts.append("</tr><tr><td><b>coverage</b></td>" + "".join(f"<td>{d.coverage:.0%}</td>" for d in docs) + "</tr>")
        for i, it0 in enumerate(docs[0].items):
            label = f"{it0.ref.path[-1] if it0.ref.path else ''}{it0.ref.heading}"
            parts.append(f"<tr><td style='text-align:left'>{html.escape(label)}</td>")
            for k, d in enumerate(docs):
                st = d.items[i].status
                parts.append(f'<td style="background:{st.color}"><a href="#d{k}-i{i}" title="{html.escape(d.title)} · {st.zh}">{st.zh[:2]}</a></td>')
            parts.append("</tr>")
        parts.append("</table>")
    for k, d in enumerate(docs):
        c = d.counts()
        parts.append(f'<h2 id="d{k}">{html.escape(d.title)}</h2>')
        parts.append('<div class="summary">' + f"<div>coverage <b>{d.coverage:.0%}</b></div>" + "".join(f"<div>{_badge(s)} {c[s.value]}</div>" for s in STATUSES) + "</div>")
        for note in d.notes + d.warnings:
            parts.append(f'<p class="note">{html.escape(note)}</p>')
        parts.append("<table><tr><th class='ref'>reference item 纲要条目</th><th>status</th><th>evidence in the document 本地条款</th></tr>")
        for i, it in enumerate(d.items):
            first = it.matches[0] if it.matches else None
            ref_cell = f'<div class="path">{html.escape(it.ref.path_label)}</div>' + marked_html(it.ref.text, first.ref_spans if first else [])
            if it.expanded_terms:
                ref_cell += f'<div class="reason">policy terms: {html.escape("、".join(it.expanded_terms))}</div>'
            ev = []
            for m in it.matches:
                ev.append(f'<div class="match"><div class="path">{html.escape(m.path_label)} · score {m.score:.2f}</div>{_marked_passage(m)}'
                          f'<div class="reason">shared: {html.escape("、".join(m.shared[:10]) or "—")}</div></div>')
            if not it.matches and it.nearest is not None and it.status is not Status.NOT_APPLICABLE:
                ev.append(f'<div class="match"><div class="path">nearest: {html.escape(it.nearest.path_label)} · score {it.nearest.score:.2f}</div>{_marked_passage(it.nearest)}</div>')
            ev.append(f'<div class="reason">{html.escape(it.reason)}</div>')
            parts.append(f'<tr id="d{k}-i{i}"><td class="ref">{ref_cell}</td><td>{_badge(it.status)}<br><small>{it.score:.2f}</small></td><td>{"".join(ev)}</td></tr>')
        parts.append("</table>")
        if d.additions:
            parts.append(f"<h3>本地新增 Local additions ({len(d.additions)})</h3><table><tr><th>clause</th><th>text</th></tr>")
            for a in d.additions:
                parts.append(f"<tr><td class='path'>{html.escape(a.path_label)}</td><td>{html.escape(_clip(a.text, 240))}</td></tr>")
            parts.append("</table>")
    parts.append("</main></body></html>" if standalone else "</div>")
    return "".join(parts)
