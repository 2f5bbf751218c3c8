"""Cutting a cleaned document into a clause tree along Chinese official numbering.

Levels follow GB/T 9704 practice: 一、 > （一） > 1. > （1） > ①, and 第X章 > 第X节 > 第X条 for
legal texts; 一是/二是 runs inside a paragraph become the lowest level. Nesting is decided by
these ranks, not by position, so a 1. directly under 二、 (seed 001) nests correctly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .clean import Line
from .normalize import strip_punct
from .numbering import ANNEX, RANK_ANNEX, RANK_ORDINAL, match_marker, ordinal_runs

_TERMINAL = tuple("。！？；：:!?;」』”）)】")
_HEADING_MAX = 40
_HEADING_HARD_MAX = 60
_TABLE_COLUMNS = {
    "序号", "重点工作任务", "工作任务", "主要任务", "具体任务", "任务", "工作内容", "工作措施", "具体措施",
    "牵头单位", "责任单位", "牵头部门", "责任部门", "配合单位", "配合部门", "完成时限", "完成时间",
    "时间节点", "时限要求", "备注",
}
_TABLE_KEY_COLUMNS = {"牵头单位", "责任单位", "牵头部门", "责任部门", "配合单位", "配合部门"}


@dataclass
class Clause:
    """One clause: a numbered unit with its own text (not its children's), or a pre/postamble block."""

    id: str
    doc_id: str
    path: tuple[str, ...]
    kind: str  # body | preamble | postamble | annex | table_row | paragraph
    heading: str
    text: str
    span: tuple[int, int]
    level: int
    parent_id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    duplicate_of: str | None = None
    numbering: str = ""  # chapter|section|article|part|item|num|pnum|circled|ordinal|annex|table_row|""

    @property
    def marker(self) -> str:
        return self.path[-1] if self.path else ""

    def to_dict(self) -> dict:
        return {
            "clause_id": self.id, "doc_id": self.doc_id, "path": list(self.path), "kind": self.kind,
            "level": self.level, "heading": self.heading, "text": self.text, "span": list(self.span),
            "parent_id": self.parent_id, "fields": dict(self.fields), "duplicate_of": self.duplicate_of,
            "numbering": self.numbering,
        }


@dataclass
class _Builder:
    kind: str
    rank: int
    path: tuple[str, ...]
    marker_len: int  # characters of the marker at the start of the first piece
    pieces: list[tuple[int, int]] = field(default_factory=list)
    parent: "_Builder | None" = None
    needs_body: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    heading: str | None = None
    numbering: str = ""


@dataclass
class Segmentation:
    clauses: list[Clause]
    numbered: bool
    warnings: list[str] = field(default_factory=list)


def heading_of(rest: str) -> str:
    """The short title of a clause from the text after its marker."""
    rest = rest.strip(" 　\t")
    m = re.search(r"[。；;：:！!？?]", rest)
    first = rest[: m.start()] if m else rest
    if len(first) > _HEADING_MAX:
        # A long first sentence is cut at its first comma; a long one without a comma is kept
        # whole up to a hard limit, so headings stay quotable.
        c = re.search(r"[，,]", first)
        if c and 0 < c.start() <= _HEADING_HARD_MAX:
            first = first[: c.start()]
        elif len(first) > _HEADING_HARD_MAX:
            first = first[:_HEADING_HARD_MAX] + "…"
    return first.strip().rstrip("，,、")


def _heading_only(rest: str) -> bool:
    rest = rest.strip()
    body = rest[:-1] if rest.endswith(("。", ".", "：", ":")) else rest
    return len(rest) <= _HEADING_MAX and not re.search(r"[。；;！!？?]", body)


def _hard_wrapped(lines: Sequence[Line]) -> bool:
    long_lines = [ln for ln in lines if len(ln.text) >= 15]
    if len(long_lines) < 10:
        return False
    open_ended = sum(1 for ln in long_lines if not ln.text.endswith(_TERMINAL))
    return open_ended / len(long_lines) >= 0.5


class _Segmenter:
    def __init__(self, doc_id: str, text: str, lines: Sequence[Line], progress: Callable[[int], None] | None):
        self.doc_id = doc_id
        self.text = text
        self.lines = lines
        self.progress = progress
        self.stack: list[_Builder] = []
        self.done: list[_Builder] = []
        self.preamble: list[list[Line]] = []
        self.pending: list[list[Line]] = []
        self.numbered = False
        self.wrap = _hard_wrapped(lines)
        self.warnings: list[str] = []

    # -- paragraphs -------------------------------------------------------------------------
    def _units(self) -> list[list[Line]]:
        """Lines grouped into paragraphs: only hard-wrapped (PDF-extracted) text joins lines."""
        units: list[list[Line]] = []
        for ln in self.lines:
            if (
                self.wrap and units and len(units[-1][-1].text) >= 15
                and not units[-1][-1].text.endswith(_TERMINAL)
                and match_marker(ln.text) is None and not ANNEX.match(ln.text)
                and ln.text not in _TABLE_COLUMNS and not ln.text.isdigit()
            ):
                units[-1].append(ln)
            else:
                units.append([ln])
        return units

    def run(self) -> Segmentation:
        units = self._units()
        i = 0
        while i < len(units):
            if self.progress is not None and i % 2000 == 0:
                self.progress(units[i][0].start)
            unit = units[i]
            table = self._table_at(units, i)
            if table is not None:
                i = table
                continue
            first = unit[0].text
            annex = ANNEX.match(first)
            marker = match_marker(first)
            if annex and (len(first) <= 60):
                self._open_annex(unit, annex)
            elif marker is not None:
                self._open_numbered(unit, *marker)
            else:
                self._plain(unit)
            i += 1
        self._close_body()
        return self._finish()

    # -- numbered clauses -------------------------------------------------------------------
    def _open_numbered(self, unit: list[Line], kind: str, rank: int, marker: str, mlen: int) -> None:
        self._flush_pending_into_top()
        if not self.numbered:
            self.numbered = True
        while self.stack and self.stack[-1].rank >= rank:
            self.done.append(self.stack.pop())
        parent = self.stack[-1] if self.stack else None
        path = (parent.path if parent else ()) + (marker,)
        b = _Builder("body", rank, path, mlen, parent=parent, numbering=kind)
        rest = unit[0].text[mlen:] + "".join(ln.text for ln in unit[1:])
        b.needs_body = _heading_only(rest)
        self.stack.append(b)
        self._add_unit(b, unit, skip=mlen)

    def _open_annex(self, unit: list[Line], m: re.Match[str]) -> None:
        top = self.stack[0] if self.stack else None
        if top is not None and top.kind == "annex" and len(top.pieces) <= 3 and len(self.stack) == 1 and not self.pending:
            # "附件：标题" followed by the annex page's own "附件" header: one annex, not two.
            top.pieces.append((unit[0].start, unit[-1].end))
            if top.heading is None and unit[0].text[m.end():].strip():
                top.heading = heading_of(unit[0].text[m.end():])
            return
        self._close_body()
        marker = "附件" + (m.group(1) or "")
        b = _Builder("annex", RANK_ANNEX, (marker,), 0, numbering="annex")
        b.needs_body = True
        rest = unit[0].text[m.end():].strip()
        if rest:
            b.heading = heading_of(rest)
        b.pieces.append((unit[0].start, unit[-1].end))
        self.stack.append(b)

    def _plain(self, unit: list[Line]) -> None:
        if not self.stack:
            self.preamble.append(unit)
            return
        top = self.stack[-1]
        if top.needs_body:
            if top.kind == "annex" and top.heading is None:
                top.heading = heading_of("".join(ln.text for ln in unit))
                top.pieces.append((unit[0].start, unit[-1].end))
                return
            top.needs_body = top.kind == "annex"
            self._add_unit(top, unit, skip=0)
        else:
            self.pending.append(unit)

    def _flush_pending_into_top(self) -> None:
        if self.pending and self.stack:
            for unit in self.pending:
                # re-read the top each time: a paragraph with a 一是 run pushes new clauses
                self._add_unit(self.stack[-1], unit, skip=0)
        self.pending = []

    def _add_unit(self, b: _Builder, unit: list[Line], skip: int) -> None:
        """Add a paragraph to ``b``, splitting off 一是/二是 runs as child clauses."""
        joined = "".join(ln.text for ln in unit)
        runs = ordinal_runs(joined[skip:]) if len(unit) == 1 else []
        if not runs:
            for k, ln in enumerate(unit):
                b.pieces.append((ln.start, ln.end))
            return
        ln = unit[0]
        base = ln.start + skip
        lead_end = base + runs[0][0]
        lead = self.text[ln.start:lead_end].rstrip()
        if lead.strip():
            b.pieces.append((ln.start, ln.start + len(lead)))
        if b.rank == RANK_ORDINAL and b.parent is not None:
            # A new 一是… run in a later paragraph: its points are siblings of the earlier run.
            b = b.parent
        # ordinals are children of the clause holding the paragraph
        while self.stack and self.stack[-1] is not b and self.stack[-1].rank >= RANK_ORDINAL:
            self.done.append(self.stack.pop())
        for k, (start, tstart, marker) in enumerate(runs):
            end = base + runs[k + 1][0] if k + 1 < len(runs) else ln.end
            seg = self.text[base + start:end].rstrip()
            child = _Builder("body", RANK_ORDINAL, b.path + (marker,), tstart - start, parent=b, numbering="ordinal")
            child.pieces.append((base + start, base + start + len(seg)))
            if self.stack and self.stack[-1].rank == RANK_ORDINAL:
                self.done.append(self.stack.pop())
            self.stack.append(child)

    def _close_body(self) -> None:
        """End of the numbered body (annex or end of text): pending paragraphs are closing text."""
        for unit in self.pending:
            self.done.append(_Builder("postamble", 99, (), 0, pieces=[(unit[0].start, unit[-1].end)]))
        self.pending = []
        while self.stack:
            self.done.append(self.stack.pop())

    # -- flattened tables --------------------------------------------------------------------
    def _table_at(self, units: list[list[Line]], i: int) -> int | None:
        """Parse a table flattened to one cell per line (seed 003); return the index after it."""
        if units[i][0].text not in _TABLE_COLUMNS:
            return None
        j = i
        header: list[str] = []
        while j < len(units) and units[j][0].text in _TABLE_COLUMNS and len(header) < 8:
            header.append(units[j][0].text)
            j += 1
        columns = [h for h in header if h != "序号"]
        if not (_TABLE_KEY_COLUMNS & set(header)) or len(columns) < 2 or j >= len(units) or units[j][0].text != "1":
            return None
        self._flush_pending_into_top()
        parent = self.stack[-1] if self.stack else None
        expected = 1
        rows = 0
        while j < len(units) and units[j][0].text == str(expected):
            number_line = units[j][0]
            j += 1
            cells: list[list[Line]] = []
            for _ in columns:
                if j >= len(units) or units[j][0].text == str(expected + 1) or match_marker(units[j][0].text) or ANNEX.match(units[j][0].text):
                    break
                cell = list(units[j])
                j += 1
                while cell[-1].text.endswith(("、", "，", ",")) and j < len(units) and units[j][0].text != str(expected + 1):
                    cell.extend(units[j])
                    j += 1
                cells.append(cell)
            # Overflow lines before the next row number belong to the last cell.
            look = j
            while look < len(units) and look - j < 6 and units[look][0].text != str(expected + 1):
                look += 1
            if look < len(units) and units[look][0].text == str(expected + 1) and cells:
                for k in range(j, look):
                    cells[-1].extend(units[k])
                j = look
            if not cells:
                break
            task = cells[0]
            b = _Builder(
                "table_row", RANK_ORDINAL + 1, (parent.path if parent else ()) + (str(expected),), 0,
                pieces=[(ln.start, ln.end) for ln in task], parent=parent, numbering="table_row",
            )
            b.fields = {col: "".join(ln.text for ln in cell) for col, cell in zip(columns[1:], cells[1:])}
            b.fields["行号"] = number_line.text
            self.done.append(b)
            rows += 1
            expected += 1
        if rows == 0:
            return None
        return j

    # -- output ------------------------------------------------------------------------------
    def _finish(self) -> Segmentation:
        clauses: list[Clause] = []
        pre = self._preamble_blocks()
        for n, block in enumerate(pre, start=1):
            clauses.append(self._clause(_Builder("preamble" if self.numbered else "paragraph", 99, (), 0, pieces=block), n))
        order = sorted(self.done, key=lambda b: (b.pieces[0][0] if b.pieces else 0))
        ids: dict[int, str] = {}
        used: dict[str, int] = {}
        post = 0
        for b in order:
            if not b.pieces:
                continue
            if b.kind == "postamble":
                post += 1
                clauses.append(self._clause(b, post))
                continue
            c = self._clause(b, 0, parent_id=ids.get(id(b.parent)) if b.parent else None)
            if c.id in used:
                used[c.id] += 1
                c.id = f"{c.id}~{used[c.id]}"
            else:
                used[c.id] = 1
            ids[id(b)] = c.id
            clauses.append(c)
        clauses.sort(key=lambda c: c.span[0])
        _link_table_duplicates(clauses)
        warnings = list(self.warnings)
        if not self.numbered:
            warnings.append("no numbering found: one clause per paragraph")
        return Segmentation(clauses, self.numbered, warnings)

    def _preamble_blocks(self) -> list[list[tuple[int, int]]]:
        """Preamble paragraphs; runs of short lines (title, addressee, signature) form one block."""
        blocks: list[list[tuple[int, int]]] = []
        short_run = False
        for unit in self.preamble:
            text = "".join(ln.text for ln in unit)
            is_short = len(text) <= 30 and "。" not in text
            span = (unit[0].start, unit[-1].end)
            if not self.numbered:
                blocks.append([span])
            elif is_short and short_run and blocks:
                blocks[-1].append(span)
            else:
                blocks.append([span])
            short_run = is_short
        return blocks

    def _clause(self, b: _Builder, n: int, parent_id: str | None = None) -> Clause:
        text = "\n".join(self.text[s:e] for s, e in b.pieces)
        span = (b.pieces[0][0], b.pieces[-1][1])
        if b.kind in ("preamble", "postamble", "paragraph"):
            prefix = {"preamble": "pre", "postamble": "post", "paragraph": "p"}[b.kind]
            return Clause(f"{self.doc_id}#{prefix}{n}", self.doc_id, (), b.kind, heading_of(text.split("\n")[0])[:_HEADING_MAX], text, span, 0)
        heading = b.heading if b.heading is not None else heading_of(text[b.marker_len:].split("\n")[0])
        cid = f"{self.doc_id}#{'/'.join(b.path)}"
        return Clause(cid, self.doc_id, b.path, b.kind, heading, text, span, len(b.path), parent_id, dict(b.fields), numbering=b.numbering)


def _link_table_duplicates(clauses: list[Clause]) -> None:
    """Mark table rows that repeat a body clause (seed 003's task table restates the plan body)."""
    rows = [c for c in clauses if c.kind == "table_row"]
    if not rows:
        return
    body = [c for c in clauses if c.kind == "body"]
    grams = {c.id: _trigrams(c.text) for c in body}
    for row in rows:
        rg = _trigrams(row.text)
        if not rg:
            continue
        best, best_score = None, 0.0
        for c in body:
            score = len(rg & grams[c.id]) / len(rg)
            if score > best_score:
                best, best_score = c, score
        if best is not None and best_score >= 0.5:
            row.duplicate_of = best.id


def _trigrams(text: str) -> set[str]:
    s = strip_punct(text)
    return {s[i:i + 3] for i in range(len(s) - 2)}


_SENTENCE_END = re.compile(r"[。；;！!？?]+|\n")


def sentences(text: str, min_chars: int = 6) -> list[tuple[int, int]]:
    """Sentence spans of a clause text; fragments shorter than ``min_chars`` join their neighbour.

    Dense retrieval scores a clause by its best sentence: sentence encoders such as USE are
    trained on short texts and blur long clauses into their average topic.
    """
    spans: list[list[int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == "\n" and m.start() - start > 20:
            # hard-wrapped (PDF) lines join into one sentence; a short line is a heading
            continue
        end = m.end() if m.group() != "\n" else m.start()
        if text[start:end].strip():
            spans.append([start, end])
        start = m.end()
    if text[start:].strip():
        spans.append([start, len(text)])
    merged: list[list[int]] = []
    for sp in spans:
        if merged and (len(text[sp[0]:sp[1]].strip()) < min_chars or len(text[merged[-1][0]:merged[-1][1]].strip()) < min_chars):
            merged[-1][1] = sp[1]
        else:
            merged.append(sp)
    return [(a, b) for a, b in merged] or [(0, len(text))]


def segment_lines(doc_id: str, text: str, lines: Sequence[Line], progress: Callable[[int], None] | None = None) -> Segmentation:
    """Clause tree of ``text`` from its kept ``lines`` (see :func:`lawgov_nlp.clean.clean_lines`)."""
    return _Segmenter(doc_id, text, lines, progress).run()
