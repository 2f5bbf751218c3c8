"""The index on disk: versions behind a pointer, ownership, incremental add/remove equal to a
fresh build, manifests and checksums checked for real. Library-level; the CLI battery is in
test_hostile.py. Documents come from the session cache (nothing is embedded here)."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest
from helpers import CORPUS, dead_pid, tree_digest

from lawgov_nlp.errors import IndexStoreError, InputError
from lawgov_nlp.indexing.encoders import EmbeddingCache
from lawgov_nlp.indexing.index import add_to_index, build_index, open_index, remove_from_index
from lawgov_nlp.indexing.layout import POINTER, current_version
from lawgov_nlp.indexing.search import Searcher

DOCS = {name: CORPUS / f"{name}.txt" for name in (
    "gangyao-2021-2025-outline", "guangxi-liujiang-workpoints-2017", "hebei-funing-report-2023",
    "hebei-handan-district-plan-2021-2025", "hunan-changde-approval-bureau-report-2021", "neimenggu-tongliao-plan-2020")}
QUERIES = ["行政复议体制改革", "证照分离", "行政机关负责人出庭应诉", "重大行政决策程序", "法治督察"]


@pytest.fixture(scope="module")
def cache(corpus_index, cache_dir):
    # corpus_index has embedded the corpus into the session cache: builds here embed nothing
    return EmbeddingCache(cache_dir / "embeddings.sqlite")


def _build(docs, target, cache):
    return build_index([DOCS[d] for d in docs], target, encoder="use", cache=cache)


def _lexical(index_dir):
    s = Searcher(index_dir)
    return {q: [(r.clause_id, r.score) for r in s.search(q, k=15, mode="lexical")] for q in QUERIES}


def _units(index_dir):
    """Every live clause's retrieval units (span, token count) and the BM25 statistics over live units."""
    idx = open_index(index_dir, load_encoder=False)
    out = {}
    for r in idx.store.all_clause_rows():
        first, table = idx.unit_span(r["row"])
        assert len(table) and (table[:, 0] == r["row"]).all()
        out[r["clause_id"]] = [tuple(int(x) for x in t[1:]) for t in table]
    stats = [(f.n_live, round(f.avgdl, 4)) for f in (idx.lexical.words, idx.lexical.chars)]
    assert idx.lexical.words.n_live == sum(len(v) for v in out.values())  # a unit is live iff its clause is
    return out, stats


def _dense(index_dir, probe_rows=(0, 40, 120)):
    """Dense top-10 for query vectors taken from stored sentences (no encoder needed)."""
    s = Searcher(index_dir)
    idx = s.index
    out = []
    for doc in ("gangyao-2021-2025-outline", "hebei-handan-district-plan-2021-2025"):
        rows = idx.store.rows_for_doc(doc)
        for k in probe_rows:
            sid = idx.sentence_rows(np.array([rows[k % len(rows)]]))[0][0]
            qv = np.asarray(idx.sentence_vectors[sid:sid + 1], dtype=np.float32)
            top, scores = s._dense_top(qv, 10, None)
            meta = idx.store.clauses_by_rows(top)
            out.append([(meta[int(r)]["clause_id"], round(float(v), 5)) for r, v in zip(top, scores)])
    return out


def test_add_and_remove_give_the_results_of_a_fresh_build(tmp_path, cache):
    inc = tmp_path / "inc"
    _build(["gangyao-2021-2025-outline", "guangxi-liujiang-workpoints-2017", "hebei-funing-report-2023"], inc, cache)
    add_to_index([DOCS["hebei-handan-district-plan-2021-2025"]], inc, cache=cache)
    m = add_to_index([DOCS["hunan-changde-approval-bureau-report-2021"], DOCS["neimenggu-tongliao-plan-2020"]], inc, cache=cache)
    assert m.embedded == 0 and len(m.segments) == 3  # one segment per write, nothing re-embedded
    m = remove_from_index(["hebei-funing-report-2023"], inc)
    assert m.documents == 5 and m.deleted and m.rows > m.clauses

    fresh = tmp_path / "fresh"
    f = _build(["gangyao-2021-2025-outline", "guangxi-liujiang-workpoints-2017", "hebei-handan-district-plan-2021-2025",
                "hunan-changde-approval-bureau-report-2021", "neimenggu-tongliao-plan-2020"], fresh, cache)
    assert (m.clauses, m.sentences, m.corpus_hash) == (f.clauses, f.sentences, f.corpus_hash)
    assert m.unit_ids > f.unit_ids  # the removed document's unit ids are not reused…
    units = _units(inc)
    assert units == _units(fresh) and max(len(v) for v in units[0].values()) > 1  # …and the live units are a fresh build's
    assert _lexical(inc) == _lexical(fresh)
    assert _dense(inc) == _dense(fresh)
    a, b = open_index(inc, load_encoder=False), open_index(fresh, load_encoder=False)
    assert [(c.id, c.text) for c in a.document("hebei-handan-district-plan-2021-2025").clauses] == \
           [(c.id, c.text) for c in b.document("hebei-handan-district-plan-2021-2025").clauses]
    assert a.doc_ids() == b.doc_ids()

    # a replaced document goes to the end of the row space: same scores, ties may be ordered otherwise
    add_to_index([DOCS["hebei-funing-report-2023"]], inc, cache=cache)
    add_to_index([DOCS["hebei-funing-report-2023"]], inc, cache=cache)  # again: replaces, never duplicates
    full = tmp_path / "full"
    _build(list(DOCS), full, cache)
    x, y = _lexical(inc), _lexical(full)
    for q in QUERIES:
        assert sorted(x[q], key=lambda t: (-t[1], t[0]))[:10] == sorted(y[q], key=lambda t: (-t[1], t[0]))[:10]
    assert open_index(inc, load_encoder=False).manifest.documents == 6


