"""Hostile but fair input through the real CLI (issue 10, the cases about data safety, the index on
disk, output files, the terminal and evaluation files). Each case asserts the exit code, one line
naming the file or value, and that every file the user owns is byte-identical afterwards.

Reader-level cases (HTML speed, encodings, numbering, tables, size limits) are in the readers' tests.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import CORPUS, run_cli, tree_digest

LG = str(Path(sys.executable).parent / "lawgov-nlp")
FUNING = CORPUS / "hebei-funing-report-2023.txt"
OUTLINE = CORPUS / "gangyao-2021-2025-outline.txt"

HOSTILE = (
    "某市法治政府建设\x1b]0;PWNED\x07实施方案\x1b[2J\n"
    "一、总体要求\x1b[5;45m假颜色\x1b[0m\n"
    "（一）加强\x1b]8;;http://evil.example/\x1b\\点这里\x1b]8;;\x1b\\依法行政，推进行政复议体制改革。\u202e反转\u202c内容。\n"
    "二、主要任务\x9b31m\n"
    "（一）推进严格规范公正文明执法，提升\x85行政执法水平。\n"
)
# what must never reach a terminal raw (rich's own colour codes are \x1b[<digits>m and are allowed)
RAW = ["\x1b]0;", "\x1b[2J", "\x1b]8;;", "\x1b[5;45m", "\x9b", "\u202e", "\x85", "\x07"]


def one_line_error(r, *needles, code=1):
    assert r.exit_code == code, (r.exit_code, r.output)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.output and "internal error" not in r.output
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- never delete what the user owns ----------------------------------------------------------------

def test_folder_with_a_foreign_manifest_is_never_an_index(home):
    ext = home / "extension"
    ext.mkdir()
    (ext / "manifest.json").write_text('{"manifest_version": 3, "name": "x"}')
    (ext / "background.js").write_text("chrome.runtime.onInstalled.addListener(() => {});")
    before = tree_digest(ext)
    one_line_error(run_cli(["index", "build", FUNING, "--index", ext]), "extension", "not one of ours")
    one_line_error(run_cli(["index", "add", FUNING, "--index", ext]), "not one of ours")
    one_line_error(run_cli(["index", "remove", "x", "--index", ext]), "not one of ours")
    msg = one_line_error(run_cli(["search", "行政复议", "--index", ext]), "not a lawgov-nlp index")
    assert "rebuild" not in msg
    one_line_error(run_cli(["index", "info", "--index", ext]), "not a lawgov-nlp index")
    assert tree_digest(ext) == before


def test_a_document_folder_is_never_an_index_target(home):
    docs = home / "mydocs"
    docs.mkdir()
    shutil.copy(FUNING, docs)
    (docs / "manifest.json").write_text("{}")
    before = tree_digest(docs)
    one_line_error(run_cli(["index", "build", docs, "--index", docs]), "mydocs", "input")
    one_line_error(run_cli(["index", "build", docs, "--index", docs / "idx"]), "inside the input")
    one_line_error(run_cli(["index", "build", docs / FUNING.name, "--index", docs / FUNING.name]), "input")
    one_line_error(run_cli(["index", "build", FUNING, "--index", docs / FUNING.name]), "exists and is a file")
    assert tree_digest(docs) == before


def test_rebuild_keeps_a_users_file_and_a_symlinked_index_is_followed(home, corpus_index):
    real = home / "real"
    shutil.copytree(corpus_index, real)
    (real / "NOTES.txt").write_text("我的笔记", encoding="utf-8")
    link = home / "link"
    link.symlink_to(real)
    r = run_cli(["index", "build", FUNING, "--index", link])
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and (real / "NOTES.txt").read_text(encoding="utf-8") == "我的笔记"
    r = run_cli(["index", "info", "--index", real, "-f", "json"])
    assert json.loads(r.stdout)["documents"] == 1
    r = run_cli(["index", "remove", "hebei-funing-report-2023", "--index", link])
    one_line_error(r, "empty")


# -- -o never loses a byte ---------------------------------------------------------------------------

def test_output_file_refusals(home):
    doc = home / "doc.txt"
    shutil.copy(FUNING, doc)
    other = home / "report.json"
    other.write_text("keep me")
    folder = home / "out"
    folder.mkdir()
    link = home / "link.json"
    link.symlink_to(other)
    link_to_input = home / "link.txt"
    link_to_input.symlink_to(doc)
    before = tree_digest(home)
    one_line_error(run_cli(["inspect", doc, "-o", other]), "report.json", "already exists", "--force")
    one_line_error(run_cli(["inspect", doc, "-o", doc, "--force"]), "doc.txt", "input")
    one_line_error(run_cli(["inspect", home, "-f", "json", "-o", other, "--force"]), "input")  # inside an input folder
    one_line_error(run_cli(["inspect", doc, "-o", link, "--force"]), "symbolic link")
    one_line_error(run_cli(["inspect", doc, "-o", link_to_input, "--force"]), "symbolic link")
    one_line_error(run_cli(["inspect", doc, "-o", folder]), "is a directory")
    one_line_error(run_cli(["inspect", doc, "-o", home / "nowhere" / "x.json"]), "does not exist")
    one_line_error(run_cli(["diff-plans", OUTLINE, doc, "-o", doc, "--force"]), "input")  # refused before any work
    assert tree_digest(home) == before
    r = run_cli(["inspect", doc, "-f", "json", "-o", other, "--force"])
    assert r.exit_code == 0 and json.loads(other.read_text())["documents"][0]["doc_id"] == "doc"
    assert doc.read_bytes() == FUNING.read_bytes()


# -- internal errors are one-line messages -----------------------------------------------------------

def test_file_name_that_is_not_utf8(home):
    d = home / "docs"
    d.mkdir()
    (d / os.fsdecode(b"\xff\xfe-report.txt")).write_text(FUNING.read_text(encoding="utf-8"), encoding="utf-8")
    before = tree_digest(d)
    one_line_error(run_cli(["index", "build", d, "--index", home / "idx"]), "\\xff\\xfe-report.txt", "not valid UTF-8")
    assert tree_digest(d) == before and not (home / "idx").exists()


def test_query_that_is_not_utf8(corpus_index):
    one_line_error(run_cli(["search", os.fsdecode(b"\xff\xfe\xe8\xa1\x8c"), "--index", corpus_index]), "query", "not valid UTF-8")


@pytest.mark.parametrize("entry, needle", [
    ({"id": "q1", "query": "行政复议", "relevant": [{"doc_id": "a", "contains": "复议", "grade": "high"}]}, "grade 'high'"),
    ({"id": 7, "query": "行政复议", "relevant": []}, "'id' must be a non-empty string"),
    ({"id": "q1", "query": "行政复议", "relevant": "a"}, "'relevant' must be a list"),
    ({"id": "q1", "query": "行政复议", "relevant": [{"doc_id": "a", "contains": 3}]}, "'contains'"),
])
def test_malformed_judgments(home, corpus_index, entry, needle):
    j = home / "judgments.json"
    j.write_text(json.dumps({"queries": [entry]}, ensure_ascii=False), encoding="utf-8")
    one_line_error(run_cli(["eval-search", j, "--index", corpus_index]), "judgments.json", needle)


@pytest.mark.parametrize("item, needle", [
    ({"ref": "（一）", "status": "implemented", "evidence": "依法行政"}, "'evidence' must be a list"),
    ({"ref": "（一）", "status": "implemented", "evidence": ["依法行政"]}, "'evidence' must be a list"),
    ({"ref": 1, "status": "implemented"}, "needs 'ref'"),
    ({"ref": "（一）", "status": "done"}, "a status of"),
])
def test_malformed_gold_files(home, item, needle):
    g = home / "gold.json"
    g.write_text(json.dumps({"target": "hebei-funing-report-2023", "items": [item]}, ensure_ascii=False), encoding="utf-8")
    one_line_error(run_cli(["eval-diff", g, "--corpus", CORPUS]), "gold.json", needle)


def test_gold_files_as_people_write_them(home):
    """Found by a reviewer's trial: refs in the export's path form (一、/（一）) were refused without
    naming the file, and a CSV (or a JSON saved with a BOM) gave a raw decoder message."""
    from lawgov_nlp.evaluation.diff import load_gold

    g = home / "gold.json"
    g.write_text("\ufeff" + json.dumps({"target": "t", "items": [{"ref": "一、/（一）", "status": "implemented"}]}, ensure_ascii=False), encoding="utf-8")
    assert load_gold(g)["items"][0]["ref"] == "（一）"
    g.write_text(json.dumps({"target": "t", "items": [{"ref": "一、/ (一)", "status": "implemented"}]}, ensure_ascii=False), encoding="utf-8")
    assert load_gold(g)["items"][0]["ref"] == "（一）"  # half-width brackets and a space, as people type them
    g.write_text(json.dumps({"target": "t", "items": [{"ref": "（一）", "status": "partial"}, {"ref": "一、/（一）", "status": "omitted"}]},
                            ensure_ascii=False), encoding="utf-8")
    one_line_error(run_cli(["eval-diff", g, "--corpus", CORPUS]), "gold.json", "item #2 (（一）) is labelled twice")
    form = home / "review.csv"
    form.write_text("\ufeffdoc_id,ref,review_status\nt,（一）,partial\n", encoding="utf-8")
    one_line_error(run_cli(["eval-diff", form, "--corpus", CORPUS]), "review.csv", "eval-diff reads gold-label JSON")
    g.write_text("{not json", encoding="utf-8")
    one_line_error(run_cli(["eval-diff", g, "--corpus", CORPUS]), "gold.json", "line 1: not valid JSON")


def _tampered(home, corpus_index, edit):
    bad = home / "bad"
    shutil.copytree(corpus_index, bad)
    v = bad / (bad / "CURRENT").read_text().strip()
    edit(v)
    return bad


def _manifest_edit(fn):
    def edit(v):
        m = json.loads((v / "manifest.json").read_text())
        (v / "manifest.json").write_text(json.dumps(fn(m)))
    return edit


@pytest.mark.parametrize("edit, needle", [
    (_manifest_edit(lambda m: [m]), "JSON list"),
    (_manifest_edit(lambda m: {**m, "files": "clauses.sqlite"}), "'files' is a str"),
    (_manifest_edit(lambda m: {**m, "nprobe": 8}), "nprobe 8 on a flat index"),
    (_manifest_edit(lambda m: {**m, "files": {"/etc/passwd": {"size": 0, "hash": ""}, **m["files"]}}), "does not have"),
    (_manifest_edit(lambda m: {**m, "files": {"../x": {"size": 0, "hash": ""}, **m["files"]}}), "does not have"),
])
def test_crafted_manifest_through_the_cli(home, corpus_index, edit, needle):
    bad = _tampered(home, corpus_index, edit)
    before = tree_digest(bad)
    for args in (["index", "info"], ["search", "行政复议"], ["index", "add", FUNING], ["index", "remove", "x"]):
        r = run_cli([*args, "--index", bad])
        line = one_line_error(r, needle)
        assert str(os.path.getsize("/etc/passwd")) + " bytes" not in line
    assert tree_digest(bad) == before  # readers and updates refuse; nothing was changed
    r = run_cli(["index", "build", FUNING, "--index", bad])
    if needle == "JSON list":  # not recognisably ours any more: refuse rather than guess
        one_line_error(r, "not a lawgov-nlp index")
        assert tree_digest(bad) == before
    else:  # our marker is intact, so the rebuild the message advises replaces the damaged version
        assert r.exit_code == 0, r.output
        assert json.loads(run_cli(["index", "info", "--index", bad, "-f", "json"]).stdout)["documents"] == 1


def test_npy_corrupted_in_place_is_refused_not_nan(home, corpus_index):
    def flip(v):
        p = v / "sentences.npy"
        data = bytearray(p.read_bytes())
        data[-4096:] = b"\xff" * 4096  # float16 NaNs, same size
        p.write_bytes(bytes(data))

    bad = _tampered(home, corpus_index, flip)
    one_line_error(run_cli(["search", "行政复议", "--index", bad, "-f", "json"]), "sentences.npy is corrupt")


@pytest.mark.parametrize("args, needle", [
    (["search", "行政复议", "-k", "abc"], "'-k'"),
    (["search", "行政复议", "--mode"], "--mode"),
    (["index", "build", "--encoder"], "--encoder"),
    (["inspect", "x.txt", "--format", "pdf"], "--format"),
    (["index", "remove"], "doc_ids"),
])
def test_bad_option_values_are_one_line(home, args, needle):
    one_line_error(run_cli(args), needle, code=2)


# -- terminal safety -------------------------------------------------------------------------------

def run_in_pty(args, cwd, timeout=300, env=None):
    """Run lawgov-nlp in a real pseudo-terminal (160 columns) and return (exit code, text written)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    p = subprocess.Popen([LG, *map(str, args)], stdin=slave, stdout=slave, stderr=slave, cwd=cwd, close_fds=True,
                         env={**os.environ, "TERM": "xterm-256color", **(env or {})})
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 1)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    rc = p.wait(timeout=30)
    os.close(master)
    return rc, out.decode("utf-8", "replace")


