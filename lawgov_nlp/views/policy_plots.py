"""Plots of the policy analyses, with Chinese labels (the packaged Noto Sans CJK of ``plots.cjk``):
the citation graph, diffusion lags by level, directive-strength profiles, an indicator table."""
from __future__ import annotations

from .plots import _short, cjk

LEVEL_ZH = {"national": "国家", "province": "省级", "city": "市级", "county": "县级", "department": "部门", "": "未知", "unknown": "未知"}
KIND_COLORS = {"law": "#6a1b9a", "regulation": "#1565c0", "rule": "#00838f", "central": "#c62828", "local": "#ef6c00", "other": "#757575"}
KIND_ZH = {"law": "法律", "regulation": "法规", "rule": "规章", "central": "中央文件", "local": "地方文件", "other": "其他"}


def citation_graph(cset, ax=None, max_label: int = 12, only_resolved_or_shared: bool = False):
    """Documents (squares, by level) and the works they cite (circles, coloured by kind); edges
    drawn solid for implements, dashed for basis, dotted for mentions."""
    import networkx as nx
    from matplotlib.lines import Line2D

    g = cset.graph()
    if only_resolved_or_shared:
        keep = {n for n in g if g.nodes[n].get("in_corpus") or g.in_degree(n) >= 2 or g.out_degree(n) > 0}
        g = g.subgraph(keep).copy()
    with cjk() as plt:
        if ax is None:
            _, ax = plt.subplots(figsize=(11, 8))
        kinds = {}
        for _, v, d in g.edges(data=True):
            kinds.setdefault(v, d.get("kind", "other"))
        docs = [n for n in g if g.out_degree(n) > 0 or g.nodes[n].get("in_corpus")]
        works = [n for n in g if n not in docs]
        # citing documents on the inner ring, the works they cite outside, most-cited first
        works.sort(key=lambda n: (-g.in_degree(n), kinds.get(n, ""), n))
        pos = nx.shell_layout(g, [docs, works] if docs and works else None)
        nx.draw_networkx_nodes(g, pos, nodelist=docs, node_shape="s", node_size=520, node_color="#1f3a5f", ax=ax)
        nx.draw_networkx_nodes(g, pos, nodelist=works, node_size=[140 + 90 * g.in_degree(n) for n in works],
                               node_color=[KIND_COLORS.get(kinds.get(n, "other"), "#757575") for n in works], alpha=0.85, ax=ax)
        for rel, style in (("implements", "solid"), ("basis", "dashed"), ("mentions", "dotted")):
            es = [(u, v) for u, v, d in g.edges(data=True) if d.get("relation") == rel]
            nx.draw_networkx_edges(g, pos, edgelist=es, style=style, alpha=0.6, arrows=True, arrowsize=9, ax=ax)
        labels = {n: _short(g.nodes[n].get("title") or n, max_label) for n in g if n in docs or g.in_degree(n) >= 2 or g.nodes[n].get("in_corpus")}
        nx.draw_networkx_labels(g, pos, labels=labels, font_size=7, font_family=plt.rcParams["font.sans-serif"][0], ax=ax)
        handles = [Line2D([], [], marker="s", linestyle="", color="#1f3a5f", label="引用文件 citing document")]
        handles += [Line2D([], [], marker="o", linestyle="", color=c, label=KIND_ZH[k]) for k, c in KIND_COLORS.items()]
        handles += [Line2D([], [], linestyle=s, color="#555", label=l) for s, l in (("solid", "贯彻落实 implements"), ("dashed", "依据 basis"), ("dotted", "提及 mentions"))]
        ax.legend(handles=handles, fontsize=7, loc="lower left", frameon=False)
        ax.set_title("引用网络 Citation graph", fontsize=11)
        ax.axis("off")
        ax.figure.tight_layout()
        return ax


def lag_by_level(cset, ax=None):
    """Diffusion lag in years (citing year − cited year) of every dated edge, by citing level."""
    with cjk() as plt:
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.6))
        edges = [e for e in cset.edges() if e.lag_years is not None]
        levels = [l for l in ("province", "city", "county", "department", "") if any(e.source_level == l for e in edges)]
        data = [[e.lag_years for e in edges if e.source_level == l] for l in levels]
        if data:
            ax.boxplot(data, vert=False)
            for k, vals in enumerate(data, start=1):
                ax.scatter(vals, [k] * len(vals), alpha=0.6, zorder=3)
        ax.set_yticks(range(1, len(levels) + 1))
        ax.set_yticklabels([LEVEL_ZH.get(l, l) for l in levels])
        ax.set_xlabel("时滞（年）lag in years: citing − cited")
        ax.set_title("扩散时滞 Diffusion lag by level of the citing document", fontsize=11)
        ax.figure.tight_layout()
        return ax


def strength_profile(report, ax=None):
    """Share of directive spans at each level, one stacked bar per document."""
    with cjk() as plt:
        df = report.profile()
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 0.5 * len(df) + 1.8))
        cols = [("mandatory", "强制 必须/严禁", "#b71c1c"), ("obligatory", "义务 应当/要", "#ef6c00"),
                ("encouraging", "倡导 积极/鼓励", "#1565c0"), ("permissive", "授权 可以", "#9e9e9e")]
        left = [0.0] * len(df)
        for col, label, color in cols:
            vals = list(df[col])
            ax.barh(range(len(df)), vals, left=left, color=color, label=label)
            left = [a + b for a, b in zip(left, vals)]
        ax.set_yticks(range(len(df)))
        ax.set_yticklabels([f"{_short(t, 18)} ({n})" for t, n in zip(df["title"], df["spans"])], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("指令性词语占比 share of directive spans")
        ax.legend(fontsize=7, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
        ax.set_title("措辞强度 Directive strength", fontsize=11, pad=22)
        ax.figure.tight_layout()
        return ax