def test_segments_are_merged_and_dead_rows_compacted(tmp_path, cache, monkeypatch):
    import lawgov_nlp.indexing.index as index_mod

    monkeypatch.setattr(index_mod, "MAX_SEGMENTS", 3)
    t = tmp_path / "t"
    _build(["gangyao-2021-2025-outline"], t, cache)
    for d in ("guangxi-liujiang-workpoints-2017", "hebei-funing-report-2023", "hebei-handan-district-plan-2021-2025"):
        m = add_to_index([DOCS[d]], t, cache=cache)
    assert len(m.segments) <= 3
    before = _lexical(t)
    full = tmp_path / "full"
    _build(["gangyao-2021-2025-outline", "guangxi-liujiang-workpoints-2017", "hebei-funing-report-2023",
            "hebei-handan-district-plan-2021-2025"], full, cache)
    assert before == _lexical(full) and _units(t) == _units(full)
    # removing most rows crosses the compaction threshold: the next version is dense again
    m = remove_from_index(["hebei-handan-district-plan-2021-2025", "guangxi-liujiang-workpoints-2017"], t)
    assert m.deleted == [] and m.rows == m.clauses and m.documents == 2
    two = tmp_path / "two"
    f = _build(["gangyao-2021-2025-outline", "hebei-funing-report-2023"], two, cache)
    assert m.unit_ids == f.unit_ids and _units(t) == _units(two) and _lexical(t) == _lexical(two)


def test_versions_pointer_and_a_long_lived_reader(tmp_path, cache):
    t = tmp_path / "t"
    _build(["gangyao-2021-2025-outline"], t, cache)
    reader = Searcher(t)  # opened on version 1
    first = reader.search("法治政府", k=3, mode="lexical")
    add_to_index([DOCS["hebei-funing-report-2023"]], t, cache=cache)
    add_to_index([DOCS["guangxi-liujiang-workpoints-2017"]], t, cache=cache)
    versions = sorted(p.name for p in t.iterdir() if p.name.startswith("v"))
    assert versions == ["v000002", "v000003"] and current_version(t) == "v000003"
    assert (t / POINTER).read_text().strip() == "v000003"
    # version 1 is gone from disk, yet the reader that opened it still answers from it alone
    again = reader.search("法治政府", k=3, mode="lexical")
    assert [r.clause_id for r in again] == [r.clause_id for r in first]
    assert reader.index.manifest.documents == 1 and Searcher(t).index.manifest.documents == 3
    # a rebuild is a new version too (numbers never go back)
    assert _build(["gangyao-2021-2025-outline"], t, cache).version == 4


def test_files_users_put_in_an_index_survive(tmp_path, cache):
    t = tmp_path / "t"
    _build(["gangyao-2021-2025-outline"], t, cache)
    (t / "NOTES.md").write_text("我的笔记", encoding="utf-8")
    (t / "v000001" / "mine.txt").write_text("保留", encoding="utf-8")
    for _ in range(3):  # version 1 is pruned on the second rebuild
        _build(["gangyao-2021-2025-outline"], t, cache)
    assert (t / "NOTES.md").read_text(encoding="utf-8") == "我的笔记"
    assert (t / "v000001" / "mine.txt").read_text(encoding="utf-8") == "保留"
    assert sorted(p.name for p in (t / "v000001").iterdir()) == ["mine.txt"]


def test_symlinked_index_updates_the_index_behind_the_link(tmp_path, cache):
    real = tmp_path / "real"
    _build(["gangyao-2021-2025-outline"], real, cache)
    link = tmp_path / "link"
    link.symlink_to(real)
    add_to_index([DOCS["hebei-funing-report-2023"]], link, cache=cache)
    _build(["gangyao-2021-2025-outline", "guangxi-liujiang-workpoints-2017"], link, cache)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert open_index(real, load_encoder=False).doc_ids() == ["gangyao-2021-2025-outline", "guangxi-liujiang-workpoints-2017"]


