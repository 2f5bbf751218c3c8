"""Clause ids name content, not position: inserting, deleting and renumbering clauses elsewhere
leaves every untouched clause with its id (issue 13)."""
from __future__ import annotations

import re

from helpers import CORPUS

from lawgov_nlp.reading.document import load_document
from lawgov_nlp.reading.numbering import cn_to_int, int_to_cn

SEED = CORPUS / "hebei-handan-district-plan-2021-2025.txt"
ITEM = re.compile(r"^\(([一二三四五六七八九十]+)\)")
NEW_ITEM = "(三)加强法治督察工作。建立法治督察与纪检监察协作机制,督促各部门落实法治政府建设责任。"


def _renumber(lines: list[str], start: int, delta: int) -> list[str]:
    """Every (N) item from line ``start`` on renumbered by ``delta``, as an editor would."""
    out = list(lines)
    for k in range(start, len(out)):
        m = ITEM.match(out[k])
        if m:
            out[k] = f"({int_to_cn(cn_to_int(m.group(1)) + delta)})" + out[k][m.end():]
    return out


def _write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_document(p, doc_id="handan")


def _ids(doc):
    return {c.id: c for c in doc.clauses}


def test_ids_survive_an_inserted_and_renumbered_item(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    old = _write(tmp_path, "old.txt", lines)
    at = next(k for k, ln in enumerate(lines) if ln.startswith("(三)"))
    new = _write(tmp_path, "new.txt", lines[:at] + [NEW_ITEM] + _renumber(lines, at, +1)[at:])
    before, after = _ids(old), _ids(new)
    inserted = set(after) - set(before)
    assert [after[i].heading for i in inserted] == ["加强法治督察工作"]
    assert set(before) <= set(after)  # every old clause keeps its id…
    moved = [i for i in before if before[i].path != after[i].path]
    assert len(moved) == 28  # …though (三)…(三十) are now (四)…(三十一)
    assert after[moved[-1]].marker == "（三十一）"
    for i in before:  # and its parent
        assert before[i].parent_id == after[i].parent_id


def test_ids_survive_a_deleted_item_and_a_new_preamble_paragraph(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    old = _write(tmp_path, "old.txt", lines)
    at = next(k for k, ln in enumerate(lines) if ln.startswith("(五)"))
    edited = ["本方案经区政府常务会议审议通过。"] + lines[:at] + _renumber(lines, at + 1, -1)[at + 1:]
    new = _write(tmp_path, "new.txt", edited)
    before, after = _ids(old), _ids(new)
    deleted = set(before) - set(after)
    assert [before[i].marker for i in deleted] == ["（五）"]
    assert len(set(after) - set(before)) == 1  # the new preamble paragraph
    assert all(before[i].heading == after[i].heading for i in set(before) & set(after))


def test_a_changed_clause_gets_a_new_id_and_duplicates_stay_distinct(tmp_path):
    text = "一、总体要求\n（一）加强组织领导。\n二、保障措施\n（一）加强组织领导。\n（二）强化督促检查。\n"
    p = tmp_path / "dup.txt"
    p.write_text(text, encoding="utf-8")
    doc = load_document(p)
    first, second = doc.at("一、/（一）"), doc.at("二、/（一）")
    assert first.id != second.id and len(doc.by_id) == len(doc.clauses)
    p.write_text(text.replace("（二）强化督促检查。", "（二）强化督促检查和考核。"), encoding="utf-8")
    changed = load_document(p)
    assert changed.at("二、/（二）").id != doc.at("二、/（二）").id  # its own text changed
    assert changed.at("二、/（一）").id == second.id and changed.at("一、/（一）").id == first.id
    # the old positional form still finds a clause, by path
    assert doc.clause(f"{doc.doc_id}#二、/（二）") is doc.at("二、/（二）")


def test_id_ignores_spacing_and_punctuation_width(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("一、总体要求\n（一）加强组织领导，落实工作责任。\n", encoding="utf-8")
    b.write_text("一、总体要求\n(一) 加强组织领导,落实工作责任.\n", encoding="utf-8")
    assert load_document(a, doc_id="x").at("一、/（一）").id == load_document(b, doc_id="x").at("一、/（一）").id
