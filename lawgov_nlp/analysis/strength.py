"""Directive strength: how strongly each clause obliges, span by span.

Levels (``data/directives.toml``): 4 mandatory (必须, 严禁, 一律, 不得, 禁止 …) > 3 obligatory (应当,
应, 要, 须) > 2 encouraging (积极, 鼓励, 探索, 推动, 推进, 支持 …) > 1 permissive (可以, 可).
Words are matched as jieba tokens, so 要求/重要/主要, 应对/应急/相应 and 可行/许可 are not modals.

- **Negation**: a 不/不要/未 before an obligation makes it a prohibition (不应 → prohibition at
  level 3; 不得 is already one at level 4); 不必/无须/可以不 is permissive (level 1).
- **Hedges**: 原则上, 一般, 视情, 酌情 before a directive in the same phrase lower it by one level.
- **Scope**: a directive governs the action after it up to the end of its phrase (，；。：), e.g.
  严禁 → 越权发文; scopes are what a local span is paired with the reference span by.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

from ..reading.document import Document
from ..reading.normalize import strip_punct

LEVEL_LABEL = {4: "mandatory", 3: "obligatory", 2: "encouraging", 1: "permissive", 0: "none"}
LEVEL_ZH = {4: "强制", 3: "义务", 2: "倡导", 1: "授权", 0: "无"}
_PHRASE_END = re.compile(r"[，,；;。：:！!？?\n]")
_HEDGE = re.compile(r"原则上|一般情况下|一般|视情|酌情|有条件的")


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[int, str]]:
    """word → (level, polarity) from ``data/directives.toml``."""
    p = Path(str(resources.files("lawgov_nlp") / "data" / "directives.toml"))
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    out: dict[str, tuple[int, str]] = {}
    for row in data["level"]:
        for w in row["words"]:
            out[w] = (int(row["level"]), row.get("polarity", "obligation"))
    return out


@dataclass
class DirectiveSpan:
    clause_id: str
    word: str  # as printed (with its negation: 不应)
    level: int  # 1..4
    label: str  # mandatory | obligatory | encouraging | permissive
    polarity: str  # obligation | prohibition | permission
    hedged: bool
    span: tuple[int, int]  # the word, in the clause text
    scope: str  # the action it governs
    scope_span: tuple[int, int]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["span"], d["scope_span"] = list(self.span), list(self.scope_span)
        return d


def _tokens(text: str) -> list[tuple[str, int, int]]:
    import jieba

    jieba.setLogLevel(60)
    return list(jieba.tokenize(text))


def directives(clause_id: str, text: str) -> list[DirectiveSpan]:
    """Every directive span of a clause text."""
    lex = lexicon()
    toks = _tokens(text)
    out: list[DirectiveSpan] = []
    for k, (w, a, b) in enumerate(toks):
        if w not in lex:
            continue
        level, polarity = lex[w]
        start = a
        prev = toks[k - 1][0] if k else ""
        if prev in ("不", "不要", "未", "不能") and polarity == "obligation" and level >= 3:
            polarity, start = "prohibition", toks[k - 1][1]
        elif prev in ("不", "无") and w in ("必", "须", "需"):
            level, polarity, start = 1, "permission", toks[k - 1][1]
        # 可以不 / 不必: permission
        nxt = toks[k + 1][0] if k + 1 < len(toks) else ""
        if w in ("可以", "可") and nxt == "不":
            polarity = "permission"
        if w == "要" and nxt in ("", "，", "。", "、", "的"):
            continue  # 可, 要 ending a phrase are not modals (…是必要的)
        m = _PHRASE_END.search(text, b)
        end = m.start() if m else len(text)
        phrase_start = max((text.rfind(ch, 0, start) for ch in "，,；;。：:！!？?\n"), default=-1) + 1
        hedged = bool(_HEDGE.search(text[phrase_start:start]))
        lvl = max(1, level - 1) if hedged else level
        scope = text[b:end].strip(" 、")
        out.append(DirectiveSpan(clause_id, text[start:b], lvl, LEVEL_LABEL[lvl], polarity, hedged, (start, b), scope, (b, end)))
    # a directive inside the scope of a stronger one in the same phrase is part of it (严禁…不得)
    return out


def clause_level(spans: Sequence[DirectiveSpan]) -> int:
    return max((s.level for s in spans), default=0)


@dataclass
class DocStrength:
    doc_id: str
    title: str
    spans: list[DirectiveSpan]
    clauses: dict[str, int]  # clause id → strongest level
    path_labels: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {LEVEL_LABEL[k]: 0 for k in (4, 3, 2, 1)}
        for s in self.spans:
            out[s.label] += 1
        return out


@dataclass(repr=False)
class StrengthReport:
    documents: list[DocStrength]

    def __repr__(self) -> str:
        return f"StrengthReport({len(self.documents)} documents, {sum(len(d.spans) for d in self.documents)} directive spans)"

    def to_dict(self) -> dict:
        return {"documents": [{"doc_id": d.doc_id, "title": d.title, "counts": d.counts(), "clauses": d.clauses,
                               "spans": [s.to_dict() for s in d.spans]} for d in self.documents]}

    COLUMNS = ["doc_id", "clause_id", "path_label", "word", "level", "label", "polarity", "hedged", "start", "end", "scope"]

    def to_rows(self) -> tuple[list[str], list[dict]]:
        rows = [{"doc_id": d.doc_id, **s.to_dict(), "path_label": d.path_labels.get(s.clause_id, ""), "start": s.span[0], "end": s.span[1]}
                for d in self.documents for s in d.spans]
        return self.COLUMNS, rows

    def to_frame(self):
        import pandas as pd

        cols, rows = self.to_rows()
        return pd.DataFrame(rows, columns=cols)

    def profile(self):
        """Share of directive spans at each level, per document (for a stacked bar plot)."""
        import pandas as pd

        rows = []
        for d in self.documents:
            c = d.counts()
            n = sum(c.values()) or 1
            rows.append({"doc_id": d.doc_id, "title": d.title, **{k: v / n for k, v in c.items()}, "spans": sum(c.values())})
        return pd.DataFrame(rows).set_index("doc_id")


def document_strength(doc: Document) -> DocStrength:
    spans: list[DirectiveSpan] = []
    levels: dict[str, int] = {}
    labels: dict[str, str] = {}
    for c in doc.clauses:
        if c.kind == "table_row" and c.duplicate_of:
            continue  # a restated row would count its body clause's wording twice
        ss = directives(c.id, c.text)
        spans.extend(ss)
        levels[c.id] = clause_level(ss)
        labels[c.id] = doc.path_label(c)
    return DocStrength(doc.doc_id, doc.title, spans, levels, labels)


def strength_report(docs: Sequence[Document]) -> StrengthReport:
    return StrengthReport([document_strength(d) for d in docs])


# -- wording of a local clause against the reference item it implements ------------------------

def _grams(s: str) -> set[str]:
    t = strip_punct(s)
    return {t[i:i + 2] for i in range(len(t) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@dataclass
class WordingChange:
    ref: DirectiveSpan
    local: DirectiveSpan | None
    change: str  # weakened | strengthened | same | dropped
    similarity: float

    def to_dict(self) -> dict:
        return {"ref": self.ref.to_dict(), "local": self.local.to_dict() if self.local else None, "change": self.change,
                "similarity": round(self.similarity, 3)}


def compare_wording(ref_spans: Sequence[DirectiveSpan], local_spans: Sequence[DirectiveSpan], min_dice: float) -> list[WordingChange]:
    """Pair each reference directive with the local one governing the most similar action and
    say whether the local wording is weaker, stronger or the same (one to one, best pairs first)."""
    cands = []
    for i, r in enumerate(ref_spans):
        rg = _grams(r.scope)
        for j, l in enumerate(local_spans):
            sim = _dice(rg, _grams(l.scope))
            if sim >= min_dice:
                cands.append((sim, i, j))
    cands.sort(reverse=True)
    used_r, used_l = set(), set()
    pairs: dict[int, tuple[int, float]] = {}
    for sim, i, j in cands:
        if i in used_r or j in used_l:
            continue
        used_r.add(i)
        used_l.add(j)
        pairs[i] = (j, sim)
    out = []
    for i, r in enumerate(ref_spans):
        if i not in pairs:
            continue  # an unpaired reference directive is not evidence of weakening: its action may be worded apart
        j, sim = pairs[i]
        l = local_spans[j]
        change = "same" if l.level == r.level else ("weakened" if l.level < r.level else "strengthened")
        out.append(WordingChange(r, l, change, sim))
    return out
