"""Bounded pieces of text: sentences for an encoder, chunks of an over-long clause.

Nothing downstream of reading ever gets an unbounded string: a sentence is at most
``Limits.max_sentence_chars`` characters (what an encoder sees in one piece), a clause at most
``Limits.max_clause_chars``. Cuts fall at a sentence end, else a comma, else hard.
"""
from __future__ import annotations

import re

from ..config import Limits


def split_pieces(text: str, pieces: list[tuple[int, int]], limit: int) -> list[list[tuple[int, int]]]:
    """``pieces`` regrouped into chunks of at most ``limit`` characters, cut at sentence ends."""
    chunks: list[list[tuple[int, int]]] = [[]]
    room = limit
    for s, e in pieces:
        while e - s > room:
            if room < limit // 4 and chunks[-1]:
                chunks.append([])  # not worth filling the little room left: start afresh
                room = limit
                continue
            cut = _cut_point(text, s, s + room)
            chunks[-1].append((s, cut))
            chunks.append([])
            room = limit
            s = cut
            while s < e and text[s] in " \t　":
                s += 1
        if e > s:
            chunks[-1].append((s, e))
            room -= e - s
    return [c for c in chunks if c]


_SENTENCE_CUT = re.compile(r"[。！？!?；;]")
_CLAUSE_CUT = re.compile(r"[，,、：:]")


def _cut_point(text: str, start: int, end: int) -> int:
    """Where to end a piece of ``text[start:end]``: after its last sentence end, else its last comma
    in the second half, else at ``end``."""
    lo = start + (end - start) // 2
    for rx in (_SENTENCE_CUT, _CLAUSE_CUT):
        last = None
        for m in rx.finditer(text, lo, end):
            last = m
        if last is not None:
            return last.end()
    return end


_SENTENCE_END = re.compile(r"[。；;！!？?]+|\n")
_SOFT_CUT = re.compile(r"[，,、：:）)」”]")


def sentences(text: str, min_chars: int = 6, max_chars: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of a clause text; fragments shorter than ``min_chars`` join their neighbour,
    sentences longer than ``max_chars`` (default ``Limits.max_sentence_chars``) are cut at a comma,
    else hard, so no encoder ever gets an unbounded input.

    Dense retrieval scores a clause by its best sentence: sentence encoders such as USE are
    trained on short texts and blur long clauses into their average topic.
    """
    limit = max_chars if max_chars is not None else Limits.max_sentence_chars
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
        if merged and (len(text[sp[0]:sp[1]].strip()) < min_chars or len(text[merged[-1][0]:merged[-1][1]].strip()) < min_chars) \
                and sp[1] - merged[-1][0] <= limit:
            merged[-1][1] = sp[1]
        else:
            merged.append(sp)
    out: list[tuple[int, int]] = []
    for a, b in merged:
        while b - a > limit:
            cut = a + limit
            soft = None
            for m in _SOFT_CUT.finditer(text, a + limit // 2, a + limit):
                soft = m
            if soft is not None:
                cut = soft.end()
            out.append((a, cut))
            a = cut
        if b > a:
            out.append((a, b))
    return out or [(0, len(text))]


