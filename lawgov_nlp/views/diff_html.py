"""HTML of diff-plans reports: the coverage matrix model and the self-contained static report.

A report of 600 documents used to be one 115 MB page that Chromium took 83 s to lay out, with
headers nobody could read and tofu on machines without CJK fonts. Now:

- the matrix has one row per document and one narrow column per reference item, with short
  labels and full titles and headings on hover, sortable and filterable, and documents that look
  unrelated hidden until asked for (the same template serves the web app);
- up to :data:`INLINE_MAX` documents are laid out in the page (printable, no script needed); past
  that each document's section is rendered, gzip-compressed and packed base64 into the page, and
  shown one at a time when a row or cell is clicked, so the browser lays out one document, not 600;
- Chinese is drawn with a subset of the packaged Noto Sans CJK SC holding just the characters the
  report uses, embedded in the page.

Everything is rendered from the report's documented JSON form (``DiffReport.to_dict()``).
"""
from __future__ import annotations

import base64
import gzip
import json

from .. import __version__
from .html import STATUS_RANK, environment, font_face_css, short_label, static_text
from .tables import item_marker, report_dict

INLINE_MAX = 20  # documents laid out in the page; more are packed and shown on demand
PACK_CLIP = 300  # packed evidence longer than this is shown around its shared phrases
PACK_MATCHES = 2  # packed items show this many evidence clauses in full, and name the others


def matrix_model(d: dict) -> dict:
    """What the matrix template shows, from a report's JSON form."""
    docs = d["documents"]
    items = []
    parts: list[dict] = []
    if docs:
        for it in docs[0]["items"]:
            ref = it["ref"]
            part = ref.get("part", "")
            items.append({"marker": item_marker(ref), "heading": ref.get("heading", ""), "part": part})
            if parts and parts[-1]["label"] == part:
                parts[-1]["count"] += 1
            else:
                parts.append({"label": part, "marker": _part_marker(part), "count": 1})
    rows = []
    for k, doc in enumerate(docs):
        meta = doc.get("meta") or {}
        search = " ".join(str(x) for x in (doc["title"], doc["doc_id"], meta.get("region"), meta.get("issuer"), meta.get("doc_type"), meta.get("level"), meta.get("year")) if x)
        rows.append({
            "k": k, "doc_id": doc["doc_id"], "title": doc["title"], "short": short_label(doc["title"]), "year": meta.get("year"),
            "coverage": doc["coverage"], "unrelated": bool(doc.get("unrelated")), "search": search,
            "cells": [(it["status"], it["score"]) for it in doc["items"]],
            # cells a reviewer set or noted (a signed report only: 600 unsigned rows carry nothing)
            "reviewed": [bool(it.get("reviewed")) for it in doc["items"]] if doc.get("signed") else None,
        })
    related = [r for r in rows if not r["unrelated"]] or rows
    share = [sum(1 for r in related if r["cells"][i][0] == "implemented") / len(related) if related else None for i in range(len(items))]
    return {"docs": rows, "items": items, "parts": parts, "unrelated": sum(1 for r in rows if r["unrelated"]), "item_share": share,
            "status_rank": STATUS_RANK}


def _part_marker(label: str) -> str:
    """The numeral of a part label (一、深入学习… → 一)."""
    head = label.split("、", 1)[0] if "、" in label[:5] else label[:2]
    return head or "·"


def document_html(doc: dict, k: int, clip_chars: int = 0, max_matches: int = 0) -> str:
    """One document's section: every reference item beside its evidence, and the local additions."""
    return str(environment().get_template("diff/macros.html").module.document_section(doc, k, clip_chars, max_matches))


def _pack(sections: list[str]) -> str:
    """Each section gzip-compressed on its own (gzip's 32 KB window finds nothing to share across
    documents of this size) and base64'd, in JSON: nothing in it can close its <script> element."""
    return json.dumps([base64.b64encode(gzip.compress(s.encode("utf-8"), 9, mtime=0)).decode("ascii") for s in sections])


def render_report(report, standalone: bool = True, inline_max: int = INLINE_MAX, embed_font: bool | None = None) -> str:
    """The report as one HTML page (``standalone``) or a fragment for notebooks."""
    d = report_dict(report)
    docs = d["documents"]
    packed = None
    sections: list[str] = []
    if standalone and len(docs) > inline_max:
        sections = [document_html(doc, k, PACK_CLIP, PACK_MATCHES) for k, doc in enumerate(docs)]
        packed = _pack(sections)
    mm = matrix_model(d) if len(docs) > 1 else None
    scripts = static_text("matrix.js") + (static_text("report.js") if packed is not None else "") if mm or packed else ""
    env = environment()
    marker = "/*lawgov-font*/"
    ctx = dict(r=d, mm=mm, packed=packed, standalone=standalone, version=__version__, css=static_text("lawgov.css"), scripts=scripts,
               cell_href=lambda k, i: f"#d{k}-i{i}", doc_href=lambda k: f"#d{k}", font_css=marker if standalone else "")
    page = env.get_template("diff/report.html").render(**ctx)
    if embed_font if embed_font is not None else standalone:
        # the subset holds every character of the page and of the packed sections
        chars = set(page)
        for s in sections:
            chars.update(s)
        page = page.replace(marker, font_face_css(chars), 1)
    return page.replace(marker, "", 1)
