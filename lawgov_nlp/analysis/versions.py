"""Two versions of one document (a draft and the final; one region's work points of two years):
which clauses were inserted, deleted, moved or changed, and the changed ones word by word.

1. Same id, same clause: ids name a clause's own text (see ``reading.ids``), so a clause whose
   text is untouched is found in the other version whatever was inserted, deleted or renumbered
   around it. Its marker path may differ (（三） is now （四）): *renumbered*.
2. The clauses left on both sides are paired by similarity (:class:`~lawgov_nlp.config.VersionConfig`):
   character-bigram Dice of their own text, plus bonuses for the same marker path and for
   parents already paired, best pairs first. A pair is one clause that *changed*; the rest are
   *inserted* (new only) or *deleted* (old only).
3. A paired clause is *moved* when its parent is not its old parent's counterpart (an item moved
   to another part), or when it left the order of its siblings (the longest run of pairs in the
   same order stays, the others moved).
4. Changed clauses carry word-level differences: jieba words with the policy dictionary, aligned
   by difflib. Words, not characters: a character diff of 加强 → 强化 keeps 强 and shows 加 deleted
   and 化 inserted, which no reader wants; jieba keeps 放管服 and 告知承诺制 whole.
"""
from __future__ import annotations

import difflib
from bisect import bisect_left
from dataclasses import dataclass, field

from ..config import VersionConfig
from ..reading.document import Document
from ..reading.ids import content_key
from ..reading.numbering import bare_marker, match_marker
from ..reading.segment import Clause

STATUSES = ("unchanged", "changed", "moved", "inserted", "deleted")
STATUS_ZH = {"unchanged": "未变", "changed": "修改", "moved": "移动", "inserted": "新增", "deleted": "删除"}
_TEXT_KINDS = {"preamble": "text", "postamble": "text", "paragraph": "text"}


@dataclass
class ClauseSide:
    """One version of a clause, as a change shows it."""

    clause_id: str
    path: list[str]
    path_label: str
    heading: str
    text: str
    kind: str
    marker_text: str  # the marker as the text writes it ("(三)"), which word differences leave out

    @classmethod
    def of(cls, doc: Document, c: Clause) -> ClauseSide:
        return cls(c.id, list(c.path), doc.path_label(c), c.heading, c.text, c.kind, c.text[:_marker_len(c)])


@dataclass
class ClauseChange:
    status: str  # unchanged | changed | moved | inserted | deleted
    old: ClauseSide | None
    new: ClauseSide | None
    similarity: float | None = None  # 1.0 for the same text
    moved: bool = False  # also set on changed clauses that moved
    renumbered: bool = False  # same clause, other marker path
    # (equal|insert|delete|replace, old, new) over the text after the marker
    words: list[tuple[str, str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "status": self.status, "moved": self.moved, "renumbered": self.renumbered, "similarity": self.similarity,
            "old": None if self.old is None else vars(self.old).copy(),
            "new": None if self.new is None else vars(self.new).copy(),
            "words": [list(w) for w in self.words],
        }


@dataclass
class VersionDiff:
    """The clause-by-clause difference of two versions, in the new version's order (a deleted
    clause follows the counterpart of the clause before it in the old version)."""

    old: dict
    new: dict
    changes: list[ClauseChange]
    config: VersionConfig

    CSV_COLUMNS = ["status", "moved", "renumbered", "similarity", "old_path", "new_path", "old_clause_id", "new_clause_id",
                   "heading", "deleted_words", "inserted_words", "old_text", "new_text"]

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for c in self.changes:
            out[c.status] += 1
        out["renumbered"] = sum(1 for c in self.changes if c.renumbered)
        return out

    def edits(self) -> list[ClauseChange]:
        return [c for c in self.changes if c.status != "unchanged"]

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "counts": self.counts(), "config": self.config.to_dict(),
                "changes": [c.to_dict() for c in self.changes]}

    def to_rows(self) -> tuple[list[str], list[dict]]:
        rows = []
        for c in self.changes:
            side = c.new or c.old
            rows.append({
                "status": c.status, "moved": c.moved, "renumbered": c.renumbered, "similarity": c.similarity,
                "old_path": "/".join(c.old.path) if c.old else "", "new_path": "/".join(c.new.path) if c.new else "",
                "old_clause_id": c.old.clause_id if c.old else "", "new_clause_id": c.new.clause_id if c.new else "",
                "heading": side.heading if side else "",
                "deleted_words": " | ".join(o for op, o, _ in c.words if op in ("delete", "replace") and o.strip()),
                "inserted_words": " | ".join(n for op, _, n in c.words if op in ("insert", "replace") and n.strip()),
                "old_text": c.old.text if c.old else "", "new_text": c.new.text if c.new else "",
            })
        return self.CSV_COLUMNS, rows


