"""Views of the policy analyses: commitments, indicator tables, comparisons, directive strength,
citations and report tracing — rich terminal tables and self-contained HTML sections."""
from __future__ import annotations

import html

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.citations import KIND_ZH as CITED_KIND_ZH
from ..analysis.citations import RELATION_ZH, CitationSet
from ..analysis.commitments import KIND_ZH, CommitmentSet, IndicatorMatrix
from ..analysis.compare import LABEL_ZH, LABELS, PolicyComparison
from ..analysis.strength import LEVEL_ZH, StrengthReport
from ..analysis.trace import TRACE_ZH, TraceReport
from ..evaluation.policy import ExtractionEvaluation
from .output import html_view, terminal_view
from .render import clip
from .report import _CSS

LABEL_STYLE = {"kept": "", "tightened": "bold red", "loosened": "bold green", "dropped": "dim", "added": "cyan"}
LABEL_COLOR = {"kept": "#607d8b", "tightened": "#c62828", "loosened": "#2e7d32", "dropped": "#9e9e9e", "added": "#1565c0"}
TRACE_STYLE = {"done": "bold green", "partly": "yellow", "silent": "bold red", "not_applicable": "dim"}
TRACE_COLOR = {"done": "#2e7d32", "partly": "#f9a825", "silent": "#c62828", "not_applicable": "#9e9e9e"}
CHANGE_STYLE = {"weakened": "bold green", "strengthened": "bold red", "same": "", "dropped": "dim"}


def _one(s: str, n: int) -> str:
    return clip(s.replace("\n", " "), n)


def _page(title: str, subtitle: str, body: str, standalone: bool) -> str:
    if not standalone:
        return f"<style>{_CSS}</style><div>{body}</div>"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{_CSS}</style></head>'
            f'<body><header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header><main>{body}</main></body></html>')


def _badge(text: str, color: str) -> str:
    return f'<span class="badge" style="background:{color}">{html.escape(text)}</span>'


# -- commitments --------------------------------------------------------------------------------

@terminal_view(CommitmentSet)
def show_commitments(cs: CommitmentSet, out: Console, kinds: tuple = ()) -> None:
    for d in cs.documents:
        items = [c for c in d.commitments if not kinds or c.kind in kinds]
        counts = d.counts()
        out.print(Text.assemble((d.title, "bold"), " ", (d.doc_id, "dim"), "  ",
                                "  ".join(f"{KIND_ZH[k]} {counts[k]}" for k in counts), f"  单位分工 {len(d.assignments)}"))
        if not items:
            out.print(Text("  no commitments", style="dim"))
            continue
        t = Table(show_lines=False, pad_edge=False)
        for col, kw in (("clause", {"ratio": 2}), ("kind", {"no_wrap": True}), ("value", {"no_wrap": True}), ("indicator / subject", {"ratio": 3}),
                        ("text", {"ratio": 3}), ("lead / responsible", {"ratio": 2})):
            t.add_column(col, overflow="fold", **kw)
        for c in items:
            where = Text(_one(c.path_label.split(" › ")[-1] or c.clause_id.split("#")[-1], 30), style="cyan")
            if c.restates:
                where.append(" (表, restates)", style="dim")
            subj = Text(c.subject_key, style="bold" if c.indicator else "")
            units = " / ".join(x for x in ("、".join(c.lead), "、".join(c.responsible)) if x)
            t.add_row(where, KIND_ZH[c.kind], c.display_value, subj, Text(_one(c.text, 40)), Text(_one(units, 40), style="dim"))
        out.print(t)


def commitments_html(cs: CommitmentSet, standalone: bool = True) -> str:
    parts = []
    for d in cs.documents:
        parts.append(f"<h2>{html.escape(d.title)}</h2><table><tr><th>clause</th><th>kind</th><th>value</th><th>indicator</th><th>in the text</th><th>lead / responsible</th></tr>")
        by_clause: dict[str, list] = {}
        for c in d.commitments:
            by_clause.setdefault(c.clause_id, []).append(c)
        for c in d.commitments:
            units = html.escape("、".join(c.lead) + (" / " + "、".join(c.responsible) if c.responsible else ""))
            parts.append(f"<tr><td class='path'>{html.escape(c.path_label)}</td><td>{KIND_ZH[c.kind]}</td><td><b>{html.escape(c.display_value)}</b></td>"
                         f"<td>{'<b>' if c.indicator else ''}{html.escape(c.subject_key)}{'</b>' if c.indicator else ''}</td>"
                         f"<td>{html.escape(c.text)}</td><td class='reason'>{units}</td></tr>")
        parts.append("</table>")
    return _page("承诺与指标 Commitments", f"{len(cs.documents)} document(s) · lawgov-nlp commitments", "".join(parts), standalone)


