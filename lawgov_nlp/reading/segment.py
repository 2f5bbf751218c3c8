"""Cutting a cleaned document into a clause tree along Chinese official numbering.

Levels follow GB/T 9704 practice: 一、 > （一） > 1. > （1） > ①, 第X编 > 第X章 > 第X节 > 第X条 for
legal texts, 1.1 > 1.1.1 for technical guidelines (see ``numbering`` for the grammar and ranks);
一是/二是 runs inside a paragraph become the lowest level. Nesting is decided by these ranks, not
by position, so a 1. directly under 二、 (seed 001) nests correctly.

Invariants every clause keeps (a property test checks them on table-heavy text):
- a clause's pieces are consecutive kept lines (or parts of one line), so clause spans never
  overlap; text that follows a task table or an inline 一是 run belongs to the clause before it
  in meaning, but it is given its own continuation clause (marker ``（续）``) under that clause
  rather than making the clause's span straddle the rows or points in between;
- every clause holds at most ``Limits.max_clause_chars`` characters: a longer one is cut at a
  sentence end into continuation pieces, and the document says so.

Clause ids are stable under edits elsewhere in the document; see :func:`lawgov_nlp.reading.ids.assign_ids`.

(Over 500 lines because the segmenter is one state machine; the table grammar, ids and bounded
pieces live in ``tables``, ``ids`` and ``pieces``.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..config import Limits, SegmentConfig
from ..config import limits as current_limits
from .clause import Clause
from .clean import Line
from .ids import assign_ids
from .numbering import (
    ANNEX,
    RANK_ANNEX,
    RANK_CONTINUED,
    RANK_ORDINAL,
    RANK_TABLE_ROW,
    bare_marker,
    leading_ordinal,
    marker_number,
    match_marker,
    ordinal_runs,
)
from .pieces import sentences, split_pieces  # noqa: F401  (sentences: the public home is here)
from .tables import TABLE_COLUMNS, link_table_duplicates, parse_table

_TERMINAL = tuple("。！？；：:!?;」』”）)】")
_HEADING_MAX = SegmentConfig.heading_max
_HEADING_HARD_MAX = SegmentConfig.heading_hard_max
CONTINUED = "（续）"
# decimal markers nest under the clause whose number is their prefix when it is one of these
_DECIMAL_PARENTS = {"chapter", "section", "part", "num", "decimal"}


@dataclass(eq=False)
class _Builder:
    kind: str
    rank: int
    path: tuple[str, ...]
    marker_len: int  # characters of the marker at the start of the first piece
    pieces: list[tuple[int, int]] = field(default_factory=list)
    parent: _Builder | None = None
    needs_body: bool = False
    fields: dict[str, str] = field(default_factory=dict)
    heading: str | None = None
    numbering: str = ""
    number: tuple[int, ...] | None = None
    last_seq: int = -1  # when this builder last received a piece (see _Segmenter.seq)
    continuations: int = 0


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
        c = re.search(r"[，,]", first[: _HEADING_HARD_MAX + 1])
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


# "…提出意见和建议。第1章  总则" / "…开发与访问。3.2.3.3  数据交换": PDF text tools glue a heading
# to the end of the paragraph before it. Only chapter-like and decimal markers after a sentence
# end, followed by a space and a short unpunctuated heading that ends the line, are split off.
_GLUED = re.compile(r"(?<=[。！？；])[ \t　]*((?:第[0-9一二三四五六七八九十百]+[编章节])|(?:[1-9]\d?(?:\.[1-9]\d?){1,4}))[ \t　]+"
                    r"([\u4e00-\u9fff][^。；;！!？?，,：:]{0,29})$")


def _split_glued(lines: Sequence[Line]) -> list[Line]:
    out: list[Line] = []
    for ln in lines:
        t = ln.text
        m = _GLUED.search(t) if len(t) > 8 and ("章" in t or "." in t or "编" in t or "节" in t) else None
        if m is None or m.start() == 0 or match_marker(ln.text[m.start(1):]) is None:
            out.append(ln)
            continue
        head = ln.text[: m.start()].rstrip(" \t　")
        out.append(Line(ln.no, ln.start, ln.start + len(head), head))
        out.append(Line(ln.no, ln.start + m.start(1), ln.end, ln.text[m.start(1):]))
    return out


def _is_plain_line(text: str) -> bool:
    return (match_marker(text) is None and bare_marker(text) is None and not ANNEX.match(text)
            and text not in TABLE_COLUMNS and not text.isdigit())


class _Segmenter:
    def __init__(self, doc_id: str, text: str, lines: Sequence[Line], progress: Callable[[int], None] | None,
                 config: SegmentConfig, limits: Limits):
        self.doc_id = doc_id
        self.text = text
        self.lines = _split_glued(lines)
        self.progress = progress
        self.config = config
        self.limits = limits
        self.stack: list[_Builder] = []
        self.done: list[_Builder] = []
        self.preamble: list[list[Line] | None] = []  # None: a break (a table) between blocks
        self.pending: list[list[Line]] = []
        self.numbered = False
        self.wrap = _hard_wrapped(self.lines)
        self.warnings: list[str] = []
        self.seq = 0  # counts pieces handed out: a builder may grow only if it got the last one

    # -- paragraphs -------------------------------------------------------------------------
    def _units(self) -> list[list[Line]]:
        """Lines grouped into paragraphs: hard-wrapped (PDF-extracted) text joins lines, and a
        marker alone on its line (1.1, 第一章) joins the heading on the next line."""
        units: list[list[Line]] = []
        lines = self.lines
        k = 0
        while k < len(lines):
            ln = lines[k]
            bare = bare_marker(ln.text)
            if bare is not None and k + 1 < len(lines) and _is_plain_line(lines[k + 1].text) and (
                bare[0] == "article" or _heading_only(lines[k + 1].text)
            ):
                units.append([ln, lines[k + 1]])
                k += 2
                continue
            if (
                self.wrap and units and len(units[-1][-1].text) >= 15
                and not units[-1][-1].text.endswith(_TERMINAL) and _is_plain_line(ln.text)
            ):
                units[-1].append(ln)
            else:
                units.append([ln])
            k += 1
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
            if marker is None and len(unit) > 1:
                marker = bare_marker(first)
            if marker is not None and (marker[0] == "decimal" and not self._decimal_plausible(marker[2])
                                       or marker[0] == "seq" and not self._seq_plausible(marker[2])):
                marker = None
            if marker is None and not annex:
                marker = self._paragraph_point(units, i)
            if annex and (len(first) <= 60):
                self._open_annex(unit, annex)
            elif marker is not None:
                self._open_numbered(unit, *marker)
            else:
                self._plain(unit)
            i += 1
        self._close_body()
        return self._finish()

    # -- pieces ------------------------------------------------------------------------------
    def _give(self, b: _Builder, start: int, end: int) -> None:
        b.pieces.append((start, end))
        self.seq += 1
        b.last_seq = self.seq

    def _can_grow(self, b: _Builder) -> bool:
        return not b.pieces or b.last_seq == self.seq

    def _receiver(self, b: _Builder) -> _Builder:
        """``b``, or a continuation under it when other clauses (table rows, inline points) came
        after its last piece: growing ``b`` would make its span straddle them."""
        if self._can_grow(b):
            return b
        cont = self._continuation(b)
        self.stack.append(cont)
        return cont

    @staticmethod
    def _continuation(b: _Builder) -> _Builder:
        while b.numbering == "continued" and b.parent is not None:
            b = b.parent  # a continuation of a continuation continues the same clause: no deeper path
        b.continuations += 1
        marker = CONTINUED if b.continuations == 1 else f"（续{b.continuations}）"
        return _Builder("body", RANK_CONTINUED, b.path + (marker,), 0, parent=b, numbering="continued")

    # -- numbered clauses -------------------------------------------------------------------
    def _open_numbered(self, unit: list[Line], kind: str, rank: int, marker: str, mlen: int) -> None:
        self._flush_pending_into_top()
        self.numbered = True
        number = marker_number(kind, marker)
        parent_at = self._decimal_parent(number) if kind == "decimal" and number else None
        if parent_at is not None:
            # 1.1 under 1. (or 第1章), 1.2.1 under 1.2: the prefix decides, not the rank table
            del_to = parent_at + 1
            while len(self.stack) > del_to:
                self.done.append(self.stack.pop())
            rank = max(rank, self.stack[-1].rank + 1)
        else:
            while self.stack and self.stack[-1].rank >= rank:
                self.done.append(self.stack.pop())
            if kind == "decimal" and number:
                # 3.1 while 第2章 is open: 第3章 was missed (glued, or an image in the PDF); 3.1
                # does not belong to chapter 2
                # …and 5.4.1 after 5.3 (5.4 missed) is no child of 5.3
                while self.stack and self.stack[-1].numbering in ("chapter", "num", "decimal") and self.stack[-1].number and (
                    self.stack[-1].number[0] != number[0]
                    or self.stack[-1].numbering == "decimal" and self.stack[-1].number != number[:len(self.stack[-1].number)]
                ):
                    self.done.append(self.stack.pop())
        parent = self.stack[-1] if self.stack else None
        path = (parent.path if parent else ()) + (marker,)
        b = _Builder("body", rank, path, mlen, parent=parent, numbering=kind, number=number)
        rest = unit[0].text[mlen:] + "".join(ln.text for ln in unit[1:])
        b.needs_body = _heading_only(rest)
        self.stack.append(b)
        self._add_unit(b, unit, skip=mlen)

    def _decimal_plausible(self, marker: str) -> bool:
        """A decimal marker starts a clause only in sequence: its prefix clause is open (1. or 第1章
        before 1.2), or it is a first (x.1), or its previous sibling is open (1.2 after 1.1).
        "6.14大战略性新兴产业" at the start of a wrapped line is a number in running text."""
        number = marker_number("decimal", marker)
        if not number:
            return False
        if number[-1] == 1 or self._decimal_parent(number) is not None:
            return True
        previous = number[:-1] + (number[-1] - 1,)
        return any(s.numbering == "decimal" and s.number == previous for s in self.stack)

    _POINT_LOOKAHEAD = 50

    def _paragraph_point(self, units: list[list[Line]], i: int) -> tuple[str, int, str, int] | None:
        """一是/二是 opening paragraphs (work reports: "一是纵深推进…" / "二是以头号力度…"): a point
        when 一是 is followed by a 二是 paragraph before the next numbered line, or when it goes on
        with an open run (三是 after 二是)."""
        found = leading_ordinal(units[i][0].text)
        if found is None:
            return None
        value, marker, mlen = found
        if value == 1:
            for unit in units[i + 1:i + 1 + self._POINT_LOOKAHEAD]:
                t = unit[0].text
                nxt = leading_ordinal(t)
                if nxt is not None and nxt[0] == 2:
                    return "ordinal", RANK_ORDINAL, marker, mlen
                if match_marker(t) is not None or ANNEX.match(t):
                    return None
            return None
        if any(s.numbering == "ordinal" and s.number == (value - 1,) for s in self.stack):
            return "ordinal", RANK_ORDINAL, marker, mlen
        return None

    def _seq_plausible(self, marker: str) -> bool:
        """第一，opens an enumeration; 第三，counts only right after an open 第二，."""
        value = (marker_number("seq", marker) or (0,))[0]
        return value == 1 or any(s.numbering == "seq" and s.number == (value - 1,) for s in self.stack)

    def _decimal_parent(self, number: tuple[int, ...]) -> int | None:
        prefix = number[:-1]
        for k in range(len(self.stack) - 1, -1, -1):
            s = self.stack[k]
            if s.numbering in _DECIMAL_PARENTS and s.number == prefix:
                return k
        return None

    def _open_annex(self, unit: list[Line], m: re.Match[str]) -> None:
        top = self.stack[0] if self.stack else None
        if (top is not None and top.kind == "annex" and len(top.pieces) <= 3 and len(self.stack) == 1 and not self.pending
                and self._can_grow(top)):
            # "附件：标题" followed by the annex page's own "附件" header: one annex, not two.
            self._give(top, unit[0].start, unit[-1].end)
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
        self._give(b, unit[0].start, unit[-1].end)
        self.stack.append(b)

    def _plain(self, unit: list[Line]) -> None:
        if not self.stack:
            self.preamble.append(unit)
            return
        top = self.stack[-1]
        if top.needs_body:
            if top.kind == "annex" and top.heading is None and self._can_grow(top):
                top.heading = heading_of("".join(ln.text for ln in unit))
                self._give(top, unit[0].start, unit[-1].end)
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
        if b.numbering == "ordinal" and skip == 0:
            # A new paragraph ends an inline run: it continues the point's parent, unless it goes
            # on with the run (…二是… / 三是…).
            nxt = (marker_number("ordinal", b.path[-1]) or (0,))[0] + 1
            more = ordinal_runs(joined, start=nxt) if len(unit) == 1 else []
            if more:
                self._ordinal_points(b.parent, unit[0], 0, more)  # type: ignore[arg-type]
                return
            if b.parent is not None:  # (points at the top level keep what follows them)
                while self.stack and self.stack[-1].rank >= RANK_ORDINAL:
                    self.done.append(self.stack.pop())
                b = b.parent
        runs = ordinal_runs(joined[skip:]) if len(unit) == 1 else []
        if not runs:
            b = self._receiver(b)
            for ln in unit:
                self._give(b, ln.start, ln.end)
            return
        ln = unit[0]
        base = ln.start + skip
        lead_end = base + runs[0][0]
        lead = self.text[ln.start:lead_end].rstrip()
        owner = b.parent if b.numbering == "continued" and b.parent is not None else b
        if lead.strip():
            self._give(self._receiver(b), ln.start, ln.start + len(lead))
        self._ordinal_points(owner, ln, skip, runs)

    def _ordinal_points(self, owner: _Builder, ln: Line, skip: int, runs: list[tuple[int, int, str]]) -> None:
        """Inline points of one line as children of ``owner``."""
        while self.stack and self.stack[-1] is not owner and self.stack[-1].rank >= RANK_ORDINAL:
            self.done.append(self.stack.pop())
        base = ln.start + skip
        for k, (start, tstart, marker) in enumerate(runs):
            end = base + runs[k + 1][0] if k + 1 < len(runs) else ln.end
            seg = self.text[base + start:end].rstrip()
            child = _Builder("body", RANK_ORDINAL, owner.path + (marker,), tstart - start, parent=owner, numbering="ordinal",
                             number=marker_number("ordinal", marker))
            self._give(child, base + start, base + start + len(seg))
            if self.stack and self.stack[-1].rank >= RANK_ORDINAL and self.stack[-1] is not owner:
                self.done.append(self.stack.pop())
            self.stack.append(child)

    def _close_body(self) -> None:
        """End of the numbered body (annex or end of text): pending paragraphs are closing text."""
        for unit in self.pending:
            b = _Builder("postamble", 99, (), 0)
            self._give(b, unit[0].start, unit[-1].end)
            self.done.append(b)
        self.pending = []
        while self.stack:
            self.done.append(self.stack.pop())

    # -- flattened tables --------------------------------------------------------------------
    def _table_at(self, units: list[list[Line]], i: int) -> int | None:
        """Rows of a task table starting at ``units[i]`` become table-row clauses; the index after it."""
        if units[i][0].text not in TABLE_COLUMNS:
            return None
        found = parse_table(units, i)
        if found is None:
            return None
        rows, j = found
        self._flush_pending_into_top()
        parent = self.stack[-1] if self.stack else None
        for row in rows:
            b = _Builder("table_row", RANK_TABLE_ROW, (parent.path if parent else ()) + (row.number,), 0,
                         parent=parent, numbering="table_row")
            for ln in row.task:
                self._give(b, ln.start, ln.end)
            b.fields = dict(row.fields)
            self.done.append(b)
        if parent is None:
            self.preamble.append(None)  # text before and after the table are separate blocks
        return j

    # -- output ------------------------------------------------------------------------------
    def _finish(self) -> Segmentation:
        pre = [_Builder("preamble" if self.numbered else "paragraph", 99, (), 0, pieces=block) for block in self._preamble_blocks()]
        builders = pre + [b for b in self.done if b.pieces]
        builders.sort(key=lambda b: b.pieces[0][0])
        builders = self._cut_long(builders)
        clauses = [self._clause(b) for b in builders]
        index_of = {id(b): k for k, b in enumerate(builders)}
        assign_ids(self.doc_id, clauses, [index_of.get(id(b.parent)) if b.parent is not None else None for b in builders])
        clauses.sort(key=lambda c: c.span[0])
        link_table_duplicates(clauses, self.config.table_duplicate_ratio)
        warnings = list(self.warnings)
        if not self.numbered:
            warnings.append("no numbering found: one clause per paragraph")
        long = [c for c in clauses if len(c.text) > self.config.long_clause_chars and c.kind != "table_row"]
        if long:
            worst = max(long, key=lambda c: len(c.text))
            where = "/".join(worst.path) or {"preamble": "前文", "postamble": "结尾", "paragraph": "段落"}.get(worst.kind, worst.kind)
            warnings.append(
                f"{len(long)} clause{'s' if len(long) > 1 else ''} longer than {self.config.long_clause_chars:,} characters: "
                f"numbering may have been missed (longest: {where}, {len(worst.text):,} characters)"
            )
        return Segmentation(clauses, self.numbered, warnings)

    def _preamble_blocks(self) -> list[list[tuple[int, int]]]:
        """Preamble paragraphs; runs of short lines (title, addressee, signature) form one block."""
        blocks: list[list[tuple[int, int]]] = []
        short_run = False
        for unit in self.preamble:
            if unit is None:
                short_run = False
                continue
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

    def _cut_long(self, builders: list[_Builder]) -> list[_Builder]:
        """Clauses over ``max_clause_chars`` cut at sentence ends into continuation pieces."""
        limit = self.limits.max_clause_chars
        out: list[_Builder] = []
        cut: list[tuple[_Builder, int, int]] = []
        for b in builders:
            total = sum(e - s for s, e in b.pieces)
            if total <= limit:
                out.append(b)
                continue
            chunks = split_pieces(self.text, b.pieces, limit)
            b.pieces = chunks[0]
            out.append(b)
            for chunk in chunks[1:]:
                if b.path:
                    c = self._continuation(b)
                else:
                    c = _Builder(b.kind, b.rank, (), 0)
                c.pieces = chunk
                out.append(c)
            cut.append((b, total, len(chunks)))
        if cut:
            worst = max(cut, key=lambda x: x[1])
            where = "/".join(worst[0].path) or worst[0].kind
            self.warnings.append(
                f"{len(cut)} clause{'s' if len(cut) > 1 else ''} over the limit of {limit:,} characters per clause cut into "
                f"{sum(n for _, _, n in cut)} pieces (longest: {where}, {worst[1]:,} characters)"
            )
        return out

    def _clause(self, b: _Builder) -> Clause:
        text = "\n".join(self.text[s:e] for s, e in b.pieces)
        span = (b.pieces[0][0], b.pieces[-1][1])
        if b.kind in ("preamble", "postamble", "paragraph"):
            return Clause("", self.doc_id, (), b.kind, heading_of(text.split("\n")[0])[:_HEADING_MAX], text, span, 0)
        if b.heading is not None:
            heading = b.heading
        else:
            rest = text[b.marker_len:].lstrip()
            heading = heading_of(rest.split("\n")[0])
        return Clause("", self.doc_id, b.path, b.kind, heading, text, span, len(b.path), None, dict(b.fields), numbering=b.numbering)


def segment_lines(doc_id: str, text: str, lines: Sequence[Line], progress: Callable[[int], None] | None = None,
                  config: SegmentConfig | None = None, limits: Limits | None = None) -> Segmentation:
    """Clause tree of ``text`` from its kept ``lines`` (see :func:`lawgov_nlp.reading.clean.clean_lines`)."""
    return _Segmenter(doc_id, text, lines, progress, config or SegmentConfig(), limits or current_limits()).run()
