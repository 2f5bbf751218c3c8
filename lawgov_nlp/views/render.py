"""Terminal views of documents, indexes, search results and evaluations (diff-plans: ``report``), and the
notebook HTML of search results."""
from __future__ import annotations

import html

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .. import display
from ..evaluation.diff import DiffEvaluation
from ..evaluation.search import SearchEvaluation
from ..indexing.index import BuildResult, IndexInfo
from ..indexing.search import SearchResults
from ..reading.corpus import DocumentList
from ..reading.document import Document
from .html import marked as marked_html
from .output import terminal_view

_KIND_STYLE = {"preamble": "dim", "postamble": "dim", "annex": "magenta", "table_row": "cyan", "paragraph": ""}


def document_summary_table(docs: list[Document]) -> Table:
    t = Table(title="lawgov-nlp corpus", show_lines=False)
    for col in ("document", "title", "type", "level", "year", "一、", "（一）", "deeper", "table rows", "pre/post", "clauses"):
        t.add_column(col, overflow="fold")
    for d in docs:
        s = d.structure()
        t.add_row(
            Text(d.doc_id), Text(d.title), d.meta.doc_type, d.meta.level, str(d.meta.year or ""), str(s["parts"]),
            str(s["items"]), str(s["deeper"]), str(s["table_rows"]),
            f"{s['preamble']}/{s['postamble']}", str(len(d.clauses)) + ("" if d.numbered else " (no numbering)"),
        )
    return t


def document_tree(d: Document, out: Console) -> None:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    m = d.meta
    for label, value in (
        ("document", d.doc_id), ("title", m.title), ("文号", m.doc_number), ("issuer", m.issuer), ("date", m.date),
        ("published", m.published), ("region", m.region), ("level", m.level), ("year", str(m.year or "")),
        ("type", m.doc_type), ("implements", m.implements), ("file", f"{d.path} ({d.format}, {d.encoding}, {len(d.text)} chars)"),
    ):
        if value:
            meta.add_row(label, Text(value))
    dropped = d.cleaning.summary()
    if dropped:
        meta.add_row("cleaned", ", ".join(f"{k}: {v} lines" for k, v in sorted(dropped.items())))
    for w in d.warnings:
        meta.add_row("note", Text(w, style="yellow"))
    out.print(meta)
    root = Tree(Text(d.title, style="bold"))
    nodes = {None: root}
    for c in d.clauses:
        label = Text()
        if c.kind in ("preamble", "postamble", "paragraph"):
            label.append({"preamble": "前文 ", "postamble": "结尾 ", "paragraph": "段落 "}[c.kind], style="dim")
            label.append(clip(c.text.replace("\n", " / "), 60), style="dim")
        elif c.kind == "table_row":
            label.append(f"表{c.marker} ", style="cyan")
            label.append(clip(c.text, 50))
            units = " / ".join(f"{k}:{v}" for k, v in c.fields.items() if k != "行号")
            label.append(f"  [{units}]", style="dim")
            if c.duplicate_of:
                same = d.by_id.get(c.duplicate_of)  # ids name content: show where the restated clause sits
                label.append(f"  = {'/'.join(same.path) if same is not None else c.duplicate_of}", style="dim italic")
        else:
            label.append(c.marker, style="bold " + _KIND_STYLE.get(c.kind, ""))
            label.append(c.heading)
            label.append(f"  ({len(c.text)}字)", style="dim")
        parent = nodes.get(c.parent_id, root)
        nodes[c.id] = parent.add(label)
    out.print(root)
    out.print()


def clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def highlighted(text: str, spans: list[tuple[int, int]], style: str = "bold yellow") -> Text:
    t = Text(text)
    for s, e in spans:
        t.stylize(style, s, e)
    return t


def search_table(query: str, results, explain: bool = False) -> Table:
    t = Table(title=Text(f"「{query}」"), show_lines=True, title_justify="left")
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("score", justify="right", no_wrap=True)
    t.add_column("document / clause", ratio=2, overflow="fold")
    t.add_column("text", ratio=5, overflow="fold")
    if explain:
        t.add_column("why", ratio=2, overflow="fold")
    for r in results:
        where = Text()
        where.append(r.title, style="bold")
        where.append("\n" + (r.path_label or r.kind), style="cyan")
        text = r.text if len(r.text) <= 400 else r.text[:400] + "…"
        cells = [str(r.rank), f"{r.score:.3f}", where, highlighted(text, [h for h in r.highlights if h[1] <= len(text)])]
        if explain:
            why = Text()
            why.append("terms: " + ("、".join(r.matched_terms) or "—") + "\n")
            why.append("  ".join(f"{k} {v:.3f}" for k, v in r.scores.items()), style="dim")
            cells.append(why)
        t.add_row(*cells)
    return t