html_view(CommitmentSet)(commitments_html)


@terminal_view(IndicatorMatrix)
def show_matrix(m: IndicatorMatrix, out: Console) -> None:
    t = Table(title="indicator × document (目标; 时限 and 成效 marked)", show_lines=True, title_justify="left")
    t.add_column("indicator", overflow="fold", ratio=3)
    for d in m.doc_ids:
        t.add_column(Text(_one(m.titles[d], 16)), overflow="fold", ratio=2)
    for k in m.indicators:
        t.add_row(Text(k), *[Text(m.cell_text(k, d)) for d in m.doc_ids])
    out.print(t)


def matrix_html(m: IndicatorMatrix, standalone: bool = True) -> str:
    head = "".join(f"<th>{html.escape(m.titles[d])}</th>" for d in m.doc_ids)
    rows = "".join(f"<tr><td><b>{html.escape(k)}</b></td>" + "".join(f"<td>{html.escape(m.cell_text(k, d))}</td>" for d in m.doc_ids) + "</tr>"
                   for k in m.indicators)
    body = f"<h2>指标对照 Indicator × document</h2><table><tr><th>indicator</th>{head}</tr>{rows}</table>"
    return _page("指标对照 Indicators", f"{len(m.indicators)} indicators × {len(m.doc_ids)} documents", body, standalone)


html_view(IndicatorMatrix)(matrix_html)


# -- comparison ---------------------------------------------------------------------------------

@terminal_view(PolicyComparison)
def show_comparison(cmp: PolicyComparison, out: Console, show: str = "commitments", verbose: bool = False) -> None:
    ref = cmp.reference
    out.print(Text.assemble(("reference ", "bold"), f"{ref['title']} ({ref['items']} items" + (", headings only: no commitments of its own" if ref.get("headings_only") else "") + ")"))
    titles = {d["doc_id"]: d["title"] for d in cmp.documents}
    for d in cmp.documents:
        items = [it for it in cmp.items if it.doc_id == d["doc_id"]]
        out.print()
        if show == "strength":
            changes = [(it, w) for it in items for w in it.wording if verbose or w.change != "same"]
            same = sum(1 for it in items for w in it.wording if w.change == "same")
            out.print(Text.assemble((titles[d["doc_id"]], "bold"), f"  wording: {len(changes)} changed, {same} the same"))
            if not changes:
                continue
            t = Table(show_lines=False, pad_edge=False)
            for col in ("item", "change", "reference wording", "local wording"):
                t.add_column(col, overflow="fold", ratio=3 if "wording" in col else 2)
            for it, w in changes:
                rt = Text(f"{w.ref.word}", style="bold").append(f" {_one(w.ref.scope, 40)}  [{LEVEL_ZH[w.ref.level]}]", style="")
                lt = Text(f"{w.local.word}", style="bold").append(f" {_one(w.local.scope, 40)}  [{LEVEL_ZH[w.local.level]}]") if w.local else Text("—")
                t.add_row(Text(_one(it.ref_label, 24)), Text(w.change, style=CHANGE_STYLE[w.change]), rt, lt)
            out.print(t)
            continue
        c = cmp.counts(d["doc_id"])
        line = Text.assemble((titles[d["doc_id"]], "bold"), " ", (d["doc_id"], "dim"), "  ")
        for k in LABELS:
            line.append(f"{LABEL_ZH[k]} {k} {c[k]}  ", style=LABEL_STYLE[k])
        out.print(line)
        t = Table(show_lines=False, pad_edge=False)
        for col, ratio in (("item", 2), ("label", 1), ("indicator", 3), ("reference", 2), ("this document", 3)):
            t.add_column(col, overflow="fold", ratio=ratio)
        for it in items:
            for p in it.pairs:
                if p.label == "dropped" and not verbose and it.status not in ("implemented", "partial"):
                    continue
                ref_v = f"{p.ref.display_value}" if p.ref else "—"
                loc = Text(f"{p.local.display_value}  ", style="bold") if p.local else Text("—", style="dim")
                if p.local:
                    loc.append(_one(p.local.text, 30), style="")
                if p.note:
                    loc.append(f"  ({p.note})", style="dim")
                t.add_row(Text(_one(it.ref_label, 24)), Text(f"{LABEL_ZH[p.label]} {p.label}", style=LABEL_STYLE[p.label]),
                          Text(_one(p.subject_key, 30)), ref_v, loc)
        out.print(t)
    if show != "strength" and cmp.indicators:
        cols, rows = cmp.indicator_rows()
        it = Table(title="indicators across documents (wherever each document sets them)", show_lines=True, title_justify="left")
        it.add_column("indicator", overflow="fold", ratio=3)
        for c in cols[1:]:
            it.add_column(Text(_one(titles.get(c, ref["title"] + "（参照）"), 16)), overflow="fold", ratio=2)
        for r in rows:
            it.add_row(Text(r["indicator"]), *[Text(r.get(c, "")) for c in cols[1:]])
        out.print()
        out.print(it)