def test_stale_building_folders_only_ours_only_dead(tmp_path, cache):
    t = tmp_path / "t"
    _build(["gangyao-2021-2025-outline"], t, cache)
    gone = dead_pid()
    ours_dead = t / f".v000007.building-{gone}"
    ours_dead.mkdir()
    (ours_dead / "BUILDING").write_text(json.dumps({"format": "lawgov-nlp-index", "pid": gone}))
    (ours_dead / "clauses.sqlite").write_bytes(b"x" * 100)
    ours_alive = t / f".v000008.building-{os.getppid()}"
    ours_alive.mkdir()
    (ours_alive / "BUILDING").write_text(json.dumps({"format": "lawgov-nlp-index"}))
    unmarked = t / f".v000009.building-{gone}"
    unmarked.mkdir()
    (unmarked / "clauses.sqlite").write_bytes(b"user data")
    legacy = tmp_path / f".t.building-{gone}"  # what format 1 left beside the index
    (legacy / "bm25_words").mkdir(parents=True)
    (legacy / "vectors.npy").write_bytes(b"v")
    (legacy / "bm25_words" / "vocab.index.json").write_text("{}")
    legacy_user = tmp_path / f".t.building-{gone + 1 if gone + 1 != os.getpid() else gone + 2}"
    legacy_user.mkdir()
    (legacy_user / "thesis.docx").write_bytes(b"mine")
    keep = {p: tree_digest(p) for p in (ours_alive, unmarked, legacy_user)}
    add_to_index([DOCS["hebei-funing-report-2023"]], t, cache=cache)
    assert not ours_dead.exists() and not legacy.exists()
    for p, digest in keep.items():
        assert tree_digest(p) == digest


def test_build_refuses_document_folders_and_foreign_folders(tmp_path, cache):
    docs = tmp_path / "mydocs"
    docs.mkdir()
    shutil.copy(DOCS["hebei-funing-report-2023"], docs)
    (docs / "manifest.json").write_text('{"manifest_version": 3, "name": "my extension"}')
    before = tree_digest(docs)
    for target in (docs, docs / "idx"):
        with pytest.raises(IndexStoreError, match="input"):
            build_index([docs], target, encoder="use", cache=cache)
    ext = tmp_path / "extension"
    ext.mkdir()
    (ext / "manifest.json").write_text('{"manifest_version": 3}')
    (ext / "background.js").write_text("console.log(1)")
    ext_before = tree_digest(ext)
    with pytest.raises(IndexStoreError, match="not a lawgov-nlp index.*not one of ours"):
        build_index([DOCS["hebei-funing-report-2023"]], ext, encoder="use", cache=cache)
    with pytest.raises(IndexStoreError, match="not a lawgov-nlp index") as e:
        open_index(ext)
    assert "rebuild" not in str(e.value)  # never steer a user into replacing their folder
    with pytest.raises(IndexStoreError, match="not a lawgov-nlp index"):
        add_to_index([DOCS["hebei-funing-report-2023"]], ext, cache=cache)
    assert tree_digest(docs) == before and tree_digest(ext) == ext_before


def test_a_format_1_index_is_replaced_keeping_user_files(tmp_path, cache):
    old = tmp_path / "old"
    (old / "bm25_words").mkdir(parents=True)
    files = {"clauses.sqlite": b"sql", "vectors.npy": b"npy", "bm25_words/vocab.index.json": b"{}"}
    for name, data in files.items():
        (old / name).write_bytes(data)
    (old / "manifest.json").write_text(json.dumps({
        "format_version": 1, "encoder": "use-multilingual-v3@0.2.1", "corpus_hash": "x", "dictionary_hash": "y",
        "lawgov_version": "0.1", "files": {k: len(v) for k, v in files.items()}}))
    (old / "README.txt").write_text("mine")
    with pytest.raises(IndexStoreError, match="format version 1.*rebuild it"):
        open_index(old)
    _build(["gangyao-2021-2025-outline"], old, cache)
    assert sorted(p.name for p in old.iterdir()) == ["CURRENT", "README.txt", "v000001"]
    assert open_index(old, load_encoder=False).manifest.documents == 1


def test_a_string_is_one_path_not_a_walk_from_root(tmp_path, cache):
    m = build_index(str(DOCS["hebei-funing-report-2023"]), tmp_path / "one", encoder="use", cache=cache)
    assert m.documents == 1
    with pytest.raises(InputError, match="list of files"):
        build_index(42, tmp_path / "two", encoder="use", cache=cache)  # type: ignore[arg-type]


def _version(root):
    return root / current_version(root)


