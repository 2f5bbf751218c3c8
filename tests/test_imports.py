"""The package's import graph, read from the source (module- and function-level imports alike).

Function-level imports count: a lazy ``from ..views import x`` inside a method still ties the two
layers together, it only hides the tie from a reader of the imports at the top. Plug-in loading by
dotted name (``display``, ``views.output``) is the deliberate exception and is not an import here.
"""
from __future__ import annotations

import ast
import functools
import importlib
from pathlib import Path

import lawgov_nlp

PKG = Path(lawgov_nlp.__file__).parent
LOWER = ("reading", "indexing", "analysis", "evaluation")  # the library: never imports how results look
UPPER = ("views", "web", "cli")
ORDER = LOWER + UPPER  # each subpackage imports only those before it (the README's layout section)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.lru_cache(maxsize=1)  # one parse of the package serves every test here
def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported package module: first line}, every ``import`` anywhere in the module."""
    files = {_module_name(p): p for p in PKG.rglob("*.py")}
    modules = set(files)

    def resolve(name: str) -> str | None:
        # ``from .x import y`` names a module or a name in one: the longest module prefix is the target
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for mod, path in files.items():
        here = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
        out: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for t in targets:
                r = resolve(t) if t.startswith("lawgov_nlp") else None
                if r and r != mod:
                    out.setdefault(r, node.lineno)
        graph[mod] = out
    return graph


def layer(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 2 else "(root)"  # config, errors, display, the lazy __init__


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_scan_sees_function_level_imports():
    g = import_graph()
    # views.report imports diff_html inside render_html only
    assert "lawgov_nlp.views.diff_html" in g["lawgov_nlp.views.report"]
    assert "lawgov_nlp.analysis.results" in g["lawgov_nlp.views.report"]


def test_no_cycles_between_subpackages():
    g = import_graph()
    layers: dict[str, set[str]] = {}
    for mod, out in g.items():
        for t in out:
            if layer(t) != layer(mod) and layer(t) != "(root)":
                layers.setdefault(layer(mod), set()).add(layer(t))
    assert cycles(layers) == []


def test_no_module_import_cycles():
    g = import_graph()
    assert cycles({m: set(out) for m, out in g.items()}) == []


def test_the_library_never_imports_views_web_or_cli():
    g = import_graph()
    bad = [f"{mod}:{line} imports {t}" for mod, out in g.items() if layer(mod) in LOWER
           for t, line in out.items() if layer(t) in UPPER]
    assert bad == []


def test_subpackages_import_only_those_before_them():
    g = import_graph()
    bad = [f"{mod}:{line} imports {t}" for mod, out in g.items() if layer(mod) in ORDER
           for t, line in out.items() if layer(t) in ORDER and ORDER.index(layer(t)) > ORDER.index(layer(mod))]
    assert bad == []


def test_low_level_modules_import_nothing_above_them():
    # config, errors and display sit under every layer: anything they import could close a cycle
    g = import_graph()
    for mod in ("lawgov_nlp.config", "lawgov_nlp.errors", "lawgov_nlp.display"):
        assert set(g[mod]) <= {"lawgov_nlp.errors"}, mod


def test_every_display_entry_names_a_module_that_registers_it():
    from lawgov_nlp import display

    for type_name, module in display._VIEW_MODULES.items():
        importlib.import_module(module)
        assert type_name in display._RENDERERS, (type_name, module)


def test_results_draw_themselves_through_display(corpus_docs):
    """``_repr_html_`` gives what the view gives, for results built without an encoder."""
    from lawgov_nlp import extract_citations, extract_commitments
    from lawgov_nlp.indexing.search import SearchResult, SearchResults
    from lawgov_nlp.views import policy, render

    hit = SearchResult(rank=1, score=0.5, doc_id="d", clause_id="c", title="<标题>", path=["一、"], path_label="一、",
                       heading="h", text="推进行政复议体制改革", span=(0, 10), scores={"dense": 0.5}, matched_terms=["行政复议"],
                       highlights=[(2, 6)])
    results = SearchResults([hit], query="行政复议")
    html = results._repr_html_()
    assert html == render.search_results_html(results)
    assert "&lt;标题&gt;" in html and "<mark" in html and "行政复议" in html

    docs = list(corpus_docs.values())[:3]
    commitments = extract_commitments(docs)
    assert commitments._repr_html_() == policy.commitments_html(commitments, standalone=False)
    matrix = commitments.matrix()
    assert matrix._repr_html_() == policy.matrix_html(matrix, standalone=False)
    citations = extract_citations(docs)
    assert citations._repr_html_() == policy.citations_html(citations, standalone=False)
