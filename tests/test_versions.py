"""Two versions of one document: inserted, deleted, moved and changed clauses (issue 13 item 4)."""
from __future__ import annotations

from helpers import CORPUS, FIXTURES

from lawgov_nlp.analysis.versions import compare_versions, word_diff
from lawgov_nlp.config import VersionConfig
from lawgov_nlp.reading.document import load_document


def _by_status(diff):
    out: dict[str, list] = {}
    for c in diff.changes:
        out.setdefault(c.status, []).append(c)
    return out


def test_two_years_of_work_points():
    diff = compare_versions(load_document(FIXTURES / "workpoints_2022.txt"), load_document(FIXTURES / "workpoints_2023.txt"))
    s = _by_status(diff)
    assert [c.new.heading for c in s["inserted"] if c.new.path] == ["持续推动“证照分离”改革"]
    assert [c.old.heading for c in s["deleted"] if c.old.path] == ["开展行政执法案卷评查"]
    (moved,) = s["moved"]
    assert (moved.old.path, moved.new.path) == (["一、", "（三）"], ["二、", "（五）"])
    changed = {c.new.heading: c for c in s["changed"]}
    one_net = changed["推进“一网通办”"]
    assert one_net.renumbered and (one_net.old.path, one_net.new.path) == (["一、", "（二）"], ["一、", "（三）"])
    assert [w for w in one_net.words if w[0] != "equal"] == [("insert", "", "，90%以上事项实现全程网办")]
    assert changed["某区2023年法治政府建设工作要点"].words[1] == ("replace", "2022", "2023")  # the title line
    unchanged = [c for c in s["unchanged"] if c.new.path]
    assert {"/".join(c.new.path) for c in unchanged} == {"一、", "一、/（一）", "二、", "二、/（四）", "三、", "三、/（六）"}
    counts = diff.counts()
    assert counts["renumbered"] == 2 and sum(counts[k] for k in ("unchanged", "changed", "moved", "inserted")) == 12


def test_a_document_against_itself_is_all_unchanged():
    doc = load_document(CORPUS / "neimenggu-tongliao-plan-2020.txt")
    diff = compare_versions(doc, doc)
    assert diff.counts()["unchanged"] == len(doc.clauses) and not diff.edits()


def test_an_edited_seed(tmp_path):
    """The Handan plan with an item inserted (and the rest renumbered), one deleted, one moved
    to another part, one sentence rewritten: every edit is found, nothing else is reported."""
    from test_ids import ITEM, NEW_ITEM  # the same edits as the id tests

    lines = (CORPUS / "hebei-handan-district-plan-2021-2025.txt").read_text(encoding="utf-8").splitlines()
    old = tmp_path / "plan-v1.txt"
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    at3 = next(k for k, ln in enumerate(lines) if ln.startswith("(三)"))
    edited = lines[:at3] + [NEW_ITEM] + lines[at3:]
    k10 = next(k for k, ln in enumerate(edited) if ln.startswith("(十)"))
    del edited[k10]  # (十) deleted
    k4 = next(k for k, ln in enumerate(edited) if ln.startswith("(四)"))
    item4 = edited.pop(k4)  # (四) moved to the end of part 九, before the closing paragraph
    last = max(k for k, ln in enumerate(edited) if ITEM.match(ln))
    edited.insert(last + 1, item4)
    k20 = next(k for k, ln in enumerate(edited) if ln.startswith("(二十)"))
    assert "推动党内监督" in edited[k20]
    edited[k20] = edited[k20].replace("推动党内监督", "推动人大监督、党内监督", 1)
    # renumber (N) in document order, as the editor of the new version would
    n = 0
    for k, ln in enumerate(edited):
        m = ITEM.match(ln)
        if m:
            n += 1
            edited[k] = f"({_cn(n)})" + ln[m.end():]
    new = tmp_path / "plan-v2.txt"
    new.write_text("\n".join(edited) + "\n", encoding="utf-8")
    diff = compare_versions(load_document(old), load_document(new))
    s = _by_status(diff)
    assert [c.new.heading for c in s["inserted"]] == ["加强法治督察工作"]
    assert [c.old.marker_text for c in s["deleted"]] == ["(十)"]
    assert [c.old.path for c in s["moved"]] == [["二、", "（四）"]] and s["moved"][0].new.path[0] == "九、"
    (changed,) = s["changed"]
    assert [w for w in changed.words if w[0] != "equal"] == [("insert", "", "人大监督、")]
    assert changed.renumbered and changed.new.heading == "推动形成监督合力"
    # (三)→(四), (四)→(三十) and (十一)…(三十) one down; (五)…(九) keep their numbers
    assert diff.counts()["renumbered"] == 22


def _cn(n: int) -> str:
    from lawgov_nlp.reading.numbering import int_to_cn

    return int_to_cn(n)


def test_word_differences_keep_policy_terms_whole():
    ops = word_diff("深化“放管服”改革，推行告知承诺制。", "深化“放管服”改革，全面推行证明事项告知承诺制。")
    assert [o for o in ops if o[0] != "equal"] == [("replace", "推行告知承诺制", "全面推行证明事项告知承诺制")]
    chars = word_diff("加强监督", "强化监督", mode="chars")
    assert ("delete", "加", "") in chars  # what a character diff shows, and why words are the default


def test_result_serialises(tmp_path):
    diff = compare_versions(load_document(FIXTURES / "workpoints_2022.txt"), load_document(FIXTURES / "workpoints_2023.txt"),
                            VersionConfig(min_similarity=0.6))
    d = diff.to_dict()
    assert d["config"]["min_similarity"] == 0.6 and d["counts"]["inserted"] >= 1
    assert {"status", "old", "new", "words", "moved", "renumbered", "similarity"} <= set(d["changes"][0])
    cols, rows = diff.to_rows()
    assert cols == diff.CSV_COLUMNS and len(rows) == len(diff.changes)
    assert any(r["inserted_words"] == "，90%以上事项实现全程网办" for r in rows)