# -- pairing ------------------------------------------------------------------------------------

def _group(c: Clause) -> str:
    return _TEXT_KINDS.get(c.kind, c.kind)


def _own_text(c: Clause) -> str:
    return content_key(c).split("\x1f", 1)[1]


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _pair_by_id(old: list[Clause], new: list[Clause]) -> dict[int, int]:
    where = {}
    for j, c in enumerate(new):
        where.setdefault(c.local_id, j)
    return {i: where[c.local_id] for i, c in enumerate(old) if c.local_id in where}


def _pair_by_similarity(old: list[Clause], new: list[Clause], pairs: dict[int, int], cfg: VersionConfig) -> dict[int, float]:
    """Adds similar pairs among the unpaired clauses to ``pairs``; returns their scores (by old index)."""
    left_old = [i for i in range(len(old)) if i not in pairs]
    taken = set(pairs.values())
    left_new = [j for j in range(len(new)) if j not in taken]
    if not left_old or not left_new:
        return {}
    grams_new = {j: _bigrams(_own_text(new[j])) for j in left_new}
    postings: dict[str, list[int]] = {}
    for j in left_new:
        for g in grams_new[j]:
            postings.setdefault(g, []).append(j)
    old_index = {c.id: i for i, c in enumerate(old)}
    new_index = {c.id: j for j, c in enumerate(new)}
    candidates: list[tuple[float, float, int, int]] = []
    for i in left_old:
        gi = _bigrams(_own_text(old[i]))
        shared: dict[int, int] = {}
        for g in gi:
            for j in postings.get(g, ()):
                shared[j] = shared.get(j, 0) + 1
        for j, n in shared.items():
            if _group(old[i]) != _group(new[j]):
                continue
            dice = 2 * n / (len(gi) + len(grams_new[j]))
            candidates.append((dice, 0.0, i, j))
    # the parent bonus counts parents paired by id (an untouched part holding an edited item)
    scored = []
    for dice, _, i, j in candidates:
        bonus = cfg.same_path_bonus if old[i].path == new[j].path and old[i].path else 0.0
        op = old_index.get(old[i].parent_id) if old[i].parent_id else None
        np_ = new_index.get(new[j].parent_id) if new[j].parent_id else None
        if op is not None and np_ is not None and pairs.get(op) == np_:
            bonus += cfg.same_parent_bonus
        scored.append((dice + bonus, dice, i, j))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2], x[3]))
    made: dict[int, float] = {}
    used_new = set(taken)
    for score, dice, i, j in scored:
        if score < cfg.min_similarity or i in pairs or j in used_new:
            continue
        pairs[i] = j
        used_new.add(j)
        made[i] = round(dice, 4)
    return made