def _by_document_table(heading: str, lead: tuple[str, ...], cols: list[str], rows: list[dict], titles: dict[str, str]) -> list[str]:
    """An HTML table of ``rows``: the ``lead`` columns (an item path, the indicator in bold), then one
    column per document id in ``cols`` after them, headed by its title. Nothing when there are no rows."""
    if not rows:
        return []
    docs = cols[len(lead):]
    lead_cell = {"item": "<td class='path'>{}</td>", "indicator": "<td><b>{}</b></td>"}
    out = [f"<h2>{heading}</h2><table><tr>" + "".join(f"<th>{c}</th>" for c in lead)
           + "".join(f"<th>{html.escape(titles.get(c, c))}</th>" for c in docs) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(lead_cell[c].format(html.escape(r[c])) for c in lead)
                   + "".join(f"<td>{html.escape(r.get(c, ''))}</td>" for c in docs) + "</tr>")
    out.append("</table>")
    return out


def comparison_html(cmp: PolicyComparison, standalone: bool = True) -> str:
    ref = cmp.reference
    parts = ["<p class='legend'>" + "".join(f"<span>{_badge(LABEL_ZH[k] + ' ' + k, LABEL_COLOR[k])}</span>" for k in LABELS) + "</p>"]
    titles = {d["doc_id"]: d["title"] for d in cmp.documents}
    titles[ref["doc_id"]] = ref["title"] + "（参照）"
    parts += _by_document_table("指标对照 Indicators across documents", ("indicator",), *cmp.indicator_rows(), titles)
    parts += _by_document_table("逐条对照 Item by item", ("item", "indicator"), *cmp.matrix_rows(), titles)
    changes = cmp.wording_changes()
    parts.append(f"<h2>措辞强弱 Wording weakened or strengthened ({len(changes)})</h2>")
    if changes:
        parts.append("<table><tr><th>document</th><th>item</th><th>change</th><th>reference</th><th>local</th></tr>")
        for it, w in changes:
            parts.append(f"<tr><td>{html.escape(it.doc_id)}</td><td class='path'>{html.escape(it.ref_label)}</td><td>{html.escape(w.change)}</td>"
                         f"<td><mark>{html.escape(w.ref.word)}</mark>{html.escape(w.ref.scope)} <small>[{LEVEL_ZH[w.ref.level]}]</small></td>"
                         f"<td><mark>{html.escape(w.local.word if w.local else '')}</mark>{html.escape(w.local.scope if w.local else '')} "
                         f"<small>[{LEVEL_ZH[w.local.level] if w.local else ''}]</small></td></tr>")
        parts.append("</table>")
    return _page(f"承诺对照：{ref['title']}", f"{len(cmp.documents)} document(s) · lawgov-nlp commitments --reference", "".join(parts), standalone)


html_view(PolicyComparison)(comparison_html)


# -- strength -----------------------------------------------------------------------------------

