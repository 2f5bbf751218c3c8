"""HTML building blocks shared by the static diff-plans report and the web app (``lawgov-nlp serve``).

One Jinja2 environment with autoescaping on, so every document string is escaped unless a filter
built here marks it safe after escaping it (:func:`marked`). Templates live in
``views/templates/``, the stylesheet and the small scripts in ``views/static/``; the web app loads
them from there too, so the report and the app show a document the same way.

Chinese must be readable without system fonts and without a CDN: the package ships a WOFF2
subset of Noto Sans CJK SC (``data/fonts``, SIL Open Font License, made by
``scripts/make_font_subset.py``). The web app serves that file; a static report embeds a further
subset holding only the characters it uses (:func:`font_face_css`).
"""
from __future__ import annotations

import base64
import io
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from markupsafe import Markup, escape

from .cells import terminal_safe

log = logging.getLogger(__name__)

from ..analysis.results import STATUSES as _STATUSES  # noqa: E402  (the one status vocabulary)
from ..analysis.results import subtask_summary  # noqa: E402

STATUSES = tuple(st.value for st in _STATUSES)
STATUS_ZH = {st.value: st.zh for st in _STATUSES}
STATUS_MARK = {"implemented": "●", "partial": "◐", "omitted": "○", "not_applicable": "–"}
STATUS_RANK = {s: k for k, s in enumerate(STATUSES)}

FONT_FAMILY = "Lawgov Sans CJK"
FONT_FILE = "LawgovSansCJK-Regular.woff2"
FONT_STACK = f'"{FONT_FAMILY}","Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif'


def package_dir(*parts: str) -> Path:
    return Path(str(resources.files("lawgov_nlp").joinpath(*parts)))


def font_path() -> Path:
    return package_dir("data", "fonts", FONT_FILE)


def static_text(name: str) -> str:
    """A stylesheet or script of ``views/static`` (inlined by the static report)."""
    return package_dir("views", "static", name).read_text(encoding="utf-8")


# -- filters -----------------------------------------------------------------------------------

def marked(text: str | None, spans=()) -> Markup:
    """``text`` escaped, with ``spans`` ([start, end) offsets into it) wrapped in <mark>, newlines as <br>."""
    text = terminal_safe(text or "")  # same length: spans stay valid
    out, pos = [], 0
    for a, b in sorted((int(a), int(b)) for a, b in (spans or ())):
        if a < pos or a >= len(text) or b <= a:
            continue
        out.append(str(escape(text[pos:a])))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(str(escape(text[pos:])))
    return Markup("".join(out).replace("\n", "<br>"))


def marked_excerpt(text: str | None, spans=(), limit: int = 360) -> Markup:
    """Like :func:`marked`, cut to about ``limit`` characters around the first highlighted span."""
    text = text or ""
    if len(text) <= limit:
        return marked(text, spans)
    spans = sorted((int(a), int(b)) for a, b in (spans or ()))
    first = spans[0][0] if spans else 0
    start = max(0, first - limit // 4)
    end = min(len(text), start + limit)
    start = max(0, end - limit)
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    body = marked(text[start:end], inside)
    return Markup(("…" if start else "") + body + ("…" if end < len(text) else ""))


def badge(status: str) -> Markup:
    return Markup('<span class="badge s-{0}">{1} {2}</span>').format(status, STATUS_ZH.get(status, status), status.replace("_", " "))


def pct(x) -> str:
    return "—" if x is None else f"{float(x):.0%}"


def clip(s: str | None, n: int) -> str:
    s = (s or "").replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


# words every plan and report title carries: dropped from short labels so what differs shows
_TITLE_NOISE = ("关于印发", "关于", "的通知", "人民政府办公室", "人民政府", "法治政府建设", "工作", "实施", "（", "）", "《", "》", "〈", "〉", "“", "”")


def short_label(title: str, n: int = 16) -> str:
    """A short, distinguishing label for a document title (full title goes in a tooltip)."""
    s = title or ""
    for w in _TITLE_NOISE:
        s = s.replace(w, "")
    s = s.strip(" -_—·") or title or ""
    return clip(s, n)


def item_short(index: int) -> str:
    return str(index + 1)


def _visible(value):
    """Every value a template prints: control characters and bidi overrides made visible, as in the
    terminal (they could otherwise reorder what a reader sees); our own markup passes as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return terminal_safe(value)
    return value


# -- environment -------------------------------------------------------------------------------

@cache
def environment(*extra_dirs: str):
    """The Jinja2 environment (autoescaping on) over ``views/templates`` and any ``extra_dirs``."""
    import jinja2

    loader = jinja2.FileSystemLoader([*extra_dirs, str(package_dir("views", "templates"))])
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             finalize=_visible)
    from .tables import review_text

    env.filters.update(marked=marked, marked_excerpt=marked_excerpt, badge=badge, pct=pct, clip=clip, short_label=short_label,
                       review_text=review_text, subtask_summary=subtask_summary)
    env.globals.update(STATUSES=STATUSES, STATUS_ZH=STATUS_ZH, STATUS_MARK=STATUS_MARK, STATUS_RANK=STATUS_RANK,
                       FONT_STACK=FONT_STACK, item_short=item_short)
    return env


# -- the CJK font ------------------------------------------------------------------------------

def font_subset(chars: Iterable[str]) -> bytes | None:
    """The packaged font cut down to ``chars`` (WOFF), or None when fontTools cannot do it."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        log.warning("fontTools is not installed: the report names system fonts only (pip install fonttools brotli)")
        return None
    path = font_path()
    if not path.exists():
        log.warning("%s is missing: the report names system fonts only", path)
        return None
    try:
        # the source's bounding boxes stay valid for a subset: recomputing them was 2/3 of the time
        font = TTFont(str(path), recalcBBoxes=False, recalcTimestamp=False)
        cmap = font.getBestCmap()
        unicodes = sorted({ord(c) for c in chars} & set(cmap))
        opts = subset.Options()
        # WOFF (zlib), not WOFF2: Brotli at the quality fontTools uses takes ~10 s for the 4,000
        # characters of a 600-document report, for a file only 15% smaller
        opts.flavor = "woff"
        opts.layout_features = ["kern", "liga", "locl", "halt", "palt"]
        opts.name_IDs = ["*"]  # keep the copyright and licence entries
        opts.hinting = False
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=unicodes)
        sub.subset(font)
        buf = io.BytesIO()
        font.flavor = "woff"
        font.save(buf)
        return buf.getvalue()
    except Exception as exc:  # noqa: BLE001  (a font problem must not cost the user the report)
        log.warning("could not subset %s (%s): the report names system fonts only", path, exc)
        return None


def font_face_css(chars: Iterable[str] | None = None, url: str | None = None) -> str:
    """An @font-face rule: the packaged font at ``url``, or embedded as a subset of ``chars``."""
    if url is not None:
        src = f'url("{url}") format("woff2")'
    else:
        data = font_subset(chars or ())
        if data is None:
            return ""
        src = f'url(data:font/woff;base64,{base64.b64encode(data).decode("ascii")}) format("woff")'
    return f'@font-face{{font-family:"{FONT_FAMILY}";src:{src};font-weight:400;font-style:normal;font-display:swap}}'