def _longest_increasing(seq: list[int]) -> set[int]:
    """Indexes into ``seq`` of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tails_at: list[int] = []
    prev = [-1] * len(seq)
    for k, v in enumerate(seq):
        pos = bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tails_at.append(k)
        else:
            tails[pos] = v
            tails_at[pos] = k
        prev[k] = tails_at[pos - 1] if pos else -1
    out: set[int] = set()
    k = tails_at[-1] if tails_at else -1
    while k >= 0:
        out.add(k)
        k = prev[k]
    return out


def word_diff(old: str, new: str, mode: str = "jieba") -> list[tuple[str, str, str]]:
    """``(op, old piece, new piece)`` runs that turn ``old`` into ``new`` (op: equal|insert|delete|replace)."""
    if mode == "jieba":
        from ..indexing.lexical import words

        a, b = words(old), words(new)
    else:
        a, b = list(old), list(new)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(tag, "".join(a[i1:i2]), "".join(b[j1:j2])) for tag, i1, i2, j1, j2 in sm.get_opcodes()]


def _marker_len(c: Clause) -> int:
    if c.path and c.kind == "body":
        m = match_marker(c.text) or bare_marker(c.text.split("\n", 1)[0])
        if m is not None:
            return m[3]
    return 0


def _after_marker(c: Clause) -> str:
    """A clause's text without its marker: renumbering is reported as such, not as a word edit."""
    return c.text[_marker_len(c):]


def compare_versions(old: Document, new: Document, config: VersionConfig | None = None) -> VersionDiff:
    """Inserted, deleted, moved and changed clauses between two versions of one document."""
    cfg = config or VersionConfig()
    oc, nc = list(old.clauses), list(new.clauses)
    pairs = _pair_by_id(oc, nc)
    similar = _pair_by_similarity(oc, nc, pairs, cfg)
    old_index = {c.id: i for i, c in enumerate(oc)}
    new_index = {c.id: j for j, c in enumerate(nc)}

    # moved: a parent that is not the old parent's counterpart, or out of the siblings' order
    moved: set[int] = set()
    for i, j in pairs.items():
        op = old_index.get(oc[i].parent_id) if oc[i].parent_id else None
        np_ = new_index.get(nc[j].parent_id) if nc[j].parent_id else None
        if (op is None) != (np_ is None) or (op is not None and pairs.get(op) != np_):
            moved.add(i)
    by_parent: dict[object, list[int]] = {}
    for i in sorted(pairs, key=lambda i: pairs[i]):
        if i not in moved:  # a clause that changed parents says nothing about its new siblings' order
            by_parent.setdefault(nc[pairs[i]].parent_id, []).append(i)
    for siblings in by_parent.values():
        keep = _longest_increasing(siblings)
        moved.update(i for k, i in enumerate(siblings) if k not in keep)

    changes_by_new: dict[int, ClauseChange] = {}
    for i, j in pairs.items():
        a, b = oc[i], nc[j]
        same = i not in similar
        status = "changed" if not same else ("moved" if i in moved else "unchanged")
        ch = ClauseChange(status, ClauseSide.of(old, a), ClauseSide.of(new, b), 1.0 if same else similar[i],
                          moved=i in moved, renumbered=a.path != b.path)
        if not same:
            ch.words = word_diff(_after_marker(a), _after_marker(b), cfg.word_diff)
        changes_by_new[j] = ch
    out: list[ClauseChange] = []
    deleted_after: dict[int, list[ClauseChange]] = {}
    last_new = -1
    for i, c in enumerate(oc):
        if i in pairs:
            last_new = pairs[i]
            continue
        deleted_after.setdefault(last_new, []).append(ClauseChange("deleted", ClauseSide.of(old, c), None))
    out.extend(deleted_after.get(-1, []))
    for j, c in enumerate(nc):
        out.append(changes_by_new.get(j) or ClauseChange("inserted", None, ClauseSide.of(new, c)))
        out.extend(deleted_after.get(j, []))

    def about(d: Document) -> dict:
        return {"doc_id": d.doc_id, "title": d.title, "path": str(d.path), "clauses": len(d.clauses)}

    return VersionDiff(about(old), about(new), out, cfg)
