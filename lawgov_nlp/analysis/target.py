"""The target side of a diff: a document cut into passages a reviewer can read (:class:`TargetView`).

A passage is a window of up to ``window_sentences`` consecutive sentences of one clause, about
``window_chars`` long; a sentence longer than that is cut into pieces. However the segmenter cut a
document (one 24,000-character clause where numbering was missed), an item is carried by a few
sentences, never by a whole document. Sentence embeddings come from the embedding cache (files) or
from the index that holds the document (:meth:`TargetView.from_index`); passages are scored with
the mean of their sentences' vectors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..config import DiffConfig
from ..indexing.encoders import EmbeddingCache, Encoder, embed_sentences
from ..reading.document import Document
from ..reading.normalize import strip_punct
from ..reading.segment import sentences
from .model import clause_unit
from .results import Unit

# headings of report sections that look back at shortcomings or forward to next year's plans. Bare
# 问题 / 计划 / 思路 are not enough: a part on work done may be titled 着力解决群众反映强烈的问题 or
# 完善立法计划; the section words come with 存在, 和不足, 下一步, 年度 …
_OUTLOOK = re.compile(r"不足|短板|差距|存在(的)?(主要)?(问题|困难)|(主要)?问题(和|与|及)(原因|不足|困难|差距|建议)|下一步|下步|打算"
                      r"|努力方向|展望|改进措施|(今后|明年|来年|下一年度?)(的)?(工作)?(思路|计划|安排|重点)")
_LEADING_YEAR = re.compile(r"^\D{0,4}(20\d\d)年")
# sections on carrying out the document itself (its stages, safeguards, requirements): what it says
# there is how, not what, so it adds nothing to the plan it implements
_PROCEDURE = re.compile(r"步骤|阶段\s*[(（]|阶段$|进度安排|时间安排|组织保障|保障措施|组织实施|(实施|工作|有关)要求")
# a plan's unnumbered closing text is its call to carry it out; a report's may be substance (a work
# report's closing sections on education, health, defence)
REPORT_TYPES = ("年度报告", "政府工作报告")


def procedure_unit(u: Unit) -> bool:
    """Does this clause sit in a section on carrying out the document itself (by its headings)?"""
    return bool(_PROCEDURE.search(u.path_label or "") or (u.heading and _PROCEDURE.search(u.heading)))


def target_units(doc: Document) -> list[Unit]:
    """Clauses a target is matched by: everything but table rows that restate a body clause."""
    by_id = doc.by_id
    return [clause_unit(doc, c, by_id=by_id) for c in doc.clauses if not (c.kind == "table_row" and c.duplicate_of)]


def is_annual_report(meta: dict) -> bool:
    """An annual report on 法治政府建设 work (年度报告), not a 政府工作报告 (whose plans are commitments)."""
    return meta.get("doc_type") == "年度报告"


def outlook_unit(u: Unit, year: int | None) -> bool:
    """Does this clause sit in a shortcomings or next-year section (by its part heading or first words)?"""
    label = u.part or (u.path_label if u.path else u.text[:16])
    if _OUTLOOK.search(label):
        return True
    m = _LEADING_YEAR.match(label)
    return bool(year and m and int(m.group(1)) > year)


@dataclass
class TargetView:
    """Units (clauses), their pieces (sentences, cut to bounded length) and passages (windows of pieces)."""

    doc: Document
    units: list[Unit]
    piece_unit: np.ndarray  # per piece: index of its unit
    piece_spans: list[tuple[int, int]]  # per piece: offsets into its unit's text
    piece_vecs: np.ndarray  # per piece: its sentence's embedding
    passages: np.ndarray  # P × 2: first piece, end piece (exclusive); one unit each
    outlook: np.ndarray  # per passage: in a shortcomings / next-year section of an annual report
    source: str = "file"  # file | index
    warnings: list[str] = field(default_factory=list)

    @property
    def passage_unit(self) -> np.ndarray:
        return self.piece_unit[self.passages[:, 0]] if len(self.passages) else np.zeros(0, dtype=np.int64)

    def passage_span(self, p: int) -> tuple[int, int]:
        a, b = self.passages[p]
        return self.piece_spans[a][0], self.piece_spans[b - 1][1]

    def passage_text(self, p: int) -> str:
        a, b = self.passage_span(p)
        return self.units[int(self.piece_unit[self.passages[p, 0]])].text[a:b]

    def piece_texts(self) -> list[str]:
        return [self.units[int(j)].text[a:b] for j, (a, b) in zip(self.piece_unit, self.piece_spans)]

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def from_document(cls, doc: Document, encoder: Encoder, cache: EmbeddingCache | bool | None = None,
                      config: DiffConfig | None = None) -> TargetView:
        units = target_units(doc)
        vecs, owner, _ = embed_sentences(encoder, [u.text for u in units], cache)
        spans = [sentences(u.text) for u in units]
        return cls._assemble(doc, units, spans, vecs, owner, config or DiffConfig(), "file")

    @classmethod
    def from_index(cls, index, doc, config: DiffConfig | None = None) -> TargetView:
        """A document of ``index`` (an :class:`~lawgov_nlp.indexing.index.IndexedDocument`), with the
        sentence embeddings the index stores; nothing is embedded."""
        units = target_units(doc)
        rows = np.array([doc.index_rows[u.clause_id] for u in units], dtype=np.int64)
        dim = index.manifest.dim
        if len(rows) == 0:
            return cls._assemble(doc, units, [], np.zeros((0, dim), np.float32), np.zeros(0, np.int64), config or DiffConfig(), "index")
        sent_rows, starts = index.sentence_rows(rows)
        counts = np.diff(np.concatenate([starts, [len(sent_rows)]]))
        stored = np.asarray(index.sentence_vectors[sent_rows], dtype=np.float32)
        spans, keep = [], []
        for j, u in enumerate(units):
            s = sentences(u.text)
            a = int(starts[j])
            if len(s) == counts[j]:
                spans.append(s)
                keep.extend(range(a, a + len(s)))
            else:  # the index was built by another segmenter: score the clause by its pooled vector
                spans.append([(0, len(u.text))])
                keep.append(-1 - j)
        vecs = np.zeros((len(keep), dim), np.float32)
        pooled = None
        for k, r in enumerate(keep):
            if r >= 0:
                vecs[k] = stored[r]
            else:
                pooled = pooled if pooled is not None else np.asarray(index.vectors[rows], dtype=np.float32)
                vecs[k] = pooled[-1 - r]
        owner = np.repeat(np.arange(len(units)), [len(s) for s in spans])
        return cls._assemble(doc, units, spans, vecs, owner, config or DiffConfig(), "index")

    @classmethod
    def _assemble(cls, doc, units, spans, vecs, owner, cfg: DiffConfig, source: str) -> TargetView:
        piece_unit, piece_spans, piece_vec = [], [], []
        k = 0
        for j, sp in enumerate(spans):
            for a, b in sp:
                # a sentence longer than a passage is cut: evidence stays a few lines long
                for x in range(a, b, cfg.window_chars) if b - a > cfg.window_chars else (a,):
                    piece_unit.append(j)
                    piece_spans.append((x, min(b, x + cfg.window_chars)))
                    piece_vec.append(k)
                k += 1
        pu = np.asarray(piece_unit, dtype=np.int64)
        pv = np.asarray(vecs, dtype=np.float32)[np.asarray(piece_vec, dtype=np.int64)] if piece_vec else np.zeros((0, vecs.shape[1] if vecs.ndim == 2 else 0), np.float32)
        windows = []
        for s in range(len(pu)):
            e = s + 1
            while (e < len(pu) and e - s < cfg.window_sentences and pu[e] == pu[s]
                   and piece_spans[e][1] - piece_spans[s][0] <= cfg.window_chars):
                e += 1
            windows.append((s, e))
        passages = np.asarray(windows, dtype=np.int64).reshape(-1, 2)
        meta = doc.meta.to_dict()
        report = is_annual_report(meta)
        unit_outlook = np.array([report and outlook_unit(u, meta.get("year")) for u in units], dtype=bool)
        outlook = unit_outlook[pu[passages[:, 0]]] if len(passages) else np.zeros(0, dtype=bool)
        warnings = []
        long = [u for u in units if len(u.text) > cfg.long_clause_chars]
        if long:
            longest = max(long, key=lambda u: len(u.text))
            warnings.append(f"{len(long)} clause(s) longer than {cfg.long_clause_chars} characters (longest: {longest.path_label or longest.kind}, "
                            f"{len(longest.text):,} characters): the numbering may not have been recognised; evidence is scored on passages inside them")
        return cls(doc, units, pu, piece_spans, pv, passages, outlook, source, warnings)


def normalized_pieces(view: TargetView) -> list[str]:
    return [strip_punct(t) for t in view.piece_texts()]