@terminal_view(StrengthReport)
def show_strength(r: StrengthReport, out: Console, verbose: bool = False) -> None:
    for d in r.documents:
        c = d.counts()
        out.print(Text.assemble((d.title, "bold"), "  ", "  ".join(f"{k} {v}" for k, v in c.items())))
        t = Table(show_lines=False, pad_edge=False)
        for col, ratio in (("clause", 2), ("level", 1), ("word", 1), ("governs", 5)):
            t.add_column(col, overflow="fold", ratio=ratio)
        shown = [s for s in d.spans if verbose or s.level >= 3]
        for s in shown[: None if verbose else 40]:
            lvl = Text(f"{s.level} {LEVEL_ZH[s.level]}", style="bold red" if s.level == 4 else "yellow" if s.level == 3 else "")
            word = Text(s.word + (" (原则上)" if s.hedged else ""), style="bold")
            t.add_row(Text(_one(d.path_labels.get(s.clause_id, "").split(" › ")[-1], 24), style="cyan"), lvl, word, Text(_one(s.scope, 60)))
        out.print(t)
        if not verbose and len(shown) > 40:
            out.print(Text(f"… {len(shown) - 40} more (levels 3–4; --verbose for all, --format csv for every span)", style="dim"))


# -- citations ----------------------------------------------------------------------------------

@terminal_view(CitationSet)
def show_citations(cs: CitationSet, out: Console, lags: bool = False) -> None:
    t = Table(title="citations (citing → cited)", show_lines=False, title_justify="left")
    for col, ratio in (("document", 2), ("cites", 4), ("文号", 2), ("relation", 1), ("kind", 1), ("n", 1), ("resolved / dated", 2)):
        t.add_column(col, overflow="fold", ratio=ratio)
    for e in cs.edges():
        res = (f"→ {e.target}" if e.resolved else "") + (f" {e.target_date}" if e.target_date else "")
        if e.lag_days is not None:
            res += f" (lag {e.lag_days} d)"
        elif e.lag_years is not None:
            res += f" (lag {e.lag_years} y)"
        t.add_row(Text(_one(e.source, 28), style="cyan"), Text(f"《{e.target_title}》"), Text(e.doc_number), RELATION_ZH[e.relation],
                  CITED_KIND_ZH[e.kind], str(e.occurrences), Text(res, style="green" if e.resolved else "dim"))
    out.print(t)
    rows = cs.lags()
    if rows:
        lt = Table(title="diffusion lag by level (citing date − cited date)", title_justify="left")
        for col in ("citing level", "cited level", "edges", "documents", "median days", "min", "max", "median years"):
            lt.add_column(col)
        for r in rows:
            lt.add_row(r["citing_level"], r["cited_level"], str(r["edges"]), str(r["documents"]), _num(r["median_lag_days"]),
                       _num(r["min_lag_days"]), _num(r["max_lag_days"]), _num(r["median_lag_years"]))
        out.print(lt)


def _num(v) -> str:
    return "—" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def citations_html(cs: CitationSet, standalone: bool = True) -> str:
    parts = ["<h2>引用 Citations</h2><table><tr><th>document</th><th>cites</th><th>文号</th><th>relation</th><th>kind</th><th>n</th><th>resolved</th><th>lag</th></tr>"]
    for e in cs.edges():
        lag = f"{e.lag_days} d" if e.lag_days is not None else (f"{e.lag_years} y" if e.lag_years is not None else "")
        parts.append(f"<tr><td class='path'>{html.escape(e.source_title)}</td><td>《{html.escape(e.target_title)}》</td><td>{html.escape(e.doc_number)}</td>"
                     f"<td>{RELATION_ZH[e.relation]}</td><td>{CITED_KIND_ZH[e.kind]}</td><td>{e.occurrences}</td>"
                     f"<td>{html.escape(e.target if e.resolved else '')}</td><td>{lag}</td></tr>")
    parts.append("</table>")
    rows = cs.lags()
    if rows:
        parts.append("<h3>扩散时滞 Diffusion lag by level</h3><table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in rows[0]) + "</tr>")
        for r in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(_num(v))}</td>" for v in r.values()) + "</tr>")
        parts.append("</table>")
    return _page("引用网络 Citations", f"{len(cs.documents)} document(s) · lawgov-nlp cite", "".join(parts), standalone)


html_view(CitationSet)(citations_html)


# -- tracing ------------------------------------------------------------------------------------