def assert_terminal_safe(text: str, shown: bool = True) -> None:
    """No raw control sequence; where the view shows the hostile text (``shown``), its ESC is visible."""
    for raw in RAW:
        assert raw not in text, (raw, text[:400])
    if shown:
        assert "␛" in text  # made visible, not dropped silently


def test_inspect_in_a_terminal_shows_escapes_visibly(home):
    (home / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    for args in (["inspect", "hostile.txt"], ["inspect", "hostile.txt", "--summary"], ["inspect", "hostile.txt", "-f", "csv"]):
        rc, out = run_in_pty(args, home)
        assert rc == 0, out
        assert_terminal_safe(out, shown="--summary" not in args)  # the summary may not show the title line
    # an error naming a hostile file name is safe too
    rc, out = run_in_pty(["inspect", "evil\x1b]0;PWNED\x07.txt"], home)
    assert rc == 1 and "\x1b]0;" not in out and "evil␛]0;PWNED" in out
    # JSON keeps the text as it was (escaped by JSON, so it is inert)
    r = run_cli(["inspect", "hostile.txt", "-f", "json"])
    texts = [c["text"] for c in json.loads(r.stdout)["documents"][0]["clauses"]]
    assert any("\x1b]0;PWNED\x07" in t for t in texts) and any("\x1b]8;;http://evil.example/" in t for t in texts)


def test_safe_console_on_a_tty_like_stream():
    import io

    from lawgov_nlp.indexing.search import SearchResult, SearchResults
    from lawgov_nlp.views.output import console, show_table

    class TTY(io.StringIO):
        def isatty(self):
            return True

    res = SearchResults([SearchResult(1, 0.9, "d\x1b[2J", "c", "标题\x1b]0;x\x07", ["一、\x9b"], "一、\x1b[31m", "", HOSTILE, (0, 5), {"dense": 0.5},
                                      ["行政\x1b]8;;http://e\x1b\\"])], query="行政\x1b[2J")
    buf = TTY()
    show_table(res, console(file=buf), explain=True)
    assert_terminal_safe(buf.getvalue())


@pytest.mark.slow
def test_search_index_info_and_diff_plans_in_a_terminal(home, cache_dir):
    """Loads the USE encoder: a real index of a hostile document, shown in a real terminal."""
    (home / "docs").mkdir()
    (home / "docs" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    r = run_cli(["index", "build", home / "docs", "--index", home / "idx", "-e", "use"])
    assert r.exit_code == 0, r.output
    for args in (["search", "行政复议体制改革", "--index", home / "idx"],
                 ["search", "执法\x1b[2J", "--index", home / "idx", "--explain"],
                 ["index", "info", "--index", home / "idx"],
                 ["search", "行政复议", "--index", home / "idx", "-f", "csv"],
                 ["diff-plans", OUTLINE, home / "docs" / "hostile.txt"]):
        rc, out = run_in_pty(args, home)
        assert rc == 0, out
        assert_terminal_safe(out, shown=args[0] != "index")  # index info lists ids and titles only


# -- killed builds --------------------------------------------------------------------------------

def _wait_for(pred, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_sigterm_during_a_build_cleans_up_and_keeps_the_old_index(home, corpus_index):
    idx = home / "idx"
    shutil.copytree(corpus_index, idx)
    before = tree_digest(idx)
    env = {**os.environ, "LAWGOV_CACHE": str(home / "empty-cache")}  # nothing cached: the build embeds
    p = subprocess.Popen([LG, "index", "build", CORPUS, "--index", idx], cwd=home, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert _wait_for(lambda: any(".building-" in x.name for x in idx.iterdir()))
    time.sleep(1.0)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert err.decode().strip().splitlines()[-1] == "error: interrupted"
    assert not [x for x in idx.iterdir() if ".building-" in x.name]
    assert tree_digest(idx) == before
    r = run_cli(["index", "info", "--index", idx, "-f", "json"])
    assert json.loads(r.stdout)["documents"] == 6


@pytest.mark.slow
def test_a_killed_build_resumes_its_embedding(home):
    """kill -9 in the middle of embedding: the cache kept every committed chunk, so the next build
    embeds only the rest, and the dead build's folder is cleaned by it."""
    from lawgov_nlp.indexing.encoders import EmbeddingCache
    from lawgov_nlp.indexing.index import build_index

    cache_path = home / "cache" / "embeddings.sqlite"
    env = {**os.environ, "LAWGOV_CACHE": str(cache_path.parent)}
    code = ("import sys, lawgov_nlp.indexing.encoders as e; e.CACHE_CHUNK = 64; from lawgov_nlp.cli import main; "
            f"sys.argv = ['lawgov-nlp', 'index', 'build', {str(CORPUS)!r}, '--index', {str(home / 'idx')!r}, '-e', 'use']; main()")
    p = subprocess.Popen([sys.executable, "-c", code], cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def cached() -> int:
        try:
            with sqlite3.connect(cache_path, timeout=1) as db:
                return db.execute("SELECT count(*) FROM emb").fetchone()[0]
        except sqlite3.Error:
            return 0

    assert _wait_for(lambda: cached() >= 192)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    done = cached()
    assert [x for x in (home / "idx").iterdir() if ".building-" in x.name]  # what kill -9 leaves
    m = build_index([CORPUS], home / "idx", encoder="use", cache=EmbeddingCache(cache_path))
    total = cached()
    assert 0 < done < total and m.embedded == total - done
    assert not [x for x in (home / "idx").iterdir() if ".building-" in x.name]