@terminal_view(DocumentList)
def show_documents(docs: DocumentList, out: Console) -> None:
    if docs.summary:
        out.print(document_summary_table(list(docs)))
    else:
        for d in docs:
            document_tree(d, out)


@terminal_view(BuildResult)
def show_build(r: BuildResult, out: Console) -> None:
    m = r.manifest
    out.print(f"{r.verb} {r.path}: {m.documents} documents, {m.clauses} clauses, "
              f"encoder {m.encoder} ({m.dim}d), FAISS {m.faiss_factory}, embedded {m.embedded} new texts", markup=False)


@terminal_view(IndexInfo)
def show_index_info(info: IndexInfo, out: Console) -> None:
    m = info.manifest
    out.print(f"{info.path}  format v{m.format_version} · version {m.version} · encoder {m.encoder} ({m.dim}d) · FAISS {m.faiss_factory}"
              f" · {m.documents} documents · {m.clauses} clauses · built {m.built_at} · corpus {m.corpus_hash} · dictionary {m.dictionary_hash}", markup=False)
    t = Table(show_lines=False)
    for col in ("document", "title", "type", "level", "year", "region"):
        t.add_column(col, overflow="fold")
    for d in info.documents:
        t.add_row(Text(d["doc_id"]), Text(d["title"] or ""), Text(d["doc_type"] or ""), d["level"] or "", str(d["year"] or ""), Text(d["region"] or ""))
    out.print(t)


@terminal_view(SearchResults)
def show_search(results: SearchResults, out: Console, explain: bool = False, filtered: bool = False) -> None:
    if not results:
        out.print(f"no clause matches '{results.query}'" + (" with these filters" if filtered else ""), markup=False)
        return
    out.print(search_table(results.query, results, explain=explain))
    if explain:
        hits = getattr(results, "thesaurus", {}) or {}
        line = "thesaurus: " + ("; ".join(f"{k} → {'、'.join(v)}" for k, v in hits.items()) if hits else "no trigger in the query")
        if getattr(results, "strength", None) is not None:
            line += f" · lexical evidence {results.strength:.2f}"
        if getattr(results, "dense_share", None) is not None:
            line += f" → dense weight {results.dense_share:.2f}"
        out.print(line, markup=False)  # the console filters control characters (views.output)


def search_results_html(results: SearchResults, standalone: bool = False) -> str:
    """A notebook table of search results (always a fragment: ``search`` offers no HTML page)."""
    rows = []
    for r in results:
        sig = " · ".join(f"{k} {v:.2f}" for k, v in r.scores.items())
        rows.append(f"<tr><td>{r.rank}</td><td>{r.score:.3f}</td><td><b>{html.escape(r.title)}</b><br><small>{html.escape(r.path_label)}</small></td>"
                    f"<td style='text-align:left'>{marked_html(r.text, r.highlights)}<br><small style='color:#777'>{sig} · terms: {html.escape('、'.join(r.matched_terms))}</small></td></tr>")
    return (f"<p><b>「{html.escape(results.query)}」</b> ({results.mode}, {len(results)} results)</p><table><tr><th>#</th><th>score</th><th>document / clause</th><th>text</th></tr>"
            + "".join(rows) + "</table>")


# notebooks only: registered with display, not with html_view, so ``search --format html`` stays unoffered
display.register_html("SearchResults", search_results_html)


@terminal_view(SearchEvaluation)
def show_search_eval(ev: SearchEvaluation, out: Console) -> None:
    from pathlib import Path

    k = ev.k
    t = Table(title=f"search quality on {Path(ev.judgments).name}, index {ev.index} ({ev.documents} documents; k={k}; "
                    f"fixed config, not cross-validated)")
    for col in ("mode", "split", "queries", f"nDCG@{k}", f"Recall@{k}"):
        t.add_column(col)
    for r in ev.rows:
        t.add_row(r.mode, r.split, str(r.queries), f"{r.ndcg10:.3f}", f"{r.recall10:.3f}")
    out.print(t)


@terminal_view(DiffEvaluation)
def show_diff_eval(ev: DiffEvaluation, out: Console) -> None:
    cols, rows = ev.to_rows()
    t = Table(title="diff-plans against gold labels")
    for c in cols:
        t.add_column(c.replace("_", " "), overflow="fold")
    for r in rows:
        t.add_row(*[f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols])
    out.print(t)