@terminal_view(TraceReport)
def show_trace(tr: TraceReport, out: Console, verbose: bool = False) -> None:
    out.print(Text.assemble(("plan ", "bold"), f"{tr.plan['title']} ({tr.plan['tasks']} tasks)"))
    for r in tr.reports:
        c = r.counts()
        out.print()
        line = Text.assemble((r.title, "bold"), " ", (r.doc_id, "dim"), "  ")
        for k, v in c.items():
            line.append(f"{TRACE_ZH[k]} {k} {v}  ", style=TRACE_STYLE[k])
        line.append(f"计划外成效 unplanned results {len(r.unplanned_results)}")
        out.print(line)
        t = Table(show_lines=False, pad_edge=False)
        for col, ratio in (("planned task", 3), ("trace", 1), ("evidence in the report", 5), ("targets", 3)):
            t.add_column(col, overflow="fold", ratio=ratio)
        for task in r.tasks:
            if task.evidence:
                ev = Text(task.evidence[0].path_label + "\n", style="cyan")
                ev.append(_one(task.evidence[0].text, 110 if not verbose else 400))
                if len(task.evidence) > 1:
                    ev.append(f"\n+ {len(task.evidence) - 1} more", style="dim")
            else:
                ev = Text("—", style="dim")
            targets = Text("\n".join(f"{x.target.display_value} → {x.result.display_value if x.result else '—'} {x.outcome}"
                                     + (" (elsewhere)" if x.where == "elsewhere" else "") for x in task.targets))
            t.add_row(Text(_one(task.label, 40)), Text(f"{TRACE_ZH[task.trace]}", style=TRACE_STYLE[task.trace]), ev, targets)
        out.print(t)
        if r.unplanned_results:
            out.print(Text.assemble(("计划外成效 results without a planned task: ", "bold"),
                                    "; ".join(f"{_one(x.subject_key, 16)} {x.display_value}" for x in r.unplanned_results[:12])
                                    + ("…" if len(r.unplanned_results) > 12 else "")))


def trace_html(tr: TraceReport, standalone: bool = True) -> str:
    parts = []
    for r in tr.reports:
        c = r.counts()
        parts.append(f"<h2>{html.escape(r.title)}</h2><div class='summary'>" + "".join(f"<div>{_badge(TRACE_ZH[k], TRACE_COLOR[k])} {v}</div>" for k, v in c.items())
                     + f"<div>计划外成效 {len(r.unplanned_results)}</div></div>")
        parts.append("<table><tr><th class='ref'>planned task 计划任务</th><th>trace</th><th>evidence 报告条款</th><th>targets</th></tr>")
        for task in r.tasks:
            ev = "".join(f"<div class='match'><div class='path'>{html.escape(e.path_label)}</div>{html.escape(_one(e.text, 300))}</div>" for e in task.evidence)
            tg = "<br>".join(html.escape(f"{x.target.display_value} → {x.result.display_value if x.result else '—'} ({x.outcome}"
                                         + (f", reported at {x.result.path_label}" if x.where == "elsewhere" and x.result else "") + ")") for x in task.targets)
            parts.append(f"<tr><td class='ref'>{html.escape(task.label)}</td><td>{_badge(TRACE_ZH[task.trace], TRACE_COLOR[task.trace])}</td><td>{ev}</td><td>{tg}</td></tr>")
        parts.append("</table>")
        if r.unplanned_results:
            parts.append("<h3>计划外成效 Results without a planned task</h3><table><tr><th>clause</th><th>result</th><th>text</th></tr>")
            for x in r.unplanned_results:
                parts.append(f"<tr><td class='path'>{html.escape(x.path_label)}</td><td>{html.escape(x.subject_key)} <b>{html.escape(x.display_value)}</b></td><td>{html.escape(x.text)}</td></tr>")
            parts.append("</table>")
    return _page(f"计划—报告追踪：{tr.plan['title']}", f"{len(tr.reports)} report(s) · lawgov-nlp trace", "".join(parts), standalone)


html_view(TraceReport)(trace_html)


# -- evaluation ---------------------------------------------------------------------------------

@terminal_view(ExtractionEvaluation)
def show_extraction_eval(ev: ExtractionEvaluation, out: Console, errors: bool = False) -> None:
    cols, rows = ev.to_rows()
    t = Table(title=f"{ev.what} against {ev.gold_file} (match: {ev.rule})", title_justify="left")
    for c in cols:
        t.add_column(c.replace("_", " "), overflow="fold")
    for r in rows:
        t.add_row(*[("—" if r[c] is None else f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c])) for c in cols])
    out.print(t)
    if errors:
        for e in ev.errors:
            out.print(Text(" ".join(f"{k}={v}" for k, v in e.items()), style="dim"))
