"""Plots for notebooks and reports, with Chinese labels that render.

Matplotlib's default fonts have no CJK glyphs (labels become tofu boxes). The ``mplfonts``
package ships Noto Sans CJK SC inside the wheel, so ``make`` installs the font with everything
else and no system font or user step is needed; we register that one file rather than letting
mplfonts rewrite the user's matplotlibrc.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Sequence

from ..analysis.results import STATUSES
from ..errors import MissingDependency

STATUS_ORDER = [s.value for s in STATUSES]
STATUS_COLORS = [s.color for s in STATUSES]
STATUS_LABELS = [s.zh for s in STATUSES]


def _mpl():
    try:
        import matplotlib

        matplotlib.use(matplotlib.get_backend())
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency("plots need matplotlib and mplfonts: pip install 'lawgov-nlp[notebook]'") from exc
    return plt


def cjk_font_path() -> Path | None:
    try:
        import mplfonts
    except ImportError:
        return None
    p = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    return p if p.exists() else None


@contextlib.contextmanager
def cjk():
    """Make matplotlib draw Chinese: register the packaged Noto Sans CJK SC and put it first.

    Text is laid out when a figure is drawn or saved, after any rc_context would have ended, so
    the font goes in front of ``font.sans-serif`` for the session (on first plot, not at import).
    """
    plt = _mpl()
    from matplotlib import font_manager

    path = cjk_font_path()
    if path is None:
        raise MissingDependency("Chinese labels need the mplfonts package: pip install 'lawgov-nlp[notebook]'")
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    if plt.rcParams["font.sans-serif"][:1] != [name]:
        plt.rcParams["font.sans-serif"] = [name] + [f for f in plt.rcParams["font.sans-serif"] if f != name]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    yield plt


def _short(title: str, n: int = 16) -> str:
    return title if len(title) <= n else title[: n - 1] + "…"


def coverage_heatmap(report, ax=None, title: str | None = None):
    """Reference items × documents, one colour per status."""
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    with cjk() as plt:
        docs = report.documents
        items = docs[0].items
        grid = np.array([[STATUS_ORDER.index(d.items[i].final_status) for d in docs] for i in range(len(items))])
        if ax is None:
            _, ax = plt.subplots(figsize=(2.2 + 0.9 * len(docs), 0.32 * len(items) + 2.2))
        ax.imshow(grid, cmap=ListedColormap(STATUS_COLORS), vmin=0, vmax=3, aspect="auto")
        ax.set_yticks(range(len(items)))
        ax.set_yticklabels([f"{it.ref.path[-1] if it.ref.path else ''}{_short(it.ref.heading, 18)}" for it in items], fontsize=8)
        ax.set_xticks(range(len(docs)))
        ax.set_xticklabels([f"{_short(d.title, 14)}\n{d.coverage:.0%}" for d in docs], rotation=35, ha="right", fontsize=8)
        ax.set_xticks(np.arange(-0.5, len(docs)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(items)), minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="minor", length=0)
        ax.legend(handles=[Patch(color=c, label=l) for c, l in zip(STATUS_COLORS, STATUS_LABELS)], loc="upper center",
                  bbox_to_anchor=(0.5, 1.0 + 1.2 / max(len(items), 1)), ncol=4, fontsize=8, frameon=False)
        ax.set_title(title or f"对照《{_short(report.reference['title'], 30)}》落实情况", pad=28, fontsize=11)
        ax.figure.tight_layout()
        return ax


def coverage_by_part(report, ax=None):
    """Horizontal bars: coverage of each reference part, one group per document."""
    import numpy as np

    with cjk() as plt:
        docs = report.documents
        parts = list(docs[0].coverage_by_part())
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 0.45 * len(parts) * max(1, len(docs) / 2) + 1.5))
        h = 0.8 / len(docs)
        y = np.arange(len(parts))
        for k, d in enumerate(docs):
            cov = d.coverage_by_part()
            vals = [cov.get(p) or 0 for p in parts]
            ax.barh(y + k * h, vals, height=h, label=_short(d.title, 18))
        ax.set_yticks(y + h * (len(docs) - 1) / 2)
        ax.set_yticklabels([_short(p, 22) for p in parts], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("覆盖率 coverage (落实 = 1, 部分落实 = ½)")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        ax.set_title("各部分落实覆盖率 Coverage by part", fontsize=11)
        ax.figure.tight_layout()
        return ax


def timeline(docs: Sequence, ax=None):
    """Documents by year (x) and administrative level (y), marked by document type."""
    with cjk() as plt:
        levels = ["national", "province", "city", "county"]
        level_zh = {"national": "国家", "province": "省级", "city": "市级", "county": "县级"}
        markers = {"纲要": "*", "实施方案": "s", "工作要点": "^", "年度报告": "o"}
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.6))
        placed: dict[int, int] = {}
        years = [d.meta.year for d in docs if d.meta.year]
        for d in sorted(docs, key=lambda d: (d.meta.year or 0)):
            m = d.meta
            if not m.year or m.level not in levels:
                continue
            y = levels.index(m.level)
            ax.scatter(m.year, y, marker=markers.get(m.doc_type, "D"), s=140, zorder=3)
            # neighbours on one level alternate above and below so their labels do not overprint
            k = placed.get(y, 0)
            placed[y] = k + 1
            ax.annotate(_short(d.title, 12), (m.year, y), textcoords="offset points", xytext=(0, 12 if k % 2 == 0 else -18),
                        ha="center", fontsize=7)
        if years:
            ax.set_xlim(min(years) - 1, max(years) + 1)
        ax.set_yticks(range(len(levels)))
        ax.set_yticklabels([level_zh[l] for l in levels])
        ax.set_ylim(-0.6, len(levels) - 0.2)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel("年份 year")
        handles = [plt.Line2D([], [], marker=mk, linestyle="", markersize=9, color="#555", label=t) for t, mk in markers.items()]
        ax.legend(handles=handles, fontsize=8, loc="lower left", ncol=4)
        ax.set_title("文件时间线 Documents by year and level", fontsize=11)
        ax.figure.tight_layout()
        return ax