def _tamper(tmp_path, src, name, edit):
    dst = tmp_path / name
    shutil.copytree(src, dst)
    mpath = _version(dst) / "manifest.json"
    data = json.loads(mpath.read_text())
    data = edit(data)
    mpath.write_text(json.dumps(data))
    return dst


@pytest.mark.parametrize("edit, message", [
    (lambda m: [m], "is a JSON list, not an object"),
    (lambda m: {**m, "files": "clauses.sqlite"}, "field 'files' is a str"),
    (lambda m: {**m, "nprobe": 16}, "sets nprobe 16 on a flat index"),
    (lambda m: {**m, "files": {**m["files"], "/etc/passwd": {"size": 1, "hash": "0"}}}, "names a file the format does not have"),
    (lambda m: {**m, "files": {**m["files"], "../x": {"size": 1, "hash": "0"}}}, "names a file the format does not have"),
    (lambda m: {**m, "segments": ["../../etc"]}, "names a lexical segment"),
    (lambda m: {**m, "clauses": "many"}, "field 'clauses' is a str"),
    (lambda m: {**m, "surprise": 1}, "unknown field 'surprise'"),
    (lambda m: {**m, "deleted": [[5, 2]]}, "malformed deleted row ranges"),
    (lambda m: {k: v for k, v in m.items() if k != "dim"}, "lacks 'dim'"),
    (lambda m: {**m, "unit_ids": 3}, "fewer retrieval units than live clauses"),
    (lambda m: {**m, "files": {k: v for k, v in m["files"].items() if k != "units.npy"}}, "does not list units.npy"),
    (lambda m: {**m, "format_version": 4}, "format version 4, this lawgov-nlp reads version 5"),
])
def test_crafted_manifests_are_refused_in_one_line(tmp_path, corpus_index, edit, message):
    bad = _tamper(tmp_path, corpus_index, "bad", edit)
    with pytest.raises(IndexStoreError, match=message) as e:
        open_index(bad, load_encoder=False)
    assert "\n" not in str(e.value) and str(os.path.getsize("/etc/passwd")) not in str(e.value).split(":")[-1]


@pytest.mark.parametrize("name", ["sentences.npy", "vectors.npy", "sentence_owner.npy", "units.npy", "words/s000001.tf.npy", "clauses.sqlite"])
def test_same_size_corruption_is_refused(tmp_path, corpus_index, name):
    bad = tmp_path / "bad"
    shutil.copytree(corpus_index, bad)
    p = _version(bad) / name
    data = bytearray(p.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 16] = bytes(b ^ 0x5A for b in data[mid:mid + 16])  # in place, same size
    p.write_bytes(bytes(data))
    with pytest.raises(IndexStoreError, match=f"{name} is corrupt"):
        open_index(bad, load_encoder=False)


def test_damaged_pointer_and_missing_version(tmp_path, corpus_index):
    bad = tmp_path / "bad"
    shutil.copytree(corpus_index, bad)
    (bad / POINTER).write_text("../../etc\n")
    with pytest.raises(IndexStoreError, match="not a version"):
        open_index(bad)
    (bad / POINTER).write_text("v000099\n")
    with pytest.raises(IndexStoreError, match="no manifest.json"):
        open_index(bad)


def test_in_place_corruption_after_a_verified_open_is_refused(tmp_path, cache):
    """Checksums are not recomputed for files unchanged since they were verified; any write changes
    their mtime/ctime, so corruption in place is still caught."""
    import time

    t = tmp_path / "t"
    _build(["gangyao-2021-2025-outline"], t, cache)
    open_index(t, load_encoder=False).close()
    time.sleep(0.05)  # file times have a clock tick's resolution
    p = _version(t) / "sentences.npy"
    with open(p, "r+b") as fh:
        fh.seek(p.stat().st_size // 2)
        fh.write(b"\xff" * 64)
    with pytest.raises(IndexStoreError, match="sentences.npy is corrupt"):
        open_index(t, load_encoder=False)
    with pytest.raises(IndexStoreError, match="sentences.npy is corrupt"):
        open_index(t, load_encoder=False, verify="full")


def test_adding_an_unchanged_document_writes_nothing(tmp_path, cache):
    t = tmp_path / "t"
    _build(["gangyao-2021-2025-outline", "hebei-funing-report-2023"], t, cache)
    before = tree_digest(t)
    m = add_to_index([DOCS["hebei-funing-report-2023"]], t, cache=cache)
    assert m.version == 1 and tree_digest(t) == before
    changed = tmp_path / "hebei-funing-report-2023.txt"
    changed.write_text(DOCS["hebei-funing-report-2023"].read_text(encoding="utf-8") + "\n（补充）加强法治督察。\n", encoding="utf-8")
    m = add_to_index([changed], t, cache=cache)
    assert m.version == 2 and m.documents == 2  # (half the rows died: this one was compacted)
